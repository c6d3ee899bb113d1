//! LibreTranslate's API, so that its clients and plugins work with a URL change: `/translate`,
//! `/detect`, `/languages`, `/translate_file`, `/frontend/settings`, with its shapes, its
//! two-letter codes (mapped to NLLB codes both ways) and its error shape `{"error": "…"}`.
//! JSON and form bodies both, since its Python client sends forms.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use langs::{Detector, LangCode};
use serde::{Deserialize, Serialize};
use translator::documents::{Document, Format as DocumentFormat, Limits};
use translator::{Priority, TranslateOptions};
use utoipa::{IntoParams, ToSchema};

use super::body::{self, Encoding, Parsed};
use super::error::{ApiError, LibreError};
use super::files::StoredFile;
use super::service::{self, Format, SourceChoice, TranslationRequest};
use super::state::AppState;
use super::v1::TextInput;
use crate::documents::{translate_document, DocumentFailure};

/// A number a client may send as a JSON number or a string (forms only have strings).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Count {
    /// As a number.
    Number(u64),
    /// As text.
    Text(String),
}

impl Count {
    fn value(&self, field: &str) -> Result<u64, ApiError> {
        match self {
            Count::Number(n) => Ok(*n),
            Count::Text(t) if t.trim().is_empty() => Ok(0),
            Count::Text(t) => t
                .trim()
                .parse()
                .map_err(|_| ApiError::InvalidOption(format!("invalid option {field} = {t:?}: a whole number"))),
        }
    }
}

/// `POST /translate` as JSON.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LibreTranslateBody {
    /// The text, or a list of texts.
    #[schema(required = true, nullable = false)]
    pub q: Option<TextInput>,
    /// Source language code, or `auto`.
    pub source: Option<String>,
    /// Target language code.
    #[schema(required = true, nullable = false, min_length = 1)]
    pub target: Option<String>,
    /// `text` or `html`.
    pub format: Option<String>,
    /// How many alternative translations to add (0 to 15).
    pub alternatives: Option<Count>,
    /// API key, when keys are on.
    pub api_key: Option<String>,
}

/// `POST /translate` as a form; `q` may repeat.
#[derive(Debug, Deserialize)]
struct LibreTranslateForm {
    #[serde(default)]
    q: Vec<String>,
    source: Option<String>,
    target: Option<String>,
    format: Option<String>,
    alternatives: Option<String>,
    api_key: Option<String>,
}

/// A detected language, LibreTranslate style.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LibreDetected {
    /// Confidence, 0 to 100.
    pub confidence: f64,
    /// Short code, e.g. `en`.
    pub language: String,
}

/// `POST /translate`'s answer: strings for one `q`, lists for a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum LibreTranslateResponse {
    /// For one text.
    One {
        /// The translation.
        #[serde(rename = "translatedText")]
        translated_text: String,
        /// When the source was `auto`.
        #[serde(rename = "detectedLanguage", skip_serializing_if = "Option::is_none")]
        detected_language: Option<LibreDetected>,
        /// When alternatives were asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        alternatives: Option<Vec<String>>,
    },
    /// For a list.
    Many {
        /// The translations.
        #[serde(rename = "translatedText")]
        translated_text: Vec<String>,
        /// When the source was `auto`.
        #[serde(rename = "detectedLanguage", skip_serializing_if = "Option::is_none")]
        detected_language: Option<Vec<LibreDetected>>,
        /// When alternatives were asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        alternatives: Option<Vec<Vec<String>>>,
    },
}

/// What a `/translate` call asks, whichever encoding it came in.
struct LibreCall {
    texts: Vec<String>,
    many: bool,
    source: Option<String>,
    target: Option<String>,
    format: Option<String>,
    alternatives: u64,
    api_key: Option<String>,
}

fn detected(language: LangCode, confidence: f64) -> LibreDetected {
    LibreDetected {
        // LibreTranslate reports percentages with at most two decimals.
        confidence: (confidence * 10_000.0).round() / 100.0,
        language: language.short_code(),
    }
}

/// The options for `alternatives` extra translations: a beam at least as wide as the list.
fn options_for(alternatives: u64) -> Result<TranslateOptions, ApiError> {
    let extra = usize::try_from(alternatives).unwrap_or(usize::MAX);
    if extra > translator::MAX_BEAM_SIZE - 1 {
        return Err(ApiError::InvalidOption(format!(
            "invalid option alternatives = {alternatives}: 0 to {}",
            translator::MAX_BEAM_SIZE - 1
        )));
    }
    let defaults = TranslateOptions::default();
    Ok(TranslateOptions {
        beam_size: defaults.beam_size.max(extra + 1),
        alternatives: extra + 1,
        ..defaults
    })
}

