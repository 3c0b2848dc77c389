//! The storage interface the journal writes through: a handful of ordered byte tables and
//! atomic, optionally fsync'd transactions over them. Two implementations: redb on disk
//! (`super::redb_engine`) and [`MemoryEngine`], for tests, which can be "restarted" by
//! opening the same tables again.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;

/// The tables of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Message number → message.
    Messages,
    /// Client id → session record.
    Sessions,
    /// (client id, filter) → options and identifier.
    Subscriptions,
    /// (client id, delivery key) → delivery record.
    Deliveries,
    /// (client id, delivery key) → packet id and stage of a delivery in flight.
    Inflight,
    /// (client id, packet id) → nothing: QoS 2 messages received and not yet released.
    Qos2Received,
    /// Topic → retained message.
    Retained,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 7] = [
        Table::Messages,
        Table::Sessions,
        Table::Subscriptions,
        Table::Deliveries,
        Table::Inflight,
        Table::Qos2Received,
        Table::Retained,
    ];

    /// Its name on disk.
    pub fn name(self) -> &'static str {
        match self {
            Table::Messages => "messages",
            Table::Sessions => "sessions",
            Table::Subscriptions => "subscriptions",
            Table::Deliveries => "deliveries",
            Table::Inflight => "inflight",
            Table::Qos2Received => "qos2_received",
            Table::Retained => "retained",
        }
    }
}

/// A failure of the storage engine (I/O, a damaged file).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EngineError(pub String);

impl EngineError {
    /// An error from anything displayable.
    pub fn from_display(error: impl std::fmt::Display) -> EngineError {
        EngineError(error.to_string())
    }
}

/// The writes of one transaction.
pub trait Txn {
    /// Inserts or replaces.
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<(), EngineError>;
    /// Removes, returning the value there was.
    fn remove(&mut self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, EngineError>;
    /// Removes every key starting with `prefix`, returning the values there were.
    fn remove_prefix(&mut self, table: Table, prefix: &[u8]) -> Result<Vec<Vec<u8>>, EngineError>;

    /// Removes, when the value there was is of no use (an engine may then skip reading it).
    fn delete(&mut self, table: Table, key: &[u8]) -> Result<(), EngineError> {
        self.remove(table, key).map(drop)
    }

    /// Removes every key starting with `prefix`, the values unread.
    fn delete_prefix(&mut self, table: Table, prefix: &[u8]) -> Result<(), EngineError> {
        self.remove_prefix(table, prefix).map(drop)
    }
}

/// A storage engine.
pub trait Engine: Send {
    /// Calls `each` with every entry of `table`, in key order.
    fn scan(&self, table: Table, each: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), EngineError>;

    /// Runs `writes` in one transaction and commits it, durably (fsync'd) when `sync`; on
    /// any error nothing of it is applied.
    fn transact(
        &mut self,
        sync: bool,
        writes: &mut dyn FnMut(&mut dyn Txn) -> Result<(), EngineError>,
    ) -> Result<(), EngineError>;

    /// Makes what earlier transactions wrote without `sync` durable (fsync).
    fn sync(&mut self) -> Result<(), EngineError> {
        Ok(())
    }

    /// Gives back the space of what is no longer live, if that is worth doing now (the
    /// store is over its quota).
    fn reclaim(&mut self) -> Result<(), EngineError> {
        Ok(())
    }

    /// Bytes the store takes on disk (0 in memory).
    fn size(&self) -> u64;
}

type Tables = BTreeMap<Table, BTreeMap<Vec<u8>, Vec<u8>>>;

/// An engine in memory: the tables outlive the engine (clone the handle to "restart" on
/// them), and a transaction is applied all at once or not at all.
#[derive(Debug, Clone, Default)]
pub struct MemoryEngine {
    tables: Arc<Mutex<Tables>>,
}

impl MemoryEngine {
    /// A new, empty store.
    pub fn new() -> MemoryEngine {
        MemoryEngine::default()
    }

    /// Entries in `table`.
    pub fn len(&self, table: Table) -> usize {
        self.tables.lock().get(&table).map_or(0, BTreeMap::len)
    }

    /// Puts `value` at `key` directly, outside any transaction (tests damage the store so).
    pub fn poke(&self, table: Table, key: &[u8], value: &[u8]) {
        self.tables
            .lock()
            .entry(table)
            .or_default()
            .insert(key.to_vec(), value.to_vec());
    }
}

struct MemoryTxn {
    tables: Tables,
}

impl Txn for MemoryTxn {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<(), EngineError> {
        self.tables
            .entry(table)
            .or_default()
            .insert(key.to_vec(), value.to_vec());
        Ok(())
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, EngineError> {
        Ok(self.tables.entry(table).or_default().remove(key))
    }

    fn remove_prefix(&mut self, table: Table, prefix: &[u8]) -> Result<Vec<Vec<u8>>, EngineError> {
        let entries = self.tables.entry(table).or_default();
        let keys: Vec<Vec<u8>> = entries
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect();
        Ok(keys.iter().filter_map(|k| entries.remove(k)).collect())
    }
}

impl Engine for MemoryEngine {
    fn scan(&self, table: Table, each: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), EngineError> {
        if let Some(entries) = self.tables.lock().get(&table) {
            for (k, v) in entries {
                each(k, v);
            }
        }
        Ok(())
    }

    fn transact(
        &mut self,
        _sync: bool,
        writes: &mut dyn FnMut(&mut dyn Txn) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let mut tables = self.tables.lock();
        let mut txn = MemoryTxn {
            tables: tables.clone(),
        };
        writes(&mut txn)?;
        *tables = txn.tables;
        Ok(())
    }

    fn size(&self) -> u64 {
        0
    }
}
