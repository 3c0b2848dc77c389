//! The end of a connection: the server's last word to MQTT 5 clients, the will message,
//! keeping or removing the session, the `$SYS` connected/disconnected events, and — when the
//! server ends the connection — a short linger so that the client can read that last word.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::Connection;
use crate::broker::Broker;
use crate::codec::{
    Disconnect, DisconnectProperties, LastWill, Packet, PublishProperties, QoS, ReasonCode,
};
use crate::message::{Message, Origin};
use crate::session::Session;

/// How long a connection the server ends keeps reading, and discarding, what the client
/// still sends before the socket is closed (see [`Connection::linger`]).
const LINGER: Duration = Duration::from_secs(2);

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The client sent DISCONNECT; `with_will` unless its reason was 0x00 (MQTT 5).
    ClientDisconnect {
        /// The client asked for its will to be published anyway.
        with_will: bool,
    },
    /// The socket closed or failed without DISCONNECT.
    Closed,
    /// The client broke the protocol; the reason goes in the server's DISCONNECT.
    ProtocolError(ReasonCode),
    /// Nothing heard from the client for 1.5 times its keep alive.
    KeepAliveTimeout,
    /// A newer connection with the same client identifier took over.
    TakenOver,
    /// An operator kicked the client.
    Kicked,
    /// The broker is stopping or restarting.
    Shutdown,
    /// Output was waiting and the client took none of it for `write_timeout`: it has
    /// stopped reading (nothing more can be written to it, not even a DISCONNECT).
    WriteStalled,
}

impl Exit {
    /// The reason code of the DISCONNECT the server sends, if it sends one.
    pub fn server_reason(&self) -> Option<ReasonCode> {
        match self {
            Exit::ClientDisconnect { .. } | Exit::Closed | Exit::WriteStalled => None,
            Exit::ProtocolError(code) => Some(*code),
            Exit::KeepAliveTimeout => Some(ReasonCode::KEEP_ALIVE_TIMEOUT),
            Exit::TakenOver => Some(ReasonCode::SESSION_TAKEN_OVER),
            Exit::Kicked => Some(ReasonCode::ADMINISTRATIVE_ACTION),
            Exit::Shutdown => Some(ReasonCode::SERVER_SHUTTING_DOWN),
        }
    }

    /// Whether the will is published: not after a normal DISCONNECT, and not when the
    /// broker itself is going down.
    fn publishes_will(&self) -> bool {
        match self {
            Exit::ClientDisconnect { with_will } => *with_will,
            Exit::Shutdown => false,
            _ => true,
        }
    }

    /// Whether the server ends the connection while the client may still be sending: then
    /// the connection lingers before closing. Not on shutdown, which must not wait.
    fn lingers(&self) -> bool {
        matches!(
            self,
            Exit::ProtocolError(_) | Exit::KeepAliveTimeout | Exit::TakenOver | Exit::Kicked
        )
    }

