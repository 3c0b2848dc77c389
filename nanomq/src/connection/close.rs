//! The end of a connection: the server's last word to MQTT 5 clients, then the session handed
//! back to the broker (which keeps or removes it, publishes the will, announces the
//! disconnection), and — when the server ends the connection — a short linger so that the
//! client can read that last word.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use tracing::info;

use super::Connection;
use crate::broker::lifecycle::Closing;
use crate::codec::{Disconnect, DisconnectProperties, Packet, ReasonCode};

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
    /// A reload revoked the client's login.
    Revoked,
    /// The broker is stopping or restarting.
    Shutdown,
    /// Output was waiting and the client took none of it for `write_timeout`: it has
    /// stopped reading (nothing more can be written to it, not even a DISCONNECT).
    WriteStalled,
}

impl Exit {
    /// Why the connection ended, in words for the log ("keep alive timeout", "protocol error:
    /// Malformed Packet (0x81)").
    pub fn describe(&self) -> String {
        match self {
            Exit::ClientDisconnect { with_will: false } => "client sent DISCONNECT".into(),
            Exit::ClientDisconnect { with_will: true } => "client sent DISCONNECT with will".into(),
            Exit::Closed => "connection closed without DISCONNECT".into(),
            Exit::ProtocolError(code) => {
                format!("protocol error: {} (0x{:02x})", code.error_name(), code.0)
            }
            Exit::KeepAliveTimeout => "keep alive timeout".into(),
            Exit::TakenOver => "session taken over by a new connection".into(),
            Exit::Kicked => "kicked by an operator".into(),
            Exit::Revoked => "login revoked by a reload".into(),
            Exit::Shutdown => "broker stopping or restarting".into(),
            Exit::WriteStalled => "client stopped reading (write_timeout)".into(),
        }
    }

    /// The reason code of the DISCONNECT the server sends, if it sends one.
    pub fn server_reason(&self) -> Option<ReasonCode> {
        match self {
            Exit::ClientDisconnect { .. } | Exit::Closed | Exit::WriteStalled => None,
            Exit::ProtocolError(code) => Some(*code),
            Exit::KeepAliveTimeout => Some(ReasonCode::KEEP_ALIVE_TIMEOUT),
            Exit::TakenOver => Some(ReasonCode::SESSION_TAKEN_OVER),
            Exit::Kicked => Some(ReasonCode::ADMINISTRATIVE_ACTION),
            Exit::Revoked => Some(ReasonCode::NOT_AUTHORIZED),
            Exit::Shutdown => Some(ReasonCode::SERVER_SHUTTING_DOWN),
        }
    }

    /// Whether the will is published: not after a normal DISCONNECT, and not when the
    /// broker itself is going down.
    fn publishes_will(&self) -> bool {
        match self {
            Exit::ClientDisconnect { with_will } => *with_will,
            // The client's rights are gone: nothing is published on its behalf any more.
            Exit::Shutdown | Exit::Revoked => false,
            _ => true,
        }
    }

    /// Whether the server ends the connection while the client may still be sending: then
    /// the connection lingers before closing. Not on shutdown, which must not wait.
    fn lingers(&self) -> bool {
        matches!(
            self,
            Exit::ProtocolError(_)
                | Exit::KeepAliveTimeout
                | Exit::TakenOver
                | Exit::Kicked
                | Exit::Revoked
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
                // The connection ends anyway: a refusal has nothing left to close.
                let _ = self.route_publish(publish);
            }
            self.paused.clear();
        }
        self.flush_counters();
        let disconnect = self.disconnect_reason(&exit).map(|reason| {
            Packet::Disconnect(Disconnect {
                reason,
                properties: DisconnectProperties::default(),
            })
        });
        self.flush_output(disconnect.as_ref()).await;

        // Messages taken from the stash but never routed are lost with the connection, as
        // they were never acknowledged: the client resends them.
        let closing = Closing {
            conn_id: self.conn_id,
            session: Arc::clone(&self.session),
            identity: Arc::clone(&self.identity),
            state: std::mem::take(&mut self.state),
            will: self
                .will
                .take()
                .filter(|_| exit.publishes_will())
                .map(|w| *w),
            expiry_interval: self.expiry_interval,
            kicked: exit == Exit::Kicked,
            reason: exit.event_code(),
        };
        self.broker.close_session(closing);
        self.broker.metrics().connections.sub(1);
        info!(
            client_id = %self.session.client_id,
            username = self.identity.username.as_deref().unwrap_or(""),
            reason = %exit.describe(),
            "client disconnected"
        );
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
