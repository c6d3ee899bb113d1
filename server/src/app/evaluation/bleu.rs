//! Corpus BLEU exactly as sacrebleu 2.x computes it with its defaults (exp smoothing, 4-grams, mixed case,
//! one reference), so scores can be compared with published sacrebleu numbers.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// Highest n-gram order, sacrebleu's `max_ngram_order` default.
const MAX_ORDER: usize = 4;

/// How BLEU splits text into words (sacrebleu's `tokenize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BleuTokenizer {
    /// mteval-v13a, sacrebleu's default.
    Standard13a,
    /// mteval-v14 international: splits on Unicode punctuation and symbols.
    Intl,
    /// Every Chinese character is a word, the rest as in 13a.
    Zh,
    /// Every character is a word.
    Char,
    /// Words are whatever whitespace separates.
    None,
}

impl BleuTokenizer {
    /// The name sacrebleu gives this tokenizer in `tokenize=` and in signatures.
    pub fn name(self) -> &'static str {
        match self {
            Self::Standard13a => "13a",
            Self::Intl => "intl",
            Self::Zh => "zh",
            Self::Char => "char",
            Self::None => "none",
        }
    }

    /// Reads a tokenizer from its sacrebleu name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Standard13a, Self::Intl, Self::Zh, Self::Char, Self::None]
            .into_iter()
            .find(|t| t.name() == s)
    }

    /// The line as sacrebleu's BLEU preprocesses it (right-stripped, then tokenized); words are separated by whitespace.
    pub fn tokenize(self, line: &str) -> String {
        let line = line.trim_end_matches(is_py_space);
        match self {
            Self::Standard13a => tokenize_13a(line),
            Self::Intl => tokenize_intl(line),
            Self::Zh => tokenize_zh(line),
            Self::Char => {
                let mut out = String::with_capacity(line.len() * 2);
                for (i, c) in line.chars().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push(c);
                }
                out
            }
            Self::None => line.to_string(),
        }
    }
}

/// BLEU's sufficient statistics; sums over sentences give the corpus score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BleuStats {
    hyp_len: u64,
    ref_len: u64,
    correct: [u64; MAX_ORDER],
    total: [u64; MAX_ORDER],
}

impl BleuStats {
    /// Statistics of one hypothesis against its single reference.
    pub fn of(hypothesis: &str, reference: &str, tokenizer: BleuTokenizer) -> BleuStats {
        let hyp = tokenizer.tokenize(hypothesis);
        let reference = tokenizer.tokenize(reference);
        let hyp_words = split_py(&hyp);
        let ref_words = split_py(&reference);
        let ref_counts = ngram_counts(&ref_words);
        let mut stats = BleuStats {
            hyp_len: hyp_words.len() as u64,
            ref_len: ref_words.len() as u64,
            ..BleuStats::default()
        };
        for (gram, count) in ngram_counts(&hyp_words) {
            let n = gram.len() - 1;
            stats.total[n] += count;
            if let Some(&in_ref) = ref_counts.get(gram) {
                stats.correct[n] += count.min(in_ref);
            }
        }
        stats
    }

    /// Adds another sentence's statistics into these.
    pub fn add(&mut self, other: &BleuStats) {
        self.hyp_len = self.hyp_len.saturating_add(other.hyp_len);
        self.ref_len = self.ref_len.saturating_add(other.ref_len);
        for n in 0..MAX_ORDER {
            self.correct[n] = self.correct[n].saturating_add(other.correct[n]);
            self.total[n] = self.total[n].saturating_add(other.total[n]);
        }
    }

