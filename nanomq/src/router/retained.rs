//! The retained-message store: a trie of topic names (no wildcards in the keys) searched with a
//! topic filter when a client subscribes.
//!
//! Generic over the stored value so the structure is tested on its own; the broker stores
//! `Arc<Message>`. Depth is bounded because the broker refuses topics deeper than
//! [`super::trie::MAX_TOPIC_LEVELS`], and every walk uses an explicit stack.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use foldhash::fast::RandomState;
use parking_lot::RwLock;

use crate::message::Message;

/// The broker's retained messages, one per topic.
#[derive(Debug, Default)]
pub struct RetainedMessages {
    store: RwLock<TopicStore<Arc<Message>>>,
}

impl RetainedMessages {
    /// Applies a PUBLISH with the RETAIN flag: an empty payload clears the topic, anything
    /// else replaces what it held. The payload is copied so that a long-lived retained
    /// message does not pin the connection buffer it arrived in.
    pub fn update(&self, message: &Message) {
        if message.payload.is_empty() {
            self.store.write().remove(&message.topic);
            return;
        }
        let stored = Arc::new(Message {
            topic: Arc::clone(&message.topic),
            payload: Bytes::copy_from_slice(&message.payload),
            qos: message.qos,
            retain: true,
            properties: message.properties.clone(),
            expires_at: message.expires_at,
            origin: message.origin,
        });
        self.store.write().insert(&message.topic, stored);
    }

    /// The unexpired retained messages whose topic matches `filter`.
    pub fn matching(&self, filter: &str, now: Instant) -> Vec<Arc<Message>> {
        let mut out = Vec::new();
        self.store.read().for_each_match(filter, |m| {
            if !m.is_expired(now) {
                out.push(Arc::clone(m));
            }
        });
        out
    }

    /// Number of retained messages.
    pub fn len(&self) -> usize {
        self.store.read().len()
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

    #[test]
    fn for_each_visits_everything() {
        let s = store(TOPICS);
        let mut n = 0;
        s.for_each(|_| n += 1);
        assert_eq!(n, TOPICS.len());
    }
}
