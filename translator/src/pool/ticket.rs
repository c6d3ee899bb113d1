//! The caller's side of a submission: await it for the translations; drop it to withdraw the
//! sentences that have not started.

use std::sync::Arc;

use langs::LangCode;
use tokio::sync::oneshot;

use super::error::PoolError;
use super::job::{Job, Reply};
use super::shared::Shared;
use crate::segment::Layout;
use crate::translation::{render_text, Hypothesis, TextTranslation};

/// One text's layout and how many of the submission's sentences are its own.
pub(crate) struct TextPlan {
    pub layout: Layout,
    pub sentences: usize,
}

/// A queued submission. [`Ticket::wait`] gives its translations; dropping the ticket (or the
/// future `wait` returns) before the end removes its sentences that have not started from the
/// queue, so work nobody waits for is not done.
pub struct Ticket {
    pub(crate) shared: Arc<Shared>,
    pub(crate) job: Arc<Job>,
    pub(crate) receiver: Option<oneshot::Receiver<Reply>>,
    pub(crate) texts: Vec<TextPlan>,
    pub(crate) target: LangCode,
    pub(crate) alternatives: usize,
    /// Answered or given up: nothing left to withdraw on drop.
    pub(crate) settled: bool,
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("job", &self.job.id)
            .field("texts", &self.texts.len())
            .field("sentences", &self.sentences())
            .finish()
    }
}

impl Ticket {
    /// How many sentences (or chunks of long sentences) the submission was cut into.
    pub fn sentences(&self) -> usize {
        self.texts.iter().map(|t| t.sentences).sum()
    }

    /// Waits for every text's translation, in submission order, each as
    /// [`Translator::translate_texts`](crate::Translator::translate_texts) renders it. With a
    /// deadline, it needs a tokio runtime with time enabled.
    pub async fn wait(mut self) -> Result<Vec<TextTranslation>, PoolError> {
        let reply = match self.job.deadline {
            Some(deadline) => tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), self.reply())
                .await
                .unwrap_or(Err(PoolError::Timeout)),
            None => self.reply().await,
        };
        match reply {
            Ok(sentences) => {
                let out = self.render(&sentences);
                self.finish();
                Ok(out)
            }
            Err(error) => {
                self.give_up(&error);
                Err(error)
            }
        }
    }

    /// The pool's answer; pending for ever once it has been taken.
    pub(crate) async fn reply(&mut self) -> Reply {
        let Some(receiver) = self.receiver.as_mut() else {
            return std::future::pending().await;
        };
        // A dropped sender means the pool went away without answering.
        let reply = receiver.await.unwrap_or(Err(PoolError::Closed));
        self.receiver = None;
        reply
    }

    /// Records a submission answered in full.
    pub(crate) fn finish(&mut self) {
        self.settled = true;
        let total = self.job.submitted.elapsed().as_secs_f64();
        self.shared.metrics.update(|m| {
            m.completed += 1;
            m.total.observe(total);
        });
    }

    /// Records a submission that ended in `error`; past its deadline, its waiting sentences go.
    pub(crate) fn give_up(&mut self, error: &PoolError) {
        self.settled = true;
        if matches!(error, PoolError::Timeout) {
            self.shared.withdraw(self.job.id);
            self.shared.metrics.update(|m| m.timeouts += 1);
        }
    }

    fn render(&self, sentences: &[Vec<Hypothesis>]) -> Vec<TextTranslation> {
        let mut rest = sentences;
        self.texts
            .iter()
            .map(|plan| {
                let (own, after) = rest.split_at(plan.sentences.min(rest.len()));
                rest = after;
                render_text(&plan.layout, self.target, own, self.alternatives)
            })
            .collect()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.settled {
            self.shared.withdraw(self.job.id);
            self.shared.metrics.update(|m| m.cancelled += 1);
        }
    }
}
