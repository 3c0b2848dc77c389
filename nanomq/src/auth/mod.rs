//! Who may connect, and what each client may do: the identity of whoever acts on the broker,
//! the users and their stored passwords, the access-control rules, and the slowing down of
//! password guessing. Loaded from the configuration (and the files it names) at each start,
//! restart and reload; the broker's operations read them as they are in force at each
//! operation (`broker::auth`, `broker::access`), and a reload disconnects the clients whose
//! login it revokes (`broker::revoke`).
//!
//! - [`identity`]: who acts.
//! - [`passwords`]: the users and their secrets.
//! - [`acl`]: the rules, compiled, and their decisions.
//! - [`acl_file`]: reading `auth.acl_file` (TOML, or NanoMQ's `acl.conf`).
//! - [`change`]: what new users and rules change, for a reload's answer.
//! - [`guard`]: refusing a configuration that would weaken access control by accident.
//! - [`throttle`]: failed logins per address and per username.

pub mod acl;
pub mod acl_file;
pub mod change;
pub mod guard;
pub mod identity;
pub mod passwords;
pub mod throttle;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use shared_types::config::Config;

use acl::Acl;
pub use identity::{Actor, Identity};
use passwords::Passwords;

/// The users and the rules in force.
#[derive(Debug, Default)]
pub struct AuthRules {
    /// Users who may connect with a password.
    pub passwords: Passwords,
    /// What clients may publish and subscribe to.
    pub acl: Acl,
    /// A number of its own (each load gets a new one): what decisions cached under these
    /// rules are tagged with.
    pub generation: u64,
}

/// Numbers the loads of [`AuthRules`].
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

/// Why the users or the rules could not be loaded: the field or file, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuthSetupError(pub String);

impl AuthRules {
    /// Loads the users (`users`, `auth.password_file`) and the rules (`auth.acl`, then
    /// `auth.acl_file`) of `config`, reading the files now.
    pub fn load(config: &Config) -> Result<AuthRules, AuthSetupError> {
        let passwords = Passwords::load(config).map_err(AuthSetupError)?;
        let auth = &config.auth;
        let mut rules: Vec<_> = auth
            .acl
            .iter()
            .enumerate()
            .map(|(index, rule)| (rule.clone(), format!("auth.acl[{index}]")))
            .collect();
        if let Some(path) = &auth.acl_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AuthSetupError(format!("auth.acl_file {path}: {e}")))?;
            let name = Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            let from_file = acl_file::parse(&name, &text)
                .map_err(|e| AuthSetupError(format!("auth.acl_file {e}")))?;
            for (rule, source) in &from_file {
                rule.validate(source)
                    .map_err(|e| AuthSetupError(e.to_string()))?;
            }
            rules.extend(from_file);
        }
        let acl = Acl::compile(rules, auth.no_match, auth.deny_action)
            .map_err(|e| AuthSetupError(e.to_string()))?;
        Ok(AuthRules {
            passwords,
            acl,
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
        })
    }
}
