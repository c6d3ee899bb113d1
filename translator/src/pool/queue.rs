//! The sentences waiting for an engine call, bounded by sentences and by tokens. It only stores
//! and admits; which sentences go together is the batcher's business (as in text-generation-
//! inference's router, where the queue and the batcher are separate).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use langs::LangCode;

use super::cache::OptionsKey;
use super::job::{Job, JobId};
use super::metrics::{QueueDepth, Rates};
use super::request::Priority;
use crate::options::TranslateOptions;

/// How much may wait in the queue; a submission that does not fit is refused at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Sentences waiting, all callers and priorities together.
    pub max_sentences: usize,
    /// Their source tokens: what bounds the memory held for them and, roughly, the work.
    pub max_tokens: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        // About a minute of work for a 600M model on a few CPU cores, and a few MB of memory.
        QueueLimits {
            max_sentences: 4096,
            max_tokens: 131_072,
        }
    }
}

/// One sentence waiting for the engine.
pub(crate) struct Pending {
    /// The submission it belongs to.
    pub job: Arc<Job>,
    /// Its position among the submission's sentences.
    pub index: usize,
    pub text: String,
    pub source: LangCode,
    pub target: LangCode,
    /// Source sequence length, language token and `</s>` included.
    pub tokens: usize,
    pub enqueued: Instant,
}

/// Sentences that may share an engine call: same priority, same decoding options.
pub(crate) struct Group {
    pub options: Arc<TranslateOptions>,
    pub key: OptionsKey,
    /// Oldest first.
    pub pending: VecDeque<Pending>,
}

/// Whether a submission may be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Fits,
    /// Not now; it would fit an emptier queue.
    Full,
    /// Never: it is larger than the whole queue.
    TooLarge,
}

/// All waiting sentences, by priority, then by options.
pub(crate) struct Queue {
    limits: QueueLimits,
    groups: [Vec<Group>; 2],
    sentences: [usize; 2],
    tokens: usize,
}

impl Queue {
    pub(crate) fn new(limits: QueueLimits) -> Queue {
        Queue {
            limits,
            groups: [Vec::new(), Vec::new()],
            sentences: [0, 0],
            tokens: 0,
        }
    }

    pub(crate) fn limits(&self) -> QueueLimits {
        self.limits
    }

    /// Whether `sentences` more sentences of `tokens` tokens in all may be queued now.
    pub(crate) fn admission(&self, sentences: usize, tokens: usize) -> Admission {
        let depth = self.depth();
        if sentences > self.limits.max_sentences || tokens > self.limits.max_tokens {
            Admission::TooLarge
        } else if depth.sentences + sentences > self.limits.max_sentences
            || depth.tokens + tokens > self.limits.max_tokens
        {
            Admission::Full
        } else {
            Admission::Fits
        }
    }

