//! Resolution of what users type to one NLLB code.
//!
//! Order of the rules, first match wins:
//! 1. an NLLB code in any case (`fra_Latn`, `QUY_latn`);
//! 2. a key of the index built from the catalogue: ISO 639-1 and 639-3 codes, the NLLB code written
//!    as a BCP-47 tag (`fra-Latn`), the aliases column (LibreTranslate's `zt` and `pb`, DeepL's
//!    `EN-GB`, region and script tags such as `zh-TW` or `fa-AF`, ISO 639-2/B codes such as `ger`,
//!    macrolanguage codes such as `ara`, other English names), English names and autonyms — all
//!    compared without case, diacritics or punctuation, so `Maori` finds `Māori`;
//! 3. a BCP-47 tag whose longest known prefix is a key (`pt-BR` → `pt`, `sr-Cyrl-RS` → `sr-Cyrl`);
//!    a script subtag that contradicts the result (`sr-Latn`: NLLB has only Cyrillic Serbian) makes
//!    the input unknown rather than silently changing the script of the output.
//!
//! The whole value must match: a value with punctuation no name uses (`French!!!`,
//! `deu_Latn;rm -rf`) is unknown, and so is a tag with a subtag shaped as no script, region or
//! variant (`eng_Latn_extra`: locales written with underscores have no variants).
//!
//! A key that names several codes of one language in different scripts (`zh`, `ks`, `ace`) resolves
//! to the default in [`SCRIPT_DEFAULTS`].
//!
//! The parts of [`LangCode`] that need resolution (`parse`, `FromStr`, `Deserialize`, `short_code`)
//! are implemented here rather than in `code.rs`, so that this module depends on `code.rs` and never
//! the other way round.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::catalogue::catalogue;
use crate::code::{LangCode, LangError};

/// For languages NLLB has in several scripts: the code that the bare language means. Chinese is
/// mostly written in Simplified characters; the others follow the script NLLB's own training data
/// has most of.
pub const SCRIPT_DEFAULTS: [(&str, &str); 6] = [
    ("zho", "zho_Hans"),
    ("ace", "ace_Latn"),
    ("bjn", "bjn_Latn"),
    ("kas", "kas_Arab"),
    ("knc", "knc_Latn"),
    ("taq", "taq_Latn"),
];

/// How many close matches an unknown-language error lists.
const SUGGESTIONS: usize = 5;

impl LangCode {
    /// Resolves whatever a user typed to an NLLB code: an NLLB code in any case (`QUY_latn`), an ISO
    /// 639-1 or 639-3 code, a BCP-47 tag (`pt-BR`, `zh-Hant`), a LibreTranslate or DeepL code (`zt`,
    /// `EN-GB`) or an English or native name (`Luganda`, `Maori`, `français`). See
    /// [`crate::resolve`] for the rules and the defaults for ambiguous input.
    pub fn parse(input: &str) -> Result<LangCode, LangError> {
        resolve(input)
    }

    /// The shortest code that resolves back to this language, the way APIs built on two-letter
    /// codes (LibreTranslate, DeepL) write languages: ISO 639-1 (`fr`) where the language has one
    /// and is its default script, LibreTranslate's `zt` for Traditional Chinese, else ISO 639-3
    /// (`ast`), else the NLLB code as a BCP-47 tag (`ace-Arab`) where one language has two scripts.
    pub fn short_code(self) -> String {
        if self.as_str() == "zho_Hant" {
            return "zt".to_string();
        }
        let info = self.info();
        let candidates = info.iso639_1.into_iter().chain([self.iso639_3()]);
        for candidate in candidates {
            if resolve(candidate).ok() == Some(self) {
                return candidate.to_string();
            }
        }
        self.as_str().replace('_', "-")
    }
}

impl std::str::FromStr for LangCode {
    type Err = LangError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        resolve(s)
    }
}

// Deserializing resolves like `parse`, so configuration and request bodies accept `en` or `French`.
impl<'de> serde::Deserialize<'de> for LangCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        resolve(&text).map_err(serde::de::Error::custom)
    }
}

/// Scripts that BCP-47 writes differently from NLLB but that mean the same writing for our purpose.
fn same_script(tag_script: &str, nllb_script: &str) -> bool {
    let tag_script = tag_script.to_ascii_lowercase();
    let nllb_script = nllb_script.to_ascii_lowercase();
    tag_script == nllb_script
        || matches!(
            (tag_script.as_str(), nllb_script.as_str()),
            ("kore", "hang")
                | ("hani", "hans")
                | ("hani", "hant")
                | ("hrkt", "jpan")
                | ("hira", "jpan")
                | ("kana", "jpan")
        )
}

