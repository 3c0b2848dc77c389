//! MQTT over WebSocket: the server handshake (path and subprotocol checks). The byte stream
//! the connection task reads and writes is `nanomq_client::ws::WsStream`, the adapter the
//! client side dials over too.

use nanomq_client::ws::WsStream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

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
    Ok(WsStream::new(ws))
}

fn reject(status: StatusCode, why: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(why.to_owned()));
    *response.status_mut() = status;
    response
}
