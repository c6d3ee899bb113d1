//! lingua as the broad model. Its n-gram models (1- to 5-grams) come from the Leipzig corpora:
//! news, web and Wikipedia text in volume, where our profiles have one formal document per language.
//! It is therefore the better judge of everyday text, but only among the 61 NLLB languages it was
//! built with (see the workspace `Cargo.toml`); for their siblings it does not know (Balinese next to
//! Indonesian, Swati next to Zulu, Dari next to Persian) our profiles must say whether the text
//! belongs to one of them instead.
//!
//! Models are embedded in the binary (256 MB) and opened on first use of each language, so
//! start-up pays nothing; the first text of a script pays the loading once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

use crate::code::LangCode;

/// Every language lingua was built with and its NLLB code, sorted by code for binary search.
fn codes() -> &'static [(LangCode, Language)] {
    static CODES: OnceLock<Vec<(LangCode, Language)>> = OnceLock::new();
    CODES.get_or_init(|| {
        let mut codes: Vec<(LangCode, Language)> = Language::all()
            .into_iter()
            .filter_map(|language| nllb_code(language).map(|code| (code, language)))
            .collect();
        codes.sort_by_key(|&(code, _)| code.as_str());
        codes
    })
}

/// lingua's language for an NLLB code, if it knows it.
fn language_of(code: LangCode) -> Option<Language> {
    let codes = codes();
    let at = codes.binary_search_by_key(&code.as_str(), |(c, _)| c.as_str()).ok()?;
    Some(codes[at].1)
}

/// Most detectors kept for sets of languages; past it the cache starts over.
const CACHED_DETECTORS: usize = 512;

/// A lingua detector for exactly these languages. Scoring against a few languages rather than all
/// is what keeps detection under a millisecond; building one costs about a tenth of a millisecond
/// (the models themselves are shared), so detectors are kept per set.
fn detector_for(mut languages: Vec<Language>) -> Arc<LanguageDetector> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<Language>, Arc<LanguageDetector>>>> = OnceLock::new();
    languages.sort();
    let cache = CACHE.get_or_init(Default::default);
    let lock = |cache: &'static Mutex<_>| cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = lock(cache).get(&languages) {
        return Arc::clone(found);
    }
    let built = Arc::new(LanguageDetectorBuilder::from_languages(&languages).build());
    let mut cache = lock(cache);
    if cache.len() >= CACHED_DETECTORS {
        cache.clear();
    }
    cache.insert(languages, Arc::clone(&built));
    built
}

/// The NLLB code lingua's language stands for: its ISO 639-3 code, resolved as users' codes are
/// (`msa` is Standard Malay, `fas` Iranian Persian, `sqi` Tosk Albanian, `lav` Standard Latvian).
fn nllb_code(language: Language) -> Option<LangCode> {
    crate::resolve::resolve(&language.iso_code_639_3().to_string()).ok()
}

/// Whether lingua knows `code`.
pub fn knows(code: LangCode) -> bool {
    language_of(code).is_some()
}

/// lingua's probabilities for the `candidates` it knows, renormalized among them; `None` when it
/// knows fewer than two of them (one it knows has nothing to compare). Its cost grows with the
/// number of languages, so callers pass a short list.
pub fn opinion(text: &str, candidates: &[LangCode]) -> Option<Vec<(LangCode, f64)>> {
    let known: Vec<(LangCode, Language)> = candidates
        .iter()
        .filter_map(|&code| Some((code, language_of(code)?)))
        .collect();
    if known.len() < 2 {
        return None;
    }
    let values =
        detector_for(known.iter().map(|&(_, language)| language).collect()).compute_language_confidence_values(text);
    let mut found: Vec<(LangCode, f64)> = known
        .iter()
        .map(|&(code, language)| {
            let value = values.iter().find(|(l, _)| *l == language).map_or(0.0, |&(_, v)| v);
            (code, value)
        })
        .collect();
    let sum: f64 = found.iter().map(|(_, v)| v).sum();
    if sum <= 0.0 {
        return None;
    }
    for (_, v) in &mut found {
        *v /= sum;
    }
    Some(found)
}

/// lingua alone, for comparison: its best language as an NLLB code. Its detector over every
/// language is built here, on first use, since detection itself never needs it.
pub fn lingua_alone(text: &str) -> Option<LangCode> {
    static ALL: OnceLock<LanguageDetector> = OnceLock::new();
    let language = ALL
        .get_or_init(|| LanguageDetectorBuilder::from_all_languages().build())
        .detect_language_of(text)?;
    codes().iter().find(|(_, l)| *l == language).map(|&(code, _)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::from_nllb(s).unwrap()
    }

    #[test]
    fn every_lingua_language_has_its_nllb_code() {
        assert_eq!(codes().len(), Language::all().len());
        for (lingua, nllb) in [
            (Language::Malay, "zsm_Latn"),
            (Language::Persian, "pes_Arab"),
            (Language::Albanian, "als_Latn"),
            (Language::Latvian, "lvs_Latn"),
            (Language::Mongolian, "khk_Cyrl"),
            (Language::Swahili, "swh_Latn"),
            (Language::Bokmal, "nob_Latn"),
            (Language::Arabic, "arb_Arab"),
        ] {
            assert_eq!(nllb_code(lingua), Some(code(nllb)), "{lingua:?}");
        }
    }

    #[test]
    fn opinions_are_probabilities_among_the_known_candidates() {
        let candidates = [code("ind_Latn"), code("zsm_Latn"), code("ban_Latn")];
        assert!(!knows(code("ban_Latn")));
        let found = opinion("Saya mau pergi ke pasar besok pagi bersama ibu saya", &candidates).unwrap();
        assert_eq!(found.len(), 2);
        assert!((found.iter().map(|(_, v)| v).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(opinion("Saya mau pergi", &candidates[1..]), None);
    }
}
