//! Listeners: each accepts connections of one kind and hands the connection's byte stream to
//! [`crate::connection::serve`]. They know nothing of MQTT.

pub mod tcp;
