//! The store on disk: one redb file (pure Rust, ACID, copy-on-write B-trees with checksummed
//! commit slots, so a torn write leaves the previous commit in force; a file lock keeps a
//! second process out). Each [`Table`] is a redb table of byte keys and values.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use redb::{
    Database, DatabaseError, Durability, ReadableDatabase, ReadableTable, TableDefinition,
    TableError,
};

use super::engine::{Engine, EngineError, Table, Txn};

type Def = TableDefinition<'static, &'static [u8], &'static [u8]>;

fn definition(table: Table) -> Def {
    TableDefinition::new(table.name())
}

/// Why the file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process has it open.
    #[error("{0} is in use by another process")]
    InUse(PathBuf),
    /// It is not a store, or is damaged beyond what redb repairs.
    #[error("{path}: {reason}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What redb said.
        reason: String,
    },
}

/// The redb store.
pub struct RedbEngine {
    db: Database,
    path: PathBuf,
    /// Every table has been created.
    created: bool,
}

impl std::fmt::Debug for RedbEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbEngine")
            .field("path", &self.path)
            .finish()
    }
}

impl RedbEngine {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path) -> Result<RedbEngine, OpenError> {
        let db = Database::create(path).map_err(|e| match e {
            DatabaseError::DatabaseAlreadyOpen => OpenError::InUse(path.to_path_buf()),
            other => OpenError::Damaged {
                path: path.to_path_buf(),
                reason: other.to_string(),
            },
        })?;
        let mut engine = RedbEngine {
            db,
            path: path.to_path_buf(),
            created: false,
        };
        // Every table exists from the start, so reads never meet a missing one.
        engine
            .transact(true, &mut |_| Ok(()))
            .map_err(|e| OpenError::Damaged {
                path: path.to_path_buf(),
                reason: e.0,
            })?;
        Ok(engine)
    }
}

struct RedbTxn<'t> {
    txn: &'t redb::WriteTransaction,
    open: HashMap<Table, redb::Table<'t, &'static [u8], &'static [u8]>>,
}

impl<'t> RedbTxn<'t> {
    fn table(
        &mut self,
        table: Table,
    ) -> Result<&mut redb::Table<'t, &'static [u8], &'static [u8]>, EngineError> {
        if !self.open.contains_key(&table) {
            let opened = self
                .txn
                .open_table(definition(table))
                .map_err(EngineError::from_display)?;
            self.open.insert(table, opened);
        }
        self.open
            .get_mut(&table)
            .ok_or_else(|| EngineError("table not open".into()))
    }
}

impl Txn for RedbTxn<'_> {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<(), EngineError> {
        self.table(table)?
            .insert(key, value)
            .map(drop)
            .map_err(EngineError::from_display)
    }

    fn remove(&mut self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, EngineError> {
        let removed = self
            .table(table)?
            .remove(key)
            .map_err(EngineError::from_display)?;
        Ok(removed.map(|guard| guard.value().to_vec()))
    }

    fn remove_prefix(&mut self, table: Table, prefix: &[u8]) -> Result<Vec<Vec<u8>>, EngineError> {
        let t = self.table(table)?;
        let mut keys = Vec::new();
        for item in t
            .range::<&[u8]>(prefix..)
            .map_err(EngineError::from_display)?
        {
            let (key, _) = item.map_err(EngineError::from_display)?;
            if !key.value().starts_with(prefix) {
                break;
            }
            keys.push(key.value().to_vec());
        }
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(value) = t
                .remove(key.as_slice())
                .map_err(EngineError::from_display)?
            {
                values.push(value.value().to_vec());
            }
        }
        Ok(values)
    }
}

impl Engine for RedbEngine {
    fn scan(&self, table: Table, each: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), EngineError> {
        let read = self.db.begin_read().map_err(EngineError::from_display)?;
        let t = match read.open_table(definition(table)) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(EngineError::from_display(e)),
        };
        for item in t.iter().map_err(EngineError::from_display)? {
            let (key, value) = item.map_err(EngineError::from_display)?;
            each(key.value(), value.value());
        }
        Ok(())
    }

    fn transact(
        &mut self,
        sync: bool,
        writes: &mut dyn FnMut(&mut dyn Txn) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let mut txn = self.db.begin_write().map_err(EngineError::from_display)?;
        let _ = txn.set_durability(if sync {
            Durability::Immediate
        } else {
            Durability::None
        });
        let written = {
            let mut tables = RedbTxn {
                txn: &txn,
                open: HashMap::new(),
            };
            let mut result = writes(&mut tables);
            if result.is_ok() && !self.created {
                for table in Table::ALL {
                    if let Err(e) = tables.table(table) {
                        result = Err(e);
                        break;
                    }
                }
            }
            result
        };
        match written {
            Ok(()) => {
                txn.commit().map_err(EngineError::from_display)?;
                self.created = true;
                Ok(())
            }
            Err(e) => {
                let _ = txn.abort();
                Err(e)
            }
        }
    }

    fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }
}
