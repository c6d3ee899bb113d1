//! The one place where failures become HTTP responses. Every failure has a [`Code`]; the code's row
//! in [`Code::row`] gives its stable name and its status. Bodies come in Tolk's shape
//! `{"error": {"code", "message"}}`, or in LibreTranslate's or DeepL's shape on their endpoints so
//! that their clients read them.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Error;

/// Every error code the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The body (or query, or multipart form, or an upload) cannot be read.
    InvalidBody,
    /// The body's media type is not one the endpoint reads.
    UnsupportedMediaType,
    /// The body is larger than the server accepts.
    BodyTooLarge,
    /// A required field is missing or empty.
    MissingField,
    /// A language nobody knows.
    UnknownLanguage,
    /// A language the model does not have.
    LanguageNotInModel,
    /// A model this server does not serve.
    UnknownModel,
    /// An option out of range.
    InvalidOption,
    /// More texts than allowed.
    TooManyTexts,
    /// More characters than allowed.
    TooManyCharacters,
    /// The request alone is larger than the translation queue.
    TooLarge,
    /// A file that cannot be translated.
    UnsupportedFile,
    /// Keys are on and none was given.
    MissingApiKey,
    /// An unknown key.
    InvalidApiKey,
    /// The key's request rate is used up for now.
    RateLimited,
    /// The key's characters for today are used up.
    QuotaExceeded,
    /// A feature switched off on this server.
    Disabled,
    /// The key may not do this (review corrections without the reviewer role).
    Forbidden,
    /// Nothing here.
    NotFound,
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// Not finished yet (a job).
    NotFinished,
    /// The queue is full.
    Busy,
    /// The model is loading.
    NotReady,
    /// The translation took too long.
    Timeout,
    /// The server is shutting down.
    ShuttingDown,
    /// A fault of ours.
    Internal,
}

impl Code {
    /// The table: each code's stable name and HTTP status.
    fn row(self) -> (&'static str, StatusCode) {
        use StatusCode as S;
        match self {
            Code::InvalidBody => ("invalid_body", S::BAD_REQUEST),
            Code::UnsupportedMediaType => ("unsupported_media_type", S::UNSUPPORTED_MEDIA_TYPE),
            Code::BodyTooLarge => ("body_too_large", S::PAYLOAD_TOO_LARGE),
            Code::MissingField => ("missing_field", S::BAD_REQUEST),
            Code::UnknownLanguage => ("unknown_language", S::BAD_REQUEST),
            Code::LanguageNotInModel => ("language_not_in_model", S::BAD_REQUEST),
            Code::UnknownModel => ("unknown_model", S::BAD_REQUEST),
            Code::InvalidOption => ("invalid_option", S::BAD_REQUEST),
            Code::TooManyTexts => ("too_many_texts", S::PAYLOAD_TOO_LARGE),
            Code::TooManyCharacters => ("too_many_characters", S::PAYLOAD_TOO_LARGE),
            Code::TooLarge => ("too_large", S::PAYLOAD_TOO_LARGE),
            Code::UnsupportedFile => ("unsupported_file", S::BAD_REQUEST),
            Code::MissingApiKey => ("missing_api_key", S::UNAUTHORIZED),
            Code::InvalidApiKey => ("invalid_api_key", S::FORBIDDEN),
            Code::RateLimited => ("rate_limited", S::TOO_MANY_REQUESTS),
            Code::QuotaExceeded => ("quota_exceeded", S::TOO_MANY_REQUESTS),
            Code::Disabled => ("disabled", S::FORBIDDEN),
            Code::Forbidden => ("forbidden", S::FORBIDDEN),
            Code::NotFound => ("not_found", S::NOT_FOUND),
            Code::MethodNotAllowed => ("method_not_allowed", S::METHOD_NOT_ALLOWED),
            Code::NotFinished => ("not_finished", S::CONFLICT),
            Code::Busy => ("busy", S::SERVICE_UNAVAILABLE),
            Code::NotReady => ("not_ready", S::SERVICE_UNAVAILABLE),
            Code::Timeout => ("timeout", S::SERVICE_UNAVAILABLE),
            Code::ShuttingDown => ("shutting_down", S::SERVICE_UNAVAILABLE),
            Code::Internal => ("internal", S::INTERNAL_SERVER_ERROR),
        }
    }

