//! The source-language choice of a request or command: detect it, or take the one given. One parser
//! here so that every API and command agrees on what means "detect".

use crate::code::{LangCode, LangError};
use crate::resolve::resolve;

/// Where a text's source language comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceChoice {
    /// Detected from the text.
    Auto,
    /// Given by the caller.
    Given(LangCode),
}

impl SourceChoice {
    /// Reads a source field: absent, empty or `auto` (any case) means detect; anything else must resolve.
    pub fn parse(value: Option<&str>) -> Result<SourceChoice, LangError> {
        // Trimmed before resolving so that an error quotes the value without the stray space.
        match value.map(str::trim) {
            None | Some("") => Ok(SourceChoice::Auto),
            Some(auto) if auto.eq_ignore_ascii_case("auto") => Ok(SourceChoice::Auto),
            Some(given) => resolve(given).map(SourceChoice::Given),
        }
    }

    /// The language when given.
    pub fn given(self) -> Option<LangCode> {
        match self {
            SourceChoice::Auto => None,
            SourceChoice::Given(code) => Some(code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(nllb: &str) -> LangCode {
        LangCode::from_nllb(nllb).unwrap()
    }

    #[test]
    fn absent_empty_or_auto_means_detect() {
        assert_eq!(SourceChoice::parse(None), Ok(SourceChoice::Auto));
        assert_eq!(SourceChoice::parse(Some("")), Ok(SourceChoice::Auto));
        assert_eq!(SourceChoice::parse(Some("   ")), Ok(SourceChoice::Auto));
        assert_eq!(SourceChoice::parse(Some("  AUTO ")), Ok(SourceChoice::Auto));
        assert_eq!(SourceChoice::parse(Some("auto")), Ok(SourceChoice::Auto));
        assert_eq!(SourceChoice::Auto.given(), None);
    }

    #[test]
    fn codes_and_names_resolve() {
        assert_eq!(
            SourceChoice::parse(Some("fr")),
            Ok(SourceChoice::Given(code("fra_Latn")))
        );
        assert_eq!(
            SourceChoice::parse(Some(" quy_Latn ")),
            Ok(SourceChoice::Given(code("quy_Latn")))
        );
        assert_eq!(
            SourceChoice::parse(Some("Luganda")),
            Ok(SourceChoice::Given(code("lug_Latn")))
        );
        assert_eq!(
            SourceChoice::parse(Some("EN-GB")).unwrap().given(),
            Some(code("eng_Latn"))
        );
    }

    #[test]
    fn an_unknown_value_fails_as_lang_code_parse_does() {
        for value in ["klingon", "Frnech", "autodetect", "sr-Latn"] {
            assert_eq!(
                SourceChoice::parse(Some(value)),
                Err(LangCode::parse(value).unwrap_err()),
                "{value}"
            );
        }
        let LangError::Unknown { input, .. } = SourceChoice::parse(Some(" klingon ")).unwrap_err();
        assert_eq!(input, "klingon");
    }
}
