//! A session's life: opened by a connection (resumed, or taking over from an older connection
//! with the same client identifier), closed when the connection ends (kept for the client's
//! return, or removed), its will published and its expiry enforced by the timers while the
//! client is away, discarded by an operator's kick.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;
use tracing::{debug, warn};

use super::events::BrokerEvent;
use super::timers::{Due, TimerKey};
use super::{Broker, Identity};
use crate::codec::{LastWill, ReasonCode};
use crate::message::Message;
use crate::session::inflight::DeliveryState;
use crate::session::{ClientDetails, ConnCommand, Link, Session};
use crate::store::record::SessionRecord;
use crate::store::{Op, Ticket};

/// How long opening a session waits for the connection it takes over to finish.
const TAKEOVER_TIMEOUT: Duration = Duration::from_secs(5);

/// What a connection asks for when it opens its session.
#[derive(Debug)]
pub struct OpenRequest {
    /// Clean start (MQTT 5) or clean session (3.x).
    pub clean_start: bool,
    /// What the API shows about the client; its `expiry_interval` decides whether the
    /// session outlives the connection.
    pub details: ClientDetails,
    /// The way to reach the connection (takeover, kick).
    pub link: Link,
}

/// A session opened for a connection.
#[derive(Debug)]
pub struct Opened {
    /// The session the connection now serves.
    pub session: Arc<Session>,
    /// Whether an existing session was resumed (CONNACK "session present").
    pub present: bool,
    /// Its acknowledgement state, for the connection to hold while it runs.
    pub state: DeliveryState,
    /// The store ticket the CONNACK waits for.
    pub ticket: Ticket,
}

/// What a connection leaves behind when it ends.
#[derive(Debug)]
pub struct Closing {
    /// The connection's number.
    pub conn_id: u64,
    /// The session it served.
    pub session: Arc<Session>,
    /// Who the client was.
    pub identity: Arc<Identity>,
    /// The acknowledgement state, parked in the session if it stays.
    pub state: DeliveryState,
    /// The will, when the way the connection ended calls for it.
    pub will: Option<LastWill>,
    /// The session expiry interval in force at the end (`u32::MAX`: never; 0: ends now).
    pub expiry_interval: u32,
    /// An operator kicked the client: its session goes, whatever its expiry.
    pub kicked: bool,
    /// The reason the `$SYS/brokers/disconnected` event reports.
    pub reason: ReasonCode,
}

impl Broker {
    /// Opens (or resumes) the session of `identity`'s client for a new connection, taking it
    /// over from a connection that still holds it (which is told to end, and waited for, so
    /// that its state is parked before this one takes it).
    ///
    /// A session belongs to the username that opened it: a client with another username (or
    /// none, for a user's session) may not take it over, connected or away, and is refused
    /// with "client identifier not valid" (0x85; 3.x: 2), logged and counted in
    /// `logins_failed`. Otherwise anyone who guessed a client id could disconnect its owner
    /// and take, or with a clean start destroy, its queued messages.
    pub async fn open_session(
        &self,
        identity: &Identity,
        request: OpenRequest,
    ) -> Result<Opened, ReasonCode> {
        let OpenRequest {
            clean_start,
            details,
            link,
        } = request;
        let client_id = &identity.client_id;
        let opened = self
            .inner
            .sessions
            .open(client_id, clean_start, link, details.clone())
            .map_err(|owner| {
                self.inner.metrics.logins_failed.add(1);
                warn!(
                    %client_id,
                    username = identity.username.as_deref().unwrap_or(""),
                    address = %identity.peer.map_or_else(String::new, |p| p.to_string()),
                    owner = owner.as_deref().unwrap_or(""),
                    "login failed: the client id's session belongs to another user"
                );
                ReasonCode::CLIENT_IDENTIFIER_NOT_VALID
            })?;
        if let Some(previous) = opened.previous {
            debug!(%client_id, "taking over an existing connection");
            previous.signal.send(ConnCommand::TakeOver);
            if tokio::time::timeout(TAKEOVER_TIMEOUT, previous.signal.finished())
                .await
                .is_err()
            {
                warn!(%client_id, "old connection did not finish in time");
            }
        }
        if let Some(replaced) = &opened.replaced {
            self.forget(replaced);
        }
        let session = opened.session;
        // A client back in time: no delayed will, no expiry [MQTT-3.1.3-9].
        self.inner.timers.cancel(&TimerKey::Will(session.id));
        self.inner.timers.cancel(&TimerKey::Expiry(session.id));
        let state = session.attach(details.clone());
        session
            .mailbox
            .set_online(true, &self.settings().queue, &mut Vec::new());
        let ticket = self.record_open(&session, &details);
        let present = opened.present;
        self.inner.events.emit(|| BrokerEvent::SessionOpened {
            client_id: Arc::clone(&session.client_id),
            present,
        });
        self.announce_connected(identity, &details);
        Ok(Opened {
            session,
            present,
            state,
            ticket,
        })
    }

