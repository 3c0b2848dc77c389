//! The journal: what the broker hands to the store, and the one thread that writes it.
//!
//! The broker submits each change as an [`Op`] from whatever task made it (a publisher's
//! connection routing a message, a subscriber's acknowledging it) and gets a ticket back;
//! submitting is a push under a short lock, never I/O. The writer thread takes everything
//! submitted so far as one batch, folds it (a message queued and acknowledged within the same
//! batch never reaches the disk; a session dropped drops what the batch had for it), writes it
//! in one transaction and commits it — with `sync = "always"` durably, so one fsync serves
//! every client whose changes were in the batch (group commit) — then moves the committed
//! ticket forward and wakes whoever waits for it. A connection holds the answers that depend
//! on a ticket (PUBACK, PUBREC, CONNACK, SUBACK…) until it is committed, and keeps reading
//! meanwhile.
//!
//! Under load (a batch of at least [`BUSY_BATCH`] ops) the writer lingers [`BUSY_LINGER`]
//! after a commit before it takes the next batch, so more acknowledgements fold away and more
//! clients share an fsync; a quiet broker commits at once.
//!
//! With `sync = "interval"` the writer writes each batch at once without fsync, and tickets
//! are committed once it is written: an answer waits microseconds, not an fsync, and what it
//! acknowledges is in the operating system's hands (a crash of the process loses none of it).
//! Every `sync_interval_ms` the writer fsyncs what it wrote, so a power cut loses at most that
//! long of acknowledged work.
//!
//! A message is stored once however many deliveries refer to it: the writer counts the
//! references of every stored message and writes it with its first delivery, deletes it with
//! its last.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use foldhash::fast::RandomState;
use parking_lot::{Condvar, Mutex};
use tokio::sync::Notify;
use tracing::{error, info, warn};

use super::engine::{Engine, EngineError, Table, Txn};
use super::record::{
    DeliveryRecord, SessionRecord, client_key, client_prefix, delivery_message_id, encode_delivery,
    encode_inflight, encode_message, encode_session, encode_subscription, u64_key,
};
use crate::clock::now_unix_ms;
use crate::codec::{PacketId, QoS, SubscriptionOptions};
use crate::message::Message;
use crate::session::inflight::Stage;

/// The batch's maps are hashed with foldhash: they are rebuilt on every commit and keyed by
/// the broker's own ids and client ids, not by anything an attacker picks freely enough to
/// matter (a client id collides only with itself).
type HashMap<K, V> = std::collections::HashMap<K, V, RandomState>;

/// How many stored deliveries refer to each stored message, by message id.
pub type Refs = HashMap<u64, u32>;

/// One change to what is stored.
#[derive(Debug)]
pub enum Op {
    /// A persistent session was opened, resumed or left: its record now.
    Session {
        /// The client id.
        client: Arc<str>,
        /// The record.
        record: SessionRecord,
    },
    /// A session is gone: it and everything stored for it.
    DropSession {
        /// The client id.
        client: Arc<str>,
    },
    /// A subscription was made or replaced.
    Subscribe {
        /// The client id.
        client: Arc<str>,
        /// The filter.
        filter: Arc<str>,
        /// Its options.
        options: SubscriptionOptions,
        /// Its MQTT 5 identifier.
        identifier: Option<u32>,
    },
    /// A subscription was removed.
    Unsubscribe {
        /// The client id.
        client: Arc<str>,
        /// The filter.
        filter: Arc<str>,
    },
    /// A QoS 1/2 message was queued for a persistent session.
    Queue {
        /// The client id.
        client: Arc<str>,
        /// The delivery's key.
        key: u64,
        /// The message.
        message: Arc<Message>,
        /// The QoS it goes out at.
        qos: QoS,
        /// The RETAIN flag it goes out with.
        retain: bool,
        /// Its subscription identifiers.
        subscription_ids: Vec<u32>,
    },
    /// A delivery was sent with `packet_id` (QoS 2), or its PUBREC came back.
    Inflight {
        /// The client id.
        client: Arc<str>,
        /// The delivery's key.
        key: u64,
        /// The packet id it went out with.
        packet_id: PacketId,
        /// Where the exchange stands.
        stage: Stage,
    },
    /// A delivery is over: acknowledged, dropped, expired.
    Done {
        /// The client id.
        client: Arc<str>,
        /// The delivery's key.
        key: u64,
    },
    /// A QoS 2 message from the client was received (`held`) or released.
    Qos2 {
        /// The client id.
        client: Arc<str>,
        /// Its packet id.
        packet_id: PacketId,
        /// Received and awaiting PUBREL (true), or released (false).
        held: bool,
    },
    /// A topic's retained message was set or cleared.
    Retain {
        /// The topic.
        topic: Arc<str>,
        /// The message, or `None` when cleared.
        message: Option<Arc<Message>>,
    },
}

