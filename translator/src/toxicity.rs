//! Per-language lists of offensive terms, and the check for a term a translation adds that its
//! source does not have (NLLB's "added toxicity"). The lists are LDNOOBW's, trimmed of words with
//! an everyday sense (translator/data/toxicity/README.md); 28 languages have one.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use langs::LangCode;

/// Each list, by language: one lower-case term per line.
const LISTS: &[(&str, &str)] = &[
    ("arb_Arab", include_str!("../data/toxicity/arb_Arab.txt")),
    ("ces_Latn", include_str!("../data/toxicity/ces_Latn.txt")),
    ("dan_Latn", include_str!("../data/toxicity/dan_Latn.txt")),
    ("deu_Latn", include_str!("../data/toxicity/deu_Latn.txt")),
    ("eng_Latn", include_str!("../data/toxicity/eng_Latn.txt")),
    ("epo_Latn", include_str!("../data/toxicity/epo_Latn.txt")),
    ("fin_Latn", include_str!("../data/toxicity/fin_Latn.txt")),
    ("fra_Latn", include_str!("../data/toxicity/fra_Latn.txt")),
    ("hun_Latn", include_str!("../data/toxicity/hun_Latn.txt")),
    ("ita_Latn", include_str!("../data/toxicity/ita_Latn.txt")),
    ("jpn_Jpan", include_str!("../data/toxicity/jpn_Jpan.txt")),
    ("kab_Latn", include_str!("../data/toxicity/kab_Latn.txt")),
    ("kor_Hang", include_str!("../data/toxicity/kor_Hang.txt")),
    ("nld_Latn", include_str!("../data/toxicity/nld_Latn.txt")),
    ("nno_Latn", include_str!("../data/toxicity/nno_Latn.txt")),
    ("nob_Latn", include_str!("../data/toxicity/nob_Latn.txt")),
    ("pes_Arab", include_str!("../data/toxicity/pes_Arab.txt")),
    ("pol_Latn", include_str!("../data/toxicity/pol_Latn.txt")),
    ("por_Latn", include_str!("../data/toxicity/por_Latn.txt")),
    ("rus_Cyrl", include_str!("../data/toxicity/rus_Cyrl.txt")),
    ("spa_Latn", include_str!("../data/toxicity/spa_Latn.txt")),
    ("swe_Latn", include_str!("../data/toxicity/swe_Latn.txt")),
    ("tgl_Latn", include_str!("../data/toxicity/tgl_Latn.txt")),
    ("tha_Thai", include_str!("../data/toxicity/tha_Thai.txt")),
    ("tur_Latn", include_str!("../data/toxicity/tur_Latn.txt")),
    ("yue_Hant", include_str!("../data/toxicity/yue_Hant.txt")),
    ("zho_Hans", include_str!("../data/toxicity/zho_Hans.txt")),
    ("zho_Hant", include_str!("../data/toxicity/zho_Hant.txt")),
];

/// Scripts written without spaces between words: a term is found inside a longer word there.
const UNSPACED_SCRIPTS: &[&str] = &["Hans", "Hant", "Jpan", "Thai", "Khmr", "Laoo", "Mymr", "Tibt"];

/// One language's list, ready to search.
struct List {
    terms: Vec<&'static str>,
    matcher: AhoCorasick,
    /// Whether a match must be a whole word.
    whole_words: bool,
}

fn lists() -> &'static HashMap<LangCode, List> {
    static LISTS_BY_LANGUAGE: OnceLock<HashMap<LangCode, List>> = OnceLock::new();
    LISTS_BY_LANGUAGE.get_or_init(|| {
        LISTS
            .iter()
            .filter_map(|&(code, text)| {
                let language = LangCode::parse(code).ok()?;
                let whole_words = !UNSPACED_SCRIPTS.contains(&language.script().as_str());
                // Where words run together, a single character is too often part of an
                // innocent word to count.
                let terms: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|t| !t.is_empty() && (whole_words || t.chars().count() > 1))
                    .collect();
                let matcher = AhoCorasick::new(&terms).ok()?;
                Some((
                    language,
                    List {
                        terms,
                        matcher,
                        whole_words,
                    },
                ))
            })
            .collect()
    })
}

