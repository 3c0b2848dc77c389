//! HTTPS for the management API (`http_server.tls = true`, with the `tls` section's key and
//! certificate): an axum [`Listener`] whose connections are TLS streams.
//!
//! TLS handshakes run in their own tasks (bounded in time), so a slow or silent client never
//! holds up the next `accept`; finished handshakes are handed to axum through a channel.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::serve::Listener;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Finished handshakes waiting for axum to take them.
const BACKLOG: usize = 64;

/// A listener yielding TLS streams.
pub struct TlsListener {
    incoming: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `listener`, handshaking with `acceptor`, until `shutdown`.
    pub fn new(
        listener: TcpListener,
        acceptor: TlsAcceptor,
        shutdown: CancellationToken,
    ) -> io::Result<TlsListener> {
        let addr = listener.local_addr()?;
        let (tx, incoming) = mpsc::channel(BACKLOG);
        tokio::spawn(async move {
            loop {
                let (tcp, peer) = tokio::select! {
                    () = shutdown.cancelled() => return,
                    accepted = listener.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(e) => {
                            warn!(error = %e, "HTTPS accept failed");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            continue;
                        }
                    },
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let _ = tx.send((stream, peer)).await;
                        }
                        Ok(Err(e)) => debug!(%peer, error = %e, "HTTPS handshake failed"),
                        Err(_) => debug!(%peer, "HTTPS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { incoming, addr })
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.incoming.recv().await {
            Some(accepted) => accepted,
            // The accept task ended (shutdown): nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
