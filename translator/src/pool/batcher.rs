//! Which waiting sentences go into the next engine call, and when: interactive work first; one
//! options group at a time (one call has one set of options); the oldest sentence always in,
//! joined by those of the most similar lengths under the token budget (little padding); and a
//! short wait for company when the call would not be full yet. A streamed submission's sentences
//! go in order in calls that double in size, so its first sentence comes back after a one-sentence
//! call rather than after the whole text.

use std::time::{Duration, Instant};

use super::queue::Queue;
use super::request::Priority;
use crate::batch::BatchLimits;

/// The batcher's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// Limits of one call at beam 1, scaled down for wider beams.
    pub limits: BatchLimits,
    /// How long the oldest sentence may wait for others to fill its call.
    pub max_wait: Duration,
    /// How many bulk calls may run at once.
    pub bulk_workers: usize,
    /// How long a bulk sentence may wait behind interactive work before it goes first anyway:
    /// bulk work ages, so that no interactive load can hold it back for ever.
    pub bulk_max_wait: Duration,
}

/// What a free worker should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Take these sentences (positions in the group's queue) and translate them.
    Run {
        priority: Priority,
        group: usize,
        positions: Vec<usize>,
    },
    /// Something waits, but the call would not be full: look again at this instant (or when
    /// new work arrives).
    WaitUntil(Instant),
    /// Nothing this worker may take.
    Idle,
}

/// What the pool's workers are doing, as far as the next decision cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Running {
    /// Bulk calls running now.
    pub bulk: usize,
    /// Whether the last call started was bulk work that went before waiting interactive work:
    /// the next goes to interactive work, so that an aged backlog takes turns with it instead
    /// of holding it back in its turn.
    pub bulk_went_first: bool,
}

/// Decides the next call. `running` says what runs now; `draining` runs whatever waits without
/// waiting for more.
pub(crate) fn decide(queue: &Queue, now: Instant, running: Running, policy: &Policy, draining: bool) -> Decision {
    let bulk_may_run = queue.depth().bulk > 0 && running.bulk < policy.bulk_workers;
    let bulk_aged = bulk_may_run
        && !running.bulk_went_first
        && queue
            .oldest_group(Priority::Bulk)
            .and_then(|group| queue.groups(Priority::Bulk)[group].pending.front())
            .is_some_and(|oldest| now.saturating_duration_since(oldest.enqueued) >= policy.bulk_max_wait);
    let priority = if queue.depth().interactive > 0 && !bulk_aged {
        Priority::Interactive
    } else if bulk_may_run {
        Priority::Bulk
    } else {
        return Decision::Idle;
    };
    let Some(group) = queue.oldest_group(priority) else {
        return Decision::Idle;
    };
    let pending = &queue.groups(priority)[group].pending;
    let beam = queue.groups(priority)[group].options.beam_size;
    let limits = policy.limits.for_beam(beam);
    let (positions, capped) = match pending.front() {
        Some(anchor) if anchor.job.streaming => streaming_call(pending, limits),
        _ => {
            let lengths: Vec<usize> = pending.iter().map(|p| p.tokens).collect();
            (pick_similar(&lengths, 0, limits), false)
        }
    };
    let full = capped || positions.len() < pending.len();
    let ready_at = pending.front().map_or(now, |p| p.enqueued + policy.max_wait);
    if full || draining || now >= ready_at {
        Decision::Run {
            priority,
            group,
            positions,
        }
    } else {
        Decision::WaitUntil(ready_at)
    }
}

/// The next call of a streamed submission whose sentence `i` is the oldest waiting: its next
/// sentences in order, at most `i + 1` of them (1, 2, 4, 8, … as the text goes on), under the
/// budget. Someone reads the text as it comes, so early sentences are worth more than full calls;
/// the calls reach full size after a few rounds. True when the size cap, not the queue, ended it.
fn streaming_call(
    pending: &std::collections::VecDeque<super::queue::Pending>,
    limits: BatchLimits,
) -> (Vec<usize>, bool) {
    let Some(anchor) = pending.front() else {
        return (Vec::new(), false);
    };
    let cap = (anchor.index + 1).min(limits.max_sentences).max(1);
    let mut picked = vec![0];
    let mut longest = anchor.tokens;
    for (position, entry) in pending.iter().enumerate().skip(1) {
        if !std::sync::Arc::ptr_eq(&entry.job, &anchor.job) {
            continue;
        }
        if picked.len() >= cap {
            return (picked, true);
        }
        let longer = longest.max(entry.tokens);
        if longer * (picked.len() + 1) > limits.max_tokens {
            return (picked, true);
        }
        picked.push(position);
        longest = longer;
    }
    (picked, false)
}

