//! A pool's settings: what may wait, how engine calls are formed, the cache and the observer.

use std::time::Duration;

use super::queue::QueueLimits;
use super::report::EngineCallObserver;
use crate::batch::BatchLimits;

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
    /// How long a bulk sentence waits behind interactive work at most before it goes first
    /// (bulk work ages, so no interactive load starves it).
    pub bulk_max_wait: Duration,
    /// Bytes of sentence translations to keep; 0 turns the cache off.
    pub cache_bytes: usize,
    /// Start with the workers paused (see [`Pool::resume`](super::Pool::resume)).
    pub start_paused: bool,
    /// Sees every engine call.
    pub observer: Option<EngineCallObserver>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            model_id: "default".to_string(),
            queue: QueueLimits::default(),
            batch: None,
            max_wait: Duration::from_millis(5),
            bulk_workers: None,
            bulk_max_wait: Duration::from_secs(2),
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
            .field("bulk_max_wait", &self.bulk_max_wait)
            .field("cache_bytes", &self.cache_bytes)
            .field("start_paused", &self.start_paused)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}
