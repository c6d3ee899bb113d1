//! The errors of every format, kept apart from `Document` so that the formats need not import
//! the facade that dispatches to them.

/// Why a document cannot be read or written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    /// The content is not what the format says (broken, or another format under this extension).
    #[error("not a valid {format} file: {reason}")]
    Invalid {
        /// The format's usual extension.
        format: &'static str,
        /// What is wrong, for the user.
        reason: String,
    },
    /// It would unpack past [`Limits`](super::Limits), or holds something dangerous (paths leaving
    /// the archive, XML entity declarations).
    #[error("refused: {0}")]
    Refused(String),
    /// `Document::render` got a different number of translations than units.
    #[error("{given} translations for {expected} units")]
    TranslationCount {
        /// Units.
        expected: usize,
        /// Translations.
        given: usize,
    },
}
