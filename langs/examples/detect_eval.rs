//! Evaluates detection, per language and on average, for Tolk's detector (combined) side by side
//! with each part alone: our UDHR profiles, lingua and whatlang.
//!
//! Two sets:
//! - UDHR paragraphs written by `scripts/make_detect_profiles.py` (articles 16–30, never trained
//!   on), each whole and cut into 60-character snippets:
//!   `cargo run --release -p langs --example detect_eval -- ~/.cache/tolk/detect/eval.tsv`
//! - everyday sentences, `langs/data/everyday.tsv` (see `scripts/make_everyday_eval.py`), the test
//!   split unless `--split dev` (the one settings are tuned on):
//!   `cargo run --release -p langs --example detect_eval -- --everyday langs/data/everyday.tsv`
//!
//! Options for tuning: `--profiles FILE --alpha X --temperature X --whatlang-weight X
//! --unknown-weight X --lingua-candidates N --word-factor X --unknown-word-factor X --word-cap N
//! --word-groups N --reliable X --min-letters N --quiet` (combined only, no table), and
//! `--mistakes` to print every text the combined detector gets wrong (truth, answer, text).

use std::collections::BTreeMap;

use langs::detect::{lingua_alone, whatlang_alone, Detector, Profiles, Settings};
use langs::LangCode;

const SNIPPET_CHARS: usize = 60;
const COLUMNS: [&str; 4] = ["combined", "profiles", "lingua", "whatlang"];

/// Per language and kind of unit: how many, and how many each detector got right.
#[derive(Default, Clone, Copy)]
struct Tally {
    total: usize,
    right: [usize; 4],
}

#[derive(Default)]
struct Reliability {
    reliable: usize,
    reliable_right: usize,
    total: usize,
}

fn pct(hits: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * hits as f64 / total as f64
    }
}

struct Options {
    data: String,
    everyday: bool,
    split: String,
    settings: Settings,
    profiles: Option<String>,
    quiet: bool,
    mistakes: bool,
}