    /// BLEU on sacrebleu's 0..100 scale; 0.0 when nothing matches, including an empty corpus.
    pub fn score(&self) -> f64 {
        if self.correct.iter().all(|&c| c == 0) {
            return 0.0;
        }
        let brevity = if self.hyp_len >= self.ref_len {
            1.0
        } else if self.hyp_len == 0 {
            0.0
        } else {
            (1.0 - self.ref_len as f64 / self.hyp_len as f64).exp()
        };
        // Same operation order as sacrebleu's `compute_bleu`, so results agree to the last bit.
        let mut precisions = [0.0_f64; MAX_ORDER];
        let mut smooth = 1.0_f64;
        for (precision, (&correct, &total)) in precisions.iter_mut().zip(self.correct.iter().zip(&self.total)) {
            // An order with no n-grams at all keeps precision 0, which zeroes the score.
            if total == 0 {
                break;
            }
            *precision = if correct == 0 {
                // mteval's "exp" smoothing: each further order without a match halves the pseudo-count.
                smooth *= 2.0;
                100.0 / (smooth * total as f64)
            } else {
                100.0 * correct as f64 / total as f64
            };
        }
        // sacrebleu floors log(0) to this instead of -inf.
        let log_sum: f64 = precisions
            .iter()
            .map(|&p| if p == 0.0 { -9_999_999_999.0 } else { p.ln() })
            .sum();
        brevity * (log_sum / MAX_ORDER as f64).exp()
    }
}

/// Python's `str.isspace`, which is Unicode White_Space plus the ASCII separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's argument-less `str.split()`.
fn split_py(s: &str) -> Vec<&str> {
    s.split(is_py_space).filter(|w| !w.is_empty()).collect()
}

/// Counts every n-gram of orders 1..=MAX_ORDER, keyed by its words.
fn ngram_counts<'a, 'b>(words: &'a [&'b str]) -> HashMap<&'a [&'b str], u64> {
    let mut counts = HashMap::new();
    for n in 1..=MAX_ORDER {
        for gram in words.windows(n) {
            *counts.entry(gram).or_insert(0) += 1;
        }
    }
    counts
}

fn tokenize_13a(line: &str) -> String {
    let mut line = line.replace("<skipped>", "").replace("-\n", "").replace('\n', " ");
    if line.contains('&') {
        line = line
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    post_tokenize(&format!(" {line} "))
}

/// sacrebleu's `TokenizerRegexp`, the language-dependent rules shared by 13a and zh.
fn post_tokenize(line: &str) -> String {
    let mut spaced = Vec::with_capacity(line.len() * 2);
    for c in line.chars() {
        if is_13a_symbol(c) {
            spaced.extend([' ', c, ' ']);
        } else {
            spaced.push(c);
        }
    }
    let is_digit = |c: char| c.is_ascii_digit();
    let is_dot_comma = |c: char| c == '.' || c == ',';
    let spaced = sub_pairs(&spaced, |a, b| !is_digit(a) && is_dot_comma(b), false);
    let spaced = sub_pairs(&spaced, |a, b| is_dot_comma(a) && !is_digit(b), true);
    let spaced = sub_pairs(&spaced, |a, b| is_digit(a) && b == '-', false);
    let spaced: String = spaced.into_iter().collect();
    split_py(&spaced).join(" ")
}

/// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]` of 13a's first rule.
fn is_13a_symbol(c: char) -> bool {
    matches!(c, '{'..='~' | '['..='`' | ' '..='&' | '('..='+' | ':'..='@' | '/')
}

/// Python's `re.sub` of a two-character pattern `(A)(B)`: matches are found left to right without overlap, and each
/// becomes `A B ` or, with `lead`, ` A B`.
fn sub_pairs(s: &[char], hit: impl Fn(char, char) -> bool, lead: bool) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len() * 2);
    let mut i = 0;
    while let Some(&a) = s.get(i) {
        match s.get(i + 1) {
            Some(&b) if hit(a, b) => {
                if lead {
                    out.extend([' ', a, ' ', b]);
                } else {
                    out.extend([a, ' ', b, ' ']);
                }
                i += 2;
            }
            _ => {
                out.push(a);
                i += 1;
            }
        }
    }
    out
}

