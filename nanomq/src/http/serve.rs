//! The HTTP API's connections, plain or TLS: accepted here rather than by `axum::serve`, which
//! lets a client hold a connection for as long as it likes, so that no client, authenticated
//! or not, can tie the API (or the process's file descriptors) up:
//!
//! - A request head must arrive within `header_timeout` ([`HEADER_TIMEOUT`] by default) of the
//!   connection becoming idle (hyper's header-read timer; it also ends idle keep-alive
//!   connections). A partial request is answered 408, an idle connection just closed.
//! - At most `max_connections` connections are open. A new one that finds them all taken
//!   closes the oldest one that is not running a request (a slow or idle client), so a
//!   flood of half-open connections only pushes out its own kind; when every connection is
//!   running a request, the new one is answered 503 and closed.
//! - Request heads are bounded ([`MAX_HEAD`]): more is answered 431.
//!
//! Every refusal is JSON (`{"code":N,"message":…}`) like every other answer of the API. hyper
//! answers malformed heads itself with an empty body; [`GuardedIo`] holds such an answer back
//! and the connection writes the JSON one instead.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use parking_lot::Mutex;
use shared_types::{ErrorBody, ResultCode};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;
use tracing::{debug, warn};

/// How long a request head (or a TLS handshake) may take, and how long a keep-alive
/// connection may stay idle.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head, in bytes (hyper's read buffer, which bounds the head).
pub const MAX_HEAD: usize = 16 * 1024;
/// Pause after a failed accept (typically out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How long writing a refusal may take.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(1);

/// What the API's connections are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// How long a request head or a TLS handshake may take, and an idle connection stay.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

/// Accepts API connections on `listener` until `shutdown`, serving each on `tracker`.
pub fn spawn(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: ConnLimits,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) {
    let table = Arc::new(ConnTable::new(limits.max_connections));
    let accept = AcceptLoop {
        listener,
        tls,
        app,
        table,
        header_timeout: limits.header_timeout,
        shutdown: shutdown.clone(),
        tracker: tracker.clone(),
    };
    tracker.spawn(accept.run());
}

struct AcceptLoop {
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    table: Arc<ConnTable>,
    header_timeout: Duration,
    shutdown: CancellationToken,
    tracker: TaskTracker,
}

impl AcceptLoop {
    async fn run(self) {
        loop {
            let accepted = tokio::select! {
                () = self.shutdown.cancelled() => return,
                accepted = self.listener.accept() => accepted,
            };
            let (tcp, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    warn!(error = %e, "HTTP API accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            let Some(slot) = self.table.admit() else {
                debug!(%peer, "HTTP API connection refused: every connection is busy");
                if self.tls.is_none() {
                    self.tracker.spawn(refuse(tcp));
                }
                continue;
            };
            let conn = Conn {
                peer,
                app: self.app.clone(),
                slot,
                header_timeout: self.header_timeout,
                shutdown: self.shutdown.clone(),
            };
            self.tracker.spawn(conn.serve(tcp, self.tls.clone()));
        }
    }
}

/// Answers 503 to a connection there is no room for, and closes it.
async fn refuse(mut tcp: TcpStream) {
    let reply = error_reply(
        StatusCode::SERVICE_UNAVAILABLE,
        ResultCode::UnknownError,
        "too many connections to the HTTP API; try again",
    );
    let write = async {
        let _ = tcp.write_all(&reply).await;
        let _ = tcp.shutdown().await;
    };
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT, write).await;
}

/// One API connection.
struct Conn {
    peer: SocketAddr,
    app: Router,
    slot: SlotGuard,
    header_timeout: Duration,
    shutdown: CancellationToken,
}

