//! DeepL's API v2, so that DeepL clients work with `server_url` pointed here: `/v2/translate`,
//! `/v2/languages`, `/v2/usage`, with DeepL's upper-case codes (`EN-GB`, `PT-BR` as targets),
//! its `Authorization: DeepL-Auth-Key` header and its error shape `{"message": "…"}`; the
//! document API is in [`documents`].

pub mod documents;
pub mod glossaries;
pub mod glossaries_v3;

use actix_web::{web, HttpRequest, HttpResponse};
use langs::LangCode;
use serde::{Deserialize, Serialize};
use translator::{Priority, TranslateOptions};
use utoipa::{IntoParams, ToSchema};

use super::auth::deepl_key;
use super::body::{self, Parsed, TextInput};
use super::error::DeeplError;
use crate::app::glossary::GlossaryChoice;
use crate::app::memory::Matching;
use crate::app::translation::{self, TextFormat, TranslationRequest};
use crate::app::{fields, Core, Error};
use translator::html::XmlRules;

/// A flag DeepL clients send as a JSON boolean or, in forms, as `0`/`1`/`true`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)] // Accepted so that clients sending it are not refused; its value changes nothing.
#[serde(untagged)]
pub enum Flag {
    /// As a boolean.
    Bool(bool),
    /// As text.
    Text(String),
}

/// `POST /v2/translate` as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // The ignored fields are parsed only to be documented and type-checked.
pub struct DeeplTranslateBody {
    /// Texts to translate.
    #[schema(required = true, nullable = false)]
    pub text: Option<TextInput>,
    /// Source language (`EN`, `DE`, …); detected when absent.
    pub source_lang: Option<String>,
    /// Target language (`DE`, `EN-GB`, `PT-BR`, …).
    #[schema(required = true, nullable = false, min_length = 1)]
    pub target_lang: Option<String>,
    /// `html` to translate HTML, or `xml` to translate XML, keeping tags (docs/glossaries.md).
    pub tag_handling: Option<String>,
    /// `0`, `1` or `nonewlines`; checked, then sentences are split as Tolk always does.
    #[schema(value_type = Option<String>)]
    pub split_sentences: Option<serde_json::Value>,
    /// Accepted and ignored: formatting is always preserved.
    pub preserve_formatting: Option<Flag>,
    /// NLLB has no formality control: `default` and the `prefer_` values fall back, `more` and
    /// `less` are refused as DeepL refuses them for a target without formality.
    pub formality: Option<String>,
    /// Accepted; billed characters are always reported.
    pub show_billed_characters: Option<Flag>,
    /// Accepted and ignored.
    pub context: Option<String>,
    /// `quality_optimized` (beam 4, the default), `prefer_quality_optimized`, or
    /// `latency_optimized` (greedy decoding); answered in `model_type_used`.
    pub model_type: Option<String>,
    /// A glossary of the key's (`/v2/glossaries`) whose terms the translation keeps; needs `source_lang`.
    pub glossary_id: Option<String>,
    /// With `tag_handling=xml`: elements kept as they are, content and all (a list, or names
    /// separated by commas).
    #[schema(value_type = Option<Vec<String>>)]
    pub ignore_tags: Option<serde_json::Value>,
    /// With `tag_handling=xml`: elements that never end a sentence.
    #[schema(value_type = Option<Vec<String>>)]
    pub non_splitting_tags: Option<serde_json::Value>,
    /// With `tag_handling=xml`: elements that always end a sentence.
    #[schema(value_type = Option<Vec<String>>)]
    pub splitting_tags: Option<serde_json::Value>,
    /// With `tag_handling=xml`: `0` (or false) reads only the tag lists; by default an element in
    /// no list ends sentences unless HTML knows it as inline (`b`, `i`, `span`, …).
    #[schema(value_type = Option<String>)]
    pub outline_detection: Option<serde_json::Value>,
}

/// `POST /v2/translate` as a form; `text` repeats.
#[derive(Debug, Deserialize)]
struct DeeplTranslateForm {
    #[serde(default)]
    text: Vec<String>,
    source_lang: Option<String>,
    target_lang: Option<String>,
    tag_handling: Option<String>,
    split_sentences: Option<String>,
    formality: Option<String>,
    model_type: Option<String>,
    glossary_id: Option<String>,
    auth_key: Option<String>,
    ignore_tags: Option<String>,
    non_splitting_tags: Option<String>,
    splitting_tags: Option<String>,
    outline_detection: Option<String>,
}

/// The fields of a `/v2/translate` call that change what Tolk does, whichever encoding they came in.
struct DeeplCall {
    texts: Vec<String>,
    source: Option<String>,
    target: Option<String>,
    tags: Option<String>,
    split_sentences: Option<String>,
    formality: Option<String>,
    model_type: Option<String>,
    glossary_id: Option<String>,
    key: Option<String>,
    xml: XmlFields,
}