/// Characters the `regex` module behind sacrebleu (2026.11.19, Unicode 17 tables) puts in P, S and N that the `regex`
/// crate's Unicode 16 tables lack; redundant, and harmless, once the crate catches up.
const NEWER_P: &str = r"\x{2E60}-\x{2E63}\x{10ED0}";
const NEWER_S: &str = concat!(
    r"\x{20C1}-\x{20C4}\x{2B96}\x{FBC3}-\x{FBD2}\x{FD90}-\x{FD91}\x{FDC8}-\x{FDCE}\x{10EC9}-\x{10ECA}",
    r"\x{10ED1}-\x{10ED8}\x{1CCFA}-\x{1CCFC}\x{1CEBA}-\x{1CED0}\x{1CED2}-\x{1CED4}\x{1CEDD}-\x{1CEFD}",
    r"\x{1D1EB}-\x{1D1FF}\x{1D253}-\x{1D25A}\x{1D25D}-\x{1D25E}\x{1D260}-\x{1D27F}\x{1DB00}-\x{1DB1C}\x{1F1AE}",
    r"\x{1F6D8}-\x{1F6D9}\x{1F777}-\x{1F77A}\x{1F7DA}-\x{1F7DB}\x{1F7F1}-\x{1F7FF}\x{1F8D0}-\x{1F8D8}",
    r"\x{1FA54}-\x{1FA57}\x{1FA8A}-\x{1FA8E}\x{1FAC8}\x{1FACC}-\x{1FACD}\x{1FADD}\x{1FAEA}-\x{1FAEB}\x{1FAEF}",
    r"\x{1FAF9}-\x{1FAFA}\x{1FBFA}",
);
const NEWER_N: &str = r"\x{11DE0}-\x{11DE9}\x{1246F}\x{12475}-\x{1247F}\x{12550}-\x{12686}\x{16FF4}-\x{16FF6}";

/// intl needs the Unicode general categories P, S and N, which std does not expose; the `regex` crate has them, and
/// its `replace_all` scans like Python's `regex.sub`.
static INTL_RULES: LazyLock<[(Regex, &str); 3]> = LazyLock::new(|| {
    let punct = format!(r"[\p{{P}}{NEWER_P}]");
    let non_digit = format!(r"[^\p{{N}}{NEWER_N}]");
    let rule = |pattern: String, with: &'static str| (Regex::new(&pattern).expect("constant pattern"), with);
    [
        rule(format!("({non_digit})({punct})"), "${1} ${2} "),
        rule(format!("({punct})({non_digit})"), " ${1} ${2}"),
        rule(format!(r"([\p{{S}}{NEWER_S}])"), " ${1} "),
    ]
});

fn tokenize_intl(line: &str) -> String {
    let mut line = line.to_string();
    for (pattern, with) in INTL_RULES.iter() {
        line = pattern.replace_all(&line, *with).into_owned();
    }
    split_py(&line).join(" ")
}

fn tokenize_zh(line: &str) -> String {
    let mut spaced = String::with_capacity(line.len() * 2);
    for c in line.trim_matches(is_py_space).chars() {
        if is_chinese(c) {
            spaced.extend([' ', c, ' ']);
        } else {
            spaced.push(c);
        }
    }
    post_tokenize(&spaced)
}

