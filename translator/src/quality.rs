//! How far one translated sentence can be trusted: the model's own score and checks of the output
//! against the source for NLLB's known failure modes in low-resource directions (output in another
//! language or script, an untranslated copy, loops, a length that suggests omission or addition,
//! numbers changed, offensive words added). Each check is cheap and runs on every sentence; thresholds are in
//! [`QualityThresholds`] and documented in `docs/quality.md`.

use langs::detect::{script_of, Detector, ScriptGroup};
use langs::LangCode;

use crate::toxicity;

/// What a check found wrong with a translated sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityFlag {
    /// The detector says, reliably, that the output is in a language other than the target.
    OffTarget,
    /// Most of the output's letters are not in the target language's script.
    WrongScript,
    /// The output is (nearly) the source, untranslated.
    Copied,
    /// A word or phrase loops, or the output ran to its decoding limit.
    Repetition,
    /// The output is far shorter or longer than the source leads one to expect.
    Length,
    /// Digits, URLs or e-mail addresses of the source are missing or changed.
    Numbers,
    /// An offensive term of the target language's list ([`crate::toxicity`]) that the source
    /// does not account for.
    AddedToxicity,
}

impl QualityFlag {
    /// Its name in answers: `off_target`, `wrong_script`, …
    pub fn as_str(self) -> &'static str {
        match self {
            QualityFlag::OffTarget => "off_target",
            QualityFlag::WrongScript => "wrong_script",
            QualityFlag::Copied => "copied",
            QualityFlag::Repetition => "repetition",
            QualityFlag::Length => "length",
            QualityFlag::Numbers => "numbers",
            QualityFlag::AddedToxicity => "added_toxicity",
        }
    }

    /// Whether the flag alone makes a sentence `poor` (the others make it `uncertain`).
    fn is_severe(self) -> bool {
        matches!(
            self,
            QualityFlag::OffTarget | QualityFlag::WrongScript | QualityFlag::Copied | QualityFlag::Repetition
        )
    }
}

/// The verdict on a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityLevel {
    /// No flag and a score above the uncertain threshold.
    Good,
    /// A mild flag (length, numbers) or a low score: read it before use.
    Uncertain,
    /// A severe flag or a very low score: most likely wrong.
    Poor,
}

impl QualityLevel {
    /// Its name in answers: `good`, `uncertain` or `poor`.
    pub fn as_str(self) -> &'static str {
        match self {
            QualityLevel::Good => "good",
            QualityLevel::Uncertain => "uncertain",
            QualityLevel::Poor => "poor",
        }
    }
}

/// What came of decoding a flagged sentence a second time (`retry_flagged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// The second translation was better and replaced the first.
    Replaced,
    /// The second translation was no better; the first stayed.
    Kept,
}

impl Retry {
    /// Its name in answers: `replaced` or `kept`.
    pub fn as_str(self) -> &'static str {
        match self {
            Retry::Replaced => "replaced",
            Retry::Kept => "kept",
        }
    }
}

/// A sentence's quality: the model's score, a level and what was found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Quality {
    /// Length-normalised log-probability of the output (CTranslate2's score); higher is better.
    pub score: f32,
    /// The verdict.
    pub level: QualityLevel,
    /// What the checks found, in a fixed order.
    pub flags: Vec<QualityFlag>,
    /// Whether the sentence was decoded again because it was flagged, and what came of it.
    pub retry: Option<Retry>,
}

impl Quality {
    /// The quality of a sentence nothing was checked for (tests, and text with nothing to
    /// translate): good, no flags.
    pub fn unchecked() -> Quality {
        Quality {
            score: 0.0,
            level: QualityLevel::Good,
            flags: Vec::new(),
            retry: None,
        }
    }

    /// Whether the checks found anything: what earns a sentence its second chance.
    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Whether this translation is better than `other`: a better level, then fewer flags, then a
    /// higher score.
    pub fn is_better_than(&self, other: &Quality) -> bool {
        let rank = |q: &Quality| (q.level, q.flags.len());
        match rank(self).cmp(&rank(other)) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => self.score > other.score,
        }
    }
}