/// The tag lists of `tag_handling=xml`, as sent.
#[derive(Default)]
struct XmlFields {
    ignore: Option<serde_json::Value>,
    non_splitting: Option<serde_json::Value>,
    splitting: Option<serde_json::Value>,
    outline_detection: Option<serde_json::Value>,
}

impl XmlFields {
    /// The XML reading rules; a list may be a JSON array or names separated by commas.
    fn rules(self) -> Result<XmlRules, Error> {
        fn names(field: &str, value: Option<serde_json::Value>) -> Result<Vec<String>, Error> {
            let items: Vec<String> = match value {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::String(text)) => text.split(',').map(str::to_string).collect(),
                Some(serde_json::Value::Array(items)) => items
                    .into_iter()
                    .map(|item| match item {
                        serde_json::Value::String(text) => Ok(text),
                        _ => Err(Error::InvalidOption(format!(
                            "Value for '{field}' not supported: a list of tag names"
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(Error::InvalidOption(format!(
                        "Value for '{field}' not supported: a list of tag names"
                    )))
                }
            };
            Ok(items
                .iter()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect())
        }
        let outline_detection = match as_text(self.outline_detection).as_deref().map(str::trim) {
            None | Some("" | "1" | "true") => true,
            Some("0" | "false") => false,
            Some(_) => {
                return Err(Error::InvalidOption(
                    "Value for 'outline_detection' not supported: 0 or 1".to_string(),
                ))
            }
        };
        Ok(XmlRules {
            splitting: names("splitting_tags", self.splitting)?,
            non_splitting: names("non_splitting_tags", self.non_splitting)?,
            ignore: names("ignore_tags", self.ignore)?,
            outline_detection,
        })
    }
}

/// DeepL's `model_type`: which of its models to use. Tolk has one model; the latency-optimised
/// choice decodes greedily (beam 1), which is what makes a model answer sooner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelType {
    Quality,
    Latency,
}

impl ModelType {
    /// Reads `model_type`; `None` when absent.
    fn parse(value: Option<&str>) -> Result<Option<ModelType>, Error> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some("quality_optimized" | "prefer_quality_optimized") => Ok(Some(ModelType::Quality)),
            Some("latency_optimized") => Ok(Some(ModelType::Latency)),
            Some(_) => Err(Error::InvalidOption(
                "Value for 'model_type' not supported.".to_string(),
            )),
        }
    }

    /// How it is answered in `model_type_used`.
    fn name(self) -> &'static str {
        match self {
            ModelType::Quality => "quality_optimized",
            ModelType::Latency => "latency_optimized",
        }
    }

    fn options(self) -> TranslateOptions {
        match self {
            ModelType::Quality => TranslateOptions::default(),
            ModelType::Latency => TranslateOptions {
                beam_size: 1,
                ..TranslateOptions::default()
            },
        }
    }
}

/// Checks `split_sentences` (`0`, `1`, `nonewlines`). Tolk splits sentences itself whatever it
/// says, so a valid value changes nothing, but an invalid one is refused as DeepL refuses it.
fn check_split_sentences(value: Option<&str>) -> Result<(), Error> {
    match value.map(str::trim) {
        None | Some("0" | "1" | "nonewlines") => Ok(()),
        Some(_) => Err(Error::InvalidOption(
            "Value for 'split_sentences' not supported.".to_string(),
        )),
    }
}

/// Checks `formality` as DeepL does for a target without formality (every NLLB target): the
/// `prefer_` values and `default` fall back silently, `more` and `less` are refused.
fn check_formality(value: Option<&str>, target: Option<&str>) -> Result<(), Error> {
    match value.map(str::trim) {
        None | Some("" | "default" | "prefer_more" | "prefer_less") => Ok(()),
        Some("more" | "less") => Err(Error::InvalidOption(format!(
            "Target language '{}' doesn't support formality.",
            target.unwrap_or_default().trim().to_ascii_uppercase()
        ))),
        Some(_) => Err(Error::InvalidOption("Value for 'formality' not supported.".to_string())),
    }
}

/// A JSON value DeepL takes as a string or a number (`split_sentences: 0`), as text.
fn as_text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// One translation, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplTranslation {
    /// The source language, upper case (`EN`).
    pub detected_source_language: String,
    /// The translation.
    pub text: String,
    /// Characters billed for this text (its length).
    pub billed_characters: usize,
    /// When `model_type` was sent: `quality_optimized` or `latency_optimized`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_type_used: Option<&'static str>,
}

/// `POST /v2/translate`'s answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplTranslateResponse {
    /// One per text, in order.
    pub translations: Vec<DeeplTranslation>,
}