/// Translate text (LibreTranslate).
#[utoipa::path(
    post, path = "/translate", tag = "libretranslate",
    request_body(content(
        (LibreTranslateBody = "application/json"),
        (LibreTranslateBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Translation", body = LibreTranslateResponse),
        (status = 400, description = "Invalid request", body = LibreErrorBody),
        (status = 401, description = "Keys are on and none was given", body = LibreErrorBody),
        (status = 403, description = "Invalid API key", body = LibreErrorBody),
        (status = 413, description = "Over a limit", body = LibreErrorBody),
        (status = 415, description = "Unsupported content type", body = LibreErrorBody),
        (status = 429, description = "Too many requests", body = LibreErrorBody),
        (status = 503, description = "Busy or loading", body = LibreErrorBody),
    )
)]
pub async fn translate(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, state.settings.max_body_bytes).await?;
    let call = match body::parse::<LibreTranslateBody, LibreTranslateForm>(encoding, &bytes)? {
        Parsed::Json(b) => {
            let many = matches!(b.q, Some(TextInput::Many(_)));
            LibreCall {
                texts: b.q.map(TextInput::into_vec).unwrap_or_default(),
                many,
                source: b.source,
                target: b.target,
                format: b.format,
                alternatives: b
                    .alternatives
                    .map(|a| a.value("alternatives"))
                    .transpose()?
                    .unwrap_or(0),
                api_key: b.api_key,
            }
        }
        Parsed::Form(f) => LibreCall {
            many: f.q.len() > 1,
            texts: f.q,
            source: f.source,
            target: f.target,
            format: f.format,
            alternatives: f
                .alternatives
                .map(|a| Count::Text(a).value("alternatives"))
                .transpose()?
                .unwrap_or(0),
            api_key: f.api_key,
        },
    };
    if call.texts.is_empty() {
        return Err(ApiError::Missing("Invalid request: missing q parameter".to_string()).into());
    }
    let translation = TranslationRequest {
        source: service::parse_source("source", call.source.as_deref())?,
        target: service::parse_target("target", call.target.as_deref())?,
        format: Format::parse(call.format.as_deref())?,
        options: options_for(call.alternatives)?,
        model: None,
        priority: Priority::Interactive,
        texts: call.texts,
    };
    let chars = service::check_limits(&state, &translation.texts)?;
    admit(&state, call.api_key.as_deref(), chars)?;
    let auto = translation.source == service::SourceChoice::Auto;
    let answers = service::translate(&state, translation).await?;
    let detections: Vec<LibreDetected> = answers
        .iter()
        .map(|a| match a.detected {
            Some(d) => detected(d.language, d.confidence),
            None => LibreDetected {
                confidence: 0.0,
                language: a.source.map_or("auto".to_string(), |s| s.short_code()),
            },
        })
        .collect();
    let wants_alternatives = call.alternatives > 0;
    let response = if call.many {
        LibreTranslateResponse::Many {
            alternatives: wants_alternatives.then(|| answers.iter().map(|a| a.alternatives.clone()).collect()),
            translated_text: answers.into_iter().map(|a| a.text).collect(),
            detected_language: auto.then_some(detections),
        }
    } else {
        let answer = answers.into_iter().next().unwrap_or_default();
        LibreTranslateResponse::One {
            translated_text: answer.text,
            detected_language: if auto { detections.into_iter().next() } else { None },
            alternatives: wants_alternatives.then_some(answer.alternatives),
        }
    };
    Ok(HttpResponse::Ok().json(response))
}

/// LibreTranslate's error shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibreErrorBody {
    /// What went wrong.
    pub error: String,
}

fn admit(state: &AppState, key: Option<&str>, chars: usize) -> Result<(), ApiError> {
    super::v1::admit(state, key, chars)
}

/// `POST /detect`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LibreDetectBody {
    /// The text.
    #[schema(required = true, nullable = false, min_length = 1)]
    pub q: Option<String>,
    /// API key, when keys are on.
    pub api_key: Option<String>,
}

