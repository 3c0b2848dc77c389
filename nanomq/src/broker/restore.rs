//! Putting what the store read back at start into place, before any listener opens:
//! retained messages with their expiry timers, persistent sessions (away) with their
//! subscriptions, queued and in-flight deliveries and QoS 2 ids, their expiry timers and
//! delayed wills, counted from when their client went away (wall-clock time, so time the
//! broker was down counts).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::Local;
use tokio::time::Instant;

use tracing::warn;

use super::{BRIDGE_CLIENT_ID, Broker, Identity};
use crate::codec::{LastWill, ProtocolVersion};
use crate::message::Delivery;
use crate::router::ParsedFilter;
use crate::session::inflight::DeliveryState;
use crate::session::{ClientDetails, Session, SubscriptionRecord, WillSummary};
use crate::store::record::SessionRecord;
use crate::store::{Op, Snapshot};

/// What restoring put back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    /// Sessions.
    pub sessions: usize,
    /// Deliveries queued or in flight.
    pub deliveries: usize,
    /// Retained messages.
    pub retained: usize,
}

impl Broker {
    /// Puts `snapshot` in place. Call it before the store is attached (what is put back is
    /// on disk already) and before the listeners open; the returned changes (sessions that
    /// were connected when the broker stopped now count as away; deliveries beyond `msq_len`
    /// dropped) are for the store once it is attached.
    pub fn restore(&self, snapshot: Snapshot) -> (Restored, Vec<Op>) {
        let settings = self.settings();
        let now = SystemTime::now();
        let mut fixes = Vec::new();
        let mut restored = Restored::default();
        // What the store kept was accepted when it arrived: it all comes back, whatever the
        // retained limits are now.
        let mut unlimited = (*settings).clone();
        unlimited.retained = crate::router::retained::RetainedLimits::NONE;
        let internal = Identity::internal();
        for message in snapshot.retained {
            let message = if message.retain {
                message
            } else {
                crate::message::Message {
                    retain: true,
                    ..message
                }
            };
            // Nothing to wait for: the store is attached after the restore, so putting back
            // what it read records nothing.
            if let Ok(_not_recorded) = self.retain(&unlimited, &internal, &message, true) {
                restored.retained += 1;
            }
        }
        let mut absences = Vec::new();
        for stored in snapshot.sessions {
            if is_bridge_session(&stored.client_id) {
                // A bridge's outage buffer and what was in flight upstream: the bridge takes
                // them back when it starts ([`Broker::open_bridge_session`]), in order.
                let mut backlog: Vec<Delivery> = stored
                    .deliveries
                    .into_iter()
                    .map(|d| Delivery {
                        message: d.message,
                        qos: d.qos,
                        retain: d.retain,
                        subscription_ids: d.subscription_ids,
                        key: d.key,
                    })
                    .collect();
                backlog.sort_by_key(|d| d.key);
                restored.deliveries += backlog.len();
                self.inner
                    .bridge_backlog
                    .lock()
                    .insert(stored.client_id.clone(), backlog);
                continue;
            }
            let record = stored.record;
            let client: Arc<str> = Arc::from(stored.client_id.as_str());
            let details = ClientDetails {
                username: record.username.clone(),
                protocol: record.protocol,
                keep_alive: 0,
                clean_start: false,
                peer: None,
                connected_at: Local::now(),
                will: record.will.as_ref().map(|(w, _)| WillSummary::of(w)),
                expiry_interval: record.expiry_interval,
            };
            let session = self.inner.sessions.restore(&client, details);
            session.set_durable(true);
            for (filter, options, identifier) in stored.subscriptions {
                self.inner.router.subscribe(
                    &session,
                    ParsedFilter::parse(&filter),
                    options,
                    identifier,
                );
                session.add_subscription(
                    &filter,
                    SubscriptionRecord {
                        options,
                        identifier,
                    },
                );
            }
            let mut inflight = Vec::new();
            let mut dropped = Vec::new();
            for d in stored.deliveries {
                restored.deliveries += 1;
                let delivery = Delivery {
                    message: d.message,
                    qos: d.qos,
                    retain: d.retain,
                    subscription_ids: d.subscription_ids,
                    key: d.key,
                };
                match d.inflight {
                    Some((packet_id, stage)) => inflight.push((packet_id, stage, delivery)),
                    None => {
                        session.mailbox.push_dropping(
                            delivery,
                            &settings.queue,
                            true,
                            &mut dropped,
                        );
                    }
                }
            }
            for key in dropped {
                fixes.push(Op::Done {
                    client: Arc::clone(&client),
                    key,
                });
            }
            let state = DeliveryState::restored(inflight, stored.qos2_received, Instant::now());
            let away = record.disconnected_at.unwrap_or(now);
            session.park(state, away);
            if record.disconnected_at.is_none() {
                fixes.push(Op::Session {
                    client: Arc::clone(&client),
                    record: SessionRecord {
                        disconnected_at: Some(away),
                        ..record.clone()
                    },
                });
            }
            restored.sessions += 1;
            absences.push((session, record, away));
        }
        // Wills and expiries once every session is back, so a will due now reaches them all.
        for (session, record, away) in absences {
            let gone = now.duration_since(away).unwrap_or_default();
            let left = |secs: u32| Duration::from_secs(u64::from(secs)).saturating_sub(gone);
            let expiry = (record.expiry_interval != u32::MAX).then(|| left(record.expiry_interval));
            let will: Option<(LastWill, Duration)> =
                record.will.clone().map(|(will, delay)| (will, left(delay)));
            if will.as_ref().is_some_and(|(_, d)| d.is_zero()) {
                // Published now: not again after another restart.
                fixes.push(Op::Session {
                    client: Arc::clone(&session.client_id),
                    record: SessionRecord {
                        will: None,
                        disconnected_at: Some(away),
                        ..record
                    },
                });
            }
            let generation = session.generation();
            self.schedule_absence(&session, generation, will, expiry);
            drop::<Arc<Session>>(session);
        }
        (restored, fixes)
    }

