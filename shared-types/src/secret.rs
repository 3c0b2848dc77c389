//! Stored passwords: the forms a password file (`auth.password_file`) or the `users` list may
//! hold them in, and checking a password against them. Shared by the broker, which checks, and
//! `nanomq-cli passwd`, which writes.
//!
//! - `$argon2id$v=19$m=...,t=...,p=...$salt$hash`: a PHC string, what this project writes
//!   (Mosquitto 2.1 writes the same form).
//! - `$7$iterations$salt$hash`: Mosquitto's PBKDF2-HMAC-SHA512 (`mosquitto_passwd`, 2.x).
//! - `$6$salt$hash`: Mosquitto 1.x's SHA-512 of the password followed by the salt.
//! - anything else: the password itself, in plain text (accepted, with a warning).
//!
//! Salts and hashes of the Mosquitto forms are standard base64 (padding optional); salts of
//! 12 bytes (Mosquitto 2.0) and 64 bytes (2.1) are accepted, hashes are 64 bytes.
//!
//! Argon2's cost is memory: a check fills `m` KiB. This project writes `m = 7 MiB, t = 5`
//! ([`ARGON2_MEMORY_KIB`], OWASP's setting for that memory: about as much CPU as the 19 MiB,
//! t = 2 default, with a third of the memory), and refuses a hash asking more than
//! [`MAX_ARGON2_MEMORY_KIB`] per check. The broker bounds how many checks run at once by their
//! total memory. A check's memory is allocated larger than glibc's largest dynamic mmap
//! threshold (32 MiB) and only the `m` KiB it needs are touched: so it is always mapped
//! fresh and unmapped when dropped, and a burst of logins gives its memory back to the
//! system (with ordinary allocations of ~19 MiB, glibc kept them in per-thread arenas: a
//! burst of 16 logins left the process at ~500 MB).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;

/// A password as stored.
#[derive(Clone, PartialEq, Eq)]
pub enum StoredSecret {
    /// An Argon2 PHC string.
    Argon2(String),
    /// Mosquitto's `$7$`: PBKDF2-HMAC-SHA512.
    Pbkdf2Sha512 {
        /// Iterations.
        iterations: u32,
        /// The salt.
        salt: Vec<u8>,
        /// The 64-byte derived key.
        hash: Vec<u8>,
    },
    /// Mosquitto's `$6$`: SHA-512 of the password followed by the salt.
    Sha512 {
        /// The salt.
        salt: Vec<u8>,
        /// The 64-byte digest.
        hash: Vec<u8>,
    },
    /// The password itself.
    Plain(String),
}

impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret itself, not even hashed.
        f.write_str(self.scheme())
    }
}

