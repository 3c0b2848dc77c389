//! The retained-message store: a trie of topic names (no wildcards in the keys) searched with a
//! topic filter when a client subscribes.
//!
//! Generic over the stored value so the structure is tested on its own; the broker stores
//! `Arc<Message>`. An expired retained message is never delivered; the broker arms a timer at
//! its expiry (`broker::timers`) that frees it, so it does not hold memory until somebody
//! happens to replace it. Nothing recurses on a topic's depth: every walk uses an explicit
//! stack, and a node drops its subtree iteratively.
//!
//! The store is bounded (`max_retained_messages`, `max_retained_bytes`, topics and payloads
//! counted): a change that would take it over either is refused, and so, under memory
//! pressure, is one that adds bytes. Replacing a message with a smaller one, or clearing it,
//! is always accepted.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use foldhash::fast::RandomState;
use parking_lot::RwLock;
use tokio::time::Instant;

use crate::message::Message;

/// How much the retained store may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetainedLimits {
    /// Messages (`max_retained_messages`).
    pub messages: usize,
    /// Bytes of topics and payloads (`max_retained_bytes`).
    pub bytes: usize,
}

impl RetainedLimits {
    /// No limit.
    pub const NONE: RetainedLimits = RetainedLimits {
        messages: usize::MAX,
        bytes: usize::MAX,
    };
}

/// The broker's retained messages, one per topic.
#[derive(Debug, Default)]
pub struct RetainedMessages {
    topics: RwLock<TopicStore<Arc<Message>>>,
    /// Bytes of the retained topics and payloads (changed under the write lock).
    bytes: AtomicUsize,
}

/// What a retained message counts for against `max_retained_bytes`.
fn cost(message: &Message) -> usize {
    message.topic.len() + message.payload.len()
}

/// What applying a retained publish did.
#[derive(Debug, Clone)]
pub enum RetainedChange {
    /// The message is now the topic's retained message.
    Set(Arc<Message>),
    /// The topic's retained message was cleared (empty payload).
    Cleared,
    /// Nothing: an empty payload on a topic that retained nothing.
    Unchanged,
    /// Refused: it would take the store over its limits (or add bytes under memory
    /// pressure, when `grow` was false).
    Refused,
}

impl RetainedMessages {
    /// Applies a PUBLISH with the RETAIN flag: an empty payload clears the topic, anything
    /// else replaces what it held, within `limits` (and, unless `grow`, without adding
    /// bytes). The payload is copied so that a long-lived retained message does not pin the
    /// connection buffer it arrived in.
    pub fn update(&self, message: &Message, limits: RetainedLimits, grow: bool) -> RetainedChange {
        if message.payload.is_empty() {
            return match self.topics.write().remove(&message.topic) {
                Some(old) => {
                    self.bytes.fetch_sub(cost(&old), Ordering::Relaxed);
                    RetainedChange::Cleared
                }
                None => RetainedChange::Unchanged,
            };
        }
        let mut topics = self.topics.write();
        let old = topics.get(&message.topic).map(|m| cost(m));
        let bytes = self.bytes.load(Ordering::Relaxed);
        let after = bytes - old.unwrap_or(0) + cost(message);
        let count = topics.len() + usize::from(old.is_none());
        if count > limits.messages || after > limits.bytes || (!grow && after > bytes) {
            return RetainedChange::Refused;
        }
        let stored = Arc::new(Message {
            id: message.id,
            topic: Arc::clone(&message.topic),
            payload: Bytes::copy_from_slice(&message.payload),
            qos: message.qos,
            retain: true,
            properties: message.properties.clone(),
            expires_at: message.expires_at,
            origin: message.origin,
        });
        topics.insert(&message.topic, Arc::clone(&stored));
        self.bytes.store(after, Ordering::Relaxed);
        RetainedChange::Set(stored)
    }

    /// Bytes of the retained topics and payloads.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The unexpired retained messages whose topic matches `filter`.
    pub fn matching(&self, filter: &str, now: Instant) -> Vec<Arc<Message>> {
        let mut out = Vec::new();
        self.topics.read().for_each_match(filter, |m| {
            if !m.is_expired(now) {
                out.push(Arc::clone(m));
            }
        });
        out
    }

