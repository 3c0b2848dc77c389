//! Durability: what must survive a crash, a power cut or a restart, on disk.
//!
//! Kept: persistent sessions (their record, subscriptions, delayed will), the QoS 1/2
//! deliveries queued or in flight for them (each message stored once, whatever its fan-out),
//! the QoS 2 packet ids their clients have in flight towards the broker, and retained
//! messages. Never kept: clean sessions, QoS 0 traffic.
//!
//! - [`journal`]: the broker submits changes as they happen and gets tickets; one writer
//!   thread folds them into batches and commits each in one transaction (group commit).
//!   Answers to clients wait for their ticket (docs/durability.md has the contract).
//! - [`engine`]: the tables and transactions the journal writes through; [`log_engine`] on
//!   disk (one append-only log of checksummed entries, [`log_format`]: damage costs only what
//!   it touches), [`engine::MemoryEngine`] for tests. [`redb_engine`] reads the store of
//!   earlier versions (a redb file), which is moved into the log the first time.
//! - [`record`]: the bytes of keys and values.
//! - [`load`]: reading it all back at start, before the listeners open (the broker puts it
//!   back in place: `broker::restore`).
//!
//! The journal is the store's only writer; it is fed by the broker's operations (the one
//! place every publish, subscribe and session change passes), not by the event stream,
//! because an answer to a client must be able to wait for exactly what it depends on.

pub mod engine;
pub mod journal;
pub mod load;
pub mod log_engine;
pub mod log_format;
pub mod record;
pub mod redb_engine;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use shared_types::config::{PersistenceConfig, SyncMode};
use tracing::{error, info};

pub use journal::{Journal, Op, StoreStats, SyncPolicy, Ticket};
pub use load::{Snapshot, StoredDelivery, StoredSession};

use engine::{Engine, Table};
use log_engine::LogEngine;
use redb_engine::RedbEngine;

/// The store's file in `persistence.dir`.
pub const FILE_NAME: &str = "nanomq.log";
/// The store file of earlier versions (redb), moved into the log when found.
pub const OLD_FILE_NAME: &str = "nanomq.store";

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another broker uses this directory.
    #[error("persistence.dir: {0} is in use by another process (two brokers cannot share a store)")]
    InUse(PathBuf),
    /// The directory cannot be made or written.
    #[error("persistence.dir: {path}: {reason}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// An open store: the journal to write to and what it held at start.
#[derive(Debug)]
pub struct Opened {
    /// The journal (its writer thread is running).
    pub journal: Journal,
    /// What the store held, to put back into the broker.
    pub snapshot: Snapshot,
}

/// The sync policy of a configuration.
pub fn policy(config: &PersistenceConfig) -> SyncPolicy {
    match config.sync {
        SyncMode::Always => SyncPolicy::Always,
        SyncMode::Interval => {
            SyncPolicy::Interval(Duration::from_millis(u64::from(config.sync_interval_ms)))
        }
    }
}

/// Opens the store `config` describes (`None` when persistence is off) and reads it back:
/// every entry that checks out, whatever damage the file took (what was damaged is logged
/// and counted in `store.lost`). A store of an earlier version is moved into the log first.
/// A file that cannot be read or written (permissions) is an error naming it, never a
/// silent fresh store; so is a store another process holds.
pub fn open(config: &PersistenceConfig) -> Result<Option<Opened>, StoreError> {
    if !config.enable {
        return Ok(None);
    }
    let dir = Path::new(&config.dir);
    make_dir(dir)?;
    let path = dir.join(FILE_NAME);
    let old = dir.join(OLD_FILE_NAME);
    let mut lost = 0;
    let unusable = |e: log_engine::OpenError| match e {
        log_engine::OpenError::InUse(path) => StoreError::InUse(path),
        log_engine::OpenError::Unusable { path, reason } => StoreError::Dir {
            path: dir.to_path_buf(),
            reason: format!("{}: {reason}", path.display()),
        },
    };
    let fresh = !path.exists();
    let mut engine = LogEngine::open(&path).map_err(unusable)?;
    if fresh && old.exists() {
        lost += migrate(&old, &mut engine)?;
    }
    let damaged = engine.damaged();
    if damaged > 0 {
        error!(file = %path.display(), damaged,
            "store: damaged entries were skipped; everything else is read back");
    }
    let snapshot = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        load::load(&mut engine, SystemTime::now())
    })) {
        Ok(Ok(snapshot)) => snapshot,
        Ok(Err(e)) => {
            return Err(StoreError::Dir {
                path: path.clone(),
                reason: e.0,
            });
        }
        Err(_) => {
            return Err(StoreError::Dir {
                path: path.clone(),
                reason: "reading the store back failed".into(),
            });
        }
    };
    let opened = start(Box::new(engine), policy(config), snapshot, lost + damaged);
    opened
        .journal
        .set_quota(config.max_bytes.limit(), dir.to_path_buf());
    Ok(Some(opened))
}

