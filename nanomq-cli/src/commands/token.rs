//! `nanomq-cli token create`: signs, from the private key, a JWT that the broker's
//! `auth_type = "jwt"` accepts: `iss` is the file name of the broker's public key file (what
//! NanoMQ checks) unless `--issuer` says otherwise, and `exp` is always set.
//!
//! When neither `--issuer` nor `--public-key` is given, the public key is looked for beside
//! the private key under the usual names, and only a file that really verifies the new token
//! is taken, so the issuer cannot silently be the name of some other key.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde_json::json;

use crate::cli::{TokenAlgorithm, TokenCommand, TokenCreateArgs};
use crate::context::Ctx;
use crate::error::CliError;

/// The claims of a token.
#[derive(Debug, Serialize)]
struct Claims {
    iss: String,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
}

/// Runs `token …`.
pub async fn exec(command: TokenCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let TokenCommand::Create(args) = command;
    let (token, iss, exp) = create(&args)?;
    if ctx.out.is_json() {
        return ctx
            .out
            .print_json(&json!({"token": token, "iss": iss, "exp": exp}));
    }
    ctx.out.print(&format!("{token}\n"))
}

/// Signs the token; returns it with its issuer and expiry.
pub fn create(args: &TokenCreateArgs) -> Result<(String, String, u64), CliError> {
    let pem = std::fs::read(&args.key)
        .map_err(|e| CliError::Usage(format!("--key {}: {e}", args.key.display())))?;
    let (key, algorithm) = encoding_key(&pem, args.algorithm)
        .map_err(|e| CliError::Usage(format!("--key {}: {e}", args.key.display())))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let sign = |iss: &str| {
        let claims = Claims {
            iss: iss.to_string(),
            iat: now,
            exp: now.saturating_add(args.ttl.as_secs().max(1)),
            sub: args.subject.clone(),
        };
        jsonwebtoken::encode(&Header::new(algorithm), &claims, &key)
            .map(|token| (token, claims.iss, claims.exp))
            .map_err(|e| CliError::Usage(format!("cannot sign with {algorithm:?}: {e}")))
    };
    if let Some(issuer) = &args.issuer {
        return sign(issuer);
    }
    let candidates = match &args.public_key {
        Some(path) => vec![path.clone()],
        None => public_key_candidates(&args.key),
    };
    let mut mismatched = Vec::new();
    for candidate in candidates.iter().filter(|p| p.is_file()) {
        let Some(name) = candidate
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            continue;
        };
        let signed = sign(&name)?;
        if verifies(candidate, &signed.0, algorithm) {
            return Ok(signed);
        }
        mismatched.push(candidate.display().to_string());
    }
    let looked = candidates
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Err(CliError::Usage(if mismatched.is_empty() {
        format!(
            "cannot tell the issuer: no public key file found (looked for {looked}); \
             give --public-key FILE (the broker's jwt.public_keyfile) or --issuer NAME"
        )
    } else {
        format!(
            "{} does not match --key {}; give --public-key FILE or --issuer NAME",
            mismatched.join(", "),
            args.key.display()
        )
    }))
}

/// The signing key and algorithm: RSA keys sign RS256 and EC keys ES256 unless told otherwise.
fn encoding_key(
    pem: &[u8],
    asked: Option<TokenAlgorithm>,
) -> Result<(EncodingKey, Algorithm), String> {
    if let Ok(key) = EncodingKey::from_rsa_pem(pem) {
        let algorithm = match asked {
            None | Some(TokenAlgorithm::Rs256) => Algorithm::RS256,
            Some(TokenAlgorithm::Rs384) => Algorithm::RS384,
            Some(TokenAlgorithm::Rs512) => Algorithm::RS512,
            Some(other) => return Err(format!("an RSA key cannot sign {other:?}")),
        };
        return Ok((key, algorithm));
    }
    if let Ok(key) = EncodingKey::from_ec_pem(pem) {
        let algorithm = match asked {
            None | Some(TokenAlgorithm::Es256) => Algorithm::ES256,
            Some(TokenAlgorithm::Es384) => Algorithm::ES384,
            Some(other) => return Err(format!("an EC key cannot sign {other:?}")),
        };
        return Ok((key, algorithm));
    }
    Err("not a PEM RSA or EC private key".to_string())
}

/// Whether the public key in `path` verifies `token`.
fn verifies(path: &Path, token: &str, algorithm: Algorithm) -> bool {
    let Ok(pem) = std::fs::read(path) else {
        return false;
    };
    let key = match algorithm {
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(&pem),
        _ => DecodingKey::from_rsa_pem(&pem),
    };
    let Ok(key) = key else {
        return false;
    };
    let mut validation = Validation::new(algorithm);
    validation.validate_aud = false;
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).is_ok()
}

/// Where the public key of `key` usually is: `KEY.pub` (as `openssl … -pubout -out
/// jwtRS256.key.pub`), `STEM.pub`, `STEM.pub.pem`, `STEM_pub.pem`, `STEM-pub.pem`, and the
/// name with `private` replaced by `public` (`private.pem` → `public.pem`).
pub fn public_key_candidates(key: &Path) -> Vec<PathBuf> {
    let Some(name) = key.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let stem = key
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    let mut names = vec![
        format!("{name}.pub"),
        format!("{stem}.pub"),
        format!("{stem}.pub.pem"),
        format!("{stem}_pub.pem"),
        format!("{stem}-pub.pem"),
    ];
    let swap = [
        ("private", "public"),
        ("Private", "Public"),
        ("priv", "pub"),
    ]
    .into_iter()
    .find(|(private, _)| name.contains(private));
    if let Some((private, public)) = swap {
        names.push(name.replacen(private, public, 1));
    }
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| *n != name && seen.insert(n.clone()))
        .map(|n| key.with_file_name(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_names() {
        let names = |key: &str| -> Vec<String> {
            public_key_candidates(Path::new(key))
                .into_iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(
            names("/k/jwtRS256.key"),
            [
                "/k/jwtRS256.key.pub",
                "/k/jwtRS256.pub",
                "/k/jwtRS256.pub.pem",
                "/k/jwtRS256_pub.pem",
                "/k/jwtRS256-pub.pem"
            ]
        );
        assert!(names("/k/jwt-private.pem").contains(&"/k/jwt-public.pem".to_string()));
        assert!(names("private.pem").contains(&"public.pem".to_string()));
    }
}
