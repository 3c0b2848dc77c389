//! `nanomq-cli pub`: publish one message (or `--count` of them) over MQTT and wait for the
//! broker's acknowledgement at QoS 1 and 2.

use std::io::Read;

use bytes::Bytes;
use nanomq_codec::{
    Packet, PacketKind, ProtocolVersion, Publish, PublishProperties, validate_topic_name,
};

use super::generated_client_id;
use crate::cli::PubArgs;
use crate::error::CliError;
use crate::mqtt::refused;

/// Runs `pub` (`api_login_given`: see [`crate::cli::MqttArgs::note_anonymous`]).
pub async fn exec(
    args: PubArgs,
    timeout: std::time::Duration,
    api_login_given: bool,
) -> Result<(), CliError> {
    validate_topic_name(&args.topic).map_err(|e| {
        CliError::Other(format!(
            "invalid publish topic {:?}: {e} (+ and # are for subscriptions)",
            args.topic
        ))
    })?;
    let payload = payload(&args)?;
    let endpoint = args.mqtt.endpoint()?;
    args.mqtt.note_anonymous(api_login_given);
    let client_id = args
        .client_id
        .clone()
        .unwrap_or_else(|| generated_client_id("pub"));
    let mut conn = endpoint.connect(&client_id, true, timeout).await?;
    let mut properties = PublishProperties::default();
    if endpoint.version == ProtocolVersion::V5 {
        properties.user_properties.clone_from(&args.user_properties);
    } else if !args.user_properties.is_empty() {
        return Err(CliError::Usage(String::from("--user-property needs -V 5")));
    }
    for n in 0..args.count {
        if n > 0 && !args.interval.is_zero() {
            tokio::time::sleep(args.interval).await;
        }
        let publish = Publish {
            dup: false,
            qos: args.qos,
            retain: args.retain,
            topic: args.topic.as_str().into(),
            packet_id: None,
            properties: properties.clone(),
            payload: payload.clone(),
        };
        let acknowledged = tokio::time::timeout(timeout, conn.publish(publish))
            .await
            .map_err(|_| CliError::Connect(String::from("no acknowledgement from the broker")))??;
        if let Some(ack) = acknowledged
            && ack.reason.is_error()
        {
            let what = format!("publish to {}", args.topic);
            // 3.x has no reason codes in acknowledgements; MQTT 5's are named as PUBACK's.
            let kind = match ack.kind {
                PacketKind::PubRec => PacketKind::PubRec,
                _ => PacketKind::PubAck,
            };
            return Err(refused(&what, ack.reason, conn.version, kind));
        }
    }
    conn.send(&Packet::Disconnect(Default::default())).await?;
    Ok(())
}

fn payload(args: &PubArgs) -> Result<Bytes, CliError> {
    if let Some(message) = &args.message {
        return Ok(Bytes::from(message.clone()));
    }
    if let Some(file) = &args.file {
        return std::fs::read(file)
            .map(Bytes::from)
            .map_err(|e| CliError::Usage(format!("cannot read {file}: {e}")));
    }
    let mut data = Vec::new();
    std::io::stdin().read_to_end(&mut data)?;
    Ok(Bytes::from(data))
}
