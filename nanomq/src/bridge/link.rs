//! One upstream connection, from its CONNACK to its end, in the bridge task.
//!
//! It runs on the link core ([`crate::link`]) as a client connection ([`crate::connection`])
//! does: one `select!` reads and handles packets from the upstream, writes the output (large
//! payloads from where they are), pulls deliveries from the bridge's mailbox below the high
//! watermark (and within the in-flight window), and fires its timer. The difference is the
//! direction of the protocol: here the broker is the client, so its keep alive is
//! `nanomq_client`'s ([`Pinger`]: PINGREQ when quiet, the end when nothing answers). When routing an upstream message finds a local subscriber
//! over its high watermark, the link stops reading from the upstream until it drains. As a
//! connection holds its PUBACKs, the link holds its acknowledgements to the upstream until
//! the store has what they acknowledge (the upstream forgets a message once acknowledged).
//!
//! - [`super::inbound`]: packets from the upstream.
//! - [`super::outbound`]: local messages to the upstream, resends, acknowledgements.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use nanomq_client::keepalive::{Check, Pinger};
use nanomq_client::{Connected, Limits, Stream};
use tokio::io::{AsyncReadExt, ReadHalf, WriteHalf};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::Carried;
use super::error::LinkError;
use super::options::{BridgeOptions, SubscribeRule};
use super::stats::BridgeStats;
use crate::broker::{Broker, Identity, LiveSettings};
use crate::codec::{Disconnect, Packet, ReasonCode};
use crate::link::output::Output;
use crate::link::{Closing, READ_SPACE, Timer, close_output, wait_uncongested, write_or_flush};
use crate::message::Delivery;
use crate::session::Session;
use crate::store::Ticket;

/// How long the final DISCONNECT may take to go out.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// SUBSCRIBE and UNSUBSCRIBE packets sent and not yet answered on this connection: their
/// filters (to name the ones the upstream refuses), and their identifiers, which no PUBLISH may
/// take meanwhile [MQTT-2.2.1-3] (see [`super::subscriptions`]).
#[derive(Debug, Default)]
pub(super) struct Pending {
    pub(super) by_packet: std::collections::HashMap<crate::codec::PacketId, Vec<String>>,
}

