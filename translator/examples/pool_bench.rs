//! The worker pool against the two other ways to serve the same sentences, side by side in one
//! run on one loaded model (docs/pool.md):
//!
//! - (a) pool: N callers submit one sentence each at the same moment and await it;
//! - (b) offline: all N sentences in one batch call per replica (the engine's best case);
//! - (c) per request: each sentence translated alone as it arrives, one call per sentence on
//!   as many threads as there are replicas (how a server without batching serves).
//!
//! Then the interactive latency under bulk load: one-sentence interactive requests while a bulk
//! submission keeps a replica busy, against the same request on the idle pool.
//!
//! ```text
//! pool_bench [MODEL_DIR] [SENTENCES] [OUTPUT_TOKENS] [REPLICAS] [THREADS_PER_REPLICA]
//! ```
//! Defaults: `~/.cache/tolk/bench-nllb-600m`, 64 sentences, 8 output tokens (fixed, so every way
//! does the same work), 2 replicas of 1 thread. Greedy decoding; sentences from the committed
//! reference set (many languages) into French.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use langs::LangCode;
use serde::Deserialize;
use translator::{Pool, PoolConfig, Priority, Segment, Submission, TranslateOptions, Translator, TranslatorConfig};

#[derive(Deserialize)]
struct References {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    source_lang: String,
    text: String,
}

/// Throughput and latency of one way of serving.
struct Figures {
    seconds: f64,
    latencies: Vec<f64>,
}

