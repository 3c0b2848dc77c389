//! Who acts on the broker: a connected client (with what it authenticated as), the bridge, the
//! HTTP API, or the broker itself. Every operation that publishes or subscribes is told who
//! asks, so that its rules (the `$SYS/` reservation, and access control) are applied in one
//! place for every entry point.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use foldhash::fast::RandomState;
use parking_lot::Mutex;

use super::AuthRules;
use super::acl::Operation;

/// Decisions a client's identity remembers, per operation; past this many it starts over.
const CACHED_DECISIONS: usize = 256;

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
    /// Access-control decisions already taken for this client, so that a client publishing to
    /// the same topics over and over does not go through the rules every time.
    decisions: Mutex<Option<Box<Decisions>>>,
}

#[derive(Debug, Default)]
struct Decisions {
    /// The generation of the rules these decisions were taken under: new rules, new decisions.
    rules: u64,
    publish: Remembered,
    subscribe: Remembered,
}

/// The decisions of one operation: the last one taken (a publisher mostly publishes to the
/// same topic, so one string comparison settles it) and a map of all of them.
#[derive(Debug, Default)]
struct Remembered {
    last: Option<(Box<str>, bool)>,
    all: HashMap<Box<str>, bool, RandomState>,
}

impl Remembered {
    fn get(&mut self, topic: &str) -> Option<bool> {
        if let Some((last, allowed)) = &self.last
            && **last == *topic
        {
            return Some(*allowed);
        }
        self.all.get(topic).copied()
    }

    fn insert(&mut self, topic: &str, allowed: bool) {
        if self.all.len() >= CACHED_DECISIONS {
            self.all.clear();
        }
        self.all.insert(Box::from(topic), allowed);
        self.last = Some((Box::from(topic), allowed));
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
            decisions: Mutex::new(None),
        }
    }

    /// The bridge, acting through its local session `client_id`.
    pub fn bridge(client_id: Arc<str>) -> Identity {
        Identity {
            actor: Actor::Bridge,
            client_id,
            username: None,
            peer: None,
            cert_subject: None,
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
            decisions: Mutex::new(None),
        }
    }

    /// Whether this client may do `operation` on `topic` under `rules` (only clients are
    /// subject to the rules: the bridge, the API and the broker act as the broker).
    pub fn may(&self, rules: &AuthRules, operation: Operation, topic: &str) -> bool {
        if self.actor != Actor::Client || !rules.acl.is_active() {
            return true;
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
        if let Some(allowed) = map.get(topic) {
            return allowed;
        }
        let allowed = rules.acl.decide(self, operation, topic).allowed();
        map.insert(topic, allowed);
        allowed
    }
}