/// The limits the checks apply. The defaults are documented in `docs/quality.md`; a config file's
/// `[quality]` table sets any of them (same names).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QualityThresholds {
    /// Below this score a sentence is at best `uncertain`.
    pub uncertain_score: f32,
    /// Below this score a sentence is `poor`.
    pub poor_score: f32,
    /// Fewest letters in the output for the language checks (detection, script) to speak.
    pub min_letters: usize,
    /// Least share of the output's letters in the target script.
    pub min_script_share: f64,
    /// Least similarity of source and output (character trigrams) that counts as a copy.
    pub copy_similarity: f64,
    /// Fewest letters in the source for the copy and length checks.
    pub min_source_letters: usize,
    /// Least output length over source length, once both are scaled by their scripts' density (a
    /// Han character says about what three Latin letters do).
    pub min_length_ratio: f64,
    /// Most output length over source length, scaled the same way.
    pub max_length_ratio: f64,
    /// A word n-gram (n = 1..=3) seen this many times in a row is a loop.
    pub repeats: usize,
}

impl Default for QualityThresholds {
    fn default() -> Self {
        QualityThresholds {
            uncertain_score: -1.5,
            poor_score: -3.0,
            min_letters: 20,
            min_script_share: 0.5,
            copy_similarity: 0.8,
            min_source_letters: 12,
            min_length_ratio: 0.33,
            max_length_ratio: 3.0,
            repeats: 4,
        }
    }
}

impl QualityThresholds {
    /// Checks that every limit is in its range; the error names the first that is not.
    pub fn validate(&self) -> Result<(), crate::TranslatorError> {
        let wrong = |name: &'static str, value: String, expected: &str| {
            Err(crate::TranslatorError::InvalidOption {
                name,
                value,
                expected: expected.to_string(),
            })
        };
        let finite_negative = |v: f32| v.is_finite() && v <= 0.0;
        if !finite_negative(self.uncertain_score) {
            return wrong(
                "quality.uncertain_score",
                self.uncertain_score.to_string(),
                "a number at most 0",
            );
        }
        if !finite_negative(self.poor_score) || self.poor_score > self.uncertain_score {
            return wrong(
                "quality.poor_score",
                self.poor_score.to_string(),
                "a number at most 0 and at most uncertain_score",
            );
        }
        for (name, share) in [
            ("quality.min_script_share", self.min_script_share),
            ("quality.copy_similarity", self.copy_similarity),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return wrong(name, share.to_string(), "from 0 to 1");
            }
        }
        if !(self.min_length_ratio.is_finite() && self.min_length_ratio >= 0.0) {
            return wrong(
                "quality.min_length_ratio",
                self.min_length_ratio.to_string(),
                "a number at least 0",
            );
        }
        if !(self.max_length_ratio.is_finite() && self.max_length_ratio >= self.min_length_ratio) {
            return wrong(
                "quality.max_length_ratio",
                self.max_length_ratio.to_string(),
                "a number at least min_length_ratio",
            );
        }
        if self.repeats < 2 {
            return wrong("quality.repeats", self.repeats.to_string(), "at least 2");
        }
        Ok(())
    }
}

/// Everything known about one translated sentence.
#[derive(Debug, Clone, Copy)]
pub struct SentencePair<'a> {
    /// The source sentence.
    pub source: &'a str,
    /// Its translation.
    pub output: &'a str,
    /// The source language.
    pub source_language: LangCode,
    /// The target language.
    pub target: LangCode,
    /// The model's score of the output.
    pub score: f32,
    /// Whether decoding stopped at its length limit rather than at the end of the sentence.
    pub hit_limit: bool,
}

/// Checks one translated sentence.
pub fn assess(pair: &SentencePair<'_>, limits: &QualityThresholds) -> Quality {
    let mut flags = Vec::new();
    let source_letters = letters(pair.source);
    let output_letters = letters(pair.output);
    let different_languages = pair.source_language != pair.target;
    if output_letters.len() >= limits.min_letters && off_target(pair.output, pair.target) {
        flags.push(QualityFlag::OffTarget);
    }
    if output_letters.len() >= 5 && script_share(&output_letters, pair.target) < limits.min_script_share {
        flags.push(QualityFlag::WrongScript);
    }
    if different_languages
        && source_letters.len() >= limits.min_source_letters
        && similarity(pair.source, pair.output) >= limits.copy_similarity
    {
        flags.push(QualityFlag::Copied);
    }
    if pair.hit_limit || loops(pair.output, limits.repeats) {
        flags.push(QualityFlag::Repetition);
    }
    if source_letters.len() >= limits.min_source_letters {
        let ratio = weighted_length(pair.output, pair.target) / weighted_length(pair.source, pair.source_language);
        if ratio < limits.min_length_ratio || ratio > limits.max_length_ratio {
            flags.push(QualityFlag::Length);
        }
    }
    if numbers_changed(pair.source, pair.output) {
        flags.push(QualityFlag::Numbers);
    }
    if toxicity::added(pair.source, pair.source_language, pair.output, pair.target) {
        flags.push(QualityFlag::AddedToxicity);
    }
    let level = if pair.score < limits.poor_score || flags.iter().any(|f| f.is_severe()) {
        QualityLevel::Poor
    } else if pair.score < limits.uncertain_score || !flags.is_empty() {
        QualityLevel::Uncertain
    } else {
        QualityLevel::Good
    };
    Quality {
        score: pair.score,
        level,
        flags,
        retry: None,
    }
}