    /// Records an opened session in the store: a persistent one is kept (its record written
    /// now, with no will: a will is stored only while it waits for its delay), a stored one
    /// resumed by a connection that ends it is forgotten.
    fn record_open(&self, session: &Session, details: &ClientDetails) -> Ticket {
        if self.store().is_none() {
            return Ticket::NONE;
        }
        if details.expiry_interval != 0 {
            session.set_durable(true);
            return self.record(|| Op::Session {
                client: Arc::clone(&session.client_id),
                record: SessionRecord {
                    expiry_interval: details.expiry_interval,
                    protocol: details.protocol,
                    username: details.username.clone(),
                    disconnected_at: None,
                    will: None,
                },
            });
        }
        if session.set_durable(false) {
            return self.record(|| Op::DropSession {
                client: Arc::clone(&session.client_id),
            });
        }
        Ticket::NONE
    }

    /// Records a session left by its client: when it went away and the will waiting for its
    /// delay, if any.
    fn record_away(&self, session: &Session, expiry_interval: u32, will: Option<(LastWill, u32)>) {
        if !session.is_durable() {
            return;
        }
        let details = session.details();
        self.record_unawaited(|| Op::Session {
            client: Arc::clone(&session.client_id),
            record: SessionRecord {
                expiry_interval,
                protocol: details.protocol,
                username: details.username,
                disconnected_at: Some(session.away_since().unwrap_or_else(SystemTime::now)),
                will,
            },
        });
    }

    /// Forgets the stored deliveries a session dropped.
    fn record_dropped(&self, session: &Session, keys: &[u64]) {
        for &key in keys {
            self.record_unawaited(|| Op::Done {
                client: Arc::clone(&session.client_id),
                key,
            });
        }
    }

