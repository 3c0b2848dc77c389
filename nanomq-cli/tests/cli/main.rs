//! The real `nanomq-cli` binary against a real broker started in this process.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

mod support;

mod access;
mod bridges;
mod broker;
mod clients;
mod config;
mod config_truth;
mod https;
mod mqtt;
mod mqtt_checks;
mod retained;
mod tls_words;
mod token;
mod usage;
