//! Where each API shape carries its key. Whether a key is admitted is the application's business
//! ([`Core::admit`](crate::app::Core::admit)); this only finds the key in the request.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::app::{Core, Error};

/// The key of a Tolk API request: `Authorization: Bearer KEY` or `X-API-Key: KEY`.
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

/// The key of a DeepL request: the `DeepL-Auth-Key` header, or the legacy `auth_key` field.
pub fn deepl_key(request: &HttpRequest, field: Option<String>) -> Option<String> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("DeepL-Auth-Key "))
        .map(|k| k.trim().to_string())
        .or(field)
}

/// Checks a Tolk API request's key and names the owner of what it stores and reads (jobs,
/// memories): with keys on, each key sees only its own, by the key's digest, never the key
/// itself; with keys off there is no owner.
pub fn owner(core: &Core, request: &HttpRequest) -> Result<Option<String>, Error> {
    core.owner(bearer_key(request).as_deref())
}