    /// Closes a connection's hold on its session: the session is removed when it ends with
    /// the connection (or was kicked), else kept with its state parked, its will published
    /// (now, or after its delay) and its expiry timer armed.
    pub fn close_session(&self, closing: Closing) {
        let Closing {
            conn_id,
            session,
            identity,
            state,
            will,
            expiry_interval,
            kicked,
            reason,
        } = closing;
        let ends = session.is_discarded() || expiry_interval == 0 || kicked;
        let ended = ends
            && self
                .inner
                .sessions
                .remove_if(&session, |s| s.link_owner().is_none_or(|id| id == conn_id));
        if ended {
            if let Some(will) = will {
                self.publish_internal(Message::from_will(will, Instant::now()));
            }
            self.forget(&session);
        } else {
            match session.detach(conn_id, state) {
                Some(generation) => {
                    let mut keys = Vec::new();
                    let dropped =
                        session
                            .mailbox
                            .set_online(false, &self.settings().queue, &mut keys);
                    if dropped > 0 {
                        warn!(client_id = %session.client_id, dropped, "queue of absent client trimmed");
                    }
                    self.record_dropped(&session, &keys);
                    let will = will.map(|w| {
                        let delay = w.properties.will_delay_interval.unwrap_or(0);
                        (w, delay.min(expiry_interval))
                    });
                    let stored_will = will.as_ref().filter(|(_, d)| *d > 0).cloned();
                    self.record_away(&session, expiry_interval, stored_will);
                    let expiry = (expiry_interval != u32::MAX).then(|| secs(expiry_interval));
                    let will = will.map(|(w, d)| (w, secs(d)));
                    self.schedule_absence(&session, generation, will, expiry);
                }
                // Taken over: the session is the new connection's, with its own expiry. A
                // new connection to the session exists, so a delayed will is not sent
                // [MQTT-3.1.3-9]; one without delay is, as for any server-closed connection.
                None => {
                    if let Some(will) = will
                        && will.properties.will_delay_interval.unwrap_or(0) == 0
                    {
                        self.publish_internal(Message::from_will(will, Instant::now()));
                    }
                }
            }
            self.inner.events.emit(|| BrokerEvent::SessionClosed {
                client_id: Arc::clone(&session.client_id),
                kept: true,
            });
        }
        self.announce_disconnected(&identity, reason);
    }

    /// Kicks a client: a connected one is disconnected (MQTT 5: DISCONNECT 0x98) and its
    /// connection then discards the session; an offline persistent session is discarded here.
    /// Returns false when no session has this client identifier.
    pub fn kick(&self, client_id: &str) -> bool {
        let Some(session) = self.inner.sessions.get(client_id) else {
            return false;
        };
        if session.command(ConnCommand::Kick) {
            return true;
        }
        self.inner.sessions.remove(&session);
        self.forget(&session);
        true
    }

    /// What follows a disconnection that leaves the session in place: the will after its
    /// delay (none: now), unless the client reconnects first, and the session's removal once
    /// it has been away for `expiry` (`None`: never).
    pub(super) fn schedule_absence(
        &self,
        session: &Arc<Session>,
        generation: u64,
        will: Option<(LastWill, Duration)>,
        expiry: Option<Duration>,
    ) {
        let now = Instant::now();
        let timers = &self.inner.timers;
        if let Some((will, delay)) = will {
            if delay.is_zero() {
                self.publish_internal(Message::from_will(will, now));
            } else {
                let due = Due::Will {
                    session: Arc::clone(session),
                    generation,
                    will,
                };
                timers.set(TimerKey::Will(session.id), now + delay, due);
            }
        }
        if let Some(expiry) = expiry {
            let due = Due::Expiry {
                session: Arc::clone(session),
                generation,
            };
            timers.set(TimerKey::Expiry(session.id), now + expiry, due);
        }
    }

    /// A timer came due.
    pub(super) fn fire(&self, due: Due) {
        match due {
            Due::Will {
                session,
                generation,
                will,
            } => {
                if session.still_away_since(generation) && !session.is_discarded() {
                    self.publish_internal(Message::from_will(will, Instant::now()));
                    // Published: it must not be again after a restart.
                    let expiry = session.details().expiry_interval;
                    self.record_away(&session, expiry, None);
                }
            }
            Due::Expiry {
                session,
                generation,
            } => {
                let expired = self
                    .inner
                    .sessions
                    .remove_if(&session, |s| s.still_away_since(generation));
                if expired {
                    debug!(client_id = %session.client_id, "session expired");
                    self.forget(&session);
                }
            }
            Due::Retained { topic } => self.expire_retained(&topic),
        }
    }

    /// Everything the broker holds for a session that is gone: its subscriptions, timers and
    /// what the store has of it.
    fn forget(&self, session: &Session) {
        if session.set_durable(false) {
            self.record_unawaited(|| Op::DropSession {
                client: Arc::clone(&session.client_id),
            });
        }
        self.unsubscribe_all(session);
        self.inner.timers.cancel(&TimerKey::Will(session.id));
        self.inner.timers.cancel(&TimerKey::Expiry(session.id));
        self.inner.events.emit(|| BrokerEvent::SessionRemoved {
            client_id: Arc::clone(&session.client_id),
        });
    }
}

