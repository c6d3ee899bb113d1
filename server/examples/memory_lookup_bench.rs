//! What a translation memory of 100,000 entries costs a request, through the application core
//! as `/v1/translate` calls it (`Core::memory_matches`): the version query, cutting the text into
//! sentences, the exact lookup, and the fuzzy lookup from the in-memory index.
//!
//!     cargo run --release -p tolk-server --example memory_lookup_bench -- MODEL_DIR [DATABASE_URL] [ENTRIES]
//!
//! Without a database URL it uses a fresh SQLite file (the default store); scripts/bench-memory-lookup
//! runs it for SQLite and a temporary PostgreSQL side by side. The entries are English→French
//! pairs made from the English sentences of langs/data/everyday.tsv, recombined (so that near
//! matches exist, as in a real memory), imported as TSV into one memory. Each lookup is timed
//! on its own, 500 of each kind, one sentence per request; medians and 95th percentiles are
//! printed with the baseline: the same call for a language pair without entries.

use std::time::{Duration, Instant};

use langs::LangCode;
use tolk_server::app::memory::exchange::ExchangeFormat;
use tolk_server::app::memory::Matching;
use tolk_server::app::Core;
use tolk_server::settings::Settings;

const ROUNDS: usize = 500;

/// A small deterministic generator (no dependency for a benchmark's shuffling).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let i = ((times.len() - 1) as f64 * p).round() as usize;
    times[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let model = args
        .first()
        .expect("usage: memory_lookup_bench MODEL_DIR [DATABASE_URL] [ENTRIES]");
    let entries: usize = args.get(2).map_or(100_000, |n| n.parse().expect("ENTRIES is a number"));
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut settings = vec![
        "--model".to_string(),
        model.clone(),
        "--threads".to_string(),
        "1".to_string(),
    ];
    match args.get(1).filter(|u| !u.is_empty()) {
        Some(url) => settings.extend(["--database-url".to_string(), url.clone()]),
        None => settings.extend(["--data-dir".to_string(), data.path().display().to_string()]),
    }
    let settings = Settings::from_args(&settings).expect("settings");
    let store = if settings.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let core = Core::start(settings).expect("the core starts");
    core.models.load_all();
    let model = core.models.model(None).expect("the model");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");

    let english: Vec<Vec<String>> = include_str!("../../langs/data/everyday.tsv")
        .lines()
        .filter(|l| l.starts_with("eng_Latn\t"))
        .filter_map(|l| l.split('\t').nth(2))
        .map(|s| {
            s.trim_end_matches(['.', '?', '!'])
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect();
    let mut random = Lcg(7);
    let sentence = |random: &mut Lcg| -> String {
        // The first third of one sentence, the middle of another and the end of a third.
        let mut pick = || &english[random.next(english.len())];
        let (a, b, c) = (pick(), pick(), pick());
        let mut words: Vec<&str> = a[..a.len() / 3].iter().map(String::as_str).collect();
        words.extend(b[b.len() / 3..2 * b.len() / 3].iter().map(String::as_str));
        words.extend(c[2 * c.len() / 3..].iter().map(String::as_str));
        let mut text = words.join(" ");
        text.push('.');
        text
    };
    let mut tsv = String::new();
    let mut stored = Vec::with_capacity(entries);
    let mut seen = std::collections::HashSet::new();
    let mut attempts = 0;
    while stored.len() < entries {
        attempts += 1;
        assert!(
            attempts < entries * 20,
            "too few distinct sentences to make {entries} entries"
        );
        let s = sentence(&mut random);
        if s.split_whitespace().count() >= 5 && seen.insert(s.to_lowercase()) {
            tsv.push_str(&format!("eng_Latn\tfra_Latn\t{s}\tTraduction {}.\n", stored.len()));
            stored.push(s);
        }
    }
    let (eng, fra, deu) = (
        LangCode::parse("eng_Latn").unwrap(),
        LangCode::parse("fra_Latn").unwrap(),
        LangCode::parse("deu_Latn").unwrap(),
    );
    let started = Instant::now();
    let imported = runtime
        .block_on(core.import_memory(None, "bench", ExchangeFormat::Tsv, tsv.into_bytes()))
        .expect("the import");
    println!(
        "{store}: imported {imported} entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let time = |pair: (LangCode, LangCode), text: &str, matching: Matching| -> (Duration, usize, usize) {
        let texts = [text.to_string()];
        let started = Instant::now();
        let found = runtime
            .block_on(core.memory_matches(None, &model, pair, &texts, matching))
            .expect("a lookup");
        (started.elapsed(), found.exact.len(), found.fuzzy.len())
    };
    // The first fuzzy lookup reads the pair's entries and builds the index, once per version.
    let (build, _, _) = time(
        (eng, fra),
        "A sentence to warm the index up.",
        Matching::WithSuggestions,
    );

    let mut baseline = Vec::new();
    let mut exact = Vec::new();
    let mut fuzzy = Vec::new();
    let (mut exact_hits, mut fuzzy_hits, mut eligible, mut eligible_hits) = (0, 0, 0, 0);
    for round in 0..ROUNDS {
        let known = &stored[random.next(stored.len())];
        // A near sentence: one word of the stored one changed.
        let mut words: Vec<&str> = known.split_whitespace().collect();
        let at = random.next(words.len());
        words[at] = if words[at].len() > 3 { "something" } else { "we" };
        let near = words.join(" ");
        let (t, _, _) = time((eng, deu), known, Matching::WithSuggestions);
        baseline.push(t);
        let (t, found, _) = time((eng, fra), known, Matching::Exact);
        exact.push(t);
        exact_hits += found;
        let (t, _, offered) = time((eng, fra), &near, Matching::WithSuggestions);
        fuzzy.push(t);
        fuzzy_hits += offered;
        // Whether the stored sentence is at least 75% similar (the default), measured apart.
        let similar = strsim::normalized_levenshtein(&known.to_lowercase(), &near.to_lowercase()) >= 0.75;
        eligible += usize::from(similar);
        eligible_hits += usize::from(similar && offered > 0);
        if round == 0 {
            println!("example near sentence: {near:?} (stored: {known:?})");
        }
    }
    // Right after a write the index is stale: it is served while its successor is built.
    let mut after_write = Vec::new();
    let mut without_write = Vec::new();
    for round in 0..20 {
        let known = &stored[random.next(stored.len())];
        let (t, _, _) = time((eng, fra), &format!("{known} Yes"), Matching::WithSuggestions);
        without_write.push(t);
        let line = format!("eng_Latn\tfra_Latn\tA new correction number {round}.\tUne correction.\n");
        runtime
            .block_on(core.import_memory(None, "bench", ExchangeFormat::Tsv, line.into_bytes()))
            .expect("a write");
        let known = &stored[random.next(stored.len())];
        let near = format!("{known} Yes");
        let (t, _, _) = time((eng, fra), &near, Matching::WithSuggestions);
        after_write.push(t);
    }
    println!("{store}, {imported} entries, {ROUNDS} lookups each, one sentence per request:");
    println!(
        "  fuzzy index built once per version: {:.1} ms",
        build.as_secs_f64() * 1000.0
    );
    let median_baseline = percentile(&mut baseline, 0.5);
    for (name, times, hits) in [
        ("no entries for the pair (baseline)", &mut baseline, None),
        ("exact match", &mut exact, Some(exact_hits)),
        ("fuzzy match (one word changed)", &mut fuzzy, Some(fuzzy_hits)),
        ("two sentences, one stored (20)", &mut without_write, None),
        ("the same right after a write (20)", &mut after_write, None),
    ] {
        let median = percentile(times, 0.5);
        println!(
            "  {name:36} median {median:.3} ms, p95 {:.3} ms, ×{:.2} of baseline{}",
            percentile(times, 0.95),
            median / median_baseline,
            hits.map_or(String::new(), |h| format!(", found for {h} of {ROUNDS}"))
        );
    }
    println!(
        "  near sentences at least 75% like their stored one: {eligible}; offered it or a closer one: {eligible_hits}"
    );
}
