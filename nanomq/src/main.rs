//! The `nanomq` binary.

fn main() {}
