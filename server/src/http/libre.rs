//! LibreTranslate's API, so that its clients and plugins work with a URL change: `/translate`,
//! `/detect`, `/languages`, `/frontend/settings`, with its shapes, its two-letter codes (mapped
//! to NLLB codes both ways) and its error shape `{"error": "…"}` (`/translate_file` is in
//! `files`). JSON and form bodies both, since its Python client sends forms.

use actix_web::{web, HttpRequest, HttpResponse};
use langs::{LangCode, SourceChoice};
use serde::{Deserialize, Serialize};
use translator::{Priority, TranslateOptions};
use utoipa::ToSchema;

use super::body::{self, Parsed, TextInput};
use super::error::{LibreError, LibreErrorBody};
use crate::app::memory::{Correction, Matching};
use crate::app::translation::{self, TextFormat, TranslationRequest};
use crate::app::{fields, files, Core, Error};

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
    fn value(&self, field: &str) -> Result<u64, Error> {
        match self {
            Count::Number(n) => Ok(*n),
            Count::Text(t) if t.trim().is_empty() => Ok(0),
            Count::Text(t) => t
                .trim()
                .parse()
                .map_err(|_| Error::InvalidOption(format!("invalid option {field} = {t:?}: a whole number"))),
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
        language: libre_code(language),
    }
}

/// LibreTranslate's spelling of a language: the short code, except Chinese, which it lists by
/// script (`zh-Hans`, `zh-Hant`) since 1.6; its older `zh` and `zt` are still read.
fn libre_code(code: LangCode) -> String {
    match code.as_str() {
        "zho_Hans" => "zh-Hans".to_string(),
        "zho_Hant" => "zh-Hant".to_string(),
        _ => code.short_code(),
    }
}

/// Languages LibreTranslate lists twice, by variant: NLLB has one Portuguese, which serves both.
const LIBRE_VARIANTS: [(&str, &str, &str); 1] = [("por_Latn", "pt-BR", "Portuguese (Brazil)")];

