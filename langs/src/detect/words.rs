//! Words that tell close languages apart: Galician from Portuguese and Spanish, Bosnian from
//! Croatian, Malay from Indonesian, Nynorsk from Bokmål and Danish, Faroese from Icelandic, Cebuano
//! from Tagalog… Character n-grams from one formal text, and even lingua's broad models, often
//! cannot tell them apart on a short everyday sentence, where one word (`šta` or `što`, `ikkje` or
//! `ikke`, `unha` or `uma`) settles it.
//!
//! `langs/data/words.tsv` holds groups of languages that are confused with each other and, for some
//! of their languages, words typical of them against the rest of the group. When one of the best
//! few candidates of a text is in a group, each listed language of the group gains a factor per word
//! of its list in the text: a re-ranking among close languages only, so languages outside the
//! groups and texts whose best guesses lie elsewhere are untouched.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::code::LangCode;

const DATA: &str = include_str!("../../data/words.tsv");

/// A part of a word that marks a language.
#[derive(Debug)]
enum Pattern {
    /// The word ends with it.
    Suffix(String),
    /// The word begins with it.
    Prefix(String),
    /// The word contains it.
    Inside(String),
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        match (self, other) {
            (Pattern::Suffix(a), Pattern::Suffix(b))
            | (Pattern::Prefix(a), Pattern::Prefix(b))
            | (Pattern::Inside(a), Pattern::Inside(b)) => a == b,
            _ => false,
        }
    }
}

impl Pattern {
    fn matches(&self, word: &str, chars: usize) -> bool {
        let (part, test): (&str, fn(&str, &str) -> bool) = match self {
            Pattern::Suffix(p) => (p, |w, p| w.ends_with(p)),
            Pattern::Prefix(p) => (p, |w, p| w.starts_with(p)),
            Pattern::Inside(p) => (p, |w, p| w.contains(p)),
        };
        // The word must be more than the pattern: "-tu" is about "cielu"-like words, not "tu".
        chars > part.chars().count() && test(word, part)
    }
}

/// The parsed word lists.
#[derive(Debug, Default)]
struct Lists {
    /// The group each grouped language belongs to.
    group_of: HashMap<LangCode, usize>,
    /// Groups whose words are looked for whatever the best candidates ("@!name"): languages our
    /// profiles rank far down on everyday text, so that their words must bring them up.
    always: Vec<usize>,
    /// Groups whose words are written with or without accents ("@~name"): a word of the text not
    /// listed as written counts for them if it is listed without its marks.
    unaccented: Vec<usize>,
    /// Whole words and two-word sequences ("a b") and the languages they speak for.
    words: HashMap<String, Vec<LangCode>>,
    /// Patterns and the languages they speak for.
    patterns: Vec<(Pattern, Vec<LangCode>)>,
}

/// What the words of a text say for one candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// Words and patterns listed for this language alone among the languages considered.
    pub own: u32,
    /// Words and patterns listed for it and for others of its group.
    pub shared: u32,
}

fn parse(data: &str) -> Result<Lists, String> {
    let mut lists = Lists::default();
    let mut groups = 0;
    for line in data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (head, rest) = line.split_once('\t').ok_or_else(|| format!("no tab: {line}"))?;
        let code = |s: &str| LangCode::from_nllb(s).ok_or_else(|| format!("not an NLLB code: {s}"));
        if let Some(name) = head.strip_prefix('@') {
            let flags = name.split(|c: char| c.is_alphanumeric()).next().unwrap_or_default();
            if flags.contains('!') {
                lists.always.push(groups);
            }
            if flags.contains('~') {
                lists.unaccented.push(groups);
            }
            for member in rest.split_whitespace() {
                if lists.group_of.insert(code(member)?, groups).is_some() {
                    return Err(format!("{member} is in two groups"));
                }
            }
            groups += 1;
            continue;
        }
        let language = code(head)?;
        if !lists.group_of.contains_key(&language) {
            return Err(format!("{head} has words but no group"));
        }
        for entry in rest.split_whitespace() {
            let pattern = if let Some(p) = entry.strip_prefix('-') {
                Some(Pattern::Suffix(p.to_string()))
            } else if let Some(p) = entry.strip_prefix('~') {
                Some(Pattern::Inside(p.to_string()))
            } else {
                entry.strip_suffix('-').map(|p| Pattern::Prefix(p.to_string()))
            };
            match pattern {
                Some(p) => match lists.patterns.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, speakers)) => speakers.push(language),
                    None => lists.patterns.push((p, vec![language])),
                },
                None => {
                    let speakers = lists.words.entry(entry.replace('_', " ")).or_default();
                    if speakers.contains(&language) {
                        return Err(format!("{entry} twice for {head}"));
                    }
                    speakers.push(language);
                }
            }
        }
    }
    Ok(lists)
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| parse(DATA).expect("langs/data/words.tsv is valid (tested)"))
}

