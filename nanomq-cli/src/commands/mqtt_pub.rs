//! `nanomq-cli pub`: publish one message (or `--count` of them) over MQTT and wait for the
//! broker's acknowledgement at QoS 1 and 2.

use std::io::Read;

use bytes::Bytes;
use nanomq_codec::{Packet, PacketId, ProtocolVersion, PubRel, Publish, PublishProperties, QoS};

use super::generated_client_id;
use crate::cli::PubArgs;
use crate::error::CliError;

/// Runs `pub`.
pub async fn exec(args: PubArgs, timeout: std::time::Duration) -> Result<(), CliError> {
    let payload = payload(&args)?;
    let endpoint = args.mqtt.endpoint()?;
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
        let packet_id = (args.qos != QoS::AtMostOnce)
            .then(|| PacketId::new(u16::try_from(n % 65_535 + 1).unwrap_or(1)))
            .flatten();
        let publish = Publish {
            dup: false,
            qos: args.qos,
            retain: args.retain,
            topic: args.topic.as_str().into(),
            packet_id,
            properties: properties.clone(),
            payload: payload.clone(),
        };
        conn.send(&Packet::Publish(publish)).await?;
        if let Some(id) = packet_id {
            tokio::time::timeout(timeout, acknowledged(&mut conn, id))
                .await
                .map_err(|_| {
                    CliError::Connect(String::from("no acknowledgement from the broker"))
                })??;
        }
    }
    conn.send(&Packet::Disconnect(Default::default())).await?;
    Ok(())
}

/// Waits for the end of the QoS 1 or 2 exchange of `id`.
async fn acknowledged(conn: &mut crate::mqtt::Connection, id: PacketId) -> Result<(), CliError> {
    loop {
        match conn.recv().await? {
            Packet::PubAck(ack) | Packet::PubComp(ack) if ack.packet_id == id => {
                return check(ack.reason);
            }
            Packet::PubRec(rec) if rec.packet_id == id => {
                check(rec.reason)?;
                conn.send(&Packet::PubRel(PubRel::new(id))).await?;
            }
            _ => {}
        }
    }
}

fn check(reason: nanomq_codec::ReasonCode) -> Result<(), CliError> {
    if reason.is_error() {
        Err(CliError::Server(format!(
            "broker refused the message (reason 0x{:02x})",
            reason.0
        )))
    } else {
        Ok(())
    }
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