fn letters(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_alphabetic()).collect()
}

/// The detector reliably names another language, and gives the target next to nothing: close
/// languages (Bosnian and Croatian) that it cannot tell apart are not flagged.
fn off_target(output: &str, target: LangCode) -> bool {
    let Some(found) = Detector::shared().detect(output) else {
        return false;
    };
    let target_share = found
        .candidates
        .iter()
        .find(|c| c.language == target)
        .map_or(0.0, |c| c.confidence);
    found.reliable && found.language != target && target_share < 0.05
}

/// The share of `letters` written in the target's script.
fn script_share(letters: &[char], target: LangCode) -> f64 {
    let script = target.script();
    let in_script = letters
        .iter()
        .filter(|&&c| script_of(c).is_some_and(|g: ScriptGroup| g.nllb_scripts().contains(&script.as_str())))
        .count();
    in_script as f64 / letters.len() as f64
}

/// Similarity of two texts: the Dice coefficient of their lower-cased character trigrams.
fn similarity(a: &str, b: &str) -> f64 {
    fn trigrams(text: &str) -> Vec<[char; 3]> {
        let chars: Vec<char> = text
            .chars()
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut grams: Vec<[char; 3]> = chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
        grams.sort_unstable();
        grams
    }
    let (a, b) = (trigrams(a), trigrams(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // Both sorted: count the common trigrams (with multiplicity) in one merge.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// A word, or a phrase of two or three words, repeated `repeats` times in a row.
fn loops(text: &str, repeats: usize) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    // Scripts written without spaces: look at characters instead, and ask for a longer run, as
    // single characters repeat in normal text (Chinese 的).
    let by_characters = words.len() <= 2 && text.chars().count() > 20;
    let (units, needed): (Vec<String>, usize) = if by_characters {
        let characters = text.chars().filter(|c| c.is_alphanumeric()).map(String::from).collect();
        (characters, repeats * 2)
    } else {
        (words, repeats)
    };
    (1..=3).any(|n| {
        if units.len() < n * needed {
            return false;
        }
        (0..=units.len() - n * needed).any(|start| {
            let first = &units[start..start + n];
            (1..needed).all(|k| &units[start + k * n..start + (k + 1) * n] == first)
        })
    })
}

/// Letters counted by how much each says: a Han character about three Latin letters, a kana or a
/// Hangul syllable about two.
fn weighted_length(text: &str, language: LangCode) -> f64 {
    let per_letter = match language.script().as_str() {
        "Hans" | "Hant" => 3.0,
        "Jpan" | "Hang" => 2.0,
        _ => 1.0,
    };
    (letters(text).len() as f64 * per_letter).max(1.0)
}

/// Whether numbers, URLs or e-mail addresses of the source are missing from the output (written
/// in any digits, with any grouping), or new ones appear.
fn numbers_changed(source: &str, output: &str) -> bool {
    let (mut a, mut b) = (tokens_to_keep(source), tokens_to_keep(output));
    a.sort();
    b.sort();
    a != b
}

/// The numbers (digits only, separators dropped, any script's digits as ASCII), URLs and e-mail
/// addresses of a text.
fn tokens_to_keep(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in text.split_whitespace() {
        let trimmed =
            word.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '\'' | ',' | ';' | '!' | '?' | '«' | '»'));
        let trimmed = trimmed.trim_end_matches('.');
        if trimmed.contains("://") || trimmed.starts_with("www.") || (trimmed.contains('@') && trimmed.contains('.')) {
            found.push(trimmed.to_lowercase());
            continue;
        }
        let mut digits = String::new();
        for c in word.chars() {
            if let Some(d) = digit_value(c) {
                digits.push(char::from(b'0' + d));
            } else if !digits.is_empty() && !matches!(c, '.' | ',' | '\u{a0}' | '\u{202f}' | '\'' | '٫' | '٬') {
                found.push(std::mem::take(&mut digits));
            }
        }
        if !digits.is_empty() {
            found.push(digits);
        }
    }
    found
}

