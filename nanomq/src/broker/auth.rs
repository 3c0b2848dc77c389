//! Authentication at CONNECT: who the client is, and whether it may connect.
//!
//! Anonymous clients need `allow_anonymous`. A client giving a username must match the users
//! (`users`, `auth.password_file`) when there are any; without any, usernames follow
//! `allow_anonymous` (unlike NanoMQ, a wrong password is never accepted just because anonymous
//! clients are). Checking a hashed password costs milliseconds of CPU, so it runs off the async
//! workers, a few at a time; an address that keeps failing is slowed down
//! ([`crate::auth::throttle`]), and every failure is logged with the client id, the username and
//! the address (never the password). The will is checked against the client's own publish
//! rights, since the broker publishes it on the client's behalf.

use std::net::SocketAddr;
use std::sync::Arc;

use shared_types::secret::StoredSecret;
use tracing::warn;

use super::{Broker, Identity, Settings};
use crate::codec::{Connect, ReasonCode};

impl Broker {
    /// Authenticates a CONNECT from `peer` (with the subject of its TLS certificate, if it
    /// presented one); the error is the CONNACK reason to refuse it with. The client
    /// identifier must already be assigned.
    pub async fn authenticate(
        &self,
        settings: &Settings,
        connect: &Connect,
        peer: SocketAddr,
        cert_subject: Option<Arc<str>>,
    ) -> Result<Arc<Identity>, ReasonCode> {
        let identity = Identity::client(
            Arc::from(connect.client_id.as_str()),
            connect.username.as_deref().map(Arc::from),
            peer,
            cert_subject,
        );
        let checked = self
            .check_credentials(
                settings,
                connect.username.as_deref(),
                connect.password.as_deref(),
                peer,
            )
            .await;
        if let Err(code) = checked {
            warn!(
                client_id = %connect.client_id,
                username = connect.username.as_deref().unwrap_or(""),
                %peer,
                reason = code.0,
                "login failed"
            );
            return Err(code);
        }
        if let Some(will) = &connect.will {
            self.check_publish(settings, &identity, &will.topic)?;
        }
        Ok(Arc::new(identity))
    }

    /// Whether `username` may connect with `password`; failures count against `peer`'s
    /// address.
    async fn check_credentials(
        &self,
        settings: &Settings,
        username: Option<&str>,
        password: Option<&[u8]>,
        peer: SocketAddr,
    ) -> Result<(), ReasonCode> {
        let passwords = &settings.auth.passwords;
        let Some(username) = username else {
            return if settings.allow_anonymous {
                Ok(())
            } else {
                Err(ReasonCode::NOT_AUTHORIZED)
            };
        };
        if passwords.is_empty() {
            return if settings.allow_anonymous {
                Ok(())
            } else {
                Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
            };
        }
        let throttle = &self.inner.throttle;
        if !throttle.wait_turn(peer.ip()).await {
            return Err(ReasonCode::SERVER_BUSY);
        }
        let secret = passwords.get(username).cloned();
        let given = password.unwrap_or_default().to_vec();
        let valid = match secret {
            None => false,
            Some(secret) => self.verify(secret, given).await,
        };
        if valid {
            throttle.succeeded(peer.ip());
            Ok(())
        } else {
            throttle.failed(peer.ip());
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        }
    }

    /// Checks `password` against `secret`; a costly check runs on the blocking pool, at most
    /// a few at once.
    pub async fn verify(&self, secret: StoredSecret, password: Vec<u8>) -> bool {
        if !secret.is_costly() {
            return secret.verify(&password);
        }
        let Ok(_permit) = self.inner.password_checks.acquire().await else {
            return false;
        };
        tokio::task::spawn_blocking(move || secret.verify(&password))
            .await
            .unwrap_or(false)
    }
}
