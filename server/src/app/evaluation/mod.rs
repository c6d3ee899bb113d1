//! Scoring a model on a community's own test set, offline: aligned source and reference files for
//! one direction, or a TSV of any number of directions. Each direction gets chrF++ and BLEU as
//! sacrebleu computes them ([`chrf`], [`bleu`]) and, when Tolk translated it, the share of
//! sentences its quality checks flagged (docs/quality.md).

pub mod bleu;
pub mod chrf;

use std::collections::BTreeMap;

use langs::LangCode;
use serde::Serialize;
use translator::quality::QualityLevel;
use translator::{TextRequest, TranslateOptions, Translator, TranslatorError};

use bleu::{BleuStats, BleuTokenizer};
use chrf::ChrfStats;

/// Lines translated per engine round: small enough for a lively progress bar, big enough to
/// fill the engine's batches.
const LINES_PER_ROUND: usize = 32;

/// Why a test set cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EvalError {
    /// The source and reference files have different numbers of lines.
    #[error("the source has {sources} lines and the reference {references}; they must be aligned line by line")]
    Misaligned {
        /// Lines of the source file.
        sources: usize,
        /// Lines of the reference file.
        references: usize,
    },
    /// A TSV line is malformed.
    #[error("line {line}: {message}")]
    Line {
        /// Its number, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The hypotheses given to score do not match the test set.
    #[error("the hypotheses have {found} lines and the test set {expected}")]
    Hypotheses {
        /// Lines in the test set.
        expected: usize,
        /// Lines given.
        found: usize,
    },
    /// Nothing to evaluate.
    #[error("the test set has no lines")]
    Empty,
}

/// One test sentence (or line of sentences) and its reference translation.
#[derive(Debug, Clone, PartialEq)]
pub struct TestLine {
    /// Where it was in the input, from 0: hypotheses are read and written in this order.
    pub position: usize,
    /// The text to translate.
    pub source: String,
    /// The translation to compare with.
    pub reference: String,
}

/// The lines of one translation direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    /// Language translated from.
    pub source: LangCode,
    /// Language translated into.
    pub target: LangCode,
    /// Its lines, in input order.
    pub lines: Vec<TestLine>,
}

/// A test set: its directions in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct TestSet {
    /// The directions.
    pub directions: Vec<Direction>,
    /// Lines in all.
    pub lines: usize,
}

impl TestSet {
    /// One direction from two files aligned line by line.
    pub fn aligned(sources: &str, references: &str, source: LangCode, target: LangCode) -> Result<TestSet, EvalError> {
        let sources: Vec<&str> = lines_of(sources);
        let references: Vec<&str> = lines_of(references);
        if sources.len() != references.len() {
            return Err(EvalError::Misaligned {
                sources: sources.len(),
                references: references.len(),
            });
        }
        if sources.is_empty() {
            return Err(EvalError::Empty);
        }
        let lines: Vec<TestLine> = sources
            .into_iter()
            .zip(references)
            .enumerate()
            .map(|(position, (s, r))| TestLine {
                position,
                source: s.to_string(),
                reference: r.to_string(),
            })
            .collect();
        Ok(TestSet {
            lines: lines.len(),
            directions: vec![Direction { source, target, lines }],
        })
    }

    /// Any directions from a TSV: `source language, target language, source, reference` per
    /// line; a first line naming the columns, empty lines and lines starting with `#` are
    /// skipped. Languages are codes or names, as everywhere in Tolk.
    pub fn tsv(text: &str) -> Result<TestSet, EvalError> {
        let mut directions: Vec<Direction> = Vec::new();
        let mut position = 0;
        for (i, line) in lines_of(text).into_iter().enumerate() {
            let number = i + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if number == 1
                && fields
                    .first()
                    .is_some_and(|f| f.trim().eq_ignore_ascii_case("source_language"))
            {
                continue;
            }
            let wrong = |message: String| EvalError::Line { line: number, message };
            let [from, to, source, reference] = fields[..] else {
                return Err(wrong(format!(
                    "expected 4 tab-separated fields (source language, target language, source, reference), found {}",
                    fields.len()
                )));
            };
            let language = |value: &str, what: &str| {
                LangCode::parse(value.trim()).map_err(|e| wrong(format!("{what} language: {e}")))
            };
            let (from, to) = (language(from, "source")?, language(to, "target")?);
            let test = TestLine {
                position,
                source: source.to_string(),
                reference: reference.to_string(),
            };
            position += 1;
            match directions.iter_mut().find(|d| d.source == from && d.target == to) {
                Some(direction) => direction.lines.push(test),
                None => directions.push(Direction {
                    source: from,
                    target: to,
                    lines: vec![test],
                }),
            }
        }
        if position == 0 {
            return Err(EvalError::Empty);
        }
        Ok(TestSet {
            directions,
            lines: position,
        })
    }

