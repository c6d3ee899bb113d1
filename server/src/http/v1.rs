//! Tolk's own API under `/v1`: translate, detect, languages, models and the server's limits.

use actix_web::{web, HttpRequest, HttpResponse};
use langs::{catalogue, Detector};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::bearer_key;
use super::body::{self, TextInput};
use super::error::{ApiError, ErrorBody};
use super::shapes::{CandidateBody, LanguageRef, TranslateBody, TranslateResponse, TranslationItem};
use crate::app::registry::Loading;
use crate::app::{files, translation, Core};

/// Translate one text or a list.
#[utoipa::path(
    post, path = "/v1/translate", tag = "tolk",
    request_body = TranslateBody,
    responses(
        (status = 200, description = "One translation per text, in order", body = TranslateResponse),
        (status = 400, description = "Broken JSON, unknown language, bad option, empty list", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary (`glossary` given as an id)", body = ErrorBody),
        (status = 413, description = "Over the body, text count or character limit", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "The key's rate or quota is used up", body = ErrorBody),
        (status = 503, description = "Queue full, model loading, or timed out; see Retry-After", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn translate(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: TranslateBody = body::read_json(&request, payload, core.settings.max_body_bytes).await?;
    let mut translation = body.into_request()?;
    let chars = translation::check_limits(&core, &translation.texts)?;
    let key = bearer_key(&request);
    core.admit(key.as_deref(), chars)?;
    translation.owner = core.owner_of(key.as_deref());
    let answers = translation::translate(&core, translation).await?;
    Ok(HttpResponse::Ok().json(TranslateResponse {
        translations: answers.into_iter().map(TranslationItem::from).collect(),
    }))
}

/// Texts whose language to tell.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectBody {
    /// The text, or a list of texts.
    pub text: TextInput,
}

/// One text's language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetectionItem {
    /// The most likely language; null when the text has no letters.
    pub language: Option<CandidateBody>,
    /// Whether the answer clearly stands out from the alternatives.
    pub reliable: bool,
    /// The best candidates, most likely first.
    pub candidates: Vec<CandidateBody>,
}

/// Detections, one per text, in request order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetectResponse {
    /// One per text.
    pub detections: Vec<DetectionItem>,
}

/// Tell the language of one text or a list.
#[utoipa::path(
    post, path = "/v1/detect", tag = "tolk",
    request_body = DetectBody,
    responses(
        (status = 200, description = "One detection per text, in order", body = DetectResponse),
        (status = 400, description = "Broken JSON or empty list", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over a limit", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "The key's rate or quota is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn detect(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: DetectBody = body::read_json(&request, payload, core.settings.max_body_bytes).await?;
    let texts = body.text.into_vec();
    let chars = translation::check_limits(&core, &texts)?;
    core.admit(bearer_key(&request).as_deref(), chars)?;
    let detections = translation::detect_texts(texts)
        .await
        .into_iter()
        .map(|found| match found {
            Some(d) => DetectionItem {
                language: Some(CandidateBody::new(d.language, d.confidence)),
                reliable: d.reliable,
                candidates: CandidateBody::list(&d.candidates),
            },
            None => DetectionItem {
                language: None,
                reliable: false,
                candidates: Vec::new(),
            },
        })
        .collect();
    Ok(HttpResponse::Ok().json(DetectResponse { detections }))
}

/// A language of the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguageItem {
    /// NLLB code, e.g. `quy_Latn`.
    pub code: String,
    /// English name.
    pub name: String,
    /// Its own name for itself.
    pub autonym: String,
    /// The short code LibreTranslate- and DeepL-style APIs use for it here, e.g. `qu`.
    pub short_code: String,
    /// ISO 639-1, where it has one.
    pub iso639_1: Option<String>,
    /// ISO 639-3.
    pub iso639_3: String,
    /// ISO 15924 script.
    pub script: String,
    /// `ltr` or `rtl`.
    pub direction: String,
    /// Whether NLLB-200 counts it as low-resource.
    pub low_resource: bool,
    /// Whether `auto` can detect it.
    pub detectable: bool,
    /// Other codes and names that resolve to it (`zh-TW`, `te reo Māori`, `Farsi`), for pickers
    /// that filter as the user types; `/v1/languages/resolve` applies the full rules.
    pub aliases: Vec<String>,
    /// Whether the default model translates it; null while that model loads.
    pub in_model: Option<bool>,
}

/// The catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguagesResponse {
    /// Every language, in the model vocabulary's order.
    pub languages: Vec<LanguageItem>,
}

/// The 202 languages: codes, names, script, which are detectable and in the model.
#[utoipa::path(get, path = "/v1/languages", tag = "tolk",
    responses((status = 200, description = "The catalogue", body = LanguagesResponse)))]