/// What a language's name or code may hold besides letters, digits, combining marks and spaces:
/// the punctuation the catalogue's names and tags use. Anything else (`;`, `!`, `<`) means the
/// value is not a language, whatever it starts with.
const NAME_PUNCTUATION: [char; 10] = ['-', '_', '(', ')', '\'', '’', 'ʼ', 'ʻ', '‘', '་'];

/// Whether `input` could be a language's name or code at all.
fn plausible(input: &str) -> bool {
    input
        .nfkd()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || is_combining_mark(c) || NAME_PUNCTUATION.contains(&c))
}

/// Resolves what a user typed to an NLLB code; see the module documentation for the rules. The
/// whole value must match: a code followed by anything else (`deu_Latn;rm -rf`, `eng_Latn_extra`,
/// `French!!!`) is unknown, not the language it starts with.
pub fn resolve(input: &str) -> Result<LangCode, LangError> {
    let trimmed = input.trim();
    if let Some(code) = LangCode::from_nllb(trimmed) {
        return Ok(code);
    }
    let key = normalize(trimmed);
    if !plausible(trimmed) {
        return Err(unknown(input, &key, None));
    }
    if let Some(&code) = index().get(&key) {
        return Ok(code);
    }
    match resolve_tag(&key, trimmed.contains('_')) {
        Some(Ok(code)) => Ok(code),
        Some(Err(other_script)) => Err(unknown(input, &key, Some(other_script))),
        None => Err(unknown(input, &key, None)),
    }
}

/// A BCP-47 tag by its longest known prefix. `None` when no prefix is known or a subtag is not
/// one a tag can have; `Some(Err(code))` when a prefix is known but the tag's script contradicts
/// `code`, NLLB's code for that language. `locale` is a POSIX or Java locale written with
/// underscores (`pt_BR`, `zh_Hant_HK`), which has a script and a region but no variants.
fn resolve_tag(key: &str, locale: bool) -> Option<Result<LangCode, LangCode>> {
    let subtags: Vec<&str> = key.split('-').collect();
    let language = subtags[0];
    if subtags.len() < 2 || !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if !subtags[1..].iter().all(|subtag| well_formed(subtag, locale)) {
        return None;
    }
    let script = subtags[1..]
        .iter()
        .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()));
    (1..subtags.len()).rev().find_map(|n| {
        let code = *index().get(&subtags[..n].join("-"))?;
        Some(match script {
            Some(script) if !same_script(script, code.script().as_str()) => LangCode::all()
                .find(|other| other.iso639_3() == code.iso639_3() && same_script(script, other.script().as_str()))
                .ok_or(code),
            _ => Ok(code),
        })
    })
}

/// Whether `subtag` (after the language) has the shape of a script (`hant`), a region (`br`,
/// `419`) or, in a BCP-47 tag, a variant (`valencia`, `1996`).
fn well_formed(subtag: &str, locale: bool) -> bool {
    let alphanumeric = subtag.chars().all(|c| c.is_ascii_alphanumeric());
    let letters = subtag.chars().all(|c| c.is_ascii_alphabetic());
    let digits = subtag.chars().all(|c| c.is_ascii_digit());
    let script = subtag.len() == 4 && letters;
    let region = (subtag.len() == 2 && letters) || (subtag.len() == 3 && digits);
    let variant = alphanumeric
        && ((5..=8).contains(&subtag.len()) || (subtag.len() == 4 && subtag.starts_with(|c: char| c.is_ascii_digit())));
    script || region || (!locale && variant)
}

fn unknown(input: &str, key: &str, first: Option<LangCode>) -> LangError {
    let mut list: Vec<LangCode> = first.into_iter().collect();
    for code in suggestions(input.trim(), key) {
        if !list.contains(&code) {
            list.push(code);
        }
    }
    list.truncate(SUGGESTIONS);
    LangError::Unknown {
        input: input.to_string(),
        suggestions: list,
    }
}

/// Codes that share the input's ISO 639-3 part first (`fra` → `fra_Latn`), then the nearest by
/// edit distance, so a typo or a missing script suffix still points somewhere useful.
fn closest(input: &str) -> Vec<LangCode> {
    let lower = input.to_ascii_lowercase();
    let prefix: String = lower.chars().take(3).collect();
    let mut scored: Vec<(f64, LangCode)> = LangCode::all()
        .map(|code| {
            let same_language = prefix.len() == 3 && code.iso639_3() == prefix;
            let similarity = similarity_at_least(&lower, &code.as_str().to_ascii_lowercase(), 0.4);
            (if same_language { 2.0 } else { similarity }, code)
        })
        .filter(|(score, _)| *score >= 0.4)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(SUGGESTIONS).map(|(_, code)| code).collect()
}

