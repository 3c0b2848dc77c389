//! Routing: which sessions a published message goes to.
//!
//! Subscriptions live in a [`trie::FilterTrie`] keyed by topic filter, behind one
//! reader-writer lock: every publish takes it shared (publishers never exclude each other),
//! SUBSCRIBE and UNSUBSCRIBE take it exclusive. Each filter's subscribers are held as
//! `Arc<Session>` so routing pushes straight into their mailboxes without a second lookup.
//! `$share/{group}/{filter}` subscriptions form groups that receive each message once,
//! round-robin over the members that are connected.

pub mod retained;
pub mod trie;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use foldhash::fast::RandomState;
use parking_lot::RwLock;

use crate::codec::{QoS, SubscriptionOptions};
use crate::message::{Delivery, Message, Origin};
use crate::session::mailbox::{Pushed, QueueLimits};
use crate::session::{Session, SessionId};
use trie::{FilterTrie, TrieValue};

/// A subscription filter split into its shared-subscription group (if any) and the topic
/// filter proper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedFilter<'a> {
    /// The `$share` group name.
    pub group: Option<&'a str>,
    /// The topic filter matched against topics.
    pub filter: &'a str,
}

impl<'a> ParsedFilter<'a> {
    /// Splits `$share/{group}/{filter}`; any other filter is not shared. The codec has
    /// already checked the syntax.
    pub fn parse(full: &'a str) -> ParsedFilter<'a> {
        if let Some(rest) = full.strip_prefix("$share/")
            && let Some((group, filter)) = rest.split_once('/')
        {
            return ParsedFilter {
                group: Some(group),
                filter,
            };
        }
        ParsedFilter {
            group: None,
            filter: full,
        }
    }
}

/// What the broker does around each delivery routing makes (the store records the ones it
/// keeps; the event stream hears of each). `()` does nothing.
pub trait RouteHooks {
    /// Before `delivery` is queued for `session` (the store gives it a key here).
    fn prepare(&mut self, _session: &Session, _delivery: &mut Delivery) {}
    /// After it was queued (`key` as prepared).
    fn queued(&mut self, _session: &Session, _qos: QoS, _key: u64) {}
    /// It was not queued (the session is closing, or it is away and the message is QoS 0).
    fn refused(&mut self, _session: &Session, _key: u64) {}
    /// Queuing it dropped older stored deliveries of `session`.
    fn dropped(&mut self, _session: &Session, _keys: &[u64]) {}
}

impl RouteHooks for () {}

#[derive(Debug, Clone)]
struct Subscriber {
    session: Arc<Session>,
    options: SubscriptionOptions,
    identifier: Option<u32>,
}

#[derive(Debug, Default)]
struct SharedGroup {
    members: Vec<Subscriber>,
    next: AtomicUsize,
}

impl SharedGroup {
    /// The next member in turn, skipping members whose client is away when any is connected.
    fn pick(&self) -> Option<&Subscriber> {
        let n = self.members.len();
        if n == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        (0..n)
            .map(|i| &self.members[(start + i) % n])
            .find(|m| m.session.is_connected())
            .or(self.members.get(start))
    }
}

/// The subscribers of one topic filter.
#[derive(Debug, Default)]
pub struct Subscribers {
    direct: HashMap<SessionId, Subscriber, RandomState>,
    groups: HashMap<Box<str>, SharedGroup, RandomState>,
}

impl TrieValue for Subscribers {
    fn is_empty(&self) -> bool {
        self.direct.is_empty() && self.groups.is_empty()
    }
}

/// What routing one message did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RouteOutcome {
    /// Sessions the message was queued for.
    pub delivered: usize,
    /// Sessions whose queue was full (client away), so an older message was dropped.
    pub dropped: usize,
    /// The store ticket to wait for before acknowledging the message; the broker sets it.
    pub ticket: crate::store::Ticket,
}

/// One level of the subscription tree, for the HTTP API's topic-tree view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLevel {
    /// The level's name (`+`, `#`, or "" for the root).
    pub name: String,
    /// Number of child levels.
    pub children: usize,
    /// Client identifiers subscribed to the filter ending at this level.
    pub client_ids: Vec<String>,
}

