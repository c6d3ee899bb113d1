//! `/v1/corrections` and `/v1/memories`: a community's corrections in, its translation memory
//! listed, exported and deleted. The memory itself is `crate::app::memory`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::owner;
use super::body;
use super::error::{ApiError, ErrorBody};
use crate::app::fields;
use crate::app::memory::{Correction, MemorySummary, StoredCorrection};
use crate::app::Core;

/// A corrected translation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// The source text: a sentence, or several.
    #[schema(example = "Everyone has the right to education.")]
    pub text: String,
    /// Its language: a code or name.
    #[schema(example = "eng_Latn")]
    pub source: String,
    /// The language of the translation: a code or name.
    #[schema(example = "lug_Latn")]
    pub target: String,
    /// The machine translation being corrected, kept with the entry.
    pub translation: Option<String>,
    /// The right translation.
    pub correction: String,
    /// The memory to keep it in; `default` when absent.
    pub memory: Option<String>,
}

/// An owner's memories.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemoriesBody {
    /// By name.
    pub memories: Vec<MemorySummary>,
}

/// A memory in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MemoryPath {
    /// The memory's name, which is its id (`default` unless corrections named another).
    pub id: String,
}

/// Correct a translation: the sentence's right translation goes into the key's memory and is
/// given, exactly, for that sentence from then on (docs/memory.md).
#[utoipa::path(
    post, path = "/v1/corrections", tag = "memory", request_body = CorrectionBody,
    responses(
        (status = 201, description = "Stored", body = StoredCorrection),
        (status = 400, description = "An empty text, an unknown language, a bad memory name", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "A text over 5,000 characters", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn correct(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: CorrectionBody = body::read_json(&request, payload, core.settings.max_body_bytes).await?;
    let owner = owner(&core, &request)?;
    let correction = Correction {
        source: fields::parse_target("source", Some(&body.source))?,
        target: fields::parse_target("target", Some(&body.target))?,
        text: body.text,
        machine: body.translation,
        correction: body.correction,
        memory: body.memory,
    };
    let stored = core.add_correction(owner, correction).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// The key's memories and their sizes.
#[utoipa::path(
    get, path = "/v1/memories", tag = "memory",
    responses(
        (status = 200, description = "The memories", body = MemoriesBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let memories = core.memories(owner.as_deref()).await?;
    Ok(HttpResponse::Ok().json(MemoriesBody { memories }))
}

/// A memory's entries as TSV: source language, target language, source, target per line.
#[utoipa::path(
    get, path = "/v1/memories/{id}/entries", tag = "memory", params(MemoryPath),
    responses(
        (status = 200, description = "The entries", content_type = "text/tab-separated-values", body = String),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such memory", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn entries(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<MemoryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let tsv = core.export_memory(owner.as_deref(), &path.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/tab-separated-values; charset=utf-8"))
        .body(tsv))
}

/// Delete a memory and every entry in it; its text is gone from the disk too.
#[utoipa::path(
    delete, path = "/v1/memories/{id}", tag = "memory", params(MemoryPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such memory", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn delete(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<MemoryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    core.delete_memory(owner.as_deref(), &path.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
