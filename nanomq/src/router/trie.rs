//! A trie of topic filters: one node per topic level, with the `+` and `#` wildcards kept apart
//! from the literal levels so that matching a topic costs one hash lookup per level and per live
//! wildcard branch, never a scan of every filter.
//!
//! The trie is generic over the value stored per filter (the router keeps its subscribers there).
//! Nothing recurses on the trie's depth: matching walks an explicit stack and a node drops its
//! subtree iteratively, so a filter with tens of thousands of levels cannot exhaust a worker
//! thread's stack (the broker also bounds depth with `max_topic_levels`).

use std::collections::HashMap;

use foldhash::fast::RandomState;

/// A value stored at a filter; the trie prunes nodes whose values report empty.
pub trait TrieValue: Default {
    /// True when the value holds nothing, so its node may be removed.
    fn is_empty(&self) -> bool;
}

/// A trie mapping topic filters to values.
#[derive(Debug)]
pub struct FilterTrie<V> {
    root: Node<V>,
}

#[derive(Debug)]
struct Node<V> {
    exact: HashMap<Box<str>, Node<V>, RandomState>,
    plus: Option<Box<Node<V>>>,
    /// The value of the filter that ends with `#` right below this node. (Values are boxed:
    /// most nodes hold none, and a node is stored inline in its parent's map, whose buckets
    /// would all pay for two of them.)
    hash: Option<Box<V>>,
    /// The value of the filter that ends at this node.
    value: Option<Box<V>>,
}

impl<V> Default for Node<V> {
    fn default() -> Self {
        Node {
            exact: HashMap::default(),
            plus: None,
            hash: None,
            value: None,
        }
    }
}

impl<V> Drop for Node<V> {
    /// Dismantles the subtree with an explicit stack: the derived drop would recurse once per
    /// level.
    fn drop(&mut self) {
        let mut stack: Vec<Node<V>> = Vec::new();
        take_children(self, &mut stack);
        while let Some(mut node) = stack.pop() {
            take_children(&mut node, &mut stack);
        }
    }
}

/// Moves `node`'s children onto `stack`, leaving it childless (cheap to drop).
fn take_children<V>(node: &mut Node<V>, stack: &mut Vec<Node<V>>) {
    if !node.exact.is_empty() {
        stack.extend(node.exact.drain().map(|(_, child)| child));
    }
    if let Some(plus) = node.plus.take() {
        stack.push(*plus);
    }
}

impl<V> Node<V> {
    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.plus.is_none() && self.hash.is_none() && self.value.is_none()
    }

    fn child(&self, level: &str) -> Option<&Node<V>> {
        if level == "+" {
            self.plus.as_deref()
        } else {
            self.exact.get(level)
        }
    }

    fn child_mut(&mut self, level: &str) -> Option<&mut Node<V>> {
        if level == "+" {
            self.plus.as_deref_mut()
        } else {
            self.exact.get_mut(level)
        }
    }

    fn child_or_insert(&mut self, level: &str) -> &mut Node<V> {
        if level == "+" {
            self.plus.get_or_insert_with(Box::default)
        } else {
            self.exact.entry(Box::from(level)).or_default()
        }
    }

    fn remove_child(&mut self, level: &str) {
        if level == "+" {
            self.plus = None;
        } else {
            self.exact.remove(level);
        }
    }

    fn child_count(&self) -> usize {
        self.exact.len() + usize::from(self.plus.is_some()) + usize::from(self.hash.is_some())
    }
}

impl<V> Default for FilterTrie<V> {
    fn default() -> Self {
        FilterTrie {
            root: Node::default(),
        }
    }
}

/// Splits a filter into its levels before a trailing `#`, and whether it ends with `#`.
fn split_filter(filter: &str) -> (impl Iterator<Item = &str>, bool) {
    let (body, multi) = match filter.strip_suffix('#') {
        Some("") => ("", true),
        Some(rest) if rest.ends_with('/') => (&rest[..rest.len() - 1], true),
        _ => (filter, false),
    };
    // "#" alone has no levels before it; "a/#" has one ("a"); "/#" has one empty level.
    let has_levels = !(multi && filter == "#");
    let levels = has_levels.then(|| body.split('/')).into_iter().flatten();
    (levels, multi)
}

impl<V: TrieValue> FilterTrie<V> {
    /// Returns the value for `filter`, creating an empty one if needed.
    pub fn entry(&mut self, filter: &str) -> &mut V {
        let (levels, multi) = split_filter(filter);
        let mut node = &mut self.root;
        for level in levels {
            node = node.child_or_insert(level);
        }
        let slot = if multi {
            &mut node.hash
        } else {
            &mut node.value
        };
        slot.get_or_insert_with(Box::default)
    }

    /// Returns the value stored for exactly `filter`, if any.
    pub fn get(&self, filter: &str) -> Option<&V> {
        let (levels, multi) = split_filter(filter);
        let mut node = &self.root;
        for level in levels {
            node = node.child(level)?;
        }
        if multi {
            node.hash.as_deref()
        } else {
            node.value.as_deref()
        }
    }