    /// The reason code reported in the `$SYS` disconnected event.
    fn event_code(&self) -> ReasonCode {
        match self {
            Exit::ClientDisconnect { with_will: false } => ReasonCode::NORMAL_DISCONNECTION,
            Exit::ClientDisconnect { with_will: true } => ReasonCode::DISCONNECT_WITH_WILL,
            Exit::Closed => ReasonCode::UNSPECIFIED_ERROR,
            other => other
                .server_reason()
                .unwrap_or(ReasonCode::UNSPECIFIED_ERROR),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Cleans up after the connection's loop returned `exit`.
    pub(super) async fn finish(mut self: Box<Self>, exit: Exit, shutdown: &CancellationToken) {
        if matches!(exit, Exit::ClientDisconnect { .. } | Exit::Closed) {
            // The client is done sending: what it sent while we held it back is delivered
            // (queues may go over their high watermark; they drain on their own).
            self.paused.clear();
            while let Some(publish) = self.stash.pop_front() {
                self.route_publish(publish);
            }
            self.paused.clear();
        }
        self.flush_counters();
        if let Some(reason) = self.disconnect_reason(&exit) {
            let disconnect = Disconnect {
                reason,
                properties: DisconnectProperties::default(),
            };
            self.write_packet(&Packet::Disconnect(disconnect));
        }
        self.flush_output().await;

        let session = Arc::clone(&self.session);
        let settings = Arc::clone(&self.settings);
        let broker = self.broker.clone();
        let ends = session.is_discarded() || self.expiry_interval == 0 || exit == Exit::Kicked;
        let will = self.will.take().filter(|_| exit.publishes_will());

        // Messages taken from the stash but never routed are lost with the connection, as
        // they were never acknowledged: the client resends them.
        let state = std::mem::take(&mut self.state);
        let conn_id = self.conn_id;
        let ended = ends
            && broker
                .sessions
                .remove_if(&session, |s| s.link_owner().is_none_or(|id| id == conn_id));
        if ended {
            if let Some(will) = will {
                broker.publish(will_message(*will));
            }
            broker.router.remove_session(&session);
        } else {
            match session.detach(self.conn_id, state) {
                Some(generation) => {
                    let dropped = session.mailbox.set_online(false, &settings.queue);
                    if dropped > 0 {
                        warn!(client_id = %session.client_id, dropped, "queue of absent client trimmed");
                    }
                    schedule_absence(
                        &broker,
                        &session,
                        generation,
                        will.map(|w| *w),
                        self.expiry_interval,
                    );
                }
                // Taken over: the session is the new connection's, with its own expiry. A
                // new connection to the session exists, so a delayed will is not sent
                // [MQTT-3.1.3-9]; one without delay is, as for any server-closed connection.
                None => {
                    if let Some(will) = will
                        && will.properties.will_delay_interval.unwrap_or(0) == 0
                    {
                        broker.publish(will_message(*will));
                    }
                }
            }
        }
        announce_disconnected(&self, exit);
        broker.metrics.connections.fetch_sub(1, Ordering::Relaxed);
        info!(client_id = %session.client_id, reason = ?exit, "client disconnected");
        // Releases a connection waiting to take over, now that the state is parked.
        self.signal.finish();
        if exit.lingers() {
            self.linger(shutdown).await;
        }
    }

    /// Reads and discards what the client still sends, until it closes its side, [`LINGER`]
    /// passes or the broker shuts down. Our side is already shut down for writing, so the
    /// client has read everything up to the end of the stream. Closing a socket while input
    /// is still arriving makes TCP answer with a reset: a client still writing (acknowledging
    /// what it had read, say) then fails on its next write before it has read the DISCONNECT
    /// and its reason code, and some stacks drop the unread data altogether.
    async fn linger(&mut self, shutdown: &CancellationToken) {
        let mut sink = tokio::io::sink();
        let drain = tokio::io::copy(&mut self.reader, &mut sink);
        tokio::select! {
            _ = tokio::time::timeout(LINGER, drain) => {}
            () = shutdown.cancelled() => {}
        }
    }
}

/// Builds the application message of a will.
fn will_message(will: LastWill) -> Message {
    let p = will.properties;
    let properties = PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type,
        response_topic: p.response_topic,
        correlation_data: p.correlation_data,
        user_properties: p.user_properties,
        ..PublishProperties::default()
    };
    let now = Instant::now();
    let expires_at = properties
        .message_expiry_interval
        .map(|secs| now + Duration::from_secs(u64::from(secs)));
    Message {
        topic: will.topic,
        payload: will.payload,
        qos: will.qos,
        retain: will.retain,
        properties,
        expires_at,
        origin: Origin::Broker,
    }
}

/// What follows a disconnection that leaves the session in place: the will after its
/// delay (bounded by the session expiry), unless the client reconnects first
/// ([MQTT-3.1.3-9]), and the session's removal once it has been away for its expiry interval
/// (`u32::MAX`: never). One task, aborted when a connection comes back.
fn schedule_absence(
    broker: &Broker,
    session: &Arc<Session>,
    generation: u64,
    will: Option<LastWill>,
    expiry: u32,
) {
    let mut will = will.map(|will| {
        let delay = will.properties.will_delay_interval.unwrap_or(0).min(expiry);
        (delay, will_message(will))
    });
    if let Some((0, _)) = will
        && let Some((_, message)) = will.take()
    {
        broker.publish(message);
    }
    if will.is_none() && expiry == u32::MAX {
        return;
    }
    let broker = broker.clone();
    let task_session = Arc::clone(session);
    let task = tokio::spawn(async move {
        let session = task_session;
        let current = |s: &Session| s.generation() == generation && s.link_owner().is_none();
        let mut waited = 0;
        if let Some((delay, message)) = will {
            tokio::time::sleep(Duration::from_secs(u64::from(delay))).await;
            waited = delay;
            if current(&session) {
                broker.publish(message);
            }
        }
        if expiry == u32::MAX {
            return;
        }
        tokio::time::sleep(Duration::from_secs(u64::from(expiry - waited))).await;
        if broker.sessions.remove_if(&session, current) {
            debug!(client_id = %session.client_id, "session expired");
            broker.router.remove_session(&session);
        }
    });
    session.set_absence(task.abort_handle());
    if session.generation() != generation {
        // A connection came back before the task was recorded: it has nothing left to do.
        session.cancel_absence();
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn sys_event(topic: &'static str, payload: serde_json::Value) -> Message {
    Message {
        topic: Arc::from(topic),
        payload: Bytes::from(payload.to_string()),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: PublishProperties::default(),
        expires_at: None,
        origin: Origin::Broker,
    }
}

/// Publishes `$SYS/brokers/connected` with NanoMQ's fields.
pub(super) fn announce_connected<S>(conn: &Connection<S>) {
    let payload = json!({
        "username": conn.username.as_deref().unwrap_or(""),
        "ts": unix_millis(),
        "proto_name": conn.version.protocol_name(),
        "keepalive": conn.keep_alive_secs,
        "return_code": "0",
        "proto_ver": conn.version.level(),
        "client_id": &*conn.session.client_id,
        "clean_start": u8::from(conn.clean_start),
        "IPv4": conn.peer.ip().to_string(),
    });
    info!(client_id = %conn.session.client_id, "client connected");
    conn.broker
        .publish(sys_event("$SYS/brokers/connected", payload));
}

/// Publishes `$SYS/brokers/disconnected` with NanoMQ's fields.
fn announce_disconnected<S>(conn: &Connection<S>, exit: Exit) {
    let payload = json!({
        "username": conn.username.as_deref().unwrap_or(""),
        "ts": unix_millis(),
        "reason_code": format!("{:x}", exit.event_code().0),
        "client_id": &*conn.session.client_id,
        "IPv4": conn.peer.ip().to_string(),
    });
    conn.broker
        .publish(sys_event("$SYS/brokers/disconnected", payload));
}
