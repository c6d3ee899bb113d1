//! What the quality checks and the second decode of flagged sentences cost in throughput, on a
//! real model, side by side (docs/quality.md):
//!
//! ```text
//! cargo run --release -p translator --example quality_cost_bench -- MODEL_DIR langs/data/everyday.tsv [BEAM] [ROUNDS]
//! ```
//! Everyday sentences (the test split of `langs/data/everyday.tsv`) in both directions between
//! English and French, Luganda, Zulu, Chinese and Arabic are translated in one call per run, three
//! ways: checks skipped (the baseline), checks on, checks on with `retry_flagged`. The three
//! alternate within each round (rotating which goes first) and the median of the rounds is
//! compared; the flagged share is what the checks found without retries.

use std::time::{Duration, Instant};

use langs::LangCode;
use translator::{TextRequest, TranslateOptions, Translator, TranslatorConfig};

/// Sentences per language: enough for a batch the engine fills, little enough for a quick run.
const PER_LANGUAGE: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, tsv, rest @ ..] = args.as_slice() else {
        eprintln!("usage: quality_cost_bench MODEL_DIR EVERYDAY_TSV [BEAM] [ROUNDS]");
        std::process::exit(2);
    };
    let beam: usize = rest.first().map_or(1, |b| b.parse().expect("beam"));
    let rounds: usize = rest.get(1).map_or(3, |r| r.parse().expect("rounds"));
    let code = |c: &str| LangCode::from_nllb(c).expect("NLLB code");
    let text = std::fs::read_to_string(tsv).expect("everyday.tsv");
    let english = code("eng_Latn");
    let others = ["fra_Latn", "lug_Latn", "zul_Latn", "zho_Hans", "arb_Arab"].map(code);
    let mut work: Vec<(String, LangCode, LangCode)> = Vec::new();
    for language in std::iter::once(english).chain(others) {
        let sentences = text
            .lines()
            .filter_map(|line| {
                let mut fields = line.splitn(3, '\t');
                let (lang, key, sentence) = (fields.next()?, fields.next()?, fields.next()?);
                (lang == language.as_str() && key.contains("/test/")).then(|| sentence.to_string())
            })
            .take(PER_LANGUAGE);
        for (i, sentence) in sentences.enumerate() {
            // English goes to each other language in turn; the others go to English.
            let target = if language == english {
                others[i % others.len()]
            } else {
                english
            };
            work.push((sentence, language, target));
        }
    }
    let requests: Vec<TextRequest> = work
        .iter()
        .map(|(text, source, target)| TextRequest {
            text,
            source: *source,
            target: *target,
        })
        .collect();
    let open = |skip_quality_checks: bool| {
        Translator::open(
            std::path::Path::new(model),
            TranslatorConfig {
                skip_quality_checks,
                ..TranslatorConfig::default()
            },
        )
        .expect("the model loads")
    };
    let (unchecked, checked) = (open(true), open(false));
    let options = |retry_flagged: bool| TranslateOptions {
        beam_size: beam,
        retry_flagged,
        ..TranslateOptions::default()
    };
    let runs: [(&str, &Translator, TranslateOptions); 3] = [
        ("checks skipped", &unchecked, options(false)),
        ("checks on", &checked, options(false)),
        ("checks on, retry_flagged", &checked, options(true)),
    ];
    // Warm: lingua's models and the detector's profiles load on first use.
    checked
        .translate_texts(&requests[..2], &options(false))
        .expect("warm-up");
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); runs.len()];
    let (mut sentences, mut flagged, mut replaced) = (0, 0, 0);
    for round in 0..rounds {
        for k in 0..runs.len() {
            let which = (round + k) % runs.len();
            let (_, translator, options) = &runs[which];
            let started = Instant::now();
            let out = translator.translate_texts(&requests, options).expect("translation");
            times[which].push(started.elapsed());
            eprintln!(
                "round {round}: {} {:.2} s",
                runs[which].0,
                started.elapsed().as_secs_f64()
            );
            let quality = out.iter().flat_map(|t| &t.sentence_quality).map(|s| &s.quality);
            if which == 1 && round == 0 {
                for q in quality {
                    sentences += 1;
                    flagged += usize::from(q.is_flagged());
                }
            } else if which == 2 && round == 0 {
                replaced += quality
                    .filter(|q| q.retry == Some(translator::quality::Retry::Replaced))
                    .count();
            }
        }
    }
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        t[t.len() / 2].as_secs_f64()
    };
    let medians: Vec<f64> = times.iter_mut().map(median).collect();
    println!(
        "{} texts ({sentences} sentences), beam {beam}, {rounds} rounds; flagged without retry: {flagged} ({:.1}%), \
         replaced by the retry: {replaced}",
        requests.len(),
        100.0 * flagged as f64 / sentences.max(1) as f64
    );
    for ((name, _, _), seconds) in runs.iter().zip(&medians) {
        println!(
            "  {name:<26} median {seconds:>7.2} s  ×{:.3} of checks skipped",
            seconds / medians[0]
        );
    }
}
