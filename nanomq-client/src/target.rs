//! Where a client connects: host, port and transport, from a URL.

use std::fmt;

/// How the bytes travel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// TLS over TCP.
    Tls,
    /// WebSocket over TCP, at this request path.
    Ws(String),
    /// WebSocket over TLS, at this request path.
    Wss(String),
}

impl Transport {
    /// Whether the connection is secured with TLS.
    pub fn is_tls(&self) -> bool {
        matches!(self, Transport::Tls | Transport::Wss(_))
    }
}

/// A broker to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or address (without brackets for IPv6).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport.
    pub transport: Transport,
}

/// Why a URL names no target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{url}`: {why}")]
pub struct TargetError {
    url: String,
    why: &'static str,
}

impl Target {
    /// A TCP or TLS target.
    pub fn new(host: impl Into<String>, port: u16, tls: bool) -> Target {
        Target {
            host: host.into(),
            port,
            transport: if tls { Transport::Tls } else { Transport::Tcp },
        }
    }

    /// Parses `scheme://host:port[/path]`. Schemes: `mqtt-tcp`, `tcp`, `mqtt` (TCP, port 1883
    /// by default); `mqtt-tls`, `tls+mqtt-tcp`, `mqtts`, `ssl`, `tls` (TLS, 8883); `ws` (8083)
    /// and `wss` (8084), path `/mqtt` by default. Without a scheme it is TCP.
    pub fn parse(url: &str) -> Result<Target, TargetError> {
        let fail = |why| TargetError {
            url: url.to_owned(),
            why,
        };
        let (scheme, rest) = url.split_once("://").unwrap_or(("mqtt-tcp", url));
        let (rest, path) = match rest.find('/') {
            Some(at) => (&rest[..at], Some(&rest[at..])),
            None => (rest, None),
        };
        let path = path.unwrap_or("/mqtt").to_owned();
        let (transport, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "mqtt-tcp" | "tcp" | "mqtt" => (Transport::Tcp, 1883),
            "mqtt-tls" | "tls+mqtt-tcp" | "mqtts" | "ssl" | "tls" => (Transport::Tls, 8883),
            "ws" => (Transport::Ws(path), 8083),
            "wss" => (Transport::Wss(path), 8084),
            _ => return Err(fail("unknown scheme (mqtt-tcp, mqtt-tls, ws, wss)")),
        };
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| fail("unclosed `[`"))?;
            (host, after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };
        if host.is_empty() {
            return Err(fail("no host"));
        }
        let port = match port {
            Some(port) => port.parse().map_err(|_| fail("bad port"))?,
            None => default_port,
        };
        Ok(Target {
            host: host.to_owned(),
            port,
            transport,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_transport_and_default_port() {
        let cases = [
            ("mqtt-tcp://h:1", "h", 1, Transport::Tcp),
            ("h", "h", 1883, Transport::Tcp),
            ("mqtt-tls://h", "h", 8883, Transport::Tls),
            ("tls+mqtt-tcp://h:2", "h", 2, Transport::Tls),
            ("ws://h", "h", 8083, Transport::Ws("/mqtt".into())),
            ("wss://h:9/x", "h", 9, Transport::Wss("/x".into())),
            ("mqtt-tcp://[::1]:5", "::1", 5, Transport::Tcp),
        ];
        for (url, host, port, transport) in cases {
            let target = Target::parse(url).unwrap();
            assert_eq!((target.host.as_str(), target.port), (host, port), "{url}");
            assert_eq!(target.transport, transport, "{url}");
        }
        assert_eq!(
            Target::parse("mqtt-tcp://[::1]:5").unwrap().to_string(),
            "[::1]:5"
        );
    }

    #[test]
    fn bad_urls_say_why() {
        for url in [
            "http://h",
            "mqtt-tcp://:1",
            "mqtt-tcp://h:x",
            "mqtt-tcp://[::1",
        ] {
            assert!(Target::parse(url).is_err(), "{url}");
        }
        let err = Target::parse("quic://h").unwrap_err();
        assert!(err.to_string().contains("unknown scheme"), "{err}");
    }
}
