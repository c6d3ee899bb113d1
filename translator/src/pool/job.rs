//! One caller's submission while the pool works on it: a slot per sentence, filled by whichever
//! worker translates it, and the channel its caller waits on.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};

use super::error::PoolError;
use crate::translation::Hypothesis;

/// Identifies a submission inside one pool.
pub(crate) type JobId = u64;

/// What a caller gets: every sentence's hypotheses in order, or why not.
pub(crate) type Reply = Result<Vec<Vec<Hypothesis>>, PoolError>;

/// Where a streaming caller hears of each sentence as it is translated: its index and hypotheses.
/// Unbounded, yet bounded by the job's sentence count: each slot is sent at most once.
pub(crate) type Progress = mpsc::UnboundedSender<(usize, Vec<Hypothesis>)>;

/// A submission's sentences' results as they come in.
pub(crate) struct Job {
    pub id: JobId,
    pub deadline: Option<Instant>,
    pub submitted: Instant,
    /// Its caller reads sentences in order as they come (see `batcher::streaming_call`).
    pub streaming: bool,
    state: Mutex<State>,
}

struct State {
    results: Vec<Option<Vec<Hypothesis>>>,
    remaining: usize,
    /// Taken when the reply is sent: a job answers once.
    reply: Option<oneshot::Sender<Reply>>,
    progress: Option<Progress>,
}

impl Job {
    /// A job of `sentences` empty slots and the receiving end its caller waits on.
    pub(crate) fn new(
        id: JobId,
        sentences: usize,
        deadline: Option<Instant>,
        submitted: Instant,
        progress: Option<Progress>,
    ) -> (Job, oneshot::Receiver<Reply>) {
        let (reply, receiver) = oneshot::channel();
        let job = Job {
            id,
            deadline,
            submitted,
            streaming: progress.is_some(),
            state: Mutex::new(State {
                results: vec![None; sentences],
                remaining: sentences,
                reply: Some(reply),
                progress,
            }),
        };
        (job, receiver)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every mutation below is a few assignments that cannot panic halfway.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores one sentence's translation; true when it was the last one and the caller was
    /// answered (and still listening).
    pub(crate) fn fill(&self, index: usize, hypotheses: Vec<Hypothesis>) -> bool {
        let mut state = self.lock();
        if !matches!(state.results.get(index), Some(None)) {
            return false;
        }
        if let Some(progress) = &state.progress {
            // A streaming caller that went away is noticed through the reply channel.
            let _ = progress.send((index, hypotheses.clone()));
        }
        state.results[index] = Some(hypotheses);
        state.remaining -= 1;
        Self::answer_if_complete(&mut state)
    }

    /// Answers the caller if nothing remains (e.g. every sentence came from the cache).
    pub(crate) fn complete_if_done(&self) -> bool {
        Self::answer_if_complete(&mut self.lock())
    }

    fn answer_if_complete(state: &mut State) -> bool {
        if state.remaining > 0 {
            return false;
        }
        let Some(reply) = state.reply.take() else {
            return false;
        };
        let results = state.results.iter_mut().map(|r| r.take().unwrap_or_default()).collect();
        reply.send(Ok(results)).is_ok()
    }

    /// Answers the caller with an error, unless it was answered already; true if this did.
    pub(crate) fn fail(&self, error: PoolError) -> bool {
        match self.lock().reply.take() {
            Some(reply) => reply.send(Err(error)).is_ok(),
            None => false,
        }
    }

    /// Whether translating more of it still serves anyone: not answered, caller still there.
    pub(crate) fn is_open(&self) -> bool {
        self.lock().reply.as_ref().is_some_and(|r| !r.is_closed())
    }

    /// Whether its deadline has passed.
    pub(crate) fn expired(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|d| now >= d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hypothesis(text: &str) -> Vec<Hypothesis> {
        vec![Hypothesis {
            text: text.into(),
            tokens: vec![],
            score: 0.0,
            quality: crate::quality::Quality::unchecked(),
            origin: crate::translation::Origin::Model,
        }]
    }

    #[test]
    fn answers_once_all_slots_are_filled_in_order() {
        let (job, mut receiver) = Job::new(1, 2, None, Instant::now(), None);
        assert!(!job.fill(1, hypothesis("b")));
        assert!(receiver.try_recv().is_err());
        assert!(!job.fill(7, hypothesis("out of range")));
        assert!(job.fill(0, hypothesis("a")));
        let results = receiver.try_recv().unwrap().unwrap();
        assert_eq!(results[0][0].text, "a");
        assert_eq!(results[1][0].text, "b");
        assert!(!job.fail(PoolError::Closed), "answered already");
    }

    #[test]
    fn a_caller_that_went_away_closes_the_job() {
        let (job, receiver) = Job::new(1, 1, None, Instant::now(), None);
        assert!(job.is_open());
        drop(receiver);
        assert!(!job.is_open());
        assert!(!job.fill(0, hypothesis("a")));
    }
}