/// Detect the language of a text (LibreTranslate): candidates, most likely first.
#[utoipa::path(
    post, path = "/detect", tag = "libretranslate",
    request_body(content(
        (LibreDetectBody = "application/json"),
        (LibreDetectBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Candidates, most likely first", body = Vec<LibreDetected>),
        (status = 400, description = "Invalid request", body = LibreErrorBody),
        (status = 401, description = "Keys are on and none was given", body = LibreErrorBody),
        (status = 403, description = "Invalid API key", body = LibreErrorBody),
        (status = 413, description = "Over a limit", body = LibreErrorBody),
        (status = 415, description = "Unsupported content type", body = LibreErrorBody),
        (status = 429, description = "Too many requests", body = LibreErrorBody),
    )
)]
pub async fn detect(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, state.settings.max_body_bytes).await?;
    let call = match body::parse::<LibreDetectBody, LibreDetectBody>(encoding, &bytes)? {
        Parsed::Json(b) | Parsed::Form(b) => b,
    };
    let text = call
        .q
        .filter(|q| !q.is_empty())
        .ok_or_else(|| ApiError::Missing("Invalid request: missing q parameter".to_string()))?;
    let chars = service::check_limits(&state, std::slice::from_ref(&text))?;
    admit(&state, call.api_key.as_deref(), chars)?;
    let candidates: Vec<LibreDetected> = match Detector::shared().detect(&text) {
        Some(d) => d
            .candidates
            .iter()
            .map(|c| detected(c.language, c.confidence))
            .collect(),
        None => Vec::new(),
    };
    Ok(HttpResponse::Ok().json(candidates))
}

/// A language, LibreTranslate style.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibreLanguage {
    /// Short code, e.g. `en`, `qu`, `ast`.
    pub code: String,
    /// English name.
    pub name: String,
    /// The codes it can be translated into.
    pub targets: Vec<String>,
}

/// The languages the model translates (LibreTranslate).
#[utoipa::path(
    method(get, post), path = "/languages", tag = "libretranslate",
    responses(
        (status = 200, description = "Languages", body = Vec<LibreLanguage>),
        (status = 503, description = "The model is loading", body = LibreErrorBody),
    )
)]
pub async fn languages(state: web::Data<AppState>) -> Result<HttpResponse, LibreError> {
    let model = state.model(None)?;
    let codes = model.pool.translator().languages();
    let targets: Vec<String> = codes.iter().map(|c| c.short_code()).collect();
    let languages: Vec<LibreLanguage> = codes
        .iter()
        .map(|c| LibreLanguage {
            code: c.short_code(),
            name: c.info().name.to_string(),
            targets: targets.clone(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(languages))
}

/// The web frontend's settings (LibreTranslate).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FrontendSettings {
    /// Most characters per request.
    pub char_limit: usize,
    /// Milliseconds the frontend waits after typing before translating.
    pub frontend_timeout: u64,
    /// Whether API keys are on.
    pub api_keys: bool,
    /// Whether a key is required.
    pub key_required: bool,
    /// Whether suggestions are accepted (never here).
    pub suggestions: bool,
    /// Whether files can be translated.
    pub files_translation: bool,
    /// File extensions accepted by `/translate_file`.
    pub supported_files_format: Vec<String>,
    /// Default languages of the frontend.
    pub language: FrontendLanguages,
}

/// Default languages of the frontend.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrontendLanguages {
    /// Source default.
    pub source: FrontendLanguage,
    /// Target default.
    pub target: FrontendLanguage,
}

/// A default language.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrontendLanguage {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Extensions `/translate_file` reads, with their dot.
pub fn file_formats() -> Vec<String> {
    DocumentFormat::ALL
        .iter()
        .flat_map(|f| f.extensions())
        .map(|e| format!(".{e}"))
        .collect()
}

/// The media type a translated file is served with.
fn media_type(format: DocumentFormat) -> &'static str {
    match format.extensions()[0] {
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "srt" => "application/x-subrip; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "json" => "application/json",
        "po" => "text/x-gettext-translation; charset=utf-8",
        "xliff" | "xlf" => "application/xliff+xml",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "epub" => "application/epub+zip",
        _ => "application/octet-stream",
    }
}

/// Settings of the web frontend (LibreTranslate).
#[utoipa::path(get, path = "/frontend/settings", tag = "libretranslate",
    responses((status = 200, description = "Settings", body = FrontendSettings)))]
