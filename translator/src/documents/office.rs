//! `.docx`, `.pptx`, `.odt` and `.epub`: zip archives of XML. The text of each paragraph (Word
//! `w:p`, PowerPoint `a:p`, OpenDocument `text:p`/`text:h`) is one unit; when the paragraph's
//! text is spread over several runs (each with its own style), the unit is an HTML fragment with
//! one span per run, so the translation's words land in the runs the way the API's html mode
//! places tags, and only the text inside the runs changes. EPUB chapters are XHTML and go
//! through the HTML format. Every other entry is copied byte for byte, in order, with its
//! compression, so `mimetype` stays first and stored.
//!
//! Written here rather than with an XML library because only text nodes change: the markup is
//! kept as it is, byte for byte, which no DOM round trip guarantees.

use std::io::{Cursor, Read, Write};
use std::ops::Range;

use langs::LangCode;

use super::error::DocumentError;
use super::html_file::HtmlFile;
use super::limits::Limits;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::bcp47;
use crate::entities::{decode_entities, escape_into};

/// Which kind of archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OfficeKind {
    Docx,
    Pptx,
    Odt,
    Epub,
}

impl OfficeKind {
    fn extension(self) -> &'static str {
        match self {
            OfficeKind::Docx => "docx",
            OfficeKind::Pptx => "pptx",
            OfficeKind::Odt => "odt",
            OfficeKind::Epub => "epub",
        }
    }

    /// Whether the entry holds text to translate.
    fn translates(self, name: &str) -> bool {
        match self {
            OfficeKind::Docx => {
                name == "word/document.xml"
                    || (name.starts_with("word/header") || name.starts_with("word/footer")) && name.ends_with(".xml")
                    || name == "word/footnotes.xml"
                    || name == "word/endnotes.xml"
            }
            OfficeKind::Pptx => {
                (name.starts_with("ppt/slides/slide") || name.starts_with("ppt/notesSlides/notesSlide"))
                    && name.ends_with(".xml")
            }
            OfficeKind::Odt => name == "content.xml",
            OfficeKind::Epub => {
                let lower = name.to_ascii_lowercase();
                lower.ends_with(".xhtml") || lower.ends_with(".html") || lower.ends_with(".htm")
            }
        }
    }

    /// Paragraph elements, and the elements whose text nodes are the paragraph's text.
    fn grammar(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            OfficeKind::Docx => (&["w:p"], &["w:t"]),
            OfficeKind::Pptx => (&["a:p"], &["a:t"]),
            OfficeKind::Odt => (&["text:p", "text:h"], &["text:p", "text:h", "text:span", "text:a"]),
            OfficeKind::Epub => (&[], &[]),
        }
    }
}

pub(super) struct OfficeFile {
    kind: OfficeKind,
    archive: Vec<u8>,
    /// Translated entries: their index in the archive and how.
    parts: Vec<(usize, Part)>,
    units: Vec<Unit>,
}

enum Part {
    /// XML with paragraphs; `first` is the index of its first unit.
    Paragraphs {
        xml: String,
        paragraphs: Vec<Paragraph>,
        first: usize,
    },
    /// An EPUB chapter.
    Xhtml { file: HtmlFile, first: usize },
    /// An EPUB package document, whose `dc:language` becomes the target's.
    Package { xml: String },
}

/// One paragraph: the byte ranges of its text nodes in the entry's XML.
struct Paragraph {
    slots: Vec<Range<usize>>,
}

