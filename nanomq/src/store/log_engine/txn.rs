//! A transaction of the log engine: its entries, encoded as it goes, and its changes seen
//! over the engine's index (so a key removed and put again within it reads right), applied to
//! the index only once the entries are written.

use std::collections::BTreeMap;

use super::{Change, LogEngine, Value, stored};
use crate::store::engine::{EngineError, Table, Txn};
use crate::store::log_format::{self, Kind};

/// A transaction being written: its entries, and its changes over the index (`None`: removed),
/// applied once the entries are written.
pub(super) struct LogTxn<'e> {
    engine: &'e LogEngine,
    buf: Vec<u8>,
    overlay: BTreeMap<(Table, Box<[u8]>), Option<Value>>,
    changes: Vec<Change>,
}

impl<'e> LogTxn<'e> {
    /// A transaction over `engine`'s index.
    pub(super) fn new(engine: &'e LogEngine) -> LogTxn<'e> {
        LogTxn {
            engine,
            buf: Vec::new(),
            overlay: BTreeMap::new(),
            changes: Vec::new(),
        }
    }

    /// Its entries, and its changes to the index.
    pub(super) fn into_parts(self) -> (Vec<u8>, Vec<Change>) {
        (self.buf, self.changes)
    }

    /// The value of `key` as the transaction sees it.
    fn get(&self, table: Table, key: &[u8]) -> Option<Value> {
        match self.overlay.get(&(table, Box::from(key))) {
            Some(value) => value.clone(),
            None => self.engine.index.get(&table)?.get(key).cloned(),
        }
    }

    /// A value's bytes: from the log, or from this transaction's own entries.
    fn read(&self, value: &Value) -> Result<Vec<u8>, EngineError> {
        match value {
            Value::Logged { at, len } if *at >= self.engine.len => {
                let start = (*at - self.engine.len) as usize;
                Ok(self.buf[start..start + *len as usize].to_vec())
            }
            other => self.engine.read_value(other),
        }
    }

    /// Records the removal of `key`, which is there.
    fn removed(&mut self, table: Table, key: &[u8]) {
        log_format::encode(&mut self.buf, Kind::Remove, table, key, b"");
        self.overlay.insert((table, key.into()), None);
        self.changes
            .push((Kind::Remove, table, key.into(), Value::Inline(Box::new([]))));
    }

    fn value_at(&self, key_len: usize) -> u64 {
        self.engine.len + (self.buf.len() + log_format::HEADER + key_len) as u64
    }
}

impl Txn for LogTxn<'_> {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<(), EngineError> {
        let stored = stored(value, self.value_at(key.len()));
        log_format::encode(&mut self.buf, Kind::Put, table, key, value);
        self.overlay
            .insert((table, key.into()), Some(stored.clone()));
        self.changes.push((Kind::Put, table, key.into(), stored));
        Ok(())
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, EngineError> {
        let Some(old) = self.get(table, key) else {
            return Ok(None);
        };
        let bytes = self.read(&old)?;
        self.removed(table, key);
        Ok(Some(bytes))
    }

    fn delete(&mut self, table: Table, key: &[u8]) -> Result<(), EngineError> {
        if self.get(table, key).is_some() {
            self.removed(table, key);
        }
        Ok(())
    }

    fn remove_prefix(&mut self, table: Table, prefix: &[u8]) -> Result<Vec<Vec<u8>>, EngineError> {
        let from = (
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        );
        let mut keys: Vec<Box<[u8]>> = self
            .engine
            .index
            .get(&table)
            .map(|entries| {
                entries
                    .range::<[u8], _>(from)
                    .take_while(|(k, _)| k.starts_with(prefix))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        keys.extend(
            self.overlay
                .range((table, Box::from(prefix))..)
                .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
                .map(|((_, k), _)| k.clone()),
        );
        keys.sort_unstable();
        keys.dedup();
        let mut olds = Vec::new();
        for key in keys {
            if let Some(old) = self.get(table, &key) {
                olds.push(self.read(&old)?);
                self.overlay.insert((table, key), None);
            }
        }
        if olds.is_empty() {
            return Ok(Vec::new());
        }
        log_format::encode(&mut self.buf, Kind::RemovePrefix, table, prefix, b"");
        self.changes.push((
            Kind::RemovePrefix,
            table,
            prefix.into(),
            Value::Inline(Box::new([])),
        ));
        Ok(olds)
    }
}
