//! Prints how long the detector takes to load and to detect a 200-character text, side by side
//! with the detector without lingua (the baseline), and a text of 1,000+ characters.
//!
//! `cargo run --release -p langs --example detect_bench -- [PARAGRAPHS.tsv]` (default
//! `~/.cache/tolk/detect/eval.tsv`, written by `scripts/make_detect_profiles.py`). Figures are medians;
//! the machine is shared, so single runs vary.

use std::time::{Duration, Instant};

use langs::detect::{Detector, Settings};

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

    // Texts of exactly 200 characters, cut from the paragraphs (shorter ones are left out).
    let texts: Vec<String> = paragraphs
        .iter()
        .filter(|p| p.chars().count() >= 200)
        .map(|p| p.chars().take(200).collect())
        .collect();
    let profiles = langs::detect::Profiles::from_bytes(include_bytes!("../data/profiles.bin"))?;
    let combined = Detector::new(profiles.clone(), Settings::default());
    // The baseline: the detector as it was before lingua joined (profiles and whatlang).
    let baseline = Detector::new(
        profiles,
        Settings {
            lingua: false,
            ..Settings::default()
        },
    );
    // lingua opens each language's models on first use: the first text of a script pays for it.
    let start = Instant::now();
    std::hint::black_box(combined.detect(&texts[0]));
    println!(
        "first detection (opens lingua's models for its script): {:?}",
        start.elapsed()
    );
    let time_all = |detector: &Detector| {
        let mut samples = Vec::with_capacity(texts.len() * ROUNDS);
        for _ in 0..ROUNDS {
            for text in &texts {
                let start = Instant::now();
                std::hint::black_box(detector.detect(text));
                samples.push(start.elapsed());
            }
        }
        samples.sort();
        (samples[samples.len() / 2], samples[samples.len() * 95 / 100])
    };
    // Warm both, then measure them alternately so that machine load hits both alike.
    time_all(&combined);
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        ours.push(time_all(&combined));
        base.push(time_all(&baseline));
    }
    ours.sort();
    base.sort();
    let (ours, base) = (ours[1], base[1]);
    println!(
        "detect a 200-character text ({} texts x {ROUNDS}): median {:?} (p95 {:?}); baseline without lingua {:?} (p95 {:?}); ratio {:.2}",
        texts.len(),
        ours.0,
        ours.1,
        base.0,
        base.1,
        ours.0.as_secs_f64() / base.0.as_secs_f64()
    );
    let detector = combined;

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
