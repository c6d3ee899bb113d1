//! Finding and checking the files of a CTranslate2-converted NLLB model before CTranslate2 sees
//! them, so that a wrong directory gives one clear error instead of an exception from C++.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use langs::LangCode;

use crate::error::{Result, TranslatorError};

/// Vocabulary files CTranslate2 accepts, in the order it looks for them.
const VOCABULARY_FILES: [&str; 2] = ["shared_vocabulary.json", "shared_vocabulary.txt"];
const SENTENCEPIECE_FILE: &str = "sentencepiece.bpe.model";

/// The checked files of one model directory and its target vocabulary.
#[derive(Debug)]
pub struct ModelFiles {
    /// The model directory.
    pub dir: PathBuf,
    /// Path of the SentencePiece model.
    pub sentencepiece: PathBuf,
    /// The vocabulary, token → id.
    pub vocabulary: HashMap<String, u32>,
    /// The NLLB languages that have a token in the vocabulary.
    pub languages: Vec<LangCode>,
}

impl ModelFiles {
    /// Checks that `dir` holds a usable NLLB model and reads its vocabulary.
    pub fn inspect(dir: &Path) -> Result<ModelFiles> {
        if !dir.is_dir() {
            return Err(TranslatorError::ModelDirMissing {
                path: dir.to_path_buf(),
            });
        }
        // A Hugging Face checkpoint is the commonest wrong directory: say how to convert it.
        let unconverted = ["pytorch_model.bin", "model.safetensors"]
            .iter()
            .any(|f| dir.join(f).is_file());
        let model_bin = require(
            dir,
            "model.bin",
            if unconverted {
                "this is a transformers checkpoint, not a CTranslate2 model; convert it with \
                 ct2-transformers-converter --model DIR --output_dir OUT --quantization int8 \
                 --copy_files sentencepiece.bpe.model (docs/models.md)"
            } else {
                "the converted weights (ct2-transformers-converter writes it)"
            },
        )?;
        if fs::metadata(&model_bin).map(|m| m.len()).unwrap_or(0) == 0 {
            return Err(broken(&model_bin, "the file is empty"));
        }
        let config = require(dir, "config.json", "the CTranslate2 model configuration")?;
        let text = read_text(&config)?;
        serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| broken(&config, &format!("not valid JSON ({e})")))?;
        let sentencepiece = require(
            dir,
            SENTENCEPIECE_FILE,
            "the SentencePiece model; convert with --copy_files sentencepiece.bpe.model",
        )?;
        let vocabulary = read_vocabulary(dir)?;
        let languages = LangCode::all()
            .filter(|code| vocabulary.contains_key(code.as_str()))
            .collect();
        Ok(ModelFiles {
            dir: dir.to_path_buf(),
            sentencepiece,
            vocabulary,
            languages,
        })
    }
}

fn require(dir: &Path, file: &'static str, hint: &'static str) -> Result<PathBuf> {
    let path = dir.join(file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(TranslatorError::ModelFileMissing {
            path: dir.to_path_buf(),
            file,
            hint,
        })
    }
}

fn broken(path: &Path, reason: &str) -> TranslatorError {
    TranslatorError::ModelFileBroken {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| broken(path, &e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| broken(path, "not UTF-8 text"))
}

fn read_vocabulary(dir: &Path) -> Result<HashMap<String, u32>> {
    let Some(path) = VOCABULARY_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file()) else {
        return Err(TranslatorError::ModelFileMissing {
            path: dir.to_path_buf(),
            file: VOCABULARY_FILES[0],
            hint: "the shared vocabulary (shared_vocabulary.json or shared_vocabulary.txt)",
        });
    };
    let text = read_text(&path)?;
    let tokens: Vec<String> = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| broken(&path, &format!("not a JSON list of tokens ({e})")))?
    } else {
        text.lines().map(str::to_string).collect()
    };
    // Fairseq's NLLB layout begins with these four; anything else is not an NLLB vocabulary.
    if tokens.get(..4) != Some(&["<s>", "<pad>", "</s>", "<unk>"].map(String::from)[..]) {
        return Err(broken(
            &path,
            "does not start with <s> <pad> </s> <unk> (not an NLLB vocabulary)",
        ));
    }
    let vocabulary: HashMap<String, u32> = tokens
        .into_iter()
        .enumerate()
        .map(|(id, token)| (token, id as u32))
        .collect();
    if !LangCode::all().any(|code| vocabulary.contains_key(code.as_str())) {
        return Err(broken(&path, "holds no NLLB language token (e.g. eng_Latn)"));
    }
    Ok(vocabulary)
}
