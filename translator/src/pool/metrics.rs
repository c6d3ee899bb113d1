//! Counters and distributions the server exports: how full the queue is, how big batches are,
//! how fast the engine goes, and where a caller's time goes (queue wait, engine, total).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::cache::CacheUsage;
use super::quality_counts::QualityCounts;
use crate::quality::Quality;

/// Seconds: from a millisecond (a cache hit) to a minute (a document).
const LATENCY_BOUNDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Distinct sentences per engine call.
const BATCH_SIZE_BOUNDS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];
/// Source tokens per engine call.
const BATCH_TOKEN_BOUNDS: &[f64] = &[16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0, 8192.0];
/// Rates are measured over the batches that ended this recently: long enough to smooth one
/// batch's noise, short enough to follow a change of load.
const RATE_WINDOW: Duration = Duration::from_secs(30);

/// A distribution in fixed buckets, the shape Prometheus histograms are exported in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Histogram {
    /// Upper bounds of the buckets, ascending; one more, unbounded bucket follows them.
    pub bounds: Vec<f64>,
    /// Observations per bucket (not cumulative), `bounds.len() + 1` of them.
    pub counts: Vec<u64>,
    /// Observations in all.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    /// The largest observation.
    pub max: f64,
}

impl Histogram {
    fn new(bounds: &[f64]) -> Histogram {
        Histogram {
            bounds: bounds.to_vec(),
            counts: vec![0; bounds.len() + 1],
            count: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    pub(crate) fn observe(&mut self, value: f64) {
        let bucket = self
            .bounds
            .iter()
            .position(|&b| value <= b)
            .unwrap_or(self.bounds.len());
        self.counts[bucket] += 1;
        self.count += 1;
        self.sum += value;
        self.max = self.max.max(value);
    }

    /// The mean, if anything was observed.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// An upper estimate of the `q` quantile (0 to 1): the upper bound of the bucket that holds
    /// it, or the largest observation if that is smaller or the bucket is unbounded.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let bound = self.bounds.get(i).copied().unwrap_or(f64::INFINITY);
                return Some(bound.min(self.max));
            }
        }
        Some(self.max)
    }
}

/// How much waits in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueDepth {
    /// Sentences waiting, all priorities.
    pub sentences: usize,
    /// Their source tokens.
    pub tokens: usize,
    /// Interactive sentences waiting.
    pub interactive: usize,
    /// Bulk sentences waiting.
    pub bulk: usize,
}

/// Everything the pool counts, at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsSnapshot {
    /// What waits now.
    pub queue: QueueDepth,
    /// Engine calls running now.
    pub running_batches: usize,
    /// Submissions accepted.
    pub submitted: u64,
    /// Submissions answered with their translations.
    pub completed: u64,
    /// Submissions refused with `Busy`.
    pub rejected_busy: u64,
    /// Submissions refused with `TooLarge`.
    pub rejected_too_large: u64,
    /// Submissions whose deadline passed.
    pub timeouts: u64,
    /// Submissions whose caller went away before the end.
    pub cancelled: u64,
    /// Sentences removed from the queue unstarted because their caller went away or timed out.
    pub cancelled_sentences: u64,
    /// Submissions that failed in the engine.
    pub failed: u64,
    /// Engine calls made.
    pub batches: u64,
    /// Distinct sentences translated by the engine.
    pub sentences_translated: u64,
    /// Their source tokens.
    pub source_tokens: u64,
    /// Output tokens the engine produced (best hypothesis).
    pub output_tokens: u64,
    /// Output tokens per second over the last 30 s.
    pub tokens_per_second: f64,
    /// Sentences translated per second over the last 30 s.
    pub sentences_per_second: f64,
    /// Distinct sentences per engine call.
    pub batch_sentences: Histogram,
    /// Source tokens per engine call.
    pub batch_tokens: Histogram,
    /// Seconds each sentence waited in the queue before its engine call started.
    pub queue_wait: Histogram,
    /// Seconds per engine call.
    pub engine: Histogram,
    /// Seconds from submission to the last sentence's translation, per successful submission.
    pub total: Histogram,
    /// Sentences answered from the cache without an engine call.
    pub cache_hits: u64,
    /// Distinct sentences the cache lacked, sent to the engine.
    pub cache_misses: u64,
    /// Sentences that shared another identical sentence's engine call in the same batch.
    pub deduplicated: u64,
    /// Sentences answered from translations their caller knew (a translation memory).
    pub known_sentences: u64,
    /// What the cache holds.
    pub cache: CacheUsage,
    /// What the quality checks said of the sentences the engine translated, by language pair.
    pub quality: QualityCounts,
}

/// One finished engine call, for the recent rates.
struct Done {
    started: Instant,
    ended: Instant,
    sentences: usize,
    source_tokens: usize,
    output_tokens: usize,
}

/// Rates measured over the recent batches.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Rates {
    pub sentences: f64,
    pub source_tokens: f64,
    pub output_tokens: f64,
}

/// The pool's counters; one lock, taken once per submission and per batch.
pub(crate) struct Metrics {
    inner: Mutex<MetricsSnapshot>,
    recent: Mutex<VecDeque<Done>>,
}

