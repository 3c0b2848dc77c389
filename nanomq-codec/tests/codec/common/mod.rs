//! Helpers shared by the codec test files (each file under `tests/` is its own crate, so each
//! uses only some of these).
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod interop;
pub mod malformed;
pub mod roundtrip;
pub mod vectors;
