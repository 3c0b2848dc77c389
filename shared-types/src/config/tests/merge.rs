//! `merge_json` and `Config::merged`: partial updates as `POST /configuration` applies them.

use serde_json::{Value, json};

use crate::config::*;

#[test]
fn merge_json_deep_merges_objects() {
    let mut base = json!({"a": 1, "o": {"x": 1, "y": {"deep": true}}, "list": [1, 2]});
    merge_json(
        &mut base,
        &json!({"o": {"y": {"more": 1}}, "list": [3], "new": "n"}),
    );
    assert_eq!(
        base,
        json!({"a": 1, "o": {"x": 1, "y": {"deep": true, "more": 1}}, "list": [3], "new": "n"})
    );
}

#[test]
fn merge_json_replaces_scalars_arrays_and_nulls() {
    let mut base = json!({"a": {"b": 1}, "c": [1], "d": "x"});
    merge_json(&mut base, &json!({"a": 5, "c": {"k": 1}, "d": null}));
    assert_eq!(base, json!({"a": 5, "c": {"k": 1}, "d": null}));
    let mut scalar = json!(1);
    merge_json(&mut scalar, &json!({"k": 2}));
    assert_eq!(scalar, json!({"k": 2}));
}

#[test]
fn partial_patch_keeps_the_rest() {
    let base = Config::default();
    let merged = base.merged(&json!({"msq_len": 128})).unwrap();
    assert_eq!(merged.msq_len, 128);
    assert_eq!(
        Config {
            msq_len: 64,
            ..merged
        },
        base
    );
    assert_eq!(base.merged(&json!({})).unwrap(), base);
}

#[test]
fn nested_patch_changes_one_field() {
    let base = Config::default();
    let merged = base
        .merged(&json!({"http_server": {"port": 9081}, "bridge": {"forwards": ["a/#"]}}))
        .unwrap();
    assert_eq!(merged.http_server.port, 9081);
    assert_eq!(merged.http_server.username, "admin", "sibling kept");
    assert_eq!(merged.bridge.forwards, ["a/#"]);
    assert_eq!(merged.bridge.keepalive, 60);
}

#[test]
fn arrays_are_replaced_not_appended() {
    let base = Config::default()
        .merged(&json!({"bridge": {"forwards": ["a/#", "b/#"]}}))
        .unwrap();
    let merged = base
        .merged(&json!({"bridge": {"forwards": ["c"]}}))
        .unwrap();
    assert_eq!(merged.bridge.forwards, ["c"]);
}

#[test]
fn null_clears_an_option() {
    let base = Config::default()
        .merged(&json!({"bridge": {"clientid": "b1", "username": "u"}}))
        .unwrap();
    assert_eq!(base.bridge.clientid.as_deref(), Some("b1"));
    let merged = base.merged(&json!({"bridge": {"clientid": null}})).unwrap();
    assert_eq!(merged.bridge.clientid, None);
    assert_eq!(merged.bridge.username.as_deref(), Some("u"));
}

#[test]
fn null_for_a_required_field_names_it() {
    let error = Config::default()
        .merged(&json!({"http_server": {"port": null}}))
        .unwrap_err();
    assert_eq!(error.field, "http_server.port");
}

#[test]
fn unknown_field_names_its_path() {
    let error = Config::default()
        .merged(&json!({"tls": {"bogus": true}}))
        .unwrap_err();
    assert_eq!(error.field, "tls.bogus");
    assert!(error.reason.starts_with("unknown field `bogus`"), "{error}");
    let top = Config::default().merged(&json!({"nosuch": 1})).unwrap_err();
    assert_eq!(top.field, "nosuch");
    let nested = Config::default()
        .merged(&json!({"http_server": {"jwt": {"keyfile": "k"}}}))
        .unwrap_err();
    assert_eq!(nested.field, "http_server.jwt.keyfile");
}

#[test]
fn ill_typed_field_names_its_path() {
    let cases = [
        (json!({"msq_len": "64"}), "msq_len"),
        (json!({"http_server": {"port": 70000}}), "http_server.port"),
        (
            json!({"http_server": {"auth_type": "digest"}}),
            "http_server.auth_type",
        ),
        (json!({"log": {"level": "loud"}}), "log.level"),
        (
            json!({"bridge": {"subscription": [{"topic": "a", "qos": "x"}]}}),
            "bridge.subscription[0].qos",
        ),
        (
            json!({"users": [{"username": "a", "password": 1}]}),
            "users[0].password",
        ),
        (json!({"tls": null}), "tls"),
    ];
    for (patch, field) in cases {
        let error = Config::default().merged(&patch).unwrap_err();
        assert_eq!(error.field, field, "{patch}: {error}");
    }
}

#[test]
fn merged_result_is_validated() {
    let error = Config::default()
        .merged(&json!({"bridge": {"bridge_mode": true, "proto_ver": 7}}))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "field `bridge.proto_ver`: must be 3, 4 or 5"
    );
    let error = Config::default()
        .merged(&json!({"tls": {"enable": true}}))
        .unwrap_err();
    assert_eq!(error.field, "tls.key");
}

#[test]
fn patch_must_be_an_object() {
    for patch in [json!([1]), json!("x"), Value::Null] {
        let error = Config::default().merged(&patch).unwrap_err();
        assert_eq!(error.field, "");
        assert_eq!(error.to_string(), "the configuration must be a JSON object");
    }
}
