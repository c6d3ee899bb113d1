//! Language fields as clients send them, read into domain values with errors that name the field:
//! one reader for every API shape, the file upload and jobs.

use langs::{LangCode, SourceChoice};

use super::error::Error;

/// Reads a source field: absent, empty or `auto` means detect.
pub fn parse_source(field: &'static str, value: Option<&str>) -> Result<SourceChoice, Error> {
    SourceChoice::parse(value).map_err(|error| Error::UnknownLanguage { field, error })
}

/// Reads a target field, which must be there.
pub fn parse_target(field: &'static str, value: Option<&str>) -> Result<LangCode, Error> {
    match value.map(str::trim) {
        None | Some("") => Err(Error::Missing(format!(
            "{field} is required: the language to translate into"
        ))),
        Some(v) => LangCode::parse(v).map_err(|error| Error::UnknownLanguage { field, error }),
    }
}
