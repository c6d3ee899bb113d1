//! Tolk's own API under `/v1`, plus health, readiness and metrics.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use langs::{catalogue, Detector, LangCode};
use serde::{Deserialize, Serialize};
use translator::{Priority, Sampling, TranslateOptions};
use utoipa::ToSchema;

use super::body;
use super::error::{ApiError, ErrorBody};
use super::service::{self, Detected, Format, TranslatedText, TranslationRequest};
use super::state::{AppState, Loading};

/// One text or several.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum TextInput {
    /// One text.
    One(String),
    /// Several texts, answered in the same order.
    Many(Vec<String>),
}

impl TextInput {
    /// The texts as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            TextInput::One(text) => vec![text],
            TextInput::Many(texts) => texts,
        }
    }
}

/// `text` or `html`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum FormatName {
    /// Plain text; layout (line breaks, indentation) is kept.
    #[default]
    Text,
    /// HTML: text is translated, tags, attributes, entities and code are kept.
    Html,
}

/// Decoding options; every field is optional.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OptionsBody {
    /// Beam width, 1 (greedy, fastest) to 16. Default 4.
    #[schema(minimum = 1, maximum = 16)]
    pub beam_size: Option<usize>,
    /// Translations to return per text, best first, at most `beam_size` (the beam widens to
    /// fit when `beam_size` is not given). Default 1.
    #[schema(minimum = 1, maximum = 16)]
    pub alternatives: Option<usize>,
    /// Length normalisation exponent, 0 to 5. Default 1.
    #[schema(minimum = 0, maximum = 5)]
    pub length_penalty: Option<f32>,
    /// Penalty on repeated tokens, 1 (none) to 10. Default 1.
    #[schema(minimum = 1, maximum = 10)]
    pub repetition_penalty: Option<f32>,
    /// Forbid repeating n-grams of this size; 0 is off. Default 0.
    #[schema(minimum = 0, maximum = 32)]
    pub no_repeat_ngram_size: Option<usize>,
    /// Sample instead of beam search (needs `beam_size` 1).
    pub sampling: Option<SamplingBody>,
}

/// Random sampling.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SamplingBody {
    /// Sample among the k most likely tokens; 0 is all. Default 0.
    #[schema(minimum = 0, maximum = 1000)]
    pub top_k: Option<usize>,
    /// Nucleus sampling threshold in (0, 1]. Default 1.
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub top_p: Option<f32>,
    /// Temperature in (0, 10]. Default 1.
    #[schema(exclusive_minimum = 0, maximum = 10)]
    pub temperature: Option<f32>,
}

impl OptionsBody {
    /// The translator's options, defaults filled in (checked later by the translator).
    pub fn into_options(self) -> TranslateOptions {
        let defaults = TranslateOptions::default();
        let sampling_defaults = Sampling::default();
        // Asking for more alternatives than the default beam holds means a wider beam.
        let beam_size = self
            .beam_size
            .unwrap_or_else(|| defaults.beam_size.max(self.alternatives.unwrap_or(1)));
        TranslateOptions {
            beam_size,
            alternatives: self.alternatives.unwrap_or(defaults.alternatives),
            length_penalty: self.length_penalty.unwrap_or(defaults.length_penalty),
            repetition_penalty: self.repetition_penalty.unwrap_or(defaults.repetition_penalty),
            no_repeat_ngram_size: self.no_repeat_ngram_size.unwrap_or(defaults.no_repeat_ngram_size),
            sampling: self.sampling.map(|s| Sampling {
                top_k: s.top_k.unwrap_or(sampling_defaults.top_k),
                top_p: s.top_p.unwrap_or(sampling_defaults.top_p),
                temperature: s.temperature.unwrap_or(sampling_defaults.temperature),
            }),
        }
    }
}

