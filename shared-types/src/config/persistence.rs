//! The `persistence` section: where the broker keeps what must survive a crash or a power
//! cut (persistent sessions, their queued and in-flight messages, retained messages), and
//! when an acknowledgement may be sent for what it acknowledges.

use serde::{Deserialize, Serialize};

/// The `persistence` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersistenceConfig {
    /// Keep persistent sessions and retained messages on disk.
    pub enable: bool,
    /// The directory of the store (relative to the working directory); created if missing.
    pub dir: String,
    /// When what is acknowledged reaches the disk.
    pub sync: SyncMode,
    /// With `sync = "interval"`: the longest time acknowledged data waits for its fsync.
    pub sync_interval_ms: u32,
    /// The store's quota: over it (or with less than 64 MiB left on its disk), new durable
    /// work is refused (a QoS 1/2 publish to a persistent session, a retained message) rather
    /// than left to stall everyone once the disk is full; 0 = no quota (the free-space floor
    /// still holds).
    pub max_bytes: super::ByteSize,
}

impl Default for PersistenceConfig {
    fn default() -> PersistenceConfig {
        PersistenceConfig {
            enable: true,
            dir: "data".to_string(),
            sync: SyncMode::Always,
            sync_interval_ms: 100,
            max_bytes: super::ByteSize::mib(1024),
        }
    }
}

/// When what is acknowledged reaches the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// An acknowledgement is sent once what it acknowledges is on disk (fsync'd); many
    /// clients share each fsync.
    #[default]
    Always,
    /// Acknowledgements go at once; the disk catches up every `sync_interval_ms`, so a power
    /// cut loses at most that much acknowledged data (a crash of the process alone loses
    /// nothing that was handed to the operating system).
    Interval,
}
