//! Values every format reads and writes: UTF-8 input, values meant for machines rather than
//! people, and the language tag a translated document is marked with.

use langs::LangCode;

use super::error::DocumentError;

/// The BCP 47 tag documents are marked with: language and script, e.g. `fr-Latn`, `ar-Arab`,
/// `zh-Hant` (ISO 639-1 where the language has one).
pub fn bcp47(code: LangCode) -> String {
    let language = code.info().iso639_1.unwrap_or_else(|| code.iso639_3());
    format!("{language}-{}", code.script().as_str())
}

/// Whether a value is for machines rather than people: a URL, an e-mail address, a path, or a
/// single lower-case token joined by `-`, `_` or `.` (a slug, an identifier, a file name).
/// Configuration-like strings sit beside prose in front matter and i18n files, and a translated
/// slug or URL breaks the site that reads it.
pub(crate) fn is_machine_value(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return false;
    }
    if value.contains("://") || value.starts_with('/') || value.starts_with("./") || value.starts_with("../") {
        return true;
    }
    if let Some((user, domain)) = value.split_once('@') {
        if !user.is_empty() && domain.contains('.') && !domain.starts_with('.') {
            return true;
        }
    }
    let joined = value.contains(['-', '_', '.', '/']);
    joined
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '/'))
        && value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && value.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Decodes UTF-8 (a byte-order mark dropped), or says where it is not.
pub(crate) fn utf8<'a>(bytes: &'a [u8], format: &'static str) -> Result<&'a str, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| DocumentError::Invalid {
        format,
        reason: format!("not UTF-8 text (byte {})", e.valid_up_to()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_values_are_told_from_prose() {
        for machine in [
            "https://example.com",
            "getting-started",
            "app.title",
            "snake_case",
            "/docs/intro",
            "me@example.org",
            "img/cat.png",
        ] {
            assert!(is_machine_value(machine), "{machine}");
        }
        for prose in [
            "Hello",
            "Getting started",
            "Welcome-Back",
            "e.g. this",
            "Photo album",
            "",
            "...",
            "Mr.",
        ] {
            assert!(!is_machine_value(prose), "{prose}");
        }
    }
}
