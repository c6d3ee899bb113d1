//! `tolk serve`: the HTTP API and the web page.

use super::Failure;
use tolk_server::settings::{ServeArgs, Settings};

/// Runs the command.
pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let mut settings = Settings::resolve(args).map_err(Failure::usage)?;
    for spec in &mut settings.models {
        spec.dir = tolk_server::models::locate(&spec.dir).map_err(Failure::runtime)?;
    }
    tolk_server::http::serve(settings).map_err(Failure::runtime)
}
