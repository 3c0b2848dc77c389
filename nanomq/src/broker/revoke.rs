//! Putting new users and rules in force, and ending the connections they no longer let in.
//!
//! A connected client keeps its connection only while it would still be let in: its user
//! still exists with the password it logged in with (a client that logged in without one,
//! while anonymous clients or unchecked usernames were allowed, needs that still to hold), and
//! no rule now denies it everything. Any other is disconnected at once (MQTT 5: DISCONNECT
//! 0x87 Not authorized; 3.x: the socket closed), without its will, logged at warn and counted
//! in `logins_revoked`; its session stays until it expires, as after any disconnection.

use std::sync::Arc;

use shared_types::config::Config;
use tracing::warn;

use super::{Actor, Broker, Identity, Settings};
use crate::auth::identity::Login;
use crate::session::ConnCommand;

impl Broker {
    /// Puts `config` and `settings` in force and disconnects the clients they no longer let
    /// in: how many.
    pub fn apply(&self, config: Config, settings: Arc<Settings>) -> usize {
        self.put_in_force(config, Arc::clone(&settings));
        let mut revoked = 0;
        for session in self.inner.sessions.all() {
            let Some(identity) = session.linked_identity() else {
                continue;
            };
            let Err(why) = still_let_in(&settings, &identity) else {
                continue;
            };
            if session.command(ConnCommand::Revoke) {
                revoked += 1;
                warn!(
                    client_id = %identity.client_id,
                    username = identity.username.as_deref().unwrap_or(""),
                    address = %identity.peer.map_or_else(String::new, |p| p.to_string()),
                    why,
                    "client disconnected: a reload revoked its login"
                );
            }
        }
        self.inner.metrics.logins_revoked.add(revoked as u64);
        revoked
    }
}

/// Whether `identity` would still be let in under `settings`; the error says why not.
fn still_let_in(settings: &Settings, identity: &Identity) -> Result<(), String> {
    if identity.actor != Actor::Client {
        return Ok(());
    }
    let passwords = &settings.auth.passwords;
    match identity.username.as_deref() {
        None if !settings.allow_anonymous => {
            return Err("anonymous clients are no longer allowed".into());
        }
        // Without users, a username is let in unchecked, as an anonymous client is.
        Some(_) if passwords.is_empty() && !settings.allow_anonymous => {
            return Err("no user is configured and anonymous clients are not allowed".into());
        }
        Some(username) if !passwords.is_empty() => match &identity.login {
            Login::Unchecked => return Err("its username now needs a password".into()),
            Login::Password(secret) => match passwords.get(username) {
                None => return Err("its user was removed".into()),
                Some(now) if now != secret => return Err("its password changed".into()),
                Some(_) => {}
            },
        },
        _ => {}
    }
    if let Some(index) = settings.auth.acl.denies_everything(identity) {
        let rule = settings.auth.acl.source(index).unwrap_or_default();
        return Err(format!("the rules deny it everything: {rule}"));
    }
    Ok(())
}