/// DeepL's error shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplErrorBody {
    /// What went wrong.
    pub message: String,
}

/// DeepL's spelling of a language: the short code in upper case.
fn deepl_code(code: LangCode) -> String {
    code.short_code().to_ascii_uppercase()
}

/// Translate texts (DeepL v2).
#[utoipa::path(
    post, path = "/v2/translate", tag = "deepl",
    request_body(content(
        (DeeplTranslateBody = "application/json"),
        (DeeplTranslateBody = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Translations", body = DeeplTranslateResponse),
        (status = 400, description = "Bad request", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 404, description = "No such glossary (glossary_id)", body = DeeplErrorBody),
        (status = 413, description = "Over a limit", body = DeeplErrorBody),
        (status = 415, description = "Unsupported content type", body = DeeplErrorBody),
        (status = 429, description = "Too many requests", body = DeeplErrorBody),
        (status = 456, description = "Character quota used up", body = DeeplErrorBody),
        (status = 503, description = "Busy or loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn translate(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    let encoding = body::encoding(&request)?;
    let bytes = body::read(payload, core.settings.max_body_bytes).await?;
    let call = match body::parse::<DeeplTranslateBody, DeeplTranslateForm>(encoding, &bytes)? {
        Parsed::Json(b) => DeeplCall {
            texts: b.text.map(TextInput::into_vec).unwrap_or_default(),
            source: b.source_lang,
            target: b.target_lang,
            tags: b.tag_handling,
            split_sentences: as_text(b.split_sentences),
            formality: b.formality,
            model_type: b.model_type,
            glossary_id: b.glossary_id,
            key: None,
            xml: XmlFields {
                ignore: b.ignore_tags,
                non_splitting: b.non_splitting_tags,
                splitting: b.splitting_tags,
                outline_detection: b.outline_detection,
            },
        },
        Parsed::Form(f) => DeeplCall {
            texts: f.text,
            source: f.source_lang,
            target: f.target_lang,
            tags: f.tag_handling,
            split_sentences: f.split_sentences,
            formality: f.formality,
            model_type: f.model_type,
            glossary_id: f.glossary_id,
            key: f.auth_key,
            xml: XmlFields {
                ignore: f.ignore_tags.map(serde_json::Value::String),
                non_splitting: f.non_splitting_tags.map(serde_json::Value::String),
                splitting: f.splitting_tags.map(serde_json::Value::String),
                outline_detection: f.outline_detection.map(serde_json::Value::String),
            },
        },
    };
    if call.texts.is_empty() {
        return Err(Error::Missing("Parameter 'text' not specified.".to_string()).into());
    }
    if call.target.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(Error::Missing("Parameter 'target_lang' not specified.".to_string()).into());
    }
    check_split_sentences(call.split_sentences.as_deref())?;
    check_formality(call.formality.as_deref(), call.target.as_deref())?;
    let model_type = ModelType::parse(call.model_type.as_deref())?;
    let format = match call.tags.as_deref().map(str::trim) {
        None | Some("") => TextFormat::Text,
        Some(t) if t.eq_ignore_ascii_case("html") => TextFormat::Html,
        Some(t) if t.eq_ignore_ascii_case("xml") => TextFormat::Xml(call.xml.rules()?),
        Some(other) => {
            return Err(Error::InvalidOption(format!(
                "Value for 'tag_handling' not supported: {other:?} (html and xml are)"
            ))
            .into())
        }
    };
    let translation = TranslationRequest {
        source: fields::parse_source("source_lang", call.source.as_deref())?,
        target: fields::parse_target("target_lang", call.target.as_deref())?,
        format,
        options: model_type.map_or_else(TranslateOptions::default, ModelType::options),
        model: None,
        priority: Priority::Interactive,
        texts: call.texts,
        owner: None,
        matching: Matching::Exact,
        glossary: call
            .glossary_id
            .filter(|id| !id.trim().is_empty())
            .map(|id| GlossaryChoice::Stored(id.trim().to_string())),
    };
    let lengths: Vec<usize> = translation.texts.iter().map(|t| t.chars().count()).collect();
    let chars = translation::check_limits(&core, &translation.texts)?;
    let key = deepl_key(&request, call.key);
    core.admit(key.as_deref(), chars)?;
    let translation = TranslationRequest {
        owner: core.owner_of(key.as_deref()),
        ..translation
    };
    let target = translation.target;
    let answers = translation::translate(&core, translation).await?;
    let translations = answers
        .into_iter()
        .zip(lengths)
        .map(|(a, billed_characters)| DeeplTranslation {
            // A text with no letters has no source language; DeepL always names one.
            detected_source_language: deepl_code(a.source.unwrap_or(target)),
            text: a.text,
            billed_characters,
            model_type_used: model_type.map(ModelType::name),
        })
        .collect();
    Ok(HttpResponse::Ok().json(DeeplTranslateResponse { translations }))
}

/// Which languages `/v2/languages` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LanguageType {
    /// Languages to translate from.
    Source,
    /// Languages to translate into.
    Target,
}

/// `GET /v2/languages` query (DeepL's client sends it as a form body instead, also read).
#[derive(Debug, Deserialize, IntoParams)]
pub struct LanguagesQuery {
    /// `source` (default) or `target`.
    #[serde(rename = "type")]
    pub kind: Option<LanguageType>,
}

/// A language, DeepL style.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplLanguage {
    /// Upper-case code (`EN`, `EN-GB`, `QU`).
    pub language: String,
    /// English name.
    pub name: String,
    /// Targets only: whether formality can be chosen (never here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supports_formality: Option<bool>,
}

