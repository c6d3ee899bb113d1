//! DeepL's multilingual glossary API, v3: a glossary of several dictionaries (language pairs).
//! `POST/GET /v3/glossaries`, `GET/PATCH/DELETE /v3/glossaries/{id}`,
//! `GET /v3/glossaries/{id}/entries?source_lang&target_lang`, and
//! `PUT/DELETE /v3/glossaries/{id}/dictionaries`, in DeepL's shapes: bodies as JSON (the Python
//! client) or as a form with `dictionaries[0].source_lang`-style keys (the Node client). A v3
//! glossary is a Tolk glossary; `glossary_id` on `/v2/translate` takes either.

use actix_web::{web, HttpRequest, HttpResponse};
use langs::LangCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::glossaries::{entries_format, iso8601, language, lower, owner, required, DeeplGlossaryPath};
use super::DeeplErrorBody;
use crate::app::glossary::entries::to_tsv;
use crate::app::glossary::{DictionaryChange, DictionaryInput, EntriesInput, GlossaryView};
use crate::app::{Core, Error};
use crate::http::body::{self, Parsed};
use crate::http::error::DeeplError;

/// One dictionary as sent: its pair and its entries.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DeeplDictionaryBody {
    /// Source language (`en`).
    #[schema(required = true, nullable = false)]
    pub source_lang: Option<String>,
    /// Target language (`de`).
    #[schema(required = true, nullable = false)]
    pub target_lang: Option<String>,
    /// The entries, as `entries_format` says.
    #[schema(required = true, nullable = false)]
    pub entries: Option<String>,
    /// `tsv` (the default) or `csv`.
    pub entries_format: Option<String>,
}

/// `POST /v3/glossaries` and `PATCH /v3/glossaries/{id}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DeeplMultilingualBody {
    /// The glossary's name (required to make one).
    pub name: Option<String>,
    /// Its dictionaries (at least one to make one).
    #[serde(default)]
    pub dictionaries: Vec<DeeplDictionaryBody>,
}

/// A dictionary, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplDictionaryInfo {
    /// Source language, lower case.
    pub source_lang: String,
    /// Target language, lower case.
    pub target_lang: String,
    /// Its entries.
    pub entry_count: i64,
}

/// A multilingual glossary, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplMultilingualGlossary {
    /// Its id.
    pub glossary_id: String,
    /// Its name.
    pub name: String,
    /// ISO 8601, UTC, with milliseconds.
    pub creation_time: String,
    /// One per language pair.
    pub dictionaries: Vec<DeeplDictionaryInfo>,
}

/// `GET /v3/glossaries`' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplMultilingualGlossaries {
    /// The key's glossaries.
    pub glossaries: Vec<DeeplMultilingualGlossary>,
}

/// A dictionary's entries, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplDictionaryEntries {
    /// Source language.
    pub source_lang: String,
    /// Target language.
    pub target_lang: String,
    /// The entries as TSV, in order, lines joined by line breaks.
    pub entries: String,
    /// Always `tsv`.
    pub entries_format: &'static str,
}

/// `GET /v3/glossaries/{id}/entries`' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplEntriesList {
    /// The dictionary asked for.
    pub dictionaries: Vec<DeeplDictionaryEntries>,
}

/// A dictionary's language pair in the query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeeplPairQuery {
    /// Source language.
    pub source_lang: Option<String>,
    /// Target language.
    pub target_lang: Option<String>,
}

fn multilingual(view: GlossaryView) -> DeeplMultilingualGlossary {
    DeeplMultilingualGlossary {
        glossary_id: view.id,
        name: view.name,
        creation_time: iso8601(view.created_at),
        dictionaries: view
            .dictionaries
            .into_iter()
            .map(|d| DeeplDictionaryInfo {
                source_lang: lower(&d.source),
                target_lang: lower(&d.target),
                entry_count: d.entry_count,
            })
            .collect(),
    }
}