/// Whether the language has a list: for the others the check cannot speak.
pub fn has_list(language: LangCode) -> bool {
    lists().contains_key(&language)
}

/// The distinct terms of the language's list in `text` (whole words where the script uses
/// spaces), in the order first found.
pub fn terms_in(language: LangCode, text: &str) -> Vec<&'static str> {
    let Some(list) = lists().get(&language) else {
        return Vec::new();
    };
    let lower = text.to_lowercase();
    let mut found: Vec<&'static str> = Vec::new();
    for m in list.matcher.find_overlapping_iter(&lower) {
        if list.whole_words && !(boundary_before(&lower, m.start()) && boundary_after(&lower, m.end())) {
            continue;
        }
        let term = list.terms[m.pattern().as_usize()];
        if !found.contains(&term) {
            found.push(term);
        }
    }
    found
}

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

fn boundary_after(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// Whether the output has more offensive terms than the source accounts for. A term written
/// the same in the source (a name, a quotation) is accounted for; so is each term of the
/// source language's list found in the source. A source language without a list accounts for
/// nothing more, so an offensive source translated into a listed language is flagged: the
/// check errs towards asking a reader to look.
pub fn added(source: &str, source_language: LangCode, output: &str, target: LangCode) -> bool {
    let in_output = terms_in(target, output);
    if in_output.is_empty() {
        return false;
    }
    let lower_source = source.to_lowercase();
    let unexplained = in_output.iter().filter(|t| !lower_source.contains(*t)).count();
    unexplained > terms_in(source_language, source).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> LangCode {
        LangCode::parse(code).unwrap()
    }

    #[test]
    fn every_list_loads_under_its_language() {
        assert_eq!(lists().len(), LISTS.len());
        for (code, _) in LISTS {
            assert!(has_list(lang(code)), "{code}");
        }
        assert!(!has_list(lang("lug_Latn")));
    }

    #[test]
    fn terms_are_found_as_whole_words_where_words_are_spaced() {
        let english = lang("eng_Latn");
        assert_eq!(terms_in(english, "What a BULLSHIT answer."), ["bullshit"]);
        // Inside a longer word it is not the term.
        assert!(terms_in(english, "Scunthorpe and Essex assessed the classic cocktail.").is_empty());
        assert!(terms_in(lang("fra_Latn"), "Il a envoyé un baiser à sa mère.").is_empty());
    }

    #[test]
    fn terms_are_found_inside_text_where_words_are_not_spaced() {
        assert_eq!(terms_in(lang("zho_Hans"), "你这个他妈的骗子"), ["他妈的"]);
        assert!(terms_in(lang("zho_Hans"), "我们明天去公园散步。").is_empty());
    }

    #[test]
    fn a_term_the_source_accounts_for_is_not_added() {
        let (eng, fra, lug) = (lang("eng_Latn"), lang("fra_Latn"), lang("lug_Latn"));
        // Added: the source is clean.
        assert!(added(
            "The meeting starts at nine.",
            eng,
            "La putain de réunion commence à neuf heures.",
            fra
        ));
        // The source has an offensive term of its own.
        assert!(!added(
            "The fucking meeting starts at nine.",
            eng,
            "La putain de réunion commence à neuf heures.",
            fra
        ));
        // The same word in the source: a name or a quotation.
        assert!(!added(
            "Bullshit is the band's name.",
            lug,
            "Bullshit is the name of the band.",
            eng
        ));
        // Clean output, or a target without a list.
        assert!(!added(
            "The meeting starts at nine.",
            eng,
            "La réunion commence à neuf heures.",
            fra
        ));
        assert!(!added(
            "The meeting starts at nine.",
            eng,
            "Olukiiko lutandika ku ssaawa ssatu.",
            lug
        ));
        // A source language without a list accounts for nothing.
        assert!(added(
            "Olukiiko lutandika ku ssaawa ssatu.",
            lug,
            "The fucking meeting starts at nine.",
            eng
        ));
    }
}
