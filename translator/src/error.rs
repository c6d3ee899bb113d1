use std::path::PathBuf;

use langs::LangCode;

/// Everything that can go wrong between a model directory and a translation.
#[derive(Debug, thiserror::Error)]
pub enum TranslatorError {
    /// The model path does not exist or is not a directory.
    #[error("model directory {path} does not exist or is not a directory")]
    ModelDirMissing {
        /// The path as given.
        path: PathBuf,
    },
    /// A file a CTranslate2 NLLB model needs is absent.
    #[error("model directory {path} has no {file}: {hint}")]
    ModelFileMissing {
        /// The model directory.
        path: PathBuf,
        /// The missing file's name.
        file: &'static str,
        /// What the file is and how to get it.
        hint: &'static str,
    },
    /// A file is present but cannot be used.
    #[error("model file {path} is unusable: {reason}")]
    ModelFileBroken {
        /// The broken file.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// The model has no token for a language, so it cannot translate from or into it.
    #[error("this model does not know the language {lang} (its vocabulary has no {lang} token)")]
    LanguageNotInModel {
        /// The language asked for.
        lang: LangCode,
    },
    /// An option is out of its range or conflicts with another.
    #[error("invalid option {name} = {value}: {expected}")]
    InvalidOption {
        /// The option's name as the API and CLI spell it.
        name: &'static str,
        /// The value given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A single sentence is longer than the model takes; it is refused, never truncated.
    #[error("sentence of {tokens} tokens is longer than the model's limit of {limit}; translate it as text so that it is cut at clause boundaries")]
    SentenceTooLong {
        /// Its length in tokens, language token and `</s>` included.
        tokens: usize,
        /// The limit.
        limit: usize,
    },
    /// CTranslate2 or SentencePiece failed on input that passed validation.
    #[error("translation engine failed: {0}")]
    Engine(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = TranslatorError> = std::result::Result<T, E>;