fn secs(n: u32) -> Duration {
    Duration::from_secs(u64::from(n))
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use bytes::Bytes;
    use chrono::Local;
    use shared_types::config::Config;

    use super::*;
    use crate::codec::{
        ProtocolVersion, QoS, SubscribeFilter, SubscriptionOptions, WillProperties,
    };
    use crate::session::LinkSignal;

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 40000))
    }

    async fn open(broker: &Broker, id: &str, expiry: u32) -> (Arc<Identity>, Opened, u64) {
        let identity = Arc::new(Identity::client(Arc::from(id), None, peer(), None));
        let conn_id = broker.next_conn_id();
        let request = OpenRequest {
            clean_start: false,
            details: ClientDetails {
                username: None,
                protocol: ProtocolVersion::V5,
                keep_alive: 60,
                clean_start: false,
                peer: Some(peer()),
                connected_at: Local::now(),
                will: None,
                expiry_interval: expiry,
            },
            link: Link {
                conn_id,
                signal: Arc::new(LinkSignal::default()),
                identity: Arc::clone(&identity),
            },
        };
        let opened = broker.open_session(&identity, request).await.unwrap();
        (identity, opened, conn_id)
    }

    /// Wills and expiries run on tokio's clock: with it paused, a test moves through a 30 s
    /// will delay and a 60 s session expiry without waiting for them.
    #[tokio::test(start_paused = true)]
    async fn a_delayed_will_and_the_session_expiry_fire_on_the_paused_clock() {
        let broker = Broker::new(Config::default()).unwrap();
        let timers = tokio::spawn({
            let broker = broker.clone();
            async move { broker.run_timers().await }
        });
        let (watcher_id, watcher, _) = open(&broker, "watcher", u32::MAX).await;
        let entry = SubscribeFilter {
            filter: "wills/#".into(),
            options: SubscriptionOptions {
                qos: QoS::AtLeastOnce,
                ..SubscriptionOptions::default()
            },
        };
        broker.subscribe(&watcher_id, &watcher.session, &entry, None);

        let (identity, opened, conn_id) = open(&broker, "flaky", 60).await;
        let will = LastWill {
            topic: Arc::from("wills/flaky"),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: WillProperties {
                will_delay_interval: Some(30),
                ..WillProperties::default()
            },
        };
        let closing = Closing {
            conn_id,
            session: Arc::clone(&opened.session),
            identity,
            state: opened.state,
            will: Some(will),
            expiry_interval: 60,
            kicked: false,
            reason: ReasonCode::UNSPECIFIED_ERROR,
        };
        broker.close_session(closing);
        assert_eq!(broker.timers_armed(), 2, "the will and the expiry");

        tokio::time::sleep(Duration::from_secs(29)).await;
        assert!(watcher.session.mailbox.is_empty(), "not before its delay");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(watcher.session.mailbox.len(), 1, "the will, after 30 s");
        assert!(broker.session("flaky").is_some());
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(broker.session("flaky").is_none(), "expired after 60 s");
        assert_eq!(broker.timers_armed(), 0);
        timers.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_back_in_time_cancels_its_will_and_expiry() {
        let broker = Broker::new(Config::default()).unwrap();
        let (identity, opened, conn_id) = open(&broker, "back", 60).await;
        let closing = Closing {
            conn_id,
            session: Arc::clone(&opened.session),
            identity,
            state: opened.state,
            will: None,
            expiry_interval: 60,
            kicked: false,
            reason: ReasonCode::UNSPECIFIED_ERROR,
        };
        broker.close_session(closing);
        assert_eq!(broker.timers_armed(), 1);
        let (_, again, _) = open(&broker, "back", 60).await;
        assert!(again.present);
        assert_eq!(broker.timers_armed(), 0);
    }
}
