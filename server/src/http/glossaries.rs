//! `/v1/glossaries`: a key's glossaries made (JSON entries, TSV or CSV text, or an uploaded
//! file), listed, read, replaced and deleted. The glossaries themselves are `crate::app::glossary`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::owner;
use super::body::{self, Encoding};
use super::error::{ApiError, ErrorBody};
use super::shapes::TermBody;
use crate::app::fields;
use crate::app::glossary::entries::{to_tsv, EntriesFormat};
use crate::app::glossary::{DictionaryInput, EntriesInput, GlossaryView};
use crate::app::{Core, Error};

/// A dictionary's entries: a list of terms, or TSV or CSV text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EntriesBody {
    /// Terms.
    Terms(Vec<TermBody>),
    /// TSV (`source<TAB>target` per line) or CSV text, as `entries_format` says.
    Text(String),
}

/// One language pair of a glossary.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DictionaryBody {
    /// The source language: a code or name.
    #[schema(example = "eng_Latn")]
    pub source: String,
    /// The target language: a code or name.
    #[schema(example = "lug_Latn")]
    pub target: String,
    /// The entries.
    pub entries: EntriesBody,
    /// `tsv` (default) or `csv`, for entries given as text.
    pub entries_format: Option<String>,
}

/// A glossary as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GlossaryBody {
    /// Its name.
    #[schema(example = "Clinic terms")]
    pub name: String,
    /// One per language pair.
    pub dictionaries: Vec<DictionaryBody>,
}

/// A key's glossaries.
#[derive(Debug, Serialize, ToSchema)]
pub struct GlossariesBody {
    /// Oldest first.
    pub glossaries: Vec<GlossaryView>,
}

/// A glossary in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct GlossaryPath {
    /// Its id.
    pub id: String,
}

/// Which dictionary's entries.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PairQuery {
    /// The source language (needed when the glossary has several dictionaries).
    pub source: Option<String>,
    /// The target language.
    pub target: Option<String>,
}

fn dictionaries(body: Vec<DictionaryBody>) -> Result<Vec<DictionaryInput>, Error> {
    body.into_iter()
        .enumerate()
        .map(|(i, d)| {
            let field = |name: &str| format!("dictionaries[{i}].{name}");
            let entries = match d.entries {
                EntriesBody::Terms(terms) => {
                    EntriesInput::Pairs(terms.into_iter().map(|t| (t.source, t.target)).collect())
                }
                EntriesBody::Text(text) => {
                    let format = d.entries_format.as_deref().unwrap_or("tsv");
                    let format = EntriesFormat::parse(format).ok_or_else(|| {
                        Error::InvalidOption(format!("{}: {format:?}; use tsv or csv", field("entries_format")))
                    })?;
                    EntriesInput::Text(text, format)
                }
            };
            Ok(DictionaryInput {
                source: fields::parse_target("source", Some(&d.source))?,
                target: fields::parse_target("target", Some(&d.target))?,
                entries,
            })
        })
        .collect()
}

