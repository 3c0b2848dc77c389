//! Who acts on the broker: a connected client (with what it authenticated as), the bridge, the
//! HTTP API, or the broker itself. Every operation that publishes or subscribes is told who
//! asks, so that its rules (the `$SYS/` reservation, and access control) are applied in one
//! place for every entry point.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use foldhash::fast::RandomState;
use parking_lot::Mutex;

use shared_types::secret::StoredSecret;

use super::AuthRules;
use super::acl::{Decision, Operation};

/// Decisions a client's identity remembers, per operation; past this many it starts over.
const CACHED_DECISIONS: usize = 256;
/// Denials of one client logged per window, at most; the rest are counted and the next line
/// says how many went unlogged.
pub const DENIAL_LOG_LINES: u32 = 5;
/// The window [`DENIAL_LOG_LINES`] counts over.
pub const DENIAL_LOG_WINDOW: Duration = Duration::from_secs(10);

/// The kind of party acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// An MQTT client on a connection.
    Client,
    /// The bridge, republishing what its upstream sent, or subscribing for it.
    Bridge,
    /// The HTTP API (`POST /mqtt/publish`), on behalf of an operator.
    Api,
    /// The broker itself: its `$SYS/` events.
    Internal,
}

/// The identity of whoever acts.
#[derive(Debug)]
pub struct Identity {
    /// The kind of party.
    pub actor: Actor,
    /// The MQTT client identifier (for the bridge, its local session's; empty for the API and
    /// the broker).
    pub client_id: Arc<str>,
    /// The username the client authenticated with, if any.
    pub username: Option<Arc<str>>,
    /// The client's address, for a client on a network connection.
    pub peer: Option<SocketAddr>,
    /// The subject of the client's TLS certificate, when it presented one.
    pub cert_subject: Option<Arc<str>>,
    /// How the client was let in: a reload checks it against the new users.
    pub login: Login,
    /// Access-control decisions already taken for this client, so that a client publishing to
    /// the same topics over and over does not go through the rules every time.
    decisions: Mutex<Option<Box<Decisions>>>,
}

/// How a client was let in at CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// Without a password check: anonymous, or a username while no user is configured
    /// (both under `allow_anonymous`); also the bridge, the API and the broker.
    Unchecked,
    /// With a password checked against this stored secret.
    Password(StoredSecret),
}

#[derive(Debug, Default)]
struct Decisions {
    /// The generation of the rules these decisions were taken under: new rules, new decisions.
    rules: u64,
    publish: Remembered,
    subscribe: Remembered,
    /// The window of denial lines logged for this client: its start, the lines logged in it,
    /// and the denials not logged since the last line.
    log_window: Option<Instant>,
    logged: u32,
    unlogged: u64,
}

/// The decisions of one operation: the last one taken (a publisher mostly publishes to the
/// same topic, so one string comparison settles it) and a map of all of them.
#[derive(Debug, Default)]
struct Remembered {
    last: Option<(Box<str>, Decision)>,
    all: HashMap<Box<str>, Decision, RandomState>,
}

impl Remembered {
    fn get(&mut self, topic: &str) -> Option<Decision> {
        if let Some((last, decision)) = &self.last
            && **last == *topic
        {
            return Some(*decision);
        }
        self.all.get(topic).copied()
    }

    fn insert(&mut self, topic: &str, decision: Decision) {
        if self.all.len() >= CACHED_DECISIONS {
            self.all.clear();
        }
        self.all.insert(Box::from(topic), decision);
        self.last = Some((Box::from(topic), decision));
    }

    fn clear(&mut self) {
        self.last = None;
        self.all.clear();
    }
}

impl Identity {
    /// A client connected from `peer`.
    pub fn client(
        client_id: Arc<str>,
        username: Option<Arc<str>>,
        peer: SocketAddr,
        cert_subject: Option<Arc<str>>,
    ) -> Identity {
        Identity {
            actor: Actor::Client,
            client_id,
            username,
            peer: Some(peer),
            cert_subject,
            login: Login::Unchecked,
            decisions: Mutex::new(None),
        }
    }

    /// The same client, let in by `login`.
    pub fn with_login(mut self, login: Login) -> Identity {
        self.login = login;
        self
    }

    /// The bridge, acting through its local session `client_id`.
    pub fn bridge(client_id: Arc<str>) -> Identity {
        Identity {
            actor: Actor::Bridge,
            client_id,
            username: None,
            peer: None,
            cert_subject: None,
            login: Login::Unchecked,
            decisions: Mutex::new(None),
        }
    }

    /// The HTTP API.
    pub fn api() -> Arc<Identity> {
        static API: OnceLock<Arc<Identity>> = OnceLock::new();
        Arc::clone(API.get_or_init(|| Arc::new(Identity::of(Actor::Api))))
    }

    /// The broker itself.
    pub fn internal() -> Arc<Identity> {
        static INTERNAL: OnceLock<Arc<Identity>> = OnceLock::new();
        Arc::clone(INTERNAL.get_or_init(|| Arc::new(Identity::of(Actor::Internal))))
    }

    fn of(actor: Actor) -> Identity {
        Identity {
            actor,
            client_id: Arc::from(""),
            username: None,
            peer: None,
            cert_subject: None,
            login: Login::Unchecked,
            decisions: Mutex::new(None),
        }
    }

    /// Whether this client may do `operation` on `topic` under `rules` (only clients are
    /// subject to the rules: the bridge, the API and the broker act as the broker).
    pub fn may(&self, rules: &AuthRules, operation: Operation, topic: &str) -> bool {
        self.decide(rules, operation, topic).allowed()
    }

    /// What `rules` decide for this client doing `operation` on `topic`, and which rule
    /// decided; remembered until the rules change.
    pub fn decide(&self, rules: &AuthRules, operation: Operation, topic: &str) -> Decision {
        if self.actor != Actor::Client || !rules.acl.is_active() {
            return Decision::ALLOWED;
        }
        let id = rules.generation;
        let mut decisions = self.decisions.lock();
        let cache = decisions.get_or_insert_with(|| {
            Box::new(Decisions {
                rules: id,
                ..Decisions::default()
            })
        });
        if cache.rules != id {
            cache.rules = id;
            cache.publish.clear();
            cache.subscribe.clear();
        }
        let map = match operation {
            Operation::Publish => &mut cache.publish,
            Operation::Subscribe => &mut cache.subscribe,
        };
        if let Some(decision) = map.get(topic) {
            return decision;
        }
        let decision = rules.acl.decide(self, operation, topic);
        map.insert(topic, decision);
        decision
    }

    /// Whether a denial of this client may be logged now: `Some(n)`, with the `n` denials
    /// left unlogged since the last line, at most [`DENIAL_LOG_LINES`] times per
    /// [`DENIAL_LOG_WINDOW`]; `None` (counted) beyond.
    pub fn denial_log_turn(&self) -> Option<u64> {
        let now = Instant::now();
        let mut decisions = self.decisions.lock();
        let state = decisions.get_or_insert_with(Box::default);
        let fresh = state
            .log_window
            .is_none_or(|start| now.duration_since(start) >= DENIAL_LOG_WINDOW);
        if fresh {
            state.log_window = Some(now);
            state.logged = 0;
        }
        if state.logged >= DENIAL_LOG_LINES {
            state.unlogged += 1;
            return None;
        }
        state.logged += 1;
        Some(std::mem::take(&mut state.unlogged))
    }
}