impl OfficeFile {
    pub(super) fn parse(bytes: &[u8], kind: OfficeKind, limits: &Limits) -> Result<OfficeFile, DocumentError> {
        let format = kind.extension();
        let invalid = |reason: String| DocumentError::Invalid { format, reason };
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid(format!("not a zip archive ({e})")))?;
        if archive.len() > limits.max_entries {
            return Err(DocumentError::Refused(format!(
                "{} entries in the archive; at most {}",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut file = OfficeFile {
            kind,
            archive: bytes.to_vec(),
            parts: Vec::new(),
            units: Vec::new(),
        };
        let mut total = 0u64;
        let mut declared = 0u64;
        let mut found_main = false;
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|e| invalid(format!("broken entry ({e})")))?;
            let name = entry.name().to_string();
            let drive = name.as_bytes().get(1) == Some(&b':');
            if name.starts_with('/') || name.contains(['\\', '\0']) || drive || name.split('/').any(|p| p == "..") {
                return Err(DocumentError::Refused(format!("an entry leaves the archive: {name:?}")));
            }
            // Declared sizes first (cheap, and enough for honest bombs); the capped read below
            // catches archives whose headers lie.
            declared = declared.saturating_add(entry.size());
            if declared > limits.max_unpacked_bytes {
                return Err(DocumentError::Refused(format!(
                    "the entries declare more than {} bytes unpacked",
                    limits.max_unpacked_bytes
                )));
            }
            let opf = kind == OfficeKind::Epub && name.to_ascii_lowercase().ends_with(".opf");
            if !kind.translates(&name) && !opf {
                continue;
            }
            if entry.size()
                > entry
                    .compressed_size()
                    .max(1)
                    .saturating_mul(limits.max_ratio)
                    .max(1 << 16)
            {
                return Err(DocumentError::Refused(format!(
                    "{name} declares more than {}× compression",
                    limits.max_ratio
                )));
            }
            found_main |= !matches!(kind, OfficeKind::Docx) || name == "word/document.xml";
            let cap = limits.max_unpacked_bytes.saturating_sub(total).min(
                entry
                    .compressed_size()
                    .max(1)
                    .saturating_mul(limits.max_ratio)
                    .max(1 << 16),
            );
            let mut content = Vec::new();
            (&mut entry)
                .take(cap + 1)
                .read_to_end(&mut content)
                .map_err(|e| invalid(format!("{name}: cannot unpack ({e})")))?;
            if content.len() as u64 > cap {
                return Err(DocumentError::Refused(format!(
                    "{name} unpacks past the limits ({} bytes in all, {}× compression)",
                    limits.max_unpacked_bytes, limits.max_ratio
                )));
            }
            total += content.len() as u64;
            let xml = String::from_utf8(content).map_err(|_| invalid(format!("{name} is not UTF-8 XML")))?;
            if xml.contains("<!ENTITY") || xml.contains("<!DOCTYPE") && kind != OfficeKind::Epub {
                return Err(DocumentError::Refused(format!(
                    "{name} declares XML entities (entity expansion and external entities are not allowed)"
                )));
            }
            let first = file.units.len();
            let part = if opf {
                Part::Package { xml }
            } else if kind == OfficeKind::Epub {
                if xml.contains("<!ENTITY") {
                    return Err(DocumentError::Refused(format!("{name} declares XML entities")));
                }
                let html = HtmlFile::parse(xml.as_bytes())?;
                file.units.extend(html.units().iter().cloned());
                Part::Xhtml { file: html, first }
            } else {
                let paragraphs = paragraphs(&xml, kind);
                for paragraph in &paragraphs {
                    file.units.push(paragraph_unit(&xml, paragraph));
                }
                Part::Paragraphs { xml, paragraphs, first }
            };
            file.parts.push((index, part));
        }
        if !found_main || (file.parts.is_empty() && kind != OfficeKind::Pptx) {
            return Err(invalid(format!("no {} content in the archive", format)));
        }
        Ok(file)
    }
}

/// The package document with the text of its first `<dc:language>` set to `target`; a package
/// without one is left as it is (where to add it depends on the metadata's namespaces).
fn set_package_language(xml: &str, target: LangCode) -> String {
    let Some(open) = xml.find("<dc:language") else {
        return xml.to_string();
    };
    let Some(start) = xml[open..].find('>').map(|e| open + e + 1) else {
        return xml.to_string();
    };
    if xml[..start].ends_with("/>") {
        return xml.to_string();
    }
    let Some(end) = xml[start..].find("</dc:language>").map(|e| start + e) else {
        return xml.to_string();
    };
    format!("{}{}{}", &xml[..start], bcp47(target), &xml[end..])
}

/// The paragraphs of `xml` that have text, each with the ranges of its text nodes.
fn paragraphs(xml: &str, kind: OfficeKind) -> Vec<Paragraph> {
    let (paragraph_elements, text_elements) = kind.grammar();
    let mut done = Vec::new();
    let mut open: Vec<Paragraph> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while i < xml.len() {
        let Some(offset) = xml[i..].find('<') else {
            text_node(xml, i..xml.len(), &stack, text_elements, &mut open);
            break;
        };
        let lt = i + offset;
        text_node(xml, i..lt, &stack, text_elements, &mut open);
        let Some(end) = xml[lt..].find('>').map(|e| lt + e) else {
            break;
        };
        let tag = &xml[lt + 1..end];
        i = end + 1;
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            if let Some(position) = stack.iter().rposition(|n| n == name) {
                stack.truncate(position);
            }
            if paragraph_elements.contains(&name) {
                if let Some(paragraph) = open.pop() {
                    if paragraph
                        .slots
                        .iter()
                        .any(|r| xml[r.clone()].chars().any(char::is_alphabetic))
                    {
                        done.push(paragraph);
                    }
                }
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_string();
        if tag.ends_with('/') {
            continue;
        }
        if paragraph_elements.contains(&name.as_str()) {
            open.push(Paragraph { slots: Vec::new() });
        }
        stack.push(name);
    }
    done.sort_by_key(|p| p.slots.first().map_or(0, |r| r.start));
    done
}

fn text_node(xml: &str, range: Range<usize>, stack: &[String], text_elements: &[&str], open: &mut [Paragraph]) {
    if range.is_empty() {
        return;
    }
    let inside_text = stack.last().is_some_and(|n| text_elements.contains(&n.as_str()));
    if let (true, Some(paragraph)) = (inside_text, open.last_mut()) {
        // Pure indentation between elements is not text.
        if !xml[range.clone()].trim().is_empty() || stack.last().is_some_and(|n| n.ends_with(":t")) {
            paragraph.slots.push(range);
        }
    }
}

/// One slot: its text as a Text unit; several: spans the translation can place.
fn paragraph_unit(xml: &str, paragraph: &Paragraph) -> Unit {
    let texts: Vec<String> = paragraph
        .slots
        .iter()
        .map(|r| decode_entities(&xml[r.clone()]))
        .collect();
    if texts.len() == 1 {
        return Unit {
            text: texts[0].clone(),
            kind: UnitKind::Text,
        };
    }
    let mut fragment = String::new();
    for (n, text) in texts.iter().enumerate() {
        fragment.push_str(&format!("<span data-s=\"{n}\">"));
        escape_into(&mut fragment, text);
        fragment.push_str("</span>");
    }
    Unit {
        text: fragment,
        kind: UnitKind::Html,
    }
}

/// The text of each slot in a translated fragment; text outside every span joins the slot
/// before it (or the first).
fn slot_texts(fragment: &str, slots: usize) -> Vec<String> {
    let mut texts = vec![String::new(); slots];
    let mut current = 0;
    let mut rest = fragment;
    while let Some(p) = rest.find('<') {
        texts[current.min(slots - 1)].push_str(&decode_entities(&rest[..p]));
        rest = &rest[p..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if let Some(start) = tag.find("data-s=\"") {
            let digits: String = tag[start + 8..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<usize>() {
                current = n.min(slots - 1);
            }
        }
    }
    texts[current.min(slots - 1)].push_str(&decode_entities(rest));
    texts
}

impl Parsed for OfficeFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let format = self.kind.extension();
        let broken = |e: zip::result::ZipError| DocumentError::Invalid {
            format,
            reason: format!("cannot rewrite the archive ({e})"),
        };
        let mut archive = zip::ZipArchive::new(Cursor::new(&self.archive[..])).map_err(broken)?;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(self.archive.len() + 4096)));
        for index in 0..archive.len() {
            let Some((_, part)) = self.parts.iter().find(|(i, _)| *i == index) else {
                let entry = archive.by_index_raw(index).map_err(broken)?;
                writer.raw_copy_file(entry).map_err(broken)?;
                continue;
            };
            let (name, method) = {
                let entry = archive.by_index_raw(index).map_err(broken)?;
                (entry.name().to_string(), entry.compression())
            };
            let content = match part {
                Part::Package { xml } => set_package_language(xml, target).into_bytes(),
                Part::Xhtml { file, first } => {
                    let count = file.units().len();
                    let html = file.render(&translations[*first..first + count], target)?;
                    // XHTML reading systems look at xml:lang; the HTML format sets lang alone.
                    let tag = bcp47(target);
                    let lang = format!(" lang=\"{tag}\" dir=");
                    match String::from_utf8(html) {
                        Ok(html) => html
                            .replacen(&lang, &format!(" lang=\"{tag}\" xml:lang=\"{tag}\" dir="), 1)
                            .into_bytes(),
                        Err(e) => e.into_bytes(),
                    }
                }
                Part::Paragraphs { xml, paragraphs, first } => {
                    let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
                    for (n, paragraph) in paragraphs.iter().enumerate() {
                        let translation = &translations[first + n];
                        let texts = if paragraph.slots.len() == 1 {
                            vec![translation.trim().to_string()]
                        } else {
                            slot_texts(translation, paragraph.slots.len())
                        };
                        for (slot, text) in paragraph.slots.iter().zip(texts) {
                            let mut escaped = String::new();
                            escape_into(&mut escaped, &text);
                            replacements.push((slot.clone(), escaped));
                        }
                    }
                    replacements.sort_by_key(|(r, _)| r.start);
                    let mut out = String::with_capacity(xml.len() + xml.len() / 4);
                    let mut at = 0;
                    for (range, text) in replacements {
                        if range.start < at {
                            continue;
                        }
                        out.push_str(&xml[at..range.start]);
                        out.push_str(&text);
                        at = range.end;
                    }
                    out.push_str(&xml[at..]);
                    // Word shows the text in its runs' language: a preserve flag keeps the
                    // translation's edge spaces, which the slots may now carry.
                    if self.kind == OfficeKind::Docx {
                        out = out.replace("<w:t>", "<w:t xml:space=\"preserve\">");
                    }
                    out.into_bytes()
                }
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            writer.start_file(name, options).map_err(broken)?;
            writer.write_all(&content).map_err(|e| broken(e.into()))?;
        }
        Ok(writer.finish().map_err(broken)?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, &str, bool)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content, stored) in entries {
            let method = if *stored {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            writer
                .start_file(
                    *name,
                    zip::write::SimpleFileOptions::default().compression_method(method),
                )
                .unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn entries(bytes: &[u8]) -> Vec<(String, String, zip::CompressionMethod)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut text = String::new();
                entry.read_to_string(&mut text).unwrap();
                (entry.name().to_string(), text, entry.compression())
            })
            .collect()
    }

