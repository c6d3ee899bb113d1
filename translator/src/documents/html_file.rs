//! `.html`/`.htm`: the document is one HTML unit (runs and inline spans, as the API's html mode),
//! and the `title`, `alt` and `placeholder` attributes are text units of their own. On the way
//! back, `<html>` gets the target's `lang` and `dir`.

use langs::LangCode;

use super::error::DocumentError;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::{bcp47, utf8};
use crate::entities::{decode_entities, escape_into};

/// Attributes whose values people read.
const TRANSLATED_ATTRIBUTES: [&str; 3] = ["title", "alt", "placeholder"];
/// Elements whose content is not markup: tags inside them are text.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "xmp"];

pub(super) struct HtmlFile {
    units: Vec<Unit>,
}

/// A tag's attribute whose value is to be translated: where its value sits in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttributeValue {
    /// Byte range of the value (inside its quotes, if any).
    range: std::ops::Range<usize>,
}

impl HtmlFile {
    pub(super) fn parse(bytes: &[u8]) -> Result<HtmlFile, DocumentError> {
        let text = utf8(bytes, "html")?;
        if text.contains('\0') {
            return Err(DocumentError::Invalid {
                format: "html",
                reason: "binary content (NUL bytes)".to_string(),
            });
        }
        let mut units = vec![Unit {
            text: text.to_string(),
            kind: UnitKind::Html,
        }];
        for value in attribute_values(text) {
            units.push(Unit {
                text: decode_entities(&text[value.range]),
                kind: UnitKind::Text,
            });
        }
        Ok(HtmlFile { units })
    }
}

impl Parsed for HtmlFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let translated = &translations[0];
        // Markup comes back byte for byte, so the attributes are found in the same order.
        let values = attribute_values(translated);
        let mut out = String::with_capacity(translated.len() + 64);
        let mut at = 0;
        for (value, translation) in values.iter().zip(&translations[1..]) {
            out.push_str(&translated[at..value.range.start]);
            escape_attribute(&mut out, translation.trim());
            at = value.range.end;
        }
        out.push_str(&translated[at..]);
        Ok(set_language(&out, target).into_bytes())
    }
}

/// The translatable attribute values of every tag, in document order, skipping comments,
/// declarations and raw-text elements. Values without letters (numbers, URLs of icons) are left
/// alone.
fn attribute_values(html: &str) -> Vec<AttributeValue> {
    let mut found = Vec::new();
    scan_tags(html, |tag| {
        for attribute in &tag.attributes {
            if TRANSLATED_ATTRIBUTES.contains(&attribute.name.as_str()) {
                if let Some(range) = &attribute.value {
                    if html[range.clone()].chars().any(char::is_alphabetic) {
                        found.push(AttributeValue { range: range.clone() });
                    }
                }
            }
        }
    });
    found
}

/// A start tag as the scanner sees it.
struct Tag {
    name: String,
    /// Byte range of the whole tag, `<` to `>`.
    range: std::ops::Range<usize>,
    attributes: Vec<Attribute>,
}

struct Attribute {
    name: String,
    /// The whole attribute (name, `=`, value) in the source.
    range: std::ops::Range<usize>,
    value: Option<std::ops::Range<usize>>,
}

/// Calls `each` for every start tag. A small scanner of its own because the HTML lexer keeps
/// attributes as opaque markup; this one only has to find tags and their attributes, and never
/// fails: anything it does not understand is skipped as text.
fn scan_tags(html: &str, mut each: impl FnMut(&Tag)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |end| start + end + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = rest.find('>').map_or(html.len(), |end| start + end + 1);
            continue;
        }
        if !bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = start + 1;
            continue;
        }
        let Some((tag, end)) = read_tag(html, start) else {
            i = start + 1;
            continue;
        };
        each(&tag);
        i = end;
        if RAW_TEXT.contains(&tag.name.as_str()) {
            let close = format!("</{}", tag.name);
            let lower = html[i..].to_ascii_lowercase();
            i = lower.find(&close).map_or(html.len(), |p| i + p);
        }
    }
}

