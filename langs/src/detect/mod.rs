//! Language detection for all the NLLB languages we have text for.
//!
//! The writing system is decided first (Unicode blocks): it narrows 202 languages to the handful
//! written that way, and settles by itself the languages that are alone in their script (Armenian,
//! Odia, Santali in Ol Chiki, …). Among the rest, character 1–4-gram profiles built from the UDHR
//! (preamble and articles 1–15 only; see `scripts/make_detect_profiles.py`) score the text with naive
//! Bayes, and whatlang, where it knows the candidates, adds its opinion; lingua decides among the
//! languages it knows, and words typical of close languages (`words`) re-rank them. Languages UDHR
//! lacks are detected only where their script alone names them; [`Detector::languages`] lists what
//! can be answered.

mod alphabet;
#[cfg(feature = "lingua")]
mod broad;
#[cfg(not(feature = "lingua"))]
#[path = "without_broad.rs"]
mod broad;
mod profiles;
mod signal;
mod text;
mod words;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use alphabet::{han_verdict, HanVerdict};
pub use broad::lingua_alone;
pub use profiles::{BuildOptions, ProfileError, Profiles};
pub use signal::whatlang_alone;
pub use text::{script_of, ScriptGroup};

use crate::code::LangCode;

/// The profiles generated from UDHR, shipped inside the crate.
const EMBEDDED: &[u8] = include_bytes!("../../data/profiles.bin");

/// How many candidates a detection lists.
const TOP: usize = 5;

/// Characters of a text that are scored: a few hundred letters settle any language our profiles
/// can tell apart, and the cap keeps detection of a long document as fast as that of a paragraph.
const SCORED_CHARS: usize = 600;

/// Characters of a text lingua scores: its time grows with the text, and everyday sentences are
/// shorter than this anyway; beyond them our profiles have the whole text.
const LINGUA_CHARS: usize = 60;

/// Characters whose scripts are counted (cheap, but still bounded for megabyte inputs).
const COUNTED_CHARS: usize = 20_000;

/// The first `n` characters of `text`.
fn prefix(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(end, _)| &text[..end])
}

/// The knobs of detection. The defaults were chosen on held-out *training* articles (13–15, with
/// profiles built from the preamble and articles 1–12), never on the evaluation articles.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Additive smoothing of n-gram counts.
    pub alpha: f64,
    /// Log-likelihoods are divided by this before they become probabilities: every character takes
    /// part in several overlapping n-grams, so raw naive Bayes is far too sure of itself.
    pub temperature: f64,
    /// Factor by which whatlang's reliable answer multiplies a candidate's probability (1 = ignore).
    pub whatlang_weight: f64,
    /// Whether lingua decides among the languages it knows (off: the profiles alone).
    pub lingua: bool,
    /// Factor on the probability of a language lingua does not know when lingua knows others among
    /// the candidates: our profiles, trained on one formal text, are surer of themselves on everyday
    /// text than they should be, so lingua's languages keep the benefit of the doubt.
    pub unknown_weight: f64,
    /// How many of the languages lingua knows it is asked about, best by our profiles first.
    pub lingua_candidates: usize,
    /// Factor by which each word of a language's list in `langs/data/words.tsv` multiplies its
    /// probability, when the best candidate is one of its close languages (1 = ignore the lists).
    pub word_factor: f64,
    /// The same factor for a language lingua does not know, where lingua's opinion is used: such
    /// a language starts from a discounted weight (`unknown_weight`), and its own words are the
    /// evidence that it should not be.
    pub unknown_word_factor: f64,
    /// Most words of a list that count for a text.
    pub word_cap: u32,
    /// How many of the best candidates have their groups of close languages re-ranked by words.
    pub word_groups: usize,
    /// Least confidence of a reliable answer.
    pub reliable_confidence: f64,
    /// Fewest letters of a reliable answer (a third of this for Han and kana, which say more each).
    pub min_letters: usize,
    /// Least share of the letters in the main script for a reliable answer; below it the text is mixed.
    pub min_script_share: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            alpha: profiles::DEFAULT_ALPHA,
            temperature: 8.0,
            whatlang_weight: 2.0,
            lingua: true,
            unknown_weight: 0.03,
            lingua_candidates: 4,
            word_factor: 4.0,
            unknown_word_factor: 16.0,
            word_cap: 3,
            word_groups: 3,
            reliable_confidence: 0.9,
            min_letters: 20,
            min_script_share: 0.8,
        }
    }
}

