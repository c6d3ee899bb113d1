//! Documents in many formats cut into units of human text to translate, and put back together
//! with their structure intact. Each format is one module; none of them calls the translator: the
//! caller translates the units (plain text, or HTML fragments through [`crate::markup`]) and hands
//! the translations back to [`Document::render`].

mod html_file;
mod json_file;
mod markdown;
mod office;
mod placeholders;
mod po;
mod subtitles;
mod text;
mod xliff;

use std::path::Path;

use langs::LangCode;

/// A document format, known by its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `.txt`
    Text,
    /// `.html`, `.htm`
    Html,
    /// `.md`, `.markdown`
    Markdown,
    /// `.srt` subtitles
    Srt,
    /// `.vtt` subtitles
    Vtt,
    /// `.json` i18n files
    Json,
    /// `.po` gettext catalogues
    Po,
    /// `.xliff`, `.xlf`
    Xliff,
    /// `.docx` (Word)
    Docx,
    /// `.pptx` (PowerPoint)
    Pptx,
    /// `.odt` (OpenDocument text)
    Odt,
    /// `.epub`
    Epub,
}

impl Format {
    /// Every supported format.
    pub const ALL: [Format; 12] = [
        Format::Text,
        Format::Html,
        Format::Markdown,
        Format::Srt,
        Format::Vtt,
        Format::Json,
        Format::Po,
        Format::Xliff,
        Format::Docx,
        Format::Pptx,
        Format::Odt,
        Format::Epub,
    ];

    /// The format a file name's extension says (case-insensitive), if supported.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&extension.as_str()))
    }

    /// The extensions of this format, without the dot, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt"],
            Format::Html => &["html", "htm"],
            Format::Markdown => &["md", "markdown"],
            Format::Srt => &["srt"],
            Format::Vtt => &["vtt"],
            Format::Json => &["json"],
            Format::Po => &["po"],
            Format::Xliff => &["xliff", "xlf"],
            Format::Docx => &["docx"],
            Format::Pptx => &["pptx"],
            Format::Odt => &["odt"],
            Format::Epub => &["epub"],
        }
    }
}

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

/// Bounds on what a document may unpack to, so that a small hostile file cannot exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes an archive's entries may unpack to, all together.
    pub max_unpacked_bytes: u64,
    /// Most an entry may expand relative to its compressed size.
    pub max_ratio: u64,
    /// Most entries in an archive.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_unpacked_bytes: 512 << 20,
            max_ratio: 200,
            max_entries: 10_000,
        }
    }
}

/// Why a document cannot be read or written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    /// The content is not what the format says (broken, or another format under this extension).
    #[error("not a valid {format} file: {reason}")]
    Invalid {
        /// The format's usual extension.
        format: &'static str,
        /// What is wrong, for the user.
        reason: String,
    },
    /// It would unpack past [`Limits`], or holds something dangerous (paths leaving the archive,
    /// XML entity declarations).
    #[error("refused: {0}")]
    Refused(String),
    /// [`Document::render`] got a different number of translations than units.
    #[error("{given} translations for {expected} units")]
    TranslationCount {
        /// Units.
        expected: usize,
        /// Translations.
        given: usize,
    },
}

/// What each format implements.
trait Parsed: Send + Sync {
    fn units(&self) -> &[Unit];
    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError>;
}

/// A parsed document.
pub struct Document {
    format: Format,
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
    pub fn parse(format: Format, bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
        let parsed: Box<dyn Parsed> = match format {
            Format::Text => Box::new(text::TextDocument::parse(bytes)?),
            Format::Html => Box::new(html_file::HtmlFile::parse(bytes)?),
            Format::Markdown => Box::new(markdown::MarkdownFile::parse(bytes)?),
            Format::Srt => Box::new(subtitles::Subtitles::parse(bytes, false)?),
            Format::Vtt => Box::new(subtitles::Subtitles::parse(bytes, true)?),
            Format::Json => Box::new(json_file::JsonFile::parse(bytes)?),
            Format::Po => Box::new(po::PoFile::parse(bytes)?),
            Format::Xliff => Box::new(xliff::XliffFile::parse(bytes)?),
            Format::Docx => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Docx, limits)?),
            Format::Pptx => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Pptx, limits)?),
            Format::Odt => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Odt, limits)?),
            Format::Epub => Box::new(office::OfficeFile::parse(bytes, office::OfficeKind::Epub, limits)?),
        };
        Ok(Document { format, parsed })
    }

    /// Its format.
    pub fn format(&self) -> Format {
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
            assert!(Format::from_path(Path::new(name)).is_some(), "{name}");
        }
        assert_eq!(Format::from_path(Path::new("A.HTM")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("scan.pdf")), None);
    }

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
            let format = Format::from_path(Path::new(name)).unwrap();
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
