//! `.xliff`/`.xlf` (1.2 and 2.0): each `<source>` whose `<target>` is missing or empty gets its
//! translation (inline elements such as `<g>`, `<x/>`, `<ph>` placed as HTML mode places tags),
//! and the file's target language is set. Documents declaring entities are refused: they are how
//! entity-expansion bombs and external-entity reads arrive.

use langs::LangCode;

use super::error::DocumentError;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::{bcp47, utf8};

pub(super) struct XliffFile {
    source: String,
    /// Where each translation goes: replacing a target's content, or a new target after a source.
    places: Vec<Place>,
    units: Vec<Unit>,
    version2: bool,
}

enum Place {
    /// The byte range of an empty target's content.
    Replace(std::ops::Range<usize>),
    /// The byte offset just after `</source>`, and the indentation to put before `<target>`.
    Insert(usize, String),
    /// The byte range of an empty `<target/>` element, to replace by a full one.
    Element(std::ops::Range<usize>),
}

impl XliffFile {
    pub(super) fn parse(bytes: &[u8]) -> Result<XliffFile, DocumentError> {
        let text = utf8(bytes, "xliff")?;
        let invalid = |reason: &str| DocumentError::Invalid {
            format: "xliff",
            reason: reason.to_string(),
        };
        if text.contains("<!ENTITY") || text.contains("<!DOCTYPE") {
            return Err(DocumentError::Refused(
                "XML with a DOCTYPE or entity declarations (entity expansion and external entities are not allowed)"
                    .to_string(),
            ));
        }
        let Some(root) = text.find("<xliff") else {
            return Err(invalid("no <xliff> element"));
        };
        let version2 = text[root..]
            .split('>')
            .next()
            .is_some_and(|tag| tag.contains("version=\"2"));
        let mut file = XliffFile {
            source: text.to_string(),
            places: Vec::new(),
            units: Vec::new(),
            version2,
        };
        let mut at = 0;
        while let Some(open) = find_tag(text, at, "source") {
            let Some(open_end) = text[open..].find('>').map(|e| open + e + 1) else {
                break;
            };
            if text[open + 1..open_end].contains('<') {
                return Err(invalid("a <source> tag runs into the next tag"));
            }
            if text[..open_end].ends_with("/>") {
                at = open_end;
                continue;
            }
            let Some(close) = text[open_end..].find("</source>").map(|c| open_end + c) else {
                return Err(invalid("a <source> is not closed"));
            };
            let inner = &text[open_end..close];
            // XML that nests these is broken; read on, it would be written back broken further.
            if find_tag(inner, 0, "source").is_some()
                || find_tag(inner, 0, "target").is_some()
                || inner.contains("</target>")
            {
                return Err(invalid("a <source> holds another <source> or a <target>"));
            }
            if !tags_are_closed(inner) {
                return Err(invalid("a <source> holds a `<` that starts no tag (write it as &lt;)"));
            }
            let after = close + "</source>".len();
            at = after;
            // The target, if one follows before the next source or the end of the unit.
            let next_source = find_tag(text, after, "source").unwrap_or(text.len());
            let target = find_tag(text, after, "target").filter(|&t| t < next_source);
            let place = match target {
                Some(t) => {
                    let Some(t_end) = text[t..].find('>').map(|e| t + e + 1) else {
                        break;
                    };
                    if text[t + 1..t_end].contains('<') {
                        return Err(invalid("a <target> tag runs into the next tag"));
                    }
                    if text[..t_end].ends_with("/>") {
                        Place::Element(t..t_end)
                    } else {
                        let Some(t_close) = text[t_end..].find("</target>").map(|c| t_end + c) else {
                            return Err(invalid("a <target> is not closed"));
                        };
                        if !text[t_end..t_close].trim().is_empty() {
                            continue; // already translated
                        }
                        Place::Replace(t_end..t_close)
                    }
                }
                None => {
                    let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
                    // The source's indentation, when it starts its line; none on one-line files.
                    let before = &text[line_start..open];
                    let indent = if before.trim().is_empty() {
                        before.to_string()
                    } else {
                        String::new()
                    };
                    Place::Insert(after, indent)
                }
            };
            if !inner.chars().any(char::is_alphabetic) {
                continue;
            }
            file.units.push(Unit {
                text: inner.to_string(),
                kind: UnitKind::Html,
            });
            file.places.push(place);
        }
        Ok(file)
    }
}

