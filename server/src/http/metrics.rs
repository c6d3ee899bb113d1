//! `/metrics` in the Prometheus text format: the pool's counters and distributions, and requests
//! by status class.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use translator::pool::{Histogram, PairQuality};
use translator::MetricsSnapshot;

/// Requests answered, by status class.
#[derive(Default)]
pub struct HttpMetrics {
    classes: [AtomicU64; 5],
    in_flight: AtomicU64,
}

impl HttpMetrics {
    /// A request started.
    pub fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request got its response head with `status`.
    pub fn answered(&self, status: u16) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.classes[class].fetch_add(1, Ordering::Relaxed);
    }
}

/// Renders everything: the request counters, then each loaded model's pool, labelled by model.
pub fn render(http: &HttpMetrics, pools: &[(String, MetricsSnapshot)], models: usize, uptime_seconds: f64) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    let all_loaded = models > 0 && pools.len() == models;
    metric(
        "tolk_up",
        "gauge",
        "Whether every model is loaded and serving (1) or not (0).",
        f64::from(u8::from(all_loaded)),
    );
    metric(
        "tolk_models_loaded",
        "gauge",
        "Models loaded and serving.",
        pools.len() as f64,
    );
    metric(
        "tolk_uptime_seconds",
        "gauge",
        "Seconds since the server started.",
        uptime_seconds,
    );
    metric(
        "tolk_http_requests_in_flight",
        "gauge",
        "Requests being answered now.",
        http.in_flight.load(Ordering::Relaxed) as f64,
    );
    let _ = writeln!(
        out,
        "# HELP tolk_http_responses_total Responses sent, by status class.\n# TYPE tolk_http_responses_total counter"
    );
    for (i, count) in http.classes.iter().enumerate() {
        let _ = writeln!(
            out,
            "tolk_http_responses_total{{class=\"{}xx\"}} {}",
            i + 1,
            count.load(Ordering::Relaxed)
        );
    }
    let pick = |f: &dyn Fn(&MetricsSnapshot) -> f64| -> Vec<(&str, f64)> {
        pools.iter().map(|(model, m)| (model.as_str(), f(m))).collect()
    };
    let mut family = |name: &str, kind: &str, help: &str, values: Vec<(&str, f64)>| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (model, value) in values {
            let _ = writeln!(out, "{name}{{model=\"{}\"}} {value}", escape(model));
        }
    };
    type Gauge = (&'static str, &'static str, fn(&MetricsSnapshot) -> f64);
    let gauges: [Gauge; 7] = [
        ("tolk_queue_sentences", "Sentences waiting for the engine.", |m| {
            m.queue.sentences as f64
        }),
        ("tolk_queue_tokens", "Source tokens waiting for the engine.", |m| {
            m.queue.tokens as f64
        }),
        (
            "tolk_queue_interactive_sentences",
            "Interactive sentences waiting.",
            |m| m.queue.interactive as f64,
        ),
        ("tolk_queue_bulk_sentences", "Bulk sentences waiting.", |m| {
            m.queue.bulk as f64
        }),
        ("tolk_running_batches", "Engine calls running now.", |m| {
            m.running_batches as f64
        }),
        (
            "tolk_output_tokens_per_second",
            "Output tokens per second over the last 30 s.",
            |m| m.tokens_per_second,
        ),
        ("tolk_cache_bytes", "Bytes held by the sentence cache.", |m| {
            m.cache.bytes as f64
        }),
    ];
    for (name, help, value) in gauges {
        family(name, "gauge", help, pick(&value));
    }
    let counters: [Gauge; 13] = [
        ("tolk_submissions_total", "Submissions accepted into the queue.", |m| {
            m.submitted as f64
        }),
        ("tolk_completions_total", "Submissions answered in full.", |m| {
            m.completed as f64
        }),
        (
            "tolk_rejected_busy_total",
            "Submissions refused because the queue was full.",
            |m| m.rejected_busy as f64,
        ),
        (
            "tolk_rejected_too_large_total",
            "Submissions larger than the whole queue.",
            |m| m.rejected_too_large as f64,
        ),
        ("tolk_timeouts_total", "Submissions past their deadline.", |m| {
            m.timeouts as f64
        }),
        ("tolk_cancelled_total", "Submissions whose caller went away.", |m| {
            m.cancelled as f64
        }),
        (
            "tolk_cancelled_sentences_total",
            "Sentences withdrawn because their caller went away.",
            |m| m.cancelled_sentences as f64,
        ),
        ("tolk_failed_total", "Submissions that failed in the engine.", |m| {
            m.failed as f64
        }),
        ("tolk_batches_total", "Engine calls.", |m| m.batches as f64),
        (
            "tolk_sentences_translated_total",
            "Sentences the engine translated.",
            |m| m.sentences_translated as f64,
        ),
        ("tolk_output_tokens_total", "Output tokens produced.", |m| {
            m.output_tokens as f64
        }),
        ("tolk_cache_hits_total", "Sentences answered from the cache.", |m| {
            m.cache_hits as f64
        }),
        ("tolk_cache_misses_total", "Sentences not in the cache.", |m| {
            m.cache_misses as f64
        }),
    ];
    for (name, help, value) in counters {
        family(name, "counter", help, pick(&value));
    }
    quality(&mut out, pools);
    type Distribution = (&'static str, &'static str, fn(&MetricsSnapshot) -> &Histogram);
    let histograms: [Distribution; 5] = [
        ("tolk_batch_sentences", "Distinct sentences per engine call.", |m| {
            &m.batch_sentences
        }),
        ("tolk_batch_tokens", "Source tokens per engine call.", |m| {
            &m.batch_tokens
        }),
        ("tolk_queue_wait_seconds", "Time a sentence waited in the queue.", |m| {
            &m.queue_wait
        }),
        ("tolk_engine_seconds", "Time of one engine call.", |m| &m.engine),
        ("tolk_request_seconds", "Time from submission to answer.", |m| &m.total),
    ];
    for (name, help, histogram_of) in histograms {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (model, snapshot) in pools {
            let histogram = histogram_of(snapshot);
            let model = escape(model);
            let mut cumulative = 0;
            for (bound, count) in histogram.bounds.iter().zip(&histogram.counts) {
                cumulative += count;
                let _ = writeln!(out, "{name}_bucket{{model=\"{model}\",le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{model=\"{model}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(out, "{name}_sum{{model=\"{model}\"}} {}", histogram.sum);
            let _ = writeln!(out, "{name}_count{{model=\"{model}\"}} {}", histogram.count);
        }
    }
    out
}

/// The quality checks' verdicts by model and language pair: sentences by level, flags, and the
/// outcome of second decodes. Pairs past the pool's bound are labelled `other`.
fn quality(out: &mut String, pools: &[(String, MetricsSnapshot)]) {
    // Each pool's pairs, labelled once for the three families: (source, target, counts).
    type Pairs<'a> = Vec<(String, String, &'a PairQuality)>;
    let rows: Vec<(String, Pairs)> = pools
        .iter()
        .map(|(model, snapshot)| {
            let counts = &snapshot.quality;
            let mut rows: Vec<_> = counts
                .pairs
                .iter()
                .map(|((source, target), q)| (source.to_string(), target.to_string(), q))
                .collect();
            if counts.other.sentences > 0 {
                rows.push(("other".into(), "other".into(), &counts.other));
            }
            (escape(model), rows)
        })
        .collect();
    type Samples = fn(&PairQuality) -> Vec<(&'static str, u64)>;
    let families: [(&str, &str, &str, Samples); 3] = [
        (
            "tolk_quality_sentences_total",
            "Sentences the engine translated, by the quality checks' level.",
            "level",
            |q| {
                vec![
                    ("good", q.sentences - q.uncertain - q.poor),
                    ("uncertain", q.uncertain),
                    ("poor", q.poor),
                ]
            },
        ),
        (
            "tolk_quality_flags_total",
            "Translated sentences each quality flag was raised on.",
            "flag",
            |q| q.flags.iter().map(|(flag, &count)| (flag.as_str(), count)).collect(),
        ),
        (
            "tolk_quality_retries_total",
            "Flagged sentences decoded a second time, by outcome.",
            "outcome",
            |q| vec![("replaced", q.replaced), ("kept", q.retried - q.replaced)],
        ),
    ];
    for (name, help, label, samples) in families {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        for (model, pairs) in &rows {
            for (source, target, q) in pairs {
                for (value, count) in samples(q) {
                    let _ = writeln!(
                        out,
                        "{name}{{model=\"{model}\",source=\"{source}\",target=\"{target}\",{label}=\"{value}\"}} {count}"
                    );
                }
            }
        }
    }
}

/// A label value as the Prometheus text format writes it.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