/// The subscription table.
#[derive(Debug, Default)]
pub struct Router {
    trie: RwLock<FilterTrie<Subscribers>>,
    subscriptions: AtomicUsize,
    filters: AtomicUsize,
}

struct Target<'a> {
    subscriber: &'a Subscriber,
    qos: QoS,
    retain: bool,
    shared: bool,
}

impl Router {
    /// Adds or replaces `session`'s subscription to `parsed` (which may be a `$share/...`
    /// filter). Returns true if the session already had this subscription.
    pub fn subscribe(
        &self,
        session: &Arc<Session>,
        parsed: ParsedFilter<'_>,
        options: SubscriptionOptions,
        identifier: Option<u32>,
    ) -> bool {
        let subscriber = Subscriber {
            session: Arc::clone(session),
            options,
            identifier,
        };
        let mut trie = self.trie.write();
        let subs = trie.entry(parsed.filter);
        let was_empty = subs.is_empty();
        let existed = match parsed.group {
            None => subs.direct.insert(session.id, subscriber).is_some(),
            Some(group) => {
                let group = subs.groups.entry(Box::from(group)).or_default();
                match group
                    .members
                    .iter_mut()
                    .find(|m| m.session.id == session.id)
                {
                    Some(member) => {
                        *member = subscriber;
                        true
                    }
                    None => {
                        group.members.push(subscriber);
                        false
                    }
                }
            }
        };
        drop(trie);
        if was_empty {
            self.filters.fetch_add(1, Ordering::Relaxed);
        }
        if !existed {
            self.subscriptions.fetch_add(1, Ordering::Relaxed);
        }
        existed
    }

    /// Removes `session`'s subscription to `parsed`; returns whether it existed.
    pub fn unsubscribe(&self, session: SessionId, parsed: ParsedFilter<'_>) -> bool {
        let mut emptied = false;
        let removed = self
            .trie
            .write()
            .update(parsed.filter, |subs| {
                let removed = match parsed.group {
                    None => subs.direct.remove(&session).is_some(),
                    Some(group) => {
                        let Some(members) = subs.groups.get_mut(group) else {
                            return false;
                        };
                        let before = members.members.len();
                        members.members.retain(|m| m.session.id != session);
                        let removed = members.members.len() != before;
                        if members.members.is_empty() {
                            subs.groups.remove(group);
                        }
                        removed
                    }
                };
                emptied = subs.is_empty();
                removed
            })
            .unwrap_or(false);
        if removed {
            self.subscriptions.fetch_sub(1, Ordering::Relaxed);
        }
        if emptied {
            self.filters.fetch_sub(1, Ordering::Relaxed);
        }
        removed
    }

    /// Removes every subscription of a session that is ending.
    pub fn remove_session(&self, session: &Session) {
        for filter in session.take_subscriptions() {
            self.unsubscribe(session.id, ParsedFilter::parse(&filter));
        }
    }

    /// Whether a session that `wanted` picks subscribes to a filter matching `topic`.
    pub fn any_match(&self, topic: &str, mut wanted: impl FnMut(&Session) -> bool) -> bool {
        let mut any = false;
        self.trie.read().for_each_match(topic, |subs| {
            any = any
                || subs.direct.values().any(|s| wanted(&s.session))
                || subs
                    .groups
                    .values()
                    .any(|g| g.members.iter().any(|s| wanted(&s.session)));
        });
        any
    }

    /// Whether any subscription matches `topic` (so that a message nobody would receive need
    /// not even be built).
    pub fn has_subscribers(&self, topic: &str) -> bool {
        let mut any = false;
        self.trie.read().for_each_match(topic, |subs| {
            any |= !subs.direct.is_empty() || !subs.groups.is_empty();
        });
        any
    }

