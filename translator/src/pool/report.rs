//! What a pool tells its observer about each engine call.

use std::sync::Arc;
use std::time::Duration;

use super::request::Priority;

/// Called on a worker thread after every engine call, before its callers are answered: for
/// logs, traces and tests. Keep it quick; it holds up the worker.
pub type EngineCallObserver = Arc<dyn Fn(&EngineCallReport) + Send + Sync>;

/// One engine call, as an [`EngineCallObserver`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineCallReport {
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
