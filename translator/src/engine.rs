//! The one place that calls CTranslate2. Every call blocks its thread for the whole decoding, so
//! callers on an async runtime must run it on a blocking thread.

use std::sync::Once;

use ct2rs::sys::{
    set_log_level, ComputeType, Config, Device, LogLevel, TranslationOptions, TranslationResult,
    Translator as Ct2Translator,
};
use langs::LangCode;

use crate::error::{Result, TranslatorError};
use crate::model::ModelFiles;

/// What one engine call returns per sentence: hypotheses (target-language token first) and scores.
pub(crate) type EngineOutput = TranslationResult;

/// A loaded CTranslate2 translator; concurrent calls run on different replicas.
pub(crate) struct Engine {
    ct2: Ct2Translator,
}

impl Engine {
    /// Loads `replicas` copies of the weights, each with `threads` intra-op threads.
    pub(crate) fn load(files: &ModelFiles, threads: usize, replicas: usize) -> Result<Engine> {
        // CTranslate2 writes its warnings (e.g. "float16 weights run as float32 on this CPU")
        // straight to stderr, past our logging; keep only errors unless CT2_VERBOSE asks for more.
        static QUIET: Once = Once::new();
        QUIET.call_once(|| {
            if std::env::var_os("CT2_VERBOSE").is_none() {
                set_log_level(LogLevel::Error);
            }
        });
        let config = Config {
            device: Device::CPU,
            compute_type: ComputeType::DEFAULT,
            // On CPU every entry is one more replica of the whole model on device 0.
            device_indices: vec![0; replicas],
            num_threads_per_replica: threads,
            ..Config::default()
        };
        let ct2 = Ct2Translator::new(&files.dir, &config).map_err(|e| TranslatorError::ModelFileBroken {
            path: files.dir.join("model.bin"),
            reason: format!("CTranslate2 could not load the model: {e}"),
        })?;
        Ok(Engine { ct2 })
    }

    /// Translates source token sequences, each into its own target language.
    pub(crate) fn translate(
        &self,
        sources: &[&[String]],
        targets: &[LangCode],
        options: &TranslationOptions<String, String>,
    ) -> Result<Vec<TranslationResult>> {
        let prefixes: Vec<Vec<&str>> = targets.iter().map(|t| vec![t.as_str()]).collect();
        let sources: Vec<Vec<&str>> = sources.iter().map(|s| s.iter().map(String::as_str).collect()).collect();
        self.ct2
            .translate_batch_with_target_prefix(&sources, &prefixes, options, None)
            .map_err(|e| TranslatorError::Engine(e.to_string()))
    }
}
