//! nanomq: an edge MQTT broker. The library holds the whole broker; `main.rs` is only wiring.

pub mod codec;
pub mod router;
