//! Every rule of `Config::validate`: a passing and a failing case, with the field named.

use crate::config::*;

fn with(change: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::default();
    change(&mut config);
    config
}

#[track_caller]
fn assert_valid(change: impl FnOnce(&mut Config)) {
    assert_eq!(with(change).validate(), Ok(()));
}

#[track_caller]
fn assert_invalid(field: &str, change: impl FnOnce(&mut Config)) -> ConfigError {
    let error = with(change).validate().unwrap_err();
    assert_eq!(error.field, field, "{error}");
    error
}

fn bridged(change: impl FnOnce(&mut BridgeConfig)) -> impl FnOnce(&mut Config) {
    |config: &mut Config| {
        config.bridge.bridge_mode = true;
        change(&mut config.bridge);
    }
}

#[test]
fn default_is_valid() {
    assert_eq!(Config::default().validate(), Ok(()));
}

#[test]
fn tcp_url() {
    assert_valid(|c| c.url = "tcp://127.0.0.1:0".into());
    assert_valid(|c| c.url = "mqtt-tcp://[::]:1883".into());
    let error = assert_invalid("url", |c| c.url = "nmq-ws://0.0.0.0:1883".into());
    assert_eq!(
        error.to_string(),
        "field `url`: must start with nmq-tcp://, tcp:// or mqtt-tcp://"
    );
    assert_invalid("url", |c| c.url = "nmq-tcp://0.0.0.0".into());
    assert_invalid("url", |c| c.url = "nmq-tcp://0.0.0.0:65536".into());
    assert_invalid("url", |c| c.url = "nmq-tcp://0.0.0.0:1883/mqtt".into());
}

#[test]
fn tls_url() {
    assert_valid(|c| c.tls.url = "tls://0.0.0.0:0".into());
    assert_valid(|c| c.tls.url = "nmq-tls://0.0.0.0:8883".into());
    assert_invalid("tls.url", |c| c.tls.url = "nmq-tcp://0.0.0.0:8883".into());
    assert_invalid("tls.url", |c| c.tls.url = "tls://:8883".into());
}

#[test]
fn websocket_urls() {
    assert_valid(|c| c.websocket.url = "ws://0.0.0.0:0/".into());
    assert_valid(|c| c.websocket.tls_url = "wss://[::1]:8084/mqtt".into());
    assert_invalid("websocket.url", |c| {
        c.websocket.url = "nmq-ws://0.0.0.0:8083".into()
    });
    assert_invalid("websocket.url", |c| {
        c.websocket.url = "nmq-wss://0.0.0.0:8083/mqtt".into()
    });
    assert_invalid("websocket.tls_url", |c| {
        c.websocket.tls_url = "nmq-ws://0.0.0.0:8084/mqtt".into()
    });
    assert_invalid("websocket.tls_url", |c| {
        c.websocket.tls_url = "nmq-wss://0.0.0.0:8084".into()
    });
}

#[test]
fn thread_counts() {
    assert_valid(|c| c.num_taskq_thread = 0);
    assert_valid(|c| c.num_taskq_thread = 256);
    assert_valid(|c| {
        c.num_taskq_thread = 8;
        c.max_taskq_thread = 4;
    });
    assert_invalid("num_taskq_thread", |c| c.num_taskq_thread = 257);
    assert_valid(|c| c.max_taskq_thread = 1);
    assert_valid(|c| c.max_taskq_thread = 256);
    assert_invalid("max_taskq_thread", |c| c.max_taskq_thread = 0);
    assert_invalid("max_taskq_thread", |c| c.max_taskq_thread = 257);
}

#[test]
fn counts_of_at_least_one() {
    assert_valid(|c| {
        c.parallel = 1;
        c.msq_len = 1;
        c.qos_duration = 1;
        c.property_size = 1;
    });
    assert_invalid("parallel", |c| c.parallel = 0);
    assert_invalid("msq_len", |c| c.msq_len = 0);
    assert_invalid("qos_duration", |c| c.qos_duration = 0);
    assert_invalid("property_size", |c| c.property_size = 0);
}

#[test]
fn max_packet_size() {
    assert_valid(|c| c.max_packet_size = 2);
    assert_valid(|c| c.max_packet_size = MQTT_MAX_PACKET_SIZE);
    assert_invalid("max_packet_size", |c| c.max_packet_size = 1);
    assert_invalid("max_packet_size", |c| {
        c.max_packet_size = MQTT_MAX_PACKET_SIZE + 1
    });
}

#[test]
fn http_port_any_u16() {
    assert_valid(|c| c.http_server.port = 0);
    assert_valid(|c| c.http_server.port = u16::MAX);
}

#[test]
fn jwt_needs_a_public_key_file() {
    let jwt = |keyfile: Option<&'static str>| {
        move |c: &mut Config| {
            c.http_server.auth_type = AuthType::Jwt;
            c.http_server.jwt.public_keyfile = keyfile.map(str::to_string);
        }
    };
    assert_valid(jwt(Some("etc/jwt/public.pem")));
    assert_invalid("http_server.jwt.public_keyfile", jwt(None));
    assert_invalid("http_server.jwt.public_keyfile", jwt(Some("")));
}

#[test]
fn basic_auth_needs_credentials() {
    assert_invalid("http_server.username", |c| c.http_server.username.clear());
    assert_invalid("http_server.password", |c| c.http_server.password.clear());
    assert_valid(|c| {
        c.http_server.auth_type = AuthType::NoAuth;
        c.http_server.username.clear();
        c.http_server.password.clear();
    });
}

