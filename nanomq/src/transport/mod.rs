//! Listeners: each accepts TCP connections, runs the layers its kind needs (TLS, WebSocket)
//! and hands the resulting byte stream to [`crate::connection::serve`]. They know nothing of
//! MQTT; the same connection code serves every transport.
//!
//! - [`tls`]: the rustls server configuration from the `tls` section.
//! - [`websocket`]: the WebSocket handshake and the frames-to-bytes adapter.

pub mod tls;
pub mod websocket;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

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
