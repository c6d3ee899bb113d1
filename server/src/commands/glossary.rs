//! `--glossary FILE` of `tolk translate` and `tolk batch`: a TSV or CSV file of terms, read by
//! the rules the server's glossaries follow, for the run's language pairs.

use std::path::Path;
use std::sync::Arc;

use langs::LangCode;
use tolk_server::app::glossary::entries::{self, EntriesFormat, GlossaryLimits};
use tolk_server::app::glossary::marking::Marker;
use tolk_server::app::glossary::terms::Terms;

use super::Failure;

/// What a run keeps for the pair: the terms of `--glossary` when given (which needs `--from`),
/// and `<notranslate>` spans.
pub fn marker(glossary: Option<&Path>, (source, target): (Option<LangCode>, LangCode)) -> Result<Marker, Failure> {
    match (glossary, source) {
        (None, _) => Ok(Marker::new(None, true)),
        (Some(_), None) => Err(Failure::usage(
            "--glossary needs --from: a guess must not choose which terms apply",
        )),
        (Some(path), Some(source)) => file_marker(path, (source, target)),
    }
}

/// The terms of the glossary file `path` for the pair.
fn file_marker(path: &Path, (source, target): (LangCode, LangCode)) -> Result<Marker, Failure> {
    let format = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("tsv" | "txt") => EntriesFormat::Tsv,
        Some("csv") => EntriesFormat::Csv,
        _ => {
            return Err(Failure::usage(format!(
                "--glossary {}: a .tsv or .csv file of source and target terms",
                path.display()
            )))
        }
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--glossary {}: cannot read it: {e}", path.display())))?;
    let entries = entries::parse(&text, format, (source, target), &GlossaryLimits::default())
        .map_err(|e| Failure::usage(format!("--glossary {}: {e}", path.display())))?;
    let terms = Terms::new(&entries).map_err(|e| Failure::usage(format!("--glossary {}: {e}", path.display())))?;
    Ok(Marker::new(Some(Arc::new(terms)), true))
}
