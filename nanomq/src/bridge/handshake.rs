//! Opening an upstream connection: the CONNECT the bridge sends; the handshake itself (and
//! what the CONNACK says about the upstream's limits) is `nanomq_client`'s, the CLI's too.

use bytes::Bytes;
use nanomq_client::{Connected, Stream};

use super::error::LinkError;
use super::options::BridgeOptions;
use crate::codec::Connect;

/// The CONNECT the bridge sends.
pub fn connect_packet(options: &BridgeOptions) -> Connect {
    Connect {
        protocol: options.version,
        clean_start: options.clean_start,
        keep_alive: options.keep_alive,
        client_id: options.client_id.clone(),
        will: options.will.clone(),
        username: options.username.clone(),
        password: options.password.clone().map(Bytes::from),
        properties: options.connect_properties.clone(),
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