/// `strsim::normalized_levenshtein(a, b)` where it can reach `threshold`, else 0. The edit
/// distance is at least the difference in length, so the similarity is at most the shorter length
/// over the longer; checking that first keeps a pasted page from costing seconds of edit distances
/// against every name when no name could come close.
fn similarity_at_least(a: &str, b: &str, threshold: f64) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if (la.min(lb) as f64) < threshold * la.max(lb) as f64 {
        return 0.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// Codes first by the same language part (see [`closest`]), then by names and aliases close to the
/// input, so that both `eng_Latm` and `Frnech` point somewhere useful.
fn suggestions(raw: &str, key: &str) -> Vec<LangCode> {
    let mut out = closest(raw);
    if key.chars().count() >= 4 {
        let mut by_name: Vec<(f64, LangCode)> = index()
            .iter()
            .filter(|(k, _)| k.chars().count() >= 4)
            .map(|(k, &code)| (similarity_at_least(key, k, 0.6), code))
            .filter(|(score, _)| *score >= 0.6)
            .collect();
        by_name.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (_, code) in by_name {
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out.truncate(SUGGESTIONS);
    out
}

/// The form keys are compared in: decomposed, without combining marks, lower case, `_` as `-`, every
/// other non-alphanumeric character as one space.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            match c {
                '_' => out.push('-'),
                c => out.extend(c.to_lowercase()),
            }
        } else if !matches!(c, '\'' | '’' | 'ʼ' | 'ʻ' | '‘') {
            space = true;
        }
    }
    out
}

/// Every key the catalogue offers, each with the code it names.
pub(crate) fn keys() -> Vec<(String, LangCode)> {
    let mut keys = Vec::new();
    for lang in catalogue() {
        let code = lang.code;
        let mut add = |key: &str| keys.push((normalize(key), code));
        add(&code.as_str().replace('_', "-"));
        add(code.iso639_3());
        if let Some(two) = lang.iso639_1 {
            add(two);
        }
        add(lang.name);
        add(lang.autonym);
        for alias in &lang.aliases {
            add(alias);
        }
    }
    keys
}

/// The lookup table from normalized keys to codes, built once.
fn index() -> &'static HashMap<String, LangCode> {
    static INDEX: OnceLock<HashMap<String, LangCode>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut grouped: HashMap<String, Vec<LangCode>> = HashMap::new();
        for (key, code) in keys() {
            let codes = grouped.entry(key).or_default();
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        grouped
            .into_iter()
            .filter_map(|(key, codes)| pick(&codes).map(|code| (key, code)))
            .collect()
    })
}

