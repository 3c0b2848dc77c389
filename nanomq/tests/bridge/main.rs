//! The bridge: an edge broker bridged to an upstream one (in-process, scripted, or Debian's
//! mosquitto), forwarding, subscribing, acknowledgements and outages.
//!
//! One test binary for the whole area (each file below is a module), so the workspace links
//! a handful of test executables rather than one per file.

mod bridge_support;
#[path = "../support/mod.rs"]
mod support;

mod acks;
mod mosquitto;
mod named;
mod outage;
mod pubsub;
