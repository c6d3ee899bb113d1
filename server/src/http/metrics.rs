//! `/metrics` in the Prometheus text format: the pool's counters and distributions, and requests
//! by status class.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use translator::pool::Histogram;
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

/// Renders everything; `pool` is `None` while the model loads.
pub fn render(http: &HttpMetrics, pool: Option<&MetricsSnapshot>, uptime_seconds: f64) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    metric(
        "tolk_up",
        "gauge",
        "Whether the model is loaded and serving (1) or not (0).",
        f64::from(u8::from(pool.is_some())),
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
    let Some(m) = pool else {
        return out;
    };
    let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    let gauges: [(&str, &str, f64); 7] = [
        (
            "tolk_queue_sentences",
            "Sentences waiting for the engine.",
            m.queue.sentences as f64,
        ),
        (
            "tolk_queue_tokens",
            "Source tokens waiting for the engine.",
            m.queue.tokens as f64,
        ),
        (
            "tolk_queue_interactive_sentences",
            "Interactive sentences waiting.",
            m.queue.interactive as f64,
        ),
        (
            "tolk_queue_bulk_sentences",
            "Bulk sentences waiting.",
            m.queue.bulk as f64,
        ),
        (
            "tolk_running_batches",
            "Engine calls running now.",
            m.running_batches as f64,
        ),
        (
            "tolk_output_tokens_per_second",
            "Output tokens per second over the last 30 s.",
            m.tokens_per_second,
        ),
        (
            "tolk_cache_bytes",
            "Bytes held by the sentence cache.",
            m.cache.bytes as f64,
        ),
    ];
    for (name, help, value) in gauges {
        metric(name, "gauge", help, value);
    }
    let counters: [(&str, &str, u64); 13] = [
        (
            "tolk_submissions_total",
            "Submissions accepted into the queue.",
            m.submitted,
        ),
        ("tolk_completions_total", "Submissions answered in full.", m.completed),
        (
            "tolk_rejected_busy_total",
            "Submissions refused because the queue was full.",
            m.rejected_busy,
        ),
        (
            "tolk_rejected_too_large_total",
            "Submissions larger than the whole queue.",
            m.rejected_too_large,
        ),
        ("tolk_timeouts_total", "Submissions past their deadline.", m.timeouts),
        (
            "tolk_cancelled_total",
            "Submissions whose caller went away.",
            m.cancelled,
        ),
        (
            "tolk_cancelled_sentences_total",
            "Sentences withdrawn because their caller went away.",
            m.cancelled_sentences,
        ),
        ("tolk_failed_total", "Submissions that failed in the engine.", m.failed),
        ("tolk_batches_total", "Engine calls.", m.batches),
        (
            "tolk_sentences_translated_total",
            "Sentences the engine translated.",
            m.sentences_translated,
        ),
        ("tolk_output_tokens_total", "Output tokens produced.", m.output_tokens),
        (
            "tolk_cache_hits_total",
            "Sentences answered from the cache.",
            m.cache_hits,
        ),
        ("tolk_cache_misses_total", "Sentences not in the cache.", m.cache_misses),
    ];
    for (name, help, value) in counters {
        metric(name, "counter", help, value as f64);
    }
    let histograms: [(&str, &str, &Histogram); 5] = [
        (
            "tolk_batch_sentences",
            "Distinct sentences per engine call.",
            &m.batch_sentences,
        ),
        ("tolk_batch_tokens", "Source tokens per engine call.", &m.batch_tokens),
        (
            "tolk_queue_wait_seconds",
            "Time a sentence waited in the queue.",
            &m.queue_wait,
        ),
        ("tolk_engine_seconds", "Time of one engine call.", &m.engine),
        ("tolk_request_seconds", "Time from submission to answer.", &m.total),
    ];
    for (name, help, histogram) in histograms {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in histogram.bounds.iter().zip(&histogram.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", histogram.count);
        let _ = writeln!(out, "{name}_sum {}\n{name}_count {}", histogram.sum, histogram.count);
    }
    out
}
