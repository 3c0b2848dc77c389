//! MQTT over WebSocket: the server handshake (path and subprotocol checks) and an adapter
//! that turns a WebSocket into the byte stream the connection task reads and writes.
//!
//! The adapter is hand-written because it is small and sits on the hot path of every
//! WebSocket client: MQTT packets may be split across binary frames or packed several to a
//! frame, so frames are just chunks of one byte stream. Each write becomes one binary frame.
//! Pings are answered by tungstenite itself; a close frame reads as end of stream; a text
//! frame is a protocol violation and ends the connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Subprotocols accepted, in order of preference (MQTT 5 §6, and MQTT 3.1's name).
const SUBPROTOCOLS: [&str; 2] = ["mqtt", "mqttv3.1"];

/// Runs the server side of the WebSocket handshake: the request path must be `path`; the
/// `mqtt` (or `mqttv3.1`) subprotocol is selected when the client offers it.
pub async fn accept<S>(stream: S, path: &str, max_message: usize) -> Result<WsStream<S>, WsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let path = path.to_owned();
    // The callback's signature is tungstenite's; its error is the HTTP answer to send.
    #[allow(clippy::result_large_err)]
    let callback =
        move |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
            if request.uri().path() != path {
                return Err(reject(StatusCode::NOT_FOUND, "no MQTT endpoint here"));
            }
            let offered: Vec<String> = request
                .headers()
                .get_all("sec-websocket-protocol")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|p| p.trim().to_ascii_lowercase())
                .collect();
            if let Some(chosen) = SUBPROTOCOLS
                .iter()
                .find(|p| offered.iter().any(|o| o == *p))
            {
                response
                    .headers_mut()
                    .insert("sec-websocket-protocol", HeaderValue::from_static(chosen));
            } else if !offered.is_empty() {
                return Err(reject(StatusCode::BAD_REQUEST, "subprotocol must be mqtt"));
            }
            Ok(response)
        };
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message));
    let ws =
        tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config)).await?;
    Ok(WsStream {
        inner: ws,
        pending: Bytes::new(),
    })
}

fn reject(status: StatusCode, why: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(why.to_owned()));
    *response.status_mut() = status;
    response
}

/// A WebSocket seen as a byte stream.
pub struct WsStream<S> {
    inner: WebSocketStream<S>,
    /// The unread rest of the last binary frame.
    pending: Bytes,
}

fn io_error(e: WsError) -> io::Error {
    match e {
        WsError::Io(e) => e,
        other => io::Error::other(other),
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for WsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(buf.remaining());
                buf.put_slice(&self.pending[..n]);
                self.pending.advance(n);
                return Poll::Ready(Ok(()));
            }
            match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => self.pending = data,
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                // A close frame, or the end of the stream: end of file.
                Some(Ok(Message::Close(_))) | None => return Poll::Ready(Ok(())),
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "MQTT over WebSocket must use binary frames",
                    )));
                }
                Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) => {
                    return Poll::Ready(Ok(()));
                }
                Some(Err(e)) => return Poll::Ready(Err(io_error(e))),
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for WsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let inner = Pin::new(&mut self.inner);
        ready!(inner.poll_ready(cx)).map_err(io_error)?;
        Pin::new(&mut self.inner)
            .start_send(Message::Binary(Bytes::copy_from_slice(buf)))
            .map_err(io_error)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx).map_err(io_error)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(Pin::new(&mut self.inner).poll_close(cx)) {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => Poll::Ready(Ok(())),
            Err(e) => Poll::Ready(Err(io_error(e))),
        }
    }
}