    /// Its stable name, e.g. `unknown_language`.
    pub fn name(self) -> &'static str {
        self.row().0
    }

    /// Its HTTP status.
    pub fn status(self) -> StatusCode {
        self.row().1
    }

    /// The code of an application error.
    fn of(error: &Error) -> Code {
        match error {
            Error::Missing(_) => Code::MissingField,
            Error::Invalid(_) => Code::InvalidBody,
            Error::UnknownLanguage { .. } => Code::UnknownLanguage,
            Error::UnknownModel(_) => Code::UnknownModel,
            Error::LanguageNotInModel(_) => Code::LanguageNotInModel,
            Error::InvalidOption(_) => Code::InvalidOption,
            Error::TooManyTexts { .. } => Code::TooManyTexts,
            Error::TooManyCharacters { .. } => Code::TooManyCharacters,
            Error::TooLarge(_) => Code::TooLarge,
            Error::UnsupportedFile(_) => Code::UnsupportedFile,
            Error::MissingKey => Code::MissingApiKey,
            Error::InvalidKey => Code::InvalidApiKey,
            Error::RateLimited { .. } => Code::RateLimited,
            Error::QuotaExceeded => Code::QuotaExceeded,
            Error::Disabled(_) => Code::Disabled,
            Error::Forbidden(_) => Code::Forbidden,
            Error::NotFound(_) => Code::NotFound,
            Error::NotFinished(_) => Code::NotFinished,
            Error::Busy { .. } => Code::Busy,
            Error::NotReady => Code::NotReady,
            Error::Timeout => Code::Timeout,
            Error::ShuttingDown => Code::ShuttingDown,
            Error::Internal(_) => Code::Internal,
        }
    }
}

/// Why a request failed: the application's refusal, or a fault in the HTTP request itself.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The application refused or failed.
    #[error(transparent)]
    App(#[from] Error),
    /// The body (or query) is not valid JSON or a form of the expected shape.
    #[error("the request body is not valid: {0}")]
    InvalidBody(String),
    /// The body's media type is not one the endpoint reads.
    #[error("unsupported content type {got:?}; send {expected}")]
    UnsupportedMediaType {
        /// The request's `Content-Type`, cut to a readable length.
        got: String,
        /// What the endpoint reads.
        expected: &'static str,
    },
    /// The body is larger than the server accepts.
    #[error("the request body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The path exists but not with this method.
    #[error("{method} is not allowed on {path}; use {allow}")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The path.
        path: String,
        /// The methods the path takes, for the `Allow` header.
        allow: &'static str,
    },
}

/// An error as Tolk's API sends it.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code, e.g. `unknown_language`.
    pub code: &'static str,
    /// A sentence for people, saying what to change.
    pub message: String,
}

impl ApiError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            ApiError::App(error) => Code::of(error),
            ApiError::InvalidBody(_) => Code::InvalidBody,
            ApiError::UnsupportedMediaType { .. } => Code::UnsupportedMediaType,
            ApiError::BodyTooLarge { .. } => Code::BodyTooLarge,
            ApiError::MethodNotAllowed { .. } => Code::MethodNotAllowed,
        }
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        self.code().status()
    }

    /// Seconds a client should wait before trying again, where that helps.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::App(Error::Busy { retry_after } | Error::RateLimited { retry_after }) => {
                Some(retry_after.as_secs().max(1))
            }
            ApiError::App(Error::NotReady | Error::ShuttingDown) => Some(5),
            _ => None,
        }
    }

    /// The body in Tolk's shape.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().name(),
                message: self.to_string(),
            },
        }
    }

    /// A response with `status`, this error's headers, and `body`.
    fn respond(&self, status: StatusCode, body: impl Serialize) -> HttpResponse {
        if let ApiError::App(Error::Internal(detail)) = self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = HttpResponse::build(status);
        if let Some(seconds) = self.retry_after() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            // RFC 9110 asks a 405 to say which methods the resource takes.
            response.insert_header((header::ALLOW, *allow));
        }
        response.json(body)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.respond(self.status(), self.body())
    }
}

