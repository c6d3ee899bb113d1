//! The languages Tolk knows: the 202 language codes of NLLB-200, what the catalogue says about each,
//! the resolution of whatever users type into one of them, and detection of the language of a text.
//!
//! This crate knows nothing of models; the translator checks separately that a model's vocabulary
//! holds a code.

mod catalogue;
mod code;
pub mod detect;
pub mod resolve;
mod source;

pub use catalogue::{catalogue, Language};
pub use code::{Direction, LangCode, LangError, Script, NLLB_CODES};
pub use detect::{detect, Candidate, Detection, Detector};
pub use resolve::resolve;
pub use source::SourceChoice;