    /// Makes the bridge's local `session` (already subscribed to its forwards) one the store
    /// keeps, when there is a store: what is queued for it from now on (the outage buffer,
    /// what is in flight upstream) survives a crash, and local publishers' acknowledgements
    /// wait for it like for any persistent session. Returns what the store held for it from
    /// the previous run (only the first time), oldest first, to send before anything new.
    pub fn open_bridge_session(
        &self,
        session: &Session,
        protocol: ProtocolVersion,
    ) -> Vec<Delivery> {
        if self.store().is_none() {
            return Vec::new();
        }
        session.set_durable(true);
        // Later answers wait for later tickets, which the journal commits in order.
        self.record_unawaited(|| Op::Session {
            client: Arc::clone(&session.client_id),
            record: SessionRecord {
                expiry_interval: u32::MAX,
                protocol,
                username: None,
                disconnected_at: None,
                will: None,
            },
        });
        self.inner
            .bridge_backlog
            .lock()
            .remove(&*session.client_id)
            .unwrap_or_default()
    }

    /// A bridge was removed: what the store keeps for it (`client`, its local session's
    /// identifier) is dropped.
    pub fn drop_bridge_session(&self, client: &str) {
        self.inner.bridge_backlog.lock().remove(client);
        self.record_unawaited(|| Op::DropSession {
            client: Arc::from(client),
        });
    }

    /// What the store held from the previous run for bridges other than `claimed` (the store
    /// identities of the bridges that run) is dropped and logged, so that it does not wait on
    /// disk for ever.
    pub fn drop_bridge_backlogs(&self, claimed: &[String]) {
        let unclaimed: Vec<(String, Vec<Delivery>)> = {
            let mut backlogs = self.inner.bridge_backlog.lock();
            let names: Vec<String> = backlogs
                .keys()
                .filter(|id| !claimed.contains(id))
                .cloned()
                .collect();
            names
                .into_iter()
                .filter_map(|id| backlogs.remove_entry(&id))
                .collect()
        };
        for (client, backlog) in unclaimed {
            if !backlog.is_empty() {
                warn!(
                    bridge = %client.trim_start_matches(BRIDGE_CLIENT_ID).trim_start_matches('/'),
                    messages = backlog.len(),
                    "store: messages kept for a bridge that no longer runs are dropped"
                );
            }
            self.record_unawaited(|| Op::DropSession {
                client: Arc::from(client.as_str()),
            });
        }
    }
}

/// Whether a stored session is a bridge's (`\0bridge` for the `[bridge]` section's,
/// `\0bridge/NAME` for a named one): no client identifier starts with NUL.
fn is_bridge_session(client_id: &str) -> bool {
    client_id
        .strip_prefix(BRIDGE_CLIENT_ID)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
