//! Builds detection profiles from `code<TAB>paragraph` lines.
//!
//! `cargo run --release -p langs --example build_profiles -- TRAIN.tsv OUT.bin [MAX_ORDER] [MIN_COUNT]`
//! (normally run by `scripts/make_detect_profiles.py`).

use langs::detect::{BuildOptions, Profiles};
use langs::LangCode;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: build_profiles TRAIN.tsv OUT.bin [MAX_ORDER] [MIN_COUNT]".into());
    };
    let mut options = BuildOptions::default();
    if let Some(order) = rest.first() {
        options.max_order = order.parse()?;
    }
    if let Some(count) = rest.get(1) {
        options.min_count = count.parse()?;
    }
    let data = std::fs::read_to_string(input)?;
    let mut samples = Vec::new();
    for line in data.lines().filter(|l| !l.is_empty()) {
        let (code, text) = line.split_once('\t').ok_or("expected code<TAB>paragraph")?;
        let code = LangCode::from_nllb(code).ok_or_else(|| format!("not an NLLB code: {code}"))?;
        samples.push((code, text));
    }
    let profiles = Profiles::build(samples, options);
    let bytes = profiles.to_bytes();
    std::fs::write(output, &bytes)?;
    println!(
        "{output}: {} languages, n-grams up to {}, {} bytes",
        profiles.languages().len(),
        profiles.max_order(),
        bytes.len()
    );
    Ok(())
}
