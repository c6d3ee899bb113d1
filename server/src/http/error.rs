//! Every way a request can fail, and the one place where failures become HTTP responses, in
//! Tolk's shape `{"error": {"code", "message"}}` or in LibreTranslate's or DeepL's shape on their
//! endpoints so that their clients read them.

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use langs::LangError;
use serde::Serialize;
use translator::{PoolError, TranslatorError};
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not valid JSON or a form of the expected shape.
    #[error("the request body is not valid: {0}")]
    InvalidBody(String),
    /// The body's media type is not one the endpoint reads.
    #[error("unsupported content type {0:?}; send application/json or application/x-www-form-urlencoded")]
    UnsupportedMediaType(String),
    /// The body is larger than the server accepts.
    #[error("the request body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A required field is missing or empty.
    #[error("{0}")]
    Missing(String),
    /// A language code nobody knows.
    #[error("{field}: {error}")]
    UnknownLanguage {
        /// Which field held it.
        field: &'static str,
        /// What is wrong, with suggestions.
        error: LangError,
    },
    /// A model this server does not serve.
    #[error("{0}")]
    UnknownModel(String),
    /// A language the loaded model does not have.
    #[error("{0}")]
    LanguageNotInModel(String),
    /// An option out of range.
    #[error("{0}")]
    InvalidOption(String),
    /// More texts than allowed.
    #[error("{count} texts in one request; the limit is {limit}")]
    TooManyTexts {
        /// Texts sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More characters than allowed.
    #[error("{count} characters in one request; the limit is {limit}")]
    TooManyCharacters {
        /// Characters sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The request alone is larger than the translation queue.
    #[error("{0}")]
    TooLarge(String),
    /// The file cannot be translated.
    #[error("{0}")]
    UnsupportedFile(String),
    /// Keys are on and none was given.
    #[error("an API key is required")]
    MissingKey,
    /// Keys are on and this one is not known.
    #[error("the API key is not valid")]
    InvalidKey,
    /// The key's request rate is used up for now.
    #[error("too many requests for this API key; retry after {} s", retry_after.as_secs())]
    RateLimited {
        /// When a request will be accepted again.
        retry_after: Duration,
    },
    /// The key's characters for today are used up.
    #[error("the API key's character quota for today is used up")]
    QuotaExceeded,
    /// Nothing here.
    #[error("no such resource: {0}")]
    NotFound(String),
    /// The resource exists but is not ready for this (a job not finished yet).
    #[error("{0}")]
    NotFinished(String),
    /// The queue is full.
    #[error("the server is busy; retry after {} s", retry_after.as_secs())]
    Busy {
        /// The pool's estimate of when there is room.
        retry_after: Duration,
    },
    /// The model is still loading (or failed to).
    #[error("the model is not loaded yet")]
    NotReady,
    /// The translation took longer than the request timeout.
    #[error("the translation did not finish within the request timeout")]
    Timeout,
    /// The server is shutting down.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// A fault of ours; details are logged, not sent.
    #[error("internal error")]
    Internal(String),
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
    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidBody(_)
            | ApiError::Missing(_)
            | ApiError::UnknownLanguage { .. }
            | ApiError::LanguageNotInModel(_)
            | ApiError::UnknownModel(_)
            | ApiError::InvalidOption(_)
            | ApiError::UnsupportedFile(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::BodyTooLarge { .. }
            | ApiError::TooManyTexts { .. }
            | ApiError::TooManyCharacters { .. }
            | ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::MissingKey => StatusCode::UNAUTHORIZED,
            ApiError::InvalidKey => StatusCode::FORBIDDEN,
            ApiError::RateLimited { .. } | ApiError::QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::NotFinished(_) => StatusCode::CONFLICT,
            ApiError::Busy { .. } | ApiError::NotReady | ApiError::Timeout | ApiError::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Its stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidBody(_) => "invalid_body",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::BodyTooLarge { .. } => "body_too_large",
            ApiError::Missing(_) => "missing_field",
            ApiError::UnknownLanguage { .. } => "unknown_language",
            ApiError::LanguageNotInModel(_) => "language_not_in_model",
            ApiError::UnknownModel(_) => "unknown_model",
            ApiError::InvalidOption(_) => "invalid_option",
            ApiError::TooManyTexts { .. } => "too_many_texts",
            ApiError::TooManyCharacters { .. } => "too_many_characters",
            ApiError::TooLarge(_) => "too_large",
            ApiError::UnsupportedFile(_) => "unsupported_file",
            ApiError::MissingKey => "missing_api_key",
            ApiError::InvalidKey => "invalid_api_key",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::QuotaExceeded => "quota_exceeded",
            ApiError::NotFound(_) => "not_found",
            ApiError::NotFinished(_) => "not_finished",
            ApiError::Busy { .. } => "busy",
            ApiError::NotReady => "not_ready",
            ApiError::Timeout => "timeout",
            ApiError::ShuttingDown => "shutting_down",
            ApiError::Internal(_) => "internal",
        }
    }

    /// Seconds a client should wait before trying again, where that helps.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Busy { retry_after } | ApiError::RateLimited { retry_after } => {
                Some(retry_after.as_secs().max(1))
            }
            ApiError::NotReady | ApiError::ShuttingDown => Some(5),
            _ => None,
        }
    }

    /// The body in Tolk's shape.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        }
    }

    /// A response with `status`, this error's headers, and `body`.
    fn respond(&self, status: StatusCode, body: impl Serialize) -> HttpResponse {
        if let ApiError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
        let mut response = HttpResponse::build(status);
        if let Some(seconds) = self.retry_after() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
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

impl From<TranslatorError> for ApiError {
    fn from(error: TranslatorError) -> Self {
        match error {
            TranslatorError::LanguageNotInModel { .. } => ApiError::LanguageNotInModel(error.to_string()),
            TranslatorError::InvalidOption { .. } => ApiError::InvalidOption(error.to_string()),
            TranslatorError::SentenceTooLong { .. } => ApiError::TooLarge(error.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<PoolError> for ApiError {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Busy { retry_after } => ApiError::Busy { retry_after },
            PoolError::TooLarge { .. } => ApiError::TooLarge(error.to_string()),
            PoolError::Timeout => ApiError::Timeout,
            PoolError::Closed => ApiError::ShuttingDown,
            PoolError::Translator(inner) => inner.into(),
        }
    }
}

/// An [`ApiError`] answered in LibreTranslate's shape, `{"error": "message"}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct LibreError(#[from] pub ApiError);

impl ResponseError for LibreError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0
            .respond(self.0.status(), serde_json::json!({ "error": self.0.to_string() }))
    }
}

/// An [`ApiError`] answered in DeepL's shape, `{"message": "…"}`, with DeepL's statuses where
/// they differ (456 for a used-up quota).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DeeplError(#[from] pub ApiError);

impl ResponseError for DeeplError {
    fn status_code(&self) -> StatusCode {
        match self.0 {
            ApiError::QuotaExceeded => StatusCode::from_u16(456).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
            ApiError::MissingKey => StatusCode::FORBIDDEN,
            _ => self.0.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.0
            .respond(self.status_code(), serde_json::json!({ "message": self.0.to_string() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_of(response: HttpResponse) -> serde_json::Value {
        let bytes = response.into_body().try_into_bytes().expect("a complete body");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[test]
    fn a_full_queue_is_a_503_with_retry_after_in_every_shape() {
        let busy = || {
            ApiError::from(PoolError::Busy {
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
        let too_large = ApiError::from(PoolError::TooLarge {
            sentences: 10,
            tokens: 100,
            max_sentences: 5,
            max_tokens: 50,
        });
        assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            ApiError::from(PoolError::Timeout).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(ApiError::from(PoolError::Closed).code(), "shutting_down");
        let engine = ApiError::from(PoolError::Translator(TranslatorError::Engine("boom".into())));
        assert_eq!(engine.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            !body_of(engine.error_response())["error"]["message"]
                .as_str()
                .unwrap()
                .contains("boom"),
            "internal details are logged, not sent"
        );
        assert_eq!(DeeplError(ApiError::QuotaExceeded).status_code().as_u16(), 456);
        assert_eq!(ApiError::QuotaExceeded.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
