//! `nanomq-cli sub`: subscribe and print each message as a `topic: payload` line or a JSON
//! line, until `--count` messages or the connection ends (or for ever, with `--reconnect`).
//! The connection is kept alive with PINGREQ however quiet the topics are.

use std::io::Write;

use nanomq_codec::{
    Packet, PacketId, PacketKind, Publish, Subscribe, SubscribeFilter, SubscribeProperties,
    SubscriptionOptions, validate_topic_filter,
};

use super::generated_client_id;
use crate::cli::{SubArgs, SubFormat};
use crate::error::CliError;
use crate::mqtt::{in_words, refused};

/// Runs `sub`: with `--reconnect`, a lost connection is opened again (after 1 s, doubling to
/// 30 s while the broker cannot be reached) and the subscriptions made again.
/// `api_login_given`: see [`crate::cli::MqttArgs::note_anonymous`].
pub async fn exec(
    args: SubArgs,
    timeout: std::time::Duration,
    api_login_given: bool,
) -> Result<(), CliError> {
    for filter in &args.topics {
        validate_topic_filter(filter)
            .map_err(|e| CliError::Other(format!("invalid topic filter {filter:?}: {e}")))?;
    }
    let endpoint = args.mqtt.endpoint()?;
    args.mqtt.note_anonymous(api_login_given);
    let client_id = args
        .client_id
        .clone()
        .unwrap_or_else(|| generated_client_id("sub"));
    let mut received = 0u64;
    let mut backoff = RECONNECT_FIRST;
    loop {
        let mut subscribed = false;
        let result = session(
            &args,
            &endpoint,
            &client_id,
            timeout,
            &mut received,
            &mut subscribed,
        )
        .await;
        match result {
            Ok(()) => return Ok(()),
            Err(CliError::Connect(reason)) if args.reconnect => {
                if subscribed {
                    backoff = RECONNECT_FIRST;
                }
                eprintln!(
                    "nanomq-cli: {reason}; reconnecting in {}s",
                    backoff.as_secs()
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(RECONNECT_MAX);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The first wait before reconnecting, and the longest.
const RECONNECT_FIRST: std::time::Duration = std::time::Duration::from_secs(1);
const RECONNECT_MAX: std::time::Duration = std::time::Duration::from_secs(30);

/// One connection: subscribe, then print messages until `--count` or the connection ends
/// (`subscribed` tells whether it got that far).
async fn session(
    args: &SubArgs,
    endpoint: &crate::mqtt::Endpoint,
    client_id: &str,
    timeout: std::time::Duration,
    received: &mut u64,
    subscribed: &mut bool,
) -> Result<(), CliError> {
    let mut conn = endpoint
        .connect(client_id, !args.persistent, timeout)
        .await?;
    let filters = args
        .topics
        .iter()
        .map(|t| SubscribeFilter {
            filter: t.clone(),
            options: SubscriptionOptions {
                qos: args.qos,
                ..Default::default()
            },
        })
        .collect();
    let id = PacketId::new(1).ok_or_else(|| CliError::Other(String::from("packet id")))?;
    conn.send(&Packet::Subscribe(Subscribe {
        packet_id: id,
        filters,
        properties: SubscribeProperties::default(),
    }))
    .await?;
    let stdout = std::io::stdout();
    loop {
        match conn.recv().await? {
            Packet::SubAck(ack) => {
                let refusal = ack
                    .reasons
                    .iter()
                    .zip(&args.topics)
                    .find(|(r, _)| r.is_error());
                if let Some((reason, filter)) = refusal {
                    let what = format!("subscription to {filter}");
                    return Err(refused(&what, *reason, conn.version, PacketKind::SubAck));
                }
                *subscribed = true;
            }
            Packet::Publish(publish) => {
                let line = format_line(&publish, args.format);
                let mut out = stdout.lock();
                writeln!(out, "{line}")?;
                out.flush()?;
                conn.acknowledge(&publish).await?;
                *received += 1;
                if args.count.is_some_and(|n| *received >= n) {
                    conn.send(&Packet::Disconnect(Default::default())).await?;
                    return Ok(());
                }
            }
            Packet::PubRel(rel) => conn.release(&rel).await?,
            Packet::Disconnect(d) => {
                return Err(CliError::Connect(format!(
                    "the broker disconnected: {}",
                    in_words(d.reason, conn.version, PacketKind::Disconnect)
                )));
            }
            _ => {}
        }
    }
}

/// One output line for a message. JSON keeps everything: a payload that is not UTF-8 as
/// base64 (`"encoding": "base64"`), and the MQTT 5 properties a message carries.
pub fn format_line(publish: &Publish, format: SubFormat) -> String {
    match format {
        SubFormat::Text => format!(
            "{}: {}",
            publish.topic,
            String::from_utf8_lossy(&publish.payload)
        ),
        SubFormat::Json => {
            use base64::Engine;
            let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
            let mut line = serde_json::json!({
                "topic": &*publish.topic,
                "qos": publish.qos as u8,
                "retain": publish.retain,
            });
            match std::str::from_utf8(&publish.payload) {
                Ok(text) => line["payload"] = text.into(),
                Err(_) => {
                    line["payload"] = b64(&publish.payload).into();
                    line["encoding"] = "base64".into();
                }
            }
            let p = &publish.properties;
            let mut props = serde_json::Map::new();
            if !p.user_properties.is_empty() {
                props.insert(
                    "user_properties".into(),
                    p.user_properties
                        .iter()
                        .map(|(k, v)| serde_json::json!([k, v]))
                        .collect(),
                );
            }
            if let Some(v) = &p.content_type {
                props.insert("content_type".into(), v.as_str().into());
            }
            if let Some(v) = &p.response_topic {
                props.insert("response_topic".into(), v.as_str().into());
            }
            if let Some(v) = &p.correlation_data {
                props.insert("correlation_data".into(), b64(v).into());
            }
            if let Some(v) = p.payload_format_indicator {
                props.insert("payload_format_indicator".into(), v.into());
            }
            if let Some(v) = p.message_expiry_interval {
                props.insert("message_expiry_interval".into(), v.into());
            }
            if !p.subscription_identifiers.is_empty() {
                props.insert(
                    "subscription_identifiers".into(),
                    p.subscription_identifiers.clone().into(),
                );
            }
            if !props.is_empty() {
                line["properties"] = props.into();
            }
            line.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use nanomq_codec::{PublishProperties, QoS};

    use super::*;

    fn publish(payload: &[u8], properties: PublishProperties) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: "t/1".into(),
            packet_id: PacketId::new(1),
            properties,
            payload: payload.to_vec().into(),
        }
    }

    #[test]
    fn json_lines_keep_binary_payloads_and_properties() {
        let text = format_line(&publish(b"21.5", Default::default()), SubFormat::Json);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["payload"], "21.5");
        assert!(value.get("encoding").is_none() && value.get("properties").is_none());

        let properties = PublishProperties {
            user_properties: vec![("unit".into(), "C".into())],
            content_type: Some("application/octet-stream".into()),
            correlation_data: Some(vec![1, 2].into()),
            ..Default::default()
        };
        let line = format_line(&publish(&[0xff, 0x00, 0x7f], properties), SubFormat::Json);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["payload"], "/wB/");
        assert_eq!(value["encoding"], "base64");
        assert_eq!(
            value["properties"]["user_properties"][0],
            serde_json::json!(["unit", "C"])
        );
        assert_eq!(
            value["properties"]["content_type"],
            "application/octet-stream"
        );
        assert_eq!(value["properties"]["correlation_data"], "AQI=");
        assert_eq!(
            format_line(&publish(b"x", Default::default()), SubFormat::Text),
            "t/1: x"
        );
    }
}
