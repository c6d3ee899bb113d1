//! What the translation memory accepts: memory names, texts and imports within bounds, each
//! refusal naming the field.

use super::store::NewEntry;
use crate::app::Error;

/// The memory a correction goes to when it names none.
pub const DEFAULT_MEMORY: &str = "default";
/// Longest text of a correction (each of source, translation and correction), in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Most entries one import may hold.
pub const MAX_IMPORT_ENTRIES: usize = 200_000;
/// Longest memory name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// A memory name as given, or [`DEFAULT_MEMORY`]; refused when too long or holding control
/// characters.
pub fn check_name(name: Option<&str>) -> Result<String, Error> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(DEFAULT_MEMORY);
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "memory: a name of at most {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    Ok(name.to_string())
}

/// A name asked for: one no correction could have given is no memory.
pub fn existing_name(name: &str) -> Result<String, Error> {
    check_name(Some(name)).map_err(|_| Error::NotFound("memory (no memory has such a name)".to_string()))
}

/// Refuses an empty text or one over [`MAX_TEXT_CHARS`], naming `field`.
pub fn check_text(field: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::Missing(format!("{field}: the text is empty")));
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(Error::TooLarge(format!(
            "{field}: {chars} characters; a correction holds at most {MAX_TEXT_CHARS}"
        )));
    }
    Ok(())
}

/// Refuses an import that is empty or too large.
pub fn check_import(entries: &[NewEntry]) -> Result<(), Error> {
    if entries.is_empty() {
        return Err(Error::Missing("the file holds no entries".to_string()));
    }
    if entries.len() > MAX_IMPORT_ENTRIES {
        return Err(Error::TooLarge(format!(
            "{} entries; one import holds at most {MAX_IMPORT_ENTRIES}",
            entries.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded_and_default() {
        assert_eq!(check_name(None).unwrap(), DEFAULT_MEMORY);
        assert_eq!(check_name(Some("  ")).unwrap(), DEFAULT_MEMORY);
        assert_eq!(check_name(Some("Luganda health")).unwrap(), "Luganda health");
        assert!(check_name(Some(&"x".repeat(65))).is_err());
        assert!(check_name(Some("a\u{0}b")).is_err());
    }
}