/// The words of a text as the lists spell them: NFC, lower case, runs of letters and marks.
fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.nfc() {
        if c.is_alphabetic() || is_combining_mark(c) {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `word` without its accents and other marks, if it has any.
fn unmarked(word: &str) -> Option<String> {
    if word.is_ascii() {
        return None;
    }
    let bare: String = word.nfd().filter(|&c| !is_combining_mark(c)).nfc().collect();
    (bare != word).then_some(bare)
}

/// Whether `a` and `b` are in one group of close languages.
pub fn close(a: LangCode, b: LangCode) -> bool {
    let lists = lists();
    lists
        .group_of
        .get(&a)
        .is_some_and(|g| lists.group_of.get(&b) == Some(g))
}

/// Whether the words of `language` are looked for whatever the best candidates (an "@!" group).
pub fn always(language: LangCode) -> bool {
    let lists = lists();
    lists.group_of.get(&language).is_some_and(|g| lists.always.contains(g))
}

/// What the words of `text` say for each candidate, among the languages of the groups of close
/// languages that the `best` candidates belong to and of the groups looked for always; `None` when
/// there are none, or no word of a list is found.
pub fn hits(text: &str, best: &[LangCode], candidates: &[LangCode]) -> Option<Vec<Hits>> {
    let lists = lists();
    let mut groups: Vec<usize> = best.iter().filter_map(|c| lists.group_of.get(c).copied()).collect();
    groups.extend(&lists.always);
    if groups.is_empty() {
        return None;
    }
    let in_group = |c: &LangCode| lists.group_of.get(c).is_some_and(|g| groups.contains(g));
    let mut counts = vec![Hits::default(); candidates.len()];
    let mut credit = |speakers: &[LangCode]| {
        let shared = speakers.len() > 1;
        for language in speakers {
            if let Some(i) = candidates.iter().position(|c| c == language) {
                if shared {
                    counts[i].shared += 1;
                } else {
                    counts[i].own += 1;
                }
            }
        }
    };
    let patterns: Vec<&(Pattern, Vec<LangCode>)> = lists
        .patterns
        .iter()
        .filter(|(_, speakers)| speakers.iter().any(in_group))
        .collect();
    let words = words_of(text);
    let mut pair = String::new();
    let mut speakers: Vec<LangCode> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        speakers.clear();
        // A word not listed as written may be listed without its accents: Waray and Tagalog are
        // written with or without stress marks (`itón`, `iton`), Yoruba with or without tones.
        match lists.words.get(word.as_str()) {
            Some(listed) => speakers.extend(listed.iter().filter(|l| in_group(l))),
            None => speakers.extend(
                unmarked(word)
                    .and_then(|bare| lists.words.get(bare.as_str()))
                    .into_iter()
                    .flatten()
                    .filter(|l| in_group(l) && lists.group_of.get(l).is_some_and(|g| lists.unaccented.contains(g))),
            ),
        }
        credit(&speakers);
        if i > 0 {
            pair.clear();
            pair.push_str(&words[i - 1]);
            pair.push(' ');
            pair.push_str(word);
            speakers.clear();
            speakers.extend(
                lists
                    .words
                    .get(pair.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|l| in_group(l)),
            );
            credit(&speakers);
        }
        let chars = word.chars().count();
        for (pattern, with) in &patterns {
            if pattern.matches(word, chars) {
                speakers.clear();
                speakers.extend(with.iter().filter(|l| in_group(l)));
                credit(&speakers);
            }
        }
    }
    counts.iter().any(|h| h.own + h.shared > 0).then_some(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LangCode {
        LangCode::from_nllb(s).unwrap()
    }

    #[test]
    fn the_word_lists_parse() {
        let lists = parse(DATA).unwrap();
        assert!(lists.words.len() > 300, "{}", lists.words.len());
        assert!(lists.group_of.contains_key(&code("glg_Latn")));
        assert!(parse("glg_Latn\tnon").is_err(), "a language with words needs a group");
        assert!(parse("@g\tglg_Latn\n@h\tglg_Latn").is_err(), "one group a language");
        assert!(parse("@g\txxx_Latn").is_err());
        let flagged = parse("@!~g\tyor_Latn\n@h\tglg_Latn").unwrap();
        assert_eq!(
            (flagged.always.as_slice(), flagged.unaccented.as_slice()),
            (&[0][..], &[0][..])
        );
    }

    #[test]
    fn words_count_for_their_languages_within_the_group_only() {
        let (glg, por, spa) = (code("glg_Latn"), code("por_Latn"), code("spa_Latn"));
        let found = hits("Non teño xa tempo, eu vou á casa.", &[spa], &[spa, por, glg]).unwrap();
        assert_eq!(found[0], Hits::default());
        // "non", "teño", "xa", "á" are Galician only; "eu", "vou" and the ending of "vou" are
        // Portuguese too, and the beginning of "xa" Asturian.
        assert_eq!(found[1], Hits { own: 0, shared: 3 });
        assert_eq!(found[2], Hits { own: 4, shared: 4 });
        // The best guess is in no group: nothing to re-rank.
        assert_eq!(hits("Non teño xa tempo", &[code("fra_Latn")], &[glg, por]), None);
        let (bos, hrv) = (code("bos_Latn"), code("hrv_Latn"));
        let found = hits("Da li znaš šta je rekao?", &[hrv], &[hrv, bos]).unwrap();
        assert_eq!(found, vec![Hits::default(), Hits { own: 2, shared: 0 }]);
        assert!(close(bos, hrv) && close(glg, spa) && !close(glg, hrv) && !close(code("fra_Latn"), glg));
    }

    #[test]
    fn patterns_need_more_than_themselves() {
        assert!(!Pattern::Suffix("tu".into()).matches("cielu", 5));
        assert!(Pattern::Suffix("lu".into()).matches("cielu", 5));
        assert!(!Pattern::Suffix("lu".into()).matches("lu", 2));
        assert!(Pattern::Inside("ã".into()).matches("não", 3));
        assert!(Pattern::Prefix("x".into()).matches("xente", 5));
    }

    #[test]
    fn a_word_may_be_listed_without_its_accents() {
        assert_eq!(unmarked("itón").as_deref(), Some("iton"));
        assert_eq!(unmarked("ọmọ").as_deref(), Some("omo"));
        assert_eq!(unmarked("iton"), None);
        let (tgl, war) = (code("tgl_Latn"), code("war_Latn"));
        let found = hits("¿Haráyò ba itón tíkang dinhi?", &[tgl], &[tgl, war]).unwrap();
        assert_eq!(found[1], Hits { own: 2, shared: 0 });
        // Only in the groups written either way: Icelandic "ég" is not the Faroese "eg".
        let (isl, fao) = (code("isl_Latn"), code("fao_Latn"));
        let found = hits("ég", &[isl], &[isl, fao]).unwrap();
        assert_eq!(found, vec![Hits { own: 1, shared: 0 }, Hits::default()]);
    }

    #[test]
    fn words_are_lower_case_letter_runs() {
        assert_eq!(words_of("Qu'ei l'ostau, ÒC!"), vec!["qu", "ei", "l", "ostau", "òc"]);
    }
}