/// What an acknowledgement depends on: the store committing everything submitted up to some
/// point. An answer to a client (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK, CONNACK, an HTTP
/// 200, a PUBACK to the bridge's upstream) holds the ticket of what it acknowledges and goes
/// out only once [`Journal::is_committed`] says so. A ticket dropped unread would be an
/// acknowledgement of what may not be on disk: the type is `#[must_use]`, and changes that no
/// answer depends on are submitted with [`Journal::submit_unawaited`] instead.
#[must_use = "an acknowledgement must wait for the store: hold the ticket until it is committed"]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(u64);

impl Ticket {
    /// Nothing to wait for.
    pub const NONE: Ticket = Ticket(0);

    /// Whether there is nothing to wait for.
    pub fn is_none(self) -> bool {
        self == Ticket::NONE
    }
}

/// When what is submitted is made durable. Either way an acknowledgement waits until what
/// it acknowledges is written to the store's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPolicy {
    /// Fsync'd before anything is acknowledged (many clients share each fsync).
    Always,
    /// Fsync'd every so often: a crash of the process loses nothing acknowledged, a power
    /// cut at most this long of it.
    Interval(Duration),
}

/// Figures about the store, for the API: the REST type itself (`store` in `GET /metrics`).
pub type StoreStats = shared_types::StoreMetrics;

#[derive(Debug, Default)]
struct Queue {
    ops: Vec<Op>,
    /// The ticket of the last op submitted.
    last: u64,
    closed: bool,
}

/// When the store refuses new durable work: over `max_bytes`, or with less than
/// [`MIN_FREE_BYTES`] left on the file system of `dir`.
#[derive(Debug, Default)]
struct Quota {
    max_bytes: Option<u64>,
    dir: Option<std::path::PathBuf>,
}

/// Free space below which the store refuses new durable work, whatever its quota: enough for
/// what is in flight to be written, and for the engine to free pages as it forgets.
pub const MIN_FREE_BYTES: u64 = 64 << 20;

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    committed: AtomicU64,
    committed_changed: Notify,
    next_key: AtomicU64,
    failing: AtomicBool,
    /// Over the quota (see [`Quota`]), as of the last commit.
    full: AtomicBool,
    quota: Mutex<Quota>,
    stats: Mutex<StoreStats>,
}

