//! DeepL's document API: `POST /v2/document` uploads a document and answers its id and key,
//! `POST /v2/document/{id}` tells where it stands, `POST /v2/document/{id}/result` hands the
//! translation over once. Behind it is a Tolk job (`app::handoff`), so every format Tolk's
//! documents support works, and a restart loses nothing.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{check_formality, DeeplErrorBody};
use crate::app::files;
use crate::app::handoff::{self, DocumentUpload};
use crate::app::jobs::DocumentProgress;
use crate::app::{fields, Core, Error};
use crate::http::auth::deepl_key;
use crate::http::body::{self, Encoding, Parsed};
use crate::http::error::DeeplError;

/// `POST /v2/document`'s form.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the multipart form, which `read_multipart` reads field by field.
pub struct DocumentUploadForm {
    /// The document, in any format `/v1/settings` lists.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Its name, when the file part has none or another: the extension tells the format.
    pub filename: Option<String>,
    /// Target language (`DE`, `EN-GB`, …).
    pub target_lang: String,
    /// Source language; detected when absent.
    pub source_lang: Option<String>,
    /// The format to answer in: only the document's own (conversions are not offered).
    pub output_format: Option<String>,
    /// As in `/v2/translate`.
    pub formality: Option<String>,
    /// A glossary of the key's whose terms the translation keeps; needs `source_lang`.
    pub glossary_id: Option<String>,
}

/// `POST /v2/document`'s answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentHandle {
    /// The document's id.
    pub document_id: String,
    /// The secret that status and download need (shown once, stored only as a hash).
    pub document_key: String,
}

/// The body of a status or download request: the document's key.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentKeyBody {
    /// The key `POST /v2/document` answered.
    #[schema(required = true, nullable = false)]
    pub document_key: Option<String>,
    /// The legacy way of sending the API key.
    #[serde(default)]
    #[schema(ignore)]
    pub auth_key: Option<String>,
}

/// A document's id in the path (DeepL's `document_id`; named `id` like the job it is).
#[derive(Debug, Deserialize, IntoParams)]
pub struct DocumentPath {
    /// The `document_id` `POST /v2/document` answered.
    pub id: String,
}

/// Where a document stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStatus {
    /// The document's id.
    pub document_id: String,
    /// `queued`, `translating`, `done` or `error`.
    pub status: &'static str,
    /// While translating: estimated seconds until done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_remaining: Option<u64>,
    /// Once done: the characters billed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed_characters: Option<u64>,
    /// On error: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// Upload a document to translate (DeepL v2).
#[utoipa::path(
    post, path = "/v2/document", tag = "deepl",
    request_body(content = DocumentUploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The document's id and key", body = DocumentHandle),
        (status = 400, description = "Bad request or a file Tolk cannot translate", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 413, description = "Over the upload limit", body = DeeplErrorBody),
        (status = 415, description = "Not multipart", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 456, description = "Character quota used up", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn upload(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    if body::encoding(&request)? != Encoding::Multipart {
        return Err(body::unsupported(&request, "multipart/form-data").into());
    }
    let limit = core.settings.max_job_bytes;
    let mut file = None;
    let (mut filename, mut target, mut source, mut output_format, mut formality, mut glossary, mut key) =
        (None, None, None, None, None, None, None);
    for part in body::read_multipart(&request, payload, limit).await? {
        match part.name.as_str() {
            "file" => file = Some((part.file_name.clone(), part.bytes)),
            "filename" => filename = Some(part.text()),
            "target_lang" => target = Some(part.text()),
            "source_lang" => source = Some(part.text()),
            "output_format" => output_format = Some(part.text()),
            "formality" => formality = Some(part.text()),
            "glossary_id" => glossary = Some(part.text()),
            "auth_key" => key = Some(part.text()),
            _ => {}
        }
    }
    let Some((part_name, bytes)) = file else {
        return Err(Error::Missing("Parameter 'file' not specified.".to_string()).into());
    };
    let name = filename
        .filter(|n| !n.is_empty())
        .or(part_name)
        .ok_or_else(|| Error::Missing("Parameter 'filename' not specified.".to_string()))?;
    if target.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(Error::Missing("Parameter 'target_lang' not specified.".to_string()).into());
    }
    check_formality(formality.as_deref(), target.as_deref())?;
    check_output_format(output_format.as_deref(), &name)?;
    let upload = DocumentUpload {
        source: fields::parse_source("source_lang", source.as_deref())?.given(),
        target: fields::parse_target("target_lang", target.as_deref())?,
        name,
        bytes,
        key: deepl_key(&request, key),
        glossary,
    };
    let ticket = handoff::start(&core, upload).await?;
    Ok(HttpResponse::Ok().json(DocumentHandle {
        document_id: ticket.id,
        document_key: ticket.secret,
    }))
}

/// Documents come back in their own format: an `output_format` naming another is refused.
fn check_output_format(output_format: Option<&str>, name: &str) -> Result<(), Error> {
    let Some(wanted) = output_format.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(());
    };
    let own = name.rsplit_once('.').map_or("", |(_, extension)| extension);
    if wanted.trim_start_matches('.').eq_ignore_ascii_case(own) {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "Value for 'output_format' not supported: documents are translated into their own format ({own})."
        )))
    }
}

