//! Grouping sentences into engine calls: by length, under a budget of padded tokens, so that
//! short sentences do not wait on long ones' padding and memory stays bounded.

/// Limits of one engine call at beam 1; [`BatchLimits::for_beam`] scales them to wider beams.
///
/// Memory grows with the hypotheses decoded together (sentences × beam): each keeps attention
/// caches over its source and target and a row of logits over the whole vocabulary. The defaults
/// keep a 600M int8 NLLB model near 1.3 GB while translating (docs/benchmarks.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Padded source tokens × beam per call (longest source × sentences × beam).
    pub max_tokens: usize,
    /// Hypotheses per call (sentences × beam).
    pub max_sentences: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_tokens: 1024,
            max_sentences: 16,
        }
    }
}

impl BatchLimits {
    /// The limits of one call whose sentences each decode `beam` hypotheses; at least one
    /// sentence always fits.
    pub fn for_beam(self, beam: usize) -> BatchLimits {
        let beam = beam.max(1);
        BatchLimits {
            max_tokens: (self.max_tokens / beam).max(1),
            max_sentences: (self.max_sentences / beam).max(1),
        }
    }
}

/// Which inputs go together into each engine call, as indices into the input list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    /// Input indices per call; every input appears exactly once.
    pub batches: Vec<Vec<usize>>,
}

impl BatchPlan {
    /// Plans calls for inputs of the given token lengths: sorted by length, filled greedily.
    pub fn new(lengths: &[usize], limits: BatchLimits) -> BatchPlan {
        let mut order: Vec<usize> = (0..lengths.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut longest = 0;
        for i in order {
            let padded = lengths[i].max(longest) * (current.len() + 1);
            if !current.is_empty() && (padded > limits.max_tokens || current.len() >= limits.max_sentences) {
                batches.push(std::mem::take(&mut current));
                longest = 0;
            }
            longest = longest.max(lengths[i]);
            current.push(i);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        BatchPlan { batches }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_is_planned_once_within_limits() {
        let lengths: Vec<usize> = (0..500).map(|i| 3 + (i * 37) % 120).collect();
        let limits = BatchLimits {
            max_tokens: 1000,
            max_sentences: 16,
        };
        let plan = BatchPlan::new(&lengths, limits);
        let mut seen: Vec<usize> = plan.batches.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..500).collect::<Vec<_>>());
        for batch in &plan.batches {
            let longest = batch.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(batch.len() <= 16);
            assert!(longest * batch.len() <= 1000 || batch.len() == 1);
        }
    }

    #[test]
    fn similar_lengths_share_a_call() {
        let plan = BatchPlan::new(
            &[5, 100, 6, 101],
            BatchLimits {
                max_tokens: 210,
                max_sentences: 8,
            },
        );
        assert_eq!(plan.batches, vec![vec![3, 1], vec![2, 0]]);
    }

    #[test]
    fn wider_beams_get_smaller_calls() {
        let limits = BatchLimits {
            max_tokens: 2048,
            max_sentences: 32,
        };
        assert_eq!(limits.for_beam(1), limits);
        assert_eq!(
            limits.for_beam(4),
            BatchLimits {
                max_tokens: 512,
                max_sentences: 8
            }
        );
        assert_eq!(
            limits.for_beam(64),
            BatchLimits {
                max_tokens: 32,
                max_sentences: 1
            }
        );
        let lengths = vec![20; 40];
        assert_eq!(BatchPlan::new(&lengths, limits.for_beam(4)).batches.len(), 5);
    }

    #[test]
    fn an_input_over_the_budget_gets_a_call_of_its_own() {
        let plan = BatchPlan::new(&[5000, 3], BatchLimits::default());
        assert_eq!(plan.batches, vec![vec![0], vec![1]]);
    }
}
