//! What a document is cut into, and what every format implements to cut and put back.

use langs::LangCode;

use super::error::DocumentError;

/// How a unit is to be translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// Plain text; its line breaks and indentation are kept by the translator.
    Text,
    /// An HTML fragment: translate it as the API's `format: html` does ([`crate::markup`]).
    Html,
}

/// One piece of human text to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The text.
    pub text: String,
    /// How to translate it.
    pub kind: UnitKind,
}

/// What each format implements.
pub(super) trait Parsed: Send + Sync {
    fn units(&self) -> &[Unit];
    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError>;
}
