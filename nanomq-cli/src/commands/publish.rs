//! `nanomq-cli publish`: `POST /mqtt/publish`, a message published by the broker itself.

use std::collections::BTreeMap;
use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use shared_types::{PayloadEncoding, PublishRequest, PublishRequestProperties};

use crate::cli::PublishArgs;
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `publish`.
pub async fn exec(args: PublishArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let request = request(&args)?;
    ctx.api()?.post(&["mqtt", "publish"], &request).await?;
    if ctx.out.is_json() {
        return Ok(());
    }
    ctx.out
        .print(&format!("published to {}\n", args.topics.join(", ")))
}

/// The request body for `args`.
pub fn request(args: &PublishArgs) -> Result<PublishRequest, CliError> {
    let (first, rest) = args
        .topics
        .split_first()
        .ok_or_else(|| CliError::Usage("give a topic with -t".to_string()))?;
    if !rest.is_empty() && args.topics.iter().any(|t| t.contains(',')) {
        return Err(CliError::Usage(
            "a topic with a comma cannot be published with others in one request".to_string(),
        ));
    }
    let (payload, encoding) = payload(args)?;
    let user_properties: BTreeMap<String, String> = args.user_properties.iter().cloned().collect();
    let properties = PublishRequestProperties {
        payload_format_indicator: None,
        message_expiry_interval: args.message_expiry,
        content_type: args.content_type.clone(),
        response_topic: args.response_topic.clone(),
        correlation_data: args.correlation_data.clone(),
        user_properties: (!user_properties.is_empty()).then_some(user_properties),
    };
    Ok(PublishRequest {
        topic: Some(first.clone()),
        topics: (!rest.is_empty()).then(|| rest.join(",")),
        payload,
        qos: args.qos,
        retain: args.retain,
        clientid: args.clientid.clone(),
        encoding,
        properties: (properties != PublishRequestProperties::default()).then_some(properties),
    })
}

/// The payload as text, and base64 when it is not UTF-8 or was given as base64.
fn payload(args: &PublishArgs) -> Result<(String, Option<PayloadEncoding>), CliError> {
    let bytes = match (&args.message, &args.file) {
        (Some(message), _) => message.clone().into_bytes(),
        (None, Some(path)) => std::fs::read(path)
            .map_err(|e| CliError::Other(format!("cannot read {}: {e}", path.display())))?,
        (None, None) => {
            let mut buffer = Vec::new();
            std::io::stdin().read_to_end(&mut buffer)?;
            buffer
        }
    };
    if args.base64 {
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::Usage("--base64: the payload is not base64 text".into()))?;
        return Ok((text.trim().to_string(), Some(PayloadEncoding::Base64)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(e) => Ok((STANDARD.encode(e.as_bytes()), Some(PayloadEncoding::Base64))),
    }
}