/// Reads the start tag at `start` (`<` followed by a letter); returns it and the index after `>`.
fn read_tag(html: &str, start: usize) -> Option<(Tag, usize)> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = html.get(start + 1..i)?.to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        if bytes[i] == b'>' {
            return Some((
                Tag {
                    name,
                    range: start..i + 1,
                    attributes,
                },
                i + 1,
            ));
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attribute_name = html.get(name_start..i)?.to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let close = html[j + 1..].find(quote as char)? + j + 1;
                    value = Some(j + 1..close);
                    j = close + 1;
                }
                Some(_) => {
                    let value_start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = Some(value_start..j);
                }
                None => return None,
            }
            i = j;
        }
        if name_start == i {
            i += 1; // a stray character: skip it rather than loop
            continue;
        }
        attributes.push(Attribute {
            name: attribute_name,
            range: name_start..i,
            value,
        });
    }
}

/// Escapes an attribute value for a double- or single-quoted or unquoted attribute alike.
fn escape_attribute(out: &mut String, text: &str) {
    let mut escaped = String::with_capacity(text.len());
    escape_into(&mut escaped, text);
    out.push_str(&escaped.replace('"', "&quot;").replace('\'', "&#39;"));
}

/// The document with `lang` and `dir` of `<html>` set to the target's (added when absent).
fn set_language(html: &str, target: LangCode) -> String {
    let mut tag_found = None;
    scan_tags(html, |tag| {
        if tag_found.is_none() && tag.name == "html" {
            let kept: Vec<&Attribute> = tag
                .attributes
                .iter()
                .filter(|a| a.name != "lang" && a.name != "dir" && a.name != "xml:lang")
                .collect();
            let mut rebuilt = String::from("<html");
            for attribute in kept {
                rebuilt.push(' ');
                rebuilt.push_str(&html[attribute.range.clone()]);
            }
            rebuilt.push_str(&format!(
                " lang=\"{}\" dir=\"{}\">",
                bcp47(target),
                target.script().direction().as_str()
            ));
            tag_found = Some((tag.range.clone(), rebuilt));
        }
    });
    match tag_found {
        Some((range, rebuilt)) => format!("{}{}{}", &html[..range.start], rebuilt, &html[range.end..]),
        None => html.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::parse(s).unwrap()
    }

    #[test]
    fn attributes_are_units_and_come_back_translated() {
        let html = r#"<html lang="en" data-x="1"><body><img src="a.png" alt="A red &amp; blue bird"><input placeholder='Your name' title=Hello><a href="x" title="42">Go</a></body></html>"#;
        let file = HtmlFile::parse(html.as_bytes()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts[1..], ["A red & blue bird", "Your name", "Hello"]);
        let translations = vec![
            html.to_string(),
            "Un \"oiseau\" & <b>".into(),
            "Votre nom".into(),
            "Bonjour".into(),
        ];
        let out = String::from_utf8(file.render(&translations, code("fra_Latn")).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<html data-x="1" lang="fr-Latn" dir="ltr"><body><img src="a.png" alt="Un &quot;oiseau&quot; &amp; &lt;b&gt;"><input placeholder='Votre nom' title=Bonjour><a href="x" title="42">Go</a></body></html>"#
        );
    }

    #[test]
    fn right_to_left_targets_set_dir_and_scripts_are_skipped() {
        let html = "<!doctype html><html><script>var s = '<img alt=\"no\">';</script><p title=\"Hi\">x</p></html>";
        let file = HtmlFile::parse(html.as_bytes()).unwrap();
        assert_eq!(file.units.len(), 2, "the alt inside the script is not an attribute");
        let out = file
            .render(&[html.to_string(), "مرحبا".into()], code("arb_Arab"))
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("<html lang=\"ar-Arab\" dir=\"rtl\">"), "{out}");
        assert!(out.contains("title=\"مرحبا\""), "{out}");
    }

    #[test]
    fn broken_markup_never_panics() {
        for html in [
            "<",
            "<a",
            "<a title=",
            "<a title=\"x",
            "<html",
            "<!--",
            "<p title='é'>",
            "<a =x>",
            "<a\u{0}>",
        ] {
            if let Ok(file) = HtmlFile::parse(html.as_bytes()) {
                let translations: Vec<String> = file.units.iter().map(|u| u.text.to_uppercase()).collect();
                let _ = file.render(&translations, code("deu_Latn"));
            }
        }
    }
}
