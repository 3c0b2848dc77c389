//! The store on disk: one append-only log of checksummed entries (`super::log_format`), read
//! back whole at start into an index of where each live value is, and rewritten with only
//! the live entries once it holds more dead ones than live ones.
//!
//! Hand-written rather than a B-tree engine (redb, which this store used before), because of
//! what it must promise: damage costs only the entries it touches (a B-tree page lost takes
//! everything under it, and a file the engine refuses to open loses everything), and with
//! `sync = "interval"` a transaction is written to the file at once and fsync'd later, so a
//! crash of the process alone loses nothing acknowledged (a B-tree engine's unsynced commits
//! live in its own memory). The index keeps small values in memory and large ones (message
//! payloads) on disk, read back when needed.
//!
//! Recovery: every entry that checks out is applied in order, a transaction once its commit
//! entry (or any later one) is read; damaged bytes are skipped up to the next good entry and
//! counted; a transaction cut short at the end (never acknowledged) is dropped. A file lock
//! keeps a second process out.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

mod txn;

use super::engine::{Engine, EngineError, Table, Txn};
use super::log_format::{self, Entry, Kind, Read};
use txn::LogTxn;

/// Values up to this size stay in memory (deliveries, in-flight state, subscriptions);
/// larger ones (messages, sessions) are read from the log when needed.
const INLINE: usize = 64;
/// The log is compacted once it is this much larger than its live entries (and at least
/// [`COMPACT_MIN`]).
const COMPACT_RATIO: u64 = 2;
/// The smallest log worth compacting.
const COMPACT_MIN: u64 = 16 << 20;
/// Bytes read from the log at a time when it is read back.
const CHUNK: usize = 8 << 20;

/// Where a live value is.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// In memory.
    Inline(Box<[u8]>),
    /// In the log, at this offset, this long.
    Logged { at: u64, len: u32 },
}

impl Value {
    fn len(&self) -> usize {
        match self {
            Value::Inline(bytes) => bytes.len(),
            Value::Logged { len, .. } => *len as usize,
        }
    }
}

type Index = BTreeMap<Table, BTreeMap<Box<[u8]>, Value>>;

/// A change a transaction makes to the index once it is written.
pub(crate) type Change = (Kind, Table, Box<[u8]>, Value);

/// Why the log could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process has it open.
    #[error("{0} is in use by another process")]
    InUse(PathBuf),
    /// It cannot be read or written (permissions, I/O).
    #[error("{path}: {reason}")]
    Unusable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// The log store.
#[derive(Debug)]
pub struct LogEngine {
    file: File,
    path: PathBuf,
    index: Index,
    /// Bytes of the log.
    len: u64,
    /// Bytes of the entries of live values (what a compaction keeps).
    live: u64,
    /// Stretches of damaged bytes skipped when the log was read.
    damaged: u64,
}

