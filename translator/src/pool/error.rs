//! What a pool caller can get instead of its translations.

use std::time::Duration;

use crate::error::TranslatorError;

/// Why a submission to the [`Pool`](super::Pool) gave no translations.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The queue is full; nothing was queued. Try again after `retry_after` (an estimate from
    /// the recent throughput, in whole seconds so that it fits a `Retry-After` header).
    #[error("the translation queue is full; retry after {} s", retry_after.as_secs())]
    Busy {
        /// How long until the queue has likely drained enough to take the submission.
        retry_after: Duration,
    },
    /// The submission alone is larger than the whole queue, so it would never fit: retrying
    /// cannot help, splitting it can.
    #[error("a submission of {sentences} sentences ({tokens} tokens) exceeds the queue's capacity of {max_sentences} sentences and {max_tokens} tokens; split it")]
    TooLarge {
        /// Sentences it needs translated.
        sentences: usize,
        /// Their source tokens.
        tokens: usize,
        /// The queue's capacity in sentences.
        max_sentences: usize,
        /// The queue's capacity in tokens.
        max_tokens: usize,
    },
    /// The submission's deadline passed before all of its sentences were translated; its
    /// sentences still waiting were removed from the queue.
    #[error("the translation did not finish before its deadline")]
    Timeout,
    /// The pool was shut down before the submission finished.
    #[error("the translation pool is shut down")]
    Closed,
    /// The translator refused the submission (language, option, input) or the engine failed.
    #[error(transparent)]
    Translator(#[from] TranslatorError),
}

/// A copy of an engine error for each caller whose sentences shared the failed batch
/// (`TranslatorError` is not `Clone`, and every caller must get its own error).
pub(crate) fn share(error: &TranslatorError) -> PoolError {
    PoolError::Translator(match error {
        TranslatorError::Engine(message) => TranslatorError::Engine(message.clone()),
        other => TranslatorError::Engine(other.to_string()),
    })
}
