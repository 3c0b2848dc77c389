//! One client connection, from CONNECT to the end, in a single task.
//!
//! The task owns the socket and interleaves, in one `select!`: reading and decoding packets,
//! writing the output buffer, pulling deliveries from the session's mailbox, orders from
//! outside (takeover, kick, shutdown) and its timer (keep alive, resends). Reads and writes
//! never wait on each other, so a client that is slow to read still has its acknowledgements
//! read, and a client that floods is paced by its own socket.
//!
//! Idle connections are most connections: while nothing is in progress the task waits in a
//! small quiet form (shutdown, orders, a read through a stack buffer, the mailbox, the timer)
//! and the full loop's futures are boxed only while it runs, so an idle task carries about
//! 500 bytes of state and no read buffer.
//!
//! Backpressure: when routing a PUBLISH finds a subscriber whose queue is over its high
//! watermark, the connection stops routing this client's PUBLISH packets (they are kept, in
//! order, unacknowledged) until those queues drain; it keeps reading acknowledgements and
//! pings meanwhile, and stops reading altogether once a bounded number of PUBLISH packets is
//! waiting. Nothing acknowledged is ever dropped to make room.
//!
//! - [`handshake`]: CONNECT, authentication, session open/takeover, CONNACK.
//! - [`inbound`]: packets from the client.
//! - [`outbound`]: deliveries to the client, in-flight window, topic aliases, resends.
//! - [`close`]: the end: final DISCONNECT, will, session persistence or removal, events.

pub mod close;
pub mod handshake;
pub mod inbound;
pub mod outbound;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use foldhash::fast::RandomState;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadHalf, WriteHalf};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug, debug_span, info};

use crate::admission::PendingTicket;
use crate::broker::{Broker, Identity, LiveSettings, Settings};
use crate::codec::{LastWill, Packet, ProtocolVersion, Publish, ReasonCode};
use crate::link::output::Output;
use crate::link::{
    Closing, READ_SPACE, Timer, close_output, read_through_stack, wait_uncongested, write_or_flush,
};
use crate::message::Delivery;
use crate::session::inflight::DeliveryState;
use crate::session::{ConnCommand, LinkSignal, Session};
use crate::store::Ticket;
use close::Exit;
use handshake::{Accepted, ClientLimits};

/// Read buffer of a busy connection that is not in a burst: enough for a PINGREQ or a small
/// PUBLISH; a read that fills it switches to [`READ_BURST`]. (An idle connection has none: it
/// reads through a buffer on the stack.)
const READ_IDLE: usize = 128;
/// An emptied write buffer larger than this is released.
const WRITE_KEEP: usize = 1024;
/// Free space reserved when the previous read filled the buffer (a busy publisher).
const READ_BURST: usize = 32 * 1024;
/// Buffers larger than this are released once empty, so idle connections stay small.
const RELEASE_ABOVE: usize = 64 * 1024;
/// PUBLISH packets kept while paused before the connection stops reading.
const STASH_LIMIT: usize = 64;
/// Bytes of messages (topics and payloads) a client may have routed while their
/// acknowledgements wait for the store; past it, its packets are not read until the store
/// catches up (only this client waits).
const UNDURABLE_LIMIT: usize = 1024 * 1024;
/// Output waiting to be written above which the client's packets are no longer read: only a
/// client that sends and never reads gets there (deliveries are pulled only below
/// [`crate::link::WRITE_HIGH`]; what grows past it are answers to its own packets).
const OUTPUT_READ_LIMIT: usize = 1024 * 1024;

/// Serves one accepted transport connection from `peer` until it ends; `pending` is its place
/// among the sockets still waiting for their CONNECT, `cert_subject` the subject of the TLS
/// certificate the client presented, if any.
pub fn serve<S>(
    stream: S,
    peer: SocketAddr,
    cert_subject: Option<Arc<str>>,
    broker: Broker,
    shutdown: CancellationToken,
    pending: PendingTicket,
) -> impl Future<Output = ()> + Send
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn_id = broker.next_conn_id();
    // At debug level: a span that is enabled costs every connection about 460 bytes for as
    // long as it lives (the subscriber's slot, its extensions, the formatted fields), and the
    // info-level events of a connection name their client themselves.
    let span = debug_span!("conn", %peer, conn_id);
    // Two phases, so that the task of an idle connection carries only the second: the
    // handshake and everything it starts from are boxed and gone once it is over, the
    // connection's state is one heap block, and what stays in the task is the loop's own
    // small futures. (A plain function returning the future, not an `async fn`: the
    // arguments of an `async fn` stay in its state for its whole life.)
    let start = Start {
        peer,
        cert_subject,
        conn_id,
        pending,
    };
    let accept = accept(stream, start, broker, shutdown.clone());
    let accept = Box::pin(accept.instrument(span.clone()));
    async move {
        if let Some(connection) = accept.await {
            connection.run(shutdown).instrument(span).await;
        }
    }
}

