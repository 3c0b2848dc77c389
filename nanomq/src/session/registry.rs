//! The table of sessions by client identifier.
//!
//! Touched when clients connect and disconnect and by the HTTP API, never on the publish
//! path (the router holds the sessions it delivers to directly), so one mutex is enough.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::fast::RandomState;
use parking_lot::Mutex;

use super::{ClientDetails, Link, Session, SessionId};

/// All sessions, connected or persistent and away.
#[derive(Debug, Default)]
pub struct SessionRegistry {
    sessions: Mutex<HashMap<Arc<str>, Arc<Session>, RandomState>>,
    next_id: AtomicU64,
}

/// The result of opening a session for a new connection.
#[derive(Debug)]
pub struct Opened {
    /// The session the connection now serves.
    pub session: Arc<Session>,
    /// True when an existing session was resumed (CONNACK "session present").
    pub present: bool,
    /// The connection that was attached before, which must now be taken over.
    pub previous: Option<Link>,
    /// A session discarded because the client asked for a clean start; its subscriptions
    /// must be removed from the router.
    pub replaced: Option<Arc<Session>>,
}

impl SessionRegistry {
    /// Opens the session for `client_id`: resumes the existing one unless `clean_start`, else
    /// creates a new one. The new connection's link is installed atomically, so of two
    /// connections racing with the same identifier the later one wins. An existing session
    /// opened under another username (`details.username`) is left alone: the error is the
    /// username it belongs to.
    pub fn open(
        &self,
        client_id: &str,
        clean_start: bool,
        link: Link,
        details: ClientDetails,
    ) -> Result<Opened, Option<Arc<str>>> {
        let mut sessions = self.sessions.lock();
        if let Some(existing) = sessions.get(client_id).cloned() {
            let owner = existing.details().username;
            if owner.as_deref() != details.username.as_deref() {
                return Err(owner.map(Arc::from));
            }
            // A session that ends with its connection (clean session, or expiry 0) is not
            // resumed even when the new connection asks for it: it is over once taken over.
            if !clean_start && existing.details().expiry_interval != 0 {
                let previous = existing.replace_link(link);
                return Ok(Opened {
                    session: existing,
                    present: true,
                    previous,
                    replaced: None,
                });
            }
            let previous = existing.take_link();
            existing.discard();
            let session = self.create(client_id, link, details);
            sessions.insert(Arc::clone(&session.client_id), Arc::clone(&session));
            return Ok(Opened {
                session,
                present: false,
                previous,
                replaced: Some(existing),
            });
        }
        let session = self.create(client_id, link, details);
        sessions.insert(Arc::clone(&session.client_id), Arc::clone(&session));
        Ok(Opened {
            session,
            present: false,
            previous: None,
            replaced: None,
        })
    }

    /// Registers a session no connection is attached to (one read back from the store), in
    /// place of any session the client id had.
    pub fn restore(&self, client_id: &str, details: ClientDetails) -> Arc<Session> {
        let id = SessionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let session = Arc::new(Session::new(id, Arc::from(client_id), details));
        self.sessions
            .lock()
            .insert(Arc::clone(&session.client_id), Arc::clone(&session));
        session
    }

    fn create(&self, client_id: &str, link: Link, details: ClientDetails) -> Arc<Session> {
        let id = SessionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let session = Arc::new(Session::new(id, Arc::from(client_id), details));
        session.replace_link(link);
        session
    }

    /// The session of `client_id`, if any.
    pub fn get(&self, client_id: &str) -> Option<Arc<Session>> {
        self.sessions.lock().get(client_id).cloned()
    }

    /// Every session.
    pub fn all(&self) -> Vec<Arc<Session>> {
        self.sessions.lock().values().cloned().collect()
    }

    /// Removes `session` if it is still the one registered for its client identifier and
    /// `still_ending` holds — checked under the registry lock, so a connection that resumes
    /// the session at the same moment either comes first (and the session stays) or finds it
    /// gone (and starts a new one). A removed session is marked discarded. Returns whether it
    /// was removed (or had already been replaced).
    pub fn remove_if(
        &self,
        session: &Session,
        still_ending: impl FnOnce(&Session) -> bool,
    ) -> bool {
        let mut sessions = self.sessions.lock();
        let current = sessions
            .get(&*session.client_id)
            .is_some_and(|s| s.id == session.id);
        if current && !still_ending(session) {
            return false;
        }
        if current {
            sessions.remove(&*session.client_id);
        }
        drop(sessions);
        session.discard();
        true
    }

    /// Removes `session` unconditionally (an operator's kick); see [`Self::remove_if`].
    pub fn remove(&self, session: &Session) -> bool {
        self.remove_if(session, |_| true)
    }

    /// Number of sessions.
    pub fn len(&self) -> usize {
        self.sessions.lock().len()
    }

    /// True when there are no sessions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