/// Why a stored password cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// A `$...$` form that is not one of those accepted.
    #[error("unknown password hash scheme (expected $argon2id$, $7$ or $6$)")]
    UnknownScheme,
    /// A known form with a malformed field.
    #[error("malformed {scheme} password hash: {reason}")]
    Malformed {
        /// The form.
        scheme: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// Hashing failed (no randomness for the salt).
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

/// The memory of the argon2id hashes this project writes, KiB (7 MiB).
pub const ARGON2_MEMORY_KIB: u32 = 7 * 1024;
/// The passes of the argon2id hashes this project writes.
pub const ARGON2_PASSES: u32 = 5;
/// Most memory one argon2 check may ask for, KiB (32 MiB): a stored hash asking more is
/// refused when it is read.
pub const MAX_ARGON2_MEMORY_KIB: u32 = 32 * 1024;
/// Blocks (1 KiB each) reserved for a check at least: more than glibc's largest dynamic mmap
/// threshold, so the reservation is always its own mapping, returned to the system when
/// dropped. Only the blocks the hash needs are touched.
const FRESHLY_MAPPED_BLOCKS: usize = 33 * 1024;

fn malformed(scheme: &'static str, reason: &'static str) -> SecretError {
    SecretError::Malformed { scheme, reason }
}

fn base64(text: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .ok()
}

/// A salt and a hash of the Mosquitto forms.
fn salt_and_hash(
    scheme: &'static str,
    salt: &str,
    hash: &str,
) -> Result<(Vec<u8>, Vec<u8>), SecretError> {
    let salt = base64(salt).ok_or_else(|| malformed(scheme, "the salt is not base64"))?;
    let hash = base64(hash).ok_or_else(|| malformed(scheme, "the hash is not base64"))?;
    if salt.len() != 12 && salt.len() != 64 {
        return Err(malformed(scheme, "the salt must be 12 or 64 bytes"));
    }
    if hash.len() != 64 {
        return Err(malformed(scheme, "the hash must be 64 bytes"));
    }
    Ok((salt, hash))
}

impl StoredSecret {
    /// Reads a stored password.
    pub fn parse(text: &str) -> Result<StoredSecret, SecretError> {
        if text.starts_with("$argon2") {
            let parsed =
                PasswordHash::new(text).map_err(|_| malformed("argon2", "not a PHC string"))?;
            if parsed.salt.is_none() || parsed.hash.is_none() {
                return Err(malformed("argon2", "no salt or no hash"));
            }
            let params = Params::try_from(&parsed)
                .map_err(|_| malformed("argon2", "its parameters are not valid"))?;
            if params.m_cost() > MAX_ARGON2_MEMORY_KIB {
                return Err(malformed(
                    "argon2",
                    "it asks for more than 32 MiB per check (m=32768): hash it again with `nanomq-cli passwd`",
                ));
            }
            return Ok(StoredSecret::Argon2(text.to_string()));
        }
        if let Some(rest) = text.strip_prefix("$7$") {
            let mut fields = rest.split('$');
            let (Some(iterations), Some(salt), Some(hash), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(malformed("$7$", "expected $7$iterations$salt$hash"));
            };
            let iterations = iterations
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| malformed("$7$", "the iteration count must be at least 1"))?;
            let (salt, hash) = salt_and_hash("$7$", salt, hash)?;
            return Ok(StoredSecret::Pbkdf2Sha512 {
                iterations,
                salt,
                hash,
            });
        }
        if let Some(rest) = text.strip_prefix("$6$") {
            let Some((salt, hash)) = rest.split_once('$') else {
                return Err(malformed("$6$", "expected $6$salt$hash"));
            };
            let (salt, hash) = salt_and_hash("$6$", salt, hash)?;
            return Ok(StoredSecret::Sha512 { salt, hash });
        }
        let scheme_like = text.len() > 2
            && text.starts_with('$')
            && text[1..].split('$').next().is_some_and(|id| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && text[1..].contains('$');
        if scheme_like {
            return Err(SecretError::UnknownScheme);
        }
        Ok(StoredSecret::Plain(text.to_string()))
    }

    /// The form's name, for logs.
    pub fn scheme(&self) -> &'static str {
        match self {
            StoredSecret::Argon2(_) => "argon2",
            StoredSecret::Pbkdf2Sha512 { .. } => "pbkdf2-sha512 ($7$)",
            StoredSecret::Sha512 { .. } => "sha512 ($6$)",
            StoredSecret::Plain(_) => "plaintext",
        }
    }

    /// Whether checking a password against it costs real CPU time (a key-derivation
    /// function, milliseconds), to be done off an async worker.
    pub fn is_costly(&self) -> bool {
        matches!(
            self,
            StoredSecret::Argon2(_) | StoredSecret::Pbkdf2Sha512 { .. }
        )
    }

    /// The memory a check costs, KiB: argon2's `m`, else a nominal 1 MiB.
    pub fn memory_kib(&self) -> u32 {
        match self {
            StoredSecret::Argon2(phc) => PasswordHash::new(phc)
                .ok()
                .and_then(|parsed| Params::try_from(&parsed).ok())
                .map_or(1024, |params| params.m_cost()),
            _ => 1024,
        }
    }

    /// Whether `password` is the one stored; in constant time for the comparison itself.
    pub fn verify(&self, password: &[u8]) -> bool {
        match self {
            StoredSecret::Argon2(phc) => verify_argon2(phc, password),
            StoredSecret::Pbkdf2Sha512 {
                iterations,
                salt,
                hash,
            } => {
                let mut derived = [0u8; 64];
                pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, *iterations, &mut derived);
                bool::from(derived[..].ct_eq(hash))
            }
            StoredSecret::Sha512 { salt, hash } => {
                let digest = Sha512::new()
                    .chain_update(password)
                    .chain_update(salt)
                    .finalize();
                bool::from(digest[..].ct_eq(hash))
            }
            StoredSecret::Plain(stored) => bool::from(stored.as_bytes().ct_eq(password)),
        }
    }
}

/// Checks `password` against an argon2 PHC string, in memory mapped for this check alone
/// (see the module's documentation).
fn verify_argon2(phc: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.m_cost() > MAX_ARGON2_MEMORY_KIB {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let needed = params.block_count();
    let mut blocks = Vec::with_capacity(needed.max(FRESHLY_MAPPED_BLOCKS));
    blocks.resize(needed, Block::default());
    let mut derived = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut derived,
        &mut blocks,
    );
    hashed.is_ok() && bool::from(derived[..].ct_eq(expected.as_bytes()))
}