/// Where a connection comes from, before its handshake.
struct Start {
    peer: SocketAddr,
    cert_subject: Option<Arc<str>>,
    conn_id: u64,
    pending: PendingTicket,
}

/// Runs the handshake; `None` when the client was refused or gave up.
async fn accept<S>(
    stream: S,
    start: Start,
    broker: Broker,
    shutdown: CancellationToken,
) -> Option<Box<Connection<S>>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let settings = broker.settings();
    let conn_id = start.conn_id;
    let start = handshake::Start {
        peer: start.peer,
        broker: &broker,
        settings: &settings,
        conn_id,
        shutdown: &shutdown,
        pending: start.pending,
        cert_subject: start.cert_subject,
    };
    let handshake = handshake::accept(stream, start).await;
    match handshake {
        Ok(accepted) => Some(Connection::new(*accepted, conn_id, broker, settings)),
        Err(e) => {
            debug!(error = %e, "connection refused");
            None
        }
    }
}

/// The state of one accepted connection.
pub struct Connection<S> {
    reader: ReadHalf<S>,
    writer: WriteHalf<S>,
    read_buf: BytesMut,
    output: Output,
    broker: Broker,
    /// What the connection agreed at CONNECT (window, packet size, aliases) and its limits.
    settings: Arc<Settings>,
    /// The rules and limits in force now, for every operation (a reload changes them).
    live: LiveSettings,
    session: Arc<Session>,
    state: DeliveryState,
    version: ProtocolVersion,
    conn_id: u64,
    identity: Arc<Identity>,
    keep_alive: Option<Duration>,
    last_seen: Instant,
    will: Option<Box<LastWill>>,
    expiry_interval: u32,
    client: ClientLimits,
    /// Topic aliases, both ways: only MQTT 5 clients that use them have any.
    aliases: Option<Box<Aliases>>,
    /// Subscribers whose queues are over their high watermark: routing waits for them.
    paused: Vec<Arc<Session>>,
    /// PUBLISH packets read while paused, in order, not yet routed nor acknowledged.
    stash: VecDeque<Publish>,
    batch: Vec<Delivery>,
    signal: Arc<LinkSignal>,
    timer: Timer,
    counters: Counters,
    /// The retained messages of its own SUBSCRIBE put its queue over the high watermark: no
    /// more packets are read until the queue drains (its session is then in `paused`).
    self_congested: bool,
    /// Since when output has been waiting without any of it being taken; a client that
    /// takes none for `write_timeout` is disconnected, whatever its keep alive.
    waiting_since: Option<Instant>,
    /// The store ticket the pending output depends on: it is written only once the store
    /// has committed that far (an acknowledgement never goes out before what it
    /// acknowledges is on disk).
    durable_ticket: Ticket,
    /// Bytes routed since the output last was durable (see [`UNDURABLE_LIMIT`]).
    undurable_bytes: usize,
}

/// Bytes of topics the aliases of one connection may hold, each way: an alias pins its topic
/// for as long as the connection lives (without a bound, 256 aliases of 64 KB topics pinned
/// 15 MiB per connection).
const ALIAS_BYTES: usize = 64 * 1024;

/// The topic aliases of a connection.
#[derive(Debug, Default)]
struct Aliases {
    /// Set up by the client's PUBLISH packets.
    inbound: HashMap<u16, Arc<str>, RandomState>,
    /// Bytes of the topics in `inbound`.
    inbound_bytes: usize,
    /// Set up by ours.
    outbound: HashMap<Arc<str>, u16, RandomState>,
    /// Bytes of the topics in `outbound`.
    outbound_bytes: usize,
}

/// What the busy loop carries from one turn to the next.
#[derive(Debug, Default)]
struct Busy {
    /// The last read filled the buffer: the client is sending a burst.
    last_read_filled: bool,
    /// Something was written: TLS and WebSocket streams buffer it until flushed (TCP sends
    /// at once).
    needs_flush: bool,
}

