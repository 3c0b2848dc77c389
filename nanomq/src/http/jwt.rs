//! Verifying the `Authorization: Bearer` tokens of `auth_type = "jwt"` (API.md §2).
//!
//! The signature is checked with the PEM public key of `http_server.jwt.public_keyfile` (RSA:
//! RS256/384/512; EC: ES256/384), and only with the algorithms of that key's family, so a token
//! signed `HS256` with the public key as secret, or `alg: none`, is refused. The claims are
//! checked here rather than by `jsonwebtoken` because NanoMQ's documented tokens carry `exp`
//! and `iat` as decimal strings (`"exp": "1683283256"`), which a drop-in must accept.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use shared_types::ResultCode;
use shared_types::config::JwtConfig;

use super::error::ApiError;

/// Seconds a token is still accepted after its `exp`, or already before its `nbf` (clock skew
/// between issuer and broker).
pub const EXPIRY_LEEWAY_SECS: u64 = 60;
/// The furthest `exp` accepted, from now (10 years): a token claiming more is a token that
/// never expires in disguise (`1e300`, `"18446744073709551615"`), and is refused.
pub const MAX_LIFETIME_SECS: u64 = 10 * 366 * 86_400;

/// Checks bearer tokens against one public key.
pub struct JwtVerifier {
    key: DecodingKey,
    validation: Validation,
    issuers: Vec<String>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("algorithms", &self.validation.algorithms)
            .field("issuers", &self.issuers)
            .finish_non_exhaustive()
    }
}

/// The claims looked at; anything else in the token is ignored.
#[derive(Deserialize)]
struct Claims {
    iss: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
}

impl JwtVerifier {
    /// Reads the public key file; the accepted issuers are its file name (NanoMQ's rule) and
    /// `issuer` when configured.
    pub fn load(config: &JwtConfig) -> Result<JwtVerifier, String> {
        let Some(path) = config.public_keyfile.as_deref().filter(|p| !p.is_empty()) else {
            return Err("jwt.public_keyfile is required when auth_type is jwt".to_string());
        };
        let pem = std::fs::read(path).map_err(|e| format!("jwt.public_keyfile {path}: {e}"))?;
        let mut issuers: Vec<String> = Path::new(path)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .into_iter()
            .collect();
        issuers.extend(config.issuer.iter().filter(|i| !i.is_empty()).cloned());
        JwtVerifier::from_pem(&pem, issuers)
            .map_err(|reason| format!("jwt.public_keyfile {path}: {reason}"))
    }

    /// A verifier for a PEM public key (RSA or EC) and the accepted `iss` values.
    pub fn from_pem(pem: &[u8], issuers: Vec<String>) -> Result<JwtVerifier, String> {
        let (key, algorithms) = if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
            let rsa = vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
            (key, rsa)
        } else if let Ok(key) = DecodingKey::from_ec_pem(pem) {
            (key, vec![Algorithm::ES256, Algorithm::ES384])
        } else {
            return Err("not a PEM RSA or EC public key".to_string());
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.algorithms = algorithms;
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        Ok(JwtVerifier {
            key,
            validation,
            issuers,
        })
    }

    /// Checks a token: bad signature, wrong algorithm, wrong or missing `iss`, missing or
    /// malformed `exp`, malformed `nbf` or one still in the future, anything unparseable →
    /// 401/103; expired → 401/116.
    pub fn verify(&self, token: &str) -> Result<(), ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|error| rejected(format!("invalid token: {}", describe(&error))))?;
        let claims = data.claims;
        let issuer = claims.iss.as_ref().and_then(Value::as_str);
        if !issuer.is_some_and(|iss| self.issuers.iter().any(|known| known == iss)) {
            return Err(rejected("token issuer (iss) not accepted"));
        }
        let Some(exp) = claims.exp.as_ref().and_then(numeric_date) else {
            return Err(rejected("token has no valid expiry (exp)"));
        };
        let now = unix_now();
        if exp > now.saturating_add(MAX_LIFETIME_SECS) {
            return Err(rejected(
                "token expiry (exp) is more than 10 years away: refused as never expiring",
            ));
        }
        if let Some(nbf) = &claims.nbf {
            let Some(nbf) = numeric_date(nbf) else {
                return Err(rejected("token has a malformed not-before time (nbf)"));
            };
            if nbf > now.saturating_add(EXPIRY_LEEWAY_SECS) {
                return Err(rejected("token not valid yet (nbf)"));
            }
        }
        if exp.saturating_add(EXPIRY_LEEWAY_SECS) < now {
            return Err(ApiError::unauthorized(
                "Bearer",
                ResultCode::TokenExpired,
                "token expired",
            ));
        }
        Ok(())
    }
}

fn rejected(message: impl Into<String>) -> ApiError {
    ApiError::unauthorized("Bearer", ResultCode::WrongCredentials, message)
}

/// Latest NumericDate read at all: 9999-12-31T23:59:59Z. Beyond it a number is no date.
const LAST_DATE: u64 = 253_402_300_799;

/// A JWT NumericDate given as a number (possibly fractional) or as a decimal string; `None`
/// for anything else, negative, or past year 9999.
fn numeric_date(value: &Value) -> Option<u64> {
    let date = match value {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f <= LAST_DATE as f64)
                .map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }?;
    (date <= LAST_DATE).then_some(date)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Why `jsonwebtoken` refused a token, in words (its own text is the error's name,
/// `InvalidToken`, `InvalidSignature`…).
fn describe(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    let words = match error.kind() {
        ErrorKind::InvalidToken => "not a JSON Web Token (three base64url parts separated by dots)",
        ErrorKind::InvalidSignature => "the signature does not match (signed with another key?)",
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            "signed with an algorithm the broker does not accept for its key"
        }
        ErrorKind::InvalidAlgorithmName => "its header names an unknown algorithm",
        ErrorKind::ExpiredSignature => "it has expired (exp)",
        ErrorKind::ImmatureSignature => "it is not valid yet (nbf)",
        ErrorKind::InvalidIssuer => "its issuer (iss) is not accepted",
        ErrorKind::MissingRequiredClaim(claim) => {
            return format!("the claim `{claim}` is missing");
        }
        ErrorKind::Base64(_) => "a part is not base64url",
        ErrorKind::Json(_) => "its header or claims are not valid JSON",
        ErrorKind::Utf8(_) => "a part is not UTF-8",
        _ => return error.to_string(),
    };
    words.to_string()
}