/// A translation request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslateBody {
    /// The text, or a list of texts.
    pub text: TextInput,
    /// Their language: a code or name (`eng_Latn`, `en`, `English`), or `auto` (the default) to
    /// detect each text's language.
    #[schema(example = "auto")]
    pub source: Option<String>,
    /// The language to translate into: a code or name (`quy_Latn`, `Quechua`).
    #[schema(example = "fra_Latn")]
    pub target: String,
    /// `text` (default) or `html`.
    #[serde(default)]
    pub format: FormatName,
    /// Decoding options.
    #[serde(default)]
    pub options: OptionsBody,
    /// Which model translates (see `/v1/models`); the server's default when absent.
    pub model: Option<String>,
}

impl TranslateBody {
    /// The request for the translation service.
    pub fn into_request(self) -> Result<TranslationRequest, ApiError> {
        Ok(TranslationRequest {
            source: service::parse_source("source", self.source.as_deref())?,
            target: service::parse_target("target", Some(&self.target))?,
            texts: self.text.into_vec(),
            format: match self.format {
                FormatName::Text => Format::Text,
                FormatName::Html => Format::Html,
            },
            options: self.options.into_options(),
            model: self.model,
            priority: Priority::Interactive,
        })
    }
}

/// A language as answers name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguageRef {
    /// NLLB code, e.g. `fra_Latn`.
    pub code: String,
    /// English name.
    pub name: String,
}

impl From<LangCode> for LanguageRef {
    fn from(code: LangCode) -> Self {
        LanguageRef {
            code: code.as_str().to_string(),
            name: code.info().name.to_string(),
        }
    }
}

/// A detected language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetectedBody {
    /// NLLB code.
    pub code: String,
    /// English name.
    pub name: String,
    /// Probability, 0 to 1.
    pub confidence: f64,
}

impl From<Detected> for DetectedBody {
    fn from(d: Detected) -> Self {
        DetectedBody {
            code: d.language.as_str().to_string(),
            name: d.language.info().name.to_string(),
            confidence: d.confidence,
        }
    }
}

/// One text's translation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslationItem {
    /// The translation.
    pub text: String,
    /// Further translations, best first, when `options.alternatives` > 1.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// The source language used; null for a text with no letters, which is returned as is.
    pub source: Option<LanguageRef>,
    /// The detected language, when the source was `auto`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<DetectedBody>,
}

impl From<TranslatedText> for TranslationItem {
    fn from(t: TranslatedText) -> Self {
        TranslationItem {
            text: t.text,
            alternatives: t.alternatives,
            source: t.source.map(LanguageRef::from),
            detected: t.detected.map(DetectedBody::from),
        }
    }
}

/// Translations, one per text, in request order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslateResponse {
    /// One per text.
    pub translations: Vec<TranslationItem>,
}

