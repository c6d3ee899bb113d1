//! `tolk eval`: a model scored on a test set, offline. chrF++ and BLEU per direction, as sacrebleu
//! computes them, and the share of sentences the quality checks flagged; a table, or `--json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use langs::LangCode;
use tolk_server::app::evaluation::bleu::BleuTokenizer;
use tolk_server::app::evaluation::{self, DirectionScore, TestSet};
use translator::TranslateOptions;

use super::Failure;

/// Arguments of `tolk eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory of a CTranslate2-converted NLLB model, or a known model's name.
    #[arg(long, env = "TOLK_MODEL", default_value = tolk_server::models::DEFAULT_MODEL)]
    model: PathBuf,
    /// A TSV of any directions: source language, target language, source, reference per line.
    #[arg(long, conflicts_with_all = ["source", "reference", "from", "to"])]
    tsv: Option<PathBuf>,
    /// Source sentences, one per line (with --reference, --from and --to).
    #[arg(long, requires_all = ["reference", "from", "to"])]
    source: Option<PathBuf>,
    /// Reference translations, aligned line by line with --source.
    #[arg(long, requires = "source")]
    reference: Option<PathBuf>,
    /// Language of --source: a code or name.
    #[arg(long = "from", requires = "source")]
    from: Option<String>,
    /// Language of --reference: a code or name.
    #[arg(long = "to", requires = "source")]
    to: Option<String>,
    /// Score these translations (one per line, in the test set's order) instead of translating:
    /// to compare another system, or an earlier run.
    #[arg(long)]
    hypotheses: Option<PathBuf>,
    /// Write Tolk's translations here, one per line in the test set's order.
    #[arg(long, conflicts_with = "hypotheses")]
    write_hypotheses: Option<PathBuf>,
    /// BLEU tokenizer for every direction: 13a, intl, zh, char or none [default: zh for Chinese,
    /// char for Japanese, Thai, Khmer, Lao, Burmese and Tibetan, 13a for the rest].
    #[arg(long)]
    tokenize: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Beam width (1 is greedy decoding).
    #[arg(long = "beam", default_value_t = TranslateOptions::default().beam_size)]
    beam_size: usize,
    /// Do not decode flagged sentences a second time (docs/quality.md).
    #[arg(long)]
    no_retry: bool,
    /// CTranslate2 threads; defaults to the number of CPUs.
    #[arg(long)]
    threads: Option<usize>,
    /// Config file whose `[quality]` table sets the quality thresholds (as for `tolk serve`).
    #[arg(long, env = "TOLK_CONFIG")]
    config: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let set = read_test_set(&args)?;
    let tokenizer =
        match &args.tokenize {
            None => None,
            Some(name) => Some(BleuTokenizer::parse(name).ok_or_else(|| {
                Failure::usage(format!("--tokenize: {name:?} is not one of 13a, intl, zh, char, none"))
            })?),
        };
    let tokenizer_of = |target: LangCode| tokenizer.unwrap_or_else(|| evaluation::default_tokenizer(target));
    let scores: Vec<DirectionScore> = match &args.hypotheses {
        Some(path) => {
            let given = set
                .split_hypotheses(&read(path)?)
                .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
            set.directions
                .iter()
                .zip(&given)
                .map(|(d, h)| evaluation::score(d, h, tokenizer_of(d.target), None))
                .collect()
        }
        None => {
            let options = TranslateOptions {
                beam_size: args.beam_size,
                retry_flagged: !args.no_retry,
                ..TranslateOptions::default()
            };
            options.validate().map_err(Failure::usage)?;
            let (_, translator) = super::open_translator(&args.model, args.threads, args.config.as_deref())?;
            for d in &set.directions {
                for language in [d.source, d.target] {
                    if !translator.languages().contains(&language) {
                        return Err(Failure::usage(format!("the model has no {language}")));
                    }
                }
            }
            let bar = progress_bar(set.lines);
            let mut all = Vec::with_capacity(set.directions.len());
            let mut scores = Vec::with_capacity(set.directions.len());
            for direction in &set.directions {
                if let Some(bar) = &bar {
                    bar.set_message(format!("{} → {}", direction.source, direction.target));
                }
                let (hypotheses, tally) = evaluation::translate(&translator, direction, &options, |done| {
                    if let Some(bar) = &bar {
                        bar.inc(done as u64);
                    }
                })
                .map_err(Failure::runtime)?;
                scores.push(evaluation::score(
                    direction,
                    &hypotheses,
                    tokenizer_of(direction.target),
                    Some(tally),
                ));
                all.push(hypotheses);
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            if let Some(path) = &args.write_hypotheses {
                let mut text = set.hypotheses_in_order(&all).join("\n");
                text.push('\n');
                std::fs::write(path, text)
                    .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))?;
            }
            scores
        }
    };
    let output = if args.json {
        let mut json = serde_json::to_string_pretty(&serde_json::json!({ "directions": scores }))
            .map_err(|e| Failure::runtime(format!("cannot write JSON: {e}")))?;
        json.push('\n');
        json
    } else {
        table(&scores)
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::runtime(format!("cannot write the scores: {e}")))
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

fn read_test_set(args: &Args) -> Result<TestSet, Failure> {
    let named = |path: &Path, e: evaluation::EvalError| Failure::usage(format!("{}: {e}", path.display()));
    if let Some(path) = &args.tsv {
        return TestSet::tsv(&read(path)?).map_err(|e| named(path, e));
    }
    let (Some(source), Some(reference), Some(from), Some(to)) = (&args.source, &args.reference, &args.from, &args.to)
    else {
        return Err(Failure::usage(
            "give a test set: --tsv FILE, or --source FILE --reference FILE --from LANG --to LANG",
        ));
    };
    let from = LangCode::parse(from).map_err(|e| Failure::usage(format!("--from: {e}")))?;
    let to = LangCode::parse(to).map_err(|e| Failure::usage(format!("--to: {e}")))?;
    TestSet::aligned(&read(source)?, &read(reference)?, from, to).map_err(|e| named(source, e))
}

/// A bar on standard error for people at a terminal; nothing in pipelines and logs.
fn progress_bar(lines: usize) -> Option<ProgressBar> {
    std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = ProgressBar::with_draw_target(Some(lines as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("[{bar:30}] {pos}/{len} lines · {msg} · ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar
    })
}

/// One row per direction: lines, chrF++, BLEU (with its tokenizer) and the flagged share.
fn table(scores: &[DirectionScore]) -> String {
    let mut out = format!(
        "{:<22} {:>6} {:>7} {:>7}  {:<9} {}\n",
        "direction", "lines", "chrF++", "BLEU", "tokenize", "flagged sentences"
    );
    for s in scores {
        let flagged = match &s.quality {
            Some(q) => format!("{} of {} ({:.1}%)", q.flagged, q.sentences, 100.0 * q.flagged_share()),
            None => "-".to_string(),
        };
        out.push_str(&format!(
            "{:<22} {:>6} {:>7.2} {:>7.2}  {:<9} {}\n",
            format!("{} → {}", s.source, s.target),
            s.lines,
            s.chrf,
            s.bleu,
            s.tokenizer,
            flagged
        ));
    }
    out
}
