//! `GET /api/v4/retained[/{topic}]` and `DELETE /api/v4/retained/{topic}`: the retained
//! messages the broker holds.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::envelope::PageRequest;
use crate::lenient;
use crate::publish::PayloadEncoding;

/// One retained message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedMessage {
    /// The topic it is retained on.
    pub topic: String,
    /// The payload: the text itself when it is UTF-8, else base64 (see `encoding`).
    pub payload: String,
    /// How `payload` is written: `plain` or `base64`.
    pub encoding: PayloadEncoding,
    /// The payload's size in bytes.
    pub size: u64,
    /// The QoS it was published with.
    pub qos: u8,
    /// Its MQTT 5 properties; omitted when it has none.
    #[serde(default, skip_serializing_if = "RetainedProperties::is_empty")]
    pub properties: RetainedProperties,
}

impl RetainedMessage {
    /// The payload's bytes (decoded from base64 when so encoded).
    pub fn payload_bytes(&self) -> Result<Vec<u8>, String> {
        match self.encoding {
            PayloadEncoding::Plain => Ok(self.payload.as_bytes().to_vec()),
            PayloadEncoding::Base64 => STANDARD.decode(&self.payload).map_err(|e| e.to_string()),
        }
    }
}

/// `payload` and `encoding` for `bytes`: the text when it is UTF-8, else base64.
pub fn encode_payload(bytes: &[u8]) -> (String, PayloadEncoding) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), PayloadEncoding::Plain),
        Err(_) => (STANDARD.encode(bytes), PayloadEncoding::Base64),
    }
}

/// The MQTT 5 properties a retained message keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedProperties {
    /// 0 = unspecified bytes, 1 = UTF-8 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_format_indicator: Option<u8>,
    /// Seconds left before the message expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_expiry_interval: Option<u32>,
    /// MIME type of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Topic for a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_topic: Option<String>,
    /// Correlation data, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_data: Option<String>,
    /// User properties, name to value (the last value of a repeated name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_properties: BTreeMap<String, String>,
}

impl RetainedProperties {
    /// True when the message has none.
    pub fn is_empty(&self) -> bool {
        *self == RetainedProperties::default()
    }
}

/// The query string of `GET /retained`; an unknown key is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetainedQuery {
    /// A topic filter, wildcards allowed (default `#`, which, as in MQTT, leaves out `$`
    /// topics: ask for `$SYS/#` to see those).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Page number (`_page`, from 1); asks for a paged reply.
    #[serde(
        rename = "_page",
        default,
        deserialize_with = "lenient::opt_page_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub page: Option<u64>,
    /// Page size (`_limit`); asks for a paged reply.
    #[serde(
        rename = "_limit",
        default,
        deserialize_with = "lenient::opt_page_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<u64>,
}

impl RetainedQuery {
    /// The page asked for, or None for the whole list.
    pub fn page_request(&self) -> Option<PageRequest> {
        PageRequest::from_query(self.page, self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_stays_text_and_bytes_go_base64() {
        assert_eq!(encode_payload(b"hi"), ("hi".into(), PayloadEncoding::Plain));
        let (b64, encoding) = encode_payload(&[0xff, 0x00]);
        assert_eq!(encoding, PayloadEncoding::Base64);
        let message = RetainedMessage {
            payload: b64,
            encoding,
            ..RetainedMessage::default()
        };
        assert_eq!(message.payload_bytes().unwrap(), vec![0xff, 0x00]);
    }

    #[test]
    fn properties_omitted_when_none() {
        let value = serde_json::to_value(RetainedMessage::default()).unwrap();
        assert!(value.get("properties").is_none());
        assert_eq!(value["encoding"], "plain");
    }
}
