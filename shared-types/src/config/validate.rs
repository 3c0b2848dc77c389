//! The rules a configuration must follow beyond its types: URL schemes, ranges, fields that
//! require others, topic filters. Pure: files named by the configuration are not opened here.

use std::collections::HashSet;

use super::{
    AclRule, AuthType, BridgeAddress, Config, ConfigError, ListenScheme, ListenUrl,
    MQTT_MAX_PACKET_SIZE, MqttBridge,
};
use crate::topic::{TopicRewrite, validate_topic_filter, validate_topic_name};

/// The most worker threads a configuration may ask for.
const MAX_THREADS: u32 = 256;
/// The largest `max_topic_levels`: a topic of 65,535 bytes has at most 32,768 levels.
const MAX_TOPIC_LEVELS: u32 = 32_768;

impl Config {
    fn validate_log(&self) -> Result<(), ConfigError> {
        if self.log.to.is_empty() {
            return Err(ConfigError::new(
                "log.to",
                "must name console, file or both",
            ));
        }
        if self.log.to.contains(&super::LogTarget::File) {
            if self.log.file.trim().is_empty() || self.log.file.contains('/') {
                return Err(ConfigError::new(
                    "log.file",
                    "must be a file name (the directory is log.dir)",
                ));
            }
            if self.log.dir.trim().is_empty() {
                return Err(ConfigError::new("log.dir", "must not be empty"));
            }
        }
        match self.log.rotation.size_bytes() {
            Some(n) if n >= 1024 => {}
            Some(_) => {
                return Err(ConfigError::new(
                    "log.rotation.size",
                    "must be at least 1KB",
                ));
            }
            None => {
                return Err(ConfigError::new(
                    "log.rotation.size",
                    "expected a size such as 512KB, 10MB or 1GB",
                ));
            }
        }
        check_range("log.rotation.count", self.log.rotation.count, 1, 1000)
    }

