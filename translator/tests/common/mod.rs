//! Shared by the translator's integration tests: the committed test model and its references.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use langs::LangCode;
use translator::{Translator, TranslatorConfig};

/// `tests/fixtures` at the repository root.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// The tiny NLLB test model.
pub fn model_dir() -> PathBuf {
    fixtures().join("tiny-nllb")
}

/// One translator shared by the tests of a binary: loading is the slow part.
pub fn translator() -> &'static Translator {
    static TRANSLATOR: OnceLock<Translator> = OnceLock::new();
    TRANSLATOR.get_or_init(|| {
        Translator::open(
            &model_dir(),
            TranslatorConfig {
                threads: 2,
                ..TranslatorConfig::default()
            },
        )
        .expect("the test model loads")
    })
}

/// Shorthand for a language code known to be valid.
pub fn lang(code: &str) -> LangCode {
    LangCode::parse(code).expect("valid code")
}