impl Conn {
    async fn serve(self, tcp: TcpStream, tls: Option<TlsAcceptor>) {
        let Some(acceptor) = tls else {
            return self.serve_http(tcp).await;
        };
        let handshake = tokio::select! {
            handshake = tokio::time::timeout(self.header_timeout, acceptor.accept(tcp)) => handshake,
            () = self.slot.evicted() => return,
            () = self.shutdown.cancelled() => return,
        };
        match handshake {
            Ok(Ok(stream)) => self.serve_http(stream).await,
            Ok(Err(e)) => debug!(peer = %self.peer, error = %e, "HTTPS handshake failed"),
            Err(_) => debug!(peer = %self.peer, "HTTPS handshake timed out"),
        }
    }

    async fn serve_http<S: AsyncRead + AsyncWrite + Unpin>(self, mut stream: S) {
        let mut io = GuardedIo::new(&mut stream, self.header_timeout);
        let result = {
            let app = &self.app;
            let slot = &self.slot;
            let peer = self.peer;
            let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                // The client's address, for authentication (failed logins are counted per
                // address) and logs.
                request.extensions_mut().insert(ConnectInfo(peer));
                let busy = slot.busy();
                let app = app.clone();
                async move {
                    let response = app.oneshot(request).await;
                    drop(busy);
                    response
                }
            });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(self.header_timeout)
                .max_buf_size(MAX_HEAD)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(&mut io), service);
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => result,
                () = self.slot.evicted() => {
                    debug!(peer = %self.peer, "HTTP API connection closed to make room");
                    return;
                }
                () = self.shutdown.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            }
        };
        let Err(error) = result else {
            return;
        };
        debug!(peer = %self.peer, %error, "HTTP API connection ended");
        if let Some(reply) = io.refusal(&error) {
            let write = async {
                let _ = stream.write_all(&reply).await;
                let _ = stream.shutdown().await;
            };
            let _ = tokio::time::timeout(REFUSAL_TIMEOUT, write).await;
        }
    }
}

/// A whole HTTP/1.1 response carrying the API's error body, closing the connection.
fn error_reply(status: StatusCode, code: ResultCode, message: &str) -> Vec<u8> {
    let body = serde_json::to_string(&ErrorBody::with_message(code, message))
        .unwrap_or_else(|_| format!("{{\"code\":{}}}", code.as_u16()));
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len(),
    )
    .into_bytes()
}

/// The stream as hyper sees it: it notes whether a request has begun arriving since the last
/// answer, and holds back the empty-bodied answers hyper gives to heads it cannot parse (the
/// API never answers 400, 414 or 431 with an empty body itself), so the connection can send
/// the JSON ones instead.
struct GuardedIo<'a, S> {
    inner: &'a mut S,
    header_timeout: Duration,
    /// The status of the answer held back; once set, nothing more is written.
    held_back: Option<StatusCode>,
    /// Bytes were read since the last write: a request is (partly) in.
    request_started: bool,
}

impl<'a, S> GuardedIo<'a, S> {
    fn new(inner: &'a mut S, header_timeout: Duration) -> GuardedIo<'a, S> {
        GuardedIo {
            inner,
            header_timeout,
            held_back: None,
            request_started: false,
        }
    }

    /// The JSON answer for how the connection ended, if it is owed one: hyper's held-back
    /// refusal of a malformed head, or 408 for a request head that did not arrive in time.
    fn refusal(&self, error: &hyper::Error) -> Option<Vec<u8>> {
        if let Some(status) = self.held_back {
            let message = match status {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
                    format!("request head larger than {MAX_HEAD} bytes")
                }
                StatusCode::URI_TOO_LONG => "request URI too long".to_string(),
                _ => "malformed HTTP request".to_string(),
            };
            return Some(error_reply(status, ResultCode::InvalidParameter, &message));
        }
        if error.is_timeout() && self.request_started {
            let message = format!("request head not received within {:?}", self.header_timeout);
            return Some(error_reply(
                StatusCode::REQUEST_TIMEOUT,
                ResultCode::UnknownError,
                &message,
            ));
        }
        None
    }
}