    /// Checks every rule, and names the first field that breaks one.
    ///
    /// `num_taskq_thread` above `max_taskq_thread` is not an error: the broker clamps it.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_listen_url("url", &self.url, ListenScheme::Tcp)?;
        check_range("num_taskq_thread", self.num_taskq_thread, 0, MAX_THREADS)?;
        check_range("max_taskq_thread", self.max_taskq_thread, 1, MAX_THREADS)?;
        check_range("parallel", self.parallel, 1, u32::MAX)?;
        check_range("property_size", self.property_size, 1, u32::MAX)?;
        check_range("msq_len", self.msq_len, 1, u32::MAX)?;
        check_range("qos_duration", self.qos_duration, 1, u32::MAX)?;
        check_range(
            "max_packet_size",
            self.max_packet_size,
            2,
            MQTT_MAX_PACKET_SIZE,
        )?;
        check_range(
            "max_topic_levels",
            self.max_topic_levels,
            1,
            MAX_TOPIC_LEVELS,
        )?;
        check_range("write_timeout", self.write_timeout, 1, u32::MAX)?;
        check_range("sys_interval", self.sys_interval, 0, 86_400)?;
        check_range("max_keepalive", self.max_keepalive, 0, u32::from(u16::MAX))?;
        self.validate_log()?;
        self.validate_users()?;
        self.validate_auth()?;
        self.validate_tls()?;
        check_listen_url("websocket.url", &self.websocket.url, ListenScheme::Ws)?;
        check_listen_url(
            "websocket.tls_url",
            &self.websocket.tls_url,
            ListenScheme::Wss,
        )?;
        self.validate_http_server()?;
        if self.bridge.bridge_mode {
            self.validate_bridge()?;
        }
        self.validate_bridges()?;
        if self.persistence.enable && self.persistence.dir.trim().is_empty() {
            return Err(ConfigError::new(
                "persistence.dir",
                "must not be empty when persistence.enable is true",
            ));
        }
        check_range(
            "persistence.sync_interval_ms",
            self.persistence.sync_interval_ms,
            1,
            60_000,
        )?;
        Ok(())
    }

    fn validate_users(&self) -> Result<(), ConfigError> {
        let mut seen = HashSet::new();
        for (index, user) in self.users.iter().enumerate() {
            let field = format!("users[{index}].username");
            if user.username.is_empty() {
                return Err(ConfigError::new(field, "must not be empty"));
            }
            if !seen.insert(user.username.as_str()) {
                let reason = format!("duplicate username `{}`", user.username);
                return Err(ConfigError::new(field, reason));
            }
        }
        Ok(())
    }

    fn validate_auth(&self) -> Result<(), ConfigError> {
        let auth = &self.auth;
        for (field, path) in [
            ("auth.password_file", &auth.password_file),
            ("auth.acl_file", &auth.acl_file),
        ] {
            if path.as_deref().is_some_and(|p| p.trim().is_empty()) {
                return Err(ConfigError::new(field, "must not be empty when given"));
            }
        }
        for (index, rule) in auth.acl.iter().enumerate() {
            rule.validate(&format!("auth.acl[{index}]"))?;
        }
        Ok(())
    }

    fn validate_tls(&self) -> Result<(), ConfigError> {
        let tls = &self.tls;
        check_listen_url("tls.url", &tls.url, ListenScheme::Tls)?;
        if tls.enable {
            require("tls.key", &tls.key, "required when tls.enable is true")?;
            require("tls.cert", &tls.cert, "required when tls.enable is true")?;
            if tls.verify_peer {
                require(
                    "tls.cacert",
                    &tls.cacert,
                    "required when tls.verify_peer is true",
                )?;
            }
        }
        Ok(())
    }

    fn validate_http_server(&self) -> Result<(), ConfigError> {
        let http = &self.http_server;
        if http.ip_addr.parse::<std::net::IpAddr>().is_err() {
            let reason = format!("`{}` is not an IP address", http.ip_addr);
            return Err(ConfigError::new("http_server.ip_addr", reason));
        }
        if http.enable && http.tls {
            require(
                "tls.key",
                &self.tls.key,
                "required when http_server.tls is true",
            )?;
            require(
                "tls.cert",
                &self.tls.cert,
                "required when http_server.tls is true",
            )?;
        }
        match http.auth_type {
            AuthType::Jwt => require(
                "http_server.jwt.public_keyfile",
                &http.jwt.public_keyfile,
                "required when auth_type is jwt",
            ),
            AuthType::Basic if http.username.is_empty() => Err(ConfigError::new(
                "http_server.username",
                "must not be empty when auth_type is basic",
            )),
            AuthType::Basic if http.password.is_empty() => Err(ConfigError::new(
                "http_server.password",
                "must not be empty when auth_type is basic",
            )),
            AuthType::Basic | AuthType::NoAuth => Ok(()),
        }
    }

    fn validate_bridge(&self) -> Result<(), ConfigError> {
        let bridge = &self.bridge;
        check_bridge_name("bridge.name", &bridge.name)?;
        BridgeAddress::parse(&bridge.address)
            .map_err(|reason| ConfigError::new("bridge.address", reason))?;
        if !matches!(bridge.proto_ver, 3..=5) {
            return Err(ConfigError::new("bridge.proto_ver", "must be 3, 4 or 5"));
        }
        check_range("bridge.keepalive", bridge.keepalive, 0, u32::from(u16::MAX))?;
        check_range("bridge.parallel", bridge.parallel, 1, u32::MAX)?;
        for (index, filter) in bridge.forwards.iter().enumerate() {
            check_filter(&format!("bridge.forwards[{index}]"), filter)?;
        }
        for (index, subscription) in bridge.subscription.iter().enumerate() {
            check_filter(
                &format!("bridge.subscription[{index}].topic"),
                &subscription.topic,
            )?;
            if subscription.qos > 2 {
                let field = format!("bridge.subscription[{index}].qos");
                return Err(ConfigError::new(field, "must be 0, 1 or 2"));
            }
        }
        Ok(())
    }

    /// The `[bridges.mqtt.NAME]` tables, and the names of every bridge.
    fn validate_bridges(&self) -> Result<(), ConfigError> {
        for (name, bridge) in &self.bridges.mqtt {
            let path = format!("bridges.mqtt.{name}");
            check_bridge_name(&path, name)?;
            if self.bridge.bridge_mode && *name == self.bridge.name {
                let reason = format!("`{name}` is also the name of the [bridge] section's bridge");
                return Err(ConfigError::new(path, reason));
            }
            validate_mqtt_bridge(&path, bridge)?;
        }
        // Two bridges with one client id take each other's session upstream, for ever.
        let mut seen: Vec<(String, String)> = Vec::new();
        for named in self.mqtt_bridges() {
            let Some(id) = named.bridge.clientid.clone() else {
                continue;
            };
            if let Some((_, other)) = seen.iter().find(|(seen_id, _)| *seen_id == id) {
                let reason =
                    format!("client id `{id}` is also {other}'s: each bridge needs its own");
                return Err(ConfigError::new(
                    format!("{}.clientid", named.path()),
                    reason,
                ));
            }
            seen.push((id, named.path()));
        }
        Ok(())
    }
}