/// Moves the store of an earlier version (redb) at `old` into `engine`, then renames it
/// `….migrated`: how many records were lost (1 when the old file cannot be read at all,
/// and it is moved aside as `….damaged-<time>`).
fn migrate(old: &Path, engine: &mut LogEngine) -> Result<u64, StoreError> {
    let read = std::panic::catch_unwind(|| -> Result<Vec<_>, String> {
        let redb = RedbEngine::open(old).map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        for table in Table::ALL {
            redb.scan(table, &mut |k, v| {
                entries.push((table, k.to_vec(), v.to_vec()))
            })
            .map_err(|e| e.0)?;
        }
        Ok(entries)
    });
    let moved = |suffix: String| {
        let to = old.with_file_name(format!("{OLD_FILE_NAME}.{suffix}"));
        std::fs::rename(old, &to).map_err(|e| StoreError::Dir {
            path: old.to_path_buf(),
            reason: format!("cannot rename it to {}: {e}", to.display()),
        })
    };
    match read {
        Ok(Ok(entries)) => {
            let count = entries.len();
            engine
                .transact(true, &mut |txn| {
                    for (table, key, value) in &entries {
                        txn.put(*table, key, value)?;
                    }
                    Ok(())
                })
                .map_err(|e| StoreError::Dir {
                    path: old.to_path_buf(),
                    reason: format!("cannot move it into the log: {}", e.0),
                })?;
            moved("migrated".to_string())?;
            info!(file = %old.display(), records = count, "store: moved into the log");
            Ok(0)
        }
        Ok(Err(reason)) if reason.contains("in use") => Err(StoreError::InUse(old.to_path_buf())),
        Ok(Err(reason)) => {
            error!(file = %old.display(), %reason, "store: the old store cannot be read; it is moved aside");
            moved(format!("damaged-{}", crate::clock::now_unix_ms()))?;
            Ok(1)
        }
        Err(_) => {
            moved(format!("damaged-{}", crate::clock::now_unix_ms()))?;
            Ok(1)
        }
    }
}

/// Starts the journal on an engine already read back into `snapshot`.
pub fn start(
    engine: Box<dyn Engine>,
    policy: SyncPolicy,
    mut snapshot: Snapshot,
    extra_lost: u64,
) -> Opened {
    crate::message::message_ids_after(snapshot.last_message_id);
    snapshot.lost += extra_lost;
    let refs = std::mem::take(&mut snapshot.refs);
    let journal = Journal::start(engine, policy, refs, snapshot.last_key, snapshot.lost);
    let queued: usize = snapshot.sessions.iter().map(|s| s.deliveries.len()).sum();
    info!(
        sessions = snapshot.sessions.len(),
        queued,
        retained = snapshot.retained.len(),
        lost = snapshot.lost,
        pruned = snapshot.pruned,
        "store read back"
    );
    Opened { journal, snapshot }
}

/// Opens `engine` (already open) and reads it back: the form tests use with a memory engine.
pub fn open_engine(mut engine: Box<dyn Engine>, policy: SyncPolicy) -> Result<Opened, String> {
    let snapshot = load::load(engine.as_mut(), SystemTime::now()).map_err(|e| e.0)?;
    Ok(start(engine, policy, snapshot, 0))
}

/// Whether [`open`] could open the store `config` describes, without opening or creating
/// anything: the directory is one (or can be made, in the nearest directory that exists) and
/// takes new files, and no other process holds the store.
pub fn check(config: &PersistenceConfig) -> Result<(), StoreError> {
    if !config.enable {
        return Ok(());
    }
    let dir = Path::new(&config.dir);
    let unusable = |reason: String| StoreError::Dir {
        path: dir.to_path_buf(),
        reason,
    };
    let existing = dir
        .ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.exists())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(unusable(format!(
            "{} is not a directory",
            existing.display()
        )));
    }
    // A file made and removed at once: the one sure test that the directory takes files.
    let probe = existing.join(format!(".nanomq-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| {
            unusable(format!(
                "cannot write in {}: {}",
                existing.display(),
                crate::config::io_reason(&e)
            ))
        })?;
    let _ = std::fs::remove_file(&probe);
    for path in [dir.join(FILE_NAME), dir.join(OLD_FILE_NAME)] {
        if let Ok(file) = std::fs::File::open(&path) {
            match file.try_lock_shared() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::InUse(path)),
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(unusable(crate::config::io_reason(&e)));
                }
            }
        }
    }
    Ok(())
}

fn make_dir(dir: &Path) -> Result<(), StoreError> {
    let error = |e: std::io::Error| StoreError::Dir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    if !dir.exists() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(error)?;
    }
    if !dir.is_dir() {
        return Err(StoreError::Dir {
            path: dir.to_path_buf(),
            reason: "not a directory".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bytes::Bytes;

    use super::*;
    use crate::codec::{PublishProperties, QoS};
    use crate::message::{Message, Origin};

    /// A store written by an earlier version (redb) is moved into the log at the first start,
    /// everything in it kept, and the old file renamed.
    #[tokio::test]
    async fn an_earlier_store_is_moved_into_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(OLD_FILE_NAME);
        {
            let engine = RedbEngine::open(&old).unwrap();
            let journal = Journal::start(
                Box::new(engine),
                SyncPolicy::Always,
                Default::default(),
                0,
                0,
            );
            let message = Message::new(
                Arc::from("kept/topic"),
                Bytes::from_static(b"from redb"),
                QoS::AtLeastOnce,
                true,
                PublishProperties::default(),
                Origin::Broker,
                tokio::time::Instant::now(),
            );
            let ticket = journal.submit(Op::Retain {
                topic: Arc::from("kept/topic"),
                message: Some(Arc::new(message)),
            });
            journal.committed(ticket).await;
            journal.close();
        }
        let config = PersistenceConfig {
            dir: dir.path().display().to_string(),
            ..PersistenceConfig::default()
        };
        let opened = open(&config).unwrap().unwrap();
        assert_eq!(opened.snapshot.retained.len(), 1);
        assert_eq!(&*opened.snapshot.retained[0].payload, b"from redb");
        assert_eq!(opened.snapshot.lost, 0);
        assert!(!old.exists());
        assert!(
            dir.path()
                .join(format!("{OLD_FILE_NAME}.migrated"))
                .exists()
        );
        opened.journal.close();
        drop(opened);
        let again = open(&config).unwrap().unwrap();
        assert_eq!(again.snapshot.retained.len(), 1, "and it stays in the log");
    }
}
