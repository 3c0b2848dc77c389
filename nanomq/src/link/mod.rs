//! The link core: what every MQTT link of the broker does with its byte stream, whichever
//! side of the protocol it plays. A client connection ([`crate::connection`], the broker as
//! server) and a bridge's upstream link ([`crate::bridge`], the broker as client) both run on
//! it, over any byte stream (TCP, TLS, WebSocket; a QUIC stream is one more `AsyncRead +
//! AsyncWrite`):
//!
//! - [`output`]: the pending output, packets encoded back to back and large payloads written
//!   from where they are (vectored writes), with the peer's Maximum Packet Size enforced;
//! - the high watermark ([`WRITE_HIGH`]) and the pull window ([`PULL_BATCH`]): deliveries are
//!   pulled from a mailbox only while little output waits, so a slow reader is paced by its
//!   own socket and its queue (with its limits) holds the rest;
//! - [`write_or_flush`]: write some output, or flush what the stream buffers (TLS records,
//!   WebSocket frames) once there is none;
//! - [`read_through_stack`]: the read of an idle link, which keeps no buffer of its own;
//! - [`wait_uncongested`]: waiting while paused, until the local subscribers that were over
//!   their high watermark have drained;
//! - [`Timer`]: the one timer a link arms for its next deadline (keep alive, resends, write
//!   timeout);
//! - [`close_output`]: the last writes of a link, bounded in time, never sending output whose
//!   store commit did not happen.
//!
//! What differs between the two sides stays with them: the server's keep alive (the client's
//! silence ends it) in `connection`, the client's (send PINGREQ, expect PINGRESP) in
//! [`nanomq_client::keepalive`], shared with the CLI.

pub mod output;

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

use crate::broker::Broker;
use crate::session::Session;
use crate::store::Ticket;
use output::Output;

/// Deliveries are pulled from the mailbox only while less than this is waiting to be written.
pub const WRITE_HIGH: usize = 64 * 1024;
/// Deliveries pulled from the mailbox per lock.
pub const PULL_BATCH: usize = 64;
/// Bytes an idle link reads at once, through the stack.
pub const READ_SPACE: usize = 1024;

/// Writes some of `output`, returning how much; with nothing left to write, flushes what the
/// stream itself buffers (TLS records, WebSocket frames) and returns `None`.
pub async fn write_or_flush<W: AsyncWrite + Unpin>(
    writer: &mut W,
    output: &mut Output,
) -> io::Result<Option<usize>> {
    if output.is_empty() {
        writer.flush().await.map(|()| None)
    } else {
        output.write_to(writer).await.map(Some)
    }
}

/// Reads what the peer sent onto the end of `buf`, through [`READ_SPACE`] bytes on the stack:
/// an idle link keeps no read buffer of its own while it waits.
pub async fn read_through_stack<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut BytesMut,
) -> io::Result<usize> {
    std::future::poll_fn(|cx| {
        let mut space = [0u8; READ_SPACE];
        let mut read = tokio::io::ReadBuf::new(&mut space);
        std::task::ready!(Pin::new(&mut *reader).poll_read(cx, &mut read))?;
        buf.extend_from_slice(read.filled());
        std::task::Poll::Ready(Ok(read.filled().len()))
    })
    .await
}

/// Waits until none of `sessions` is congested any more.
pub async fn wait_uncongested(sessions: &[Arc<Session>]) {
    for session in sessions {
        session.mailbox.wait_for_space().await;
    }
}

/// How a link ends: output that waits for the store to commit `ticket` waits for it up to
/// `store_wait`, and is not sent if the store does not get there (the peer sends those
/// messages again); then `last` (a DISCONNECT) is appended, everything written and the stream
/// shut down, within `write_wait`.
#[derive(Debug)]
pub struct Closing<'a> {
    /// The store commit the pending output depends on.
    pub ticket: Ticket,
    /// The packet to end with, and the protocol version to encode it in.
    pub last: Option<(&'a crate::codec::Packet, crate::codec::ProtocolVersion)>,
    /// How long to wait for the store.
    pub store_wait: Duration,
    /// How long the writes may take.
    pub write_wait: Duration,
}

/// Ends a link's output as `closing` says, bounded in time; returns the bytes written.
pub async fn close_output<W: AsyncWrite + Unpin>(
    writer: &mut W,
    output: &mut Output,
    broker: &Broker,
    closing: Closing<'_>,
) -> u64 {
    if tokio::time::timeout(closing.store_wait, broker.durable(closing.ticket))
        .await
        .is_err()
    {
        output.clear();
    }
    if let Some((packet, version)) = closing.last {
        output.push_packet(packet, version);
    }
    let mut written = 0u64;
    let write = async {
        while !output.is_empty() {
            match output.write_to(writer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => written += n as u64,
            }
        }
        let _ = writer.shutdown().await;
    };
    let _ = tokio::time::timeout(closing.write_wait, write).await;
    written
}

/// The one timer of a link, set to its next deadline. Boxed: an idle link's task carries only
/// a pointer to it.
#[derive(Debug)]
pub struct Timer {
    sleep: Pin<Box<Sleep>>,
    deadline: Instant,
}

impl Default for Timer {
    fn default() -> Timer {
        let never = Instant::now() + far_future();
        Timer {
            sleep: Box::pin(tokio::time::sleep_until(never)),
            deadline: never,
        }
    }
}

impl Timer {
    /// When it fires next.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Sets it to fire at `deadline`.
    pub fn set(&mut self, deadline: Instant) {
        self.deadline = deadline;
        self.sleep.as_mut().reset(deadline);
    }

    /// Sets it to `deadline` unless it already fires then and has not fired yet.
    pub fn set_if_changed(&mut self, deadline: Instant) {
        if deadline != self.deadline || self.sleep.is_elapsed() {
            self.set(deadline);
        }
    }

    /// Waits until it fires.
    pub async fn fired(&mut self) {
        self.sleep.as_mut().await;
    }
}

/// A deadline far enough away to mean "never" without overflowing `Instant`.
pub fn far_future() -> Duration {
    Duration::from_secs(86_400 * 365)
}
