//! The real `nanomq` binary as an operator runs it: started as a child process on a
//! configuration file in a temporary directory, stopped with signals.
//!
//! One test binary for the area (each file below is a module).

mod signals;
mod support;
