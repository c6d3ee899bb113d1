//! `tolk serve`: the HTTP API and the web page.

use super::Failure;
use crate::settings::{ServeArgs, Settings};

/// Runs the command.
pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let mut settings = Settings::resolve(args).map_err(Failure::usage)?;
    for spec in &mut settings.models {
        spec.dir = crate::models::locate(&spec.dir).map_err(Failure::runtime)?;
    }
    crate::http::serve(settings).map_err(Failure::runtime)
}
