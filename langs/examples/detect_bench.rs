//! Prints how long the detector takes to load and to detect one paragraph.
//!
//! `cargo run --release -p langs --example detect_bench -- [PARAGRAPHS.tsv]` (default
//! `~/.cache/tolk/detect/eval.tsv`, written by `scripts/make_detect_profiles.py`). Figures are medians;
//! the machine is shared, so single runs vary.

use std::time::{Duration, Instant};

use langs::detect::Detector;

const LOADS: usize = 21;
const ROUNDS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => path.into(),
        None => std::path::PathBuf::from(std::env::var("HOME")?).join(".cache/tolk/detect/eval.tsv"),
    };
    let data = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let paragraphs: Vec<&str> = data.lines().filter_map(|l| l.splitn(3, '\t').nth(2)).collect();

    let loads: Vec<Duration> = (0..LOADS)
        .map(|_| {
            let start = Instant::now();
            let detector = Detector::embedded().expect("embedded profiles load");
            let elapsed = start.elapsed();
            std::hint::black_box(detector);
            elapsed
        })
        .collect();
    println!(
        "load (parse embedded profiles, build detector): median {:?} over {LOADS} loads",
        median(loads)
    );

    let mut settings = langs::detect::Settings::default();
    if std::env::var("NO_WHATLANG").is_ok() {
        settings.whatlang_weight = 1.0;
    }
    let detector = Detector::new(
        langs::detect::Profiles::from_bytes(include_bytes!("../data/profiles.bin"))?,
        settings,
    );
    let mut per_paragraph = Vec::with_capacity(paragraphs.len() * ROUNDS);
    let mut total = Duration::ZERO;
    for _ in 0..ROUNDS {
        for paragraph in &paragraphs {
            let start = Instant::now();
            std::hint::black_box(detector.detect(paragraph));
            let elapsed = start.elapsed();
            per_paragraph.push(elapsed);
            total += elapsed;
        }
    }
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    let n = per_paragraph.len();
    per_paragraph.sort();
    println!(
        "detect: {} paragraphs (mean {} characters) x {ROUNDS}: median {:?}, p95 {:?}, mean {:?} per paragraph",
        paragraphs.len(),
        chars / paragraphs.len().max(1),
        per_paragraph[n / 2],
        per_paragraph[n * 95 / 100],
        total / n as u32
    );

    // Longer paragraphs: consecutive paragraphs of one language joined to at least 1,000 characters.
    let mut long: Vec<String> = Vec::new();
    let mut current = (String::new(), String::new());
    for line in data.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(code), Some(_), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if code != current.0 {
            current = (code.to_string(), String::new());
        }
        current.1.push_str(text);
        current.1.push(' ');
        if current.1.chars().count() >= 1000 {
            long.push(std::mem::take(&mut current.1));
        }
    }
    let mut timings: Vec<Duration> = long
        .iter()
        .map(|text| {
            let start = Instant::now();
            std::hint::black_box(detector.detect(text));
            start.elapsed()
        })
        .collect();
    timings.sort();
    if !timings.is_empty() {
        println!(
            "detect: {} texts of 1,000+ characters: median {:?}, p95 {:?}",
            timings.len(),
            timings[timings.len() / 2],
            timings[timings.len() * 95 / 100]
        );
    }
    Ok(())
}
