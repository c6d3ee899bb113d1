//! `tolk serve`: the HTTP API and (later) the web page.

use super::Failure;
use crate::settings::{ServeArgs, Settings};

/// Runs the command.
pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let settings = Settings::resolve(args).map_err(Failure::usage)?;
    crate::http::serve(settings).map_err(Failure::runtime)
}