/// sacrebleu's `_UCODE_RANGES`. Two of its bounds are written `\u20000`/`\u2a6d6` and `\u2f800`/`\u2fa1d`, which
/// Python reads as two-character strings; compared with one character they give U+2001..=U+2A6D and
/// U+2F81..=U+2FA1, and those are the ranges sacrebleu really uses.
fn is_chinese(c: char) -> bool {
    const RANGES: [(u32, u32); 22] = [
        (0x3400, 0x4db5),
        (0x4e00, 0x9fa5),
        (0x9fa6, 0x9fbb),
        (0xf900, 0xfa2d),
        (0xfa30, 0xfa6a),
        (0xfa70, 0xfad9),
        (0x2001, 0x2a6d),
        (0x2f81, 0x2fa1),
        (0xff00, 0xffef),
        (0x2e80, 0x2eff),
        (0x3000, 0x303f),
        (0x31c0, 0x31ef),
        (0x2f00, 0x2fdf),
        (0x2ff0, 0x2fff),
        (0x3100, 0x312f),
        (0x31a0, 0x31bf),
        (0xfe10, 0xfe1f),
        (0xfe30, 0xfe4f),
        (0x2600, 0x26ff),
        (0x2700, 0x27bf),
        (0x3200, 0x32ff),
        (0x3300, 0x33ff),
    ];
    let c = u32::from(c);
    RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

#[cfg(test)]
mod tests {
    //! Expected values were computed with sacrebleu 2.6.0:
    //! `BLEU(tokenize=t).corpus_score(hyps, [refs]).score` and `BLEU(tokenize=t)._preprocess_segment(s)`.

    use super::*;

    fn corpus(hyps: &[&str], refs: &[&str], tokenizer: BleuTokenizer) -> f64 {
        let mut stats = BleuStats::default();
        for (hyp, reference) in hyps.iter().zip(refs) {
            stats.add(&BleuStats::of(hyp, reference, tokenizer));
        }
        stats.score()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn names_round_trip() {
        for t in [
            BleuTokenizer::Standard13a,
            BleuTokenizer::Intl,
            BleuTokenizer::Zh,
            BleuTokenizer::Char,
            BleuTokenizer::None,
        ] {
            assert_eq!(BleuTokenizer::parse(t.name()), Some(t));
        }
        assert_eq!(BleuTokenizer::parse("13A"), None);
    }

    #[test]
    fn tokenizers_split_like_sacrebleu() {
        let line = "It costs 3.5 U.S. dollars, a-b &amp; 5-6. \"Yes\"&quot;";
        let expected = "It costs 3.5 U . S . dollars , a-b & 5 - 6 . \" Yes \" \"";
        assert_eq!(BleuTokenizer::Standard13a.tokenize(line), expected);
        let line = "Il a dit: «3,5 €», n'est-ce pas?";
        let expected = "Il a dit : « 3,5 € » , n ' est - ce pas ?";
        assert_eq!(BleuTokenizer::Intl.tokenize(line), expected);
        let expected = "我 们 在 2024 年 去 了 New York 。";
        assert_eq!(BleuTokenizer::Zh.tokenize("我们在2024年去了New York。"), expected);
    }

    #[test]
    fn identical_and_empty() {
        let line = "The cat sat on the mat.";
        assert_close(corpus(&[line], &[line], BleuTokenizer::Standard13a), 100.0);
        assert_eq!(corpus(&[""], &[line], BleuTokenizer::Standard13a), 0.0);
        assert_eq!(corpus(&[""], &[""], BleuTokenizer::Intl), 0.0);
        assert_eq!(BleuStats::default().score(), 0.0);
    }

    #[test]
    fn sentences() {
        let (hyp, reference) = (
            "It costs 3.5 U.S. dollars, a-b &amp; 5-6.",
            "It cost 3.5 US dollars, a-b & 5 - 6.",
        );
        assert_close(
            corpus(&[hyp], &[reference], BleuTokenizer::Standard13a),
            50.31747626530137,
        );
        let (hyp, reference) = ("我们今天去北京。", "我们明天去北京了。");
        assert_close(corpus(&[hyp], &[reference], BleuTokenizer::Zh), 37.70794596593207);
        assert_eq!(corpus(&[hyp], &[reference], BleuTokenizer::Standard13a), 0.0);
        let (hyp, reference) = ("مرحبا بالعالم، كيف حالك؟", "مرحبا بالعالم، كيف حالك اليوم؟");
        assert_close(corpus(&[hyp], &[reference], BleuTokenizer::Intl), 67.31821382417488);
        assert_close(
            corpus(&[hyp], &[reference], BleuTokenizer::Standard13a),
            46.30777161991026,
        );
        assert_close(
            corpus(&["abc de"], &["abd de"], BleuTokenizer::Char),
            30.213753973567677,
        );
        let (hyp, reference) = ("one two, three four five", "one two , three four five");
        assert_close(corpus(&[hyp], &[reference], BleuTokenizer::None), 34.98330125272253);
    }

    #[test]
    fn corpus_sums_sentences() {
        let (hyps, refs) = (super::super::SAMPLE_HYPOTHESES, super::super::SAMPLE_REFERENCES);
        assert_close(corpus(&hyps, &refs, BleuTokenizer::Standard13a), 54.23472198394078);
        assert_close(corpus(&hyps, &refs, BleuTokenizer::Intl), 54.23472198394078);
    }
}
