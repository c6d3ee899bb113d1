//! A missing or broken model directory gives one clear error naming the path and the file.

mod common;

use std::fs;
use std::path::Path;

use common::lang;
use translator::{TranslateOptions, Translator, TranslatorConfig, TranslatorError};

fn open(dir: &Path) -> Result<Translator, TranslatorError> {
    Translator::open(
        dir,
        TranslatorConfig {
            threads: 1,
            ..TranslatorConfig::default()
        },
    )
}

/// A fresh copy of the test model to break.
fn copy_of_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(common::model_dir()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn open_err(dir: &Path) -> TranslatorError {
    match open(dir) {
        Ok(_) => panic!("{} should not open", dir.display()),
        Err(e) => e,
    }
}

#[test]
fn a_missing_directory_is_named() {
    let err = open_err(Path::new("/nonexistent/tolk-model"));
    assert!(matches!(err, TranslatorError::ModelDirMissing { .. }));
    assert!(err.to_string().contains("/nonexistent/tolk-model"), "{err}");
}

#[test]
fn each_missing_file_is_named() {
    for file in [
        "model.bin",
        "config.json",
        "sentencepiece.bpe.model",
        "shared_vocabulary.json",
    ] {
        let dir = copy_of_model();
        fs::remove_file(dir.path().join(file)).unwrap();
        let err = open_err(dir.path());
        let message = err.to_string();
        assert!(
            matches!(err, TranslatorError::ModelFileMissing { .. }),
            "{file}: {err:?}"
        );
        assert!(message.contains(file), "{message}");
        assert!(message.contains(&dir.path().display().to_string()), "{message}");
    }
}

#[test]
fn an_unconverted_checkpoint_is_told_how_to_convert() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("config.json"), "{}").unwrap();
    fs::write(dir.path().join("model.safetensors"), b"weights").unwrap();
    let message = open_err(dir.path()).to_string();
    assert!(message.contains("ct2-transformers-converter"), "{message}");
    assert!(message.contains("transformers checkpoint"), "{message}");
}

#[test]
fn a_text_vocabulary_is_accepted() {
    let dir = copy_of_model();
    let json = fs::read_to_string(dir.path().join("shared_vocabulary.json")).unwrap();
    let tokens: Vec<String> = serde_json::from_str(&json).unwrap();
    fs::remove_file(dir.path().join("shared_vocabulary.json")).unwrap();
    fs::write(dir.path().join("shared_vocabulary.txt"), tokens.join("\n") + "\n").unwrap();
    let translator = open(dir.path()).unwrap();
    assert_eq!(translator.languages().len(), 202);
}

#[test]
fn broken_files_are_named_with_the_reason() {
    let cases: [(&str, &[u8], &str); 5] = [
        ("config.json", b"{ not json", "not valid JSON"),
        ("shared_vocabulary.json", b"{\"a\": 1}", "not a JSON list"),
        (
            "shared_vocabulary.json",
            b"[\"a\", \"b\", \"c\", \"d\"]",
            "not an NLLB vocabulary",
        ),
        ("sentencepiece.bpe.model", b"garbage", "not a SentencePiece model"),
        ("model.bin", b"", "empty"),
    ];
    for (file, content, reason) in cases {
        let dir = copy_of_model();
        fs::write(dir.path().join(file), content).unwrap();
        let err = open_err(dir.path());
        let message = err.to_string();
        assert!(
            matches!(err, TranslatorError::ModelFileBroken { .. }),
            "{file}: {err:?}"
        );
        assert!(message.contains(file) && message.contains(reason), "{message}");
    }
}

#[test]
fn corrupt_weights_are_an_error_not_a_crash() {
    let dir = copy_of_model();
    let weights = dir.path().join("model.bin");
    let bytes = fs::read(&weights).unwrap();
    for corrupt in [bytes[..bytes.len() / 3].to_vec(), vec![0xAB; 4096]] {
        fs::write(&weights, corrupt).unwrap();
        let err = open_err(dir.path());
        assert!(matches!(err, TranslatorError::ModelFileBroken { .. }), "{err:?}");
        assert!(err.to_string().contains("model.bin"), "{err}");
    }
}

#[test]
fn a_language_missing_from_the_vocabulary_is_refused() {
    let dir = copy_of_model();
    let path = dir.path().join("shared_vocabulary.json");
    let json = fs::read_to_string(&path)
        .unwrap()
        .replace("\"zul_Latn\"", "\"zul_Xxxx\"");
    fs::write(&path, json).unwrap();
    let translator = open(dir.path()).unwrap();
    assert!(!translator.languages().contains(&lang("zul_Latn")));
    let err = translator
        .translate(
            "Hello.",
            lang("eng_Latn"),
            lang("zul_Latn"),
            &TranslateOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, TranslatorError::LanguageNotInModel { .. }), "{err:?}");
    assert!(err.to_string().contains("zul_Latn"));
}
