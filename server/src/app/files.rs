//! One uploaded file translated and kept for its download (LibreTranslate's `/translate_file`
//! answers with a URL): the file is parsed, its texts counted against the limits and the key, and
//! the translation stored in [`Downloads`](super::downloads::Downloads) under a download name.

use translator::documents::{Document, DocumentFormat, Limits};
use translator::{Priority, TranslateOptions};

use super::documents::{translate_document, CommunityData, DocumentFailure};
use super::downloads::StoredFile;
use super::error::Error;
use super::fields::{parse_source, parse_target};
use super::glossary::marking::Marker;
use super::translation::{check_limits, deadline};
use super::Core;

/// A file to translate, as uploaded.
#[derive(Debug, Default)]
pub struct FileUpload {
    /// Its name, which tells its format.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The source field: a language, or absent/`auto` to detect it.
    pub source: Option<String>,
    /// The target field.
    pub target: Option<String>,
    /// The API key, when keys are on.
    pub key: Option<String>,
}

/// Where a translated file waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTranslation {
    /// Its id in the downloads.
    pub id: String,
    /// Its download name: the upload's stem, the target's short code, the extension.
    pub file_name: String,
}

/// Extensions of the document formats Tolk translates, with their dot.
pub fn file_extensions() -> Vec<String> {
    DocumentFormat::ALL
        .iter()
        .flat_map(|f| f.extensions())
        .map(|e| format!(".{e}"))
        .collect()
}

/// The media type a translated file is served with.
pub fn media_type(format: DocumentFormat) -> &'static str {
    match format.extensions()[0] {
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "srt" => "application/x-subrip; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "json" => "application/json",
        "po" => "text/x-gettext-translation; charset=utf-8",
        "xliff" | "xlf" => "application/xliff+xml",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "epub" => "application/epub+zip",
        _ => "application/octet-stream",
    }
}

/// Translates an uploaded file at bulk priority within the request timeout and stores the result
/// for download.
pub async fn translate_file(core: &Core, upload: FileUpload) -> Result<StoredTranslation, Error> {
    let FileUpload {
        name,
        bytes,
        source,
        target,
        key,
    } = upload;
    let Some(format) = DocumentFormat::from_path(std::path::Path::new(&name)) else {
        return Err(Error::UnsupportedFile(format!(
            "cannot translate {name:?}: supported formats are {}",
            file_extensions().join(", ")
        )));
    };
    // Unzipping and parsing an upload is CPU work: on a blocking thread, not the HTTP worker's.
    let parsed = tokio::task::spawn_blocking(move || Document::parse(format, &bytes, &Limits::default()))
        .await
        .map_err(|e| Error::UnsupportedFile(format!("cannot translate {name:?}: parsing it failed ({e})")))?;
    let document = parsed.map_err(|e| Error::UnsupportedFile(format!("cannot translate {name:?}: {e}")))?;
    let source = parse_source("source", source.as_deref())?.given();
    let target = parse_target("target", target.as_deref())?;
    let texts: Vec<String> = document.units().iter().map(|u| u.text.clone()).collect();
    let chars = check_limits(core, &texts)?;
    core.admit(key.as_deref(), chars)?;
    let model = core.models.model(None)?;
    let options = TranslateOptions::default();
    // Planning, tokenizing and rendering the document on a blocking thread, not the HTTP
    // worker's; the translations still come from the pool's threads. The deadline goes with the
    // submissions, so that a late document's waiting sentences are withdrawn.
    let runtime = tokio::runtime::Handle::current();
    let deadline = deadline(core);
    let translating = tokio::task::spawn_blocking(move || {
        runtime.block_on(translate_document(
            &model.pool,
            &document,
            source,
            target,
            &options,
            Priority::Bulk,
            Some(deadline),
            CommunityData {
                memory: None,
                marker: &Marker::new(None, true),
            },
        ))
    });
    let translated = translating
        .await
        .map_err(|e| Error::Internal(format!("translating the file failed: {e}")))?
        .map_err(|failure| match failure {
            DocumentFailure::Pool(e) => Error::from(e),
            DocumentFailure::Document(e) => Error::UnsupportedFile(format!("cannot translate {name:?}: {e}")),
        })?;
    tracing::info!(
        format = ?format,
        source = translated.source.map_or("none", |s| s.language.as_str()),
        target = %target,
        chars = translated.chars,
        "translated file"
    );
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name.as_str(), format.extensions()[0]));
    let file_name = sanitize(&format!(
        "{stem}.{}.{}",
        target.short_code(),
        extension.to_ascii_lowercase()
    ));
    let id = core.downloads.put(StoredFile {
        name: file_name.clone(),
        content_type: media_type(format),
        bytes: translated.bytes,
    });
    Ok(StoredTranslation { id, file_name })
}

/// A file name safe in a URL path and a `Content-Disposition` header.
pub fn sanitize(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.trim_matches('.').is_empty() {
        "translation.txt".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_safe_in_paths_and_headers() {
        assert_eq!(sanitize("my report.fr.txt"), "my_report.fr.txt");
        assert_eq!(sanitize("a\"b/c\\d.md"), "a_b_c_d.md");
        assert_eq!(sanitize(".."), "translation.txt");
    }

    #[test]
    fn every_format_has_an_extension_and_a_media_type() {
        let extensions = file_extensions();
        assert!(extensions.contains(&".txt".to_string()) && extensions.contains(&".docx".to_string()));
        for format in DocumentFormat::ALL {
            assert_ne!(media_type(format), "application/octet-stream", "{format:?}");
        }
    }
}
