//! One translator, many callers: a worker pool that batches sentences across requests.
//!
//! Async callers [`Pool::submit`] texts and await their [`Ticket`]. Texts are cut into sentences
//! on the caller's side (the same [`Layout`](crate::Layout) machinery `translate_texts` uses);
//! the sentences wait in a bounded [queue](QueueLimits); one worker thread per replica forms
//! engine calls from everybody's waiting sentences (interactive first, same options together,
//! similar lengths together, under a token budget, after a short wait for company) and runs them
//! with [`Translator::translate_segments`] outside the async runtime. Each caller gets its own
//! sentences back, rendered in its own order. A byte-bounded LRU cache answers sentences seen
//! before, and identical sentences in one call are translated once.
//!
//! The pieces: [`request`](Submission) (what a caller asks), `queue` (what waits, and admission),
//! `batcher` (what runs next), `worker` (the threads), `job` and [`Ticket`] (one caller's
//! results; [`SentenceStream`] for them sentence by sentence), `cache`, [`metrics`](MetricsSnapshot).

mod batcher;
mod cache;
mod error;
mod job;
mod metrics;
mod queue;
mod request;
mod shared;
mod stream;
mod ticket;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub use cache::CacheUsage;
pub use error::PoolError;
pub use metrics::{Histogram, MetricsSnapshot, QueueDepth};
pub use queue::QueueLimits;
pub use request::{Priority, Submission};
pub use stream::{SentenceStream, StreamItem};
pub use ticket::Ticket;

use crate::batch::BatchLimits;
use crate::{TextRequest, TextTranslation, Translator};
use batcher::Policy;
use cache::{cacheable, CacheKey, OptionsKey, SentenceCache};
use job::Job;
use queue::{retry_after, Admission, Pending, Queue};
use shared::{Shared, State};
use ticket::TextPlan;

/// Called on a worker thread after every engine call, before its callers are answered: for
/// logs, traces and tests. Keep it quick; it holds up the worker.
pub type BatchObserver = Arc<dyn Fn(&BatchReport) + Send + Sync>;

/// One engine call, as a [`BatchObserver`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    /// Whose work it was.
    pub priority: Priority,
    /// Queued sentences it answered.
    pub sentences: usize,
    /// Distinct sentences the engine translated (the rest were duplicates or cache hits).
    pub translated: usize,
    /// Sentences found in the cache when the call was formed.
    pub cache_hits: usize,
    /// Source tokens of the distinct sentences.
    pub source_tokens: usize,
    /// Output tokens produced (best hypotheses).
    pub output_tokens: usize,
    /// The longest any of its sentences waited in the queue.
    pub longest_wait: Duration,
    /// Time in the engine.
    pub engine: Duration,
}

/// How a pool is set up.
#[derive(Clone)]
pub struct PoolConfig {
    /// Names the model in cache keys, so that a cache never answers for another model.
    pub model_id: String,
    /// How much may wait.
    pub queue: QueueLimits,
    /// Limits of one engine call at beam 1 (scaled down for wider beams); `None` takes the
    /// translator's own [`TranslatorConfig::batch`](crate::TranslatorConfig::batch).
    pub batch: Option<BatchLimits>,
    /// How long a sentence may wait for others to fill its engine call: a few milliseconds buy
    /// much larger calls under load and cost little next to a call's duration.
    pub max_wait: Duration,
    /// How many replicas may run bulk work at once (at least 1); `None` keeps one replica free for
    /// interactive work when there are several (so an interactive request never waits for a
    /// bulk call to end), and allows bulk on the only one otherwise.
    pub bulk_workers: Option<usize>,
    /// Bytes of sentence translations to keep; 0 turns the cache off.
    pub cache_bytes: usize,
    /// Start with the workers paused (see [`Pool::resume`]).
    pub start_paused: bool,
    /// Sees every engine call.
    pub observer: Option<BatchObserver>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            model_id: "default".to_string(),
            queue: QueueLimits::default(),
            batch: None,
            max_wait: Duration::from_millis(5),
            bulk_workers: None,
            cache_bytes: 64 << 20,
            start_paused: false,
            observer: None,
        }
    }
}

