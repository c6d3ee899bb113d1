//! Grouping sentences into engine calls: by length, under a budget of padded tokens, so that
//! short sentences do not wait on long ones' padding and memory stays bounded.

/// Limits of one engine call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Padded source tokens per call (longest source × sentences).
    pub max_tokens: usize,
    /// Sentences per call; each costs beam × vocabulary floats per decoding step.
    pub max_sentences: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_tokens: 4096,
            max_sentences: 64,
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
    fn an_input_over_the_budget_gets_a_call_of_its_own() {
        let plan = BatchPlan::new(&[5000, 3], BatchLimits::default());
        assert_eq!(plan.batches, vec![vec![0], vec![1]]);
    }
}
