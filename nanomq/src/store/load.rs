//! Reading the store back at start: every table scanned once, records decoded and checked
//! against each other. What cannot be read (a damaged record, a delivery whose message is
//! missing) is counted as lost and removed; what has expired while the broker was down (a
//! session away longer than its expiry, a message past its Message Expiry Interval) is
//! pruned; messages no delivery refers to any more are removed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tracing::warn;

use super::engine::{Engine, EngineError, Table};
use super::record::{
    SessionRecord, decode_delivery, decode_inflight, decode_message, decode_session,
    decode_subscription, read_u64_key, split_client_key,
};
use crate::codec::{PacketId, QoS, SubscriptionOptions};
use crate::message::Message;
use crate::session::inflight::Stage;

/// What the store held, ready to be put back into the broker.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The persistent sessions, in client-id order.
    pub sessions: Vec<StoredSession>,
    /// The retained messages.
    pub retained: Vec<Message>,
    /// Records that could not be read.
    pub lost: u64,
    /// Sessions and messages that had expired.
    pub pruned: u64,
    /// The largest delivery key in use.
    pub last_key: u64,
    /// The largest message number in use.
    pub last_message_id: u64,
    /// How many stored deliveries refer to each stored message.
    pub refs: super::journal::Refs,
}

/// One persistent session as stored.
#[derive(Debug)]
pub struct StoredSession {
    /// The client id.
    pub client_id: String,
    /// Its record.
    pub record: SessionRecord,
    /// Its subscriptions: filter, options, identifier.
    pub subscriptions: Vec<(String, SubscriptionOptions, Option<u32>)>,
    /// Its deliveries, in the order they were queued.
    pub deliveries: Vec<StoredDelivery>,
    /// QoS 2 packet ids received from the client and not yet released.
    pub qos2_received: Vec<PacketId>,
}

/// One delivery as stored.
#[derive(Debug)]
pub struct StoredDelivery {
    /// Its key.
    pub key: u64,
    /// The message (shared with every other delivery of it).
    pub message: Arc<Message>,
    /// The QoS it goes out at.
    pub qos: QoS,
    /// The RETAIN flag it goes out with.
    pub retain: bool,
    /// Its subscription identifiers.
    pub subscription_ids: Vec<u32>,
    /// The packet id and stage it was in flight with, if it was.
    pub inflight: Option<(PacketId, Stage)>,
}

