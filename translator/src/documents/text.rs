//! `.txt`: the whole text is one unit; the translator keeps its paragraphs and line breaks.

use langs::LangCode;

use super::error::DocumentError;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::utf8;

pub(super) struct TextDocument {
    units: Vec<Unit>,
}

impl TextDocument {
    pub(super) fn parse(bytes: &[u8]) -> Result<TextDocument, DocumentError> {
        let text = utf8(bytes, "txt")?;
        if text.contains('\0') {
            return Err(DocumentError::Invalid {
                format: "txt",
                reason: "binary content (NUL bytes)".to_string(),
            });
        }
        Ok(TextDocument {
            units: vec![Unit {
                text: text.to_string(),
                kind: UnitKind::Text,
            }],
        })
    }
}

impl Parsed for TextDocument {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], _target: LangCode) -> Result<Vec<u8>, DocumentError> {
        Ok(translations.concat().into_bytes())
    }
}