/// Source or target languages (DeepL v2).
#[utoipa::path(
    method(get, post), path = "/v2/languages", tag = "deepl",
    params(LanguagesQuery),
    responses(
        (status = 200, description = "Languages", body = Vec<DeeplLanguage>),
        (status = 400, description = "Unknown type", body = DeeplErrorBody),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
        (status = 503, description = "The model is loading", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn languages(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, DeeplError> {
    check_key(&core, &request)?;
    body::check_query_utf8(&request)?;
    let query: LanguagesQuery = serde_html_form::from_str(request.query_string())
        .map_err(|e| Error::InvalidOption(format!("Value for 'type' not supported: {e}")))?;
    // DeepL's Python client sends `type=target` as a form body, even on GET.
    let kind = match query.kind {
        Some(kind) => Some(kind),
        None if body::encoding(&request)? == body::Encoding::Form => {
            let bytes = body::read(payload, 4096).await?;
            body::form::<LanguagesQuery>(&bytes)
                .map_err(|_| Error::InvalidOption("Value for 'type' not supported (source or target)".to_string()))?
                .kind
        }
        None => None,
    };
    let target = kind == Some(LanguageType::Target);
    let model = core.models.model(None)?;
    let mut languages = Vec::new();
    for &code in model.pool.translator().languages() {
        let name = code.info().name;
        // DeepL clients refuse bare `EN` and `PT` as targets, and DeepL lists Chinese targets
        // by script.
        let variants: &[(&str, &str)] = match (target, code.as_str()) {
            (true, "eng_Latn") => &[("EN-GB", "English (British)"), ("EN-US", "English (American)")],
            (true, "por_Latn") => &[("PT-PT", "Portuguese (European)"), ("PT-BR", "Portuguese (Brazilian)")],
            (true, "zho_Hans") => &[("ZH-HANS", "Chinese (simplified)")],
            (true, "zho_Hant") => &[("ZH-HANT", "Chinese (traditional)")],
            _ => &[],
        };
        if variants.is_empty() {
            languages.push(DeeplLanguage {
                language: deepl_code(code),
                name: name.to_string(),
                supports_formality: target.then_some(false),
            });
        }
        for (language, name) in variants {
            languages.push(DeeplLanguage {
                language: language.to_string(),
                name: name.to_string(),
                supports_formality: Some(false),
            });
        }
    }
    Ok(HttpResponse::Ok().json(languages))
}

/// Characters used (DeepL v2).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeeplUsage {
    /// Characters translated today with this key (0 when keys are off).
    pub character_count: u64,
    /// The daily limit; a very large number when there is none.
    pub character_limit: u64,
}

/// What "no limit" reads as: DeepL clients divide by the limit and compare with it.
const NO_LIMIT: u64 = 1_000_000_000_000;

/// Characters used and the limit (DeepL v2).
#[utoipa::path(
    method(get, post), path = "/v2/usage", tag = "deepl",
    responses(
        (status = 200, description = "Usage", body = DeeplUsage),
        (status = 403, description = "Missing or invalid key", body = DeeplErrorBody),
    ),
    security((), ("deepl_auth_key" = []))
)]
pub async fn usage(core: web::Data<Core>, request: HttpRequest) -> Result<HttpResponse, DeeplError> {
    let usage = match &core.keys {
        Some(keys) => {
            let used = keys.usage(deepl_key(&request, None).as_deref())?;
            DeeplUsage {
                character_count: used.chars_today,
                character_limit: if used.chars_per_day == 0 {
                    NO_LIMIT
                } else {
                    used.chars_per_day
                },
            }
        }
        None => DeeplUsage {
            character_count: 0,
            character_limit: NO_LIMIT,
        },
    };
    Ok(HttpResponse::Ok().json(usage))
}

fn check_key(core: &Core, request: &HttpRequest) -> Result<(), Error> {
    match &core.keys {
        Some(keys) => keys.usage(deepl_key(request, None).as_deref()).map(|_| ()),
        None => Ok(()),
    }
}