/// The state of one upstream connection.
pub(super) struct Link<'a> {
    reader: ReadHalf<Box<dyn Stream>>,
    writer: WriteHalf<Box<dyn Stream>>,
    pub(super) read_buf: BytesMut,
    pub(super) output: Output,
    pub(super) options: &'a BridgeOptions,
    pub(super) limits: Limits,
    pub(super) broker: &'a Broker,
    pub(super) stats: &'a BridgeStats,
    /// Who publishes what comes down from the upstream.
    pub(super) identity: Identity,
    /// The rules and limits in force, for its publishes.
    pub(super) live: LiveSettings,
    pub(super) session: &'a Arc<Session>,
    pub(super) carried: &'a mut Carried,
    /// The subscription rules as the API changes them (`None` once nobody can change them).
    rules: Option<&'a mut watch::Receiver<Vec<SubscribeRule>>>,
    /// SUBSCRIBE packets not yet answered.
    pub(super) pending_subs: Pending,
    /// The store ticket the pending output depends on: acknowledgements to the upstream go
    /// out only once what they acknowledge is stored.
    durable_ticket: Ticket,
    /// Local subscribers over their high watermark: reading from the upstream waits for them.
    pub(super) paused: Vec<Arc<Session>>,
    pub(super) batch: Vec<Delivery>,
    /// Keep alive, the client's side.
    pub(super) pinger: Pinger,
    timer: Timer,
    /// Something was written: TLS and WebSocket streams buffer it until flushed.
    needs_flush: bool,
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
        rules: &'a mut watch::Receiver<Vec<SubscribeRule>>,
    ) -> Link<'a> {
        let (reader, writer) = tokio::io::split(connected.stream);
        Link {
            reader,
            writer,
            read_buf: connected.read_buf,
            output: Output::default(),
            options,
            broker,
            stats,
            identity: Identity::bridge(Arc::clone(&session.client_id)),
            live: broker.live_settings(),
            session,
            carried,
            rules: Some(rules),
            pending_subs: Default::default(),
            durable_ticket: Ticket::NONE,
            paused: Vec::new(),
            batch: Vec::new(),
            pinger: Pinger::new(connected.limits.keep_alive()),
            limits: connected.limits,
            timer: Timer::default(),
            needs_flush: false,
        }
    }

    /// Subscribes upstream, resends what was in flight, then serves the connection until it
    /// ends: `Ok` on shutdown (after a DISCONNECT), else why it ended.
    pub(super) async fn run(mut self, shutdown: &CancellationToken) -> Result<(), LinkError> {
        if !self.limits.session_present {
            // The upstream forgot the QoS 2 messages it was sending us: their identifiers are
            // free again. And it knows nothing of what was in flight to it (another server of
            // `hybrid_servers`, or a clean start): those go again first, as new messages, with
            // this upstream's Maximum QoS (a PUBREL alone would complete a QoS 2 message it
            // never had).
            self.carried.inbound = Default::default();
            let inflight = self.carried.outbox.inflight.take_inflight();
            self.carried
                .outbox
                .requeue(inflight.into_iter().map(|i| i.delivery).collect());
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
            let want_write = !self.output.is_empty() && durable;
            let want_mail = self.output.len() < crate::link::WRITE_HIGH;
            let reading = self.paused.is_empty();
            if reading && self.read_buf.capacity() - self.read_buf.len() < READ_SPACE {
                self.read_buf.reserve(4 * READ_SPACE);
            }
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                written = write_or_flush(&mut self.writer, &mut self.output), if want_write || self.needs_flush => match written {
                    Ok(None) => self.needs_flush = false,
                    Ok(Some(0)) => return Err(LinkError::Closed),
                    Ok(Some(n)) => {
                        self.needs_flush = true;
                        self.pinger.sent(Instant::now());
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
                    self.pinger.excuse(Instant::now());
                    self.process_input()?;
                }
                () = self.timer.fired() => self.on_timer()?,
                changed = rules_changed(self.rules.as_deref_mut()) => match changed {
                    Some(rules) => self.change_subscriptions(rules),
                    None => self.rules = None,
                },
            }
        }
    }

    /// Makes the pending output wait for the store to commit `ticket`.
    pub(super) fn hold(&mut self, ticket: Ticket) {
        self.durable_ticket = self.durable_ticket.max(ticket);
    }

    /// Appends a packet to the output.
    pub(super) fn write_packet(&mut self, packet: &Packet) {
        if !self.output.push_packet(packet, self.options.version) {
            tracing::debug!(
                kind = packet.kind().name(),
                "bridge: could not encode packet"
            );
        }
    }

    /// Keep alive: a PINGREQ once either direction has been quiet for the keep alive, and the
    /// end of the connection if nothing comes back within another keep alive.
    fn on_timer(&mut self) -> Result<(), LinkError> {
        let now = Instant::now();
        if !self.paused.is_empty() {
            // Not reading on purpose: silence proves nothing.
            self.pinger.excuse(now);
        }
        match self.pinger.check(now) {
            Check::Quiet => Ok(()),
            Check::Ping => {
                self.write_packet(&Packet::PingReq);
                Ok(())
            }
            Check::TimedOut => Err(LinkError::KeepAliveTimeout),
        }
    }

    /// Sets the timer to the next keep-alive deadline (it stays far away without keep alive).
    fn arm_timer(&mut self) {
        // After `on_timer` the deadline is always in the future, so a fired timer is re-armed.
        if let Some(deadline) = self.pinger.next_check() {
            self.timer.set_if_changed(deadline);
        }
    }

    /// Sends DISCONNECT and closes, bounded in time: the broker is shutting down. Output
    /// waiting for the store waits for it too; if the store does not get there in time, it is
    /// not sent (the upstream sends those messages again).
    async fn close(&mut self) {
        let disconnect = Packet::Disconnect(Disconnect {
            reason: ReasonCode::NORMAL_DISCONNECTION,
            ..Disconnect::default()
        });
        let closing = Closing {
            ticket: self.durable_ticket,
            last: Some((&disconnect, self.options.version)),
            store_wait: CLOSE_TIMEOUT,
            write_wait: CLOSE_TIMEOUT,
        };
        let (writer, output) = (&mut self.writer, &mut self.output);
        let written = close_output(writer, output, self.broker, closing).await;
        self.stats.bytes_forwarded.add(written);
    }
}

/// The new subscription rules once the API changes them; `None` when it no longer can (the
/// bridge is being stopped); never ready without a receiver.
pub(super) async fn rules_changed(
    rules: Option<&mut watch::Receiver<Vec<SubscribeRule>>>,
) -> Option<Vec<SubscribeRule>> {
    match rules {
        Some(rules) => match rules.changed().await {
            Ok(()) => Some(rules.borrow_and_update().clone()),
            Err(_) => None,
        },
        None => std::future::pending().await,
    }
}