/// One possible language of a text with its probability.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Candidate {
    /// The language.
    pub language: LangCode,
    /// Probability in 0..1 among the candidates considered.
    pub confidence: f64,
}

/// What detection says about a text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detection {
    /// The most likely language.
    pub language: LangCode,
    /// Its probability in 0..1.
    pub confidence: f64,
    /// Whether the answer can be acted on without asking: the text is long enough, in one script,
    /// and the best language is well ahead. Short or mixed text is never reliable.
    pub reliable: bool,
    /// The best candidates, best first (the answer included), at most five.
    pub candidates: Vec<Candidate>,
}

/// A language detector: profiles plus settings. Cheap to share; [`Detector::shared`] holds the one
/// built from the embedded profiles.
#[derive(Debug, Clone)]
pub struct Detector {
    profiles: Profiles,
    settings: Settings,
    profile_index: HashMap<LangCode, usize>,
    by_group: HashMap<ScriptGroup, Vec<LangCode>>,
}

impl Detector {
    /// The detector of the embedded profiles with default settings, loaded on first use.
    pub fn shared() -> &'static Detector {
        static SHARED: OnceLock<Detector> = OnceLock::new();
        SHARED.get_or_init(|| Detector::embedded().expect("the embedded profiles are valid (tested)"))
    }

    /// Loads the embedded profiles (a few milliseconds; prefer [`Detector::shared`]).
    pub fn embedded() -> Result<Detector, ProfileError> {
        Ok(Detector::new(Profiles::from_bytes(EMBEDDED)?, Settings::default()))
    }

    /// A detector over the given profiles.
    pub fn new(mut profiles: Profiles, settings: Settings) -> Detector {
        profiles.set_alpha(settings.alpha);
        let profile_index: HashMap<LangCode, usize> = profiles
            .languages()
            .iter()
            .enumerate()
            .map(|(i, &code)| (code, i))
            .collect();
        let by_group = ALL_GROUPS
            .iter()
            .map(|&group| {
                let codes = group_codes(group);
                let profiled: Vec<LangCode> = codes
                    .iter()
                    .copied()
                    .filter(|c| profile_index.contains_key(c))
                    .collect();
                // A language alone in its script needs no profile; otherwise only profiled ones compete.
                let chosen = if codes.len() == 1 { codes } else { profiled };
                (group, chosen)
            })
            .collect();
        Detector {
            profiles,
            settings,
            profile_index,
            by_group,
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Every language this detector can answer, in vocabulary order.
    pub fn languages(&self) -> Vec<LangCode> {
        LangCode::all()
            .filter(|c| self.by_group.values().any(|codes| codes.contains(c)))
            .collect()
    }

    /// The language of `text` among all languages; `None` when the text has no letters.
    pub fn detect(&self, text: &str) -> Option<Detection> {
        self.detect_among(text, None)
    }

    /// The language of `text` among `allowed` ones (all when `None`). Confidences are probabilities
    /// among the allowed languages, but `reliable` also asks that the answer stand out among every
    /// language of the script, so that a text in a language left out of the list is not reported
    /// reliable. When the text's script rules out every allowed language, the best allowed guess
    /// comes back with `reliable: false`.
    pub fn detect_among(&self, text: &str, allowed: Option<&[LangCode]>) -> Option<Detection> {
        let counts = text::script_counts(prefix(text, COUNTED_CHARS));
        let text = prefix(text, SCORED_CHARS);
        let letters: usize = counts.iter().map(|(_, n)| n).sum();
        let &(group, in_group) = counts.first()?;
        let is_allowed = |c: &LangCode| allowed.is_none_or(|list| list.contains(c));
        let in_script = &self.by_group[&group];
        let everyone = match self.narrowed(text, group, in_script) {
            Narrowed::Rank(possible) => self.rank(text, &possible),
            Narrowed::Even(possible) => possible
                .iter()
                .map(|&language| Candidate {
                    language,
                    confidence: 1.0 / possible.len() as f64,
                })
                .collect(),
        };
        let allowed_ranked: Vec<Candidate> = everyone.iter().copied().filter(|c| is_allowed(&c.language)).collect();
        let (ranked, standing) = if let Some(best) = allowed_ranked.first() {
            // The answer's probability among every language its letters allow.
            let standing = best.confidence;
            (renormalized(allowed_ranked), standing)
        } else {
            // The text's letters rule out every allowed language: the best allowed guess, never
            // reliable, among the allowed languages of the script if any, else among all allowed.
            let of_script: Vec<LangCode> = in_script.iter().copied().filter(is_allowed).collect();
            let profiled: Vec<LangCode> = self.profiles.languages().iter().copied().filter(is_allowed).collect();
            let pool = if of_script.is_empty() { profiled } else { of_script };
            if pool.is_empty() {
                let first = *allowed?.first()?;
                (
                    vec![Candidate {
                        language: first,
                        confidence: 0.0,
                    }],
                    0.0,
                )
            } else {
                (self.rank(text, &pool), 0.0)
            }
        };
        let best = ranked[0];
        let s = &self.settings;
        let min_letters = if group == ScriptGroup::Han {
            s.min_letters.div_ceil(3)
        } else {
            s.min_letters
        };
        let reliable = letters >= min_letters
            && in_group as f64 >= s.min_script_share * letters as f64
            && best.confidence >= s.reliable_confidence
            && standing >= s.reliable_confidence;
        Some(Detection {
            language: best.language,
            confidence: best.confidence,
            reliable,
            candidates: ranked.into_iter().take(TOP).collect(),
        })
    }

    /// The languages of `group` the text's letters allow: the script rules of [`alphabet`].
    fn narrowed(&self, text: &str, group: ScriptGroup, in_script: &[LangCode]) -> Narrowed {
        let codes = |names: &[&str]| names.iter().filter_map(|c| LangCode::from_nllb(c)).collect();
        match group {
            ScriptGroup::Cyrillic => Narrowed::Rank(alphabet::narrow_cyrillic(text, in_script)),
            ScriptGroup::Han => match alphabet::han_verdict(text) {
                HanVerdict::Japanese => Narrowed::Rank(codes(&["jpn_Jpan"])),
                HanVerdict::Cantonese => Narrowed::Rank(codes(&["yue_Hant"])),
                HanVerdict::Simplified => Narrowed::Rank(codes(&["zho_Hans"])),
                HanVerdict::Traditional => Narrowed::Rank(codes(&["zho_Hant"])),
                // Written alike in both scripts: nothing to choose by, and nothing lost either way.
                HanVerdict::Either => Narrowed::Even(codes(&["zho_Hans", "zho_Hant"])),
            },
            _ => Narrowed::Rank(in_script.to_vec()),
        }
    }

    /// Candidates with probabilities, best first.
    fn rank(&self, text: &str, candidates: &[LangCode]) -> Vec<Candidate> {
        if let [only] = candidates {
            return vec![Candidate {
                language: *only,
                confidence: 1.0,
            }];
        }
        let s = &self.settings;
        let mut wanted = vec![false; self.profiles.languages().len()];
        for code in candidates {
            wanted[self.profile_index[code]] = true;
        }
        let (scores, _) = self.profiles.score(text, &wanted);
        let logits: Vec<f64> = candidates
            .iter()
            .map(|c| scores[self.profile_index[c]] / s.temperature)
            .collect();
        let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut weights: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
        if s.whatlang_weight != 1.0 {
            if let Some(codes) = signal::opinion(text, candidates) {
                for (weight, code) in weights.iter_mut().zip(candidates) {
                    if codes.contains(code) {
                        *weight *= s.whatlang_weight;
                    }
                }
            }
        }
        if s.lingua {
            // lingua is asked about the languages it knows that our profiles rank highest: its
            // time grows with every language it scores.
            let known: Vec<bool> = candidates.iter().map(|&c| broad::knows(c)).collect();
            let mut by_weight: Vec<usize> = (0..candidates.len()).filter(|&i| known[i]).collect();
            // Words typical of a language bring it into the asked ones (see `words`).
            let boosts = self.word_boosts(text, candidates, &weights);
            let boosted = |i: usize| weights[i] * boosts.as_ref().map_or(1.0, |b| b[i]);
            by_weight.sort_by(|&a, &b| boosted(b).total_cmp(&boosted(a)));
            let mut asked: Vec<LangCode> = by_weight
                .iter()
                .take(s.lingua_candidates)
                .map(|&i| candidates[i])
                .collect();
            // Two words or more of its list bring a language in however far down our profiles
            // rank it (unaccented Yoruba, say): lingua, not the profiles, then judges it.
            if let Some(boosts) = &boosts {
                let strong = s.word_factor.powi(2);
                for &i in by_weight.iter().skip(s.lingua_candidates) {
                    if s.word_factor > 1.0 && boosts[i] >= strong {
                        asked.push(candidates[i]);
                    }
                }
            }
            if let Some(opinion) = broad::opinion(prefix(text, LINGUA_CHARS), &asked) {
                // lingua shares out the weight of the languages it knows; the others keep theirs,
                // discounted.
                let known_weight: f64 = by_weight.iter().map(|&i| weights[i]).sum();
                for ((weight, code), &known) in weights.iter_mut().zip(candidates).zip(&known) {
                    *weight = match opinion.iter().find(|(c, _)| c == code) {
                        Some(&(_, p)) => known_weight * p,
                        // lingua knows it but ranked it too low to ask: nearly out.
                        None if known => *weight * s.unknown_weight * s.unknown_weight,
                        None => *weight * s.unknown_weight,
                    };
                }
            }
        }
        // Close languages: the words typical of each re-rank them (see `words`).
        if let Some(boosts) = self.word_boosts(text, candidates, &weights) {
            for (weight, boost) in weights.iter_mut().zip(boosts) {
                *weight *= boost;
            }
        }
        let sum: f64 = weights.iter().sum();
        let mut ranked: Vec<Candidate> = candidates
            .iter()
            .zip(weights)
            .map(|(&language, w)| Candidate {
                language,
                confidence: w / sum,
            })
            .collect();
        ranked.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.language.cmp(&b.language)));
        ranked
    }
}

