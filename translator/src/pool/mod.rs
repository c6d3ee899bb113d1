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
//! The pieces: [`config`](PoolConfig), [`request`](Submission) (what a caller asks), `queue` (what
//! waits, and admission), `batcher` (what runs next), `worker` (the threads) and `shared` (the
//! state they and the callers share), `job` and [`Ticket`] (one caller's results;
//! [`SentenceStream`] for them sentence by sentence), `cache`, [`metrics`](MetricsSnapshot), and
//! [`report`](EngineCallReport) (each engine call, for an observer).

mod batcher;
mod cache;
mod config;
mod error;
mod job;
mod metrics;
mod quality_counts;
mod queue;
mod report;
mod request;
mod shared;
mod stream;
mod ticket;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

pub use cache::CacheUsage;
pub use config::PoolConfig;
pub use error::PoolError;
pub use metrics::{Histogram, MetricsSnapshot, QueueDepth};
pub use quality_counts::{PairQuality, QualityCounts, MAX_PAIRS};
pub use queue::QueueLimits;
pub use report::{EngineCallObserver, EngineCallReport};
pub use request::{Priority, Submission};
pub use stream::{SentenceStream, StreamItem};
pub use ticket::Ticket;

use crate::translation::{Hypothesis, TextRequest, TextTranslation};
use crate::translator::Translator;
use batcher::Policy;
use cache::{cacheable, CacheKey, OptionsKey, SentenceCache};
use job::Job;
use queue::{retry_after, Admission, Pending, Queue};
use shared::{Shared, State};
use ticket::TextPlan;

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
            bulk_max_wait: config.bulk_max_wait,
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
                bulk_went_first: false,
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
            known,
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
        let (mut hits, mut known_hits) = (0, 0);
        let mut pending = Vec::with_capacity(sentences.len());
        for (index, (text, tokens)) in sentences.into_iter().enumerate() {
            if let Some(translation) = known.get(&text) {
                job.fill(index, vec![Hypothesis::known(translation)]);
                known_hits += 1;
                continue;
            }
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
            m.known_sentences += known_hits;
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
