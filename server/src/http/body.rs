//! Request bodies read by hand rather than by actix's extractors, so that every mistake (too
//! large, wrong media type, broken JSON, invalid UTF-8) comes back as an [`ApiError`] in the
//! endpoint's own error shape instead of actix's plain-text default.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut, Payload};
use actix_web::HttpRequest;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::ApiError;

/// How a body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`, or no content type at all (curl's `-d` habit aside, clients that
    /// send none mean JSON).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
}

/// What JSON-or-form endpoints read.
const JSON_OR_FORM: &str = "application/json or application/x-www-form-urlencoded";

/// The request's `Content-Type` for an error message: cut to a readable length, `(none)` when absent.
pub fn content_type(request: &HttpRequest) -> String {
    let value = match request.headers().get(header::CONTENT_TYPE) {
        None => return "(none)".to_string(),
        Some(value) => value.to_str().unwrap_or("(not ASCII)"),
    };
    match value.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// Refuses a body that is not `expected` (what the endpoint reads, for the message).
pub fn unsupported(request: &HttpRequest, expected: &'static str) -> ApiError {
    ApiError::UnsupportedMediaType {
        got: content_type(request),
        expected,
    }
}

/// The body's encoding from its `Content-Type`.
pub fn encoding(request: &HttpRequest) -> Result<Encoding, ApiError> {
    let Some(value) = request.headers().get(header::CONTENT_TYPE) else {
        return Ok(Encoding::Json);
    };
    let value = value.to_str().map_err(|_| unsupported(request, JSON_OR_FORM))?;
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "" => Ok(Encoding::Json),
        "application/x-www-form-urlencoded" => Ok(Encoding::Form),
        "multipart/form-data" => Ok(Encoding::Multipart),
        _ if essence.ends_with("+json") => Ok(Encoding::Json),
        _ => Err(unsupported(request, JSON_OR_FORM)),
    }
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes.
pub async fn read(mut payload: Payload, limit: usize) -> Result<Bytes, ApiError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::InvalidBody(format!("cannot read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses a JSON or form body into `J` or `F`, which the caller then unifies.
pub fn parse<J: DeserializeOwned, F: DeserializeOwned>(
    encoding: Encoding,
    body: &[u8],
) -> Result<Parsed<J, F>, ApiError> {
    match encoding {
        Encoding::Json => Ok(Parsed::Json(json(body)?)),
        Encoding::Form => Ok(Parsed::Form(form(body)?)),
        Encoding::Multipart => Err(ApiError::UnsupportedMediaType {
            got: "multipart/form-data".to_string(),
            expected: JSON_OR_FORM,
        }),
    }
}

/// A body parsed as JSON or as a form.
pub enum Parsed<J, F> {
    /// From JSON.
    Json(J),
    /// From a form.
    Form(F),
}

/// Parses a JSON body.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidBody(
            "the body is empty; send a JSON object".to_string(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidBody(e.to_string()))
}

/// Parses a form body; keys may repeat (`text=a&text=b`).
pub fn form<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    std::str::from_utf8(body).map_err(|e| ApiError::InvalidBody(format!("the form is not UTF-8: {e}")))?;
    check_decoded_utf8(body, "form")?;
    serde_html_form::from_bytes(body).map_err(|e| ApiError::InvalidBody(e.to_string()))
}

/// LibreTranslate reads its fields from the query string and the form together (clients such as
/// `deep-translator` send them in the query string of a POST with no body): a body that is empty
/// becomes the query string read as a form, and a form body gets the query's fields, which win
/// where both have one, as in LibreTranslate. A JSON body is read alone.
pub fn with_query(request: &HttpRequest, encoding: Encoding, body: Bytes) -> Result<(Encoding, Bytes), ApiError> {
    let query = request.query_string();
    if query.is_empty() {
        return Ok((encoding, body));
    }
    check_query_utf8(request)?;
    let empty = body.iter().all(u8::is_ascii_whitespace);
    match encoding {
        Encoding::Json if empty => Ok((Encoding::Form, Bytes::copy_from_slice(query.as_bytes()))),
        Encoding::Form => {
            let key = |field: &[u8]| form_decoded(field.split(|&b| b == b'=').next().unwrap_or_default());
            let fields = |bytes: &[u8]| -> Vec<Vec<u8>> {
                bytes
                    .split(|&b| b == b'&')
                    .filter(|f| !f.is_empty())
                    .map(<[u8]>::to_vec)
                    .collect()
            };
            let from_query = fields(query.as_bytes());
            let query_keys: Vec<Vec<u8>> = from_query.iter().map(|f| key(f)).collect();
            let merged: Vec<Vec<u8>> = from_query
                .into_iter()
                .chain(fields(&body).into_iter().filter(|f| !query_keys.contains(&key(f))))
                .collect();
            Ok((Encoding::Form, Bytes::from(merged.join(&b'&'))))
        }
        _ => Ok((encoding, body)),
    }
}

/// Refuses a query string whose fields are not UTF-8 once percent-decoded.
pub fn check_query_utf8(request: &HttpRequest) -> Result<(), ApiError> {
    check_decoded_utf8(request.query_string().as_bytes(), "query string")
}

/// Refuses form-encoded fields that are not UTF-8 once percent-decoded (`q=%FF`): decoders
/// would make them U+FFFD and the text would be translated, where a JSON body with invalid UTF-8
/// gets a 400.
fn check_decoded_utf8(encoded: &[u8], what: &str) -> Result<(), ApiError> {
    for field in encoded.split(|&b| b == b'&') {
        if std::str::from_utf8(&form_decoded(field)).is_err() {
            return Err(ApiError::InvalidBody(format!(
                "a field of the {what} is not UTF-8 once percent-decoded"
            )));
        }
    }
    Ok(())
}

/// A form-encoded name or value as bytes: `+` is a space, `%XX` a byte.
fn form_decoded(encoded: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = encoded.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
    percent_encoding::percent_decode(&spaced).collect()
}

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

/// Reads a JSON body of at most `limit` bytes, refusing other media types.
pub async fn read_json<T: DeserializeOwned>(
    request: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<T, ApiError> {
    if encoding(request)? != Encoding::Json {
        return Err(unsupported(request, "application/json"));
    }
    let bytes = read(payload, limit).await?;
    json(&bytes)
}

/// One part of a multipart form.
#[derive(Debug)]
pub struct Part {
    /// The field's name.
    pub name: String,
    /// The file name, for a file part.
    pub file_name: Option<String>,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl Part {
    /// Its content as trimmed text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).trim().to_string()
    }
}

/// Reads every part of a multipart form, refusing it as soon as the parts pass `limit` bytes in
/// all: a huge upload is refused at the limit, not after.
pub async fn read_multipart(request: &HttpRequest, payload: Payload, limit: usize) -> Result<Vec<Part>, ApiError> {
    let mut multipart = Multipart::new(request.headers(), payload.into_inner());
    let mut parts = Vec::new();
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
        parts.push(Part { name, file_name, bytes });
    }
    Ok(parts)
}