impl LogEngine {
    /// Opens (or creates) the log at `path` and reads it back.
    pub fn open(path: &Path) -> Result<LogEngine, OpenError> {
        let unusable = |e: std::io::Error| OpenError::Unusable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(unusable)?;
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => OpenError::InUse(path.to_path_buf()),
            std::fs::TryLockError::Error(e) => unusable(e),
        })?;
        let mut engine = LogEngine {
            file,
            path: path.to_path_buf(),
            index: Index::new(),
            len: 0,
            live: 0,
            damaged: 0,
        };
        engine.read_back().map_err(unusable)?;
        Ok(engine)
    }

    /// Stretches of damaged bytes skipped when the log was read back.
    pub fn damaged(&self) -> u64 {
        self.damaged
    }

    /// Reads the whole log, a chunk at a time, into the index. A transaction cut short at
    /// the end is cut off the file, so that what is written next follows the last whole one.
    fn read_back(&mut self) -> std::io::Result<()> {
        let mut reader = self.file.try_clone()?;
        let mut buf: Vec<u8> = Vec::new();
        let mut base = 0u64; // file offset of buf[0]
        let mut pending: Vec<(Kind, Table, Box<[u8]>, Value)> = Vec::new();
        let mut applied_to = 0u64; // file offset after the last applied commit
        let mut good_end = 0u64; // file offset after the last good entry
        let mut ends_damaged = false;
        let mut eof = false;
        let mut at = 0usize;
        loop {
            if !eof && buf.len() - at < CHUNK {
                buf.drain(..at);
                base += at as u64;
                at = 0;
                let start = buf.len();
                buf.resize(start + CHUNK, 0);
                let n = reader.read(&mut buf[start..])?;
                buf.truncate(start + n);
                eof = n == 0;
                continue;
            }
            if at >= buf.len() {
                break;
            }
            match log_format::read_at(&buf, at, base) {
                Read::Entry(entry, next) => {
                    good_end = base + next as u64;
                    ends_damaged = false;
                    if entry.kind == Kind::Commit {
                        for (kind, table, key, value) in pending.drain(..) {
                            self.apply(kind, table, key, value);
                        }
                        applied_to = base + next as u64;
                    } else {
                        pending.push(owned(&entry));
                    }
                    at = next;
                }
                Read::Damaged(next) if eof || next < buf.len() => {
                    self.damaged += 1;
                    ends_damaged = true;
                    at = next;
                }
                // The good entry after the damage may be in the next chunk.
                Read::Damaged(_) | Read::Truncated if !eof => {
                    if buf.len() - at >= log_format::MAX_FIELD * 2 + CHUNK {
                        self.damaged += 1;
                        ends_damaged = true;
                        at = buf.len();
                    } else {
                        // Read more and look again.
                        let start = buf.len();
                        buf.resize(start + CHUNK, 0);
                        let n = reader.read(&mut buf[start..])?;
                        buf.truncate(start + n);
                        eof = n == 0;
                    }
                }
                Read::Damaged(_) | Read::Truncated => break,
            }
        }
        // After the last commit: a transaction cut short (a torn write, never acknowledged)
        // is dropped and cut off; good entries followed by damage (a commit entry damaged)
        // are kept, and the damage cut off. Either way what is written next follows them.
        let end = if ends_damaged && !pending.is_empty() {
            for (kind, table, key, value) in pending.drain(..) {
                self.apply(kind, table, key, value);
            }
            good_end
        } else if ends_damaged {
            good_end.max(applied_to)
        } else {
            applied_to
        };
        self.len = end;
        if self.damaged > 0 {
            // Nothing is destroyed: the damaged file is kept aside as it is, and a new log is
            // written with everything read back from it.
            let aside = self
                .path
                .with_extension(format!("log.damaged-{}", crate::clock::now_unix_ms()));
            std::fs::rename(&self.path, &aside)?;
            tracing::error!(file = %self.path.display(), moved_to = %aside.display(),
                damaged = self.damaged, "store: the log is damaged; it is kept aside and what could be read is written anew");
            return self.compact().map_err(|e| std::io::Error::other(e.0));
        }
        self.file.set_len(end)?;
        Ok(())
    }

    fn apply(&mut self, kind: Kind, table: Table, key: Box<[u8]>, value: Value) {
        let entries = self.index.entry(table).or_default();
        match kind {
            Kind::Put => {
                let size = entry_size(&key, value.len());
                if let Some(old) = entries.insert(key.clone(), value) {
                    self.live -= entry_size(&key, old.len());
                }
                self.live += size;
            }
            Kind::Remove => {
                if let Some(old) = entries.remove(&key) {
                    self.live -= entry_size(&key, old.len());
                }
            }
            Kind::RemovePrefix => {
                let keys: Vec<Box<[u8]>> = entries
                    .range(key.clone()..)
                    .take_while(|(k, _)| k.starts_with(&key))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in keys {
                    if let Some(old) = entries.remove(&k) {
                        self.live -= entry_size(&k, old.len());
                    }
                }
            }
            Kind::Commit => {}
        }
    }

    fn read_value(&self, value: &Value) -> Result<Vec<u8>, EngineError> {
        match value {
            Value::Inline(bytes) => Ok(bytes.to_vec()),
            Value::Logged { at, len } => {
                let mut out = vec![0; *len as usize];
                self.file
                    .read_exact_at(&mut out, *at)
                    .map_err(EngineError::from_display)?;
                Ok(out)
            }
        }
    }

    /// Rewrites the log with only its live entries, if it is worth it.
    fn compact_if_due(&mut self) -> Result<(), EngineError> {
        if self.len < COMPACT_MIN || self.len < self.live.saturating_mul(COMPACT_RATIO) {
            return Ok(());
        }
        self.compact()
    }

    /// Rewrites the log with only its live entries: into a new file, fsync'd, renamed over
    /// the old one (a crash leaves one or the other whole).
    fn compact(&mut self) -> Result<(), EngineError> {
        let io = EngineError::from_display;
        let fresh = self.path.with_extension("compact");
        let mut out = File::create(&fresh).map_err(io)?;
        let mut buf = Vec::with_capacity(1 << 20);
        let mut index = Index::new();
        let mut offset = 0u64;
        for (table, entries) in &self.index {
            let moved = index.entry(*table).or_default();
            for (key, value) in entries {
                let bytes = self.read_value(value)?;
                let value_at = offset + (buf.len() + log_format::HEADER + key.len()) as u64;
                log_format::encode(&mut buf, Kind::Put, *table, key, &bytes);
                moved.insert(key.clone(), stored(&bytes, value_at));
                if buf.len() >= 1 << 20 {
                    out.write_all(&buf).map_err(io)?;
                    offset += buf.len() as u64;
                    buf.clear();
                }
            }
        }
        log_format::encode(&mut buf, Kind::Commit, Table::Messages, b"", b"");
        out.write_all(&buf).map_err(io)?;
        offset += buf.len() as u64;
        out.sync_all().map_err(io)?;
        std::fs::rename(&fresh, &self.path).map_err(io)?;
        if let Some(dir) = self.path.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        // The new file is ours alone as the old one was (the lock goes with the old handle).
        let _ = file.try_lock();
        self.file = file;
        self.index = index;
        self.len = offset;
        self.live = offset.saturating_sub(log_format::HEADER as u64);
        Ok(())
    }
}