    /// Queues `message` for every session with a matching subscription: once per session
    /// (at the highest matching QoS, with every matching subscription identifier), and once
    /// per shared group. With `congested`, the publisher pauses: sessions whose queue is over
    /// its high watermark are added to it, so the publisher can wait for them. Without, the
    /// publisher cannot pause, and a full queue drops the message for that session. `hooks`
    /// hear of every delivery.
    pub fn route(
        &self,
        message: &Arc<Message>,
        limits: &QueueLimits,
        mut congested: Option<&mut Vec<Arc<Session>>>,
        hooks: &mut impl RouteHooks,
    ) -> RouteOutcome {
        let trie = self.trie.read();
        let mut targets: Vec<Target<'_>> = Vec::new();
        let publisher = match message.origin {
            Origin::Client(id) => Some(id),
            Origin::Broker | Origin::Bridge => None,
        };
        trie.for_each_match(&message.topic, |subs| {
            for sub in subs.direct.values() {
                if sub.options.no_local && publisher == Some(sub.session.id) {
                    continue;
                }
                targets.push(Target {
                    subscriber: sub,
                    qos: message.qos.min(sub.options.qos),
                    retain: message.retain && sub.options.retain_as_published,
                    shared: false,
                });
            }
            for group in subs.groups.values() {
                if let Some(sub) = group.pick() {
                    targets.push(Target {
                        subscriber: sub,
                        qos: message.qos.min(sub.options.qos),
                        retain: message.retain && sub.options.retain_as_published,
                        shared: true,
                    });
                }
            }
        });
        // Overlapping subscriptions of one session get one copy: order by session, shared
        // deliveries last so they are never merged.
        if targets.len() > 1 {
            targets.sort_unstable_by_key(|t| (t.shared, t.subscriber.session.id));
        }
        let mut outcome = RouteOutcome::default();
        let mut dropped = Vec::new();
        let mut i = 0;
        while i < targets.len() {
            let first = &targets[i];
            let mut qos = first.qos;
            let mut retain = first.retain;
            let mut ids: Vec<u32> = first.subscriber.identifier.into_iter().collect();
            let mut j = i + 1;
            while !first.shared
                && j < targets.len()
                && !targets[j].shared
                && targets[j].subscriber.session.id == first.subscriber.session.id
            {
                qos = qos.max(targets[j].qos);
                retain |= targets[j].retain;
                ids.extend(targets[j].subscriber.identifier);
                j += 1;
            }
            let session = &first.subscriber.session;
            let mut delivery = Delivery {
                message: Arc::clone(message),
                qos,
                retain,
                subscription_ids: ids,
                key: 0,
            };
            hooks.prepare(session, &mut delivery);
            let key = delivery.key;
            let waits = congested.is_some();
            let pushed = session
                .mailbox
                .push_dropping(delivery, limits, waits, &mut dropped);
            if !dropped.is_empty() {
                hooks.dropped(session, &dropped);
                dropped.clear();
            }
            match pushed {
                Pushed::Queued => outcome.delivered += 1,
                Pushed::Congested => {
                    outcome.delivered += 1;
                    if let Some(congested) = congested.as_deref_mut() {
                        congested.push(Arc::clone(session));
                    }
                }
                Pushed::DroppedOldest => {
                    outcome.delivered += 1;
                    outcome.dropped += 1;
                }
                Pushed::DroppedNewest => {
                    outcome.dropped += 1;
                    hooks.refused(session, key);
                    i = j;
                    continue;
                }
                Pushed::Refused => {
                    hooks.refused(session, key);
                    i = j;
                    continue;
                }
            }
            hooks.queued(session, qos, key);
            i = j;
        }
        outcome
    }

    /// Number of subscriptions (a shared subscription counts once per member).
    pub fn subscription_count(&self) -> usize {
        self.subscriptions.load(Ordering::Relaxed)
    }

    /// Number of distinct topic filters with at least one subscriber.
    pub fn filter_count(&self) -> usize {
        self.filters.load(Ordering::Relaxed)
    }

    /// The subscription tree level by level, for the HTTP API.
    pub fn topic_levels(&self) -> Vec<Vec<TopicLevel>> {
        let trie = self.trie.read();
        trie.levels()
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|node| {
                        let mut client_ids: Vec<String> = node
                            .value
                            .map(|subs| {
                                let direct = subs.direct.values();
                                let shared = subs.groups.values().flat_map(|g| g.members.iter());
                                direct
                                    .chain(shared)
                                    .map(|s| s.session.client_id.to_string())
                                    .collect()
                            })
                            .unwrap_or_default();
                        client_ids.sort_unstable();
                        TopicLevel {
                            name: node.name.to_owned(),
                            children: node.children,
                            client_ids,
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
