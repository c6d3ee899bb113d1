//! One module per subcommand of `tolk`.

pub mod batch;
pub mod detect;
pub mod eval;
pub mod glossary;
pub mod languages;
pub mod memory;
pub mod models;
pub mod serve;
pub mod translate;

/// Finds (or downloads) the model and opens it for a one-shot command: `threads` CTranslate2
/// threads (all CPUs by default) and the quality thresholds of the config file, the same as
/// `tolk serve` applies. Answers the model's directory with it.
pub fn open_translator(
    model: &std::path::Path,
    threads: Option<usize>,
    config: Option<&std::path::Path>,
) -> Result<(std::path::PathBuf, translator::Translator), Failure> {
    let mut settings = translator::TranslatorConfig {
        quality: tolk_server::settings::quality_thresholds(config).map_err(Failure::usage)?,
        ..translator::TranslatorConfig::default()
    };
    if let Some(threads) = threads {
        settings.threads = threads;
    }
    let dir = tolk_server::models::locate(model).map_err(Failure::runtime)?;
    let translator = translator::Translator::open(&dir, settings).map_err(Failure::runtime)?;
    Ok((dir, translator))
}

/// Why a command stopped: a message for the user and the process exit code.
#[derive(Debug)]
pub struct Failure {
    /// One or two sentences saying what is wrong and what to do.
    pub message: String,
    /// 2 for mistakes in the command line, 1 for everything else.
    pub exit_code: u8,
}

impl Failure {
    /// A mistake in how the command was called.
    pub fn usage(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit_code: 2,
        }
    }

    /// Anything else: missing files, broken models, I/O.
    pub fn runtime(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit_code: 1,
        }
    }
}
