//! The codec against the specifications: byte vectors, malformed input, round trips,
//! interop with an independent codec (mqttbytes) and fuzzing.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

mod common;

mod fuzz;
mod interop_messages;
mod interop_session;
mod malformed_messages;
mod malformed_session;
mod roundtrip_messages;
mod roundtrip_session;
mod vectors_messages;
mod vectors_session;