/// Bytes an entry of `key` and a value of `value_len` takes in the log.
fn entry_size(key: &[u8], value_len: usize) -> u64 {
    (log_format::HEADER + key.len() + value_len) as u64
}

/// How the index keeps a value written at `value_at`.
fn stored(bytes: &[u8], value_at: u64) -> Value {
    if bytes.len() <= INLINE {
        Value::Inline(bytes.into())
    } else {
        Value::Logged {
            at: value_at,
            len: bytes.len() as u32,
        }
    }
}

fn owned(entry: &Entry<'_>) -> (Kind, Table, Box<[u8]>, Value) {
    (
        entry.kind,
        entry.table,
        entry.key.into(),
        stored(entry.value, entry.value_at),
    )
}

impl Engine for LogEngine {
    fn scan(&self, table: Table, each: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), EngineError> {
        if let Some(entries) = self.index.get(&table) {
            for (key, value) in entries {
                each(key, &self.read_value(value)?);
            }
        }
        Ok(())
    }

    fn transact(
        &mut self,
        sync: bool,
        writes: &mut dyn FnMut(&mut dyn Txn) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let mut txn = LogTxn::new(self);
        writes(&mut txn)?;
        let (mut buf, changes) = txn.into_parts();
        if changes.is_empty() {
            return Ok(());
        }
        log_format::encode(&mut buf, Kind::Commit, Table::Messages, b"", b"");
        let io = EngineError::from_display;
        if let Err(e) = self.file.write_all(&buf) {
            // A partial write is a torn tail: cut it, so the next transaction follows the
            // last whole one.
            let _ = self.file.set_len(self.len);
            return Err(io(e));
        }
        self.len += buf.len() as u64;
        if sync {
            self.file.sync_data().map_err(io)?;
        }
        for (kind, table, key, value) in changes {
            self.apply(kind, table, key, value);
        }
        self.compact_if_due()
    }

    fn sync(&mut self) -> Result<(), EngineError> {
        self.file.sync_data().map_err(EngineError::from_display)
    }

    /// Compacts when at least a tenth of the log (and 1 MiB) is dead: over the quota, the
    /// dead entries must not be what refuses new work.
    fn reclaim(&mut self) -> Result<(), EngineError> {
        let dead = self.len.saturating_sub(self.live);
        if dead >= (1 << 20).max(self.len / 10) {
            self.compact()?;
        }
        Ok(())
    }

    fn size(&self) -> u64 {
        self.len
    }
}

#[cfg(test)]
mod tests;
