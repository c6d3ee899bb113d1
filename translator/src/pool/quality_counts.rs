//! The quality verdicts of the sentences a pool's engine translated, counted by language pair for
//! the metrics. Pairs are bounded: 202 languages make 40,000 possible pairs, and each would be a
//! set of series in every scrape.

use std::collections::BTreeMap;

use langs::LangCode;

use crate::quality::{Quality, QualityFlag, QualityLevel, Retry};

/// Pairs counted each on their own; sentences of further pairs are summed in
/// [`QualityCounts::other`].
pub const MAX_PAIRS: usize = 256;

/// What the checks said of one pair's sentences.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairQuality {
    /// Sentences checked.
    pub sentences: u64,
    /// Sentences rated `uncertain`.
    pub uncertain: u64,
    /// Sentences rated `poor`.
    pub poor: u64,
    /// Flagged sentences decoded a second time.
    pub retried: u64,
    /// Of those, the ones whose second translation replaced the first.
    pub replaced: u64,
    /// Sentences per flag (after any retry).
    pub flags: BTreeMap<QualityFlag, u64>,
}

impl PairQuality {
    fn count(&mut self, quality: &Quality) {
        self.sentences += 1;
        self.uncertain += u64::from(quality.level == QualityLevel::Uncertain);
        self.poor += u64::from(quality.level == QualityLevel::Poor);
        self.retried += u64::from(quality.retry.is_some());
        self.replaced += u64::from(quality.retry == Some(Retry::Replaced));
        for &flag in &quality.flags {
            *self.flags.entry(flag).or_default() += 1;
        }
    }
}

/// Quality verdicts by (source, target) pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityCounts {
    /// The first [`MAX_PAIRS`] pairs seen.
    pub pairs: BTreeMap<(LangCode, LangCode), PairQuality>,
    /// Every later pair's sentences together.
    pub other: PairQuality,
}

impl QualityCounts {
    /// Counts one translated sentence's verdict.
    pub(crate) fn count(&mut self, source: LangCode, target: LangCode, quality: &Quality) {
        let room = self.pairs.len() < MAX_PAIRS;
        match self.pairs.get_mut(&(source, target)) {
            Some(pair) => pair.count(quality),
            None if room => self.pairs.entry((source, target)).or_default().count(quality),
            None => self.other.count(quality),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quality(level: QualityLevel, flags: &[QualityFlag], retry: Option<Retry>) -> Quality {
        Quality {
            score: -1.0,
            level,
            flags: flags.to_vec(),
            retry,
        }
    }

    #[test]
    fn verdicts_are_counted_by_pair_and_bounded() {
        let codes: Vec<LangCode> = langs::NLLB_CODES.iter().map(|c| LangCode::parse(c).unwrap()).collect();
        let mut counts = QualityCounts::default();
        let (eng, fra) = (codes[0], codes[1]);
        counts.count(eng, fra, &quality(QualityLevel::Good, &[], None));
        counts.count(
            eng,
            fra,
            &quality(
                QualityLevel::Poor,
                &[QualityFlag::Copied, QualityFlag::Length],
                Some(Retry::Kept),
            ),
        );
        counts.count(
            eng,
            fra,
            &quality(QualityLevel::Uncertain, &[QualityFlag::Length], Some(Retry::Replaced)),
        );
        let pair = &counts.pairs[&(eng, fra)];
        assert_eq!((pair.sentences, pair.uncertain, pair.poor), (3, 1, 1));
        assert_eq!((pair.retried, pair.replaced), (2, 1));
        assert_eq!(pair.flags[&QualityFlag::Length], 2);
        assert_eq!(pair.flags[&QualityFlag::Copied], 1);
        // More new pairs than there is room for (none of them the pair above).
        for &source in &codes[2..4] {
            for &target in &codes[2..] {
                counts.count(source, target, &quality(QualityLevel::Good, &[], None));
            }
        }
        assert_eq!(counts.pairs.len(), MAX_PAIRS);
        assert!(counts.other.sentences > 0);
        assert_eq!(counts.pairs[&(eng, fra)].sentences, 3, "a counted pair keeps counting");
    }
}
