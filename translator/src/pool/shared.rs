//! What the pool's handle, its callers' tickets and its worker threads share.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::batcher::Policy;
use super::cache::SentenceCache;
use super::error::PoolError;
use super::job::JobId;
use super::metrics::Metrics;
use super::queue::Queue;
use super::report::EngineCallObserver;
use crate::translator::Translator;

/// The pool's state that changes under one lock: short critical sections only, never an engine
/// call.
pub(crate) struct State {
    pub queue: Queue,
    /// Workers take no new calls while paused.
    pub paused: bool,
    /// Shut down: nothing new is accepted, workers exit.
    pub closed: bool,
    /// Engine calls running now, and how many of them are bulk.
    pub running: usize,
    pub running_bulk: usize,
    /// Whether the last call started was bulk work that went before waiting interactive work.
    pub bulk_went_first: bool,
}

pub(crate) struct Shared {
    pub translator: Arc<Translator>,
    pub model: Arc<str>,
    pub policy: Policy,
    pub state: Mutex<State>,
    /// Signalled when work arrives, a call ends, or the pool is paused, resumed or closed.
    pub wake: Condvar,
    /// `None` when the cache is off.
    pub cache: Option<SentenceCache>,
    pub metrics: Metrics,
    pub observer: Option<EngineCallObserver>,
    pub next_job: AtomicU64,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // The state's invariants hold between statements that cannot panic (counts and queue
        // moves), so a poisoned lock still guards consistent data.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes a submission's sentences that have not started; returns how many.
    pub(crate) fn withdraw(&self, job: JobId) -> usize {
        let removed = self.lock().queue.remove_job(job);
        if removed > 0 {
            self.metrics.update(|m| m.cancelled_sentences += removed as u64);
        }
        removed
    }

    /// Shuts down: refuses new work, answers every queued submission with `Closed`, and lets
    /// the workers exit after their current call.
    pub(crate) fn close(&self) {
        let removed = {
            let mut state = self.lock();
            state.closed = true;
            state.queue.remove_where(|_| true)
        };
        for pending in removed {
            pending.job.fail(PoolError::Closed);
        }
        self.wake.notify_all();
    }
}
