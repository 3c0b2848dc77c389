//! Real MQTT clients for the end-to-end tests: rumqttc's 3.1.1 and 5.0 clients (their events
//! from the test kit), and a hand-written MQTT 3.1 ("MQIsdp") CONNECT, which rumqttc lacks.

use std::time::Duration;

pub use nanomq::test_util::events::Events;
use rumqttc::v5::mqttbytes::v5::Packet as Packet5;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::within;

/// An MQTT 3.1.1 client.
pub struct Client4 {
    /// The client handle.
    pub client: rumqttc::AsyncClient,
    /// Its events.
    pub events: Events<rumqttc::Event>,
}

/// Options for a 3.1.1 client on 127.0.0.1:`port`.
pub fn options4(port: u16, client_id: &str) -> rumqttc::MqttOptions {
    let mut options = rumqttc::MqttOptions::new(client_id, "127.0.0.1", port);
    options.set_keep_alive(Duration::from_secs(30));
    options
}

/// Connects a 3.1.1 client and waits for CONNACK; returns whether a session was present.
pub async fn connect4(options: rumqttc::MqttOptions) -> (Client4, bool) {
    let (client, mut events) = nanomq::test_util::events::client4(options, 64);
    let present = events
        .wait_for(|event| match event {
            rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(ack)) => Some(ack.session_present),
            _ => None,
        })
        .await;
    (Client4 { client, events }, present)
}

impl Client4 {
    /// Subscribes and waits for SUBACK.
    pub async fn subscribe(&mut self, filter: &str, qos: rumqttc::QoS) {
        within(self.client.subscribe(filter, qos)).await.unwrap();
        self.events
            .wait_for(|event| match event {
                rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_)) => Some(()),
                _ => None,
            })
            .await;
    }

    /// The next message received.
    pub async fn next_publish(&mut self) -> rumqttc::Publish {
        self.events
            .wait_for(|event| match event {
                rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)) => Some(p.clone()),
                _ => None,
            })
            .await
    }

    /// Sends DISCONNECT and waits until it is on the wire.
    pub async fn disconnect(mut self) {
        within(self.client.disconnect()).await.unwrap();
        self.events
            .wait_for(|event| match event {
                rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect) => Some(()),
                _ => None,
            })
            .await;
    }
}

/// An MQTT 5.0 client.
pub struct Client5 {
    /// The client handle.
    pub client: rumqttc::v5::AsyncClient,
    /// Its events.
    pub events: Events<rumqttc::v5::Event>,
}

/// Options for a 5.0 client on 127.0.0.1:`port`.
pub fn options5(port: u16, client_id: &str) -> rumqttc::v5::MqttOptions {
    let mut options = rumqttc::v5::MqttOptions::new(client_id, "127.0.0.1", port);
    options.set_keep_alive(Duration::from_secs(30));
    options
}

/// Connects a 5.0 client and waits for CONNACK; returns whether a session was present.
pub async fn connect5(options: rumqttc::v5::MqttOptions) -> (Client5, bool) {
    let (client, mut events) = nanomq::test_util::events::client5(options, 64);
    let present = events
        .wait_for(|event| match event {
            rumqttc::v5::Event::Incoming(Packet5::ConnAck(ack)) => Some(ack.session_present),
            _ => None,
        })
        .await;
    (Client5 { client, events }, present)
}

impl Client5 {
    /// Subscribes and waits for SUBACK.
    pub async fn subscribe(&mut self, filter: &str, qos: rumqttc::v5::mqttbytes::QoS) {
        within(self.client.subscribe(filter, qos)).await.unwrap();
        self.events
            .wait_for(|event| match event {
                rumqttc::v5::Event::Incoming(Packet5::SubAck(_)) => Some(()),
                _ => None,
            })
            .await;
    }

    /// The next message received.
    pub async fn next_publish(&mut self) -> rumqttc::v5::mqttbytes::v5::Publish {
        self.events
            .wait_for(|event| match event {
                rumqttc::v5::Event::Incoming(Packet5::Publish(p)) => Some(p.clone()),
                _ => None,
            })
            .await
    }

    /// Sends DISCONNECT and waits until it is on the wire.
    pub async fn disconnect(mut self) {
        within(self.client.disconnect()).await.unwrap();
        self.events
            .wait_for(|event| match event {
                rumqttc::v5::Event::Outgoing(rumqttc::Outgoing::Disconnect) => Some(()),
                _ => None,
            })
            .await;
    }
}

/// Connects as an MQTT 3.1 client (protocol name "MQIsdp", level 3, clean session) and reads
/// the CONNACK; the stream is kept open by the caller.
pub async fn connect_mqisdp(port: u16, client_id: &str) -> TcpStream {
    let mut stream = within(TcpStream::connect(("127.0.0.1", port)))
        .await
        .unwrap();
    let mut variable = vec![0, 6];
    variable.extend_from_slice(b"MQIsdp");
    variable.extend_from_slice(&[3, 0x02, 0, 60]);
    let id_len = u16::try_from(client_id.len()).unwrap();
    variable.extend_from_slice(&id_len.to_be_bytes());
    variable.extend_from_slice(client_id.as_bytes());
    let mut packet = vec![0x10, u8::try_from(variable.len()).unwrap()];
    packet.extend_from_slice(&variable);
    within(stream.write_all(&packet)).await.unwrap();
    let mut connack = [0u8; 4];
    within(stream.read_exact(&mut connack)).await.unwrap();
    assert_eq!(connack, [0x20, 2, 0, 0], "CONNACK accepting the 3.1 client");
    stream
}

/// Connects as an MQTT 5.0 client (clean start, no properties) and reads the CONNACK, whose
/// bytes are returned with the stream.
pub async fn connect_v5_raw(port: u16, client_id: &str) -> (TcpStream, Vec<u8>) {
    let mut stream = within(TcpStream::connect(("127.0.0.1", port)))
        .await
        .unwrap();
    let mut variable = vec![0, 4];
    variable.extend_from_slice(b"MQTT");
    variable.extend_from_slice(&[5, 0x02, 0, 60, 0]);
    let id_len = u16::try_from(client_id.len()).unwrap();
    variable.extend_from_slice(&id_len.to_be_bytes());
    variable.extend_from_slice(client_id.as_bytes());
    let mut packet = vec![0x10, u8::try_from(variable.len()).unwrap()];
    packet.extend_from_slice(&variable);
    within(stream.write_all(&packet)).await.unwrap();
    let mut header = [0u8; 2];
    within(stream.read_exact(&mut header)).await.unwrap();
    assert_eq!(header[0], 0x20, "CONNACK");
    let mut rest = vec![0u8; usize::from(header[1])];
    within(stream.read_exact(&mut rest)).await.unwrap();
    assert_eq!(rest[1], 0, "CONNACK accepting the 5.0 client: {rest:?}");
    (stream, rest)
}
