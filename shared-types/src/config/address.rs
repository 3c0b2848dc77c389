//! The addresses written in the configuration: listener URLs (`nmq-tcp://0.0.0.0:1883`,
//! `nmq-ws://0.0.0.0:8083/mqtt`, …) and the bridge's upstream address (`mqtt-tcp://host:1883`).

use std::fmt;

/// The transport a listener URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListenScheme {
    /// MQTT over TCP.
    Tcp,
    /// MQTT over TLS.
    Tls,
    /// MQTT over WebSocket.
    Ws,
    /// MQTT over WebSocket over TLS.
    Wss,
}

impl ListenScheme {
    /// Every scheme.
    pub const ALL: [ListenScheme; 4] = [
        ListenScheme::Tcp,
        ListenScheme::Tls,
        ListenScheme::Ws,
        ListenScheme::Wss,
    ];

    /// The URL schemes (without `://`) that select this transport, the preferred one first.
    pub fn scheme_names(self) -> &'static [&'static str] {
        match self {
            ListenScheme::Tcp => &["nmq-tcp", "tcp", "mqtt-tcp"],
            ListenScheme::Tls => &["tls+nmq-tcp", "nmq-tls", "tls"],
            ListenScheme::Ws => &["nmq-ws", "ws"],
            ListenScheme::Wss => &["nmq-wss", "wss"],
        }
    }

    /// The transport a URL scheme (without `://`) selects.
    pub fn from_scheme(scheme: &str) -> Option<ListenScheme> {
        ListenScheme::ALL
            .into_iter()
            .find(|candidate| candidate.scheme_names().contains(&scheme))
    }

    /// Whether a URL of this transport carries a path (the WebSocket ones do).
    pub fn has_path(self) -> bool {
        matches!(self, ListenScheme::Ws | ListenScheme::Wss)
    }

    /// "nmq-tcp://, tcp:// or mqtt-tcp://", for error messages.
    pub fn describe_schemes(self) -> String {
        let names: Vec<String> = self
            .scheme_names()
            .iter()
            .map(|name| format!("{name}://"))
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}

/// A parsed listener URL, `scheme://host:port[/path]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListenUrl {
    /// The transport.
    pub scheme: ListenScheme,
    /// The host or IP address to bind, without brackets (`::` for `[::]`).
    pub host: String,
    /// The port to bind; 0 asks the system for a free one.
    pub port: u16,
    /// The path, starting with `/`, or `""` when none.
    pub path: String,
}

impl ListenUrl {
    /// Parses `scheme://host:port[/path]`; IPv6 hosts go in brackets (`nmq-tcp://[::]:1883`).
    pub fn parse(url: &str) -> Result<ListenUrl, String> {
        let (scheme_name, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("`{url}` has no scheme such as nmq-tcp://"))?;
        let scheme = ListenScheme::from_scheme(scheme_name)
            .ok_or_else(|| format!("unknown scheme `{scheme_name}://`"))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = parse_host_port(authority)?;
        Ok(ListenUrl {
            scheme,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// "host:port", with an IPv6 host in brackets: ready for `SocketAddr` or a resolver.
    pub fn socket_addr_string(&self) -> String {
        join_host_port(&self.host, self.port)
    }

    /// `host:port`, with brackets around an IPv6 host.
    pub fn join(host: &str, port: u16) -> String {
        join_host_port(host, port)
    }
}

impl fmt::Display for ListenUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.scheme.scheme_names().first().copied().unwrap_or("");
        write!(f, "{scheme}://{}{}", self.socket_addr_string(), self.path)
    }
}

/// The bridge's upstream broker: where to connect and whether over TLS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BridgeAddress {
    /// Whether to connect over TLS.
    pub tls: bool,
    /// The host name or IP address, without brackets.
    pub host: String,
    /// The port (never 0).
    pub port: u16,
}

impl BridgeAddress {
    /// Parses `mqtt-tcp://host:port`, `tcp://`, `mqtt-tls://` or `tls+mqtt-tcp://` (TLS), or a bare `host:port`.
    pub fn parse(address: &str) -> Result<BridgeAddress, String> {
        let (tls, authority) = match address.split_once("://") {
            Some(("mqtt-tcp" | "tcp", rest)) => (false, rest),
            Some(("mqtt-tls" | "tls+mqtt-tcp", rest)) => (true, rest),
            Some((other, _)) => {
                return Err(format!(
                    "unknown scheme `{other}://`: expected mqtt-tcp://, tcp://, mqtt-tls:// or tls+mqtt-tcp://"
                ));
            }
            None => (false, address),
        };
        let authority = authority.strip_suffix('/').unwrap_or(authority);
        if authority.contains('/') {
            return Err("a bridge address has no path".to_string());
        }
        let (host, port) = parse_host_port(authority)?;
        if port == 0 {
            return Err("port 0 cannot be connected to".to_string());
        }
        Ok(BridgeAddress { tls, host, port })
    }

    /// "host:port", with an IPv6 host in brackets.
    pub fn socket_addr_string(&self) -> String {
        join_host_port(&self.host, self.port)
    }
}

fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Splits `host:port` or `[v6]:port`; the host comes back without brackets.
fn parse_host_port(authority: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| format!("`{authority}`: `[` without `]`"))?;
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| format!("`{authority}` has no `:port`"))?;
        (host, port)
    } else {
        let (host, port) = authority
            .rsplit_once(':')
            .ok_or_else(|| format!("`{authority}` has no `:port`"))?;
        if host.contains(':') {
            return Err(format!(
                "`{authority}`: an IPv6 host goes in brackets, like [::]:1883"
            ));
        }
        (host, port)
    };
    if host.is_empty() {
        return Err(format!("`{authority}` has no host"));
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || "@/?#[]".contains(c))
    {
        return Err(format!("`{host}` is not a valid host"));
    }
    let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    let port = digits
        .then(|| port.parse::<u16>().ok())
        .flatten()
        .ok_or_else(|| format!("port `{port}` is not a number in 0..=65535"))?;
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_urls_of_every_scheme() {
        let tcp = ListenUrl::parse("nmq-tcp://0.0.0.0:1883").unwrap();
        assert_eq!(tcp.scheme, ListenScheme::Tcp);
        assert_eq!(
            (tcp.host.as_str(), tcp.port, tcp.path.as_str()),
            ("0.0.0.0", 1883, "")
        );
        assert_eq!(tcp.socket_addr_string(), "0.0.0.0:1883");
        for (url, scheme) in [
            ("tcp://localhost:1", ListenScheme::Tcp),
            ("mqtt-tcp://h:2", ListenScheme::Tcp),
            ("tls+nmq-tcp://0.0.0.0:8883", ListenScheme::Tls),
            ("nmq-tls://h:8883", ListenScheme::Tls),
            ("tls://h:8883", ListenScheme::Tls),
            ("ws://h:80/mqtt", ListenScheme::Ws),
            ("nmq-wss://0.0.0.0:8084/mqtt", ListenScheme::Wss),
            ("wss://h:443/", ListenScheme::Wss),
        ] {
            assert_eq!(ListenUrl::parse(url).unwrap().scheme, scheme, "{url}");
        }
        let ws = ListenUrl::parse("nmq-ws://0.0.0.0:8083/mqtt").unwrap();
        assert_eq!(ws.path, "/mqtt");
        assert_eq!(ws.to_string(), "nmq-ws://0.0.0.0:8083/mqtt");
    }

    #[test]
    fn ipv6_and_port_zero() {
        let any = ListenUrl::parse("nmq-tcp://[::]:1883").unwrap();
        assert_eq!(any.host, "::");
        assert_eq!(any.socket_addr_string(), "[::]:1883");
        let ws = ListenUrl::parse("nmq-ws://[::1]:0/mqtt").unwrap();
        assert_eq!(
            (ws.host.as_str(), ws.port, ws.path.as_str()),
            ("::1", 0, "/mqtt")
        );
        assert_eq!(
            ListenUrl::parse("tcp://127.0.0.1:65535").unwrap().port,
            65535
        );
    }

    #[test]
    fn bad_listen_urls() {
        for bad in [
            "0.0.0.0:1883",
            "http://0.0.0.0:80",
            "nmq-tcp://0.0.0.0",
            "nmq-tcp://0.0.0.0:",
            "nmq-tcp://:1883",
            "nmq-tcp://0.0.0.0:65536",
            "nmq-tcp://0.0.0.0:-1",
            "nmq-tcp://0.0.0.0:+80",
            "nmq-tcp://0.0.0.0:http",
            "nmq-tcp://:::1883",
            "nmq-tcp://[::1:1883",
            "nmq-tcp://[::1]1883",
            "nmq-tcp://a b:1883",
            "nmq-tcp://user@h:1883",
        ] {
            assert!(ListenUrl::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn bridge_addresses() {
        let plain = BridgeAddress::parse("mqtt-tcp://broker.emqx.io:1883").unwrap();
        assert_eq!(
            plain,
            BridgeAddress {
                tls: false,
                host: "broker.emqx.io".into(),
                port: 1883
            }
        );
        assert!(!BridgeAddress::parse("tcp://h:1").unwrap().tls);
        assert!(BridgeAddress::parse("mqtt-tls://h:8883").unwrap().tls);
        assert!(BridgeAddress::parse("tls+mqtt-tcp://h:8883").unwrap().tls);
        let bare = BridgeAddress::parse("127.0.0.1:1883").unwrap();
        assert_eq!(
            (bare.tls, bare.socket_addr_string().as_str()),
            (false, "127.0.0.1:1883")
        );
        let v6 = BridgeAddress::parse("mqtt-tcp://[::1]:1883/").unwrap();
        assert_eq!(v6.socket_addr_string(), "[::1]:1883");
        for bad in [
            "",
            "broker",
            "http://h:1883",
            "mqtt-tcp://h",
            "mqtt-tcp://h:0",
            "mqtt-tcp://h:1883/x",
            "h:99999",
        ] {
            assert!(BridgeAddress::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn scheme_descriptions() {
        assert_eq!(
            ListenScheme::Tcp.describe_schemes(),
            "nmq-tcp://, tcp:// or mqtt-tcp://"
        );
        assert_eq!(ListenScheme::Ws.describe_schemes(), "nmq-ws:// or ws://");
        assert!(ListenScheme::Wss.has_path());
        assert!(!ListenScheme::Tls.has_path());
    }
}
