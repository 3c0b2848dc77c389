//! Who acts on the broker: a connected client (with what it authenticated as), the bridge, the
//! HTTP API, or the broker itself. Every operation that publishes or subscribes is told who
//! asks, so that its rules (the `$SYS/` reservation, and access control) are applied in one
//! place for every entry point.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
        }
    }
}