/// The one code a key names: the only one, or the script default when all share a language. A key
/// that names different languages is left out (a test keeps the data free of them).
pub(crate) fn pick(codes: &[LangCode]) -> Option<LangCode> {
    if let [only] = codes {
        return Some(*only);
    }
    let language = codes[0].iso639_3();
    if codes.iter().any(|c| c.iso639_3() != language) {
        return None;
    }
    let (_, default) = SCRIPT_DEFAULTS.iter().find(|(lang, _)| *lang == language)?;
    LangCode::from_nllb(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_bound_only_skips_what_could_not_reach_the_threshold() {
        for (a, b) in [
            ("frnech", "french"),
            ("eng_latm", "eng_latn"),
            ("ab", "abcdefghij"),
            ("kiswahili", "swahili"),
        ] {
            let full = strsim::normalized_levenshtein(a, b);
            for threshold in [0.2, 0.4, 0.6, 0.8] {
                let bounded = similarity_at_least(a, b, threshold);
                assert!(
                    bounded == full || (bounded == 0.0 && full < threshold),
                    "{a} {b} {threshold}"
                );
            }
        }
        // Input far longer than any name: no suggestion, the same answer as before, at once.
        let long = "abcdefghij".repeat(3000);
        match resolve(&long) {
            Err(LangError::Unknown { suggestions, .. }) => assert!(suggestions.is_empty()),
            other => panic!("{other:?}"),
        }
    }
    use std::collections::HashSet;

    fn code(input: &str) -> &'static str {
        resolve(input).unwrap_or_else(|e| panic!("{input}: {e}")).as_str()
    }

    #[test]
    fn nllb_codes_resolve_in_any_case() {
        assert_eq!(code("fra_Latn"), "fra_Latn");
        assert_eq!(code(" QUY_latn "), "quy_Latn");
        assert_eq!(code("fra-Latn"), "fra_Latn");
    }

    #[test]
    fn iso_codes_resolve() {
        assert_eq!(code("fr"), "fra_Latn");
        assert_eq!(code("fra"), "fra_Latn");
        assert_eq!(code("fre"), "fra_Latn");
        assert_eq!(code("qu"), "quy_Latn");
        assert_eq!(code("lg"), "lug_Latn");
        assert_eq!(code("ast"), "ast_Latn");
        assert_eq!(code("fa"), "pes_Arab");
        assert_eq!(code("ms"), "zsm_Latn");
        assert_eq!(code("no"), "nob_Latn");
    }

    #[test]
    fn ambiguous_input_takes_the_documented_default() {
        assert_eq!(code("ar"), "arb_Arab");
        assert_eq!(code("ara"), "arb_Arab");
        assert_eq!(code("Arabic"), "arb_Arab");
        assert_eq!(code("zh"), "zho_Hans");
        assert_eq!(code("zho"), "zho_Hans");
        assert_eq!(code("Chinese"), "zho_Hans");
        assert_eq!(code("ks"), "kas_Arab");
        assert_eq!(code("ace"), "ace_Latn");
        assert_eq!(code("taq"), "taq_Latn");
    }

    #[test]
    fn bcp47_tags_use_region_and_script() {
        assert_eq!(code("zh-TW"), "zho_Hant");
        assert_eq!(code("zh-Hant"), "zho_Hant");
        assert_eq!(code("zh_Hant_HK"), "zho_Hant");
        assert_eq!(code("zh-Hans-CN"), "zho_Hans");
        assert_eq!(code("zh-CN"), "zho_Hans");
        assert_eq!(code("fr-CA"), "fra_Latn");
        assert_eq!(code("pt-BR"), "por_Latn");
        assert_eq!(code("sr-Cyrl"), "srp_Cyrl");
        assert_eq!(code("sr-Cyrl-RS"), "srp_Cyrl");
        assert_eq!(code("ur-PK"), "urd_Arab");
        assert_eq!(code("es-419"), "spa_Latn");
        assert_eq!(code("fa-AF"), "prs_Arab");
        assert_eq!(code("az-Arab"), "azb_Arab");
        assert_eq!(code("ks-Deva"), "kas_Deva");
        assert_eq!(code("ko-Kore-KR"), "kor_Hang");
    }

    #[test]
    fn the_whole_value_must_match() {
        for junk in [
            "deu_Latn;rm -rf",
            "eng_Latn_extra",
            "French!!!",
            "fra_Latn foo",
            "en-US<script>",
            "pt-BR;",
            "de-latn rm",
            "zh_Hant_HK_x",
        ] {
            assert!(resolve(junk).is_err(), "{junk} resolved to {:?}", resolve(junk));
        }
        // What users and clients really send still resolves.
        assert_eq!(code("pt_BR"), "por_Latn");
        assert_eq!(code("zh_TW"), "zho_Hant");
        assert_eq!(code("ca-valencia"), "cat_Latn");
        assert_eq!(code("de-CH-1996"), "deu_Latn");
        assert_eq!(code(" French "), "fra_Latn");
        let LangError::Unknown { suggestions, .. } = resolve("eng_Latn_extra").unwrap_err();
        assert_eq!(
            suggestions[0].as_str(),
            "eng_Latn",
            "the code it starts with is suggested"
        );
    }

    #[test]
    fn a_script_nllb_lacks_is_not_silently_replaced() {
        let LangError::Unknown { suggestions, .. } = resolve("sr-Latn").unwrap_err();
        assert_eq!(suggestions[0].as_str(), "srp_Cyrl");
        assert!(resolve("yue-Hans").is_err());
    }

    #[test]
    fn libretranslate_and_deepl_codes_resolve() {
        assert_eq!(code("zt"), "zho_Hant");
        assert_eq!(code("pb"), "por_Latn");
        assert_eq!(code("EN-GB"), "eng_Latn");
        assert_eq!(code("EN-US"), "eng_Latn");
        assert_eq!(code("PT-BR"), "por_Latn");
        assert_eq!(code("PT-PT"), "por_Latn");
        assert_eq!(code("ZH-HANS"), "zho_Hans");
        assert_eq!(code("NB"), "nob_Latn");
    }

    #[test]
    fn names_resolve_without_case_or_diacritics() {
        assert_eq!(code("French"), "fra_Latn");
        assert_eq!(code("luganda"), "lug_Latn");
        assert_eq!(code("Ganda"), "lug_Latn");
        assert_eq!(code("Māori"), "mri_Latn");
        assert_eq!(code("MAORI"), "mri_Latn");
        assert_eq!(code("Norwegian Bokmal"), "nob_Latn");
        assert_eq!(code("Chinese (Traditional)"), "zho_Hant");
        assert_eq!(code("Ta'izzi-Adeni Arabic"), "acq_Arab");
        assert_eq!(code("Quechua"), "quy_Latn");
        assert_eq!(code("français"), "fra_Latn");
        assert_eq!(code("Deutsch"), "deu_Latn");
        assert_eq!(code("Kiswahili"), "swh_Latn");
        assert_eq!(code("Santali"), "sat_Beng");
        assert_eq!(code("sat_Olck"), "sat_Beng");
    }

    #[test]
    fn unknown_input_lists_the_closest_matches() {
        let LangError::Unknown { suggestions, .. } = resolve("Frnech").unwrap_err();
        assert_eq!(suggestions[0].as_str(), "fra_Latn");
        let LangError::Unknown { suggestions, .. } = resolve("Lugandaa").unwrap_err();
        assert_eq!(suggestions[0].as_str(), "lug_Latn");
        let err = resolve("klingon").unwrap_err();
        assert!(err.to_string().starts_with("unknown language 'klingon'"), "{err}");
    }

    #[test]
    fn no_key_names_two_languages() {
        let mut grouped: HashMap<String, Vec<LangCode>> = HashMap::new();
        for (key, code) in keys() {
            assert!(!key.is_empty(), "{code} has an empty key");
            grouped.entry(key).or_default().push(code);
        }
        for (key, mut codes) in grouped {
            codes.dedup();
            assert!(
                pick(&codes).is_some(),
                "'{key}' names {codes:?} and no default chooses among them"
            );
        }
    }

    #[test]
    fn every_code_resolves_from_its_name_and_iso639_3_or_a_default() {
        for lang in catalogue() {
            let by_name = resolve(lang.name).unwrap();
            assert_eq!(by_name, lang.code, "{}", lang.name);
            let by_iso = resolve(lang.iso639_3).unwrap();
            assert_eq!(by_iso.iso639_3(), lang.iso639_3, "{}", lang.iso639_3);
        }
    }

    #[test]
    fn parse_ignores_case_and_surrounding_space() {
        assert_eq!(LangCode::parse(" QUY_latn ").unwrap().as_str(), "quy_Latn");
        assert_eq!(LangCode::parse("zho_Hant").unwrap().script().as_str(), "Hant");
    }

    #[test]
    fn unknown_codes_suggest_the_same_language_first() {
        let LangError::Unknown { suggestions, .. } = LangCode::parse("fraa").unwrap_err();
        assert_eq!(suggestions[0].as_str(), "fra_Latn");
        let LangError::Unknown { suggestions, .. } = LangCode::parse("zhoo").unwrap_err();
        assert!(suggestions.iter().any(|c| c.as_str() == "zho_Hans"));
        assert!(suggestions.iter().any(|c| c.as_str() == "zho_Hant"));
    }

    #[test]
    fn a_typo_is_explained_with_close_matches() {
        let err = LangCode::parse("eng_Latm").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("unknown language 'eng_Latm'; did you mean {}?", {
                let LangError::Unknown { suggestions, .. } = &err;
                suggestions.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
            })
        );
        let LangError::Unknown { suggestions, .. } = err;
        assert_eq!(suggestions[0].as_str(), "eng_Latn");
    }

    #[test]
    fn gibberish_gets_no_suggestions() {
        let LangError::Unknown { suggestions, .. } = LangCode::parse("%%%%%%%%%%%%").unwrap_err();
        assert!(suggestions.is_empty());
    }

    #[test]
    fn every_short_code_is_distinct_and_resolves_back() {
        let mut seen = HashSet::new();
        for code in LangCode::all() {
            let short = code.short_code();
            assert_eq!(LangCode::parse(&short).ok(), Some(code), "{short} for {code}");
            assert!(seen.insert(short.clone()), "{short} given twice");
        }
        let short = |nllb: &str| LangCode::from_nllb(nllb).unwrap().short_code();
        assert_eq!(short("fra_Latn"), "fr");
        assert_eq!(short("zho_Hans"), "zh");
        assert_eq!(short("zho_Hant"), "zt");
        assert_eq!(short("ast_Latn"), "ast");
        assert_eq!(short("ace_Arab"), "ace-Arab");
    }
}