fn options() -> Result<Options, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options {
        data: String::new(),
        everyday: false,
        split: "test".into(),
        settings: Settings::default(),
        profiles: None,
        quiet: false,
        mistakes: false,
    };
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).ok_or(format!("{} needs a value", args[i]));
        match args[i].as_str() {
            "--everyday" => o.everyday = true,
            "--quiet" => o.quiet = true,
            "--mistakes" => o.mistakes = true,
            flag if !flag.starts_with("--") => o.data = flag.to_string(),
            flag => {
                let v = value()?;
                match flag {
                    "--split" => o.split = v.clone(),
                    "--profiles" => o.profiles = Some(v.clone()),
                    "--alpha" => o.settings.alpha = v.parse()?,
                    "--temperature" => o.settings.temperature = v.parse()?,
                    "--whatlang-weight" => o.settings.whatlang_weight = v.parse()?,
                    "--unknown-weight" => o.settings.unknown_weight = v.parse()?,
                    "--lingua-candidates" => o.settings.lingua_candidates = v.parse()?,
                    "--word-factor" => o.settings.word_factor = v.parse()?,
                    "--word-cap" => o.settings.word_cap = v.parse()?,
                    "--unknown-word-factor" => o.settings.unknown_word_factor = v.parse()?,
                    "--word-groups" => o.settings.word_groups = v.parse()?,
                    "--reliable" => o.settings.reliable_confidence = v.parse()?,
                    "--min-letters" => o.settings.min_letters = v.parse()?,
                    other => return Err(format!("unknown option {other}").into()),
                }
                i += 1;
            }
        }
        i += 1;
    }
    if o.data.is_empty() {
        return Err("usage: detect_eval [--everyday [--split dev|test]] DATA.tsv [options]".into());
    }
    Ok(o)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = options()?;
    let profiles = match &o.profiles {
        Some(path) => Profiles::from_bytes(&std::fs::read(path)?)?,
        None => Profiles::from_bytes(include_bytes!("../data/profiles.bin"))?,
    };
    let combined = Detector::new(profiles.clone(), o.settings);
    let profiles_alone = Detector::new(
        profiles,
        Settings {
            lingua: false,
            whatlang_weight: 1.0,
            word_factor: 1.0,
            unknown_word_factor: 1.0,
            ..o.settings
        },
    );

    let data = std::fs::read_to_string(&o.data)?;
    // Kind 0: whole paragraphs or everyday sentences; kind 1: snippets of paragraphs.
    let mut tallies: [BTreeMap<LangCode, Tally>; 2] = Default::default();
    let mut reliability = [Reliability::default(), Reliability::default()];
    let mut confusions: BTreeMap<(LangCode, LangCode), usize> = BTreeMap::new();
    for line in data.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut fields = line.splitn(3, '\t');
        let (Some(code), Some(key), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("expected code<TAB>key<TAB>text: {line}").into());
        };
        if o.everyday && key.split('/').nth(1) != Some(o.split.as_str()) {
            continue;
        }
        let truth = LangCode::from_nllb(code).ok_or_else(|| format!("not an NLLB code: {code}"))?;
        let mut units = vec![(0, text.to_string())];
        if !o.everyday {
            let chars: Vec<char> = text.chars().collect();
            units.extend(chars.chunks_exact(SNIPPET_CHARS).map(|c| (1, c.iter().collect())));
        }
        for (kind, unit) in units {
            let found = combined.detect(&unit);
            let answers = if o.quiet {
                // Tuning: only the combined detector matters, and the others take most of the time.
                [found.as_ref().map(|d| d.language), None, None, None]
            } else {
                [
                    found.as_ref().map(|d| d.language),
                    profiles_alone.detect(&unit).map(|d| d.language),
                    lingua_alone(&unit),
                    whatlang_alone(&unit),
                ]
            };
            if let Some(wrong) = answers[0].filter(|&a| a != truth) {
                *confusions.entry((truth, wrong)).or_default() += 1;
                if o.mistakes {
                    println!("mistake\t{truth}\t{wrong}\t{unit}");
                }
            }
            let tally = tallies[kind].entry(truth).or_default();
            tally.total += 1;
            for (right, answer) in tally.right.iter_mut().zip(answers) {
                *right += usize::from(answer == Some(truth));
            }
            let r = &mut reliability[kind];
            r.total += 1;
            if found.is_some_and(|d| d.reliable) {
                r.reliable += 1;
                r.reliable_right += usize::from(answers[0] == Some(truth));
            }
        }
    }

    let kinds: &[&str] = if o.everyday {
        &["sentences"]
    } else {
        &["paragraphs", "snippets"]
    };
    if !o.quiet {
        print!("{:<10}", "language");
        for kind in kinds {
            print!(" {:>6}", kind.chars().take(6).collect::<String>());
            for column in COLUMNS {
                print!(" {column:>8}");
            }
        }
        println!();
        for (code, first) in &tallies[0] {
            print!("{:<10}", code.as_str());
            for (k, _) in kinds.iter().enumerate() {
                let t = if k == 0 {
                    *first
                } else {
                    tallies[k].get(code).copied().unwrap_or_default()
                };
                print!(" {:>6}", t.total);
                for hits in t.right {
                    // Short paragraphs (Chinese, Japanese) give no snippet: a dash, not 0%.
                    let cell = if t.total == 0 {
                        "-".to_string()
                    } else {
                        format!("{:.1}%", pct(hits, t.total))
                    };
                    print!(" {cell:>8}");
                }
            }
            println!();
        }
        println!();
    }
    let mut common: Vec<_> = confusions.into_iter().collect();
    common.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    let shown: Vec<String> = common
        .iter()
        .take(30)
        .map(|((truth, wrong), n)| format!("{truth}→{wrong} {n}"))
        .collect();
    println!("most common mistakes of the combined detector: {}", shown.join(", "));
    println!(
        "languages: {}   {}",
        tallies[0].len(),
        kinds
            .iter()
            .zip(&reliability)
            .map(|(kind, r)| format!("{kind}: {}", r.total))
            .collect::<Vec<_>>()
            .join("   ")
    );
    for (k, kind) in kinds.iter().enumerate() {
        let cells: Vec<String> = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let rates: Vec<f64> = tallies[k]
                    .values()
                    .filter(|t| t.total > 0)
                    .map(|t| pct(t.right[c], t.total))
                    .collect();
                let average = rates.iter().sum::<f64>() / rates.len().max(1) as f64;
                let at_least_95 = rates.iter().filter(|&&r| r >= 95.0).count();
                format!("{name} {average:>5.1}% ({at_least_95} ≥ 95%)")
            })
            .collect();
        println!("macro accuracy, {kind:<10}: {}", cells.join("   "));
    }
    for (kind, r) in kinds.iter().zip(&reliability) {
        println!(
            "reliable answers, {kind:<10}: {:>5.1}% of texts, right {:>5.2}% of the time",
            pct(r.reliable, r.total),
            pct(r.reliable_right, r.reliable)
        );
    }
    Ok(())
}
