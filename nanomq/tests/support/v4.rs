//! An MQTT 3.1.1 client (rumqttc) whose events are gathered for the test to inspect.

use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, Publish, QoS};
use tokio::sync::mpsc;

use super::{TestBroker, within};

pub struct Client {
    pub client: AsyncClient,
    events: mpsc::UnboundedReceiver<Result<Packet, String>>,
}

pub fn options(broker: &TestBroker, id: &str) -> MqttOptions {
    let mut options = MqttOptions::new(id, "127.0.0.1", broker.port());
    options.set_keep_alive(Duration::from_secs(30));
    options
}

/// Connects with default options (clean session) and waits for CONNACK.
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
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            }
        }
    });
    rx
}

impl Client {
    pub async fn connect(options: MqttOptions) -> Client {
        let (client, eventloop) = AsyncClient::new(options, 100);
        let mut c = Client {
            client,
            events: spawn_loop(eventloop),
        };
        match c.next_packet().await {
            Ok(Packet::ConnAck(ack)) => assert_eq!(ack.code, rumqttc::ConnectReturnCode::Success),
            other => panic!("expected CONNACK, got {other:?}"),
        }
        c
    }

    /// Connects and returns the CONNACK (success or not) or the connection error.
    pub async fn try_connect(options: MqttOptions) -> Result<rumqttc::ConnAck, String> {
        let (client, eventloop) = AsyncClient::new(options, 10);
        let mut c = Client {
            client,
            events: spawn_loop(eventloop),
        };
        match c.next_packet().await {
            Ok(Packet::ConnAck(ack)) => Ok(ack),
            Ok(other) => Err(format!("unexpected {other:?}")),
            Err(e) => Err(e),
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

    /// Waits for the connection to end, returning the error.
    pub async fn closed(&mut self) -> String {
        loop {
            match self.next_packet().await {
                Ok(_) => continue,
                Err(e) => return e,
            }
        }
    }

    pub async fn subscribe(&mut self, filter: &str, qos: QoS) -> Vec<rumqttc::SubscribeReasonCode> {
        self.client.subscribe(filter, qos).await.unwrap();
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
        let _ = self.closed().await;
    }
}