pub async fn languages(core: web::Data<Core>) -> HttpResponse {
    let model = core.models.default_model();
    let detectable = Detector::shared().languages();
    let languages = catalogue()
        .iter()
        .map(|l| LanguageItem {
            code: l.code.as_str().to_string(),
            name: l.name.to_string(),
            autonym: l.autonym.to_string(),
            short_code: l.code.short_code(),
            iso639_1: l.iso639_1.map(str::to_string),
            iso639_3: l.iso639_3.to_string(),
            script: l.script.as_str().to_string(),
            direction: l.direction.as_str().to_string(),
            low_resource: l.low_resource,
            detectable: detectable.contains(&l.code),
            aliases: l.aliases.iter().map(|a| a.to_string()).collect(),
            in_model: model
                .as_ref()
                .map(|m| m.pool.translator().languages().contains(&l.code)),
        })
        .collect();
    HttpResponse::Ok().json(LanguagesResponse { languages })
}

/// What to resolve.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct ResolveQuery {
    /// Whatever a user typed: a code in any convention (`zh-TW`, `fr-CA`, `quy_Latn`, `EN-GB`) or
    /// a name in English or in the language itself (`te reo Māori`, `Kiswahili`).
    pub name: String,
}

/// What a user's input means: a language, or why none (an unknown name is an answer here, not a
/// mistake, since pickers ask while the user is still typing).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResolveResponse {
    /// The language; null when the input names none.
    pub language: Option<LanguageRef>,
    /// Why nothing was found, with close matches; null when found.
    pub message: Option<String>,
}

/// Resolves what a user typed to a language, by the rules every field of the API uses.
#[utoipa::path(get, path = "/v1/languages/resolve", tag = "tolk", params(ResolveQuery),
    responses(
        (status = 200, description = "The language, or null and close matches", body = ResolveResponse),
        (status = 400, description = "No `name` given", body = ErrorBody),
    ))]
pub async fn resolve_language(query: web::Query<ResolveQuery>) -> HttpResponse {
    let answer = match langs::resolve(&query.name) {
        Ok(code) => ResolveResponse {
            language: Some(LanguageRef::from(code)),
            message: None,
        },
        Err(error) => ResolveResponse {
            language: None,
            message: Some(error.to_string()),
        },
    };
    HttpResponse::Ok().json(answer)
}

/// A model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelItem {
    /// Its name, what a request's `model` field says.
    pub id: String,
    /// Whether requests that name no model get this one.
    pub default: bool,
    /// `loading`, `ready` or `failed`.
    pub status: String,
    /// How many languages it translates; 0 until loaded.
    pub language_count: usize,
    /// The NLLB codes it translates; empty until loaded.
    pub languages: Vec<String>,
    /// Copies running at once.
    pub replicas: usize,
    /// CTranslate2 threads per replica.
    pub threads: usize,
}

/// The models served.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelsResponse {
    /// The models.
    pub models: Vec<ModelItem>,
}

/// The models this server serves.
#[utoipa::path(get, path = "/v1/models", tag = "tolk",
    responses((status = 200, description = "The models", body = ModelsResponse)))]
pub async fn models(core: web::Data<Core>) -> HttpResponse {
    let settings = &core.settings;
    let models = core
        .models
        .slots()
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let (status, languages) = match slot.loading() {
                Loading::Pending => ("loading", Vec::new()),
                Loading::Ready(model) => (
                    "ready",
                    model
                        .pool
                        .translator()
                        .languages()
                        .iter()
                        .map(|c| c.as_str().to_string())
                        .collect(),
                ),
                Loading::Failed(_) => ("failed", Vec::new()),
            };
            ModelItem {
                id: slot.spec.name.clone(),
                default: i == 0,
                status: status.to_string(),
                language_count: languages.len(),
                languages,
                replicas: settings.replicas,
                threads: settings.threads,
            }
        })
        .collect();
    HttpResponse::Ok().json(ModelsResponse { models })
}

/// What a client (the web page) needs to know of this server's limits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsResponse {
    /// Most characters per request.
    pub max_chars: usize,
    /// Most texts per request.
    pub max_texts: usize,
    /// Largest request body in bytes (uploads included).
    pub max_body_bytes: usize,
    /// Whether requests need an API key.
    pub keys_required: bool,
    /// File extensions `/translate_file` accepts.
    pub file_formats: Vec<String>,
}

/// This server's limits, for clients that check input before sending it.
#[utoipa::path(get, path = "/v1/settings", tag = "tolk",
    responses((status = 200, description = "Limits", body = SettingsResponse)))]
pub async fn settings(core: web::Data<Core>) -> HttpResponse {
    let settings = &core.settings;
    HttpResponse::Ok().json(SettingsResponse {
        max_chars: settings.max_chars,
        max_texts: settings.max_texts,
        max_body_bytes: settings.max_body_bytes,
        keys_required: core.keys.is_some(),
        file_formats: files::file_extensions(),
    })
}
