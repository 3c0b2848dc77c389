//! Opening an upstream connection: the CONNECT the bridge sends; the handshake itself (and
//! what the CONNACK says about the upstream's limits) is `nanomq_client`'s, the CLI's too.

use bytes::Bytes;
use nanomq_client::{Connected, Stream};

use super::error::LinkError;
use super::options::BridgeOptions;
use crate::codec::{Connect, ConnectProperties, ProtocolVersion};

/// Session expiry asked for with MQTT 5 when `clean_start` is off: never, as a 3.1.1
/// persistent session.
const PERSISTENT_SESSION_EXPIRY: u32 = u32::MAX;

/// The CONNECT the bridge sends.
pub fn connect_packet(options: &BridgeOptions) -> Connect {
    let mut properties = ConnectProperties::default();
    if options.version == ProtocolVersion::V5 {
        if !options.clean_start {
            properties.session_expiry_interval = Some(PERSISTENT_SESSION_EXPIRY);
        }
        properties.maximum_packet_size = u32::try_from(options.max_packet_size).ok();
    }
    Connect {
        protocol: options.version,
        clean_start: options.clean_start,
        keep_alive: options.keep_alive,
        client_id: options.client_id.clone(),
        will: None,
        username: options.username.clone(),
        password: options.password.clone().map(Bytes::from),
        properties,
    }
}

/// Sends CONNECT on `stream` and waits for a successful CONNACK (the caller bounds the time).
pub async fn open(
    stream: Box<dyn Stream>,
    options: &BridgeOptions,
) -> Result<Connected, LinkError> {
    let connect = connect_packet(options);
    Ok(nanomq_client::handshake::connect(stream, connect, options.max_packet_size).await?)
}
