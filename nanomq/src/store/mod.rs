//! Durability: what must survive a crash, a power cut or a restart, on disk.
//!
//! Kept: persistent sessions (their record, subscriptions, delayed will), the QoS 1/2
//! deliveries queued or in flight for them (each message stored once, whatever its fan-out),
//! the QoS 2 packet ids their clients have in flight towards the broker, and retained
//! messages. Never kept: clean sessions, QoS 0 traffic.
//!
//! - [`journal`]: the broker submits changes as they happen and gets tickets; one writer
//!   thread folds them into batches and commits each in one transaction (group commit).
//!   Answers to clients wait for their ticket (README, "Durability", has the contract).
//! - [`engine`]: the tables and transactions the journal writes through; [`redb_engine`] on
//!   disk (redb: pure Rust, ACID, one file, no C build), [`engine::MemoryEngine`] for tests.
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
pub mod record;
pub mod redb_engine;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use shared_types::config::{PersistenceConfig, SyncMode};
use tracing::{error, info};

pub use journal::{Journal, Op, StoreStats, SyncPolicy, Ticket};
pub use load::{Snapshot, StoredDelivery, StoredSession};

use engine::Engine;
use redb_engine::{OpenError, RedbEngine};

/// The store's file in `persistence.dir`.
pub const FILE_NAME: &str = "nanomq.store";

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

/// Opens the store `config` describes (`None` when persistence is off) and reads it back. A
/// file that cannot be read at all is moved aside and a new one started; only a directory that
/// cannot be used, or a store another process holds, is an error.
pub fn open(config: &PersistenceConfig) -> Result<Option<Opened>, StoreError> {
    if !config.enable {
        return Ok(None);
    }
    let dir = Path::new(&config.dir);
    make_dir(dir)?;
    let path = dir.join(FILE_NAME);
    let (engine, snapshot, extra_lost) = match open_and_load(&path) {
        Ok((engine, snapshot)) => (engine, snapshot, 0),
        Err(OpenError::InUse(path)) => return Err(StoreError::InUse(path)),
        Err(OpenError::Damaged { reason, .. }) => {
            let aside = path.with_file_name(format!(
                "{FILE_NAME}.damaged-{}",
                crate::clock::now_unix_ms()
            ));
            error!(file = %path.display(), moved_to = %aside.display(), %reason,
                "store: the file cannot be read; it is moved aside and a new store started");
            std::fs::rename(&path, &aside).map_err(|e| StoreError::Dir {
                path: dir.to_path_buf(),
                reason: format!("cannot move the damaged store aside: {e}"),
            })?;
            match open_and_load(&path) {
                Ok((engine, snapshot)) => (engine, snapshot, 1),
                Err(OpenError::InUse(path)) => return Err(StoreError::InUse(path)),
                Err(OpenError::Damaged { reason, .. }) => {
                    return Err(StoreError::Dir {
                        path: dir.to_path_buf(),
                        reason,
                    });
                }
            }
        }
    };
    let opened = start(Box::new(engine), policy(config), snapshot, extra_lost);
    opened
        .journal
        .set_quota(config.max_bytes.limit(), dir.to_path_buf());
    Ok(Some(opened))
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

fn open_and_load(path: &Path) -> Result<(RedbEngine, Snapshot), OpenError> {
    // A damaged file must never take the broker down, whatever the engine does with it.
    let attempt = std::panic::catch_unwind(|| {
        let mut engine = RedbEngine::open(path)?;
        let snapshot =
            load::load(&mut engine, SystemTime::now()).map_err(|e| OpenError::Damaged {
                path: path.to_path_buf(),
                reason: e.0,
            })?;
        Ok((engine, snapshot))
    });
    attempt.unwrap_or_else(|_| {
        Err(OpenError::Damaged {
            path: path.to_path_buf(),
            reason: "the store engine failed reading it".into(),
        })
    })
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
    let path = dir.join(FILE_NAME);
    if let Ok(file) = std::fs::File::open(&path) {
        match file.try_lock_shared() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::InUse(path)),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(unusable(crate::config::io_reason(&e)));
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