impl Figures {
    fn percentile(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    fn print(&self, name: &str, sentences: usize) {
        println!(
            "{name:<34} {:>8.2} {:>10.2} {:>8.2} {:>8.2}",
            self.seconds,
            sentences as f64 / self.seconds,
            self.percentile(0.5),
            self.percentile(0.99)
        );
    }
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    match args.get(i) {
        Some(value) => value.parse().unwrap_or_else(|_| {
            eprintln!("argument {} is not a number: {value}", i + 1);
            std::process::exit(2);
        }),
        None => default,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let model = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cache/tolk/bench-nllb-600m"));
    let count: usize = arg(&args, 1, 64);
    let output_tokens: usize = arg(&args, 2, 8);
    let replicas: usize = arg(&args, 3, 2);
    let threads: usize = arg(&args, 4, 1);

    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/reference/tiny-nllb.json");
    let cases = serde_json::from_str::<References>(&std::fs::read_to_string(reference).expect("reference set"))
        .expect("reference JSON")
        .cases;
    let target = LangCode::parse("fra_Latn").expect("code");
    let segments: Vec<Segment> = cases
        .iter()
        .cycle()
        .take(count)
        .map(|c| Segment {
            text: c.text.clone(),
            source: LangCode::parse(&c.source_lang).expect("code"),
            target,
        })
        .collect();
    let config = TranslatorConfig {
        threads,
        replicas,
        fixed_decoding_length: Some(output_tokens),
        ..TranslatorConfig::default()
    };
    let started = Instant::now();
    let translator = Arc::new(Translator::open(&model, config).expect("model loads"));
    let options = TranslateOptions {
        beam_size: 1,
        ..TranslateOptions::default()
    };
    println!(
        "model {} loaded in {:.1} s: {replicas} replica(s) × {threads} thread(s); {count} sentences, {output_tokens} output tokens each, greedy",
        model.display(),
        started.elapsed().as_secs_f64()
    );
    // Warm up every replica once, outside the measurements.
    std::thread::scope(|scope| {
        for _ in 0..replicas {
            scope.spawn(|| {
                translator
                    .translate_segments(&segments[..1], &options)
                    .expect("warm-up")
            });
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("tokio runtime");

    // (a) The pool, every caller at once.
    let pool = Arc::new(
        Pool::new(
            Arc::clone(&translator),
            PoolConfig {
                // Each sentence must reach the engine, not the cache.
                cache_bytes: 0,
                ..PoolConfig::default()
            },
        )
        .expect("pool starts"),
    );
    let pooled = runtime.block_on(async {
        let start = Instant::now();
        let callers: Vec<_> = segments
            .iter()
            .map(|s| {
                let pool = Arc::clone(&pool);
                let submission = Submission::new(vec![s.text.clone()], s.source, s.target).options(options.clone());
                tokio::spawn(async move {
                    pool.translate(submission).await.expect("pool translation");
                    start.elapsed().as_secs_f64()
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for caller in callers {
            latencies.push(caller.await.expect("caller"));
        }
        Figures {
            seconds: start.elapsed().as_secs_f64(),
            latencies,
        }
    });
    let metrics = pool.metrics();

    // (b) Offline: one batch call per replica, concurrently.
    let offline = {
        let start = Instant::now();
        let chunk = segments.len().div_ceil(replicas);
        std::thread::scope(|scope| {
            for part in segments.chunks(chunk) {
                let (translator, options) = (&translator, &options);
                scope.spawn(move || translator.translate_segments(part, options).expect("offline"));
            }
        });
        let seconds = start.elapsed().as_secs_f64();
        Figures {
            seconds,
            // Every caller waits for the whole batch.
            latencies: vec![seconds; segments.len()],
        }
    };

    // (c) Per request: one call per sentence, `replicas` at a time, in arrival order.
    let per_request = {
        let start = Instant::now();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let latencies = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..replicas {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(segment) = segments.get(i) else { break };
                    translator
                        .translate_segments(std::slice::from_ref(segment), &options)
                        .expect("per request");
                    latencies.lock().expect("latencies").push(start.elapsed().as_secs_f64());
                });
            }
        });
        Figures {
            seconds: start.elapsed().as_secs_f64(),
            latencies: latencies.into_inner().expect("latencies"),
        }
    };

    println!();
    println!(
        "{:<34} {:>8} {:>10} {:>8} {:>8}",
        "way", "seconds", "sentences/s", "p50 s", "p99 s"
    );
    pooled.print("(a) pool, concurrent callers", count);
    offline.print("(b) offline batch call", count);
    per_request.print("(c) one call per request", count);
    println!(
        "throughput a/b = {:.2}, a/c = {:.2}; pool made {} engine calls, mean {:.1} sentences per call",
        offline.seconds / pooled.seconds,
        per_request.seconds / pooled.seconds,
        metrics.batches,
        metrics.batch_sentences.mean().unwrap_or(0.0)
    );

    // Interactive latency, idle and under bulk load.
    let probe = |i: usize| {
        let s = &segments[i % segments.len()];
        Submission::new(vec![s.text.clone()], s.source, s.target).options(options.clone())
    };
    let (idle, loaded) = runtime.block_on(async {
        let mut idle = Vec::new();
        for i in 0..3 {
            let start = Instant::now();
            pool.translate(probe(i)).await.expect("idle probe");
            idle.push(start.elapsed().as_secs_f64());
        }
        let bulk: Vec<_> = segments
            .iter()
            .map(|s| {
                let submission = Submission::new(vec![s.text.clone()], s.source, s.target)
                    .options(options.clone())
                    .priority(Priority::Bulk);
                pool.submit(submission).expect("bulk submission")
            })
            .collect();
        let mut loaded = Vec::new();
        for i in 0..3 {
            // Probe only while a bulk call is running.
            while pool.metrics().running_batches == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let start = Instant::now();
            pool.translate(probe(i)).await.expect("loaded probe");
            loaded.push(start.elapsed().as_secs_f64());
        }
        let still_bulk = pool.metrics().queue.bulk;
        for ticket in bulk {
            ticket.wait().await.expect("bulk");
        }
        println!("bulk sentences still queued after the last probe: {still_bulk}");
        (idle, loaded)
    });
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (idle, loaded) = (median(idle), median(loaded));
    println!(
        "interactive one-sentence latency: idle {idle:.3} s, under bulk load {loaded:.3} s, ratio {:.2} (target ≤ 2)",
        loaded / idle
    );
}
