//! DeepL's glossary API, v2: `POST/GET /v2/glossaries`, `GET/DELETE /v2/glossaries/{id}`,
//! `GET /v2/glossaries/{id}/entries` (TSV) and `GET /v2/glossary-language-pairs` (every pair
//! Tolk serves, not DeepL's few), in DeepL's shapes, so that its clients' glossary methods work
//! unchanged. A v2 glossary is a Tolk glossary of one dictionary; the glossaries themselves are
//! `crate::app::glossary`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use langs::LangCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{deepl_code, DeeplErrorBody};
use crate::app::glossary::entries::{to_tsv, EntriesFormat};
use crate::app::glossary::{DictionaryInput, EntriesInput, GlossaryView};
use crate::app::{fields, Core, Error};
use crate::http::auth::deepl_key;
use crate::http::body::{self, Parsed};
use crate::http::error::DeeplError;

/// `POST /v2/glossaries`, as JSON or a form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeeplGlossaryBody {
    /// Its name.
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// Source language code (`EN`).
    #[schema(required = true, nullable = false)]
    pub source_lang: Option<String>,
    /// Target language code (`DE`).
    #[schema(required = true, nullable = false)]
    pub target_lang: Option<String>,
    /// The entries, as `entries_format` says.
    #[schema(required = true, nullable = false)]
    pub entries: Option<String>,
    /// `tsv` or `csv`.
    #[schema(required = true, nullable = false)]
    pub entries_format: Option<String>,
    /// Legacy key field.
    pub auth_key: Option<String>,
}

/// A glossary, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplGlossary {
    /// Its id.
    pub glossary_id: String,
    /// Its name.
    pub name: String,
    /// Always true: Tolk's glossaries are ready when made.
    pub ready: bool,
    /// Source language, lower case as DeepL answers.
    pub source_lang: String,
    /// Target language.
    pub target_lang: String,
    /// ISO 8601, UTC.
    pub creation_time: String,
    /// Its entries.
    pub entry_count: i64,
}

/// `GET /v2/glossaries`' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplGlossaries {
    /// The key's glossaries of one language pair.
    pub glossaries: Vec<DeeplGlossary>,
}

/// A language pair glossaries work for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplGlossaryPair {
    /// Source language.
    pub source_lang: String,
    /// Target language.
    pub target_lang: String,
}

/// `GET /v2/glossary-language-pairs`' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplGlossaryPairs {
    /// Every pair of the model's languages.
    pub supported_languages: Vec<DeeplGlossaryPair>,
}

/// A glossary in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeeplGlossaryPath {
    /// Its id.
    pub id: String,
}

/// Milliseconds since the epoch as ISO 8601 in UTC (`2026-12-02T05:56:03.123Z`), the civil date
/// from the day count (H. Hinnant's algorithm), for no date dependency.
pub(super) fn iso8601(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1_000 % 60,
        rest % 1_000
    )
}

pub(super) fn lower(code: &str) -> String {
    langs::LangCode::parse(code).map_or_else(|_| code.to_string(), |c| deepl_code(c).to_ascii_lowercase())
}

/// A Tolk glossary of one dictionary in DeepL's shape; `None` for one of several (a v3 glossary).
fn deepl_glossary(view: GlossaryView) -> Option<DeeplGlossary> {
    let [dictionary] = view.dictionaries.as_slice() else {
        return None;
    };
    Some(DeeplGlossary {
        glossary_id: view.id.clone(),
        name: view.name.clone(),
        ready: true,
        source_lang: lower(&dictionary.source),
        target_lang: lower(&dictionary.target),
        creation_time: iso8601(view.created_at),
        entry_count: dictionary.entry_count,
    })
}

/// A field DeepL requires, refused in its words when missing or blank.
pub(super) fn required(field: &str, value: Option<String>) -> Result<String, Error> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::Missing(format!("Missing or invalid argument: {field}")))
}

/// A required language field.
pub(super) fn language(field: &'static str, value: Option<String>) -> Result<LangCode, Error> {
    fields::parse_target(field, Some(&required(field, value)?))
}

/// `entries_format`: `tsv` or `csv`.
pub(super) fn entries_format(name: &str) -> Result<EntriesFormat, Error> {
    EntriesFormat::parse(name)
        .ok_or_else(|| Error::InvalidOption(format!("Value for 'entries_format' not supported: {name:?}")))
}

