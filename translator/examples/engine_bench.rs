//! One timed run of Tolk's engine for `scripts/bench-engine`, which runs it side by side with the
//! Python CTranslate2 wheel and transformers and prints the comparison.
//!
//! ```text
//! engine_bench MODEL_DIR SENTENCES_JSON TARGET BEAM OUTPUT_TOKENS THREADS [REPLICAS]
//! ```
//! SENTENCES_JSON is a list of `[source_code, text]`. With REPLICAS > 1 the sentences are split
//! into that many concurrent calls, one per replica. Prints one JSON line:
//! `{"seconds": …, "sentences": …, "output_tokens": …, "load_seconds": …}`.

use std::path::PathBuf;
use std::time::Instant;

use langs::LangCode;
use translator::{BatchLimits, Segment, TranslateOptions, Translator, TranslatorConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (model, sentences, target, beam, tokens, threads, replicas) = match args.as_slice() {
        [m, s, t, b, n, th] => (m, s, t, b, n, th, "1"),
        [m, s, t, b, n, th, r] => (m, s, t, b, n, th, r.as_str()),
        _ => {
            eprintln!("usage: engine_bench MODEL_DIR SENTENCES_JSON TARGET BEAM OUTPUT_TOKENS THREADS [REPLICAS]");
            std::process::exit(2);
        }
    };
    let replicas = replicas.parse::<usize>().expect("replicas");
    let number = |s: &str| -> usize { s.parse().unwrap_or_else(|_| panic!("not a number: {s}")) };
    let pairs: Vec<(String, String)> =
        serde_json::from_str(&std::fs::read_to_string(sentences).expect("sentences file")).expect("sentences JSON");
    let target = LangCode::parse(target).expect("target code");
    let segments: Vec<Segment> = pairs
        .iter()
        .map(|(source, text)| Segment {
            text: text.clone(),
            source: LangCode::parse(source).expect("code"),
            target,
        })
        .collect();
    let config = TranslatorConfig {
        threads: number(threads),
        replicas,
        // The whole set in one call per replica at beam 1, as the Python side does with one; wider
        // beams split it as the server does (`BatchLimits::for_beam`), which bounds memory.
        batch: BatchLimits {
            max_tokens: usize::MAX,
            max_sentences: segments.len(),
        },
        fixed_decoding_length: Some(number(tokens)),
        ..TranslatorConfig::default()
    };
    let started = Instant::now();
    let translator = Translator::open(&PathBuf::from(model), config).expect("model loads");
    let load_seconds = started.elapsed().as_secs_f64();
    let options = TranslateOptions {
        beam_size: number(beam),
        ..TranslateOptions::default()
    };
    let started = Instant::now();
    let chunk = segments.len().div_ceil(replicas);
    let output_tokens: usize = std::thread::scope(|scope| {
        let calls: Vec<_> = segments
            .chunks(chunk)
            .map(|part| scope.spawn(|| translator.translate_segments(part, &options).expect("translation")))
            .collect();
        calls
            .into_iter()
            .flat_map(|c| c.join().expect("call"))
            .map(|h| h[0].tokens.len())
            .sum()
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"seconds\": {seconds:.4}, \"sentences\": {}, \"output_tokens\": {output_tokens}, \"load_seconds\": {load_seconds:.4}}}",
        segments.len()
    );
}
