//! The formats a document can be in, known by their file extensions.

use std::path::Path;

/// A document format, known by its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentFormat {
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

impl DocumentFormat {
    /// Every supported format.
    pub const ALL: [DocumentFormat; 12] = [
        DocumentFormat::Text,
        DocumentFormat::Html,
        DocumentFormat::Markdown,
        DocumentFormat::Srt,
        DocumentFormat::Vtt,
        DocumentFormat::Json,
        DocumentFormat::Po,
        DocumentFormat::Xliff,
        DocumentFormat::Docx,
        DocumentFormat::Pptx,
        DocumentFormat::Odt,
        DocumentFormat::Epub,
    ];

    /// The format a file name's extension says (case-insensitive), if supported.
    pub fn from_path(path: &Path) -> Option<DocumentFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        DocumentFormat::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&extension.as_str()))
    }

    /// The extensions of this format, without the dot, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            DocumentFormat::Text => &["txt"],
            DocumentFormat::Html => &["html", "htm"],
            DocumentFormat::Markdown => &["md", "markdown"],
            DocumentFormat::Srt => &["srt"],
            DocumentFormat::Vtt => &["vtt"],
            DocumentFormat::Json => &["json"],
            DocumentFormat::Po => &["po"],
            DocumentFormat::Xliff => &["xliff", "xlf"],
            DocumentFormat::Docx => &["docx"],
            DocumentFormat::Pptx => &["pptx"],
            DocumentFormat::Odt => &["odt"],
            DocumentFormat::Epub => &["epub"],
        }
    }
}