    /// Applies `change` to the value stored for `filter` (if any), then removes the value and
    /// every node left empty if the value reports empty. Returns what `change` returned.
    pub fn update<R>(&mut self, filter: &str, change: impl FnOnce(&mut V) -> R) -> Option<R> {
        let (levels, multi) = split_filter(filter);
        let levels: Vec<&str> = levels.collect();
        // First pass, mutable: apply the change and learn whether the value is now empty.
        let mut node = &mut self.root;
        for level in &levels {
            node = node.child_mut(level)?;
        }
        let slot = if multi {
            &mut node.hash
        } else {
            &mut node.value
        };
        let value = slot.as_mut()?;
        let result = change(value);
        if !value.is_empty() {
            return Some(result);
        }
        *slot = None;
        if !node.is_empty() {
            return Some(result);
        }
        // Second pass, read-only: find the highest edge below which only this path remains.
        let mut cut = levels.len();
        let mut node = &self.root;
        for (depth, level) in levels.iter().enumerate() {
            let only_path = node.value.is_none() && node.hash.is_none() && node.child_count() == 1;
            if !only_path || depth == 0 {
                cut = depth;
            }
            match node.child(level) {
                Some(next) => node = next,
                None => return Some(result),
            }
        }
        // Third pass, mutable: walk to the node above the cut and drop the dead branch.
        let mut node = &mut self.root;
        for level in &levels[..cut] {
            match node.child_mut(level) {
                Some(next) => node = next,
                None => return Some(result),
            }
        }
        if let Some(level) = levels.get(cut) {
            node.remove_child(level);
        }
        Some(result)
    }

    /// Calls `visit` with the value of every filter that matches `topic` (a topic name, without
    /// wildcards). Filters starting with a wildcard never match a topic starting with `$`.
    pub fn for_each_match<'a>(&'a self, topic: &str, mut visit: impl FnMut(&'a V)) {
        let levels: Vec<&str> = topic.split('/').collect();
        let dollar = topic.starts_with('$');
        let mut stack: Vec<(&'a Node<V>, usize)> = vec![(&self.root, 0)];
        while let Some((node, depth)) = stack.pop() {
            let wildcards_allowed = !(depth == 0 && dollar);
            if wildcards_allowed && let Some(v) = &node.hash {
                // "a/#" matches "a" as well as everything below it.
                visit(v);
            }
            let Some(level) = levels.get(depth) else {
                if let Some(v) = &node.value {
                    visit(v);
                }
                continue;
            };
            if let Some(child) = node.exact.get(*level) {
                stack.push((child, depth + 1));
            }
            if wildcards_allowed && let Some(child) = &node.plus {
                stack.push((child, depth + 1));
            }
        }
    }

    /// Visits the trie breadth first, one level at a time: for every node, its level name
    /// (`+`/`#` for wildcards), its number of children, and its value. The root comes first
    /// with the name "".
    pub fn levels(&self) -> Vec<Vec<TrieNodeView<'_, V>>> {
        let mut out = Vec::new();
        let mut current: Vec<LevelItem<'_, V>> =
            vec![("", Some(&self.root), self.root.value.as_deref())];
        while !current.is_empty() {
            let mut next = Vec::new();
            let mut row = Vec::with_capacity(current.len());
            for (name, node, value) in current {
                row.push(TrieNodeView {
                    name,
                    children: node.map_or(0, Node::child_count),
                    value,
                });
                let Some(node) = node else { continue };
                let mut literal: Vec<(&str, &Node<V>)> =
                    node.exact.iter().map(|(k, n)| (&**k, n)).collect();
                literal.sort_unstable_by(|a, b| a.0.cmp(b.0));
                next.extend(
                    literal
                        .into_iter()
                        .map(|(k, n)| (k, Some(n), n.value.as_deref())),
                );
                if let Some(plus) = &node.plus {
                    next.push(("+", Some(&**plus), plus.value.as_deref()));
                }
                if let Some(hash) = &node.hash {
                    // A `#` is always a leaf.
                    next.push(("#", None, Some(hash)));
                }
            }
            out.push(row);
            current = next;
        }
        out
    }
}

/// A node waiting to be shown by [`FilterTrie::levels`]: name, node (none for a `#` leaf), value.
type LevelItem<'a, V> = (&'a str, Option<&'a Node<V>>, Option<&'a V>);

