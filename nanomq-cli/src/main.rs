//! The `nanomq-cli` binary.

fn main() {}