impl std::fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolConfig")
            .field("model_id", &self.model_id)
            .field("queue", &self.queue)
            .field("batch", &self.batch)
            .field("max_wait", &self.max_wait)
            .field("bulk_workers", &self.bulk_workers)
            .field("cache_bytes", &self.cache_bytes)
            .field("start_paused", &self.start_paused)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// A translator shared by many async callers; see the [module documentation](self).
/// Dropping it answers queued submissions with [`PoolError::Closed`]; calls already running finish.
pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    /// Starts one worker thread per replica of `translator`.
    pub fn new(translator: Arc<Translator>, config: PoolConfig) -> std::io::Result<Pool> {
        let replicas = translator.config().replicas.max(1);
        let bulk_workers = config
            .bulk_workers
            .unwrap_or(if replicas > 1 { replicas - 1 } else { 1 })
            .max(1);
        let policy = Policy {
            limits: config.batch.unwrap_or(translator.config().batch),
            max_wait: config.max_wait,
            bulk_workers,
        };
        let shared = Arc::new(Shared {
            translator,
            model: config.model_id.into(),
            policy,
            state: Mutex::new(State {
                queue: Queue::new(config.queue),
                paused: config.start_paused,
                closed: false,
                running: 0,
                running_bulk: 0,
            }),
            wake: Condvar::new(),
            cache: (config.cache_bytes > 0).then(|| SentenceCache::new(config.cache_bytes)),
            metrics: metrics::Metrics::new(),
            observer: config.observer,
            next_job: AtomicU64::new(0),
        });
        let pool = Pool { shared };
        for i in 0..replicas {
            let shared = Arc::clone(&pool.shared);
            // Engine calls block for seconds: they get threads of their own, never the runtime's.
            std::thread::Builder::new()
                .name(format!("tolk-pool-{i}"))
                .spawn(move || worker::run(shared))?;
        }
        Ok(pool)
    }

    /// The translator the pool serves.
    pub fn translator(&self) -> &Arc<Translator> {
        &self.shared.translator
    }

    /// Checks and queues a submission, or refuses it at once: `Busy` when the queue is full,
    /// `TooLarge` when it would never fit, `Translator` for a bad language or option. Cutting
    /// the texts into sentences happens here, on the caller's thread: for very large documents
    /// call it from a blocking thread.
    pub fn submit(&self, submission: Submission) -> Result<Ticket, PoolError> {
        self.enqueue(submission, None)
    }

    /// Like [`Pool::submit`], but the translations come sentence by sentence, in order, as soon
    /// as each is ready (and every one before it): for callers that show text as it arrives.
    pub fn stream(&self, submission: Submission) -> Result<SentenceStream, PoolError> {
        let (progress, updates) = tokio::sync::mpsc::unbounded_channel();
        let ticket = self.enqueue(submission, Some(progress))?;
        Ok(SentenceStream::new(ticket, updates))
    }

    fn enqueue(&self, submission: Submission, progress: Option<job::Progress>) -> Result<Ticket, PoolError> {
        let shared = &self.shared;
        let Submission {
            texts,
            source,
            target,
            options,
            priority,
            deadline,
        } = submission;
        options.validate()?;
        let now = Instant::now();
        let mut plans = Vec::with_capacity(texts.len());
        let mut sentences: Vec<(String, usize)> = Vec::new();
        for text in &texts {
            let prepared = shared.translator.prepare(&TextRequest { text, source, target })?;
            let before = sentences.len();
            sentences.extend(
                prepared
                    .layout
                    .sentences()
                    .map(str::to_string)
                    .zip(prepared.source_tokens.iter().copied()),
            );
            plans.push(TextPlan {
                layout: prepared.layout,
                sentences: sentences.len() - before,
            });
        }
        let id = shared.next_job.fetch_add(1, Ordering::Relaxed);
        let (job, receiver) = Job::new(id, sentences.len(), deadline, now, progress);
        let job = Arc::new(job);
        let cache = shared.cache.as_ref().filter(|_| cacheable(&options));
        let options_key = OptionsKey::of(&options);
        let mut hits = 0;
        let mut pending = Vec::with_capacity(sentences.len());
        for (index, (text, tokens)) in sentences.into_iter().enumerate() {
            let text = match cache {
                Some(cache) => {
                    let key = CacheKey {
                        model: Arc::clone(&shared.model),
                        source,
                        target,
                        options: options_key.clone(),
                        text,
                    };
                    if let Some(hit) = cache.get(&key) {
                        job.fill(index, hit);
                        hits += 1;
                        continue;
                    }
                    key.text
                }
                None => text,
            };
            pending.push(Pending {
                job: Arc::clone(&job),
                index,
                text,
                source,
                target,
                tokens,
                enqueued: now,
            });
        }
        let tokens: usize = pending.iter().map(|p| p.tokens).sum();
        {
            let mut state = shared.lock();
            if state.closed {
                return Err(PoolError::Closed);
            }
            match state.queue.admission(pending.len(), tokens) {
                Admission::Fits => {}
                Admission::Full => {
                    let retry = retry_after(
                        state.queue.depth(),
                        state.queue.limits(),
                        pending.len(),
                        tokens,
                        shared.metrics.rates(now),
                    );
                    drop(state);
                    shared.metrics.update(|m| m.rejected_busy += 1);
                    return Err(PoolError::Busy { retry_after: retry });
                }
                Admission::TooLarge => {
                    let limits = state.queue.limits();
                    drop(state);
                    shared.metrics.update(|m| m.rejected_too_large += 1);
                    return Err(PoolError::TooLarge {
                        sentences: pending.len(),
                        tokens,
                        max_sentences: limits.max_sentences,
                        max_tokens: limits.max_tokens,
                    });
                }
            }
            let queued = !pending.is_empty();
            state
                .queue
                .push(priority, &Arc::new(options.clone()), &options_key, pending);
            drop(state);
            if queued {
                shared.wake.notify_all();
            }
        }
        shared.metrics.update(|m| {
            m.submitted += 1;
            m.cache_hits += hits;
        });
        // Everything came from the cache (or there was nothing to translate).
        job.complete_if_done();
        Ok(Ticket {
            shared: Arc::clone(shared),
            job,
            receiver: Some(receiver),
            texts: plans,
            target,
            alternatives: options.alternatives,
            settled: false,
        })
    }

    /// Submits and waits: [`Pool::submit`] then [`Ticket::wait`].
    pub async fn translate(&self, submission: Submission) -> Result<Vec<TextTranslation>, PoolError> {
        self.submit(submission)?.wait().await
    }

    /// What the pool has done and holds now.
    pub fn metrics(&self) -> MetricsSnapshot {
        let (queue, running) = {
            let state = self.shared.lock();
            (state.queue.depth(), state.running)
        };
        let mut snapshot = self.shared.metrics.snapshot(Instant::now());
        snapshot.queue = queue;
        snapshot.running_batches = running;
        if let Some(cache) = &self.shared.cache {
            snapshot.cache = cache.usage();
        }
        snapshot
    }

    /// Stops the workers from starting new engine calls (running ones finish); submissions are
    /// still queued. For maintenance, and for tests that need a full queue.
    pub fn pause(&self) {
        self.shared.lock().paused = true;
        self.shared.wake.notify_all();
    }

    /// Lets the workers take calls again.
    pub fn resume(&self) {
        self.shared.lock().paused = false;
        self.shared.wake.notify_all();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.close();
    }
}
