//! The settings the broker works with, derived once from the configuration at each (re)start
//! so that nothing on a hot path parses or converts configuration values.

use std::sync::Arc;
use std::time::Duration;

use shared_types::config::Config;

use crate::admission::FdBudget;
use crate::auth::guard::InForce;
use crate::auth::{AuthRules, AuthSetupError};
use crate::router::retained::RetainedLimits;
use crate::session::mailbox::QueueLimits;

/// Most topic aliases the broker assigns towards one client.
pub const OUTBOUND_TOPIC_ALIAS_MAX: u16 = 256;

/// The settings a connection works with, derived from the configuration at (re)start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether clients without a username may connect.
    pub allow_anonymous: bool,
    /// The users (with their stored passwords) and the access-control rules.
    pub auth: Arc<AuthRules>,
    /// Largest keep alive a client may ask for, seconds (0: no cap).
    pub max_keepalive: u16,
    /// Largest packet accepted from a client, fixed header included.
    pub max_packet_size: usize,
    /// QoS 1/2 messages a client may have unacknowledged towards the broker (advertised as
    /// Receive Maximum), and the broker towards a client.
    pub window: u16,
    /// Queue bounds per session.
    pub queue: QueueLimits,
    /// When to resend an unacknowledged QoS 1/2 message to an MQTT 3.x client.
    pub qos_duration: Duration,
    /// Most user properties accepted on one packet from a client (`property_size`).
    pub max_user_properties: usize,
    /// Most levels in a topic name or filter (`max_topic_levels`).
    pub max_topic_levels: usize,
    /// How long a client may leave output waiting untaken (`write_timeout`).
    pub write_timeout: Duration,
    /// Most clients connected at once (`max_connections`, or derived from the open-file
    /// limit when it is 0).
    pub max_connections: usize,
    /// Topic aliases a client may set up towards the broker (`max_topic_alias`, announced as
    /// MQTT 5 Topic Alias Maximum).
    pub max_topic_alias: u16,
    /// Subscriptions one client may hold (`max_subscriptions`; `usize::MAX`: no limit).
    pub max_subscriptions: usize,
    /// Retained messages held in all, and their bytes (`usize::MAX`: no limit).
    pub retained: RetainedLimits,
    /// Resident memory near which growth is refused (`max_memory`; `None`: no ceiling).
    pub max_memory: Option<u64>,
}

/// A configured limit where 0 means none.
fn limit(n: u64) -> usize {
    match n {
        0 => usize::MAX,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    }
}

impl Settings {
    /// What the access-control guard compares a new configuration with.
    pub fn in_force(&self) -> InForce<'_> {
        InForce {
            allow_anonymous: self.allow_anonymous,
            auth: &self.auth,
        }
    }

    /// Settings from a validated configuration; reads the password and ACL files it names.
    pub fn load(config: &Config) -> Result<Settings, AuthSetupError> {
        Ok(Settings::with_auth(
            config,
            Arc::new(AuthRules::load(config)?),
        ))
    }

    /// Settings from a validated configuration, with users and rules already loaded.
    pub fn with_auth(config: &Config, auth: Arc<AuthRules>) -> Settings {
        Settings {
            allow_anonymous: config.allow_anonymous,
            auth,
            max_keepalive: u16::try_from(config.max_keepalive).unwrap_or(u16::MAX),
            max_packet_size: usize::try_from(config.max_packet_size).unwrap_or(usize::MAX),
            window: u16::try_from(config.parallel.clamp(1, 65_535)).unwrap_or(u16::MAX),
            queue: QueueLimits::new(
                usize::try_from(config.msq_len).unwrap_or(usize::MAX),
                usize::try_from(config.max_queued_bytes.bytes()).unwrap_or(usize::MAX),
            ),
            qos_duration: Duration::from_secs(u64::from(config.qos_duration.max(1))),
            max_user_properties: usize::try_from(config.property_size).unwrap_or(usize::MAX),
            max_topic_levels: usize::try_from(config.max_topic_levels).unwrap_or(usize::MAX),
            write_timeout: Duration::from_secs(u64::from(config.write_timeout.max(1))),
            max_connections: match config.max_connections {
                0 => FdBudget::current().max_connections,
                n => usize::try_from(n).unwrap_or(usize::MAX),
            },
            max_topic_alias: config.max_topic_alias,
            max_subscriptions: limit(u64::from(config.max_subscriptions)),
            retained: RetainedLimits {
                messages: limit(u64::from(config.max_retained_messages)),
                bytes: limit(config.max_retained_bytes.bytes()),
            },
            max_memory: config.max_memory.limit(),
        }
    }
}