/// The options for `alternatives` extra translations: a beam at least as wide as the list.
fn options_for(alternatives: u64) -> Result<TranslateOptions, Error> {
    let extra = usize::try_from(alternatives).unwrap_or(usize::MAX);
    if extra > translator::MAX_BEAM_SIZE - 1 {
        return Err(Error::InvalidOption(format!(
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
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let (encoding, bytes) = body::with_query(&request, encoding, bytes)?;
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
        return Err(Error::Missing("Invalid request: missing q parameter".to_string()).into());
    }
    if call.target.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(Error::Missing("Invalid request: missing target parameter".to_string()).into());
    }
    let translation = TranslationRequest {
        source: fields::parse_source("source", call.source.as_deref())?,
        target: fields::parse_target("target", call.target.as_deref())?,
        format: TextFormat::parse(call.format.as_deref())?,
        options: options_for(call.alternatives)?,
        model: None,
        priority: Priority::Interactive,
        texts: call.texts,
        owner: core.owner_of(call.api_key.as_deref()),
        matching: Matching::Exact,
        glossary: None,
    };
    let chars = translation::check_limits(&core, &translation.texts)?;
    core.admit(call.api_key.as_deref(), chars)?;
    let auto = translation.source == SourceChoice::Auto;
    let answers = translation::translate(&core, translation).await?;
    let detections: Vec<LibreDetected> = answers
        .iter()
        .map(|a| match &a.detected {
            Some(d) => detected(d.language, d.confidence),
            None => LibreDetected {
                confidence: 0.0,
                language: a.source.map_or("auto".to_string(), libre_code),
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
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let (encoding, bytes) = body::with_query(&request, encoding, bytes)?;
    let call = match body::parse::<LibreDetectBody, LibreDetectBody>(encoding, &bytes)? {
        Parsed::Json(b) | Parsed::Form(b) => b,
    };
    let text = call
        .q
        .filter(|q| !q.is_empty())
        .ok_or_else(|| Error::Missing("Invalid request: missing q parameter".to_string()))?;
    let chars = translation::check_limits(&core, std::slice::from_ref(&text))?;
    core.admit(call.api_key.as_deref(), chars)?;
    let found = translation::detect_texts(vec![text]).await.pop().flatten();
    let candidates: Vec<LibreDetected> = match found {
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
    get, path = "/languages", tag = "libretranslate",
    responses(
        (status = 200, description = "Languages", body = Vec<LibreLanguage>),
        (status = 503, description = "The model is loading", body = LibreErrorBody),
    )
)]
pub async fn languages(core: web::Data<Core>) -> Result<HttpResponse, LibreError> {
    let model = core.models.model(None)?;
    let mut listed: Vec<(String, String)> = Vec::new();
    for &code in model.pool.translator().languages() {
        listed.push((libre_code(code), code.info().name.to_string()));
        for (nllb, variant, name) in LIBRE_VARIANTS {
            if code.as_str() == nllb {
                listed.push((variant.to_string(), name.to_string()));
            }
        }
    }
    let targets: Vec<String> = listed.iter().map(|(code, _)| code.clone()).collect();
    let languages: Vec<LibreLanguage> = listed
        .into_iter()
        .map(|(code, name)| LibreLanguage {
            code,
            name,
            targets: targets.clone(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(languages))
}

/// `POST /suggest`, as JSON or a form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LibreSuggestBody {
    /// The original text.
    #[schema(required = true, nullable = false)]
    pub q: Option<String>,
    /// The suggested translation.
    #[schema(required = true, nullable = false)]
    pub s: Option<String>,
    /// The original text's language code.
    #[schema(required = true, nullable = false)]
    pub source: Option<String>,
    /// The suggestion's language code.
    #[schema(required = true, nullable = false)]
    pub target: Option<String>,
    /// API key, when keys are on.
    pub api_key: Option<String>,
}

/// `POST /suggest`'s answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibreSuggestResponse {
    /// Always true: a refusal is an error.
    pub success: bool,
}

/// Suggest a better translation (LibreTranslate): with `--suggestions`, it goes into the key's
/// translation memory (or waits for a reviewer) and is used from then on, as a correction
/// through `/v1/corrections` is; otherwise 403, as LibreTranslate answers when suggestions are
/// off.
#[utoipa::path(post, path = "/suggest", tag = "libretranslate",
    request_body(content(
        (LibreSuggestBody = "application/json"),
        (LibreSuggestBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Taken", body = LibreSuggestResponse),
        (status = 400, description = "A missing field, an unknown language", body = LibreErrorBody),
        (status = 401, description = "Keys are on and none was given", body = LibreErrorBody),
        (status = 403, description = "Suggestions are disabled, or an invalid API key", body = LibreErrorBody),
        (status = 413, description = "A text over 5,000 characters", body = LibreErrorBody),
        (status = 415, description = "Unsupported content type", body = LibreErrorBody),
        (status = 429, description = "Too many requests", body = LibreErrorBody),
        (status = 503, description = "The model is loading", body = LibreErrorBody),
    ))]
pub async fn suggest(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, LibreError> {
    if !core.settings.suggestions {
        return Err(Error::Disabled("Suggestions are disabled on this server.".to_string()).into());
    }
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let (encoding, bytes) = body::with_query(&request, encoding, bytes)?;
    let call = match body::parse::<LibreSuggestBody, LibreSuggestBody>(encoding, &bytes)? {
        Parsed::Json(call) | Parsed::Form(call) => call,
    };
    let required = |field: &str, value: Option<String>| {
        value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| Error::Missing(format!("Invalid request: missing {field} parameter")))
    };
    let (text, suggestion) = (required("q", call.q)?, required("s", call.s)?);
    let (source, target) = (required("source", call.source)?, required("target", call.target)?);
    let owner = core.owner(call.api_key.as_deref())?;
    let correction = Correction {
        source: fields::parse_target("source", Some(&source))?,
        target: fields::parse_target("target", Some(&target))?,
        text,
        machine: None,
        correction: suggestion,
        memory: None,
    };
    core.add_correction(owner, correction).await?;
    Ok(HttpResponse::Ok().json(LibreSuggestResponse { success: true }))
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
    /// Whether suggestions are accepted (`--suggestions`).
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

/// Settings of the web frontend (LibreTranslate).
#[utoipa::path(get, path = "/frontend/settings", tag = "libretranslate",
    responses((status = 200, description = "Settings", body = FrontendSettings)))]
pub async fn frontend_settings(core: web::Data<Core>) -> HttpResponse {
    let keys = core.keys.is_some();
    HttpResponse::Ok().json(FrontendSettings {
        char_limit: core.settings.max_chars,
        frontend_timeout: 500,
        api_keys: keys,
        key_required: keys,
        suggestions: core.settings.suggestions,
        files_translation: true,
        supported_files_format: files::file_extensions(),
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