fn check_bridge_name(field: &str, name: &str) -> Result<(), ConfigError> {
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name_ok {
        Ok(())
    } else {
        Err(ConfigError::new(
            field,
            "a bridge's name must be 1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

/// One `[bridges.mqtt.NAME]` table, whose dotted path is `path`.
pub(crate) fn validate_mqtt_bridge(path: &str, bridge: &MqttBridge) -> Result<(), ConfigError> {
    let field = |key: &str| format!("{path}.{key}");
    if bridge.server.is_empty() {
        return Err(ConfigError::new(
            field("server"),
            "must be given (mqtt-tcp://host:port or tls+mqtt-tcp://host:port)",
        ));
    }
    BridgeAddress::parse(&bridge.server)
        .map_err(|reason| ConfigError::new(field("server"), reason))?;
    for (index, server) in bridge.hybrid_servers.iter().enumerate() {
        BridgeAddress::parse(server).map_err(|reason| {
            ConfigError::new(field(&format!("hybrid_servers[{index}]")), reason)
        })?;
    }
    if bridge.transparent {
        return Err(ConfigError::new(
            field("transparent"),
            "transparent bridging (every local subscription proxied upstream) is not implemented: list the subscriptions in `subscription`",
        ));
    }
    if bridge.hybrid_bridging && bridge.hybrid_servers.is_empty() {
        return Err(ConfigError::new(
            field("hybrid_servers"),
            "must list at least one server when hybrid_bridging is on",
        ));
    }
    if !matches!(bridge.proto_ver, 3..=5) {
        return Err(ConfigError::new(field("proto_ver"), "must be 3, 4 or 5"));
    }
    check_range(
        &field("keepalive"),
        bridge.keepalive.0,
        0,
        u32::from(u16::MAX),
    )?;
    check_range(&field("backoff_max"), bridge.backoff_max.0, 1, 86_400)?;
    check_range(
        &field("max_parallel_processes"),
        bridge.max_parallel_processes,
        1,
        u32::from(u16::MAX),
    )?;
    if bridge
        .ssl
        .key_password
        .as_deref()
        .is_some_and(|p| !p.is_empty())
    {
        return Err(ConfigError::new(
            field("ssl.key_password"),
            "encrypted private keys are not supported: give the key decrypted (openssl pkey -in key.pem -out plain.pem)",
        ));
    }
    if bridge.ssl.certfile.is_some() != bridge.ssl.keyfile.is_some() {
        return Err(ConfigError::new(
            field("ssl.certfile"),
            "certfile and keyfile go together",
        ));
    }
    if bridge
        .conn_properties
        .topic_alias_maximum
        .is_some_and(|n| n != 0)
    {
        return Err(ConfigError::new(
            field("conn_properties.topic_alias_maximum"),
            "the bridge does not take topic aliases from the upstream: only 0",
        ));
    }
    if let Some(id) = &bridge.clientid {
        if id.is_empty() {
            return Err(ConfigError::new(
                field("clientid"),
                "must not be empty (leave it out to have one generated)",
            ));
        }
        if bridge.proto_ver == 3 && id.len() > 23 {
            return Err(ConfigError::new(
                field("clientid"),
                "MQTT 3.1 servers may refuse a client id longer than 23 characters: shorten it or use proto_ver = 4",
            ));
        }
    }
    if bridge.conn_properties.maximum_packet_size == Some(0) {
        return Err(ConfigError::new(
            field("conn_properties.maximum_packet_size"),
            "must be at least 1 (MQTT 5 forbids 0)",
        ));
    }
    if bridge.conn_properties.receive_maximum == Some(0) {
        return Err(ConfigError::new(
            field("conn_properties.receive_maximum"),
            "must be at least 1",
        ));
    }
    for (index, forward) in bridge.forwards.iter().enumerate() {
        let rule = |key: &str| format!("{path}.forwards[{index}].{key}");
        check_filter(&rule("local_topic"), &forward.local_topic)?;
        TopicRewrite::new(
            &forward.local_topic,
            &forward.remote_topic,
            &forward.prefix,
            &forward.suffix,
        )
        .map_err(|reason| ConfigError::new(rule("remote_topic"), reason))?;
        if forward.qos.is_some_and(|q| q > 2) {
            return Err(ConfigError::new(rule("qos"), "must be 0, 1 or 2"));
        }
        if forward.retain.is_some_and(|r| r > 2) {
            return Err(ConfigError::new(
                rule("retain"),
                "must be 0, 1 or 2 (keep the message's)",
            ));
        }
    }
    for (index, subscription) in bridge.subscription.iter().enumerate() {
        let rule = |key: &str| format!("{path}.subscription[{index}].{key}");
        check_filter(&rule("remote_topic"), &subscription.remote_topic)?;
        TopicRewrite::new(
            &subscription.remote_topic,
            &subscription.local_topic,
            &subscription.prefix,
            &subscription.suffix,
        )
        .map_err(|reason| ConfigError::new(rule("local_topic"), reason))?;
        if subscription.qos > 2 {
            return Err(ConfigError::new(rule("qos"), "must be 0, 1 or 2"));
        }
        if subscription.retain.is_some_and(|r| r > 2) {
            return Err(ConfigError::new(
                rule("retain"),
                "must be 0, 1 or 2 (keep the message's)",
            ));
        }
        if subscription.retain_as_published > 1 {
            return Err(ConfigError::new(
                rule("retain_as_published"),
                "must be 0 or 1",
            ));
        }
        if subscription.retain_handling > 2 {
            return Err(ConfigError::new(
                rule("retain_handling"),
                "must be 0, 1 or 2",
            ));
        }
    }
    if let Some(will) = &bridge.will {
        validate_topic_name(&will.topic).map_err(|e| {
            ConfigError::new(
                field("will.topic"),
                format!("`{}` is not a valid topic name: {e}", will.topic),
            )
        })?;
        if will.qos > 2 {
            return Err(ConfigError::new(field("will.qos"), "must be 0, 1 or 2"));
        }
    }
    Ok(())
}

fn check_range(field: &str, value: u32, min: u32, max: u32) -> Result<(), ConfigError> {
    if value < min {
        let reason = format!("must be at least {min} (got {value})");
        return Err(ConfigError::new(field, reason));
    }
    if value > max {
        let reason = format!("must be at most {max} (got {value})");
        return Err(ConfigError::new(field, reason));
    }
    Ok(())
}

fn require(field: &str, value: &Option<String>, reason: &str) -> Result<(), ConfigError> {
    match value {
        Some(text) if !text.is_empty() => Ok(()),
        _ => Err(ConfigError::new(field, reason)),
    }
}

impl AclRule {
    /// Checks one rule; `field` names it in the error (`auth.acl[2]`, or a line of a file).
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        let whos = std::iter::once((field.to_string(), self.ipaddr.as_deref()))
            .chain(
                self.ipaddrs
                    .iter()
                    .enumerate()
                    .map(|(i, ip)| (format!("{field}.ipaddrs[{i}]"), Some(ip.as_str()))),
            )
            .chain(
                self.all_of
                    .iter()
                    .enumerate()
                    .map(|(i, who)| (format!("{field}.and[{i}]"), who.ipaddr.as_deref())),
            )
            .chain(
                self.any_of
                    .iter()
                    .enumerate()
                    .map(|(i, who)| (format!("{field}.or[{i}]"), who.ipaddr.as_deref())),
            );
        for (at, ip) in whos {
            if let Some(ip) = ip.filter(|ip| *ip != "#") {
                check_ip_block(ip)
                    .map_err(|reason| ConfigError::new(format!("{at}.ipaddr"), reason))?;
            }
        }
        for (index, topic) in self.topics.iter().enumerate() {
            let text = topic.text();
            let filter = text
                .strip_prefix('@')
                .filter(|f| !f.is_empty())
                .unwrap_or(text);
            check_filter(&format!("{field}.topics[{index}]"), filter)?;
        }
        Ok(())
    }
}

/// An address (`10.1.2.3`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
fn check_ip_block(text: &str) -> Result<(), String> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: std::net::IpAddr = address
        .parse()
        .map_err(|_| format!("`{text}` is not an IP address or a CIDR block"))?;
    if let Some(prefix) = prefix {
        let max = if address.is_ipv4() { 32 } else { 128 };
        match prefix.parse::<u8>() {
            Ok(bits) if bits <= max => {}
            _ => return Err(format!("`{text}`: the prefix length must be 0 to {max}")),
        }
    }
    Ok(())
}

fn check_filter(field: &str, filter: &str) -> Result<(), ConfigError> {
    validate_topic_filter(filter).map_err(|reason| {
        ConfigError::new(
            field,
            format!("`{filter}` is not a valid topic filter: {reason}"),
        )
    })
}

fn check_listen_url(field: &str, url: &str, expected: ListenScheme) -> Result<(), ConfigError> {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
    if !scheme.is_some_and(|scheme| expected.scheme_names().contains(&scheme)) {
        let reason = format!("must start with {}", expected.describe_schemes());
        return Err(ConfigError::new(field, reason));
    }
    let parsed = ListenUrl::parse(url).map_err(|reason| ConfigError::new(field, reason))?;
    if expected.has_path() && !parsed.path.starts_with('/') {
        return Err(ConfigError::new(field, "needs a path such as /mqtt"));
    }
    if !expected.has_path() && !parsed.path.is_empty() {
        return Err(ConfigError::new(field, "takes no path"));
    }
    Ok(())
}
