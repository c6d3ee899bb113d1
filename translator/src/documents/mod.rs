//! Documents (text, Markdown, HTML, subtitles, i18n and office files) cut into units of human text
//! to translate, and put back together with their structure intact. Each format is one module;
//! none of them calls the translator: the caller translates the units (plain text, or HTML
//! fragments through [`crate::markup`]) and hands the translations back to [`Document::render`].

mod error;
mod format;
mod html_file;
mod json_file;
mod limits;
mod markdown;
mod office;
mod placeholders;
mod po;
mod subtitles;
mod text;
mod unit;
mod values;
mod xliff;

pub use error::DocumentError;
pub use format::DocumentFormat;
pub use limits::Limits;
pub use unit::{Unit, UnitKind};
pub use values::bcp47;

use langs::LangCode;

use unit::Parsed;

/// A parsed document.
pub struct Document {
    format: DocumentFormat,
    parsed: Box<dyn Parsed>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("format", &self.format)
            .field("units", &self.parsed.units().len())
            .finish()
    }
}

impl Document {
    /// Reads `bytes` as `format`. Never panics, whatever the bytes.
    pub fn parse(format: DocumentFormat, bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
        let parsed: Box<dyn Parsed> = match format {
            DocumentFormat::Text => Box::new(text::TextDocument::parse(bytes)?),
            DocumentFormat::Html => Box::new(html_file::HtmlFile::parse(bytes)?),
            DocumentFormat::Markdown => Box::new(markdown::MarkdownFile::parse(bytes)?),
            DocumentFormat::Srt => Box::new(subtitles::Subtitles::parse(bytes, false)?),
            DocumentFormat::Vtt => Box::new(subtitles::Subtitles::parse(bytes, true)?),
            DocumentFormat::Json => Box::new(json_file::JsonFile::parse(bytes)?),
            DocumentFormat::Po => Box::new(po::PoFile::parse(bytes)?),
            DocumentFormat::Xliff => Box::new(xliff::XliffFile::parse(bytes)?),
            DocumentFormat::Docx => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Docx, limits)?),
            DocumentFormat::Pptx => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Pptx, limits)?),
            DocumentFormat::Odt => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Odt, limits)?),
            DocumentFormat::Epub => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Epub, limits)?),
        };
        Ok(Document { format, parsed })
    }

    /// Its format.
    pub fn format(&self) -> DocumentFormat {
        self.format
    }

    /// The units to translate, in document order.
    pub fn units(&self) -> &[Unit] {
        self.parsed.units()
    }

    /// The document with each unit replaced by its translation (same order), marked as being
    /// in `target` where the format records a language.
    pub fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let expected = self.units().len();
        if translations.len() != expected {
            return Err(DocumentError::TranslationCount {
                expected,
                given: translations.len(),
            });
        }
        self.parsed.render(translations, target)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Samples of every format, to mutate.
    const SAMPLES: [(&str, &str); 8] = [
        ("a.txt", "Hello world.\n\n  Second paragraph.\n"),
        ("a.html", "<html lang=\"en\"><body><p title=\"t\">Hi <b>you</b></p><img alt=\"x y\"></body></html>"),
        ("a.md", "# Title\n\nText with `code` and [a link](http://x).\n\n```\ncode\n```\n- item\n"),
        ("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello <i>there</i>\n\n"),
        ("a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"),
        ("a.json", "{\"a\": \"Hello {name}\", \"b\": [\"x %s\", 1]}"),
        ("a.po", "msgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\nmsgid \"Hello\"\nmsgstr \"\"\n"),
        ("a.xlf", "<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>Hi <g>x</g></source></trans-unit></body></file></xliff>"),
    ];

    #[test]
    fn every_format_is_known_by_its_extensions() {
        for (name, _) in SAMPLES {
            assert!(DocumentFormat::from_path(Path::new(name)).is_some(), "{name}");
        }
        assert_eq!(
            DocumentFormat::from_path(Path::new("A.HTM")),
            Some(DocumentFormat::Html)
        );
        assert_eq!(DocumentFormat::from_path(Path::new("scan.pdf")), None);
    }

    #[test]
    fn no_bytes_make_any_format_panic() {
        let target = LangCode::parse("arb_Arab").unwrap();
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (name, sample) in SAMPLES {
            let format = DocumentFormat::from_path(Path::new(name)).unwrap();
            for round in 0..2000 {
                // Truncations, byte flips and insertions of structural characters.
                let mut bytes = sample.as_bytes().to_vec();
                let cut = (next() as usize) % (bytes.len() + 1);
                if round % 3 == 0 {
                    bytes.truncate(cut);
                }
                for _ in 0..(next() % 4) {
                    if bytes.is_empty() {
                        break;
                    }
                    let at = (next() as usize) % bytes.len();
                    let insert = b"<>\"'{}[]%\\\n-`#|:&;!\xff\xc3"[(next() as usize) % 20];
                    if next() % 2 == 0 {
                        bytes[at] = insert;
                    } else {
                        bytes.insert(at, insert);
                    }
                }
                if let Ok(document) = Document::parse(format, &bytes, &Limits::default()) {
                    let translations: Vec<String> = document.units().iter().map(|u| u.text.to_uppercase()).collect();
                    let _ = document.render(&translations, target);
                    let _ = document.render(&[], target);
                }
            }
        }
    }
}
