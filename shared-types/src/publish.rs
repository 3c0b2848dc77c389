//! `POST /api/v4/mqtt/publish` and `/mqtt/publish_batch`: the publish request and the batch result.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, Unexpected};
use serde::{Deserialize, Serialize};

use crate::code::ResultCode;

/// A message to publish through the HTTP API; an unknown field is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The topic to publish to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// More topics, comma-separated ("a,b"), published to as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<String>,
    /// The payload, as text or as base64 (see `encoding`).
    pub payload: String,
    /// QoS 0, 1 or 2; 0 when absent.
    #[serde(default, deserialize_with = "qos_level")]
    pub qos: u8,
    /// The retain flag; false when absent.
    #[serde(default)]
    pub retain: bool,
    /// The client id the message is published as (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientid: Option<String>,
    /// How `payload` is encoded; plain text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<PayloadEncoding>,
    /// MQTT 5 publish properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<PublishRequestProperties>,
}

impl PublishRequest {
    /// Every topic to publish to: `topic` first, then each comma-separated part of `topics`.
    pub fn topics(&self) -> Vec<&str> {
        self.topic
            .as_deref()
            .into_iter()
            .chain(self.topics.iter().flat_map(|list| list.split(',')))
            .collect()
    }
}

/// The body of `POST /mqtt/publish_batch`.
pub type PublishBatchRequest = Vec<PublishRequest>;

/// How the `payload` of a [`PublishRequest`] is encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PayloadEncoding {
    /// The payload is the text itself.
    #[default]
    Plain,
    /// The payload is base64 and is decoded before publishing.
    Base64,
}

/// MQTT 5 properties of a published message; an unknown field is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequestProperties {
    /// 0 = unspecified bytes, 1 = UTF-8 text.
    #[serde(
        default,
        deserialize_with = "opt_format_indicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload_format_indicator: Option<u8>,
    /// Lifetime of the message, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_expiry_interval: Option<u32>,
    /// MIME type of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Topic for a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_topic: Option<String>,
    /// Correlation data for a response, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_data: Option<String>,
    /// User properties, name to value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_properties: Option<BTreeMap<String, String>>,
}

/// The outcome for one item of `publish_batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishBatchResult {
    /// The item's topic (its first, when it named several).
    pub topic: String,
    /// 0 when published, else why not.
    pub code: ResultCode,
}

fn qos_level<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    let qos = u8::deserialize(deserializer)?;
    if qos > 2 {
        return Err(de::Error::invalid_value(
            Unexpected::Unsigned(u64::from(qos)),
            &"a QoS of 0, 1 or 2",
        ));
    }
    Ok(qos)
}

fn opt_format_indicator<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u8>, D::Error> {
    match Option::<u8>::deserialize(deserializer)? {
        Some(value) if value > 1 => Err(de::Error::invalid_value(
            Unexpected::Unsigned(u64::from(value)),
            &"0 or 1",
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_request_takes_defaults() {
        let request: PublishRequest =
            serde_json::from_value(json!({"topic": "a/b", "payload": "hi"})).unwrap();
        assert_eq!(request.qos, 0);
        assert!(!request.retain);
        assert_eq!(request.encoding.unwrap_or_default(), PayloadEncoding::Plain);
        assert_eq!(request.topics(), vec!["a/b"]);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"topic": "a/b", "payload": "hi", "qos": 0, "retain": false})
        );
    }

    #[test]
    fn full_request_round_trips() {
        let value = json!({
            "topic": "t", "topics": "a,b", "payload": "aGk=", "qos": 2, "retain": true,
            "clientid": "api", "encoding": "base64",
            "properties": {
                "payload_format_indicator": 1, "message_expiry_interval": 60,
                "content_type": "text/plain", "response_topic": "r", "correlation_data": "c",
                "user_properties": {"k": "v"}
            }
        });
        let request: PublishRequest = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(request.encoding, Some(PayloadEncoding::Base64));
        let properties = request.properties.as_ref().unwrap();
        assert_eq!(properties.message_expiry_interval, Some(60));
        assert_eq!(properties.user_properties.as_ref().unwrap()["k"], "v");
        assert_eq!(request.topics(), vec!["t", "a", "b"]);
        assert_eq!(serde_json::to_value(&request).unwrap(), value);
    }

    #[test]
    fn topics_alone_are_split() {
        let request: PublishRequest =
            serde_json::from_value(json!({"topics": "x,y/z", "payload": ""})).unwrap();
        assert_eq!(request.topics(), vec!["x", "y/z"]);
        let none: PublishRequest = serde_json::from_value(json!({"payload": ""})).unwrap();
        assert!(none.topics().is_empty());
    }

    #[test]
    fn bad_fields_are_rejected() {
        for bad in [
            json!({"topic": "a", "payload": "x", "qos": 3}),
            json!({"topic": "a", "payload": "x", "qos": "1"}),
            json!({"topic": "a", "payload": "x", "retain": "yes"}),
            json!({"topic": "a", "payload": "x", "encoding": "hex"}),
            json!({"topic": "a", "payload": "x", "nosuch": 1}),
            json!({"topic": "a"}),
            json!({"topic": "a", "payload": 5}),
            json!({"topic": "a", "payload": "x", "properties": {"foo": 1}}),
            json!({"topic": "a", "payload": "x", "properties": {"payload_format_indicator": 2}}),
            json!({"topic": "a", "payload": "x", "properties": {"user_properties": {"k": 1}}}),
        ] {
            assert!(
                serde_json::from_value::<PublishRequest>(bad.clone()).is_err(),
                "{bad} was accepted"
            );
        }
    }

    #[test]
    fn batch_and_result_shapes() {
        let batch: PublishBatchRequest = serde_json::from_value(json!([
            {"topic": "a", "payload": "1"},
            {"topic": "b", "payload": "2", "qos": 1}
        ]))
        .unwrap();
        assert_eq!(batch.len(), 2);
        let results = vec![
            PublishBatchResult {
                topic: "a".into(),
                code: ResultCode::Success,
            },
            PublishBatchResult {
                topic: "b/#".into(),
                code: ResultCode::IllegalTopic,
            },
        ];
        assert_eq!(
            serde_json::to_value(&results).unwrap(),
            json!([{"topic": "a", "code": 0}, {"topic": "b/#", "code": 115}])
        );
    }
}