/// The API key of a Tolk API request: `Authorization: Bearer KEY` or `X-API-Key: KEY`.
pub fn bearer_key(request: &HttpRequest) -> Option<String> {
    let headers = request.headers();
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(key) = value.strip_prefix("Bearer ") {
            return Some(key.trim().to_string());
        }
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// Checks the key (when keys are on) for a request of `chars` characters.
pub fn admit(state: &AppState, key: Option<&str>, chars: usize) -> Result<(), ApiError> {
    match &state.keys {
        Some(keys) => keys.admit(key, chars),
        None => Ok(()),
    }
}

/// Translate one text or a list.
#[utoipa::path(
    post, path = "/v1/translate", tag = "tolk",
    request_body = TranslateBody,
    responses(
        (status = 200, description = "One translation per text, in order", body = TranslateResponse),
        (status = 400, description = "Broken JSON, unknown language, bad option, empty list", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over the body, text count or character limit", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "The key's rate or quota is used up", body = ErrorBody),
        (status = 503, description = "Queue full, model loading, or timed out; see Retry-After", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn translate(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: TranslateBody = read_json(&state, &request, payload).await?;
    let translation = body.into_request()?;
    let chars = service::check_limits(&state, &translation.texts)?;
    admit(&state, bearer_key(&request).as_deref(), chars)?;
    let answers = service::translate(&state, translation).await?;
    Ok(HttpResponse::Ok().json(TranslateResponse {
        translations: answers.into_iter().map(TranslationItem::from).collect(),
    }))
}

/// Reads a JSON body within the size limit.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<T, ApiError> {
    if body::encoding(request)? != body::Encoding::Json {
        return Err(ApiError::UnsupportedMediaType(
            request
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
        ));
    }
    let bytes = body::read(payload, state.settings.max_body_bytes).await?;
    body::json(&bytes)
}

/// Texts whose language to tell.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectBody {
    /// The text, or a list of texts.
    pub text: TextInput,
}

/// A language with its probability.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateBody {
    /// NLLB code.
    pub code: String,
    /// English name.
    pub name: String,
    /// Probability, 0 to 1.
    pub confidence: f64,
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
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: DetectBody = read_json(&state, &request, payload).await?;
    let texts = body.text.into_vec();
    let chars = service::check_limits(&state, &texts)?;
    admit(&state, bearer_key(&request).as_deref(), chars)?;
    let candidate = |code: LangCode, confidence: f64| CandidateBody {
        code: code.as_str().to_string(),
        name: code.info().name.to_string(),
        confidence,
    };
    let detections = texts
        .iter()
        .map(|text| match Detector::shared().detect(text) {
            Some(d) => DetectionItem {
                language: Some(candidate(d.language, d.confidence)),
                reliable: d.reliable,
                candidates: d
                    .candidates
                    .iter()
                    .map(|c| candidate(c.language, c.confidence))
                    .collect(),
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
pub async fn languages(state: web::Data<AppState>) -> HttpResponse {
    let model = state.default_model();
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
            in_model: model
                .as_ref()
                .map(|m| m.pool.translator().languages().contains(&l.code)),
        })
        .collect();
    HttpResponse::Ok().json(LanguagesResponse { languages })
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
pub async fn models(state: web::Data<AppState>) -> HttpResponse {
    let settings = &state.settings;
    let models = state
        .models
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

/// Health or readiness.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusBody {
    /// `ok`, `ready`, `loading` or `failed`.
    pub status: String,
    /// Why loading failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl StatusBody {
    fn new(status: &str) -> StatusBody {
        StatusBody {
            status: status.to_string(),
            detail: None,
        }
    }
}

/// Whether the process is up (it answers even while the model loads).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up", body = StatusBody)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(StatusBody::new("ok"))
}

/// Whether every model is loaded and requests will be translated.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = StatusBody),
        (status = 503, description = "Loading, or loading failed", body = StatusBody),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let mut pending = false;
    for slot in &state.models {
        match slot.loading() {
            Loading::Ready(_) => {}
            Loading::Pending => pending = true,
            Loading::Failed(detail) => {
                return HttpResponse::ServiceUnavailable().json(StatusBody {
                    status: "failed".into(),
                    detail: Some(format!("{}: {detail}", slot.spec.name)),
                })
            }
        }
    }
    if pending {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(StatusBody::new("loading"))
    } else {
        HttpResponse::Ok().json(StatusBody::new("ready"))
    }
}

/// Prometheus metrics: queue, batches, engine, cache, responses.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let snapshots: Vec<(String, translator::MetricsSnapshot)> = state
        .models
        .iter()
        .filter_map(|slot| match slot.loading() {
            Loading::Ready(model) => Some((model.id.clone(), model.pool.metrics())),
            _ => None,
        })
        .collect();
    let text = super::metrics::render(
        &state.http,
        &snapshots,
        state.models.len(),
        state.started.elapsed().as_secs_f64(),
    );
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text)
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
pub async fn settings(state: web::Data<AppState>) -> HttpResponse {
    let settings = &state.settings;
    HttpResponse::Ok().json(SettingsResponse {
        max_chars: settings.max_chars,
        max_texts: settings.max_texts,
        max_body_bytes: settings.max_body_bytes,
        keys_required: state.keys.is_some(),
        file_formats: super::libre::file_formats(),
    })
}