/// Reads `engine` back as of `now`, removing what is lost or expired.
pub fn load(engine: &mut dyn Engine, now: SystemTime) -> Result<Snapshot, EngineError> {
    let mut snapshot = Snapshot::default();
    let mut remove: Vec<(Table, Vec<u8>)> = Vec::new();
    let lost = |table: Table, key: &[u8], what: &str, remove: &mut Vec<(Table, Vec<u8>)>| {
        warn!(
            table = table.name(),
            what, "store: unreadable record left out"
        );
        remove.push((table, key.to_vec()));
    };
    let mut lost_count = 0u64;

    // Messages, by number.
    let mut messages: HashMap<u64, (Arc<Message>, bool)> = HashMap::new();
    engine.scan(Table::Messages, &mut |key, value| {
        let decoded = read_u64_key(key)
            .and_then(|id| decode_message(id, value).map(|(m, expires)| (id, m, expires)));
        match decoded {
            Ok((id, message, expires)) => {
                snapshot.last_message_id = snapshot.last_message_id.max(id);
                let expired = expires.is_some_and(|at| at <= now);
                messages.insert(id, (Arc::new(message), expired));
            }
            Err(e) => {
                lost_count += 1;
                lost(Table::Messages, key, e.0, &mut remove);
            }
        }
    })?;

    // Sessions, by client id; those away longer than their expiry are pruned.
    let mut sessions: BTreeMap<String, StoredSession> = BTreeMap::new();
    let mut expired_clients: Vec<String> = Vec::new();
    engine.scan(Table::Sessions, &mut |key, value| {
        let id = std::str::from_utf8(key).ok();
        match (id, decode_session(value)) {
            (Some(id), Ok(record)) => {
                if has_expired(&record, now) {
                    expired_clients.push(id.to_owned());
                    return;
                }
                sessions.insert(
                    id.to_owned(),
                    StoredSession {
                        client_id: id.to_owned(),
                        record,
                        subscriptions: Vec::new(),
                        deliveries: Vec::new(),
                        qos2_received: Vec::new(),
                    },
                );
            }
            (_, Err(e)) => {
                lost_count += 1;
                lost(Table::Sessions, key, e.0, &mut remove);
            }
            (None, _) => {
                lost_count += 1;
                lost(Table::Sessions, key, "client id not UTF-8", &mut remove);
            }
        }
    })?;
    snapshot.pruned += expired_clients.len() as u64;
    for client in &expired_clients {
        remove.push((Table::Sessions, client.as_bytes().to_vec()));
    }

    // Everything keyed by client: what belongs to no live session goes.
    engine.scan(Table::Subscriptions, &mut |key, value| {
        let parsed = split_client_key(key).and_then(|(client, filter)| {
            let filter = std::str::from_utf8(filter)
                .map_err(|_| super::record::Damaged("filter not UTF-8"))?;
            decode_subscription(value).map(|(o, i)| (client.to_owned(), filter.to_owned(), o, i))
        });
        match parsed {
            Ok((client, filter, options, identifier)) => match sessions.get_mut(&client) {
                Some(session) => session.subscriptions.push((filter, options, identifier)),
                None => remove.push((Table::Subscriptions, key.to_vec())),
            },
            Err(e) => {
                lost_count += 1;
                lost(Table::Subscriptions, key, e.0, &mut remove);
            }
        }
    })?;

    let mut inflight: HashMap<(String, u64), (PacketId, Stage)> = HashMap::new();
    engine.scan(Table::Inflight, &mut |key, value| {
        let parsed = split_client_key(key).and_then(|(client, rest)| {
            Ok((
                client.to_owned(),
                read_u64_key(rest)?,
                decode_inflight(value)?,
            ))
        });
        match parsed {
            Ok((client, k, state)) => {
                inflight.insert((client, k), state);
            }
            Err(e) => {
                lost_count += 1;
                lost(Table::Inflight, key, e.0, &mut remove);
            }
        }
    })?;

    engine.scan(Table::Deliveries, &mut |key, value| {
        let parsed = split_client_key(key).and_then(|(client, rest)| {
            Ok((
                client.to_owned(),
                read_u64_key(rest)?,
                decode_delivery(value)?,
            ))
        });
        let (client, k, record) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                lost_count += 1;
                lost(Table::Deliveries, key, e.0, &mut remove);
                return;
            }
        };
        snapshot.last_key = snapshot.last_key.max(k);
        let state = inflight.remove(&(client.clone(), k));
        let Some(session) = sessions.get_mut(&client) else {
            remove.push((Table::Deliveries, key.to_vec()));
            if state.is_some() {
                remove.push((Table::Inflight, key.to_vec()));
            }
            return;
        };
        let Some((message, expired)) = messages.get(&record.message_id) else {
            lost_count += 1;
            lost(
                Table::Deliveries,
                key,
                "its message is missing",
                &mut remove,
            );
            return;
        };
        if *expired {
            snapshot.pruned += 1;
            remove.push((Table::Deliveries, key.to_vec()));
            if state.is_some() {
                remove.push((Table::Inflight, key.to_vec()));
            }
            return;
        }
        *snapshot.refs.entry(record.message_id).or_default() += 1;
        session.deliveries.push(StoredDelivery {
            key: k,
            message: Arc::clone(message),
            qos: record.qos,
            retain: record.retain,
            subscription_ids: record.subscription_ids,
            inflight: state,
        });
    })?;
    // In-flight records whose delivery is gone.
    for (client, k) in inflight.into_keys() {
        remove.push((
            Table::Inflight,
            super::record::client_key(&client, &super::record::u64_key(k)),
        ));
    }

    engine.scan(Table::Qos2Received, &mut |key, _| {
        let parsed = split_client_key(key).and_then(|(client, rest)| {
            let a: [u8; 2] = rest
                .try_into()
                .map_err(|_| super::record::Damaged("bad packet id"))?;
            let id = PacketId::new(u16::from_be_bytes(a))
                .ok_or(super::record::Damaged("packet id 0"))?;
            Ok((client.to_owned(), id))
        });
        match parsed {
            Ok((client, id)) => match sessions.get_mut(&client) {
                Some(session) => session.qos2_received.push(id),
                None => remove.push((Table::Qos2Received, key.to_vec())),
            },
            Err(e) => {
                lost_count += 1;
                lost(Table::Qos2Received, key, e.0, &mut remove);
            }
        }
    })?;

    // Everything under an expired client goes with it.
    let mut prefixes: Vec<Vec<u8>> = expired_clients
        .iter()
        .map(|c| super::record::client_prefix(c))
        .collect();
    prefixes.sort();

    engine.scan(
        Table::Retained,
        &mut |key, value| match decode_message(0, value) {
            Ok((message, expires)) => {
                if expires.is_some_and(|at| at <= now) {
                    snapshot.pruned += 1;
                    remove.push((Table::Retained, key.to_vec()));
                } else {
                    snapshot.retained.push(message);
                }
            }
            Err(e) => {
                lost_count += 1;
                lost(Table::Retained, key, e.0, &mut remove);
            }
        },
    )?;

    // Messages nothing refers to any more.
    for id in messages.keys() {
        if !snapshot.refs.contains_key(id) {
            remove.push((Table::Messages, super::record::u64_key(*id).to_vec()));
        }
    }

    if !remove.is_empty() || !prefixes.is_empty() {
        engine.transact(true, &mut |txn| {
            for prefix in &prefixes {
                for table in [
                    Table::Deliveries,
                    Table::Inflight,
                    Table::Subscriptions,
                    Table::Qos2Received,
                ] {
                    txn.remove_prefix(table, prefix)?;
                }
            }
            for (table, key) in &remove {
                txn.remove(*table, key)?;
            }
            Ok(())
        })?;
    }
    snapshot.lost = lost_count;
    snapshot.sessions = sessions.into_values().collect();
    Ok(snapshot)
}

/// Whether a session away since its record's `disconnected_at` has outlived its expiry by
/// `now` (one that was connected when the broker stopped counts as away from now).
fn has_expired(record: &SessionRecord, now: SystemTime) -> bool {
    if record.expiry_interval == u32::MAX {
        return false;
    }
    let Some(away) = record.disconnected_at else {
        return false;
    };
    let expiry = Duration::from_secs(u64::from(record.expiry_interval));
    now.duration_since(away).is_ok_and(|gone| gone >= expiry)
}