    /// Queues a submission's sentences (admitted before) behind those of the same options.
    pub(crate) fn push(
        &mut self,
        priority: Priority,
        options: &Arc<TranslateOptions>,
        key: &OptionsKey,
        items: Vec<Pending>,
    ) {
        if items.is_empty() {
            return;
        }
        self.sentences[priority.index()] += items.len();
        self.tokens += items.iter().map(|p| p.tokens).sum::<usize>();
        let groups = &mut self.groups[priority.index()];
        let group = match groups.iter().position(|g| &g.key == key) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Group {
                    options: Arc::clone(options),
                    key: key.clone(),
                    pending: VecDeque::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.pending.extend(items);
    }

    /// What waits now.
    pub(crate) fn depth(&self) -> QueueDepth {
        QueueDepth {
            sentences: self.sentences[0] + self.sentences[1],
            tokens: self.tokens,
            interactive: self.sentences[Priority::Interactive.index()],
            bulk: self.sentences[Priority::Bulk.index()],
        }
    }

    /// The groups of one priority.
    pub(crate) fn groups(&self, priority: Priority) -> &[Group] {
        &self.groups[priority.index()]
    }

    /// The group of `priority` whose oldest sentence has waited longest.
    pub(crate) fn oldest_group(&self, priority: Priority) -> Option<usize> {
        self.groups(priority)
            .iter()
            .enumerate()
            .filter_map(|(i, g)| g.pending.front().map(|p| (p.enqueued, i)))
            .min()
            .map(|(_, i)| i)
    }

    /// Takes the sentences at `positions` (indices into the group's `pending`) out of the queue.
    pub(crate) fn take(&mut self, priority: Priority, group: usize, positions: &[usize]) -> Vec<Pending> {
        let Some(g) = self.groups[priority.index()].get_mut(group) else {
            return Vec::new();
        };
        let mut chosen = vec![false; g.pending.len()];
        for &p in positions {
            if let Some(c) = chosen.get_mut(p) {
                *c = true;
            }
        }
        let mut taken = Vec::with_capacity(positions.len());
        let mut kept = VecDeque::with_capacity(g.pending.len().saturating_sub(positions.len()));
        for (pending, chosen) in g.pending.drain(..).zip(chosen) {
            if chosen {
                taken.push(pending);
            } else {
                kept.push_back(pending);
            }
        }
        g.pending = kept;
        self.forget(priority, &taken);
        taken
    }

    /// Removes every sentence for which `remove` holds, all priorities; returns them.
    pub(crate) fn remove_where(&mut self, mut remove: impl FnMut(&Pending) -> bool) -> Vec<Pending> {
        let mut removed_all = Vec::new();
        for priority in Priority::ALL {
            let mut removed = Vec::new();
            for group in &mut self.groups[priority.index()] {
                let (gone, kept): (VecDeque<Pending>, VecDeque<Pending>) =
                    group.pending.drain(..).partition(|p| remove(p));
                group.pending = kept;
                removed.extend(gone);
            }
            self.forget(priority, &removed);
            removed_all.extend(removed);
        }
        removed_all
    }

    /// Removes a submission's sentences; returns how many there were.
    pub(crate) fn remove_job(&mut self, job: JobId) -> usize {
        self.remove_where(|p| p.job.id == job).len()
    }

    /// Counts sentences out and drops groups left empty.
    fn forget(&mut self, priority: Priority, gone: &[Pending]) {
        self.sentences[priority.index()] -= gone.len();
        self.tokens -= gone.iter().map(|p| p.tokens).sum::<usize>();
        self.groups[priority.index()].retain(|g| !g.pending.is_empty());
    }
}

/// How long a refused caller should wait: the time the recent throughput needs to free the room
/// it lacks, in whole seconds (at least one, at most an hour); one second before any batch ran.
pub(crate) fn retry_after(
    depth: QueueDepth,
    limits: QueueLimits,
    sentences: usize,
    tokens: usize,
    rates: Option<Rates>,
) -> Duration {
    let over_sentences = (depth.sentences + sentences).saturating_sub(limits.max_sentences) as f64;
    let over_tokens = (depth.tokens + tokens).saturating_sub(limits.max_tokens) as f64;
    let seconds = match rates {
        Some(r) if r.sentences > 0.0 && r.source_tokens > 0.0 => {
            (over_sentences / r.sentences).max(over_tokens / r.source_tokens)
        }
        _ => 1.0,
    };
    Duration::from_secs(seconds.ceil().clamp(1.0, 3600.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(job: &Arc<Job>, index: usize, tokens: usize) -> Pending {
        Pending {
            job: Arc::clone(job),
            index,
            text: format!("sentence {index}"),
            source: LangCode::parse("eng_Latn").unwrap(),
            target: LangCode::parse("fra_Latn").unwrap(),
            tokens,
            enqueued: Instant::now(),
        }
    }

    fn job(id: JobId) -> Arc<Job> {
        Arc::new(Job::new(id, 10, None, Instant::now(), None).0)
    }

    #[test]
    fn admits_within_both_bounds_and_refuses_what_can_never_fit() {
        let mut queue = Queue::new(QueueLimits {
            max_sentences: 3,
            max_tokens: 100,
        });
        let options = Arc::new(TranslateOptions::default());
        let key = OptionsKey::of(&options);
        assert_eq!(queue.admission(2, 50), Admission::Fits);
        let a = job(1);
        queue.push(
            Priority::Bulk,
            &options,
            &key,
            vec![pending(&a, 0, 25), pending(&a, 1, 25)],
        );
        assert_eq!(queue.admission(2, 10), Admission::Full, "sentences");
        assert_eq!(queue.admission(1, 51), Admission::Full, "tokens");
        assert_eq!(queue.admission(1, 50), Admission::Fits);
        assert_eq!(queue.admission(4, 1), Admission::TooLarge);
        assert_eq!(queue.admission(1, 101), Admission::TooLarge);
    }

    #[test]
    fn removing_a_job_frees_its_room_and_leaves_the_others() {
        let mut queue = Queue::new(QueueLimits::default());
        let options = Arc::new(TranslateOptions::default());
        let key = OptionsKey::of(&options);
        let (a, b) = (job(1), job(2));
        queue.push(
            Priority::Interactive,
            &options,
            &key,
            vec![pending(&a, 0, 5), pending(&b, 0, 7)],
        );
        queue.push(Priority::Bulk, &options, &key, vec![pending(&a, 1, 9)]);
        assert_eq!(queue.remove_job(1), 2);
        let depth = queue.depth();
        assert_eq!(
            (depth.sentences, depth.tokens, depth.interactive, depth.bulk),
            (1, 7, 1, 0)
        );
        assert!(queue.groups(Priority::Bulk).is_empty(), "empty groups are dropped");
        let taken = queue.take(Priority::Interactive, 0, &[0]);
        assert_eq!(taken[0].job.id, 2);
        assert_eq!(queue.depth(), QueueDepth::default());
    }

    #[test]
    fn options_keep_apart_and_the_oldest_group_is_found() {
        let mut queue = Queue::new(QueueLimits::default());
        let beam = Arc::new(TranslateOptions::default());
        let greedy = Arc::new(TranslateOptions {
            beam_size: 1,
            ..TranslateOptions::default()
        });
        let a = job(1);
        queue.push(
            Priority::Bulk,
            &greedy,
            &OptionsKey::of(&greedy),
            vec![pending(&a, 0, 5)],
        );
        queue.push(Priority::Bulk, &beam, &OptionsKey::of(&beam), vec![pending(&a, 1, 5)]);
        queue.push(
            Priority::Bulk,
            &greedy,
            &OptionsKey::of(&greedy),
            vec![pending(&a, 2, 5)],
        );
        assert_eq!(queue.groups(Priority::Bulk).len(), 2);
        assert_eq!(queue.oldest_group(Priority::Bulk), Some(0));
        assert_eq!(queue.groups(Priority::Bulk)[0].pending.len(), 2);
        assert_eq!(queue.oldest_group(Priority::Interactive), None);
    }

    #[test]
    fn retry_after_follows_the_throughput() {
        let limits = QueueLimits {
            max_sentences: 100,
            max_tokens: 1000,
        };
        let depth = QueueDepth {
            sentences: 100,
            tokens: 1000,
            interactive: 0,
            bulk: 100,
        };
        assert_eq!(retry_after(depth, limits, 1, 10, None), Duration::from_secs(1));
        let slow = Rates {
            sentences: 1.0,
            source_tokens: 2.0,
            output_tokens: 2.0,
        };
        // 10 tokens over at 2 tokens per second.
        assert_eq!(retry_after(depth, limits, 1, 10, Some(slow)), Duration::from_secs(5));
    }
}