/// The glossary a request sends: JSON, or a multipart form with `name`, `source`, `target` and a
/// `file` (`.tsv` or `.csv`).
async fn read_glossary(
    core: &Core,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<(String, Vec<DictionaryInput>), ApiError> {
    if body::encoding(request).ok() == Some(Encoding::Multipart) {
        let parts = body::read_multipart(request, payload, core.settings.max_body_bytes).await?;
        let field = |name: &str| {
            parts
                .iter()
                .find(|p| p.name == name && p.file_name.is_none())
                .map(|p| p.text())
        };
        let file = parts
            .iter()
            .find(|p| p.name == "file")
            .ok_or_else(|| Error::Missing("file: upload the entries as a .tsv or .csv file".to_string()))?;
        let format = file
            .file_name
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .and_then(|(_, ext)| EntriesFormat::parse(ext))
            .ok_or_else(|| Error::UnsupportedFile("file: name a .tsv or .csv file".to_string()))?;
        let text = String::from_utf8(file.bytes.clone())
            .map_err(|_| Error::Invalid("file: the entries are not UTF-8 text".to_string()))?;
        let dictionary = DictionaryInput {
            source: fields::parse_target("source", field("source").as_deref())?,
            target: fields::parse_target("target", field("target").as_deref())?,
            entries: EntriesInput::Text(text, format),
        };
        return Ok((field("name").unwrap_or_default(), vec![dictionary]));
    }
    let body: GlossaryBody = body::read_json(request, payload, core.settings.max_body_bytes).await?;
    Ok((body.name, dictionaries(body.dictionaries)?))
}

/// Make a glossary: its name and one dictionary per language pair, each with its entries (a
/// list, TSV or CSV text, or a `.tsv`/`.csv` file in a multipart form). All of it is stored, or
/// nothing.
#[utoipa::path(
    post, path = "/v1/glossaries", tag = "glossaries",
    request_body(content((GlossaryBody = "application/json"), (String = "multipart/form-data"))),
    responses(
        (status = 201, description = "Stored", body = GlossaryView),
        (status = 400, description = "Broken entries (the line is named), duplicate source terms, unknown language", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over the entry or size limits", body = ErrorBody),
        (status = 415, description = "Neither JSON nor a multipart form", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn create(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let (name, dictionaries) = read_glossary(&core, &request, payload).await?;
    let glossary = core.create_glossary(owner.as_deref(), &name, dictionaries).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/glossaries/{}", glossary.id)))
        .json(glossary))
}

/// The key's glossaries.
#[utoipa::path(
    get, path = "/v1/glossaries", tag = "glossaries",
    responses(
        (status = 200, description = "The glossaries", body = GlossariesBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let glossaries = core.glossaries(owner.as_deref()).await?;
    Ok(HttpResponse::Ok().json(GlossariesBody { glossaries }))
}

/// One glossary: name, dictionaries and their sizes.
#[utoipa::path(
    get, path = "/v1/glossaries/{id}", tag = "glossaries", params(GlossaryPath),
    responses(
        (status = 200, description = "The glossary", body = GlossaryView),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary (or another key's)", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn get(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<GlossaryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    Ok(HttpResponse::Ok().json(core.glossary(owner.as_deref(), &path.id).await?))
}

/// One dictionary's entries as TSV (`source<TAB>target` per line).
#[utoipa::path(
    get, path = "/v1/glossaries/{id}/entries", tag = "glossaries", params(GlossaryPath, PairQuery),
    responses(
        (status = 200, description = "The entries", content_type = "text/tab-separated-values", body = String),
        (status = 400, description = "An unknown language, or no pair for a glossary of several", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary or dictionary", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn entries(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<GlossaryPath>,
    query: web::Query<PairQuery>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let pair = match (&query.source, &query.target) {
        (None, None) => None,
        (source, target) => Some((
            fields::parse_target("source", source.as_deref())?,
            fields::parse_target("target", target.as_deref())?,
        )),
    };
    let (_, entries) = core.glossary_entries(owner.as_deref(), &path.id, pair).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/tab-separated-values; charset=utf-8"))
        .body(to_tsv(&entries)))
}

/// Replace a glossary's name and every dictionary (the same body as making one).
#[utoipa::path(
    put, path = "/v1/glossaries/{id}", tag = "glossaries", params(GlossaryPath),
    request_body(content((GlossaryBody = "application/json"), (String = "multipart/form-data"))),
    responses(
        (status = 200, description = "Replaced", body = GlossaryView),
        (status = 400, description = "Broken entries (the line is named), duplicate source terms, unknown language", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary", body = ErrorBody),
        (status = 413, description = "Over the entry or size limits", body = ErrorBody),
        (status = 415, description = "Neither JSON nor a multipart form", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn replace(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<GlossaryPath>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let (name, dictionaries) = read_glossary(&core, &request, payload).await?;
    Ok(HttpResponse::Ok().json(
        core.replace_glossary(owner.as_deref(), &path.id, &name, dictionaries)
            .await?,
    ))
}

/// Delete a glossary and its entries; their text is gone from the disk too.
#[utoipa::path(
    delete, path = "/v1/glossaries/{id}", tag = "glossaries", params(GlossaryPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn delete(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<GlossaryPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    core.delete_glossary(owner.as_deref(), &path.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
