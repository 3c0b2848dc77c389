//! An MQTT 5 client (rumqttc::v5) whose events are gathered for the test to inspect.

use std::time::Duration;

use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::{Filter, Packet, Publish};
use rumqttc::v5::{AsyncClient, Event, EventLoop, MqttOptions};
use tokio::sync::mpsc;

use super::{TestBroker, within};

pub struct Client {
    pub client: AsyncClient,
    events: mpsc::UnboundedReceiver<Result<Packet, String>>,
    /// The CONNACK the broker answered with.
    pub connack: rumqttc::v5::mqttbytes::v5::ConnAck,
}

pub fn options(broker: &TestBroker, id: &str) -> MqttOptions {
    let mut options = MqttOptions::new(id, "127.0.0.1", broker.port());
    options.set_keep_alive(Duration::from_secs(30));
    options
}

pub async fn connect(broker: &TestBroker, id: &str) -> Client {
    Client::connect(options(broker, id)).await
}

fn spawn_loop(mut eventloop: EventLoop) -> mpsc::UnboundedReceiver<Result<Packet, String>> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(packet)) => {
                    if tx.send(Ok(packet)).is_err() {
                        return;
                    }
                }
                Ok(Event::Outgoing(_)) => {}
                Err(e) => {
                    let _ = tx.send(Err(format!("{e:?}")));
                    return;
                }
            }
        }
    });
    rx
}

impl Client {
    pub async fn connect(options: MqttOptions) -> Client {
        match Client::try_connect(options).await {
            Ok(client) => client,
            Err(e) => panic!("v5 connect failed: {e}"),
        }
    }

    /// Connects; the error holds rumqttc's description (e.g. the refusal's reason code).
    pub async fn try_connect(options: MqttOptions) -> Result<Client, String> {
        let (client, eventloop) = AsyncClient::new(options, 100);
        let mut events = spawn_loop(eventloop);
        let first = within(events.recv())
            .await
            .unwrap_or_else(|| Err("event loop ended".into()))?;
        match first {
            Packet::ConnAck(connack) => Ok(Client {
                client,
                events,
                connack,
            }),
            other => Err(format!("expected CONNACK, got {other:?}")),
        }
    }

    pub async fn next_packet(&mut self) -> Result<Packet, String> {
        within(self.events.recv())
            .await
            .unwrap_or_else(|| Err("event loop ended".into()))
    }

    /// The next PUBLISH, skipping acknowledgements and pings.
    pub async fn next_publish(&mut self) -> Publish {
        loop {
            match self.next_packet().await {
                Ok(Packet::Publish(p)) => return p,
                Ok(_) => continue,
                Err(e) => panic!("connection failed while waiting for PUBLISH: {e}"),
            }
        }
    }

    /// Waits for a DISCONNECT from the server and returns its reason code as rumqttc names
    /// it (rumqttc reports a server DISCONNECT as an error carrying the reason).
    pub async fn server_disconnect(&mut self) -> String {
        loop {
            match self.next_packet().await {
                Ok(Packet::Disconnect(d)) => return format!("{:?}", d.reason_code),
                Ok(_) => continue,
                Err(e) => {
                    let reason = e
                        .split_once("reason_code: ")
                        .and_then(|(_, rest)| rest.split([',', ' ', '}']).next())
                        .unwrap_or_else(|| panic!("connection ended without DISCONNECT: {e}"));
                    return reason.to_owned();
                }
            }
        }
    }

    pub async fn subscribe_filter(
        &mut self,
        filter: Filter,
    ) -> Vec<rumqttc::v5::mqttbytes::v5::SubscribeReasonCode> {
        self.client.subscribe_many([filter]).await.unwrap();
        self.suback().await
    }

    pub async fn subscribe(
        &mut self,
        filter: &str,
        qos: QoS,
    ) -> Vec<rumqttc::v5::mqttbytes::v5::SubscribeReasonCode> {
        self.client.subscribe(filter, qos).await.unwrap();
        self.suback().await
    }

    pub async fn suback(&mut self) -> Vec<rumqttc::v5::mqttbytes::v5::SubscribeReasonCode> {
        loop {
            match self.next_packet().await {
                Ok(Packet::SubAck(ack)) => return ack.return_codes,
                Ok(_) => continue,
                Err(e) => panic!("connection failed while waiting for SUBACK: {e}"),
            }
        }
    }

    pub async fn publish(&self, topic: &str, qos: QoS, retain: bool, payload: &[u8]) {
        self.client
            .publish(topic, qos, retain, payload.to_vec())
            .await
            .unwrap();
    }

    pub async fn disconnect(mut self) {
        self.client.disconnect().await.unwrap();
        loop {
            if self.next_packet().await.is_err() {
                return;
            }
        }
    }
}
