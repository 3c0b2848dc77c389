//! Real MQTT clients for tests: rumqttc's 3.1.1 and 5.0 event loops polled in a task that
//! forwards every event, so a test waits for the one it wants ([`Events::wait_for`]),
//! bounded by [`super::TIMEOUT`].

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::within;

/// The events of one client's event loop, forwarded by a task until the loop fails.
pub struct Events<E> {
    rx: mpsc::UnboundedReceiver<Result<E, String>>,
    task: JoinHandle<()>,
}

impl<E> Events<E> {
    /// The next event for which `pick` returns something; fails on a connection error.
    pub async fn wait_for<T>(&mut self, mut pick: impl FnMut(&E) -> Option<T>) -> T {
        within(async {
            loop {
                match self.rx.recv().await {
                    Some(Ok(event)) => {
                        if let Some(found) = pick(&event) {
                            return found;
                        }
                    }
                    Some(Err(error)) => panic!("MQTT connection failed: {error}"),
                    None => panic!("MQTT event loop ended"),
                }
            }
        })
        .await
    }

    /// Waits until the event loop reports an error (the connection ended), returning the
    /// events seen before it.
    pub async fn wait_closed(&mut self) -> Vec<E> {
        within(async {
            let mut seen = Vec::new();
            while let Some(item) = self.rx.recv().await {
                match item {
                    Ok(event) => seen.push(event),
                    Err(_) => break,
                }
            }
            seen
        })
        .await
    }
}

impl<E> Drop for Events<E> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The next event of an event loop, boxed so that both protocol versions' loops fit one
/// forwarding task.
type Poll<'a, E> = Pin<Box<dyn Future<Output = Result<E, String>> + Send + 'a>>;

/// Forwards the events of `eventloop`, polled by `poll`, until it fails or nobody listens.
fn forward<L, E>(mut eventloop: L, poll: for<'a> fn(&'a mut L) -> Poll<'a, E>) -> Events<E>
where
    L: Send + 'static,
    E: Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let event = poll(&mut eventloop).await;
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                return;
            }
        }
    });
    Events { rx, task }
}

/// An MQTT 3.1.1 client with `options` (requests queued up to `cap`) and its events.
pub fn client4(
    options: rumqttc::MqttOptions,
    cap: usize,
) -> (rumqttc::AsyncClient, Events<rumqttc::Event>) {
    let (client, eventloop) = rumqttc::AsyncClient::new(options, cap);
    let events = forward(eventloop, |l| {
        Box::pin(async { l.poll().await.map_err(|e| e.to_string()) })
    });
    (client, events)
}

/// An MQTT 5.0 client with `options` (requests queued up to `cap`) and its events.
pub fn client5(
    options: rumqttc::v5::MqttOptions,
    cap: usize,
) -> (rumqttc::v5::AsyncClient, Events<rumqttc::v5::Event>) {
    let (client, eventloop) = rumqttc::v5::AsyncClient::new(options, cap);
    let events = forward(eventloop, |l| {
        Box::pin(async { l.poll().await.map_err(|e| e.to_string()) })
    });
    (client, events)
}
