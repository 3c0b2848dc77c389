//! The transport seam, server side: [`listeners`] turns the configuration into the list of
//! listeners it asks for (`tcp`, `tls`, `ws`, `wss`; QUIC will be one more kind), [`bind`]
//! binds one, and each bound listener accepts connections, runs the layers its kind needs
//! (TLS, WebSocket) and hands the resulting byte stream to [`crate::connection::serve`]. They
//! know nothing of MQTT; the same connection code serves every transport. The client side
//! of the seam, dialing the same transports, is `nanomq_client::Dialer`.
//!
//! - [`tls`]: the rustls server configuration from the `tls` section.
//! - [`websocket`]: the WebSocket server handshake (the byte stream over the frames is
//!   `nanomq_client::ws::WsStream`, shared with the client side).

pub mod tls;
pub mod websocket;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use shared_types::config::{Config, ListenScheme, ListenUrl};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, warn};

use crate::admission::PendingTicket;
use crate::broker::Broker;
use crate::connection;

/// Pause after a failed accept (typically out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// WebSocket frames and messages larger than the largest MQTT packet plus this are refused.
const WS_FRAME_SLACK: usize = 1024;

/// A listener the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerSpec {
    /// The configuration field that gives its URL (named in errors).
    pub field: &'static str,
    /// Its URL.
    pub url: String,
    /// What runs on it.
    pub scheme: ListenScheme,
}

impl ListenerSpec {
    /// Its name in logs.
    pub fn name(&self) -> &'static str {
        match self.scheme {
            ListenScheme::Tcp => "mqtt-tcp",
            ListenScheme::Tls => "mqtt-tls",
            ListenScheme::Ws => "ws",
            ListenScheme::Wss => "wss",
        }
    }

    /// The address it binds, if its URL parses.
    pub fn socket_addr(&self) -> Option<String> {
        ListenUrl::parse(&self.url)
            .ok()
            .map(|url| url.socket_addr_string())
    }
}

/// Every MQTT listener `config` asks for, in order: `url` always; `tls.url` when TLS is on;
/// `websocket.url` when WebSocket is on, and `websocket.tls_url` when both are.
pub fn listeners(config: &Config) -> Vec<ListenerSpec> {
    let spec = |field, url: &str, scheme| ListenerSpec {
        field,
        url: url.to_owned(),
        scheme,
    };
    let mut specs = vec![spec("url", &config.url, ListenScheme::Tcp)];
    if config.tls.enable {
        specs.push(spec("tls.url", &config.tls.url, ListenScheme::Tls));
    }
    if config.websocket.enable {
        let ws = &config.websocket;
        specs.push(spec("websocket.url", &ws.url, ListenScheme::Ws));
        if config.tls.enable {
            specs.push(spec("websocket.tls_url", &ws.tls_url, ListenScheme::Wss));
        }
    }
    specs
}