/// A finished engine call, as the worker reports it.
pub(crate) struct BatchRecord {
    pub started: Instant,
    pub ended: Instant,
    pub sentences: usize,
    pub source_tokens: usize,
    pub output_tokens: usize,
    pub queue_waits: Vec<Duration>,
    pub cache_hits: usize,
    pub deduplicated: usize,
    /// Whether the options allow caching; sampled sentences are no cache misses.
    pub cacheable: bool,
    /// Each translated sentence's pair and its best translation's quality.
    pub verdicts: Vec<(langs::LangCode, langs::LangCode, Quality)>,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        Metrics {
            inner: Mutex::new(MetricsSnapshot {
                batch_sentences: Histogram::new(BATCH_SIZE_BOUNDS),
                batch_tokens: Histogram::new(BATCH_TOKEN_BOUNDS),
                queue_wait: Histogram::new(LATENCY_BOUNDS),
                engine: Histogram::new(LATENCY_BOUNDS),
                total: Histogram::new(LATENCY_BOUNDS),
                ..MetricsSnapshot::default()
            }),
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// Counters are plain numbers: a panic elsewhere cannot leave them inconsistent.
    pub(crate) fn update(&self, change: impl FnOnce(&mut MetricsSnapshot)) {
        change(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()));
    }

    fn recent(&self) -> MutexGuard<'_, VecDeque<Done>> {
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn batch(&self, record: BatchRecord) {
        let engine = record.ended.saturating_duration_since(record.started);
        self.update(|m| {
            m.batches += 1;
            m.sentences_translated += record.sentences as u64;
            m.source_tokens += record.source_tokens as u64;
            m.output_tokens += record.output_tokens as u64;
            if record.cacheable {
                m.cache_misses += record.sentences as u64;
            }
            m.cache_hits += record.cache_hits as u64;
            m.deduplicated += record.deduplicated as u64;
            m.batch_sentences.observe(record.sentences as f64);
            m.batch_tokens.observe(record.source_tokens as f64);
            m.engine.observe(engine.as_secs_f64());
            for wait in &record.queue_waits {
                m.queue_wait.observe(wait.as_secs_f64());
            }
            for (source, target, quality) in &record.verdicts {
                m.quality.count(*source, *target, quality);
            }
        });
        let mut recent = self.recent();
        recent.push_back(Done {
            started: record.started,
            ended: record.ended,
            sentences: record.sentences,
            source_tokens: record.source_tokens,
            output_tokens: record.output_tokens,
        });
        while recent
            .front()
            .is_some_and(|d| record.ended.saturating_duration_since(d.ended) > RATE_WINDOW)
        {
            recent.pop_front();
        }
    }

    /// Work done per second since the oldest recent batch started; `None` before any batch.
    pub(crate) fn rates(&self, now: Instant) -> Option<Rates> {
        let recent = self.recent();
        let since = recent.iter().map(|d| d.started).min()?;
        let seconds = now.saturating_duration_since(since).as_secs_f64();
        if seconds <= 0.0 {
            return None;
        }
        let sum = |f: fn(&Done) -> usize| recent.iter().map(f).sum::<usize>() as f64 / seconds;
        Some(Rates {
            sentences: sum(|d| d.sentences),
            source_tokens: sum(|d| d.source_tokens),
            output_tokens: sum(|d| d.output_tokens),
        })
    }

    pub(crate) fn snapshot(&self, now: Instant) -> MetricsSnapshot {
        let mut snapshot = self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(rates) = self.rates(now) {
            snapshot.tokens_per_second = rates.output_tokens;
            snapshot.sentences_per_second = rates.sentences;
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_upper_bounds_of_their_bucket() {
        let mut h = Histogram::new(&[1.0, 2.0, 4.0]);
        assert_eq!(h.quantile(0.5), None);
        for v in [0.5, 1.5, 1.5, 3.0, 10.0] {
            h.observe(v);
        }
        assert_eq!(h.counts, vec![1, 2, 1, 1]);
        assert_eq!(h.quantile(0.5), Some(2.0));
        assert_eq!(h.quantile(0.99), Some(10.0));
        assert_eq!(h.quantile(0.0), Some(1.0));
        assert_eq!(h.mean(), Some(16.5 / 5.0));
    }

    #[test]
    fn rates_follow_recent_batches() {
        let metrics = Metrics::new();
        let start = Instant::now();
        assert!(metrics.rates(start).is_none());
        metrics.batch(BatchRecord {
            started: start,
            ended: start + Duration::from_secs(1),
            sentences: 4,
            source_tokens: 40,
            output_tokens: 80,
            queue_waits: vec![Duration::ZERO; 4],
            cache_hits: 1,
            deduplicated: 2,
            cacheable: true,
            verdicts: Vec::new(),
        });
        let rates = metrics.rates(start + Duration::from_secs(2)).unwrap();
        assert_eq!(rates.output_tokens, 40.0);
        assert_eq!(rates.sentences, 2.0);
        let m = metrics.snapshot(start + Duration::from_secs(2));
        assert_eq!((m.batches, m.cache_misses, m.cache_hits, m.deduplicated), (1, 4, 1, 2));
        assert_eq!(m.queue_wait.count, 4);
    }
}
