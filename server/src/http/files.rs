//! LibreTranslate's file translation: `POST /translate_file` translates an uploaded document and
//! answers a URL, `GET /download_file/{id}/{name}` serves the translation from there.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{self, Encoding};
use super::error::{LibreError, LibreErrorBody};
use crate::app::files::{self, FileUpload};
use crate::app::{Core, Error};

/// `POST /translate_file`'s answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranslatedFileBody {
    /// Where to download the translated file (kept for an hour).
    #[serde(rename = "translatedFileUrl")]
    pub translated_file_url: String,
}

/// `POST /translate_file`'s form fields.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the multipart form, which `read_multipart` reads field by field.
pub struct TranslateFileForm {
    /// The file, in any format `/frontend/settings` lists.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Source language code, or `auto`.
    pub source: Option<String>,
    /// Target language code.
    pub target: String,
    /// API key, when keys are on.
    pub api_key: Option<String>,
}

/// Translate a file (LibreTranslate): answers a URL to download the translation from.
#[utoipa::path(
    post, path = "/translate_file", tag = "libretranslate",
    request_body(content = TranslateFileForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Where to download the translation", body = TranslatedFileBody),
        (status = 400, description = "Invalid request or file", body = LibreErrorBody),
        (status = 401, description = "Keys are on and none was given", body = LibreErrorBody),
        (status = 403, description = "Invalid API key", body = LibreErrorBody),
        (status = 413, description = "Over a limit", body = LibreErrorBody),
        (status = 429, description = "Too many requests", body = LibreErrorBody),
        (status = 503, description = "Busy or loading", body = LibreErrorBody),
    )
)]
pub async fn translate_file(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    if !matches!(body::encoding(&request), Ok(Encoding::Multipart)) {
        // A form or JSON body has no file part, which is what LibreTranslate says of it.
        return Err(missing_file().into());
    }
    let mut upload = FileUpload::default();
    let mut file = None;
    for part in body::read_multipart(&request, payload, core.settings.max_body_bytes).await? {
        match part.name.as_str() {
            "source" => upload.source = Some(part.text()),
            "target" => upload.target = Some(part.text()),
            "api_key" => upload.key = Some(part.text()),
            "file" => file = Some((part.file_name.unwrap_or_else(|| "file.txt".to_string()), part.bytes)),
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(missing_file)?;
    upload.name = name;
    upload.bytes = bytes;
    let stored = files::translate_file(&core, upload).await?;
    let host = request.connection_info().host().to_string();
    let scheme = request.connection_info().scheme().to_string();
    Ok(HttpResponse::Ok().json(TranslatedFileBody {
        translated_file_url: format!("{scheme}://{host}/download_file/{}/{}", stored.id, stored.file_name),
    }))
}

fn missing_file() -> Error {
    Error::Missing("Invalid request: missing file parameter".to_string())
}

/// Path of a stored file.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DownloadPath {
    /// The id `/translate_file` gave.
    pub id: String,
    /// The file name.
    pub name: String,
}

/// Download a file translated by `/translate_file`.
#[utoipa::path(
    get, path = "/download_file/{id}/{name}", tag = "libretranslate",
    params(DownloadPath),
    responses(
        (status = 200, description = "The translated file", body = String, content_type = "application/octet-stream"),
        (status = 404, description = "Unknown or expired", body = LibreErrorBody),
    )
)]
pub async fn download_file(core: web::Data<Core>, path: web::Path<DownloadPath>) -> Result<HttpResponse, LibreError> {
    let file = core
        .downloads
        .get(&path.id)
        .filter(|file| file.name == path.name)
        .ok_or_else(|| Error::NotFound(format!("file {}/{}", path.id, path.name)))?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.name),
        ))
        .body(file.bytes))
}
