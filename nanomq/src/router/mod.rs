//! Routing: the subscription trie, shared subscription groups and the retained store.

pub mod retained;
pub mod trie;
