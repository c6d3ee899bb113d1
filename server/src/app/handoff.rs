//! A document translated in the background for a caller who polls and then downloads it once
//! (DeepL's document API): the upload is checked and billed like a text of the same characters,
//! then it is a job (`jobs::document`) that its secret opens.

use langs::LangCode;

use super::error::Error;
use super::files::media_type;
use super::jobs::{DocumentProgress, DocumentTicket, Jobs};
use super::Core;
use translator::documents::DocumentFormat;

/// A document to translate, as uploaded.
#[derive(Debug)]
pub struct DocumentUpload {
    /// Its name, which tells its format.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The language to translate from; `None` to detect it.
    pub source: Option<LangCode>,
    /// The language to translate into.
    pub target: LangCode,
    /// The API key, when keys are on.
    pub key: Option<String>,
    /// A glossary of the key's whose terms the translation keeps.
    pub glossary: Option<String>,
}

/// A translated document as it is handed over.
#[derive(Debug)]
pub struct HandedDocument {
    /// Its file name.
    pub name: String,
    /// The media type it is served with.
    pub media_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Checks, bills and queues a document; returns its id and secret.
pub async fn start(core: &Core, upload: DocumentUpload) -> Result<DocumentTicket, Error> {
    let owner = core.owner(upload.key.as_deref())?;
    let model = core.models.model(None)?;
    model.require_languages(std::iter::once(&upload.target).chain(upload.source.iter()))?;
    let glossary = core
        .job_glossary(
            owner.as_deref(),
            upload.glossary.as_deref(),
            upload.source,
            &[upload.target],
        )
        .await?;
    let prepared = Jobs::prepare_document(upload.name, upload.bytes, upload.source, upload.target, model).await?;
    core.admit(upload.key.as_deref(), prepared.chars())?;
    Ok(core.jobs.submit_document(prepared, owner, glossary).await?)
}

/// Where the document `id` stands, for the holder of its secret and key.
pub async fn progress(core: &Core, id: &str, secret: &str, key: Option<&str>) -> Result<DocumentProgress, Error> {
    let owner = core.owner(key)?;
    Ok(core.jobs.document_progress(id, secret, owner.as_deref()).await?)
}

/// The translated document, once; it is deleted as it is handed over.
pub async fn take(core: &Core, id: &str, secret: &str, key: Option<&str>) -> Result<HandedDocument, Error> {
    let owner = core.owner(key)?;
    let (name, bytes) = core.jobs.take_document(id, secret, owner.as_deref()).await?;
    let media_type =
        DocumentFormat::from_path(std::path::Path::new(&name)).map_or("application/octet-stream", media_type);
    Ok(HandedDocument {
        name,
        media_type,
        bytes,
    })
}
