//! Shared by the translator's integration tests: the committed test model and its references.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use langs::LangCode;
use serde::Deserialize;
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

/// English UDHR sentences for tests that need real text in one language.
pub const SENTENCES: [&str; 10] = [
    "Everyone has the right to freedom of thought.",
    "No one shall be held in slavery.",
    "All human beings are born free and equal in dignity.",
    "Everyone has the right to education.",
    "The family is the natural and fundamental group unit of society.",
    "Everyone has the right to rest and leisure.",
    "Men and women of full age have the right to marry.",
    "Everyone has the right to own property alone.",
    "The will of the people shall be the basis of the authority of government.",
    "Everyone has the right to take part in the cultural life of the community.",
];

#[derive(Deserialize)]
struct References {
    cases: Vec<Case>,
}

/// One reference output of the Python pipeline (`tests/fixtures/reference/tiny-nllb.json`).
#[derive(Deserialize, Clone)]
pub struct Case {
    pub id: String,
    pub source_lang: String,
    pub target_lang: String,
    pub text: String,
    pub beam_size: usize,
    pub source_tokens: Vec<String>,
    pub max_decoding_length: usize,
    pub output_tokens: Vec<String>,
    pub output_text: String,
    pub score: f32,
}

/// Every reference case, in file order.
pub fn references() -> Vec<Case> {
    let path = fixtures().join("reference/tiny-nllb.json");
    let text = std::fs::read_to_string(&path).expect("reference file is committed");
    serde_json::from_str::<References>(&text)
        .expect("reference file parses")
        .cases
}
