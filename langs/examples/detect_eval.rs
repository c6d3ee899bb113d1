//! Evaluates detection on UDHR paragraphs written by `scripts/make_detect_profiles.py`: per-language
//! accuracy on full paragraphs and on 60-character snippets, side by side with whatlang alone, the
//! macro averages, and how often a `reliable` answer is right.
//!
//! `cargo run --release -p langs --example detect_eval -- ~/.cache/tolk/detect/eval.tsv`
//!
//! Options (for tuning on `dev.tsv` with `--profiles ~/.cache/tolk/detect/dev-profiles.bin`):
//! `--alpha X --temperature X --whatlang-weight X --reliable X --min-letters N --quiet`.

use std::collections::BTreeMap;

use langs::detect::{whatlang_alone, Detector, Profiles, Settings};
use langs::LangCode;

const SNIPPET_CHARS: usize = 60;

#[derive(Default, Clone, Copy)]
struct Tally {
    total: usize,
    ours: usize,
    whatlang: usize,
}

impl Tally {
    fn pct(hits: usize, total: usize) -> f64 {
        if total == 0 {
            0.0
        } else {
            100.0 * hits as f64 / total as f64
        }
    }
}

#[derive(Default)]
struct Reliability {
    reliable: usize,
    reliable_right: usize,
    total: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data_path = args.first().ok_or("usage: detect_eval DATA.tsv [options]")?;
    let mut settings = Settings::default();
    let mut profiles_path = None;
    let mut quiet = false;
    let mut i = 1;
    while i < args.len() {
        let value = || args.get(i + 1).ok_or(format!("{} needs a value", args[i]));
        match args[i].as_str() {
            "--profiles" => profiles_path = Some(value()?.clone()),
            "--alpha" => settings.alpha = value()?.parse()?,
            "--temperature" => settings.temperature = value()?.parse()?,
            "--whatlang-weight" => settings.whatlang_weight = value()?.parse()?,
            "--reliable" => settings.reliable_confidence = value()?.parse()?,
            "--min-letters" => settings.min_letters = value()?.parse()?,
            "--quiet" => {
                quiet = true;
                i += 1;
                continue;
            }
            other => return Err(format!("unknown option {other}").into()),
        }
        i += 2;
    }
    let profiles = match &profiles_path {
        Some(path) => Profiles::from_bytes(&std::fs::read(path)?)?,
        None => Profiles::from_bytes(include_bytes!("../data/profiles.bin"))?,
    };
    let detector = Detector::new(profiles, settings);

    let data = std::fs::read_to_string(data_path)?;
    let mut paragraphs: BTreeMap<LangCode, Tally> = BTreeMap::new();
    let mut snippets: BTreeMap<LangCode, Tally> = BTreeMap::new();
    let mut reliability = [Reliability::default(), Reliability::default()];
    for line in data.lines().filter(|l| !l.is_empty()) {
        let mut fields = line.splitn(3, '\t');
        let (Some(code), Some(_key), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("expected code<TAB>key<TAB>paragraph: {line}").into());
        };
        let truth = LangCode::from_nllb(code).ok_or_else(|| format!("not an NLLB code: {code}"))?;
        let chars: Vec<char> = text.chars().collect();
        let pieces = chars.chunks_exact(SNIPPET_CHARS).map(|c| c.iter().collect::<String>());
        let units = std::iter::once((0, text.to_string())).chain(pieces.map(|s| (1, s)));
        for (kind, unit) in units {
            let tally = if kind == 0 {
                paragraphs.entry(truth).or_default()
            } else {
                snippets.entry(truth).or_default()
            };
            let found = detector.detect(&unit);
            let right = found.as_ref().is_some_and(|d| d.language == truth);
            tally.total += 1;
            tally.ours += usize::from(right);
            tally.whatlang += usize::from(whatlang_alone(&unit) == Some(truth));
            let r = &mut reliability[kind];
            r.total += 1;
            if found.is_some_and(|d| d.reliable) {
                r.reliable += 1;
                r.reliable_right += usize::from(right);
            }
        }
    }

    if !quiet {
        println!(
            "{:<10} {:>5} {:>7} {:>9} {:>6} {:>7} {:>9}",
            "language", "paras", "ours", "whatlang", "snips", "ours", "whatlang"
        );
        for (code, p) in &paragraphs {
            let s = snippets.get(code).copied().unwrap_or_default();
            // Short paragraphs (Chinese, Japanese) give no 60-character snippet: a dash, not 0%.
            let cell = |hits, total| {
                if total == 0 {
                    "-".to_string()
                } else {
                    format!("{:.1}%", Tally::pct(hits, total))
                }
            };
            println!(
                "{:<10} {:>5} {:>7} {:>9} {:>6} {:>7} {:>9}",
                code.as_str(),
                p.total,
                cell(p.ours, p.total),
                cell(p.whatlang, p.total),
                s.total,
                cell(s.ours, s.total),
                cell(s.whatlang, s.total)
            );
        }
        println!();
    }
    let macro_avg = |map: &BTreeMap<LangCode, Tally>, pick: fn(&Tally) -> usize| {
        let rates: Vec<f64> = map
            .values()
            .filter(|t| t.total > 0)
            .map(|t| Tally::pct(pick(t), t.total))
            .collect();
        rates.iter().sum::<f64>() / rates.len().max(1) as f64
    };
    println!(
        "languages: {}   paragraphs: {}   snippets: {}",
        paragraphs.len(),
        reliability[0].total,
        reliability[1].total
    );
    println!(
        "macro accuracy, paragraphs:          ours {:>5.1}%   whatlang alone {:>5.1}%",
        macro_avg(&paragraphs, |t| t.ours),
        macro_avg(&paragraphs, |t| t.whatlang)
    );
    println!(
        "macro accuracy, {SNIPPET_CHARS}-char snippets:    ours {:>5.1}%   whatlang alone {:>5.1}%",
        macro_avg(&snippets, |t| t.ours),
        macro_avg(&snippets, |t| t.whatlang)
    );
    for (name, r) in ["paragraphs", "snippets"].iter().zip(&reliability) {
        println!(
            "reliable answers, {name:<10}: {:>5.1}% of texts, right {:>5.2}% of the time",
            Tally::pct(r.reliable, r.total),
            Tally::pct(r.reliable_right, r.reliable)
        );
    }
    Ok(())
}