pub async fn frontend_settings(state: web::Data<AppState>) -> HttpResponse {
    let keys = state.keys.is_some();
    HttpResponse::Ok().json(FrontendSettings {
        char_limit: state.settings.max_chars,
        frontend_timeout: 500,
        api_keys: keys,
        key_required: keys,
        suggestions: false,
        files_translation: true,
        supported_files_format: file_formats(),
        language: FrontendLanguages {
            source: FrontendLanguage {
                code: "auto".into(),
                name: "Auto Detect".into(),
            },
            target: FrontendLanguage {
                code: "en".into(),
                name: "English".into(),
            },
        },
    })
}

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
    /// The file: `.txt`, `.md`, `.html` or `.htm`, UTF-8.
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
        (status = 415, description = "Not multipart", body = LibreErrorBody),
        (status = 429, description = "Too many requests", body = LibreErrorBody),
        (status = 503, description = "Busy or loading", body = LibreErrorBody),
    )
)]
pub async fn translate_file(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    if body::encoding(&request)? != Encoding::Multipart {
        return Err(ApiError::UnsupportedMediaType("send the file as multipart/form-data".to_string()).into());
    }
    let form = read_multipart(&state, &request, payload).await?;
    let (name, bytes) = form
        .file
        .ok_or_else(|| ApiError::Missing("Invalid request: missing file parameter".to_string()))?;
    let Some(format) = DocumentFormat::from_path(std::path::Path::new(&name)) else {
        return Err(ApiError::UnsupportedFile(format!(
            "cannot translate {name:?}: supported formats are {}",
            file_formats().join(", ")
        ))
        .into());
    };
    let document = Document::parse(format, &bytes, &Limits::default())
        .map_err(|e| ApiError::UnsupportedFile(format!("cannot translate {name:?}: {e}")))?;
    drop(bytes);
    let source = match service::parse_source("source", form.source.as_deref())? {
        SourceChoice::Auto => None,
        SourceChoice::Given(code) => Some(code),
    };
    let target = service::parse_target("target", form.target.as_deref())?;
    let texts: Vec<String> = document.units().iter().map(|u| u.text.clone()).collect();
    let chars = service::check_limits(&state, &texts)?;
    admit(&state, form.api_key.as_deref(), chars)?;
    let model = state.model(None)?;
    let options = TranslateOptions::default();
    let translating = translate_document(&model.pool, &document, source, target, &options, Priority::Bulk);
    let translated = tokio::time::timeout_at(service::deadline(&state).into(), translating)
        .await
        .map_err(|_| ApiError::Timeout)?
        .map_err(|failure| match failure {
            DocumentFailure::Pool(e) => ApiError::from(e),
            DocumentFailure::Document(e) => ApiError::UnsupportedFile(format!("cannot translate {name:?}: {e}")),
        })?;
    tracing::info!(
        format = ?format,
        source = translated.source.map_or("none", |s| s.language.as_str()),
        target = %target,
        chars = translated.chars,
        "translated file"
    );
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name.as_str(), format.extensions()[0]));
    let file_name = sanitize(&format!(
        "{stem}.{}.{}",
        target.short_code(),
        extension.to_ascii_lowercase()
    ));
    let id = state.files.put(StoredFile {
        name: file_name.clone(),
        content_type: media_type(format),
        bytes: translated.bytes,
    });
    let host = request.connection_info().host().to_string();
    let scheme = request.connection_info().scheme().to_string();
    Ok(HttpResponse::Ok().json(TranslatedFileBody {
        translated_file_url: format!("{scheme}://{host}/download_file/{id}/{file_name}"),
    }))
}

/// A file name safe in a URL path and a `Content-Disposition` header.
fn sanitize(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.trim_matches('.').is_empty() {
        "translation.txt".to_string()
    } else {
        clean
    }
}

/// The fields of a `/translate_file` form.
#[derive(Default)]
struct FileForm {
    file: Option<(String, Vec<u8>)>,
    source: Option<String>,
    target: Option<String>,
    api_key: Option<String>,
}

async fn read_multipart(state: &AppState, request: &HttpRequest, payload: web::Payload) -> Result<FileForm, ApiError> {
    let limit = state.settings.max_body_bytes;
    let mut multipart = Multipart::new(request.headers(), payload.into_inner());
    let mut form = FileForm::default();
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| ApiError::InvalidBody(format!("broken multipart body: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::InvalidBody(format!("broken multipart body: {e}")))?;
            total += chunk.len();
            if total > limit {
                return Err(ApiError::BodyTooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "file" => form.file = Some((file_name.unwrap_or_else(|| "file.txt".to_string()), bytes)),
            "source" => form.source = Some(text()),
            "target" => form.target = Some(text()),
            "api_key" => form.api_key = Some(text()),
            _ => {}
        }
    }
    Ok(form)
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
pub async fn download_file(
    state: web::Data<AppState>,
    path: web::Path<DownloadPath>,
) -> Result<HttpResponse, LibreError> {
    let file = state
        .files
        .get(&path.id)
        .filter(|file| file.name == path.name)
        .ok_or_else(|| ApiError::NotFound(format!("file {}/{}", path.id, path.name)))?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.name),
        ))
        .body(file.bytes))
}