/// Whether every `<` in XML content starts a tag closed by `>` before the next `<`: a stray one
/// would join with the translation written after it into a tag.
fn tags_are_closed(content: &str) -> bool {
    let mut rest = content;
    while let Some(p) = rest.find('<') {
        rest = &rest[p + 1..];
        let closed = rest.find('>');
        if closed.is_none_or(|c| rest[..c].contains('<')) {
            return false;
        }
    }
    true
}

/// Offset of the next `<name` start tag (followed by `>`, `/` or white space) from `from`.
fn find_tag(text: &str, from: usize, name: &str) -> Option<usize> {
    let pattern = format!("<{name}");
    let mut at = from;
    while let Some(p) = text.get(at..)?.find(&pattern) {
        let start = at + p;
        let next = text[start + pattern.len()..].chars().next();
        if matches!(next, Some('>' | '/') | Some(' ' | '\t' | '\n' | '\r')) {
            return Some(start);
        }
        at = start + pattern.len();
    }
    None
}

impl Parsed for XliffFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let mut out = String::with_capacity(self.source.len() * 2);
        let mut at = 0;
        for (place, translation) in self.places.iter().zip(translations) {
            match place {
                Place::Replace(range) => {
                    out.push_str(&self.source[at..range.start]);
                    out.push_str(translation);
                    at = range.end;
                }
                Place::Insert(offset, indent) => {
                    out.push_str(&self.source[at..*offset]);
                    if indent.is_empty() {
                        out.push_str(&format!("<target>{translation}</target>"));
                    } else {
                        out.push_str(&format!("\n{indent}<target>{translation}</target>"));
                    }
                    at = *offset;
                }
                Place::Element(range) => {
                    out.push_str(&self.source[at..range.start]);
                    out.push_str(&format!("<target>{translation}</target>"));
                    at = range.end;
                }
            }
        }
        out.push_str(&self.source[at..]);
        Ok(set_target_language(&out, target, self.version2).into_bytes())
    }
}