/// Counts gathered locally and added to the broker's metrics once per batch.
#[derive(Debug, Default)]
struct Counters {
    messages_in: u64,
    messages_out: u64,
    dropped: u64,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    fn new(
        accepted: Accepted<S>,
        conn_id: u64,
        broker: Broker,
        settings: Arc<Settings>,
    ) -> Box<Connection<S>> {
        let (reader, writer) = tokio::io::split(accepted.stream);
        // The handshake's buffer is dropped when empty: an idle connection holds none.
        let read_buf = if accepted.read_buf.is_empty() {
            BytesMut::new()
        } else {
            accepted.read_buf
        };
        let keep_alive = (accepted.keep_alive > 0)
            .then(|| Duration::from_millis(u64::from(accepted.keep_alive) * 1500));
        let now = Instant::now();
        Box::new(Connection {
            reader,
            writer,
            read_buf,
            output: Output::default(),
            live: broker.live_settings(),
            broker,
            settings,
            session: accepted.session,
            state: accepted.state,
            version: accepted.version,
            conn_id,
            identity: accepted.identity,
            keep_alive,
            last_seen: now,
            will: accepted.will,
            expiry_interval: accepted.expiry_interval,
            client: accepted.client,
            aliases: None,
            paused: Vec::new(),
            stash: VecDeque::new(),
            batch: Vec::new(),
            signal: accepted.signal,
            timer: Timer::default(),
            counters: Counters::default(),
            self_congested: false,
            waiting_since: None,
            durable_ticket: Ticket::NONE,
            undurable_bytes: 0,
        })
    }

    /// Runs the connection to its end, then cleans up. The state lives in one heap block and
    /// the task holds only the loop's own futures: a small, fixed cost per idle connection.
    async fn run(mut self: Box<Self>, shutdown: CancellationToken) {
        // Counted in `metrics.connections` by the handshake's admission; `finish` uncounts.
        if tracing::enabled!(tracing::Level::INFO) {
            let details = self.session.details();
            info!(
                client_id = %self.session.client_id,
                username = self.identity.username.as_deref().unwrap_or(""),
                address = %details.peer.map_or_else(String::new, |p| p.to_string()),
                protocol = match self.version {
                    ProtocolVersion::V3_1 => "MQTT 3.1",
                    ProtocolVersion::V3_1_1 => "MQTT 3.1.1",
                    ProtocolVersion::V5 => "MQTT 5.0",
                },
                clean_start = details.clean_start,
                keep_alive = details.keep_alive,
                "client connected"
            );
        }
        self.resend_on_resume();
        self.arm_timer();
        let exit = self.serve_packets(&shutdown).await;
        Box::pin(self.finish(exit, &shutdown)).await;
    }