/// The journal: submit changes, wait for them to be durable.
#[derive(Debug)]
pub struct Journal {
    shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Journal {
    /// Starts the writer thread on `engine`, whose stored messages have the reference counts
    /// `refs`; delivery keys start after `last_key`, `lost` records were unreadable at start.
    pub fn start(
        engine: Box<dyn Engine>,
        policy: SyncPolicy,
        refs: Refs,
        last_key: u64,
        lost: u64,
    ) -> Journal {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            committed: AtomicU64::new(0),
            committed_changed: Notify::new(),
            next_key: AtomicU64::new(last_key + 1),
            failing: AtomicBool::new(false),
            full: AtomicBool::new(false),
            quota: Mutex::new(Quota::default()),
            stats: Mutex::new(StoreStats {
                lost,
                size_bytes: engine.size(),
                messages: refs.len() as u64,
                ..StoreStats::default()
            }),
        });
        let writer = Writer {
            shared: Arc::clone(&shared),
            engine,
            policy,
            refs,
        };
        let handle = std::thread::Builder::new()
            .name("nanomq-store".into())
            .spawn(move || writer.run())
            .ok();
        Journal {
            shared,
            writer: Mutex::new(handle),
        }
    }

    /// A key for a new delivery.
    pub fn next_key(&self) -> u64 {
        self.shared.next_key.fetch_add(1, Ordering::Relaxed)
    }

    /// Hands `op` to the writer. The ticket to wait for before acknowledging what it records:
    /// [`Ticket::NONE`] when nothing is to wait (`sync = "interval"`, or the journal is
    /// closed).
    pub fn submit(&self, op: Op) -> Ticket {
        self.push(op)
    }

    /// Hands `op` to the writer when no answer depends on it (a delivery over, a session
    /// forgotten: if a crash loses it, the worst is a resend or a session kept longer).
    pub fn submit_unawaited(&self, op: Op) {
        let _unawaited = self.push(op);
    }

    fn push(&self, op: Op) -> Ticket {
        let mut queue = self.shared.queue.lock();
        if queue.closed {
            return Ticket::NONE;
        }
        queue.last += 1;
        let ticket = queue.last;
        let was_empty = queue.ops.is_empty();
        queue.ops.push(op);
        drop(queue);
        if was_empty {
            self.shared.wake.notify_one();
        }
        // Interval too: an acknowledgement waits until what it acknowledges is written (not
        // fsync'd), which takes microseconds, so that a crash of the process loses nothing.
        Ticket(ticket)
    }

    /// Whether everything up to `ticket` is committed.
    pub fn is_committed(&self, ticket: Ticket) -> bool {
        ticket.is_none() || self.shared.committed.load(Ordering::Acquire) >= ticket.0
    }

    /// Waits until everything up to `ticket` is committed.
    pub async fn committed(&self, ticket: Ticket) {
        loop {
            let changed = self.shared.committed_changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.is_committed(ticket) {
                return;
            }
            changed.await;
        }
    }

    /// Whether commits are failing now (the disk is full or broken).
    pub fn is_failing(&self) -> bool {
        self.shared.failing.load(Ordering::Relaxed)
    }

    /// Sets the quota: new durable work is refused over `max_bytes` (`None`: no quota), or
    /// with less than [`MIN_FREE_BYTES`] free on the file system of `dir`.
    pub fn set_quota(&self, max_bytes: Option<u64>, dir: std::path::PathBuf) {
        *self.shared.quota.lock() = Quota {
            max_bytes,
            dir: Some(dir),
        };
        let size = self.shared.stats.lock().size_bytes;
        self.shared.update_full(size);
    }

    /// Whether new durable work is to be refused: the store is over its quota, its disk is
    /// nearly full, or commits are failing.
    pub fn is_full(&self) -> bool {
        self.shared.full.load(Ordering::Relaxed) || self.is_failing()
    }

    /// The store's figures now.
    pub fn stats(&self) -> StoreStats {
        let mut stats = self.shared.stats.lock().clone();
        let last = self.shared.queue.lock().last;
        stats.pending = last.saturating_sub(self.shared.committed.load(Ordering::Acquire));
        stats
    }

    /// Commits everything submitted and stops the writer (the broker is stopping). Blocks
    /// until done.
    pub fn close(&self) {
        self.shared.queue.lock().closed = true;
        self.shared.wake.notify_one();
        if let Some(handle) = self.writer.lock().take() {
            let _ = handle.join();
        }
    }
}

impl Shared {
    /// Whether `size` is over the quota.
    fn over_quota(&self, size: u64) -> bool {
        self.quota.lock().max_bytes.is_some_and(|max| size >= max)
    }