pub(super) fn owner(core: &Core, request: &HttpRequest, field: Option<String>) -> Result<Option<String>, Error> {
    core.owner(deepl_key(request, field).as_deref())
}

/// Make a glossary of one language pair (DeepL v2).
#[utoipa::path(
    post, path = "/v2/glossaries", tag = "deepl",
    request_body(content((DeeplGlossaryBody = "application/json"), (DeeplGlossaryBody = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "Made", body = DeeplGlossary),
        (status = 400, description = "A missing field, broken entries (the line is named), an unknown language", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 413, description = "Over the entry or size limits", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn create(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let call = match body::parse::<DeeplGlossaryBody, DeeplGlossaryBody>(encoding, &bytes)? {
        Parsed::Json(call) | Parsed::Form(call) => call,
    };
    let owner = owner(&core, &request, call.auth_key)?;
    let name = required("name", call.name)?;
    let format = entries_format(&required("entries_format", call.entries_format)?)?;
    let dictionary = DictionaryInput {
        source: language("source_lang", call.source_lang)?,
        target: language("target_lang", call.target_lang)?,
        entries: EntriesInput::Text(required("entries", call.entries)?, format),
    };
    let view = core.create_glossary(owner.as_deref(), &name, vec![dictionary]).await?;
    let glossary =
        deepl_glossary(view).ok_or_else(|| Error::Internal("a v2 glossary has one dictionary".to_string()))?;
    Ok(HttpResponse::Created().json(glossary))
}

/// The key's glossaries of one language pair (DeepL v2).
#[utoipa::path(
    get, path = "/v2/glossaries", tag = "deepl",
    responses(
        (status = 200, description = "The glossaries", body = DeeplGlossaries),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn list(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let glossaries = core.glossaries(owner.as_deref()).await?;
    Ok(HttpResponse::Ok().json(DeeplGlossaries {
        glossaries: glossaries.into_iter().filter_map(deepl_glossary).collect(),
    }))
}

/// One glossary (DeepL v2).
#[utoipa::path(
    get, path = "/v2/glossaries/{id}", tag = "deepl", params(DeeplGlossaryPath),
    responses(
        (status = 200, description = "The glossary", body = DeeplGlossary),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn get(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let view = core.glossary(owner.as_deref(), &path.id).await?;
    let glossary = deepl_glossary(view).ok_or_else(|| Error::NotFound("Glossary".to_string()))?;
    Ok(HttpResponse::Ok().json(glossary))
}

/// A glossary's entries as TSV (DeepL v2).
#[utoipa::path(
    get, path = "/v2/glossaries/{id}/entries", tag = "deepl", params(DeeplGlossaryPath),
    responses(
        (status = 200, description = "The entries", content_type = "text/tab-separated-values", body = String),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn entries(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let (_, entries) = core.glossary_entries(owner.as_deref(), &path.id, None).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/tab-separated-values; charset=utf-8"))
        .body(to_tsv(&entries)))
}

/// Delete a glossary (DeepL v2); its entries are gone from disk too.
#[utoipa::path(
    delete, path = "/v2/glossaries/{id}", tag = "deepl", params(DeeplGlossaryPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn delete(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    core.delete_glossary(owner.as_deref(), &path.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The language pairs glossaries work for: every pair of the model's languages (DeepL v2).
#[utoipa::path(
    get, path = "/v2/glossary-language-pairs", tag = "deepl",
    responses(
        (status = 200, description = "The pairs", body = DeeplGlossaryPairs),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn pairs(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, DeeplError> {
    owner(&core, &request, None)?;
    let model = core.models.model(None)?;
    let mut codes: Vec<String> = model
        .pool
        .translator()
        .languages()
        .iter()
        .map(|&c| deepl_code(c).to_ascii_lowercase())
        .collect();
    codes.sort();
    codes.dedup();
    let supported_languages = codes
        .iter()
        .flat_map(|s| {
            codes.iter().filter(move |t| *t != s).map(move |t| DeeplGlossaryPair {
                source_lang: s.clone(),
                target_lang: t.clone(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(DeeplGlossaryPairs { supported_languages }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        // `date -u -d @1796104563.123 +%FT%T.%3NZ`
        assert_eq!(iso8601(1_796_104_563_123), "2026-12-01T05:56:03.123Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