    /// The unexpired message retained on `topic`, if any.
    pub fn get(&self, topic: &str, now: Instant) -> Option<Arc<Message>> {
        self.topics
            .read()
            .get(topic)
            .filter(|m| !m.is_expired(now))
            .cloned()
    }

    /// Removes the message retained on `topic`; returns whether there was one.
    pub fn remove(&self, topic: &str) -> bool {
        let removed = self.topics.write().remove(topic);
        if let Some(old) = &removed {
            self.bytes.fetch_sub(cost(old), Ordering::Relaxed);
        }
        removed.is_some()
    }

    /// Removes the message retained on `topic` if it has expired by `now`; returns whether
    /// it did. (A message that replaced the expiring one since stays.)
    pub fn remove_if_expired(&self, topic: &str, now: Instant) -> bool {
        let expired = |topics: &TopicStore<Arc<Message>>| {
            topics.get(topic).is_some_and(|m| m.is_expired(now))
        };
        if !expired(&self.topics.read()) {
            return false;
        }
        let mut topics = self.topics.write();
        if !expired(&topics) {
            return false;
        }
        let removed = topics.remove(topic);
        if let Some(old) = &removed {
            self.bytes.fetch_sub(cost(old), Ordering::Relaxed);
        }
        removed.is_some()
    }

    /// Number of retained messages.
    pub fn len(&self) -> usize {
        self.topics.read().len()
    }