#[test]
fn tls_needs_key_and_cert() {
    let tls = |key: Option<&'static str>, cert: Option<&'static str>| {
        move |c: &mut Config| {
            c.tls.enable = true;
            c.tls.key = key.map(str::to_string);
            c.tls.cert = cert.map(str::to_string);
        }
    };
    assert_valid(tls(Some("key.pem"), Some("cert.pem")));
    assert_invalid("tls.key", tls(None, Some("cert.pem")));
    assert_invalid("tls.cert", tls(Some("key.pem"), None));
    assert_invalid("tls.cert", tls(Some("key.pem"), Some("")));
    assert_valid(|c| c.tls.key = None);
}

#[test]
fn verify_peer_needs_a_ca() {
    let verify = |cacert: Option<&'static str>| {
        move |c: &mut Config| {
            c.tls.enable = true;
            c.tls.key = Some("key.pem".into());
            c.tls.cert = Some("cert.pem".into());
            c.tls.verify_peer = true;
            c.tls.cacert = cacert.map(str::to_string);
        }
    };
    assert_valid(verify(Some("ca.pem")));
    assert_invalid("tls.cacert", verify(None));
}

#[test]
fn users_are_named_and_unique() {
    let user = |name: &str| UserCredential {
        username: name.into(),
        password: "pw".into(),
    };
    assert_valid(|c| c.users = vec![user("a"), user("b")]);
    assert_invalid("users[0].username", |c| c.users = vec![user("")]);
    let error = assert_invalid("users[2].username", |c| {
        c.users = vec![user("a"), user("b"), user("a")]
    });
    assert_eq!(error.reason, "duplicate username `a`");
}

#[test]
fn bridge_is_checked_only_when_on() {
    assert_valid(|c| {
        c.bridge.address = "nowhere".into();
        c.bridge.proto_ver = 9;
    });
    assert_invalid("bridge.address", bridged(|b| b.address = "nowhere".into()));
    assert_invalid(
        "bridge.address",
        bridged(|b| b.address = "http://h:1883".into()),
    );
    assert_valid(bridged(|b| b.address = "broker.emqx.io:1883".into()));
    assert_valid(bridged(|b| b.address = "mqtt-tls://[::1]:8883".into()));
}

#[test]
fn bridge_proto_ver() {
    for version in [3, 4, 5] {
        assert_valid(bridged(|b| b.proto_ver = version));
    }
    let error = assert_invalid("bridge.proto_ver", bridged(|b| b.proto_ver = 6));
    assert_eq!(
        error.to_string(),
        "field `bridge.proto_ver`: must be 3, 4 or 5"
    );
    assert_invalid("bridge.proto_ver", bridged(|b| b.proto_ver = 2));
}

#[test]
fn bridge_keepalive_and_parallel() {
    assert_valid(bridged(|b| b.keepalive = 65_535));
    assert_valid(bridged(|b| b.keepalive = 0));
    assert_invalid("bridge.keepalive", bridged(|b| b.keepalive = 65_536));
    assert_valid(bridged(|b| b.parallel = 1));
    assert_invalid("bridge.parallel", bridged(|b| b.parallel = 0));
}

#[test]
fn bridge_forwards_are_filters() {
    assert_valid(bridged(|b| {
        b.forwards = vec!["a/#".into(), "+/b".into(), "#".into()]
    }));
    assert_invalid(
        "bridge.forwards[1]",
        bridged(|b| b.forwards = vec!["a".into(), "a/#/b".into()]),
    );
    assert_invalid(
        "bridge.forwards[0]",
        bridged(|b| b.forwards = vec![String::new()]),
    );
    assert_invalid(
        "bridge.forwards[0]",
        bridged(|b| b.forwards = vec!["a+".into()]),
    );
}

#[test]
fn bridge_subscriptions() {
    let subscription = |topic: &str, qos: u8| BridgeSubscription {
        topic: topic.into(),
        qos,
    };
    assert_valid(bridged(|b| {
        b.subscription = vec![subscription("cmd/+", 2), subscription("x/#", 0)]
    }));
    assert_invalid(
        "bridge.subscription[1].qos",
        bridged(|b| b.subscription = vec![subscription("a", 1), subscription("b", 3)]),
    );
    assert_invalid(
        "bridge.subscription[0].topic",
        bridged(|b| b.subscription = vec![subscription("a/b#", 1)]),
    );
}

#[test]
fn log_settings_are_checked_with_the_field_named() {
    assert_invalid("log.to", |c| c.log.to.clear());
    assert_invalid("log.rotation.size", |c| c.log.rotation.size = "lots".into());
    assert_invalid("log.rotation.size", |c| c.log.rotation.size = "10".into());
    assert_invalid("log.rotation.count", |c| c.log.rotation.count = 0);
    assert_invalid("log.file", |c| {
        c.log.to = vec![crate::config::LogTarget::File];
        c.log.file = "a/b.log".into();
    });
    assert_eq!(crate::config::parse_size("10MB"), Some(10 << 20));
    assert_eq!(crate::config::parse_size("512kb"), Some(512 << 10));
    assert_eq!(crate::config::parse_size("2048"), Some(2048));
    assert_eq!(crate::config::parse_size("1TB"), None);
}