    /// Decides, after a commit left the file at `size` bytes, whether the store is full.
    fn update_full(&self, size: u64) {
        let quota = self.quota.lock();
        let over = quota.max_bytes.is_some_and(|max| size >= max);
        let low = quota.dir.as_deref().is_some_and(|dir| {
            rustix::fs::statvfs(dir)
                .is_ok_and(|fs| fs.f_bavail.saturating_mul(fs.f_frsize) < MIN_FREE_BYTES)
        });
        drop(quota);
        let full = over || low;
        if self.full.swap(full, Ordering::Relaxed) != full {
            if full {
                warn!(
                    size,
                    "store: over its quota or its disk is nearly full; new durable work is refused"
                );
            } else {
                info!(size, "store: under its quota again");
            }
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.close();
    }
}

/// The changes of one batch, folded per client.
#[derive(Debug, Default)]
struct Batch {
    clients: HashMap<Arc<str>, ClientChanges>,
    retained: HashMap<Arc<str>, Option<Arc<Message>>>,
}

#[derive(Debug, Default)]
struct ClientChanges {
    /// Everything stored for the client goes first.
    wipe: bool,
    /// The session record to write (`Some(None)`: delete it).
    session: Option<Option<SessionRecord>>,
    subscriptions: HashMap<Arc<str>, Option<(SubscriptionOptions, Option<u32>)>>,
    /// Deliveries queued in this batch.
    queued: HashMap<u64, Queued>,
    /// In-flight records of deliveries stored before this batch.
    inflight: HashMap<u64, (PacketId, Stage)>,
    /// Deliveries stored before this batch that are over.
    done: Vec<u64>,
    qos2: HashMap<u16, bool>,
}

#[derive(Debug)]
struct Queued {
    message: Arc<Message>,
    record: DeliveryRecord,
    inflight: Option<(PacketId, Stage)>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.clients.is_empty() && self.retained.is_empty()
    }

    fn client(&mut self, client: &Arc<str>) -> &mut ClientChanges {
        self.clients.entry(Arc::clone(client)).or_default()
    }

    fn add(&mut self, op: Op) {
        match op {
            Op::Session { client, record } => self.client(&client).session = Some(Some(record)),
            Op::DropSession { client } => {
                *self.client(&client) = ClientChanges {
                    wipe: true,
                    session: Some(None),
                    ..ClientChanges::default()
                };
            }
            Op::Subscribe {
                client,
                filter,
                options,
                identifier,
            } => {
                self.client(&client)
                    .subscriptions
                    .insert(filter, Some((options, identifier)));
            }
            Op::Unsubscribe { client, filter } => {
                self.client(&client).subscriptions.insert(filter, None);
            }
            Op::Queue {
                client,
                key,
                message,
                qos,
                retain,
                subscription_ids,
            } => {
                let record = DeliveryRecord {
                    message_id: message.id,
                    qos,
                    retain,
                    subscription_ids,
                };
                let queued = Queued {
                    message,
                    record,
                    inflight: None,
                };
                self.client(&client).queued.insert(key, queued);
            }
            Op::Inflight {
                client,
                key,
                packet_id,
                stage,
            } => {
                let changes = self.client(&client);
                match changes.queued.get_mut(&key) {
                    Some(queued) => queued.inflight = Some((packet_id, stage)),
                    None => {
                        changes.inflight.insert(key, (packet_id, stage));
                    }
                }
            }
            Op::Done { client, key } => {
                let changes = self.client(&client);
                if changes.queued.remove(&key).is_none() {
                    changes.inflight.remove(&key);
                    changes.done.push(key);
                }
            }
            Op::Qos2 {
                client,
                packet_id,
                held,
            } => {
                self.client(&client).qos2.insert(packet_id.get(), held);
            }
            Op::Retain { topic, message } => {
                self.retained.insert(topic, message);
            }
        }
    }

