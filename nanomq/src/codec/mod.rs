//! MQTT 3.1 / 3.1.1 / 5.0 packets and their wire format (work in progress).
