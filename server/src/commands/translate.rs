//! `tolk translate`: one file or standard input, one language pair, output on standard output.

use std::io::{Read, Write};
use std::path::PathBuf;

use langs::{Detector, LangCode, SourceChoice};
use tolk_server::app::glossary::marking::MarkedTexts;
use translator::{TextRequest, TranslateOptions, TranslatorError};

use super::Failure;

/// Arguments of `tolk translate`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory of a CTranslate2-converted NLLB model, or a known model's name (`tolk models
    /// list`), downloaded on first use.
    #[arg(long, env = "TOLK_MODEL", default_value = tolk_server::models::DEFAULT_MODEL)]
    model: PathBuf,
    /// Language of the input: a code or name (eng_Latn, en, English), or "auto" to detect it.
    #[arg(long = "from", default_value = "auto")]
    source: String,
    /// Language to translate into: a code or name (quy_Latn, Quechua).
    #[arg(long = "to")]
    target: String,
    /// Beam width (1 is greedy decoding).
    #[arg(long = "beam", default_value_t = TranslateOptions::default().beam_size)]
    beam_size: usize,
    /// CTranslate2 threads; defaults to the number of CPUs.
    #[arg(long)]
    threads: Option<usize>,
    /// Do not decode flagged sentences a second time (docs/quality.md).
    #[arg(long)]
    no_retry: bool,
    /// Config file whose `[quality]` table sets the quality thresholds (as for `tolk serve`).
    #[arg(long, env = "TOLK_CONFIG")]
    config: Option<PathBuf>,
    /// Say on standard error which sentences may be wrong and why (docs/quality.md).
    #[arg(long)]
    quality: bool,
    /// A glossary (.tsv or .csv of source and target terms) whose terms the translation keeps
    /// (docs/glossaries.md); needs --from.
    #[arg(long)]
    glossary: Option<PathBuf>,
    /// File to translate; standard input when absent or "-".
    file: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let source = SourceChoice::parse(Some(&args.source))
        .map_err(|e| Failure::usage(format!("--from: {e}")))?
        .given();
    let target = LangCode::parse(&args.target).map_err(|e| Failure::usage(format!("--to: {e}")))?;
    let options = TranslateOptions {
        beam_size: args.beam_size,
        retry_flagged: !args.no_retry,
        ..TranslateOptions::default()
    };
    options.validate().map_err(Failure::usage)?;
    // Read before the model is loaded, so that a wrong glossary is said at once.
    let marker = super::glossary::marker(args.glossary.as_deref(), (source, target))?;
    let text = read_input(args.file.as_ref())?;

    let (_, translator) = super::open_translator(&args.model, args.threads, args.config.as_deref())?;
    let source = match source {
        Some(code) => code,
        None => detect_source(&text, translator.languages())?,
    };
    let marked = MarkedTexts::new(&marker, vec![text]);
    let requests: Vec<TextRequest> = marked
        .units
        .iter()
        .map(|text| TextRequest { text, source, target })
        .collect();
    let results = translator.translate_texts(&requests, &options).map_err(|e| match e {
        TranslatorError::LanguageNotInModel { .. } => Failure::usage(e),
        other => Failure::runtime(other),
    })?;
    let translation = marked.assemble(results).pop().unwrap_or_default();
    if !marked.terms_used[0].is_empty() && args.quality {
        let used: Vec<String> = marked.terms_used[0].iter().map(|(s, t)| format!("{s} → {t}")).collect();
        eprintln!("glossary terms used: {}", used.join(", "));
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(translation.text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::runtime(format!("cannot write the translation: {e}")))?;
    if args.quality {
        report_quality(&translation.sentence_quality);
    }
    Ok(())
}

/// One line per sentence that is not `good` (its number, level, flags and translation), then a
/// summary, on standard error so that standard output stays the translation alone.
fn report_quality(sentences: &[translator::SentenceQuality]) {
    use translator::quality::QualityLevel;
    let mut doubtful = 0;
    for (i, sentence) in sentences.iter().enumerate() {
        let quality = &sentence.quality;
        if quality.level == QualityLevel::Good {
            continue;
        }
        doubtful += 1;
        let mut notes: Vec<String> = quality.flags.iter().map(|f| f.as_str().to_string()).collect();
        if let Some(retry) = quality.retry {
            notes.push(format!("retried: {}", retry.as_str()));
        }
        eprintln!(
            "sentence {}: {} (score {:.2}{}{}): {}",
            i + 1,
            quality.level.as_str(),
            quality.score,
            if notes.is_empty() { "" } else { "; " },
            notes.join(", "),
            sentence.text
        );
    }
    eprintln!("quality: {doubtful} of {} sentences may be wrong", sentences.len());
}

/// The language of `text` among those the model knows; an unreliable guess is refused rather than
/// used, since translating from the wrong language gives confident nonsense.
fn detect_source(text: &str, known: &[LangCode]) -> Result<LangCode, Failure> {
    let Some(found) = Detector::shared().detect_among(text, Some(known)) else {
        return Err(Failure::usage(
            "--from auto: the text has no letters to tell its language by; pass --from",
        ));
    };
    let name = found.language.info().name;
    if !found.reliable {
        let others: Vec<&str> = found.candidates.iter().map(|c| c.language.as_str()).collect();
        return Err(Failure::usage(format!(
            "--from auto: cannot tell the language reliably (best guesses: {}); pass --from",
            others.join(", ")
        )));
    }
    tracing::info!(language = %found.language, confidence = found.confidence, "detected source language");
    eprintln!(
        "tolk: detected {} ({name}), confidence {:.2}",
        found.language, found.confidence
    );
    Ok(found.language)
}

fn read_input(file: Option<&PathBuf>) -> Result<String, Failure> {
    let (name, bytes) = match file {
        Some(path) if path.as_os_str() != "-" => {
            let bytes =
                std::fs::read(path).map_err(|e| Failure::runtime(format!("cannot read {}: {e}", path.display())))?;
            (path.display().to_string(), bytes)
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::runtime(format!("cannot read standard input: {e}")))?;
            ("standard input".to_string(), bytes)
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        Failure::runtime(format!(
            "{name} is not UTF-8 text (invalid byte at offset {}); convert it to UTF-8 first",
            e.utf8_error().valid_up_to()
        ))
    })
}
