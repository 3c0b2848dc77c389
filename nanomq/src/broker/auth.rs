//! Authentication at CONNECT: who the client is, and whether it may connect.
//!
//! Anonymous clients need `allow_anonymous`; a client giving a username must match the
//! configured user list when there is one. Passwords are compared in constant time. The will
//! is checked against the same rules as the client's own PUBLISH packets, since the broker
//! publishes it on the client's behalf.

use std::net::SocketAddr;
use std::sync::Arc;

use subtle::ConstantTimeEq;

use super::{Broker, Identity, Settings};
use crate::codec::{Connect, ReasonCode};

impl Broker {
    /// Authenticates a CONNECT from `peer` (with the subject of its TLS certificate, if it
    /// presented one); the error is the CONNACK reason to refuse it with. The client
    /// identifier must already be assigned.
    pub fn authenticate(
        &self,
        settings: &Settings,
        connect: &Connect,
        peer: SocketAddr,
        cert_subject: Option<Arc<str>>,
    ) -> Result<Arc<Identity>, ReasonCode> {
        check_credentials(
            connect.username.as_deref(),
            connect.password.as_deref(),
            settings,
        )?;
        let identity = Identity::client(
            Arc::from(connect.client_id.as_str()),
            connect.username.as_deref().map(Arc::from),
            peer,
            cert_subject,
        );
        if let Some(will) = &connect.will {
            self.check_publish(settings, &identity, &will.topic)?;
        }
        Ok(Arc::new(identity))
    }
}

/// Anonymous clients need `allow_anonymous`; a client giving a username must match the
/// configured user list when there is one. Passwords are compared in constant time.
fn check_credentials(
    username: Option<&str>,
    password: Option<&[u8]>,
    settings: &Settings,
) -> Result<(), ReasonCode> {
    let Some(username) = username else {
        return if settings.allow_anonymous {
            Ok(())
        } else {
            Err(ReasonCode::NOT_AUTHORIZED)
        };
    };
    if settings.users.is_empty() {
        return if settings.allow_anonymous {
            Ok(())
        } else {
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        };
    }
    let expected = settings.users.get(username).map(String::as_bytes);
    let given = password.unwrap_or_default();
    match expected {
        Some(expected) if bool::from(expected.ct_eq(given)) => Ok(()),
        _ => Err(ReasonCode::BAD_USERNAME_OR_PASSWORD),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_types::config::Config;

    fn settings(allow_anonymous: bool, users: &[(&str, &str)]) -> Settings {
        let mut s = Settings::from_config(&Config::default());
        s.allow_anonymous = allow_anonymous;
        s.users = users
            .iter()
            .map(|(u, p)| ((*u).to_owned(), (*p).to_owned()))
            .collect();
        s
    }

    #[test]
    fn anonymous_clients_need_allow_anonymous() {
        assert_eq!(check_credentials(None, None, &settings(true, &[])), Ok(()));
        assert_eq!(
            check_credentials(None, None, &settings(false, &[("a", "b")])),
            Err(ReasonCode::NOT_AUTHORIZED)
        );
    }

    #[test]
    fn usernames_are_checked_against_the_user_list() {
        let s = settings(true, &[("alice", "secret")]);
        assert_eq!(
            check_credentials(Some("alice"), Some(b"secret"), &s),
            Ok(())
        );
        assert_eq!(
            check_credentials(Some("alice"), Some(b"wrong"), &s),
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        );
        assert_eq!(
            check_credentials(Some("alice"), None, &s),
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        );
        assert_eq!(
            check_credentials(Some("mallory"), Some(b"secret"), &s),
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        );
    }

    #[test]
    fn without_a_user_list_usernames_follow_allow_anonymous() {
        assert_eq!(
            check_credentials(Some("x"), None, &settings(true, &[])),
            Ok(())
        );
        assert_eq!(
            check_credentials(Some("x"), None, &settings(false, &[])),
            Err(ReasonCode::BAD_USERNAME_OR_PASSWORD)
        );
    }
}
