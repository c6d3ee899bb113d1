//! `.json` i18n files: every string value with letters is translated, placeholders kept
//! (`{name}`, `{{count}}`, `%s`, ICU plurals, inline tags); keys, numbers, booleans and the file's
//! layout (order, indentation, escapes of untouched strings) stay byte for byte, because values
//! are replaced where they stand in the source rather than re-serialised.

use langs::LangCode;

use super::error::DocumentError;
use super::placeholders::{protect, restore_like};
use super::unit::{Parsed, Unit, UnitKind};
use super::values::{is_machine_value, utf8};

pub(super) struct JsonFile {
    source: String,
    /// Byte ranges of the translated string values (quotes included), in order.
    values: Vec<(std::ops::Range<usize>, Vec<String>)>,
    units: Vec<Unit>,
}

impl JsonFile {
    pub(super) fn parse(bytes: &[u8]) -> Result<JsonFile, DocumentError> {
        let text = utf8(bytes, "json")?;
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| DocumentError::Invalid {
            format: "json",
            reason: e.to_string(),
        })?;
        let mut file = JsonFile {
            source: text.to_string(),
            values: Vec::new(),
            units: Vec::new(),
        };
        for range in string_values(text) {
            // The literal is valid JSON (the whole document parsed), so this cannot fail.
            let Ok(value) = serde_json::from_str::<String>(&text[range.clone()]) else {
                continue;
            };
            if is_machine_value(&value) {
                continue;
            }
            if let Some(protected) = protect(&value) {
                file.units.push(Unit {
                    text: protected.fragment,
                    kind: UnitKind::Html,
                });
                file.values.push((range, protected.kept));
            }
        }
        Ok(file)
    }
}

impl Parsed for JsonFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], _target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let mut out = String::with_capacity(self.source.len() + self.source.len() / 4);
        let mut at = 0;
        for (((range, kept), translation), unit) in self.values.iter().zip(translations).zip(&self.units) {
            out.push_str(&self.source[at..range.start]);
            let value = restore_like(&unit.text, translation, kept);
            out.push_str(&serde_json::to_string(&value).expect("a string always serialises"));
            at = range.end;
        }
        out.push_str(&self.source[at..]);
        Ok(out.into_bytes())
    }
}

/// Byte ranges of the string literals that are values (not object keys), in order, in a
/// document already known to be valid JSON.
fn string_values(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut values = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let end = (i + 1).min(bytes.len());
        i = end;
        let mut j = end;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let is_key = bytes.get(j) == Some(&b':');
        if !is_key {
            values.push(start..end);
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_translated_keys_and_layout_kept() {
        let json = "{\n  \"greeting\": \"Hello {name}!\",\n  \"count\": 3,\n  \"nested\": {\"items\": [\"One file\", \"{{n}} files\", true]},\n  \"html\": \"Click <b>here</b> \\\"now\\\"\",\n  \"empty\": \"\", \"code\": \"%s\"\n}\n";
        let file = JsonFile::parse(json.as_bytes()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert!(texts[0].starts_with("Hello <code data-k=\"0\">"), "{texts:?}");
        let translations: Vec<String> = texts
            .iter()
            .map(|t| {
                t.replace("Hello", "Bonjour")
                    .replace("One file", "Un fichier")
                    .replace("files", "fichiers")
                    .replace("Click", "Cliquez")
                    .replace("here", "ici")
            })
            .collect();
        let out = String::from_utf8(
            file.render(&translations, LangCode::parse("fra_Latn").unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            out,
            "{\n  \"greeting\": \"Bonjour {name}!\",\n  \"count\": 3,\n  \"nested\": {\"items\": [\"Un fichier\", \"{{n}} fichiers\", true]},\n  \"html\": \"Cliquez <b>ici</b> \\\"now\\\"\",\n  \"empty\": \"\", \"code\": \"%s\"\n}\n"
        );
    }

    #[test]
    fn not_json_is_refused() {
        for bad in [&b"{\"a\": "[..], b"<html>", b"\xff"] {
            assert!(matches!(JsonFile::parse(bad), Err(DocumentError::Invalid { .. })));
        }
    }

    #[test]
    fn white_space_at_either_end_of_a_value_is_kept() {
        // Seen while fuzzing: `" i  "` came back as `"i"`; UI strings such as "Total: " need it.
        let json = "{\"total\": \"Total: \", \"line\": \"\\nDone\\n\"}";
        let file = JsonFile::parse(json.as_bytes()).unwrap();
        let out = file
            .render(
                &["Somme :".to_string(), "Fini".to_string()],
                LangCode::parse("fra_Latn").unwrap(),
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"total\": \"Somme : \", \"line\": \"\\nFini\\n\"}"
        );
    }
}
