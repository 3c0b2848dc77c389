//! The HTTP management API v4: every route, filter and error, handler tests with `oneshot`
//! and end-to-end runs with real HTTP and MQTT clients.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

#[allow(dead_code)]
mod http_support;
#[path = "../support/mod.rs"]
mod support;

mod auth;
mod bridges;
mod clients;
mod config;
mod config_file;
mod connections;
mod e2e_broker;
mod e2e_document;
mod https;
mod publish;
mod retained;
mod routes;
mod scale;
mod secrets;
mod store;
mod sys;
