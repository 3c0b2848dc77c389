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

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
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

    /// Whether `password` is the one stored; in constant time for the comparison itself.
    pub fn verify(&self, password: &[u8]) -> bool {
        match self {
            StoredSecret::Argon2(phc) => PasswordHash::new(phc)
                .is_ok_and(|parsed| Argon2::default().verify_password(password, &parsed).is_ok()),
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

/// Hashes `password` as an argon2id PHC string with a fresh random salt and the argon2
/// crate's default cost (19 MiB, 2 passes: OWASP's recommendation).
pub fn hash_argon2id(password: &[u8]) -> Result<String, SecretError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
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
        let plain = StoredSecret::parse("public").unwrap();
        assert_eq!(plain, StoredSecret::Plain("public".into()));
        assert!(plain.verify(b"public") && !plain.verify(b"publi"));
        assert_eq!(
            format!("{plain:?}"),
            "plaintext",
            "no secret in debug output"
        );
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
