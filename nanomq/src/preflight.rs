//! What starting takes, checked without starting: the files, key material and rules a
//! configuration names load, its listener addresses are free, and (for a process about to
//! start) its store can be opened. `POST /configuration` and `ctrl/restart` ask
//! [`could_start`] before saying yes; `nanomq check` asks [`check`], so that it says "ok"
//! only to what `nanomq start` would start.

use shared_types::config::{AuthType, Config, ListenUrl};

use crate::auth::AuthRules;
use crate::config::io_reason;
use crate::control::BoundAddrs;

/// Whether `nanomq start` could start a new process on `config`: [`could_start`] with every
/// port to be bound, and the store's directory usable and not held by another broker.
pub fn check(config: &Config) -> Result<(), String> {
    could_start(config, None)?;
    crate::store::check(&config.persistence).map_err(|e| e.to_string())
}

/// Whether `config` could start while the listeners are bound at `current`: valid, with its
/// users, rules, key material, JWT key and bridge settings usable, and each of its listener
/// addresses free (or already ours). What `POST /configuration` and `ctrl/restart` check
/// before saying yes (the store stays open across a restart: not checked here).
pub fn could_start(config: &Config, current: Option<BoundAddrs>) -> Result<(), String> {
    config.validate().map_err(|e| e.to_string())?;
    AuthRules::load(config).map_err(|e| e.to_string())?;
    let http = &config.http_server;
    if config.tls.enable || (http.enable && http.tls) {
        crate::transport::tls::acceptor(&config.tls).map_err(|e| e.to_string())?;
    }
    if http.enable && http.auth_type == AuthType::Jwt {
        crate::http::jwt::JwtVerifier::load(&http.jwt).map(|_| ())?;
    }
    crate::bridge::check(config)?;
    let ours: Vec<u16> = current
        .map(|a| {
            [Some(a.mqtt), a.tls, a.ws, a.wss, a.http]
                .into_iter()
                .flatten()
                .map(|addr| addr.port())
                .collect()
        })
        .unwrap_or_default();
    for (field, addr) in listen_addresses(config) {
        let port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
        if port.is_none_or(|p| p == 0 || ours.contains(&p)) {
            continue;
        }
        std::net::TcpListener::bind(&addr)
            .map(drop)
            .map_err(|e| format!("cannot listen on {addr} ({field}): {}", io_reason(&e)))?;
    }
    Ok(())
}

/// The address each enabled listener of `config` binds.
fn listen_addresses(config: &Config) -> Vec<(&'static str, String)> {
    let mut out: Vec<_> = crate::transport::listeners(config)
        .into_iter()
        .filter_map(|spec| spec.socket_addr().map(|addr| (spec.field, addr)))
        .collect();
    let http = &config.http_server;
    if http.enable {
        let addr = ListenUrl::join(&http.ip_addr, http.port);
        out.push(("http_server.port", addr));
    }
    out
}