/// Which API's error shape a path answers in, so that a client reads even a 404 or a 405: DeepL's
/// under `/v2/` and `/v3/`, Tolk's under `/v1/` and on its own operational and page paths, and
/// LibreTranslate's everywhere else (its paths sit at the root).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{"error": {"code", "message"}}`.
    Tolk,
    /// `{"error": "message"}`.
    Libre,
    /// `{"message": "…"}`.
    Deepl,
}

/// Tolk's own paths outside `/v1/`.
const TOLK_PATHS: [&str; 8] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/app",
    "/",
    "/favicon.ico",
];

impl Shape {
    /// The shape `path` answers in.
    pub fn of_path(path: &str) -> Shape {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "v2" | "v3" => Shape::Deepl,
            "v1" => Shape::Tolk,
            _ if TOLK_PATHS.contains(&format!("/{first}").as_str()) => Shape::Tolk,
            _ => Shape::Libre,
        }
    }

    /// `error` answered in this shape.
    pub fn respond(self, error: ApiError) -> HttpResponse {
        match self {
            Shape::Tolk => error.error_response(),
            Shape::Libre => LibreError(error).error_response(),
            Shape::Deepl => DeeplError(error).error_response(),
        }
    }
}

/// LibreTranslate's error shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibreErrorBody {
    /// What went wrong.
    pub error: String,
}

/// An [`ApiError`] answered in LibreTranslate's shape, `{"error": "message"}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct LibreError(#[from] pub ApiError);

impl From<Error> for LibreError {
    fn from(error: Error) -> Self {
        LibreError(ApiError::App(error))
    }
}

impl ResponseError for LibreError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0
            .respond(self.0.status(), serde_json::json!({ "error": self.message() }))
    }
}

impl LibreError {
    /// The message as LibreTranslate words it where its clients or users may match on it.
    fn message(&self) -> String {
        match &self.0 {
            ApiError::App(Error::UnknownLanguage { error, .. }) => format!("{} is not supported", error.input_shown()),
            ApiError::App(Error::NotFound(_)) => "Not Found".to_string(),
            ApiError::MethodNotAllowed { .. } => "Method Not Allowed".to_string(),
            other => other.to_string(),
        }
    }
}

/// An [`ApiError`] answered in DeepL's shape, `{"message": "…"}`, with DeepL's statuses where
/// they differ (456 for a used-up quota).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DeeplError(#[from] pub ApiError);

impl From<Error> for DeeplError {
    fn from(error: Error) -> Self {
        DeeplError(ApiError::App(error))
    }
}

