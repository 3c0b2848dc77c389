//! End-to-end: `token create` signs JWTs that a broker with `auth_type = "jwt"` accepts (ES256
//! and RS256, the issuer found from the public key file beside the private one), and the
//! refusals the broker gives otherwise, as exit code 4.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::path::Path;

use shared_types::config::AuthType;
use support::{Cli, TestBroker, WithCli, test_config};

/// A broker whose HTTP API takes JWTs verified with the public key file `public`.
async fn jwt_broker(public: &Path) -> TestBroker {
    let mut config = test_config();
    config.http_server.auth_type = AuthType::Jwt;
    config.http_server.jwt.public_keyfile = Some(public.display().to_string());
    TestBroker::start(config).await
}

fn ec_pair(dir: &Path, private: &str, public: &str) {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    std::fs::write(dir.join(private), pair.serialize_pem()).unwrap();
    std::fs::write(dir.join(public), pair.public_key_pem()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn es256_token_from_key_and_key_pub() {
    let keys = tempfile::tempdir().unwrap();
    ec_pair(keys.path(), "jwtES256.key", "jwtES256.key.pub");
    ec_pair(keys.path(), "other.key", "other.key.pub");
    let broker = jwt_broker(&keys.path().join("jwtES256.key.pub")).await;
    let key = keys.path().join("jwtES256.key");

    let token = Cli::new()
        .args(["token", "create", "--key"])
        .args([&key])
        .run()
        .await
        .ok();
    let token = token.trim_end();
    assert_eq!(token.split('.').count(), 3, "{token}");
    let nodes = broker
        .cli()
        .args(["--token", token, "nodes", "-o", "json"])
        .run()
        .await
        .json();
    assert_eq!(nodes[0]["node_status"], "Running");
    let env = broker
        .cli()
        .env("NANOMQ_TOKEN", token)
        .args(["status"])
        .run()
        .await
        .ok();
    assert!(env.contains("Running"), "{env}");

    let json = Cli::new()
        .args(["token", "create", "--ttl", "30m", "-o", "json", "--key"])
        .args([&key])
        .run()
        .await
        .json();
    assert_eq!(json["iss"], "jwtES256.key.pub");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = json["exp"].as_u64().unwrap();
    assert!(
        (now + 1790..=now + 1810).contains(&exp),
        "exp {exp}, now {now}"
    );

    let none = broker.cli().args(["status"]).run().await.fails(4);
    assert!(
        none.starts_with("nanomq-cli: empty username or password (code 104)"),
        "{none}"
    );
    let wrong_issuer = Cli::new()
        .args(["token", "create", "--issuer", "someone", "--key"])
        .args([&key])
        .run()
        .await
        .ok();
    let refused = broker
        .cli()
        .args(["--token", wrong_issuer.trim_end(), "status"])
        .run()
        .await
        .fails(4);
    assert_eq!(
        refused,
        "nanomq-cli: wrong username or password (code 103): token issuer (iss) not accepted\n"
    );
    let other = Cli::new()
        .args(["token", "create", "--key"])
        .args([&keys.path().join("other.key")])
        .run()
        .await
        .ok();
    let refused = broker
        .cli()
        .args(["--token", other.trim_end(), "status"])
        .run()
        .await
        .fails(4);
    assert!(
        refused.starts_with("nanomq-cli: wrong username or password (code 103)"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs256_token_from_private_and_public_pem() {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let keys = tempfile::tempdir().unwrap();
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    let public = rsa::RsaPublicKey::from(&private);
    let private_path = keys.path().join("private.pem");
    std::fs::write(
        &private_path,
        private.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    let public_path = keys.path().join("public.pem");
    std::fs::write(
        &public_path,
        public.to_public_key_pem(LineEnding::LF).unwrap(),
    )
    .unwrap();
    let broker = jwt_broker(&public_path).await;

    let json = Cli::new()
        .args(["token", "create", "-o", "json", "--key"])
        .args([&private_path])
        .run()
        .await
        .json();
    assert_eq!(json["iss"], "public.pem");
    let token = json["token"].as_str().unwrap();
    let header = token.split('.').next().unwrap();
    let header = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header);
    let header: serde_json::Value = serde_json::from_slice(&header.unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    broker
        .cli()
        .args(["--token", token, "clients", "list"])
        .run()
        .await
        .ok();

    std::fs::rename(&public_path, keys.path().join("elsewhere.pem")).unwrap();
    let lost = Cli::new()
        .args(["token", "create", "--key"])
        .args([&private_path])
        .run()
        .await
        .fails(2);
    assert!(lost.contains("give --public-key FILE"), "{lost}");
    let named = Cli::new()
        .args(["token", "create", "--public-key"])
        .args([&keys.path().join("elsewhere.pem")])
        .args(["--key"])
        .args([&private_path])
        .run()
        .await
        .ok();
    assert!(named.starts_with("eyJ"), "{named}");
    let not_a_key = Cli::new()
        .args(["token", "create", "--key", "/nonexistent.pem"])
        .run()
        .await
        .fails(2);
    assert!(
        not_a_key.starts_with("nanomq-cli: --key /nonexistent.pem: "),
        "{not_a_key}"
    );
}
