//! What every management command is given: the settled global options, the output, and the
//! way to the HTTP API.

use crate::api::ApiClient;
use crate::error::CliError;
use crate::output::Output;
use crate::settings::Settings;

/// The context of one command run.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The settled global options.
    pub settings: Settings,
    /// Where and how to print.
    pub out: Output,
}

impl Ctx {
    /// A context for `settings`, with tables as wide as `columns` (`$COLUMNS`) or the terminal.
    pub fn new(settings: Settings, columns: Option<&str>) -> Ctx {
        let out = Output::new(settings.output, settings.color, columns);
        Ctx { settings, out }
    }

    /// A client of the HTTP API at `--url`; made on demand, so commands that do not talk to
    /// the broker (`token`, `completions`) never trip over a bad URL.
    pub fn api(&self) -> Result<ApiClient, CliError> {
        ApiClient::new(&self.settings)
    }
}