    /// Writes the batch; `plan` gathers the reference-count changes, applied to `refs` only
    /// once the transaction has committed.
    fn write(&self, txn: &mut dyn Txn, refs: &Refs, plan: &mut RefPlan) -> Result<(), EngineError> {
        plan.clear();
        for (client, changes) in &self.clients {
            let prefix = client_prefix(client);
            if changes.wipe {
                for value in txn.remove_prefix(Table::Deliveries, &prefix)? {
                    if let Ok(id) = delivery_message_id(&value) {
                        plan.drop_ref(id);
                    }
                }
                txn.delete_prefix(Table::Inflight, &prefix)?;
                txn.delete_prefix(Table::Subscriptions, &prefix)?;
                txn.delete_prefix(Table::Qos2Received, &prefix)?;
            }
            match &changes.session {
                Some(Some(record)) => {
                    txn.put(Table::Sessions, client.as_bytes(), &encode_session(record))?;
                }
                Some(None) => {
                    txn.delete(Table::Sessions, client.as_bytes())?;
                }
                None => {}
            }
            for key in &changes.done {
                let k = client_key(client, &u64_key(*key));
                if let Some(value) = txn.remove(Table::Deliveries, &k)?
                    && let Ok(id) = delivery_message_id(&value)
                {
                    plan.drop_ref(id);
                }
                txn.delete(Table::Inflight, &k)?;
            }
            for (key, (packet_id, stage)) in &changes.inflight {
                let k = client_key(client, &u64_key(*key));
                txn.put(Table::Inflight, &k, &encode_inflight(*packet_id, *stage))?;
            }
            for (key, queued) in &changes.queued {
                let k = client_key(client, &u64_key(*key));
                txn.put(Table::Deliveries, &k, &encode_delivery(&queued.record))?;
                if let Some((packet_id, stage)) = queued.inflight {
                    txn.put(Table::Inflight, &k, &encode_inflight(packet_id, stage))?;
                }
                plan.add_ref(&queued.message);
            }
            for (filter, subscription) in &changes.subscriptions {
                let k = client_key(client, filter.as_bytes());
                match subscription {
                    Some((options, identifier)) => txn.put(
                        Table::Subscriptions,
                        &k,
                        &encode_subscription(*options, *identifier),
                    )?,
                    None => {
                        txn.delete(Table::Subscriptions, &k)?;
                    }
                }
            }
            for (packet_id, held) in &changes.qos2 {
                let k = client_key(client, &packet_id.to_be_bytes());
                if *held {
                    txn.put(Table::Qos2Received, &k, &[1])?;
                } else {
                    txn.delete(Table::Qos2Received, &k)?;
                }
            }
        }
        for (topic, message) in &self.retained {
            match message {
                Some(message) => {
                    txn.put(Table::Retained, topic.as_bytes(), &encode_message(message))?;
                }
                None => {
                    txn.delete(Table::Retained, topic.as_bytes())?;
                }
            }
        }
        for (id, change) in &plan.changes {
            let before = refs.get(id).copied().unwrap_or(0);
            let after = (i64::from(before) + change.delta).max(0);
            if before == 0 && after > 0 {
                if let Some(message) = &change.message {
                    txn.put(Table::Messages, &u64_key(*id), &encode_message(message))?;
                }
            } else if before > 0 && after == 0 {
                txn.delete(Table::Messages, &u64_key(*id))?;
            }
        }
        Ok(())
    }
}

/// The reference-count changes of one batch.
#[derive(Debug, Default)]
struct RefPlan {
    changes: HashMap<u64, RefChange>,
}

#[derive(Debug, Default)]
struct RefChange {
    delta: i64,
    message: Option<Arc<Message>>,
}

impl RefPlan {
    fn clear(&mut self) {
        self.changes.clear();
    }

    fn add_ref(&mut self, message: &Arc<Message>) {
        let change = self.changes.entry(message.id).or_default();
        change.delta += 1;
        change.message.get_or_insert_with(|| Arc::clone(message));
    }

