//! One upstream connection, from its CONNACK to its end, in the bridge task.
//!
//! Like a client connection ([`crate::connection`]) it interleaves in one `select!`: reading
//! and handling packets from the upstream, writing the output buffer, pulling deliveries
//! from the bridge's mailbox (within the in-flight window), and its timer (keep alive). The
//! difference is the direction of the protocol: here the broker is the client, so it sends
//! PINGREQ and expects PINGRESP. When routing an upstream message finds a local subscriber
//! over its high watermark, the link stops reading from the upstream until it drains. As a
//! connection holds its PUBACKs, the link holds its acknowledgements to the upstream until
//! the store has what they acknowledge (the upstream forgets a message once acknowledged).
//!
//! - [`super::inbound`]: packets from the upstream.
//! - [`super::outbound`]: local messages to the upstream, resends, acknowledgements.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;

use super::Carried;
use super::dial::UpstreamStream;
use super::error::LinkError;
use super::handshake::{Connected, UpstreamLimits};
use super::options::BridgeOptions;
use super::stats::BridgeStats;
use crate::broker::{Broker, Identity, LiveSettings};
use crate::codec::{Disconnect, Packet, ReasonCode, encode_packet};
use crate::message::Delivery;
use crate::session::Session;
use crate::store::Ticket;

/// Deliveries are pulled from the mailbox only while less than this is waiting to be written.
pub(super) const WRITE_HIGH: usize = 64 * 1024;
/// Deliveries pulled per batch.
pub(super) const PULL_BATCH: usize = 64;
/// How long the final DISCONNECT may take to go out.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// The state of one upstream connection.
pub(super) struct Link<'a> {
    reader: ReadHalf<Box<dyn UpstreamStream>>,
    writer: WriteHalf<Box<dyn UpstreamStream>>,
    pub(super) read_buf: BytesMut,
    pub(super) write_buf: BytesMut,
    pub(super) options: &'a BridgeOptions,
    pub(super) limits: UpstreamLimits,
    pub(super) broker: &'a Broker,
    pub(super) stats: &'a BridgeStats,
    /// Who publishes what comes down from the upstream.
    pub(super) identity: Identity,
    /// The rules and limits in force, for its publishes.
    pub(super) live: LiveSettings,
    pub(super) session: &'a Arc<Session>,
    pub(super) carried: &'a mut Carried,
    /// The store ticket the pending output depends on: acknowledgements to the upstream go
    /// out only once what they acknowledge is stored.
    durable_ticket: Ticket,
    /// Local subscribers over their high watermark: reading from the upstream waits for them.
    pub(super) paused: Vec<Arc<Session>>,
    pub(super) batch: Vec<Delivery>,
    last_sent: Instant,
    pub(super) last_received: Instant,
    pub(super) ping_sent: Option<Instant>,
    timer: std::pin::Pin<Box<Sleep>>,
    timer_deadline: Instant,
}