    /// Serves packets, deliveries and orders until the connection ends. Two forms take turns:
    /// the busy one (a loop over everything a connection may do, its futures boxed while it
    /// runs) and, whenever it finds nothing in progress, the quiet one (a small future that
    /// waits for a read, a delivery, an order or the timer). Idle connections spend their life
    /// in the quiet one, so their tasks carry only its futures.
    async fn serve_packets(&mut self, shutdown: &CancellationToken) -> Exit {
        // Bytes that arrived together with CONNECT.
        if let Err(exit) = self.process_input() {
            return exit;
        }
        let mut busy = Busy::default();
        loop {
            if let Err(exit) = Box::pin(self.serve_busy(shutdown, &mut busy)).await {
                return exit;
            }
            // Everything that wakes it is handled here, so that the busy loop, which starts
            // by looking for work and leaves when it finds none, never spins on a wake-up.
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return Exit::Shutdown,
                command = self.signal.received() => match command {
                    ConnCommand::TakeOver => return Exit::TakenOver,
                    ConnCommand::Kick => return Exit::Kicked,
                    ConnCommand::Revoke => return Exit::Revoked,
                },
                read = read_through_stack(&mut self.reader, &mut self.read_buf) => {
                    busy.last_read_filled = read.as_ref().is_ok_and(|&n| n == READ_SPACE);
                    match self.on_read(read, busy.last_read_filled) {
                        Err(exit) => return exit,
                        Ok(true) => tokio::task::yield_now().await,
                        Ok(false) => {}
                    }
                }
                // The busy loop pulls the deliveries first thing.
                () = self.session.mailbox.ready() => {}
                () = self.timer.fired() => {
                    if let Err(exit) = self.on_timer() {
                        return exit;
                    }
                }
            }
        }
    }

    /// The busy form of [`Connection::serve_packets`]: returns `Ok` once nothing is in
    /// progress (no output to write or flush, no paused publish, no store commit awaited,
    /// reading open), or the connection's end.
    async fn serve_busy(
        &mut self,
        shutdown: &CancellationToken,
        busy: &mut Busy,
    ) -> Result<(), Exit> {
        loop {
            self.pull_deliveries();
            self.flush_counters();
            if self
                .next_resend()
                .is_some_and(|at| at < self.timer.deadline())
            {
                self.arm_timer();
            }
            let durable = self.broker.is_durable(self.durable_ticket);
            if durable {
                self.undurable_bytes = 0;
            }
            // A client whose acknowledgements wait for the store (a slow or failing disk)
            // is not read past UNDURABLE_LIMIT: it cannot pile up messages in memory.
            let read_open = self.stash.len() < STASH_LIMIT
                && !self.self_congested
                && self.output.len() < OUTPUT_READ_LIMIT
                && self.undurable_bytes < UNDURABLE_LIMIT;
            let want_write = !self.output.is_empty() && durable;
            if want_write && self.waiting_since.is_none() {
                self.waiting_since = Some(Instant::now());
            }
            let want_mail = self.output.len() < crate::link::WRITE_HIGH;
            let paused = !self.paused.is_empty();
            // Quiet: nothing to write or flush, nobody to wait for, and no burst being read (a
            // client sending flat out stays here, reading into its large buffer).
            let quiet = read_open
                && want_mail
                && durable
                && !want_write
                && !busy.needs_flush
                && !paused
                && !busy.last_read_filled;
            if quiet {
                return Ok(());
            }
            let spare = self.read_buf.capacity() - self.read_buf.len();
            if read_open
                && (spare < READ_SPACE && (busy.last_read_filled || !self.read_buf.is_empty())
                    || spare == 0)
            {
                let want = if busy.last_read_filled {
                    READ_BURST
                } else if self.read_buf.is_empty() {
                    READ_IDLE
                } else {
                    READ_SPACE
                };
                self.read_buf.reserve(want);
            }
            tokio::select! {
                biased;
                () = shutdown.cancelled() => return Err(Exit::Shutdown),
                command = self.signal.received() => match command {
                    ConnCommand::TakeOver => return Err(Exit::TakenOver),
                    ConnCommand::Kick => return Err(Exit::Kicked),
                    ConnCommand::Revoke => return Err(Exit::Revoked),
                },
                written = write_or_flush(&mut self.writer, &mut self.output), if want_write || busy.needs_flush => match written {
                    Err(_) => return Err(Exit::Closed),
                    Ok(None) => busy.needs_flush = false,
                    Ok(Some(0)) => return Err(Exit::Closed),
                    Ok(Some(n)) => {
                        busy.needs_flush = true;
                        self.waiting_since = None;
                        self.broker.metrics().bytes_sent.add(n as u64);
                        self.output.release_if_idle(WRITE_KEEP);
                    }
                },
                read = self.reader.read_buf(&mut self.read_buf), if read_open => {
                    busy.last_read_filled = self.read_buf.capacity() == self.read_buf.len();
                    if self.on_read(read, busy.last_read_filled)? {
                        tokio::task::yield_now().await;
                    }
                },
                () = self.session.mailbox.ready(), if want_mail => {}
                () = self.broker.durable(self.durable_ticket), if !durable => {}
                () = wait_uncongested(&self.paused), if paused => {
                    self.paused.clear();
                    self.drain_stash()?;
                    if std::mem::take(&mut self.self_congested) {
                        self.process_input()?;
                    }
                }
                () = self.timer.fired() => self.on_timer()?,
            }
        }
    }

    /// Handles what a read returned; `true` when it routed messages, so that the caller
    /// yields: the subscribers just woken write first, our acknowledgements right after.
    fn on_read(&mut self, read: std::io::Result<usize>, filled: bool) -> Result<bool, Exit> {
        match read {
            Ok(0) | Err(_) => Err(Exit::Closed),
            Ok(n) => {
                self.broker.metrics().bytes_received.add(n as u64);
                self.process_input()?;
                // An idle connection keeps no read buffer; a busy one keeps its own.
                if self.read_buf.is_empty() && (!filled || self.read_buf.capacity() > RELEASE_ABOVE)
                {
                    self.read_buf = BytesMut::new();
                }
                Ok(self.counters.messages_in > 0)
            }
        }
    }

    /// Decodes and handles every whole packet in the read buffer.
    fn process_input(&mut self) -> Result<(), Exit> {
        loop {
            if self.self_congested {
                // The rest waits in the buffer until the queue drains.
                return Ok(());
            }
            let decoded = crate::codec::decode_packet(
                &mut self.read_buf,
                self.version,
                self.settings.max_packet_size,
            );
            match decoded {
                Ok(Some(packet)) => {
                    self.last_seen = Instant::now();
                    self.handle_packet(packet)?;
                }
                Ok(None) => return Ok(()),
                Err(e) => {
                    debug!(error = %e, "bad packet from client");
                    return Err(Exit::ProtocolError(e.reason_code()));
                }
            }
        }
    }

    /// Fires at the keep-alive deadline or when a resend is due.
    fn on_timer(&mut self) -> Result<(), Exit> {
        let now = Instant::now();
        if self.stash.len() >= STASH_LIMIT {
            // Not reading because its subscribers are behind: whatever the client sent
            // meanwhile (PINGREQ included) waits in the socket, so its silence is ours.
            self.last_seen = now;
        }
        if let Some(since) = self.waiting_since
            && now >= since + self.settings.write_timeout
        {
            debug!(write_timeout = ?self.settings.write_timeout, "client took no output");
            return Err(Exit::WriteStalled);
        }
        if let Some(keep_alive) = self.keep_alive
            && now >= self.last_seen + keep_alive
        {
            return Err(Exit::KeepAliveTimeout);
        }
        self.resend_overdue();
        self.arm_timer();
        Ok(())
    }

    /// Sets the timer to the next keep-alive deadline, resend or write timeout, whichever
    /// comes first. It fires at least every `write_timeout`: output that starts waiting after
    /// it was armed gets its exact deadline when it fires next and is re-armed.
    fn arm_timer(&mut self) {
        let now = Instant::now();
        let write_timeout = self.settings.write_timeout;
        let mut deadline = self
            .waiting_since
            .map_or(now + write_timeout, |since| since + write_timeout);
        if let Some(keep_alive) = self.keep_alive {
            deadline = deadline.min(self.last_seen + keep_alive);
        }
        if let Some(resend) = self.next_resend() {
            deadline = deadline.min(resend.max(now));
        }
        self.timer.set(deadline);
    }

    /// Makes the pending output wait for the store to commit `ticket`.
    fn hold(&mut self, ticket: Ticket) {
        self.durable_ticket = self.durable_ticket.max(ticket);
    }

    fn flush_counters(&mut self) {
        let metrics = self.broker.metrics();
        let c = std::mem::take(&mut self.counters);
        metrics.messages_received.add(c.messages_in);
        metrics.messages_sent.add(c.messages_out);
        metrics.messages_dropped.add(c.dropped);
    }

    /// Writes what is buffered, then `last`, bounded in time: used on the way out. Output
    /// that waits for the store waits for it too; if the store does not get there in time, it
    /// is not sent.
    async fn flush_output(&mut self, last: Option<&Packet>) {
        let closing = Closing {
            ticket: self.durable_ticket,
            last: last.map(|packet| (packet, self.version)),
            store_wait: Duration::from_secs(2),
            write_wait: Duration::from_secs(1),
        };
        let (writer, output) = (&mut self.writer, &mut self.output);
        close_output(writer, output, &self.broker, closing).await;
    }

    /// The reason code a server-side DISCONNECT carries for `exit`, for MQTT 5 clients.
    fn disconnect_reason(&self, exit: &Exit) -> Option<ReasonCode> {
        if self.version != ProtocolVersion::V5 {
            return None;
        }
        exit.server_reason()
    }
}

#[cfg(test)]
mod tests {
    /// Every idle connection costs its task's state plus its heap blocks: these bounds keep
    /// that cost from creeping back up (it was 24 KiB per connection before the transport
    /// futures were boxed, 2.9 KiB after; the task's state was 1,008 bytes before the busy
    /// loop's futures were boxed, 512 after).
    #[tokio::test]
    async fn an_idle_connection_stays_small() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let broker = crate::broker::Broker::new(shared_types::config::Config::default()).unwrap();
        let pending = broker.admission().enter();
        let task = super::serve(
            client,
            addr,
            None,
            broker,
            tokio_util::sync::CancellationToken::new(),
            pending,
        );
        assert!(
            std::mem::size_of_val(&task) <= 640,
            "task state {}",
            std::mem::size_of_val(&task)
        );
        let connection = std::mem::size_of::<super::Connection<tokio::net::TcpStream>>();
        assert!(connection <= 512, "connection state {connection}");
        let session = std::mem::size_of::<crate::session::Session>();
        assert!(session <= 384, "session {session}");
    }
}
