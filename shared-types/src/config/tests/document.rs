//! The Chinese document's configuration examples, the default file, and TOML/JSON round trips.

use serde_json::{Value, json};

use crate::config::*;
use crate::envelope::ApiResponse;
use crate::test_support::assert_json_subset;

/// The reply of the document's `GET /api/v4/configuration` example, byte for byte.
const GET_EXAMPLE: &str = include_str!("../../../testdata/config_get_example.json");

/// The body of the document's `POST /api/v4/configuration` example, byte for byte.
const POST_EXAMPLE: &str = include_str!("../../../testdata/config_post_example.json");

const DEFAULT_FILE: &str = include_str!("../../../../etc/nanomq.conf");

#[test]
fn get_example_deserializes_and_round_trips() {
    let response: ApiResponse<Config> = serde_json::from_str(GET_EXAMPLE).unwrap();
    let config = response.data.clone().unwrap();
    assert_eq!(config.url, "nmq-tcp://0.0.0.0:1883");
    assert_eq!(config.qos_duration, 10, "absent, so the default");
    assert_eq!(config.tls.key, None);
    assert_eq!(config.http_server.auth_type, AuthType::Basic);
    assert_eq!(config.bridge.address, "mqtt-tcp://broker.emqx.io:1883");
    assert_eq!(config.bridge.clientid.as_deref(), Some("bridge_client"));
    assert_eq!(config.bridge.forwards, ["topic1/#", "topic2/#"]);
    assert_eq!(
        config.bridge.subscription[1],
        BridgeSubscription {
            topic: "cmd/topic2".into(),
            qos: 2
        }
    );
    assert_eq!(config.validate(), Ok(()));
    let again = serde_json::to_value(&response).unwrap();
    let original: Value = serde_json::from_str(GET_EXAMPLE).unwrap();
    assert_json_subset(&original, &again, "");
    assert_eq!(
        again["data"]["tls"]["key"],
        Value::Null,
        "None is null in JSON"
    );
}

#[test]
fn post_example_deserializes_validates_and_merges() {
    let request: ConfigUpdateRequest = serde_json::from_str(POST_EXAMPLE).unwrap();
    let data = request.data.unwrap();
    let config = Config::from_json_value(data.clone()).unwrap();
    assert_eq!(config.num_taskq_thread, 8);
    assert_eq!(config.max_taskq_thread, 4);
    assert_eq!(config.tls.url, "nmq-tls://0.0.0.0:8883");
    assert_eq!(config.bridge.address, "127.0.0.1:1883");
    assert_eq!(config.bridge.parallel, 1);
    assert_eq!(
        config.validate(),
        Ok(()),
        "num > max is clamped, not refused"
    );
    let merged = Config::default().merged(&data).unwrap();
    assert_eq!(merged, config);
    assert_json_subset(&data, &serde_json::to_value(&merged).unwrap(), "data");
}

#[test]
fn update_request_without_data() {
    let empty: ConfigUpdateRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.data, None);
    let null: ConfigUpdateRequest = serde_json::from_str(r#"{"data":null}"#).unwrap();
    assert_eq!(null.data, None);
    assert!(serde_json::from_str::<ConfigUpdateRequest>(r#"{"dat":{}}"#).is_err());
}

#[test]
fn default_file_is_the_default_config() {
    let config = Config::from_toml_str(DEFAULT_FILE).unwrap();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config, Config::default());
}

/// `key = value` or `# key = value`: a key of the file, set or shown commented out.
fn key_of_line(line: &str) -> Option<&str> {
    let line = line.strip_prefix("# ").unwrap_or(line);
    let (key, _) = line.split_once(" = ")?;
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    plain.then_some(key)
}

#[test]
fn default_file_has_every_key_with_a_comment() {
    let lines: Vec<&str> = DEFAULT_FILE.lines().collect();
    let mut keys = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(key) = key_of_line(line) {
            let above = lines[index - 1];
            assert!(
                above.starts_with("# ") && key_of_line(above).is_none(),
                "no comment above `{line}`"
            );
            keys.push(key);
        }
    }
    let schema = serde_json::to_value(Config::default()).unwrap();
    for (name, value) in schema.as_object().unwrap() {
        match value.as_object() {
            Some(section) => {
                // Sub-sections are checked by their own keys (`[log.rotation]`'s size, count).
                for key in section
                    .iter()
                    .filter(|(key, v)| *key != "jwt" && !v.is_object())
                    .map(|(key, _)| key)
                {
                    assert!(
                        keys.contains(&key.as_str()),
                        "{name}.{key} is not in the file"
                    );
                }
            }
            None => assert!(keys.contains(&name.as_str()), "{name} is not in the file"),
        }
    }
    let jwt = DEFAULT_FILE
        .split("\n# [http_server.jwt]\n")
        .nth(1)
        .unwrap();
    assert!(jwt.contains("# public_keyfile = ") && jwt.contains("# issuer = "));
}