    const DOCUMENT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"x\"><w:body><w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>Hello</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Bold </w:t></w:r><w:r><w:t>and plain &amp; more.</w:t></w:r><w:r><w:tab/></w:r></w:p><w:p><w:r><w:t>   </w:t></w:r></w:p></w:body></w:document>";

    #[test]
    fn docx_runs_keep_their_styles_and_other_entries_are_copied() {
        let docx = archive(&[
            ("[Content_Types].xml", "<Types/>", false),
            ("word/document.xml", DOCUMENT, false),
            ("word/media/a.png", "PNG", true),
        ]);
        let file = OfficeFile::parse(&docx, OfficeKind::Docx, &Limits::default()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Hello",
                "<span data-s=\"0\">Bold </span><span data-s=\"1\">and plain &amp; more.</span>"
            ]
        );
        let out = file
            .render(
                &[
                    "Bonjour".into(),
                    "<span data-s=\"0\">Gras </span><span data-s=\"1\">et simple &amp; plus.</span>".into(),
                ],
                LangCode::parse("fra_Latn").unwrap(),
            )
            .unwrap();
        let out = entries(&out);
        assert_eq!(
            out[0],
            (
                "[Content_Types].xml".into(),
                "<Types/>".into(),
                zip::CompressionMethod::Deflated
            )
        );
        assert_eq!(
            out[2],
            ("word/media/a.png".into(), "PNG".into(), zip::CompressionMethod::Stored)
        );
        let xml = &out[1].1;
        assert!(
            xml.contains("<w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Bonjour</w:t></w:r>"),
            "{xml}"
        );
        assert!(xml.contains("<w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Gras </w:t></w:r><w:r><w:t xml:space=\"preserve\">et simple &amp; plus.</w:t></w:r><w:r><w:tab/></w:r>"), "{xml}");
    }

    #[test]
    fn odt_keeps_mimetype_first_and_stored_and_spans() {
        let content = "<office:document-content><office:body><office:text><text:h text:outline-level=\"1\">Title</text:h><text:p text:style-name=\"P1\">Plain <text:span text:style-name=\"T1\">bold</text:span> end.</text:p></office:text></office:body></office:document-content>";
        let odt = archive(&[
            ("mimetype", "application/vnd.oasis.opendocument.text", true),
            ("content.xml", content, false),
        ]);
        let file = OfficeFile::parse(&odt, OfficeKind::Odt, &Limits::default()).unwrap();
        assert_eq!(file.units.len(), 2);
        let translations: Vec<String> = file
            .units
            .iter()
            .map(|u| {
                u.text
                    .to_uppercase()
                    .replace("DATA-S", "data-s")
                    .replace("<SPAN", "<span")
                    .replace("</SPAN>", "</span>")
            })
            .collect();
        let out = entries(
            &file
                .render(&translations, LangCode::parse("deu_Latn").unwrap())
                .unwrap(),
        );
        assert_eq!(out[0].0, "mimetype");
        assert_eq!(out[0].2, zip::CompressionMethod::Stored);
        assert!(out[1].1.contains("<text:h text:outline-level=\"1\">TITLE</text:h><text:p text:style-name=\"P1\">PLAIN <text:span text:style-name=\"T1\">BOLD</text:span> END.</text:p>"), "{}", out[1].1);
    }

    #[test]
    fn pptx_and_epub_text_is_found() {
        let slide =
            "<p:sld><p:txBody><a:p><a:r><a:rPr lang=\"en-US\"/><a:t>Slide title</a:t></a:r></a:p></p:txBody></p:sld>";
        let pptx = archive(&[
            ("ppt/slides/slide1.xml", slide, false),
            ("ppt/presentation.xml", "<p/>", false),
        ]);
        let file = OfficeFile::parse(&pptx, OfficeKind::Pptx, &Limits::default()).unwrap();
        assert_eq!(file.units[0].text, "Slide title");
        let chapter = "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\"><head><title>One</title></head><body><p>First <em>page</em>.</p></body></html>";
        let epub = archive(&[
            ("mimetype", "application/epub+zip", true),
            ("OEBPS/ch1.xhtml", chapter, false),
        ]);
        let file = OfficeFile::parse(&epub, OfficeKind::Epub, &Limits::default()).unwrap();
        assert_eq!(file.units[0].kind, UnitKind::Html);
        let out = entries(
            &file
                .render(&[file.units[0].text.clone()], LangCode::parse("arb_Arab").unwrap())
                .unwrap(),
        );
        assert!(out[1].1.contains("lang=\"ar-Arab\" dir=\"rtl\""), "{}", out[1].1);
    }

    #[test]
    fn hostile_archives_are_refused() {
        let zeros = "0".repeat(20 << 20);
        let bomb = archive(&[("word/document.xml", &zeros, false)]);
        assert!(matches!(
            OfficeFile::parse(&bomb, OfficeKind::Docx, &Limits::default()),
            Err(DocumentError::Refused(_))
        ));
        let slip = archive(&[
            ("../../evil.xml", "<x/>", false),
            ("word/document.xml", DOCUMENT, false),
        ]);
        assert!(matches!(
            OfficeFile::parse(&slip, OfficeKind::Docx, &Limits::default()),
            Err(DocumentError::Refused(_))
        ));
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><w:document><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:document>";
        let entities = archive(&[("word/document.xml", laughs, false)]);
        assert!(matches!(
            OfficeFile::parse(&entities, OfficeKind::Docx, &Limits::default()),
            Err(DocumentError::Refused(_))
        ));
        assert!(matches!(
            OfficeFile::parse(b"not a zip", OfficeKind::Docx, &Limits::default()),
            Err(DocumentError::Invalid { .. })
        ));
        let no_document = archive(&[("other.xml", "<x/>", false)]);
        assert!(matches!(
            OfficeFile::parse(&no_document, OfficeKind::Docx, &Limits::default()),
            Err(DocumentError::Invalid { .. })
        ));
    }
}