/// Reads a v3 body: JSON, or a form whose dictionaries come as `dictionaries[0].source_lang`.
async fn read_body(
    core: &Core,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<DeeplMultilingualBody, DeeplError> {
    let encoding = body::encoding(request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    match body::parse::<DeeplMultilingualBody, Vec<(String, String)>>(encoding, &bytes)? {
        Parsed::Json(parsed) => Ok(parsed),
        Parsed::Form(pairs) => Ok(from_form(pairs)?),
    }
}

/// The Node client's form: `name`, and `dictionaries[i].field` (also `dictionaries.i.field`).
fn from_form(pairs: Vec<(String, String)>) -> Result<DeeplMultilingualBody, Error> {
    let mut body = DeeplMultilingualBody::default();
    for (key, value) in pairs {
        if key == "name" {
            body.name = Some(value);
            continue;
        }
        let Some(rest) = key.strip_prefix("dictionaries") else {
            continue;
        };
        let rest = rest.trim_start_matches(['[', '.']);
        let (index, field) = rest
            .split_once(['.', ']'])
            .map(|(i, f)| (i, f.trim_start_matches(['.', ']'])))
            .ok_or_else(|| Error::Invalid(format!("Value for '{key}' not supported")))?;
        let index: usize = index
            .parse()
            .ok()
            .filter(|&i| i < 1_000)
            .ok_or_else(|| Error::Invalid(format!("Value for '{key}' not supported")))?;
        if body.dictionaries.len() <= index {
            body.dictionaries.resize_with(index + 1, DeeplDictionaryBody::default);
        }
        let dictionary = &mut body.dictionaries[index];
        match field {
            "source_lang" => dictionary.source_lang = Some(value),
            "target_lang" => dictionary.target_lang = Some(value),
            "entries" => dictionary.entries = Some(value),
            "entries_format" => dictionary.entries_format = Some(value),
            _ => {}
        }
    }
    Ok(body)
}

fn dictionary(i: usize, body: DeeplDictionaryBody) -> Result<DictionaryInput, Error> {
    let at = |field: &str| format!("dictionaries[{i}].{field}");
    let format = entries_format(body.entries_format.as_deref().unwrap_or("tsv"))?;
    Ok(DictionaryInput {
        source: language("source_lang", body.source_lang)?,
        target: language("target_lang", body.target_lang)?,
        entries: EntriesInput::Text(required(&at("entries"), body.entries)?, format),
    })
}

fn dictionaries(bodies: Vec<DeeplDictionaryBody>) -> Result<Vec<DictionaryInput>, Error> {
    bodies.into_iter().enumerate().map(|(i, b)| dictionary(i, b)).collect()
}

fn pair(query: &DeeplPairQuery) -> Result<(LangCode, LangCode), Error> {
    Ok((
        language("source_lang", query.source_lang.clone())?,
        language("target_lang", query.target_lang.clone())?,
    ))
}

/// Make a glossary of one or more dictionaries (DeepL v3).
#[utoipa::path(
    post, path = "/v3/glossaries", tag = "deepl",
    request_body(content((DeeplMultilingualBody = "application/json"), (DeeplMultilingualBody = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "Made", body = DeeplMultilingualGlossary),
        (status = 400, description = "A missing field, broken entries (the line is named), an unknown language, a repeated pair", body = DeeplErrorBody),
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
    let owner = owner(&core, &request, None)?;
    let call = read_body(&core, &request, payload).await?;
    let name = required("name", call.name)?;
    let view = core
        .create_glossary(owner.as_deref(), &name, dictionaries(call.dictionaries)?)
        .await?;
    Ok(HttpResponse::Created().json(multilingual(view)))
}

/// The key's glossaries (DeepL v3).
#[utoipa::path(
    get, path = "/v3/glossaries", tag = "deepl",
    responses(
        (status = 200, description = "The glossaries", body = DeeplMultilingualGlossaries),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn list(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let glossaries = core.glossaries(owner.as_deref()).await?;
    Ok(HttpResponse::Ok().json(DeeplMultilingualGlossaries {
        glossaries: glossaries.into_iter().map(multilingual).collect(),
    }))
}

/// One glossary (DeepL v3).
#[utoipa::path(
    get, path = "/v3/glossaries/{id}", tag = "deepl", params(DeeplGlossaryPath),
    responses(
        (status = 200, description = "The glossary", body = DeeplMultilingualGlossary),
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
    Ok(HttpResponse::Ok().json(multilingual(core.glossary(owner.as_deref(), &path.id).await?)))
}

/// Rename a glossary and merge entries into its dictionaries (DeepL v3): an entry whose source
/// term is there replaces its target, others are added, a new pair's dictionary is made.
#[utoipa::path(
    patch, path = "/v3/glossaries/{id}", tag = "deepl", params(DeeplGlossaryPath),
    request_body(content((DeeplMultilingualBody = "application/json"), (DeeplMultilingualBody = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The changed glossary", body = DeeplMultilingualGlossary),
        (status = 400, description = "Broken entries (the line is named), an unknown language", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary", body = DeeplErrorBody),
        (status = 413, description = "Over the entry or size limits", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn patch(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let call = read_body(&core, &request, payload).await?;
    let name = call.name.filter(|n| !n.trim().is_empty());
    let changes = dictionaries(call.dictionaries)?
        .into_iter()
        .map(|d| (d, DictionaryChange::Merge))
        .collect();
    let view = core
        .change_glossary(owner.as_deref(), &path.id, name.as_deref(), changes, None)
        .await?;
    Ok(HttpResponse::Ok().json(multilingual(view)))
}

/// Delete a glossary with all its dictionaries (DeepL v3); the entries are gone from disk too.
#[utoipa::path(
    delete, path = "/v3/glossaries/{id}", tag = "deepl", params(DeeplGlossaryPath),
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
    // A v3 glossary is deleted as a v2 one is; documented apart for its path.
    super::glossaries::delete(core, request, path).await
}

/// Replace (or add) one dictionary of a glossary (DeepL v3).
#[utoipa::path(
    put, path = "/v3/glossaries/{id}/dictionaries", tag = "deepl", params(DeeplGlossaryPath),
    request_body(content((DeeplDictionaryBody = "application/json"), (DeeplDictionaryBody = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The dictionary", body = DeeplDictionaryInfo),
        (status = 400, description = "Broken entries (the line is named), an unknown language", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary", body = DeeplErrorBody),
        (status = 413, description = "Over the entry or size limits", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn replace_dictionary(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let call = match body::parse::<DeeplDictionaryBody, DeeplDictionaryBody>(encoding, &bytes)? {
        Parsed::Json(call) | Parsed::Form(call) => call,
    };
    let input = dictionary(0, call)?;
    let (source, target) = (input.source, input.target);
    let view = core
        .change_glossary(
            owner.as_deref(),
            &path.id,
            None,
            vec![(input, DictionaryChange::Replace)],
            None,
        )
        .await?;
    let info = multilingual(view)
        .dictionaries
        .into_iter()
        .find(|d| d.source_lang == lower(source.as_str()) && d.target_lang == lower(target.as_str()))
        .ok_or_else(|| Error::Internal("a dictionary just stored is missing".to_string()))?;
    Ok(HttpResponse::Ok().json(info))
}

/// Delete one dictionary of a glossary (DeepL v3).
#[utoipa::path(
    delete, path = "/v3/glossaries/{id}/dictionaries", tag = "deepl", params(DeeplGlossaryPath, DeeplPairQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A missing or unknown language, or the glossary's last dictionary", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary or dictionary", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn delete_dictionary(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
    query: web::Query<DeeplPairQuery>,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let removed = pair(&query)?;
    core.change_glossary(owner.as_deref(), &path.id, None, Vec::new(), Some(removed))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One dictionary's entries as TSV inside JSON (DeepL v3).
#[utoipa::path(
    get, path = "/v3/glossaries/{id}/entries", tag = "deepl", params(DeeplGlossaryPath, DeeplPairQuery),
    responses(
        (status = 200, description = "The entries", body = DeeplEntriesList),
        (status = 400, description = "A missing or unknown language", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary or dictionary", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn entries(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<DeeplGlossaryPath>,
    query: web::Query<DeeplPairQuery>,
) -> Result<HttpResponse, DeeplError> {
    let owner = owner(&core, &request, None)?;
    let (source, target) = pair(&query)?;
    let (_, entries) = core
        .glossary_entries(owner.as_deref(), &path.id, Some((source, target)))
        .await?;
    // DeepL's clients compare the string: lines joined, no line break after the last.
    let tsv = to_tsv(&entries).trim_end_matches('\n').to_string();
    Ok(HttpResponse::Ok().json(DeeplEntriesList {
        dictionaries: vec![DeeplDictionaryEntries {
            source_lang: lower(source.as_str()),
            target_lang: lower(target.as_str()),
            entries: tsv,
            entries_format: "tsv",
        }],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_clients_form_keys_are_read() {
        let pairs = [
            ("name", "Clinic"),
            ("dictionaries[0].source_lang", "en"),
            ("dictionaries[0].target_lang", "de"),
            ("dictionaries[0].entries", "a\tb"),
            ("dictionaries[0].entries_format", "tsv"),
            ("dictionaries[1].source_lang", "en"),
        ];
        let body = from_form(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).unwrap();
        assert_eq!(body.name.as_deref(), Some("Clinic"));
        assert_eq!(body.dictionaries.len(), 2);
        assert_eq!(body.dictionaries[0].entries.as_deref(), Some("a\tb"));
        assert_eq!(body.dictionaries[1].source_lang.as_deref(), Some("en"));
        assert!(from_form(vec![("dictionaries[x].entries".to_string(), String::new())]).is_err());
        assert!(from_form(vec![("dictionaries[5000].entries".to_string(), String::new())]).is_err());
    }
}