/// Reads the document key (and a legacy `auth_key`) from a JSON or form body.
async fn key_body(
    core: &Core,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<(String, Option<String>), DeeplError> {
    let encoding = body::encoding(request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let (encoding, bytes) = body::with_query(request, encoding, bytes)?;
    let parsed = match body::parse::<DocumentKeyBody, DocumentKeyBody>(encoding, &bytes)? {
        Parsed::Json(b) | Parsed::Form(b) => b,
    };
    let secret = parsed
        .document_key
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| Error::Missing("Parameter 'document_key' not specified.".to_string()))?;
    Ok((secret.trim().to_string(), deepl_key(request, parsed.auth_key)))
}

/// An unknown document, another key's, or a wrong document key: all read the same.
fn document_error(error: Error) -> DeeplError {
    match error {
        Error::NotFound(_) => Error::NotFound("Document".to_string()).into(),
        other => other.into(),
    }
}

/// Where a document stands (DeepL v2).
#[utoipa::path(
    post, path = "/v2/document/{id}", tag = "deepl",
    params(DocumentPath),
    request_body(content(
        (DocumentKeyBody = "application/json"),
        (DocumentKeyBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Where it stands", body = DocumentStatus),
        (status = 400, description = "No document key", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such document, or a wrong key", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn status(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DocumentPath>,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let (secret, key) = key_body(&core, &request, payload).await?;
    let progress = handoff::progress(&core, &path.id, &secret, key.as_deref())
        .await
        .map_err(document_error)?;
    let mut status = DocumentStatus {
        document_id: path.into_inner().id,
        status: "",
        seconds_remaining: None,
        billed_characters: None,
        error_message: None,
    };
    match progress {
        DocumentProgress::Queued => status.status = "queued",
        DocumentProgress::Translating { seconds_remaining } => {
            status.status = "translating";
            status.seconds_remaining = Some(seconds_remaining);
        }
        DocumentProgress::Done { billed_characters } => {
            status.status = "done";
            status.billed_characters = Some(billed_characters);
        }
        DocumentProgress::Error { message } => {
            status.status = "error";
            status.error_message = Some(message);
        }
    }
    Ok(HttpResponse::Ok().json(status))
}

/// Download a translated document, once: it is deleted as it is handed over (DeepL v2).
#[utoipa::path(
    post, path = "/v2/document/{id}/result", tag = "deepl",
    params(DocumentPath),
    request_body(content(
        (DocumentKeyBody = "application/json"),
        (DocumentKeyBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "The translated document", body = String, content_type = "application/octet-stream"),
        (status = 400, description = "No document key", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such document, a wrong key, or downloaded already", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
        (status = 503, description = "Not translated yet", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn result(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DocumentPath>,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let (secret, key) = key_body(&core, &request, payload).await?;
    let document = handoff::take(&core, &path.id, &secret, key.as_deref())
        .await
        .map_err(document_error)?;
    let file_name = files::sanitize(document.name.rsplit('/').next().unwrap_or_default());
    Ok(HttpResponse::Ok()
        .content_type(document.media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(document.bytes))
}