/// Picks inputs for one call: `anchor` always, then those closest in length to it while the
/// padded tokens (longest × count) and the count stay within `limits`.
pub(crate) fn pick_similar(lengths: &[usize], anchor: usize, limits: BatchLimits) -> Vec<usize> {
    let Some(&anchor_length) = lengths.get(anchor) else {
        return Vec::new();
    };
    let mut order: Vec<usize> = (0..lengths.len()).filter(|&i| i != anchor).collect();
    // Closest length first; among equals, the one that waited longest.
    order.sort_by_key(|&i| (lengths[i].abs_diff(anchor_length), i));
    let mut picked = vec![anchor];
    let mut longest = anchor_length;
    for i in order {
        if picked.len() >= limits.max_sentences {
            break;
        }
        let longer = longest.max(lengths[i]);
        if longer * (picked.len() + 1) <= limits.max_tokens {
            picked.push(i);
            longest = longer;
        }
    }
    picked.sort_unstable();
    picked
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use langs::LangCode;

    use super::*;
    use crate::options::TranslateOptions;
    use crate::pool::cache::OptionsKey;
    use crate::pool::job::Job;
    use crate::pool::queue::{Pending, QueueLimits};

    const LIMITS: BatchLimits = BatchLimits {
        max_tokens: 100,
        max_sentences: 4,
    };

    #[test]
    fn keeps_the_anchor_and_similar_lengths_within_the_budget() {
        // Anchor 20: 21 and 19 are closest; 50 would make 50 × 4 > 100.
        let picked = pick_similar(&[20, 50, 21, 19, 3, 22], 0, LIMITS);
        assert_eq!(picked, vec![0, 2, 3, 5]);
        // Anchor 50: only one more fits beside it (50 × 2 = 100), the closest, 22.
        assert_eq!(pick_similar(&[20, 50, 21, 19, 3, 22], 1, LIMITS), vec![1, 5]);
        // An anchor over the budget still goes, alone.
        assert_eq!(pick_similar(&[500, 5, 5], 0, LIMITS), vec![0]);
        assert!(pick_similar(&[], 0, LIMITS).is_empty());
    }

    fn queue_with(priority: Priority, lengths: &[usize], enqueued: Instant) -> Queue {
        let mut queue = Queue::new(QueueLimits::default());
        push(&mut queue, priority, lengths, enqueued);
        queue
    }

    fn push(queue: &mut Queue, priority: Priority, lengths: &[usize], enqueued: Instant) {
        let options = Arc::new(TranslateOptions {
            beam_size: 1,
            ..TranslateOptions::default()
        });
        let job = Arc::new(Job::new(1, lengths.len(), None, enqueued, None).0);
        let items = lengths
            .iter()
            .enumerate()
            .map(|(index, &tokens)| Pending {
                job: Arc::clone(&job),
                index,
                text: String::new(),
                source: LangCode::parse("eng_Latn").unwrap(),
                target: LangCode::parse("fra_Latn").unwrap(),
                tokens,
                enqueued,
            })
            .collect();
        queue.push(priority, &options, &OptionsKey::of(&options), items);
    }

    fn at(bulk: usize) -> Running {
        Running {
            bulk,
            bulk_went_first: false,
        }
    }

    fn policy(bulk_workers: usize) -> Policy {
        Policy {
            limits: LIMITS,
            max_wait: Duration::from_millis(5),
            bulk_workers,
            bulk_max_wait: Duration::from_secs(2),
        }
    }

    #[test]
    fn a_call_that_is_not_full_waits_a_little_for_company() {
        let start = Instant::now();
        let queue = queue_with(Priority::Interactive, &[10, 10], start);
        assert_eq!(
            decide(&queue, start, at(0), &policy(1), false),
            Decision::WaitUntil(start + Duration::from_millis(5))
        );
        assert!(matches!(
            decide(&queue, start + Duration::from_millis(5), at(0), &policy(1), false),
            Decision::Run { .. }
        ));
        assert!(matches!(
            decide(&queue, start, at(0), &policy(1), true),
            Decision::Run { .. }
        ));
        // A full call goes at once.
        let full = queue_with(Priority::Interactive, &[10; 6], start);
        match decide(&full, start, at(0), &policy(1), false) {
            Decision::Run { positions, .. } => assert_eq!(positions, vec![0, 1, 2, 3]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bulk_work_runs_on_at_most_its_share_of_workers() {
        let start = Instant::now();
        let later = start + Duration::from_secs(1);
        let queue = queue_with(Priority::Bulk, &[10, 10], start);
        assert!(matches!(
            decide(&queue, later, at(0), &policy(1), false),
            Decision::Run { .. }
        ));
        assert_eq!(decide(&queue, later, at(1), &policy(1), false), Decision::Idle);
        // Interactive work is never held back by bulk calls.
        let queue = queue_with(Priority::Interactive, &[10], start);
        assert!(matches!(
            decide(&queue, later, at(5), &policy(1), false),
            Decision::Run {
                priority: Priority::Interactive,
                ..
            }
        ));
    }

    #[test]
    fn bulk_work_waits_behind_interactive_work_only_until_it_has_aged() {
        let start = Instant::now();
        let mut queue = queue_with(Priority::Bulk, &[10], start);
        push(&mut queue, Priority::Interactive, &[10], start);
        let chosen = |now: Instant, running_bulk: usize| match decide(&queue, now, at(running_bulk), &policy(1), true) {
            Decision::Run { priority, .. } => Some(priority),
            _ => None,
        };
        assert_eq!(chosen(start + Duration::from_secs(1), 0), Some(Priority::Interactive));
        assert_eq!(
            chosen(start + Duration::from_secs(2), 0),
            Some(Priority::Bulk),
            "aged: bulk goes first"
        );
        // Aged or not, bulk keeps to its share of the workers.
        assert_eq!(chosen(start + Duration::from_secs(3), 1), Some(Priority::Interactive));
        // After an aged bulk call went first, interactive work has its turn.
        let turn = Running {
            bulk: 0,
            bulk_went_first: true,
        };
        assert!(matches!(
            decide(&queue, start + Duration::from_secs(3), turn, &policy(1), true),
            Decision::Run {
                priority: Priority::Interactive,
                ..
            }
        ));
    }
}