/// Why a listener could not be bound.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// Its URL does not parse or is of another kind.
    #[error("{field}: {reason}")]
    BadUrl {
        /// The configuration field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr} ({field}): {source}")]
    Bind {
        /// The configuration field.
        field: &'static str,
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A listener bound and ready to accept.
pub struct Bound {
    /// What it was asked to be.
    pub spec: ListenerSpec,
    /// The socket.
    pub listener: TcpListener,
    /// The address it is bound to (port 0 resolved).
    pub addr: SocketAddr,
    /// What it runs on top of TCP.
    pub kind: ListenerKind,
}

/// Binds `spec`; `tls` is the acceptor of the secure kinds (they need one).
pub async fn bind(spec: ListenerSpec, tls: Option<&TlsAcceptor>) -> Result<Bound, BindError> {
    let field = spec.field;
    let parsed =
        ListenUrl::parse(&spec.url).map_err(|reason| BindError::BadUrl { field, reason })?;
    if parsed.scheme != spec.scheme {
        return Err(BindError::BadUrl {
            field,
            reason: format!("expected a {} URL", spec.scheme.describe_schemes()),
        });
    }
    let secure = matches!(spec.scheme, ListenScheme::Tls | ListenScheme::Wss);
    let tls = match (secure, tls) {
        (false, _) => None,
        (true, Some(tls)) => Some(tls.clone()),
        (true, None) => {
            return Err(BindError::BadUrl {
                field,
                reason: String::from("a TLS listener needs the tls section"),
            });
        }
    };
    let websocket = matches!(spec.scheme, ListenScheme::Ws | ListenScheme::Wss).then(|| {
        if parsed.path.is_empty() {
            String::from("/")
        } else {
            parsed.path.clone()
        }
    });
    let addr = parsed.socket_addr_string();
    let bind_error = |source| BindError::Bind {
        field,
        addr: addr.clone(),
        source,
    };
    let listener = TcpListener::bind(&addr).await.map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    let kind = ListenerKind {
        name: spec.name(),
        tls,
        websocket,
    };
    Ok(Bound {
        spec,
        listener,
        addr: local,
        kind,
    })
}

/// What a listener runs on top of TCP.
#[derive(Clone)]
pub struct ListenerKind {
    /// A name for logs ("mqtt-tcp", "mqtt-tls", "ws", "wss").
    pub name: &'static str,
    /// TLS, when the listener is secure.
    pub tls: Option<TlsAcceptor>,
    /// The WebSocket path, when the listener speaks WebSocket.
    pub websocket: Option<String>,
}

/// Accepts connections until `shutdown`, serving each in its own task tracked by `tracker`.
pub async fn accept_loop(
    listener: TcpListener,
    kind: Arc<ListenerKind>,
    broker: Broker,
    shutdown: CancellationToken,
    tracker: TaskTracker,
) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Latency matters more than packet count: batching happens in the
                    // connection's own write buffer.
                    let _ = stream.set_nodelay(true);
                    let pending = broker.admission().enter();
                    let task = serve_layers(stream, peer, Arc::clone(&kind), broker.clone(), shutdown.clone(), pending);
                    tracker.spawn(task);
                }
                Err(e) => {
                    warn!(listener = kind.name, error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
}

/// Runs the listener's handshakes in the connection's own task (a slow client never holds up
/// the accept loop), then serves MQTT. Everything up to CONNECT counts against the socket's
/// pending ticket: one deadline, and eviction by newer sockets when too many are pending.
async fn serve_layers(
    stream: TcpStream,
    peer: SocketAddr,
    kind: Arc<ListenerKind>,
    broker: Broker,
    shutdown: CancellationToken,
    pending: PendingTicket,
) {
    let max_ws = broker
        .settings()
        .max_packet_size
        .saturating_add(WS_FRAME_SLACK);
    let name = kind.name;
    // Each arm's future is boxed: the task then holds only the state of the transport it
    // really serves, not that of the largest (TLS + WebSocket, ~20 KiB), which matters for
    // the memory of thousands of idle plain-TCP connections.
    match (&kind.tls, &kind.websocket) {
        (None, None) => {
            Box::pin(connection::serve(
                stream, peer, None, broker, shutdown, pending,
            ))
            .await;
        }
        (Some(tls), None) => {
            Box::pin(async move {
                let tls = tls.accept(stream);
                if let Some(stream) =
                    handshake(name, Layer::Tls, peer, &shutdown, &pending, tls).await
                {
                    let subject = tls::peer_subject(&stream);
                    connection::serve(stream, peer, subject, broker, shutdown, pending).await;
                }
            })
            .await;
        }
        (None, Some(path)) => {
            Box::pin(async move {
                let ws = websocket::accept(stream, path, max_ws);
                if let Some(stream) =
                    handshake(name, Layer::WebSocket, peer, &shutdown, &pending, ws).await
                {
                    connection::serve(stream, peer, None, broker, shutdown, pending).await;
                }
            })
            .await;
        }
        (Some(tls), Some(path)) => {
            Box::pin(async move {
                let tls = tls.accept(stream);
                let Some(stream) =
                    handshake(name, Layer::Tls, peer, &shutdown, &pending, tls).await
                else {
                    return;
                };
                let subject = tls::peer_subject(&stream);
                let ws = websocket::accept(stream, path, max_ws);
                if let Some(stream) =
                    handshake(name, Layer::WebSocket, peer, &shutdown, &pending, ws).await
                {
                    connection::serve(stream, peer, subject, broker, shutdown, pending).await;
                }
            })
            .await;
        }
    }
}

/// The layer a handshake sets up.
#[derive(Clone, Copy)]
enum Layer {
    Tls,
    WebSocket,
}

/// Awaits one handshake within the socket's pre-CONNECT deadline, giving up at shutdown or
/// when a newer socket evicts this one. A failed TLS handshake is worth an operator's eye (a
/// client with the wrong CA, a plain client on the TLS port): logged at warn with the reason,
/// within a budget ([`tls::report_failed_handshake`]); other failures are the client's
/// problem, logged at debug.
async fn handshake<S, E: std::fmt::Display>(
    listener: &'static str,
    layer: Layer,
    peer: SocketAddr,
    shutdown: &CancellationToken,
    pending: &PendingTicket,
    fut: impl Future<Output = Result<S, E>>,
) -> Option<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let outcome = tokio::select! {
        outcome = tokio::time::timeout_at(pending.deadline, fut) => outcome,
        () = pending.evicted() => {
            debug!(listener, %peer, "handshake cut short: too many pending connections");
            return None;
        }
        () = shutdown.cancelled() => return None,
    };
    match outcome {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(e)) => {
            match layer {
                Layer::Tls => tls::report_failed_handshake(listener, peer, &e),
                Layer::WebSocket => debug!(listener, %peer, error = %e, "handshake failed"),
            }
            None
        }
        Err(_) => {
            debug!(listener, %peer, "handshake timed out");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use shared_types::config::{Config, ListenScheme};

    #[test]
    fn the_configuration_gives_the_list_of_listeners() {
        let mut config = Config::default();
        config.websocket.enable = false;
        let fields: Vec<_> = super::listeners(&config).iter().map(|s| s.field).collect();
        assert_eq!(fields, ["url"]);
        config.websocket.enable = true;
        config.tls.enable = true;
        let specs = super::listeners(&config);
        let schemes: Vec<_> = specs.iter().map(|s| s.scheme).collect();
        assert_eq!(
            schemes,
            [
                ListenScheme::Tcp,
                ListenScheme::Tls,
                ListenScheme::Ws,
                ListenScheme::Wss
            ]
        );
        let names: Vec<_> = specs.iter().map(super::ListenerSpec::name).collect();
        assert_eq!(names, ["mqtt-tcp", "mqtt-tls", "ws", "wss"]);
    }

    #[tokio::test]
    async fn a_listener_of_the_wrong_kind_or_without_tls_names_its_field() {
        let spec = |url: &str, scheme| super::ListenerSpec {
            field: "tls.url",
            url: url.to_owned(),
            scheme,
        };
        let wrong = super::bind(spec("nmq-ws://127.0.0.1:0/mqtt", ListenScheme::Tls), None).await;
        let err = wrong.err().unwrap().to_string();
        assert!(err.starts_with("tls.url: expected a"), "{err}");
        let no_tls = super::bind(spec("tls+nmq-tcp://127.0.0.1:0", ListenScheme::Tls), None).await;
        let err = no_tls.err().unwrap().to_string();
        assert!(err.contains("needs the tls section"), "{err}");
        let plain = super::bind(
            super::ListenerSpec {
                field: "url",
                url: "nmq-tcp://127.0.0.1:0".into(),
                scheme: ListenScheme::Tcp,
            },
            None,
        )
        .await
        .unwrap();
        assert_ne!(plain.addr.port(), 0);
        assert_eq!(plain.kind.name, "mqtt-tcp");
    }

    /// A plain TCP connection's task must not be sized for TLS + WebSocket (~20 KiB).
    #[tokio::test]
    async fn a_tcp_connection_task_does_not_carry_other_transports() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let broker = crate::broker::Broker::new(shared_types::config::Config::default()).unwrap();
        let kind = std::sync::Arc::new(super::ListenerKind {
            name: "test",
            tls: None,
            websocket: None,
        });
        let pending = broker.admission().enter();
        let task = super::serve_layers(
            client,
            addr,
            kind,
            broker,
            tokio_util::sync::CancellationToken::new(),
            pending,
        );
        assert!(
            std::mem::size_of_val(&task) <= 256,
            "{}",
            std::mem::size_of_val(&task)
        );
    }
}