    fn drop_ref(&mut self, id: u64) {
        self.changes.entry(id).or_default().delta -= 1;
    }

    fn apply(&mut self, refs: &mut Refs) {
        for (id, change) in self.changes.drain() {
            let before = refs.get(&id).copied().unwrap_or(0);
            let after = (i64::from(before) + change.delta).max(0);
            match u32::try_from(after) {
                Ok(0) | Err(_) => {
                    refs.remove(&id);
                }
                Ok(n) => {
                    refs.insert(id, n);
                }
            }
        }
    }
}

/// With `sync = "always"`, how long the writer waits after a commit before starting the next
/// one, when the batch it just committed was busy (at least [`BUSY_BATCH`] ops). Under load
/// a longer batch folds more away (most deliveries are acknowledged within it and never reach
/// the disk) and shares one fsync among more clients: measured on fan-in 10 -> 1 QoS 1 into a
/// persistent session, 0 ms gave 31% of the in-memory rate, 2 ms 45% with the redb store of
/// the time (docs/benchmarks-history.md; 55-58% with today's log store, BENCHMARKS.md). A quiet
/// broker does not wait: a lone publisher's PUBACK costs one commit, not one commit plus this.
const BUSY_LINGER: Duration = Duration::from_millis(2);

/// How many ops make a batch busy (see [`BUSY_LINGER`]).
const BUSY_BATCH: usize = 64;

struct Writer {
    shared: Arc<Shared>,
    engine: Box<dyn Engine>,
    policy: SyncPolicy,
    refs: Refs,
}