#[test]
fn defaults_of_the_schema() {
    let config = Config::default();
    assert_eq!(
        (
            config.num_taskq_thread,
            config.max_taskq_thread,
            config.parallel
        ),
        (4, 4, 32)
    );
    assert_eq!(
        (config.property_size, config.msq_len, config.qos_duration),
        (32, 64, 10)
    );
    assert!(config.allow_anonymous && !config.daemon);
    assert_eq!(config.max_packet_size, 1_048_576);
    assert_eq!(config.log.level, LogLevel::Info);
    assert_eq!(config.tls.url, "tls+nmq-tcp://0.0.0.0:8883");
    assert!(config.websocket.enable);
    assert_eq!(config.http_server.port, 8081);
    assert!(!config.http_server.prometheus_no_auth);
    assert_eq!(config.bridge.address, "mqtt-tcp://127.0.0.1:1883");
    assert_eq!((config.bridge.proto_ver, config.bridge.keepalive), (4, 60));
    assert_eq!(
        (config.bridge.parallel, config.bridge.max_queued),
        (2, 1024)
    );
}

#[test]
fn a_three_line_file_is_enough() {
    let config =
        Config::from_toml_str("url = \"tcp://127.0.0.1:0\"\n[http_server]\nport = 0\n").unwrap();
    assert_eq!(config.url, "tcp://127.0.0.1:0");
    assert_eq!(config.http_server.port, 0);
    assert_eq!(config.http_server.username, "admin");
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(Config::from_toml_str("").unwrap(), Config::default());
}

fn everything_set() -> Config {
    let defaults = Config::default();
    Config {
        users: vec![UserCredential {
            username: "alice".into(),
            password: "secret".into(),
        }],
        log: LogConfig {
            level: LogLevel::Debug,
            ..LogConfig::default()
        },
        tls: TlsConfig {
            key_password: Some("pw".into()),
            key: Some("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into()),
            cert: Some("etc/cert.pem".into()),
            cacert: Some("etc/ca.pem".into()),
            ..defaults.tls
        },
        http_server: HttpServerConfig {
            auth_type: AuthType::Jwt,
            jwt: JwtConfig {
                public_keyfile: Some("etc/jwt.pem".into()),
                issuer: Some("me".into()),
            },
            ..defaults.http_server
        },
        bridge: BridgeConfig {
            clientid: Some("bridge".into()),
            username: Some("u".into()),
            password: Some("p".into()),
            forwards: vec!["a/#".into()],
            subscription: vec![BridgeSubscription {
                topic: "cmd/+".into(),
                qos: 1,
            }],
            ..defaults.bridge
        },
        ..defaults
    }
}

#[test]
fn toml_round_trips_with_and_without_options() {
    for config in [Config::default(), everything_set()] {
        let text = config.to_toml_string().unwrap();
        assert_eq!(Config::from_toml_str(&text).unwrap(), config, "{text}");
    }
}

#[test]
fn json_round_trips_with_and_without_options() {
    for config in [Config::default(), everything_set()] {
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&text).unwrap(), config);
    }
    let value = serde_json::to_value(everything_set()).unwrap();
    assert_eq!(
        value["users"],
        json!([{"username": "alice", "password": "secret"}])
    );
    assert_eq!(value["http_server"]["auth_type"], "jwt");
    assert_eq!(value["http_server"]["jwt"]["issuer"], "me");
}

#[test]
fn keypass_is_accepted_for_key_password() {
    let config = Config::from_json_value(json!({"tls": {"keypass": "pw"}})).unwrap();
    assert_eq!(config.tls.key_password.as_deref(), Some("pw"));
}

#[test]
fn toml_errors_name_the_field() {
    let unknown = Config::from_toml_str("[tls]\nbogus = 2\n").unwrap_err();
    assert_eq!(unknown.field, "tls.bogus");
    let level = Config::from_toml_str("[log]\nlevel = \"loud\"\n").unwrap_err();
    assert_eq!(level.field, "log.level");
    let typed = Config::from_toml_str("[http_server]\nport = 70000\n").unwrap_err();
    assert_eq!(typed.field, "http_server.port");
    let syntax = Config::from_toml_str("url = \n").unwrap_err();
    assert_eq!(syntax.field, "");
    assert!(syntax.to_string().starts_with("line 1: "), "{syntax}");
    // One line, naming the line of the file as well as the field.
    let placed = Config::from_toml_str("msq_len = 1\n\n[tls]\nbogus = 2\n").unwrap_err();
    assert_eq!((placed.field.as_str(), placed.line), ("tls.bogus", Some(4)));
    let typed = Config::from_toml_str("# comment\nparallel = \"x\"\n").unwrap_err();
    assert_eq!(typed.line, Some(2));
    for error in [&syntax, &placed, &typed] {
        assert_eq!(error.to_string().lines().count(), 1, "{error}");
    }
}