impl ResponseError for DeeplError {
    fn status_code(&self) -> StatusCode {
        match self.0 {
            ApiError::App(Error::QuotaExceeded) => StatusCode::from_u16(456).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
            ApiError::App(Error::MissingKey) => StatusCode::FORBIDDEN,
            // A document not translated yet: DeepL's clients know 503 as "not ready".
            ApiError::App(Error::NotFinished(_)) => StatusCode::SERVICE_UNAVAILABLE,
            _ => self.0.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.0
            .respond(self.status_code(), serde_json::json!({ "message": self.message() }))
    }
}

impl DeeplError {
    /// The message as DeepL words it where its clients or users may match on it.
    fn message(&self) -> String {
        match &self.0 {
            ApiError::App(Error::UnknownLanguage { field, .. }) => format!("Value for '{field}' not supported."),
            // An unknown path is named by its path; what the API looked up, by its kind.
            ApiError::App(Error::NotFound(what)) if what.starts_with('/') => "Not found".to_string(),
            ApiError::App(Error::NotFound(what)) => format!("{what} not found"),
            ApiError::App(Error::NotFinished(_)) => "Document translation is not done".to_string(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use std::time::Duration;
    use translator::{PoolError, TranslatorError};

    fn body_of(response: HttpResponse) -> serde_json::Value {
        let bytes = response.into_body().try_into_bytes().expect("a complete body");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    fn pool(error: PoolError) -> ApiError {
        ApiError::App(Error::from(error))
    }

    #[test]
    fn a_full_queue_is_a_503_with_retry_after_in_every_shape() {
        let busy = || {
            pool(PoolError::Busy {
                retry_after: Duration::from_secs(7),
            })
        };
        for response in [
            busy().error_response(),
            LibreError(busy()).error_response(),
            DeeplError(busy()).error_response(),
        ] {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "7");
        }
        assert_eq!(body_of(busy().error_response())["error"]["code"], "busy");
        assert!(body_of(LibreError(busy()).error_response())["error"].is_string());
        assert!(body_of(DeeplError(busy()).error_response())["message"].is_string());
    }

    #[test]
    fn pool_and_translator_errors_map_to_client_or_server_faults() {
        let too_large = pool(PoolError::TooLarge {
            sentences: 10,
            tokens: 100,
            max_sentences: 5,
            max_tokens: 50,
        });
        assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(pool(PoolError::Timeout).status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(pool(PoolError::Closed).code().name(), "shutting_down");
        let engine = pool(PoolError::Translator(TranslatorError::Engine("boom".into())));
        assert_eq!(engine.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            !body_of(engine.error_response())["error"]["message"]
                .as_str()
                .unwrap()
                .contains("boom"),
            "internal details are logged, not sent"
        );
        assert_eq!(
            DeeplError(ApiError::App(Error::QuotaExceeded)).status_code().as_u16(),
            456
        );
        assert_eq!(
            ApiError::App(Error::QuotaExceeded).status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    #[test]
    fn a_wrong_method_is_a_405_in_tolks_shape_with_allow() {
        let error = ApiError::MethodNotAllowed {
            method: "PUT".into(),
            path: "/v1/translate".into(),
            allow: "POST",
        };
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers().get(header::ALLOW).unwrap(), "POST");
        let body = body_of(response);
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert_eq!(
            body["error"]["message"],
            "PUT is not allowed on /v1/translate; use POST"
        );
    }

    #[test]
    fn every_code_has_a_distinct_name_and_client_faults_are_4xx() {
        let all = [
            Code::InvalidBody,
            Code::UnsupportedMediaType,
            Code::BodyTooLarge,
            Code::MissingField,
            Code::UnknownLanguage,
            Code::LanguageNotInModel,
            Code::UnknownModel,
            Code::InvalidOption,
            Code::TooManyTexts,
            Code::TooManyCharacters,
            Code::TooLarge,
            Code::UnsupportedFile,
            Code::MissingApiKey,
            Code::InvalidApiKey,
            Code::RateLimited,
            Code::QuotaExceeded,
            Code::Disabled,
            Code::Forbidden,
            Code::NotFound,
            Code::MethodNotAllowed,
            Code::NotFinished,
            Code::Busy,
            Code::NotReady,
            Code::Timeout,
            Code::ShuttingDown,
            Code::Internal,
        ];
        let names: std::collections::HashSet<&str> = all.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), all.len());
        let server_faults: Vec<&str> = all
            .iter()
            .filter(|c| c.status().is_server_error())
            .map(|c| c.name())
            .collect();
        assert_eq!(
            server_faults,
            ["busy", "not_ready", "timeout", "shutting_down", "internal"]
        );
        assert_eq!(
            ApiError::App(Error::from(crate::app::jobs::JobError::Internal("x".into()))).status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "a job's internal failure is no longer a 400"
        );
    }
}
