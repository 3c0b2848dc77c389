//! `nanomq-cli acl check`: `GET /acl/check`, which rule of the running broker decides a
//! publish or a subscribe, and what it decides.

use shared_types::config::{AclAction, Permit};
use shared_types::{AclCheck, AclCheckQuery};

use crate::cli::{AclCheckAction, AclCommand};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `acl …`.
pub async fn exec(command: AclCommand, ctx: &Ctx) -> Result<(), CliError> {
    ctx.out.no_toml()?;
    let AclCommand::Check(args) = command;
    let query = AclCheckQuery {
        username: args.user,
        clientid: args.clientid,
        ip: args.ip,
        action: match args.action {
            AclCheckAction::Publish => AclAction::Publish,
            AclCheckAction::Subscribe => AclAction::Subscribe,
        },
        topic: args.topic,
    };
    let reply = ctx.api()?.get(&["acl", "check"], &query).await?;
    if ctx.out.is_json() {
        return ctx.out.print_json(&reply.data.unwrap_or_default());
    }
    let check: AclCheck = reply.typed()?;
    let verdict = match check.permit {
        Permit::Allow => "allow",
        Permit::Deny => "deny",
    };
    ctx.out.print(&format!("{verdict}: {}\n", check.reason))
}