    /// True when no message is retained.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A trie of topic names with one optional value per topic.
#[derive(Debug)]
pub struct TopicStore<V> {
    root: Node<V>,
    len: usize,
}

#[derive(Debug)]
struct Node<V> {
    children: HashMap<Box<str>, Node<V>, RandomState>,
    value: Option<V>,
}

impl<V> Default for Node<V> {
    fn default() -> Self {
        Node {
            children: HashMap::default(),
            value: None,
        }
    }
}

impl<V> Drop for Node<V> {
    /// Dismantles the subtree with an explicit stack: the derived drop would recurse once per
    /// level, and a retained topic may have 32,768 of them.
    fn drop(&mut self) {
        let mut stack: Vec<Node<V>> = self.children.drain().map(|(_, n)| n).collect();
        while let Some(mut node) = stack.pop() {
            stack.extend(node.children.drain().map(|(_, n)| n));
        }
    }
}

impl<V> Default for TopicStore<V> {
    fn default() -> Self {
        TopicStore {
            root: Node::default(),
            len: 0,
        }
    }
}

impl<V> TopicStore<V> {
    /// Number of topics holding a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no topic holds a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores `value` under `topic`, returning the value it replaces.
    pub fn insert(&mut self, topic: &str, value: V) -> Option<V> {
        let mut node = &mut self.root;
        for level in topic.split('/') {
            node = node.children.entry(Box::from(level)).or_default();
        }
        let old = node.value.replace(value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Returns the value stored under `topic`.
    pub fn get(&self, topic: &str) -> Option<&V> {
        let mut node = &self.root;
        for level in topic.split('/') {
            node = node.children.get(level)?;
        }
        node.value.as_ref()
    }

    /// Removes the value stored under `topic` and prunes the branch it leaves empty.
    pub fn remove(&mut self, topic: &str) -> Option<V> {
        let levels: Vec<&str> = topic.split('/').collect();
        let mut node = &mut self.root;
        for level in &levels {
            node = node.children.get_mut(*level)?;
        }
        let old = node.value.take()?;
        self.len -= 1;
        if !node.children.is_empty() {
            return Some(old);
        }
        // The highest edge below which only this topic's path remains.
        let mut cut = 0;
        let mut node = &self.root;
        for (depth, level) in levels.iter().enumerate() {
            if node.value.is_some() || node.children.len() > 1 {
                cut = depth;
            }
            match node.children.get(*level) {
                Some(next) => node = next,
                None => return Some(old),
            }
        }
        let mut node = &mut self.root;
        for level in &levels[..cut] {
            match node.children.get_mut(*level) {
                Some(next) => node = next,
                None => return Some(old),
            }
        }
        node.children.remove(levels[cut]);
        Some(old)
    }

    /// Calls `visit` with every value whose topic matches `filter` (`+` and `#` allowed).
    /// Wildcards in the first level never match topics starting with `$`.
    pub fn for_each_match<'a>(&'a self, filter: &str, mut visit: impl FnMut(&'a V)) {
        let levels: Vec<&str> = filter.split('/').collect();
        let mut stack: Vec<(&'a Node<V>, usize)> = vec![(&self.root, 0)];
        while let Some((node, depth)) = stack.pop() {
            let Some(level) = levels.get(depth) else {
                if let Some(v) = &node.value {
                    visit(v);
                }
                continue;
            };
            match *level {
                "#" => {
                    // "a/#" matches "a" itself and everything below it.
                    if depth > 0
                        && let Some(v) = &node.value
                    {
                        visit(v);
                    }
                    let mut below: Vec<&'a Node<V>> = node
                        .children
                        .iter()
                        .filter(|(name, _)| depth > 0 || !name.starts_with('$'))
                        .map(|(_, n)| n)
                        .collect();
                    while let Some(n) = below.pop() {
                        if let Some(v) = &n.value {
                            visit(v);
                        }
                        below.extend(n.children.values());
                    }
                }
                "+" => stack.extend(
                    node.children
                        .iter()
                        .filter(|(name, _)| depth > 0 || !name.starts_with('$'))
                        .map(|(_, n)| (n, depth + 1)),
                ),
                literal => {
                    if let Some(child) = node.children.get(literal) {
                        stack.push((child, depth + 1));
                    }
                }
            }
        }
    }

    /// Calls `visit` with every stored value.
    pub fn for_each(&self, mut visit: impl FnMut(&V)) {
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            if let Some(v) = &node.value {
                visit(v);
            }
            stack.extend(node.children.values());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(topics: &[&'static str]) -> TopicStore<&'static str> {
        let mut s = TopicStore::default();
        for t in topics {
            s.insert(t, *t);
        }
        s
    }

    fn matches(s: &TopicStore<&'static str>, filter: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        s.for_each_match(filter, |v| out.push(*v));
        out.sort_unstable();
        out
    }

    const TOPICS: &[&str] = &[
        "sport",
        "sport/tennis",
        "sport/tennis/player1",
        "sport/tennis/player1/ranking",
        "sport/golf",
        "/finance",
        "$SYS/broker/uptime",
        "a//b",
    ];

    #[test]
    fn wildcard_lookups() {
        let s = store(TOPICS);
        assert_eq!(
            matches(&s, "sport/tennis/player1/#"),
            ["sport/tennis/player1", "sport/tennis/player1/ranking"]
        );
        assert_eq!(matches(&s, "sport/+"), ["sport/golf", "sport/tennis"]);
        assert_eq!(
            matches(&s, "+/+"),
            ["/finance", "sport/golf", "sport/tennis"]
        );
        assert_eq!(matches(&s, "a/+/b"), ["a//b"]);
        assert_eq!(matches(&s, "sport"), ["sport"]);
        assert_eq!(
            matches(&s, "sport/tennis/+/ranking"),
            ["sport/tennis/player1/ranking"]
        );
    }

    #[test]
    fn leading_wildcards_skip_dollar_topics() {
        let s = store(TOPICS);
        let all = matches(&s, "#");
        assert_eq!(all.len(), TOPICS.len() - 1);
        assert!(!all.contains(&"$SYS/broker/uptime"));
        assert_eq!(matches(&s, "$SYS/#"), ["$SYS/broker/uptime"]);
        assert_eq!(matches(&s, "+/broker/uptime"), Vec::<&str>::new());
    }

    #[test]
    fn insert_replace_remove_and_prune() {
        let mut s = store(TOPICS);
        assert_eq!(s.len(), TOPICS.len());
        assert_eq!(s.insert("sport", "again"), Some("sport"));
        assert_eq!(s.len(), TOPICS.len());
        assert_eq!(
            s.remove("sport/tennis/player1/ranking"),
            Some("sport/tennis/player1/ranking")
        );
        assert_eq!(s.remove("sport/tennis/player1/ranking"), None);
        assert_eq!(s.get("sport/tennis/player1"), Some(&"sport/tennis/player1"));
        assert_eq!(s.remove("nope/nothing"), None);
        for t in TOPICS {
            s.remove(t);
        }
        assert!(s.is_empty());
        assert!(s.root.children.is_empty());
    }

    /// The crash of a retained will on `'/' * 32767` that expired: removing the topic dropped
    /// its branch recursively, once per level, and overflowed the worker's stack.
    #[test]
    fn very_deep_topics_are_removed_and_dropped_without_recursion() {
        let deep: &'static str = "/".repeat(200_000).leak();
        let mut s = store(&[deep, "a"]);
        let mut n = 0;
        s.for_each_match("#", |_| n += 1);
        assert_eq!(n, 2);
        assert_eq!(s.remove(deep), Some(deep));
        assert_eq!(s.len(), 1);
        drop(s);
        drop(store(&[deep]));
    }

    #[test]
    fn for_each_visits_everything() {
        let s = store(TOPICS);
        let mut n = 0;
        s.for_each(|_| n += 1);
        assert_eq!(n, TOPICS.len());
    }

    fn retained(topic: &str, payload: &'static str, expires_at: Option<Instant>) -> Message {
        Message {
            id: 0,
            topic: Arc::from(topic),
            payload: Bytes::from_static(payload.as_bytes()),
            qos: crate::codec::QoS::AtMostOnce,
            retain: true,
            properties: Default::default(),
            expires_at,
            origin: crate::message::Origin::Broker,
        }
    }

    const NONE: RetainedLimits = RetainedLimits::NONE;

    #[test]
    fn limits_refuse_growth_and_accept_shrinking() {
        let r = RetainedMessages::default();
        let limits = RetainedLimits {
            messages: 2,
            bytes: 10,
        };
        let set = |t, p, grow| r.update(&retained(t, p, None), limits, grow);
        assert!(matches!(set("a", "1234", true), RetainedChange::Set(_)));
        assert!(matches!(set("b", "12", true), RetainedChange::Set(_)));
        assert_eq!(r.bytes(), 8);
        assert!(
            matches!(set("c", "1", true), RetainedChange::Refused),
            "count"
        );
        assert!(
            matches!(set("a", "1234567", true), RetainedChange::Refused),
            "bytes"
        );
        assert!(
            matches!(set("a", "12", false), RetainedChange::Set(_)),
            "smaller"
        );
        assert!(
            matches!(set("b", "123", false), RetainedChange::Refused),
            "pressure"
        );
        assert!(matches!(set("b", "", false), RetainedChange::Cleared));
        assert_eq!(r.bytes(), 3);
        assert!(r.remove("a"));
        assert_eq!(r.bytes(), 0);
    }

    #[test]
    fn expired_messages_are_removed_and_replaced_ones_kept() {
        let now = Instant::now();
        let later = |s| now + std::time::Duration::from_secs(s);
        let r = RetainedMessages::default();
        assert!(matches!(
            r.update(&retained("a/1", "x", Some(later(1))), NONE, true),
            RetainedChange::Set(_)
        ));
        r.update(&retained("a/2", "x", None), NONE, true);
        // Replaced before it ran out: the new message has no expiry and must survive.
        r.update(&retained("a/3", "old", Some(later(1))), NONE, true);
        r.update(&retained("a/3", "new", None), NONE, true);
        assert!(matches!(
            r.update(&retained("a/4", "", None), NONE, true),
            RetainedChange::Unchanged
        ));
        assert_eq!(r.len(), 3);
        assert!(!r.remove_if_expired("a/1", now));
        assert_eq!(
            r.matching("a/+", later(1)).len(),
            2,
            "an expired one is not delivered"
        );
        assert!(r.remove_if_expired("a/1", later(1)));
        assert!(!r.remove_if_expired("a/3", later(1)));
        assert!(matches!(
            r.update(&retained("a/3", "", None), NONE, true),
            RetainedChange::Cleared
        ));
        assert_eq!(r.len(), 1);
    }
}