/// `target-language` on every `<file>` (1.2) or `trgLang` on `<xliff>` (2.0).
fn set_target_language(xml: &str, target: LangCode, version2: bool) -> String {
    let (element, attribute) = if version2 {
        ("xliff", "trgLang")
    } else {
        ("file", "target-language")
    };
    let tag = bcp47(target);
    let mut out = String::with_capacity(xml.len() + 64);
    let mut at = 0;
    while let Some(start) = find_tag(xml, at, element) {
        let Some(end) = xml[start..].find('>').map(|e| start + e) else {
            break;
        };
        let open = &xml[start..end];
        out.push_str(&xml[at..start]);
        if open[1..].contains('<') {
            // Not a tag but broken markup running into the next one: left as it is, since an
            // attribute written there would land inside that next tag.
            out.push_str(open);
            at = end;
            continue;
        }
        let attr = format!(" {attribute}=\"");
        match open.find(&attr) {
            Some(a) => {
                let value_start = a + attr.len();
                let value_end = open[value_start..].find('"').map_or(open.len(), |e| value_start + e);
                out.push_str(&open[..value_start]);
                out.push_str(&tag);
                out.push_str(&open[value_end..]);
            }
            None => {
                let self_closing = open.ends_with('/');
                out.push_str(open.trim_end_matches('/'));
                out.push_str(&format!(" {attribute}=\"{tag}\""));
                if self_closing {
                    out.push('/');
                }
            }
        }
        at = end;
    }
    out.push_str(&xml[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fra() -> LangCode {
        LangCode::parse("fra_Latn").unwrap()
    }

    #[test]
    fn xliff_1_2_targets_are_added_or_filled() {
        let xlf = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n <file source-language=\"en\" datatype=\"plaintext\" original=\"a\">\n  <body>\n   <trans-unit id=\"1\">\n    <source>Hello <g id=\"b\">world</g></source>\n   </trans-unit>\n   <trans-unit id=\"2\">\n    <source>Open</source>\n    <target></target>\n   </trans-unit>\n   <trans-unit id=\"3\">\n    <source>Done</source>\n    <target>Fait</target>\n   </trans-unit>\n  </body>\n </file>\n</xliff>\n";
        let file = XliffFile::parse(xlf.as_bytes()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, ["Hello <g id=\"b\">world</g>", "Open"]);
        let out = String::from_utf8(
            file.render(&["Bonjour <g id=\"b\">monde</g>".into(), "Ouvrir".into()], fra())
                .unwrap(),
        )
        .unwrap();
        assert!(
            out.contains(
                "<source>Hello <g id=\"b\">world</g></source>\n    <target>Bonjour <g id=\"b\">monde</g></target>"
            ),
            "{out}"
        );
        assert!(out.contains("<target>Ouvrir</target>"), "{out}");
        assert!(
            out.contains("<target>Fait</target>"),
            "existing targets are kept: {out}"
        );
        assert!(
            out.contains(
                "<file source-language=\"en\" datatype=\"plaintext\" original=\"a\" target-language=\"fr-Latn\">"
            ),
            "{out}"
        );
    }

    #[test]
    fn xliff_2_sets_trg_lang() {
        let xlf = "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment><source>Save</source></segment></unit></file></xliff>";
        let file = XliffFile::parse(xlf.as_bytes()).unwrap();
        let out = String::from_utf8(file.render(&["Enregistrer".into()], fra()).unwrap()).unwrap();
        assert_eq!(
            out,
            "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\" trgLang=\"fr-Latn\"><file id=\"f\"><unit id=\"u\"><segment><source>Save</source><target>Enregistrer</target></segment></unit></file></xliff>"
        );
    }

    #[test]
    fn entities_and_non_xliff_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><xliff><file><body><trans-unit id=\"1\"><source>&b;</source></trans-unit></body></file></xliff>";
        assert!(matches!(
            XliffFile::parse(bomb.as_bytes()),
            Err(DocumentError::Refused(_))
        ));
        let external = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xliff><source>&e;</source></xliff>";
        assert!(matches!(
            XliffFile::parse(external.as_bytes()),
            Err(DocumentError::Refused(_))
        ));
        assert!(matches!(
            XliffFile::parse(b"{\"json\": 1}"),
            Err(DocumentError::Invalid { .. })
        ));
    }

    #[test]
    fn a_stray_angle_bracket_in_a_source_is_refused() {
        // Found by the `doc_xliff` fuzz target: `<source>Hi <</source>` written back with a
        // translation after the `<` made a tag of the translation's words.
        let xlf = "<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>Hi <</source></trans-unit></body></file></xliff>";
        let err = XliffFile::parse(xlf.as_bytes()).err().expect("refused");
        assert!(err.to_string().contains("starts no tag"), "{err}");
    }

    #[test]
    fn a_source_inside_a_source_is_refused() {
        // Found by the `doc_xliff` fuzz target: the outer source's text, holding the inner
        // `<source>`, was copied into its target, and the file written could not be read again.
        let xlf = "<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>Hi <source>Save</source></trans-unit></body></file></xliff>";
        let err = XliffFile::parse(xlf.as_bytes()).err().expect("refused");
        assert!(err.to_string().contains("holds another <source>"), "{err}");
    }

    #[test]
    fn only_a_real_empty_target_element_is_replaced() {
        // Found by the `doc_xliff` fuzz target: text starting `<targetle` after a source was
        // taken for `<target/>`, and the writer skipped ahead to a far `/>` and panicked.
        let xlf = "<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>Save</source>\n<targetle x/> <source>Open</source><target/></trans-unit></body></file></xliff>";
        let file = XliffFile::parse(xlf.as_bytes()).unwrap();
        let out = file.render(&["Enregistrer".into(), "Ouvrir".into()], fra()).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("<source>Save</source><target>Enregistrer</target>\n<targetle x/>"),
            "{out}"
        );
        assert!(
            out.contains("<source>Open</source><target>Ouvrir</target></trans-unit>"),
            "{out}"
        );
    }
}
