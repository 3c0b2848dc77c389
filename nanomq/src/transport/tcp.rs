//! The plain TCP listener.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::warn;

use crate::broker::Broker;
use crate::connection;

/// Pause after a failed accept (typically out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Accepts connections until `shutdown`, serving each in its own task tracked by `tracker`.
pub async fn accept_loop(
    listener: TcpListener,
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
                    tracker.spawn(connection::serve(stream, peer, broker.clone(), shutdown.clone()));
                }
                Err(e) => {
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
}
