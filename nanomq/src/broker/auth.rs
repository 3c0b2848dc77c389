//! Authentication at CONNECT: who the client is, and whether it may connect.
//!
//! Anonymous clients need `allow_anonymous`. A client giving a username must match the users
//! (`users`, `auth.password_file`) when there are any; without any, usernames follow
//! `allow_anonymous` (unlike NanoMQ, a wrong password is never accepted just because anonymous
//! clients are). A client the rules deny everything (a `deny` rule naming its client id,
//! username or address for every topic and action) is refused too: it could do nothing.
//!
//! Checking a hashed password costs milliseconds of CPU and, for argon2, its `m` KiB of memory:
//! checks run off the async workers, as many at once as [`HASH_MEMORY_KIB`] of memory allows
//! (and at most [`PASSWORD_CHECKS`]). An unknown username costs the same check as a known one
//! (against another user's hash, the result ignored), so the time of a refusal does not tell
//! which usernames exist. Guessing is slowed per address and per username
//! ([`crate::auth::throttle`]); every failure is logged with the client id, the username and
//! the address (never the password) and counted in `logins_failed`. The will is checked
//! against the client's own publish rights, since the broker publishes it on the client's
//! behalf.

use std::net::SocketAddr;
use std::sync::Arc;

use shared_types::secret::StoredSecret;
use tracing::warn;

use super::access::Attempt;
use super::{Broker, Identity, Settings};
use crate::auth::identity::Login;
use crate::codec::{Connect, ReasonCode};

/// Memory the password checks running at once may fill in all, KiB (32 MiB: four checks of
/// the 7 MiB hashes `nanomq-cli passwd` writes, or one of argon2's 19 MiB default).
pub const HASH_MEMORY_KIB: u32 = 32 * 1024;
/// Password checks running at once, at most, whatever their memory.
pub const PASSWORD_CHECKS: u32 = 4;

impl Broker {
    /// Authenticates a CONNECT from `peer` (with the subject of its TLS certificate, if it
    /// presented one) under the users and rules in force; the error is the CONNACK reason to
    /// refuse it with. The client identifier must already be assigned.
    pub async fn authenticate(
        &self,
        connect: &Connect,
        peer: SocketAddr,
        cert_subject: Option<Arc<str>>,
    ) -> Result<Arc<Identity>, ReasonCode> {
        let settings = self.settings();
        let username = connect.username.as_deref();
        let refused = |code: ReasonCode, why: &str| {
            self.inner.metrics.logins_failed.add(1);
            warn!(
                client_id = %connect.client_id,
                username = username.unwrap_or(""),
                %peer,
                reason = code.0,
                why,
                "login failed"
            );
            code
        };
        let login = self
            .check_credentials(&settings, username, connect.password.as_deref(), peer)
            .await
            .map_err(|(code, why)| refused(code, why))?;
        let identity = Identity::client(
            Arc::from(connect.client_id.as_str()),
            username.map(Arc::from),
            peer,
            cert_subject,
        )
        .with_login(login);
        if let Some(index) = settings.auth.acl.denies_everything(&identity) {
            let rule = settings.auth.acl.source(index).unwrap_or_default();
            return Err(refused(
                ReasonCode::NOT_AUTHORIZED,
                &format!("the rules deny this client everything: {rule}"),
            ));
        }
        if let Some(will) = &connect.will {
            self.check_topic_with(&settings, &identity, Attempt::Will, &will.topic)?;
        }
        Ok(Arc::new(identity))
    }

    /// Whether `username` may connect with `password`, and how it was let in; failures count
    /// against `peer`'s address and the username.
    async fn check_credentials(
        &self,
        settings: &Settings,
        username: Option<&str>,
        password: Option<&[u8]>,
        peer: SocketAddr,
    ) -> Result<Login, (ReasonCode, &'static str)> {
        let passwords = &settings.auth.passwords;
        let Some(username) = username else {
            return if settings.allow_anonymous {
                Ok(Login::Unchecked)
            } else {
                Err((
                    ReasonCode::NOT_AUTHORIZED,
                    "anonymous clients are not allowed",
                ))
            };
        };
        if passwords.is_empty() {
            return if settings.allow_anonymous {
                Ok(Login::Unchecked)
            } else {
                Err((
                    ReasonCode::BAD_USERNAME_OR_PASSWORD,
                    "no user is configured",
                ))
            };
        }
        let throttle = &self.inner.throttle;
        let Some(_slot) = throttle.wait_turn(peer.ip(), username).await else {
            return Err((ReasonCode::SERVER_BUSY, "too many failed logins"));
        };
        let given = password.unwrap_or_default().to_vec();
        let checked = match passwords.get(username) {
            Some(secret) => {
                let secret = secret.clone();
                match self.verify(secret.clone(), given).await {
                    true => Ok(secret),
                    false => Err("the password does not match"),
                }
            }
            None => {
                // The same cost as a known user's check; its answer does not matter.
                if let Some(dummy) = passwords.timing_dummy() {
                    self.verify(dummy.clone(), given).await;
                }
                Err("no such user")
            }
        };
        match checked {
            Ok(secret) => {
                throttle.succeeded(peer.ip(), username);
                Ok(Login::Password(secret))
            }
            Err(why) => {
                throttle.failed(peer.ip(), username);
                Err((ReasonCode::BAD_USERNAME_OR_PASSWORD, why))
            }
        }
    }

    /// Checks `password` against `secret`; a costly check runs on the blocking pool, within
    /// the memory budget of the checks running at once.
    pub async fn verify(&self, secret: StoredSecret, password: Vec<u8>) -> bool {
        if !secret.is_costly() {
            return secret.verify(&password);
        }
        let mib = secret
            .memory_kib()
            .div_ceil(1024)
            .clamp(1, HASH_MEMORY_KIB / 1024);
        let Ok(_memory) = self.inner.hash_memory.acquire_many(mib).await else {
            return false;
        };
        let Ok(_slot) = self.inner.password_checks.acquire().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || secret.verify(&password))
            .await
            .unwrap_or(false)
    }
}
