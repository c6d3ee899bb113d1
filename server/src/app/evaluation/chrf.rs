//! Corpus chrF++ exactly as sacrebleu 2.x computes it with `CHRF(word_order=2)`: character 1..6-grams without
//! whitespace, word 1..2-grams, beta 2, and sacrebleu's effective-order averaging instead of epsilon smoothing.

use std::collections::HashMap;
use std::hash::Hash;

/// Character n-gram orders 1..=CHAR_ORDER.
const CHAR_ORDER: usize = 6;
/// Word n-gram orders 1..=WORD_ORDER; two makes chrF into chrF++.
const WORD_ORDER: usize = 2;
/// All orders, characters first, as sacrebleu lays out its statistics.
const ORDERS: usize = CHAR_ORDER + WORD_ORDER;
/// Recall weighs BETA times as much as precision.
const BETA: f64 = 2.0;
/// Python's `string.punctuation`, which chrF++ splits off the ends of words.
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// chrF++'s sufficient statistics; sums over sentences give the corpus score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChrfStats {
    hyp: [u64; ORDERS],
    reference: [u64; ORDERS],
    matched: [u64; ORDERS],
}

impl ChrfStats {
    /// Statistics of one hypothesis against its single reference.
    pub fn of(hypothesis: &str, reference: &str) -> ChrfStats {
        let mut stats = ChrfStats::default();
        let hyp_chars: Vec<char> = hypothesis.chars().filter(|&c| !is_py_space(c)).collect();
        let ref_chars: Vec<char> = reference.chars().filter(|&c| !is_py_space(c)).collect();
        for n in 1..=CHAR_ORDER {
            stats.count(n - 1, &ngram_counts(&hyp_chars, n), &ngram_counts(&ref_chars, n));
        }
        let hyp_words = split_punctuation(hypothesis);
        let ref_words = split_punctuation(reference);
        for n in 1..=WORD_ORDER {
            stats.count(
                CHAR_ORDER + n - 1,
                &ngram_counts(&hyp_words, n),
                &ngram_counts(&ref_words, n),
            );
        }
        stats
    }

    /// Adds another sentence's statistics into these.
    pub fn add(&mut self, other: &ChrfStats) {
        for i in 0..ORDERS {
            self.hyp[i] = self.hyp[i].saturating_add(other.hyp[i]);
            self.reference[i] = self.reference[i].saturating_add(other.reference[i]);
            self.matched[i] = self.matched[i].saturating_add(other.matched[i]);
        }
    }

    /// chrF++ on sacrebleu's 0..100 scale; 0.0 when nothing can be compared, including an empty corpus.
    pub fn score(&self) -> f64 {
        // Same operation order as sacrebleu's `_compute_f_score`, so results agree to the last bit.
        let factor = BETA * BETA;
        let (mut avg_prec, mut avg_rec, mut effective_order) = (0.0_f64, 0.0_f64, 0_u32);
        for i in 0..ORDERS {
            // Orders that one side lacks entirely are left out of the averages rather than counted as zero.
            if self.hyp[i] > 0 && self.reference[i] > 0 {
                avg_prec += self.matched[i] as f64 / self.hyp[i] as f64;
                avg_rec += self.matched[i] as f64 / self.reference[i] as f64;
                effective_order += 1;
            }
        }
        if effective_order == 0 {
            return 0.0;
        }
        avg_prec /= f64::from(effective_order);
        avg_rec /= f64::from(effective_order);
        if avg_prec + avg_rec == 0.0 {
            return 0.0;
        }
        let score = (1.0 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec);
        100.0 * score
    }

    /// Records order `i`'s hypothesis, reference and matched n-gram counts.
    fn count<K: Hash + Eq>(&mut self, i: usize, hyp: &HashMap<K, u64>, reference: &HashMap<K, u64>) {
        // sacrebleu counts no hypothesis n-grams for an order the reference has none of.
        if !reference.is_empty() {
            self.hyp[i] += hyp.values().sum::<u64>();
        }
        self.reference[i] += reference.values().sum::<u64>();
        self.matched[i] += hyp
            .iter()
            .filter_map(|(gram, &count)| reference.get(gram).map(|&r| count.min(r)))
            .sum::<u64>();
    }
}

/// Python's `str.isspace`, which is Unicode White_Space plus the ASCII separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Counts the n-grams of one order.
fn ngram_counts<T: Hash + Eq>(items: &[T], n: usize) -> HashMap<&[T], u64> {
    let mut counts = HashMap::new();
    for gram in items.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// sacrebleu's `_remove_punctuation`: a word longer than one character loses one ASCII punctuation mark from its end,
/// or failing that from its start, so `(hi)` becomes `(hi` and `)`.
fn split_punctuation(sentence: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for word in sentence.split(is_py_space).filter(|w| !w.is_empty()) {
        let mut chars = word.char_indices();
        let first = chars.next();
        let last = chars.next_back();
        match (first, last) {
            (_, Some((at, c))) if PUNCTUATION.contains(c) => words.extend([&word[..at], &word[at..]]),
            (Some((_, c)), Some(_)) if PUNCTUATION.contains(c) => {
                let at = c.len_utf8();
                words.extend([&word[..at], &word[at..]]);
            }
            _ => words.push(word),
        }
    }
    words
}

#[cfg(test)]
mod tests {
    //! Expected values were computed with sacrebleu 2.6.0: `CHRF(word_order=2).corpus_score(hyps, [refs]).score`.

    use super::*;

    fn corpus(hyps: &[&str], refs: &[&str]) -> f64 {
        let mut stats = ChrfStats::default();
        for (hyp, reference) in hyps.iter().zip(refs) {
            stats.add(&ChrfStats::of(hyp, reference));
        }
        stats.score()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn identical_and_empty() {
        let line = "The cat sat on the mat.";
        assert_close(corpus(&[line], &[line]), 100.0);
        assert_eq!(corpus(&[""], &["abc"]), 0.0);
        assert_eq!(corpus(&[""], &[""]), 0.0);
        assert_eq!(ChrfStats::default().score(), 0.0);
    }

    #[test]
    fn words_lose_edge_punctuation() {
        assert_eq!(
            split_punctuation("(hi) there, \"x\" . é!"),
            ["(hi", ")", "there", ",", "\"x", "\"", ".", "é", "!"]
        );
        assert_close(
            corpus(&["(hi) there, friend."], &["hi there friend"]),
            47.11976295441019,
        );
    }

    #[test]
    fn other_scripts() {
        assert_close(
            corpus(&["مرحبا بالعالم، كيف حالك؟"], &["مرحبا بالعالم، كيف حالك اليوم؟"]),
            73.13327999976366,
        );
        assert_close(
            corpus(&["我们今天去北京。"], &["我们明天去北京了。"]),
            25.355914696854224,
        );
    }

    #[test]
    fn corpus_sums_sentences() {
        let (hyps, refs) = (super::super::SAMPLE_HYPOTHESES, super::super::SAMPLE_REFERENCES);
        assert_close(corpus(&hyps, &refs), 69.48353729363268);
    }
}
