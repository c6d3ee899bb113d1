//! The languages Tolk knows: the 202 language codes of NLLB-200 and the resolution of what users
//! type into one of them.
//!
//! This crate knows nothing of models; the translator checks separately that a model's vocabulary
//! holds a code.

mod code;

pub use code::{LangCode, LangError, Script, NLLB_CODES};
