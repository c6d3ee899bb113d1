//! `/v1/memories`: a key's translation memories listed, exported (TSV, TMX, JSON), imported
//! (TSV, TMX), and deleted whole or entry by entry. The memory itself is `crate::app::memory`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::owner;
use super::body;
use super::error::{ApiError, ErrorBody};
use crate::app::memory::exchange::ExchangeFormat;
use crate::app::memory::store::EntryRow;
use crate::app::memory::MemorySummary;
use crate::app::{Core, Error};

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

/// One entry of a memory in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EntryPath {
    /// The memory's name.
    pub id: String,
    /// The entry's id, as the JSON export gives it.
    pub entry: i64,
}

/// How the entries are written.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    /// `tsv` (default: source language, target language, source, target per line), `tmx`
    /// (TMX 1.4b) or `json` (with each entry's id); on import, `tsv` or `tmx` (default: by the
    /// Content-Type, TMX for XML).
    pub format: Option<String>,
}

/// One entry, as the JSON export gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryBody {
    /// Its id, for deleting it.
    pub id: i64,
    /// The source language's code.
    pub source: String,
    /// The target language's code.
    pub target: String,
    /// The source sentence.
    pub text: String,
    /// Its translation.
    pub translation: String,
    /// When it was stored, in milliseconds since the epoch.
    pub created_at: i64,
}

impl From<EntryRow> for EntryBody {
    fn from(row: EntryRow) -> Self {
        EntryBody {
            id: row.id,
            source: row.source_lang,
            target: row.target_lang,
            text: row.source,
            translation: row.target,
            created_at: row.created_at,
        }
    }
}

/// A memory's entries as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntriesBody {
    /// In the order stored.
    pub entries: Vec<EntryBody>,
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedBody {
    /// The memory.
    pub memory: String,
    /// Entries stored or replaced.
    pub entries: usize,
}

/// The key's memories and their sizes.
#[utoipa::path(
    get, path = "/v1/memories", tag = "memory",
    responses(
        (status = 200, description = "The memories", body = MemoriesBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let memories = core.memories(owner.as_deref()).await?;
    Ok(HttpResponse::Ok().json(MemoriesBody { memories }))
}

/// A memory's entries: TSV (source language, target language, source, target per line), TMX
/// 1.4b for CAT tools, or JSON with each entry's id.
#[utoipa::path(
    get, path = "/v1/memories/{id}/entries", tag = "memory", params(MemoryPath, FormatQuery),
    responses(
        (status = 200, description = "The entries", content(
            (String = "text/tab-separated-values"), (String = "application/x-tmx+xml"), (EntriesBody = "application/json"))),
        (status = 400, description = "An unknown format", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such memory", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn entries(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<MemoryPath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let format = query.format.as_deref().map(str::trim).unwrap_or("tsv");
    if format.eq_ignore_ascii_case("json") {
        let rows = core.memory_entries(owner.as_deref(), &path.id).await?;
        return Ok(HttpResponse::Ok().json(EntriesBody {
            entries: rows.into_iter().map(EntryBody::from).collect(),
        }));
    }
    let format = ExchangeFormat::parse(format)
        .ok_or_else(|| Error::InvalidOption(format!("format: {format:?}; use tsv, tmx or json")))?;
    let text = core.export_memory(owner.as_deref(), &path.id, format).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .body(text))
}

/// Import entries into a memory (made if new) from a TMX 1.4b or TSV body: all of them, or none
/// when the file is broken; a sentence already in the memory for the pair is replaced.
#[utoipa::path(
    post, path = "/v1/memories/{id}/entries", tag = "memory", params(MemoryPath, FormatQuery),
    request_body(content(
        (String = "application/x-tmx+xml"), (String = "text/tab-separated-values"))),
    responses(
        (status = 201, description = "Imported", body = ImportedBody),
        (status = 400, description = "A broken file (the line or unit is named), an unknown language", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over the upload limit or 200,000 entries", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn import(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<MemoryPath>,
    query: web::Query<FormatQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let format = match query.format.as_deref().map(str::trim) {
        Some(name) => ExchangeFormat::parse(name)
            .ok_or_else(|| Error::InvalidOption(format!("format: {name:?}; import tsv or tmx")))?,
        None if body::content_type(&request).contains("xml") => ExchangeFormat::Tmx,
        None => ExchangeFormat::Tsv,
    };
    let bytes = body::read(payload, core.settings.max_job_bytes).await?;
    let entries = core
        .import_memory(owner.as_deref(), &path.id, format, bytes.to_vec())
        .await?;
    Ok(HttpResponse::Created().json(ImportedBody {
        memory: path.into_inner().id,
        entries,
    }))
}

/// Delete a memory and every entry in it; its text is gone from the disk too.
#[utoipa::path(
    delete, path = "/v1/memories/{id}", tag = "memory", params(MemoryPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such memory", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn delete(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<MemoryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    core.delete_memory(owner.as_deref(), &path.id, None).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete one entry of a memory; its text is gone from the disk too.
#[utoipa::path(
    delete, path = "/v1/memories/{id}/entries/{entry}", tag = "memory", params(EntryPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such entry in that memory", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn delete_entry(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<EntryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    core.delete_memory(owner.as_deref(), &path.id, Some(path.entry)).await?;
    Ok(HttpResponse::NoContent().finish())
}