/// The value of a decimal digit in any of the scripts NLLB languages use.
fn digit_value(c: char) -> Option<u8> {
    const ZEROS: [u32; 18] = [
        0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040,
        0x17E0, 0x1C50,
    ];
    let code = c as u32;
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .map(|&zero| (code - zero) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::from_nllb(s).unwrap()
    }

    fn check(source: &str, output: &str, from: &str, to: &str) -> Quality {
        assess(
            &SentencePair {
                source,
                output,
                source_language: code(from),
                target: code(to),
                score: -0.5,
                hit_limit: false,
            },
            &QualityThresholds::default(),
        )
    }

    const EN: &str = "The children walked to the market with their grandmother this morning.";
    const FR: &str = "Les enfants sont allés au marché avec leur grand-mère ce matin.";

    #[test]
    fn names_are_the_serialized_names() {
        use QualityFlag::*;
        for flag in [
            OffTarget,
            WrongScript,
            Copied,
            Repetition,
            Length,
            Numbers,
            AddedToxicity,
        ] {
            assert_eq!(serde_json::to_value(flag).unwrap(), flag.as_str());
        }
        for level in [QualityLevel::Good, QualityLevel::Uncertain, QualityLevel::Poor] {
            assert_eq!(serde_json::to_value(level).unwrap(), level.as_str());
        }
    }

    #[test]
    fn a_clean_translation_is_good() {
        let q = check(EN, FR, "eng_Latn", "fra_Latn");
        assert_eq!((q.level, q.flags.as_slice()), (QualityLevel::Good, &[][..]), "{q:?}");
    }

    #[test]
    fn output_in_another_language_is_off_target() {
        let spanish = "Los niños caminaron al mercado con su abuela esta mañana.";
        let q = check(EN, spanish, "eng_Latn", "fra_Latn");
        assert!(q.flags.contains(&QualityFlag::OffTarget), "{q:?}");
        assert_eq!(q.level, QualityLevel::Poor);
    }

    #[test]
    fn output_in_another_script_is_flagged() {
        let q = check(
            EN,
            "Дети пошли на рынок с бабушкой сегодня утром.",
            "eng_Latn",
            "fra_Latn",
        );
        assert!(q.flags.contains(&QualityFlag::WrongScript), "{q:?}");
        let q = check(
            EN,
            "Дети пошли на рынок с бабушкой сегодня утром.",
            "eng_Latn",
            "rus_Cyrl",
        );
        assert!(!q.flags.contains(&QualityFlag::WrongScript), "{q:?}");
    }

    #[test]
    fn an_untranslated_copy_is_flagged_and_a_translation_is_not() {
        let q = check(EN, EN, "eng_Latn", "quy_Latn");
        assert!(q.flags.contains(&QualityFlag::Copied), "{q:?}");
        let q = check(
            EN,
            "The children walked to the market with grandmother this morning",
            "eng_Latn",
            "quy_Latn",
        );
        assert!(q.flags.contains(&QualityFlag::Copied), "{q:?}");
        assert!(!check(EN, FR, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Copied));
    }

    #[test]
    fn loops_and_the_decoding_limit_are_repetition() {
        let looping = "Les enfants sont allés au marché au marché au marché au marché au marché.";
        assert!(check(EN, looping, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Repetition));
        let word = "Les enfants enfants enfants enfants sont allés au marché ce matin.";
        assert!(check(EN, word, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Repetition));
        let chinese = "孩子们今天早上和奶奶一起去了市场。";
        assert!(!check(EN, chinese, "eng_Latn", "zho_Hans")
            .flags
            .contains(&QualityFlag::Repetition));
        // A one-letter first word does not make words count as characters.
        let short_first = "À à à à la maison ce matin avec les enfants.";
        assert!(check(EN, short_first, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Repetition));
        let mut pair = SentencePair {
            source: EN,
            output: FR,
            source_language: code("eng_Latn"),
            target: code("fra_Latn"),
            score: -0.5,
            hit_limit: true,
        };
        assert!(assess(&pair, &QualityThresholds::default())
            .flags
            .contains(&QualityFlag::Repetition));
        pair.hit_limit = false;
        assert!(assess(&pair, &QualityThresholds::default()).flags.is_empty());
    }

    #[test]
    fn a_much_shorter_or_longer_output_is_flagged_with_scripts_weighed() {
        let q = check(EN, "Les enfants.", "eng_Latn", "fra_Latn");
        assert!(q.flags.contains(&QualityFlag::Length), "{q:?}");
        assert_eq!(q.level, QualityLevel::Uncertain);
        let long = format!("{FR} {FR} {FR} Et puis ils sont rentrés à la maison pour manger.");
        assert!(check(EN, &long, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Length));
        // Chinese says in 17 characters what English says in 60 letters.
        let chinese = "孩子们今天早上和奶奶一起去了市场。";
        assert!(!check(EN, chinese, "eng_Latn", "zho_Hans")
            .flags
            .contains(&QualityFlag::Length));
    }

    #[test]
    fn numbers_urls_and_addresses_must_survive_in_any_digits() {
        let source = "Call 0800 123 456 before 5 May 2024 or write to help@example.org.";
        let kept = "Appelez le 0800 123 456 avant le 5 mai 2024 ou écrivez à help@example.org.";
        assert!(!check(source, kept, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Numbers));
        let changed = "Appelez le 0800 123 465 avant le 5 mai 2024 ou écrivez à help@example.org.";
        assert!(check(source, changed, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Numbers));
        let lost = "Appelez le 0800 123 456 avant le 5 mai 2024.";
        assert!(check(source, lost, "eng_Latn", "fra_Latn")
            .flags
            .contains(&QualityFlag::Numbers));
        // Grouping and the script's own digits are the same number.
        assert!(!numbers_changed("It costs 1,250 rupees.", "इसकी कीमत १२५० रुपये है।"));
        assert!(!numbers_changed(
            "See https://example.org/a now.",
            "Voir https://example.org/a maintenant."
        ));
    }

    #[test]
    fn low_scores_lower_the_level() {
        let mut pair = SentencePair {
            source: EN,
            output: FR,
            source_language: code("eng_Latn"),
            target: code("fra_Latn"),
            score: -2.0,
            hit_limit: false,
        };
        let limits = QualityThresholds::default();
        assert_eq!(assess(&pair, &limits).level, QualityLevel::Uncertain);
        pair.score = -3.5;
        assert_eq!(assess(&pair, &limits).level, QualityLevel::Poor);
    }

    #[test]
    fn an_offensive_word_the_source_lacks_is_added_toxicity() {
        let insult = "Les enfants sont allés au putain de marché avec leur grand-mère ce matin.";
        let q = check(EN, insult, "eng_Latn", "fra_Latn");
        assert_eq!(q.flags, [QualityFlag::AddedToxicity], "{q:?}");
        assert_eq!(q.level, QualityLevel::Uncertain);
        let rude = "The children walked to the fucking market with their grandmother this morning.";
        assert!(check(rude, insult, "eng_Latn", "fra_Latn").flags.is_empty());
    }

    #[test]
    fn thresholds_out_of_range_are_named() {
        let named = |limits: QualityThresholds| limits.validate().unwrap_err().to_string();
        let base = QualityThresholds::default();
        assert!(base.validate().is_ok());
        for (limits, name) in [
            (
                QualityThresholds {
                    uncertain_score: 0.5,
                    ..base
                },
                "uncertain_score",
            ),
            (
                QualityThresholds {
                    poor_score: -1.0,
                    ..base
                },
                "poor_score",
            ),
            (
                QualityThresholds {
                    copy_similarity: 1.5,
                    ..base
                },
                "copy_similarity",
            ),
            (
                QualityThresholds {
                    max_length_ratio: 0.1,
                    ..base
                },
                "max_length_ratio",
            ),
            (QualityThresholds { repeats: 1, ..base }, "repeats"),
        ] {
            assert!(named(limits).contains(name), "{name}");
        }
    }

    #[test]
    fn a_retry_is_better_by_level_then_flags_then_score() {
        let quality = |level, flags: &[QualityFlag], score| Quality {
            score,
            level,
            flags: flags.to_vec(),
            retry: None,
        };
        use QualityFlag::*;
        use QualityLevel::*;
        assert!(quality(Uncertain, &[Length], -2.0).is_better_than(&quality(Poor, &[Copied], -0.5)));
        assert!(quality(Poor, &[Copied], -2.0).is_better_than(&quality(Poor, &[Copied, Length], -0.5)));
        assert!(quality(Poor, &[Copied], -0.4).is_better_than(&quality(Poor, &[Repetition], -0.5)));
        assert!(!quality(Poor, &[Copied], -0.5).is_better_than(&quality(Poor, &[Copied], -0.5)));
    }

    #[test]
    fn short_or_empty_sentences_do_not_trip_the_checks() {
        for (source, output) in [("Hi!", "Salut !"), ("", ""), ("42", "42"), ("OK", "OK")] {
            let q = check(source, output, "eng_Latn", "fra_Latn");
            assert!(q.flags.is_empty(), "{source} → {output}: {q:?}");
        }
    }
}