impl<'a> Link<'a> {
    /// A link over a connection the upstream has just accepted.
    pub(super) fn new(
        connected: Connected,
        options: &'a BridgeOptions,
        broker: &'a Broker,
        stats: &'a BridgeStats,
        session: &'a Arc<Session>,
        carried: &'a mut Carried,
    ) -> Link<'a> {
        let (reader, writer) = tokio::io::split(connected.stream);
        let now = Instant::now();
        let far = now + far_future();
        Link {
            reader,
            writer,
            read_buf: connected.read_buf,
            write_buf: BytesMut::new(),
            options,
            limits: connected.limits,
            broker,
            stats,
            identity: Identity::bridge(Arc::clone(&session.client_id)),
            live: broker.live_settings(),
            session,
            carried,
            durable_ticket: Ticket::NONE,
            paused: Vec::new(),
            batch: Vec::new(),
            last_sent: now,
            last_received: now,
            ping_sent: None,
            timer: Box::pin(tokio::time::sleep_until(far)),
            timer_deadline: far,
        }
    }

    /// Subscribes upstream, resends what was in flight, then serves the connection until it
    /// ends: `Ok` on shutdown (after a DISCONNECT), else why it ended.
    pub(super) async fn run(mut self, shutdown: &CancellationToken) -> Result<(), LinkError> {
        if !self.limits.session_present {
            // The upstream forgot the QoS 2 messages it was sending us: their identifiers are
            // free again.
            self.carried.inbound = Default::default();
        }
        self.subscribe_upstream();
        self.resend_inflight();
        let result = self.serve(shutdown).await;
        if result.is_ok() {
            self.close().await;
        }
        result
    }

    async fn serve(&mut self, shutdown: &CancellationToken) -> Result<(), LinkError> {
        // Bytes that arrived together with the CONNACK.
        self.process_input()?;
        loop {
            self.pull();
            let outbox = &self.carried.outbox;
            self.stats
                .set_backlog(outbox.pending_len(), outbox.inflight.inflight_len());
            self.arm_timer();
            let durable = self.broker.is_durable(self.durable_ticket);
            let want_write = !self.write_buf.is_empty() && durable;
            let want_mail = self.write_buf.len() < WRITE_HIGH;
            let reading = self.paused.is_empty();
            if reading && self.read_buf.capacity() - self.read_buf.len() < 1024 {
                self.read_buf.reserve(4096);
            }
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                written = self.writer.write_buf(&mut self.write_buf), if want_write => match written {
                    Ok(0) => return Err(LinkError::Closed),
                    Ok(n) => {
                        self.last_sent = Instant::now();
                        self.stats.bytes_forwarded.add(n as u64);
                    }
                    Err(e) => return Err(e.into()),
                },
                read = self.reader.read_buf(&mut self.read_buf), if reading => match read {
                    Ok(0) => return Err(LinkError::Closed),
                    Ok(n) => {
                        self.stats.bytes_received.add(n as u64);
                        self.process_input()?;
                    }
                    Err(e) => return Err(e.into()),
                },
                () = self.session.mailbox.ready(), if want_mail => {}
                () = self.broker.durable(self.durable_ticket), if !durable => {}
                () = wait_uncongested(&self.paused), if !reading => {
                    self.paused.clear();
                    self.last_received = Instant::now();
                    self.process_input()?;
                }
                () = &mut self.timer => self.on_timer()?,
            }
        }
    }

    /// Makes the pending output wait for the store to commit `ticket`.
    pub(super) fn hold(&mut self, ticket: Ticket) {
        self.durable_ticket = self.durable_ticket.max(ticket);
    }

    /// Appends a packet to the output buffer.
    pub(super) fn write_packet(&mut self, packet: &Packet) {
        if let Err(e) = encode_packet(packet, self.options.version, &mut self.write_buf) {
            tracing::debug!(error = %e, "bridge: could not encode packet");
        }
    }

    /// Keep alive: a PINGREQ once either direction has been quiet for the keep alive, and the
    /// end of the connection if nothing comes back within another keep alive.
    fn on_timer(&mut self) -> Result<(), LinkError> {
        let Some(keep_alive) = self.limits.keep_alive() else {
            return Ok(());
        };
        let now = Instant::now();
        if !self.paused.is_empty() {
            // Not reading on purpose: silence proves nothing.
            self.last_received = now;
            self.ping_sent = None;
        }
        match self.ping_sent {
            Some(sent) if now >= sent + keep_alive => Err(LinkError::KeepAliveTimeout),
            Some(_) => Ok(()),
            None if now >= self.last_sent.min(self.last_received) + keep_alive => {
                self.write_packet(&Packet::PingReq);
                self.ping_sent = Some(now);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Sets the timer to the next keep-alive deadline (it stays far away without keep alive).
    fn arm_timer(&mut self) {
        let Some(keep_alive) = self.limits.keep_alive() else {
            return;
        };
        let deadline = match self.ping_sent {
            Some(sent) => sent + keep_alive,
            None => self.last_sent.min(self.last_received) + keep_alive,
        };
        // After `on_timer` the deadline is always in the future, so a fired timer is re-armed.
        if deadline != self.timer_deadline || self.timer.is_elapsed() {
            self.timer_deadline = deadline;
            self.timer.as_mut().reset(deadline);
        }
    }

    /// Sends DISCONNECT and closes, bounded in time: the broker is shutting down. Output
    /// waiting for the store waits for it too; if the store does not get there in time, it is
    /// not sent (the upstream sends those messages again).
    async fn close(&mut self) {
        let stored = tokio::time::timeout(CLOSE_TIMEOUT, self.broker.durable(self.durable_ticket));
        if stored.await.is_err() {
            self.write_buf.clear();
        }
        let disconnect = Disconnect {
            reason: ReasonCode::NORMAL_DISCONNECTION,
            ..Disconnect::default()
        };
        self.write_packet(&Packet::Disconnect(disconnect));
        let flush = async {
            while !self.write_buf.is_empty() {
                match self.writer.write_buf(&mut self.write_buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => self.stats.bytes_forwarded.add(n as u64),
                }
            }
            let _ = self.writer.shutdown().await;
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, flush).await;
    }
}

/// Waits until none of `sessions` is congested any more.
async fn wait_uncongested(sessions: &[Arc<Session>]) {
    for session in sessions {
        session.mailbox.wait_for_space().await;
    }
}

/// A deadline far enough away to mean "never" without overflowing `Instant`.
fn far_future() -> Duration {
    Duration::from_secs(86_400 * 365)
}