    /// Hypotheses given one per line in input order, split by direction.
    pub fn split_hypotheses(&self, text: &str) -> Result<Vec<Vec<String>>, EvalError> {
        let given = lines_of(text);
        if given.len() != self.lines {
            return Err(EvalError::Hypotheses {
                expected: self.lines,
                found: given.len(),
            });
        }
        Ok(self
            .directions
            .iter()
            .map(|d| d.lines.iter().map(|l| given[l.position].to_string()).collect())
            .collect())
    }

    /// Each direction's hypotheses put back in input order, one line each.
    pub fn hypotheses_in_order(&self, by_direction: &[Vec<String>]) -> Vec<String> {
        let mut out = vec![String::new(); self.lines];
        for (direction, hypotheses) in self.directions.iter().zip(by_direction) {
            for (line, hypothesis) in direction.lines.iter().zip(hypotheses) {
                out[line.position] = hypothesis.clone();
            }
        }
        out
    }
}

/// A file's lines without their line ends (`\n` or `\r\n`); a last empty line is no line.
fn lines_of(text: &str) -> Vec<&str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// The BLEU tokenizer for a target language: sacrebleu's `zh` for Chinese, `char` for the
/// scripts written without spaces, `13a` (its default) for the rest.
pub fn default_tokenizer(target: LangCode) -> BleuTokenizer {
    match target.script().as_str() {
        "Hans" | "Hant" => BleuTokenizer::Zh,
        "Jpan" | "Thai" | "Khmr" | "Laoo" | "Mymr" | "Tibt" => BleuTokenizer::Char,
        _ => BleuTokenizer::Standard13a,
    }
}

/// What the quality checks said of a direction's translated sentences.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QualityTally {
    /// Sentences checked.
    pub sentences: usize,
    /// Sentences with at least one flag (after any retry).
    pub flagged: usize,
    /// Sentences rated `uncertain`.
    pub uncertain: usize,
    /// Sentences rated `poor`.
    pub poor: usize,
    /// Sentences decoded a second time because they were flagged.
    pub retried: usize,
    /// Sentences per flag.
    pub flags: BTreeMap<&'static str, usize>,
}

impl QualityTally {
    /// The flagged share of the sentences, 0 to 1.
    pub fn flagged_share(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.flagged as f64 / self.sentences as f64
        }
    }
}

/// One direction's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectionScore {
    /// Language translated from.
    pub source: String,
    /// Language translated into.
    pub target: String,
    /// Lines scored.
    pub lines: usize,
    /// Corpus chrF++ (character 6-grams, word 2-grams, β 2), 0 to 100.
    pub chrf: f64,
    /// Corpus BLEU, 0 to 100.
    pub bleu: f64,
    /// The tokenizer BLEU used (sacrebleu's name).
    pub tokenizer: &'static str,
    /// What the quality checks said, when Tolk translated the lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<QualityTally>,
}

/// Scores a direction's hypotheses against its references.
pub fn score(
    direction: &Direction,
    hypotheses: &[String],
    tokenizer: BleuTokenizer,
    quality: Option<QualityTally>,
) -> DirectionScore {
    let (mut chrf, mut bleu) = (ChrfStats::default(), BleuStats::default());
    for (line, hypothesis) in direction.lines.iter().zip(hypotheses) {
        chrf.add(&ChrfStats::of(hypothesis, &line.reference));
        bleu.add(&BleuStats::of(hypothesis, &line.reference, tokenizer));
    }
    DirectionScore {
        source: direction.source.to_string(),
        target: direction.target.to_string(),
        lines: direction.lines.len(),
        chrf: chrf.score(),
        bleu: bleu.score(),
        tokenizer: tokenizer.name(),
        quality,
    }
}

/// Translates a direction's lines (each line one text, its layout kept), calling `progress` with
/// the lines done after each round; answers the translations and what the checks said.
pub fn translate(
    translator: &Translator,
    direction: &Direction,
    options: &TranslateOptions,
    mut progress: impl FnMut(usize),
) -> Result<(Vec<String>, QualityTally), TranslatorError> {
    let mut hypotheses = Vec::with_capacity(direction.lines.len());
    let mut tally = QualityTally::default();
    for round in direction.lines.chunks(LINES_PER_ROUND) {
        let requests: Vec<TextRequest> = round
            .iter()
            .map(|line| TextRequest {
                text: &line.source,
                source: direction.source,
                target: direction.target,
            })
            .collect();
        for translation in translator.translate_texts(&requests, options)? {
            for sentence in &translation.sentence_quality {
                let quality = &sentence.quality;
                tally.sentences += 1;
                tally.flagged += usize::from(quality.is_flagged());
                tally.uncertain += usize::from(quality.level == QualityLevel::Uncertain);
                tally.poor += usize::from(quality.level == QualityLevel::Poor);
                tally.retried += usize::from(quality.retry.is_some());
                for flag in &quality.flags {
                    *tally.flags.entry(flag.as_str()).or_default() += 1;
                }
            }
            hypotheses.push(translation.text);
        }
        progress(round.len());
    }
    Ok((hypotheses, tally))
}