/// One node of [`FilterTrie::levels`].
#[derive(Debug)]
pub struct TrieNodeView<'a, V> {
    /// The level's name: a literal, `+`, `#`, or "" for the root.
    pub name: &'a str,
    /// How many child levels hang below this node.
    pub children: usize,
    /// The value of the filter ending here, if any.
    pub value: Option<&'a V>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Names(Vec<&'static str>);

    impl TrieValue for Names {
        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    fn trie(filters: &[&'static str]) -> FilterTrie<Names> {
        let mut t: FilterTrie<Names> = FilterTrie::default();
        for f in filters {
            t.entry(f).0.push(f);
        }
        t
    }

    fn matches(t: &FilterTrie<Names>, topic: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        t.for_each_match(topic, |v| out.extend(v.0.iter().copied()));
        out.sort_unstable();
        out
    }

    #[test]
    fn spec_examples_for_multi_level_wildcard() {
        let t = trie(&["sport/tennis/player1/#", "sport/#", "#"]);
        assert_eq!(
            matches(&t, "sport/tennis/player1"),
            ["#", "sport/#", "sport/tennis/player1/#"]
        );
        assert_eq!(
            matches(&t, "sport/tennis/player1/ranking"),
            ["#", "sport/#", "sport/tennis/player1/#"]
        );
        assert_eq!(matches(&t, "sport"), ["#", "sport/#"]);
        assert_eq!(matches(&t, "sports"), ["#"]);
    }

    #[test]
    fn spec_examples_for_single_level_wildcard() {
        let t = trie(&["sport/tennis/+", "sport/+", "+", "+/+", "/+", "+/tennis/#"]);
        assert_eq!(
            matches(&t, "sport/tennis/player1"),
            ["+/tennis/#", "sport/tennis/+"]
        );
        assert_eq!(matches(&t, "sport/tennis/player1/ranking"), ["+/tennis/#"]);
        assert_eq!(matches(&t, "sport/"), ["+/+", "sport/+"]);
        assert_eq!(matches(&t, "sport"), ["+"]);
        assert_eq!(matches(&t, "/finance"), ["+/+", "/+"]);
    }

    #[test]
    fn leading_wildcards_never_match_dollar_topics() {
        let t = trie(&["#", "+/monitor/Clients", "$SYS/#", "$SYS/monitor/+"]);
        assert_eq!(
            matches(&t, "$SYS/monitor/Clients"),
            ["$SYS/#", "$SYS/monitor/+"]
        );
        assert_eq!(
            matches(&t, "SYS/monitor/Clients"),
            ["#", "+/monitor/Clients"]
        );
    }

    #[test]
    fn empty_levels_are_levels() {
        let t = trie(&["a//b", "a/+/b", "/#"]);
        assert_eq!(matches(&t, "a//b"), ["a/+/b", "a//b"]);
        assert_eq!(matches(&t, "/"), ["/#"]);
        assert_eq!(matches(&t, "a/b"), Vec::<&str>::new());
    }

    #[test]
    fn update_prunes_only_dead_branches() {
        let mut t = trie(&["a/b/c", "a/b/c/#", "a/x", "+/b"]);
        t.update("a/b/c", |v| v.0.clear());
        assert_eq!(matches(&t, "a/b/c"), ["a/b/c/#"]);
        t.update("a/b/c/#", |v| v.0.clear());
        assert!(t.get("a/b/c/#").is_none());
        assert_eq!(matches(&t, "a/x"), ["a/x"]);
        // The "b" branch below "a" is gone, "x" stays.
        let levels = t.levels();
        let names: Vec<Vec<&str>> = levels
            .iter()
            .map(|row| row.iter().map(|n| n.name).collect())
            .collect();
        assert_eq!(names, vec![vec![""], vec!["a", "+"], vec!["x", "b"]]);
        t.update("a/x", |v| v.0.clear());
        t.update("+/b", |v| v.0.clear());
        assert!(t.root.is_empty());
    }

    #[test]
    fn update_of_missing_filter_is_none() {
        let mut t = trie(&["a/b"]);
        assert!(t.update("a/c", |v| v.0.clear()).is_none());
        assert!(t.update("a", |v| v.0.clear()).is_none());
        assert!(t.update("a/b/#", |v| v.0.clear()).is_none());
        assert_eq!(matches(&t, "a/b"), ["a/b"]);
    }

    #[test]
    fn root_hash_prunes_to_empty() {
        let mut t = trie(&["#"]);
        t.update("#", |v| v.0.clear());
        assert!(t.root.is_empty());
    }

    #[test]
    fn levels_counts_children_including_wildcards() {
        let t = trie(&["a/b", "a/#", "a/+"]);
        let levels = t.levels();
        assert_eq!(levels[0][0].children, 1);
        assert_eq!(levels[1][0].name, "a");
        assert_eq!(levels[1][0].children, 3);
        let last: Vec<&str> = levels[2].iter().map(|n| n.name).collect();
        assert_eq!(last, ["b", "+", "#"]);
    }

    #[test]
    fn very_deep_topics_do_not_recurse() {
        let t = trie(&["#"]);
        let topic = "a/".repeat(100_000);
        assert_eq!(matches(&t, &topic), ["#"]);
    }

    /// Dropping a deep branch recursed once per level: 32,768 levels (`'/' * 32767`, the
    /// deepest topic a packet can carry) overflowed a worker thread's stack.
    #[test]
    fn very_deep_filters_are_removed_and_dropped_without_recursion() {
        let deep: &'static str = "/".repeat(200_000).leak();
        let plus_chain: &'static str = vec!["+"; 100_000].join("/").leak();
        let mut t = trie(&[deep, plus_chain, "a"]);
        assert_eq!(matches(&t, deep), [deep]);
        t.update(deep, |v| v.0.clear());
        assert_eq!(matches(&t, "a"), ["a"]);
        drop(t);
        let t = trie(&[deep, plus_chain]);
        drop(t);
    }
}
