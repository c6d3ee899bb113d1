//! Why the application refused or failed a request, in its own terms. The HTTP adapters map each
//! variant to a code and a status in one table (`http/error.rs`); the command line prints them.

use std::time::Duration;

use langs::LangError;
use translator::{PoolError, TranslatorError};

use super::jobs::JobError;

/// Why a request to the application failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A required field is missing or empty.
    #[error("{0}")]
    Missing(String),
    /// What was sent cannot be read (a broken archive, a file part without a name, an unknown field).
    #[error("the request body is not valid: {0}")]
    Invalid(String),
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
    /// A feature this server has switched off.
    #[error("{0}")]
    Disabled(String),
    /// The key may do other things, not this one.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing (a job, a stored file), or not this key's.
    #[error("no such resource: {0}")]
    NotFound(String),
    /// The thing exists but is not ready for this (a job not finished yet).
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

impl From<TranslatorError> for Error {
    fn from(error: TranslatorError) -> Self {
        match error {
            TranslatorError::LanguageNotInModel { .. } => Error::LanguageNotInModel(error.to_string()),
            TranslatorError::InvalidOption { .. } => Error::InvalidOption(error.to_string()),
            TranslatorError::SentenceTooLong { .. } => Error::TooLarge(error.to_string()),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<PoolError> for Error {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Busy { retry_after } => Error::Busy { retry_after },
            PoolError::TooLarge { .. } => Error::TooLarge(error.to_string()),
            PoolError::Timeout => Error::Timeout,
            PoolError::Closed => Error::ShuttingDown,
            PoolError::Translator(inner) => inner.into(),
        }
    }
}

impl From<JobError> for Error {
    fn from(error: JobError) -> Self {
        match error {
            JobError::Invalid(message) => Error::Invalid(message),
            JobError::NotFound(id) => Error::NotFound(format!("job {id}")),
            JobError::NotFinished(_) => Error::NotFinished(error.to_string()),
            // A database or runtime failure is ours, not the client's.
            JobError::Store(e) => Error::Internal(e.to_string()),
            JobError::Internal(detail) => Error::Internal(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_failures_of_the_server_are_internal_not_the_clients_fault() {
        assert!(matches!(
            Error::from(JobError::Internal("job runtime: gone".into())),
            Error::Internal(_)
        ));
        assert!(matches!(
            Error::from(JobError::Invalid("no files".into())),
            Error::Invalid(_)
        ));
        assert!(matches!(
            Error::from(JobError::NotFound("x".into())),
            Error::NotFound(_)
        ));
    }

    #[test]
    fn pool_errors_keep_their_meaning() {
        assert!(matches!(Error::from(PoolError::Timeout), Error::Timeout));
        assert!(matches!(Error::from(PoolError::Closed), Error::ShuttingDown));
        assert!(matches!(
            Error::from(PoolError::Translator(TranslatorError::Engine("boom".into()))),
            Error::Internal(_)
        ));
    }
}
