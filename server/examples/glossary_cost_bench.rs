//! What a glossary of 10,000 entries costs a translation request, through the application core
//! as `/v1/translate` calls it, side by side with the same request without it.
//!
//!     cargo run --release -p tolk-server --example glossary_cost_bench -- MODEL_DIR [ROUNDS]
//!
//! The glossary is stored (SQLite) with 10,000 English→French entries: the English words of
//! langs/data/everyday.tsv and made-up compounds. The texts are everyday English sentences, each
//! with one or two glossary terms. Rounds alternate: without the glossary, with it by id, with it
//! inline; each reports its median. It also times the parts: reading the entries and building
//! the automaton (per request), and finding and marking the terms of one text.

use std::time::{Duration, Instant};

use langs::{LangCode, SourceChoice};
use tolk_server::app::glossary::marking::{MarkedTexts, Marker};
use tolk_server::app::glossary::terms::Terms;
use tolk_server::app::glossary::{DictionaryInput, EntriesInput, GlossaryChoice};
use tolk_server::app::memory::Matching;
use tolk_server::app::translation::{self, TextFormat, TranslationRequest};
use tolk_server::app::Core;
use tolk_server::settings::Settings;
use translator::{Priority, TranslateOptions};

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let model = args.first().expect("usage: glossary_cost_bench MODEL_DIR [ROUNDS]");
    let rounds: usize = args.get(1).map_or(30, |n| n.parse().expect("ROUNDS is a number"));
    let data = tempfile::tempdir().expect("a temporary folder");
    let settings = Settings::from_args([
        "--model",
        model,
        "--data-dir",
        &data.path().display().to_string(),
        "--cache-mb",
        "0",
    ])
    .expect("settings");
    let core = Core::start(settings).expect("the core starts");
    core.models.load_all();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");

    let sentences: Vec<String> = include_str!("../../langs/data/everyday.tsv")
        .lines()
        .filter(|l| l.starts_with("eng_Latn\t"))
        .filter_map(|l| l.split('\t').nth(2))
        .map(str::to_string)
        .collect();
    let mut words: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| w.len() > 4)
        .collect();
    words.sort();
    words.dedup();
    let mut entries: Vec<(String, String)> = words.iter().map(|w| (w.clone(), format!("«{w}»"))).collect();
    let mut i = 0;
    while entries.len() < 10_000 {
        let term = format!("{} {} {i}", words[i % words.len()], words[(i * 7 + 3) % words.len()]);
        entries.push((term.clone(), format!("«{term}»")));
        i += 1;
    }
    let (eng, fra) = (
        LangCode::parse("eng_Latn").unwrap(),
        LangCode::parse("fra_Latn").unwrap(),
    );
    let glossary = runtime
        .block_on(core.create_glossary(
            None,
            "bench",
            vec![DictionaryInput {
                source: eng,
                target: fra,
                entries: EntriesInput::Pairs(entries.clone()),
            }],
        ))
        .expect("the glossary is stored");
    // The same size of glossary with terms no text holds: what a glossary costs by itself, the
    // model translating exactly what it translates without one.
    let absent: Vec<(String, String)> = (0..entries.len())
        .map(|i| (format!("zqx{i} term"), format!("«zqx{i}»")))
        .collect();
    let absent_glossary = runtime
        .block_on(core.create_glossary(
            None,
            "absent",
            vec![DictionaryInput {
                source: eng,
                target: fra,
                entries: EntriesInput::Pairs(absent),
            }],
        ))
        .expect("the glossary is stored");
    let texts: Vec<String> = sentences.iter().take(8).cloned().collect();
    // The same entries written as they are (names kept, the commonest do-not-translate use): the
    // lines holding terms take the kept-span path, yet the model reads the same words.
    let same: Vec<(String, String)> = entries.iter().map(|(s, _)| (s.clone(), s.clone())).collect();
    let same_glossary = runtime
        .block_on(core.create_glossary(
            None,
            "same",
            vec![DictionaryInput {
                source: eng,
                target: fra,
                entries: EntriesInput::Pairs(same),
            }],
        ))
        .expect("the glossary is stored");
    let terms = Terms::new(&entries).expect("the automaton");
    let found: usize = texts.iter().map(|t| terms.find(t).len()).sum();
    println!(
        "CPU: {}; glossary of {} entries; {} texts, {} characters, {found} term occurrences",
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                .split(':')
                .nth(1)
                .unwrap_or("")
                .trim()
                .to_string()))
            .unwrap_or_default(),
        entries.len(),
        texts.len(),
        texts.iter().map(|t| t.chars().count()).sum::<usize>()
    );

    let request = |glossary: Option<GlossaryChoice>| TranslationRequest {
        texts: texts.clone(),
        source: SourceChoice::Given(eng),
        target: fra,
        format: TextFormat::Text,
        options: TranslateOptions {
            beam_size: 1,
            retry_flagged: false,
            ..TranslateOptions::default()
        },
        model: None,
        priority: Priority::Interactive,
        owner: None,
        matching: Matching::Exact,
        glossary,
    };
    let model = core.models.model(None).expect("the model");
    // Each request's time and the tokens the model wrote for it: the terms change what the model
    // translates, and a model's time follows what it writes (a random-weight model writes to its
    // length limit from whatever input), so time per written token is compared too.
    let run = |glossary: Option<GlossaryChoice>| {
        let tokens = model.pool.metrics().output_tokens;
        let started = Instant::now();
        runtime
            .block_on(translation::translate(&core, request(glossary)))
            .expect("a translation");
        (started.elapsed(), model.pool.metrics().output_tokens - tokens)
    };
    let modes: [(&str, Option<GlossaryChoice>); 5] = [
        ("without a glossary", None),
        (
            "stored, no term in the texts",
            Some(GlossaryChoice::Stored(absent_glossary.id.clone())),
        ),
        (
            "stored, 19 terms kept as written",
            Some(GlossaryChoice::Stored(same_glossary.id.clone())),
        ),
        (
            "stored, 19 terms in the texts",
            Some(GlossaryChoice::Stored(glossary.id.clone())),
        ),
        (
            "inline, 19 terms in the texts",
            Some(GlossaryChoice::Inline(entries.clone())),
        ),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); modes.len()];
    let mut per_token: Vec<Vec<Duration>> = vec![Vec::new(); modes.len()];
    let mut written: Vec<u64> = vec![0; modes.len()];
    for _ in 0..rounds {
        for (i, (_, choice)) in modes.iter().enumerate() {
            let (took, tokens) = run(choice.clone());
            times[i].push(took);
            per_token[i].push(took / u32::try_from(tokens.max(1)).unwrap_or(u32::MAX));
            written[i] += tokens;
        }
    }
    let base = median(&mut times[0]);
    let base_token = median(&mut per_token[0]);
    for (i, (name, _)) in modes.iter().enumerate() {
        let m = median(&mut times[i]);
        let t = median(&mut per_token[i]);
        println!(
            "  {name:32} median {m:9.2} ms  ×{:.3}; {:6.0} tokens written a request, {:.3} ms a token  ×{:.3}",
            m / base,
            written[i] as f64 / rounds as f64,
            t,
            t / base_token
        );
    }
    let mut build = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        runtime
            .block_on(core.glossary_terms(None, GlossaryChoice::Stored(glossary.id.clone()), (eng, fra)))
            .expect("the terms");
        build.push(started.elapsed());
    }
    let mut compile = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(Terms::new(&entries).expect("the automaton"));
        compile.push(started.elapsed());
    }
    let marker = Marker::new(Some(std::sync::Arc::new(terms)), true);
    let mut mark = Vec::new();
    for _ in 0..rounds * 20 {
        let owned: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        let started = Instant::now();
        std::hint::black_box(MarkedTexts::new(&marker, owned));
        mark.push(started.elapsed());
    }
    println!(
        "  parts: the stored glossary looked up, its compiled terms cached, {:.2} ms a request; compiling the 10,000 entries {:.2} ms once per version; finding and marking the terms of all texts {:.3} ms",
        median(&mut build),
        median(&mut compile),
        median(&mut mark)
    );
}
