//! What the quality checks cost per sentence, next to what translating it costs.
//!
//! ```text
//! cargo run --release -p translator --example quality_bench -- PARAGRAPHS_TSV
//! ```
//! PARAGRAPHS_TSV is `code<TAB>key<TAB>text` (`~/.cache/tolk/detect/eval.tsv` from
//! `scripts/make_detect_profiles.py`): UDHR paragraphs, aligned across languages by key. Each
//! English sentence is paired with the same paragraph's sentence in French, Quechua, Luganda,
//! Chinese and Arabic as its "translation", and `quality::assess` is timed on every pair, with
//! the checks for off-target output (language detection) on and off. The 600M model decodes
//! about 96 tokens a second at beam 1 on this 2-core machine (docs/benchmarks.md), so a sentence
//! of 30 output tokens takes about 310 ms; the ratio printed is the checks' time against that.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use langs::LangCode;
use translator::quality::{assess, QualityThresholds, SentencePair};

/// Seconds the 600M model takes to decode one 30-token sentence at beam 1 here (96 tokens/s).
const TRANSLATION_SECONDS: f64 = 30.0 / 96.0;

fn main() {
    let Some(data) = std::env::args().nth(1) else {
        eprintln!("usage: quality_bench PARAGRAPHS_TSV");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&data).expect("paragraphs file");
    let mut by_key: HashMap<(&str, &str), &str> = HashMap::new();
    for line in text.lines() {
        let mut fields = line.splitn(3, '\t');
        if let (Some(code), Some(key), Some(paragraph)) = (fields.next(), fields.next(), fields.next()) {
            by_key.insert((code, key), paragraph);
        }
    }
    let code = |c: &str| LangCode::from_nllb(c).expect("NLLB code");
    let targets = ["fra_Latn", "quy_Latn", "lug_Latn", "zho_Hans", "arb_Arab"];
    let mut pairs: Vec<(String, String, LangCode)> = Vec::new();
    for (&(lang, key), &english) in &by_key {
        if lang != "eng_Latn" {
            continue;
        }
        for target in targets {
            if let Some(other) = by_key.get(&(target, key)) {
                // The first sentence of each: a sentence-sized pair.
                let first = |p: &str| p.split_inclusive(['.', '。']).next().unwrap_or(p).to_string();
                pairs.push((first(english), first(other), code(target)));
            }
        }
    }
    pairs.sort();
    let limits = QualityThresholds::default();
    let run = |limits: &QualityThresholds| -> Vec<Duration> {
        let mut times: Vec<Duration> = pairs
            .iter()
            .map(|(source, output, target)| {
                let started = Instant::now();
                std::hint::black_box(assess(
                    &SentencePair {
                        source,
                        output,
                        source_language: code("eng_Latn"),
                        target: *target,
                        score: -0.5,
                        hit_limit: false,
                    },
                    limits,
                ));
                started.elapsed()
            })
            .collect();
        times.sort();
        times
    };
    // Off-target detection needs 20 letters; raising that past every sentence turns it off.
    let without_detection = QualityThresholds {
        min_letters: usize::MAX,
        ..limits
    };
    run(&limits); // warm: the detector's profiles and lingua's models load once
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        with.extend(run(&limits));
        without.extend(run(&without_detection));
    }
    with.sort();
    without.sort();
    let median = |t: &[Duration]| t[t.len() / 2];
    let p95 = |t: &[Duration]| t[t.len() * 95 / 100];
    println!(
        "{} sentence pairs x 5: all checks median {:?} (p95 {:?}); without off-target detection {:?} (p95 {:?}); \
         against {:.0} ms to translate a 30-token sentence: {:.2}% (p95 {:.2}%)",
        pairs.len(),
        median(&with),
        p95(&with),
        median(&without),
        p95(&without),
        TRANSLATION_SECONDS * 1000.0,
        100.0 * median(&with).as_secs_f64() / TRANSLATION_SECONDS,
        100.0 * p95(&with).as_secs_f64() / TRANSLATION_SECONDS,
    );
}