/// Hashes `password` as an argon2id PHC string with a fresh random salt, at the cost of
/// [`ARGON2_MEMORY_KIB`] and [`ARGON2_PASSES`].
pub fn hash_argon2id(password: &[u8]) -> Result<String, SecretError> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None)
        .map_err(|error| SecretError::Hashing(error.to_string()))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password, &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| SecretError::Hashing(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines written by `mosquitto_passwd` (from Mosquitto's own test suite), with their
    /// passwords.
    const MOSQUITTO: [(&str, &str); 5] = [
        (
            "$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==",
            "test",
        ),
        (
            "$6$o+53eGXtmlfHeYrg$FY7X9DNQ4uU1j0NiPmGOOSU05ZSzhqNmNhXIof/0nLpVb1zDhcRHdaC72E3YryH7dtTiG/r6jH6C8J+30cZBgA==",
            "",
        ),
        (
            "$6$Ut1cUS9PG8+gC3vn$tOjCfSJJDe1Alu9HktxxyyzwN4+6mAMSWGRAF9gmMN8pzcGTPVEYYMAZpCEp96Oz2ZRRz5YKM6lPMf1tUbb6zA==",
            "password",
        ),
        (
            "$7$101$TdwP4Y1uJ+tFo9Bn$84rK4XGZEuBmuKJHABOT4pQOzQQPX2LIhN/m/kLG6OgxT+vS8w6vCofgzd7YonvcKXTGIwK5tFe6nAWLpCT4Ow==",
            "robots",
        ),
        (
            "$7$1000$h0tqVxBwkB9rKAXukTtffzdbBQtNy1q5FBTDwSW4hucfjpqunBbxW10NVnRk7Cfh0lQndnOv2+k4wJavgz1JNw==$02ujkUXlKkJGFzlQHNjUgXwG3XRB1mr3vs8NX5teGCJGbN4hdgSpHNHuj47j8r5SHXsO7GeHpmkpPNhLraVVcQ==",
            "password",
        ),
    ];

    #[test]
    fn mosquitto_hashes_verify() {
        for (line, password) in MOSQUITTO {
            let secret = StoredSecret::parse(line).unwrap();
            assert!(secret.verify(password.as_bytes()), "{line}");
            assert!(!secret.verify(b"wrong"), "{line}");
        }
    }

    #[test]
    fn argon2id_round_trips_and_plaintext_is_plaintext() {
        let phc = hash_argon2id(b"s3cret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        let secret = StoredSecret::parse(&phc).unwrap();
        assert!(secret.is_costly());
        assert!(secret.verify(b"s3cret"));
        assert!(!secret.verify(b"s3cre"));
        assert_eq!(secret.memory_kib(), ARGON2_MEMORY_KIB);
        assert!(phc.contains("m=7168,t=5,p=1"), "{phc}");
        let plain = StoredSecret::parse("public").unwrap();
        assert_eq!(plain, StoredSecret::Plain("public".into()));
        assert!(plain.verify(b"public") && !plain.verify(b"publi"));
        assert_eq!(
            format!("{plain:?}"),
            "plaintext",
            "no secret in debug output"
        );
    }

    /// Hashes written by other tools (the argon2 crate's defaults, argon2i, a 32-byte
    /// output) verify through the same path.
    #[test]
    fn argon2_hashes_of_other_parameters_verify() {
        let salt = SaltString::generate(&mut OsRng);
        for (algorithm, params) in [
            (Algorithm::Argon2id, Params::default()),
            (
                Algorithm::Argon2i,
                Params::new(1024, 2, 2, Some(16)).unwrap(),
            ),
            (Algorithm::Argon2d, Params::new(2048, 1, 1, None).unwrap()),
        ] {
            let phc = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            let secret = StoredSecret::parse(&phc).unwrap();
            assert!(secret.verify(b"pw"), "{phc}");
            assert!(!secret.verify(b"px"), "{phc}");
        }
        let greedy = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(MAX_ARGON2_MEMORY_KIB + 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &salt)
        .unwrap()
        .to_string();
        let refused = StoredSecret::parse(&greedy).unwrap_err().to_string();
        assert!(refused.contains("32 MiB"), "{refused}");
    }

    #[test]
    fn malformed_hashes_are_refused_with_a_reason() {
        for bad in [
            "$6$",
            "$6$njERlZMi/7DzNB9E",
            "$6$njERlZMi/7DzNB9E$",
            "$6$njE{lZMi/7DzNB9E$iiav",
            "$7$0$TdwP4Y1uJ+tFo9Bn$84rK",
            "$7$101$TdwP4Y1uJ+tFo9Bn",
            "$argon2id$nonsense",
            "$5$rounds=5000$abc$def",
        ] {
            assert!(StoredSecret::parse(bad).is_err(), "{bad}");
        }
        // A plaintext password may well start with a dollar sign.
        assert!(StoredSecret::parse("$ecret").is_ok());
    }
}