impl Writer {
    fn run(mut self) {
        let mut batch = Batch::default();
        let mut plan = RefPlan::default();
        let mut backoff = Duration::from_millis(50);
        let mut last_error_log: Option<Instant> = None;
        let mut next_write = Instant::now();
        // With `sync = "interval"`: since when written data waits for its fsync.
        let mut unsynced: Option<Instant> = None;
        loop {
            let fsync_at = match (self.policy, unsynced) {
                (SyncPolicy::Interval(every), Some(since)) => Some(since + every),
                _ => None,
            };
            let (ops, last, closed) = self.gather(&batch, next_write, fsync_at);
            let gathered = ops.len();
            for op in ops {
                batch.add(op);
            }
            if batch.is_empty() {
                self.committed(last);
                if closed || fsync_at.is_some_and(|at| Instant::now() >= at) {
                    self.fsync(&mut unsynced);
                }
                if closed {
                    return;
                }
                continue;
            }
            let started = Instant::now();
            let refs = &self.refs;
            // Always: written and fsync'd before anything is acknowledged. Interval: written
            // (handed to the operating system, which keeps it through a crash of the process)
            // before, fsync'd every interval.
            let sync = self.policy == SyncPolicy::Always;
            let written = self
                .engine
                .transact(sync, &mut |txn| batch.write(txn, refs, &mut plan));
            match written {
                Ok(()) => {
                    plan.apply(&mut self.refs);
                    batch = Batch::default();
                    backoff = Duration::from_millis(50);
                    if self.shared.failing.swap(false, Ordering::Relaxed) {
                        info!("store: writing again");
                    }
                    let took = started.elapsed();
                    {
                        let mut stats = self.shared.stats.lock();
                        stats.commits += 1;
                        stats.last_sync_unix_ms = now_unix_ms();
                        stats.last_sync_micros =
                            u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
                        stats.size_bytes = self.engine.size();
                        stats.messages = self.refs.len() as u64;
                    }
                    if self.shared.over_quota(self.engine.size())
                        && let Err(e) = self.engine.reclaim()
                    {
                        error!(error = %e, "store: cannot give back the space of what it forgot");
                    }
                    self.shared.update_full(self.engine.size());
                    self.committed(last);
                    if !sync {
                        let since = *unsynced.get_or_insert(started);
                        if let SyncPolicy::Interval(every) = self.policy
                            && Instant::now() >= since + every
                        {
                            self.fsync(&mut unsynced);
                        }
                    }
                    next_write = if gathered >= BUSY_BATCH {
                        started + BUSY_LINGER
                    } else {
                        started
                    };
                }
                Err(e) => {
                    self.shared.failing.store(true, Ordering::Relaxed);
                    self.shared.stats.lock().errors += 1;
                    if closed && backoff >= Duration::from_secs(2) {
                        // Stopping on a disk that will not write: what is left was never
                        // acknowledged (answers wait for it), so stopping loses no promise.
                        error!(error = %e, "store: stopping with changes it could not write (none of them acknowledged)");
                        return;
                    }
                    if last_error_log.is_none_or(|at| at.elapsed() >= Duration::from_secs(5)) {
                        error!(error = %e, "store: cannot write; nothing more is acknowledged until it can");
                        last_error_log = Some(Instant::now());
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
            }
            if closed && self.shared.queue.lock().ops.is_empty() && batch.is_empty() {
                self.fsync(&mut unsynced);
                return;
            }
        }
    }

    /// Makes what was written durable (`sync = "interval"`); a failure is logged and tried
    /// again at the next interval.
    fn fsync(&mut self, unsynced: &mut Option<Instant>) {
        if unsynced.is_none() {
            return;
        }
        match self.engine.sync() {
            Ok(()) => *unsynced = None,
            Err(e) => {
                error!(error = %e, "store: cannot fsync; trying again");
                *unsynced = Some(Instant::now());
            }
        }
    }

    /// Waits for something to write and for `next_write` (the end of a busy linger), or for
    /// `fsync_at`, then takes every op submitted so far.
    fn gather(
        &self,
        batch: &Batch,
        next_write: Instant,
        fsync_at: Option<Instant>,
    ) -> (Vec<Op>, u64, bool) {
        let mut queue = self.shared.queue.lock();
        loop {
            if queue.closed {
                break;
            }
            let now = Instant::now();
            if (!queue.ops.is_empty() || !batch.is_empty()) && now >= next_write {
                break;
            }
            if fsync_at.is_some_and(|at| now >= at) {
                break;
            }
            let has_work = !queue.ops.is_empty() || !batch.is_empty();
            let deadline = match (has_work, fsync_at) {
                (true, Some(at)) => Some(next_write.min(at)),
                (true, None) => Some(next_write),
                (false, at) => at,
            };
            match deadline {
                Some(at) => {
                    self.shared
                        .wake
                        .wait_for(&mut queue, at.saturating_duration_since(now));
                }
                None => self.shared.wake.wait(&mut queue),
            }
        }
        let ops = std::mem::take(&mut queue.ops);
        (ops, queue.last, queue.closed)
    }

    fn committed(&self, last: u64) {
        self.shared.committed.fetch_max(last, Ordering::AcqRel);
        self.shared.committed_changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::*;
    use crate::codec::PublishProperties;
    use crate::message::Origin;
    use crate::store::engine::MemoryEngine;

    fn message(topic: &str) -> Arc<Message> {
        Arc::new(Message::new(
            Arc::from(topic),
            Bytes::from_static(b"payload"),
            QoS::AtLeastOnce,
            false,
            PublishProperties::default(),
            Origin::Broker,
            tokio::time::Instant::now(),
        ))
    }

    fn queue(client: &str, key: u64, message: &Arc<Message>) -> Op {
        Op::Queue {
            client: Arc::from(client),
            key,
            message: Arc::clone(message),
            qos: QoS::AtLeastOnce,
            retain: false,
            subscription_ids: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_fan_out_stores_the_message_once_and_frees_it_with_its_last_delivery() {
        let engine = MemoryEngine::new();
        let journal = Journal::start(
            Box::new(engine.clone()),
            SyncPolicy::Always,
            HashMap::default(),
            0,
            0,
        );
        let m = message("t");
        let mut last = Ticket::NONE;
        for (n, client) in ["a", "b", "c"].iter().enumerate() {
            last = journal.submit(queue(client, n as u64 + 1, &m));
        }
        journal.committed(last).await;
        assert_eq!(engine.len(Table::Messages), 1);
        assert_eq!(engine.len(Table::Deliveries), 3);
        for (n, client) in ["a", "b"].iter().enumerate() {
            last = journal.submit(Op::Done {
                client: Arc::from(*client),
                key: n as u64 + 1,
            });
        }
        journal.committed(last).await;
        assert_eq!(engine.len(Table::Messages), 1, "c still holds it");
        last = journal.submit(Op::DropSession {
            client: Arc::from("c"),
        });
        journal.committed(last).await;
        assert_eq!(engine.len(Table::Messages), 0);
        assert_eq!(engine.len(Table::Deliveries), 0);
        assert_eq!(journal.stats().pending, 0);
    }

    #[test]
    fn a_delivery_done_in_its_own_batch_never_reaches_the_disk() {
        let mut batch = Batch::default();
        let m = message("t");
        batch.add(queue("a", 1, &m));
        batch.add(Op::Inflight {
            client: Arc::from("a"),
            key: 1,
            packet_id: PacketId::new(3).unwrap(),
            stage: Stage::Published,
        });
        batch.add(Op::Done {
            client: Arc::from("a"),
            key: 1,
        });
        let mut engine = MemoryEngine::new();
        let mut plan = RefPlan::default();
        let refs = HashMap::default();
        engine
            .transact(true, &mut |txn| batch.write(txn, &refs, &mut plan))
            .unwrap();
        assert_eq!(engine.len(Table::Deliveries), 0);
        assert_eq!(engine.len(Table::Messages), 0);
        assert_eq!(engine.len(Table::Inflight), 0);
    }

    #[test]
    fn a_dropped_session_takes_what_the_batch_had_for_it_and_a_new_one_starts_clean() {
        let mut batch = Batch::default();
        let m = message("t");
        let client: Arc<str> = Arc::from("a");
        batch.add(queue("a", 1, &m));
        batch.add(Op::Subscribe {
            client: Arc::clone(&client),
            filter: Arc::from("x/#"),
            options: SubscriptionOptions::default(),
            identifier: None,
        });
        batch.add(Op::DropSession {
            client: Arc::clone(&client),
        });
        batch.add(Op::Subscribe {
            client: Arc::clone(&client),
            filter: Arc::from("y"),
            options: SubscriptionOptions::default(),
            identifier: Some(4),
        });
        let mut engine = MemoryEngine::new();
        engine.poke(
            Table::Subscriptions,
            &client_key("a", b"old/#"),
            &encode_subscription(SubscriptionOptions::default(), None),
        );
        let mut plan = RefPlan::default();
        engine
            .transact(true, &mut |txn| {
                batch.write(txn, &HashMap::default(), &mut plan)
            })
            .unwrap();
        assert_eq!(engine.len(Table::Deliveries), 0);
        assert_eq!(engine.len(Table::Subscriptions), 1, "only y");
    }

    #[tokio::test]
    async fn interval_tickets_wait_for_the_write_not_the_fsync() {
        let engine = MemoryEngine::new();
        let journal = Journal::start(
            Box::new(engine.clone()),
            SyncPolicy::Interval(Duration::from_secs(3600)),
            HashMap::default(),
            0,
            0,
        );
        let ticket = journal.submit(Op::Retain {
            topic: Arc::from("r"),
            message: Some(message("r")),
        });
        assert_ne!(ticket, Ticket::NONE);
        tokio::time::timeout(Duration::from_secs(5), journal.committed(ticket))
            .await
            .expect("written long before the interval's fsync");
        assert_eq!(engine.len(Table::Retained), 1);
        journal.close();
    }
}