/// The status of an answer hyper made up on its own for a head it could not parse.
fn automatic_refusal(buf: &[u8]) -> Option<StatusCode> {
    let status = match buf.get(..13)? {
        b"HTTP/1.1 400 " => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414 " => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431 " => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let empty = buf
        .windows(b"\r\ncontent-length: 0\r\n".len())
        .any(|w| w.eq_ignore_ascii_case(b"\r\ncontent-length: 0\r\n"));
    empty.then_some(status)
}

impl<S: AsyncRead + Unpin> AsyncRead for GuardedIo<'_, S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut *this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.request_started = true;
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GuardedIo<'_, S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.held_back.is_some() {
            return Poll::Ready(Ok(buf.len()));
        }
        if let Some(status) = automatic_refusal(buf) {
            this.held_back = Some(status);
            return Poll::Ready(Ok(buf.len()));
        }
        this.request_started = false;
        Pin::new(&mut *this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.held_back.is_some() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut *this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.held_back.is_some() {
            // The connection writes the JSON answer, then shuts down itself.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut *this.inner).poll_shutdown(cx)
    }
}

/// The open API connections, oldest first.
#[derive(Debug)]
struct ConnTable {
    max: usize,
    slots: Mutex<BTreeMap<u64, Arc<Slot>>>,
    next_key: AtomicU64,
}

#[derive(Debug, Default)]
struct Slot {
    /// Requests running on the connection now.
    busy: AtomicUsize,
    evicted: CancellationToken,
}

impl ConnTable {
    fn new(max: usize) -> ConnTable {
        ConnTable {
            max: max.max(1),
            slots: Mutex::new(BTreeMap::new()),
            next_key: AtomicU64::new(0),
        }
    }

    /// A slot for a new connection, closing the oldest idle one when all are taken; `None`
    /// when every connection is running a request.
    fn admit(self: &Arc<Self>) -> Option<SlotGuard> {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        let mut slots = self.slots.lock();
        if slots.len() >= self.max {
            let idle = slots
                .iter()
                .find(|(_, slot)| slot.busy.load(Ordering::Acquire) == 0)
                .map(|(key, _)| *key)?;
            if let Some(oldest) = slots.remove(&idle) {
                oldest.evicted.cancel();
            }
        }
        slots.insert(key, Arc::clone(&slot));
        drop(slots);
        Some(SlotGuard {
            table: Arc::clone(self),
            key,
            slot,
        })
    }
}

/// A connection's slot; freed when dropped.
#[derive(Debug)]
struct SlotGuard {
    table: Arc<ConnTable>,
    key: u64,
    slot: Arc<Slot>,
}

impl SlotGuard {
    /// Marks a request running until the returned guard is dropped.
    fn busy(&self) -> BusyGuard {
        self.slot.busy.fetch_add(1, Ordering::AcqRel);
        BusyGuard(Arc::clone(&self.slot))
    }

    /// Resolves when a newer connection took this one's place.
    async fn evicted(&self) {
        self.slot.evicted.cancelled().await;
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.table.slots.lock().remove(&self.key);
    }
}

/// A request running on a connection.
struct BusyGuard(Arc<Slot>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_makes_room() {
        let table = Arc::new(ConnTable::new(2));
        let first = table.admit().unwrap();
        let second = table.admit().unwrap();
        let _running = first.busy();
        let third = table.admit().unwrap();
        assert!(
            !first.slot.evicted.is_cancelled(),
            "a busy connection stays"
        );
        assert!(second.slot.evicted.is_cancelled());
        let _also_running = third.busy();
        assert!(table.admit().is_none(), "all busy: refused");
    }

    #[test]
    fn only_hypers_empty_refusals_are_held_back() {
        let automatic =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            automatic_refusal(automatic),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n{\"code\":108}";
        assert_eq!(automatic_refusal(ours), None);
        assert_eq!(automatic_refusal(b"HTTP/1.1 200 OK\r\n"), None);
    }
}
