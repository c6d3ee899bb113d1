//! `tolk serve`: the HTTP API and the web page.

use std::path::Path;

use tolk_server::models::HubError;
use tolk_server::settings::{ServeArgs, Settings};

use super::Failure;

/// Runs the command.
pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let mut settings = Settings::resolve(args).map_err(Failure::usage)?;
    for spec in &mut settings.models {
        spec.dir = tolk_server::models::locate(&spec.dir).map_err(|e| Failure::runtime(offer_test_model(&e)))?;
    }
    tolk_server::http::serve(settings).map_err(Failure::runtime)
}

/// The error, and when the model cannot be downloaded and this binary runs from its checkout,
/// the exact command that serves the committed test model instead: a first run offline still
/// shows the pipeline working.
fn offer_test_model(error: &HubError) -> String {
    let mut message = error.to_string();
    if matches!(error, HubError::Offline { .. }) {
        let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        if let Ok(checkout) = checkout.canonicalize() {
            if checkout.join("tests/fixtures/tiny-nllb").is_dir() {
                message.push_str(&format!(
                    ". To try Tolk without a download, serve the tiny test model (it answers nonsense): \
                     cd {} && scripts/tolk serve --model tests/fixtures/tiny-nllb",
                    checkout.display()
                ));
            }
        }
    }
    message
}
