//! The real `nanomq` binary as an operator runs it: started as a child process on a
//! configuration file in a temporary directory, stopped with signals, killed, and started
//! again on what it left on disk.
//!
//! One test binary for the area (each file below is a module).

#[path = "../support/mod.rs"]
mod common;

mod access;
mod bridge_crash;
mod check;
mod damage;
mod durability;
mod logs;
mod signals;
mod support;