impl Detector {
    /// The factor by which the words of `text` multiply each candidate's weight (see `words`):
    /// for the groups of close languages of the best few by `weights`. `None` when no word speaks.
    fn word_boosts(&self, text: &str, candidates: &[LangCode], weights: &[f64]) -> Option<Vec<f64>> {
        let s = &self.settings;
        if s.word_factor == 1.0 && s.unknown_word_factor == 1.0 {
            return None;
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
        let best: Vec<LangCode> = order.iter().take(s.word_groups).map(|&i| candidates[i]).collect();
        let hits = words::hits(text, &best, candidates)?;
        let boosts = hits
            .iter()
            .zip(candidates)
            .map(|(found, &code)| {
                let factor = if s.lingua && !broad::knows(code) {
                    // Its words raise a language lingua does not know out of its discount, if its
                    // group is among the best few.
                    s.unknown_word_factor
                } else if words::close(code, best[0]) || words::always(code) {
                    s.word_factor
                } else {
                    // A language lingua knows is re-ranked only among those close to the best:
                    // a word it shares with a language of no group ("kaj", Slovene and
                    // Esperanto) must not take the text from that language.
                    1.0
                };
                factor.powi((found.own + found.shared).min(s.word_cap) as i32)
            })
            .collect();
        Some(boosts)
    }
}

/// The languages a text's letters allow, and whether statistics should choose among them.
enum Narrowed {
    /// Rank these by the models.
    Rank(Vec<LangCode>),
    /// The letters cannot tell these apart, and neither would the models: an even split.
    Even(Vec<LangCode>),
}

/// Candidates scaled so that their probabilities add up to 1 again (best first is kept).
fn renormalized(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    let sum: f64 = candidates.iter().map(|c| c.confidence).sum();
    if sum > 0.0 {
        for c in &mut candidates {
            c.confidence /= sum;
        }
    }
    candidates
}

/// Detects the language of `text` with the shared detector; `None` when it has no letters.
pub fn detect(text: &str) -> Option<Detection> {
    Detector::shared().detect(text)
}

const ALL_GROUPS: [ScriptGroup; 27] = {
    use ScriptGroup::*;
    [
        Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil,
        Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Tibetan, Myanmar, Georgian, Hangul, Ethiopic, Khmer, OlChiki,
        Tifinagh, Han,
    ]
};

/// The NLLB codes written in a script group. Santali is the exception: the vocabulary says `sat_Beng`
/// but NLLB's Santali is Ol Chiki, so it belongs to Ol Chiki and not to Bengali.
fn group_codes(group: ScriptGroup) -> Vec<LangCode> {
    let santali = LangCode::from_nllb("sat_Beng").expect("sat_Beng is an NLLB code");
    if group == ScriptGroup::OlChiki {
        return vec![santali];
    }
    LangCode::all()
        .filter(|c| *c != santali && group.nllb_scripts().contains(&c.script().as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::from_nllb(s).unwrap()
    }

    #[test]
    fn every_script_group_has_a_language_and_every_language_a_group() {
        for group in ALL_GROUPS {
            assert!(!group_codes(group).is_empty(), "{group:?}");
        }
        let grouped: usize = ALL_GROUPS.iter().map(|&g| group_codes(g).len()).sum();
        assert_eq!(grouped, 202);
    }

    #[test]
    fn the_embedded_profiles_load_and_cover_the_udhr_languages() {
        let detector = Detector::embedded().unwrap();
        assert!(
            detector.profiles.languages().len() >= 160,
            "{}",
            detector.profiles.languages().len()
        );
        let answerable = detector.languages();
        for c in [
            "quy_Latn", "grn_Latn", "hau_Latn", "ibo_Latn", "wol_Latn", "kin_Latn", "mri_Latn", "smo_Latn", "fij_Latn",
        ] {
            assert!(answerable.contains(&code(c)), "{c}");
        }
        // Alone in their scripts, so answerable without a profile.
        assert!(answerable.contains(&code("ory_Orya")));
        assert!(answerable.contains(&code("sat_Beng")));
    }

    #[test]
    fn paragraphs_in_languages_whatlang_cannot_name_are_detected() {
        let cases = [
            ("quy_Latn", "Llapa runakunam paqarimunku qispisqa, llapallanchikmi kapanchik kaqlla, allin kawsayniyuq, hinallataq yuyayniyuq"),
            ("mri_Latn", "Ko te katoa o te tangata i te whānautanga mai he herekore, he ōrite ō rātou tapu me ō rātou mana"),
            ("fra_Latn", "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués de raison et de conscience."),
        ];
        for (expected, text) in cases {
            let found = detect(text).unwrap();
            assert_eq!(found.language.as_str(), expected, "{text}: {found:?}");
        }
    }

    #[test]
    fn a_script_of_its_own_settles_the_language() {
        let found = detect("ᱥᱟᱱᱛᱟᱲᱤ ᱯᱟᱹᱨᱥᱤ ᱫᱚ ᱢᱤᱫ ᱯᱟᱹᱨᱥᱤ").unwrap();
        assert_eq!(found.language.as_str(), "sat_Beng");
        assert_eq!(found.confidence, 1.0);
        let found = detect("ଭାରତ ଏକ ବିଶାଳ ଦେଶ ଅଟେ, ଏହାର ଇତିହାସ ବହୁତ ପୁରୁଣା").unwrap();
        assert_eq!(found.language.as_str(), "ory_Orya");
        assert!(found.reliable);
    }

    #[test]
    fn short_or_mixed_text_is_not_reliable() {
        assert!(!detect("Hola").unwrap().reliable);
        let mixed = "Привет всем друзьям, hello to all my friends";
        assert!(!detect(mixed).unwrap().reliable);
        assert!(detect("1234 !!").is_none());
    }

    #[test]
    fn an_allow_list_limits_the_answer() {
        let text = "Tous les êtres humains naissent libres et égaux en dignité et en droits.";
        let allowed = [code("spa_Latn"), code("ita_Latn")];
        let found = Detector::shared().detect_among(text, Some(&allowed)).unwrap();
        assert!(allowed.contains(&found.language));
        assert!(found.candidates.iter().all(|c| allowed.contains(&c.language)));
        // French is the clear answer among all languages, so neither allowed one is reliable.
        assert!(!found.reliable, "{found:?}");
        let with_french = [code("spa_Latn"), code("fra_Latn")];
        let found = Detector::shared().detect_among(text, Some(&with_french)).unwrap();
        assert_eq!((found.language.as_str(), found.reliable), ("fra_Latn", true));
        // No allowed language is written in Cyrillic: a guess, never reliable.
        let found = Detector::shared()
            .detect_among("Все люди рождаются свободными", Some(&allowed))
            .unwrap();
        assert!(!found.reliable);
    }

    #[test]
    fn only_the_start_of_a_long_text_is_scored() {
        assert_eq!(prefix("añb", 2), "añ");
        assert_eq!(prefix("ab", 5), "ab");
        let long = "Kila mtu ana haki ya kuwa na uhuru wa kutoa maoni. ".repeat(2000);
        assert_eq!(detect(&long).unwrap().language.as_str(), "swh_Latn");
    }

    #[test]
    fn confidences_are_probabilities_best_first() {
        let found = detect("Kila mtu ana haki ya kuwa na uhuru wa kutoa maoni").unwrap();
        assert!(found.candidates.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        let sum: f64 = found.candidates.iter().map(|c| c.confidence).sum();
        assert!(sum <= 1.0 + 1e-9 && (0.0..=1.0).contains(&found.confidence));
        assert_eq!(found.candidates[0].language, found.language);
    }
}