/// A small corpus both metrics' tests score, with sacrebleu's figures beside them.
#[cfg(test)]
const SAMPLE_HYPOTHESES: [&str; 4] = [
    "The quick brown fox jumps over the lazy dog.",
    "",
    "Es regnet heute in Berlin.",
    "Numbers: 1,000 and 3.5%!",
];
/// The references of [`SAMPLE_HYPOTHESES`].
#[cfg(test)]
const SAMPLE_REFERENCES: [&str; 4] = [
    "A quick brown fox jumped over the lazy dog.",
    "Nothing here.",
    "Heute regnet es in Berlin.",
    "Numbers: 1,000 and 3.5 %!",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> LangCode {
        LangCode::parse(code).unwrap()
    }

    #[test]
    fn aligned_files_must_have_as_many_lines() {
        let set = TestSet::aligned("a\nb\n", "x\r\ny", lang("eng_Latn"), lang("fra_Latn")).unwrap();
        assert_eq!(set.lines, 2);
        assert_eq!(set.directions[0].lines[1].reference, "y");
        assert_eq!(
            TestSet::aligned("a\nb\n", "x\n", lang("eng_Latn"), lang("fra_Latn")),
            Err(EvalError::Misaligned {
                sources: 2,
                references: 1
            })
        );
        assert_eq!(
            TestSet::aligned("", "", lang("eng_Latn"), lang("fra_Latn")),
            Err(EvalError::Empty)
        );
    }

    #[test]
    fn a_tsv_holds_any_directions_in_input_order() {
        let text = "source_language\ttarget_language\tsource\treference\n\
                    eng_Latn\tfra_Latn\tHello.\tBonjour.\n\
                    # a comment\n\
                    Luganda\ten\tOli otya?\tHow are you?\n\
                    en\tfr\tThanks.\tMerci.\n";
        let set = TestSet::tsv(text).unwrap();
        assert_eq!(set.lines, 3);
        let pairs: Vec<(&str, &str, usize)> = set
            .directions
            .iter()
            .map(|d| (d.source.as_str(), d.target.as_str(), d.lines.len()))
            .collect();
        assert_eq!(pairs, [("eng_Latn", "fra_Latn", 2), ("lug_Latn", "eng_Latn", 1)]);
        let split = set.split_hypotheses("B\nH\nM\n").unwrap();
        assert_eq!(split, [vec!["B".to_string(), "M".to_string()], vec!["H".to_string()]]);
        assert_eq!(set.hypotheses_in_order(&split), ["B", "H", "M"]);
        assert_eq!(
            set.split_hypotheses("B\n"),
            Err(EvalError::Hypotheses { expected: 3, found: 1 })
        );
    }

    #[test]
    fn tsv_mistakes_name_their_line() {
        let error = TestSet::tsv("eng_Latn\tfra_Latn\tHello.\tBonjour.\nen\tfr\tno reference\n").unwrap_err();
        assert!(matches!(error, EvalError::Line { line: 2, .. }), "{error}");
        let error = TestSet::tsv("eng_Latn\tklingon\tHello.\tnuqneH\n").unwrap_err();
        assert!(error.to_string().starts_with("line 1: target language"), "{error}");
        assert_eq!(TestSet::tsv("# nothing\n\n"), Err(EvalError::Empty));
    }

    #[test]
    fn perfect_hypotheses_score_100_and_chinese_uses_its_tokenizer() {
        let set = TestSet::aligned("a\nb\n", "The cat sat.\nIt slept.", lang("eng_Latn"), lang("fra_Latn")).unwrap();
        let direction = &set.directions[0];
        let refs: Vec<String> = direction.lines.iter().map(|l| l.reference.clone()).collect();
        let scored = score(direction, &refs, default_tokenizer(direction.target), None);
        assert!(
            (scored.chrf - 100.0).abs() < 1e-9 && (scored.bleu - 100.0).abs() < 1e-9,
            "{scored:?}"
        );
        assert_eq!(scored.tokenizer, "13a");
        assert_eq!(default_tokenizer(lang("zho_Hant")), BleuTokenizer::Zh);
        assert_eq!(default_tokenizer(lang("jpn_Jpan")), BleuTokenizer::Char);
    }
}
