//! A glossary's terms found in a text and made to come out as the glossary says. Matching is one
//! Aho–Corasick pass over the lower-cased text (linear in the text, whatever the glossary's
//! size), longest match first, whole words where the script spaces its words. Each occurrence
//! becomes a kept inline span holding the target term ([`super::marking`]), and the text is
//! translated as HTML: the inline-span placement Tolk has for HTML puts the kept term where the
//! translation's proportions (or the model's own copy of it) say, byte for byte. So a target term
//! is in the output wherever its source term was in the input, and nowhere else.
//!
//! Limits (docs/glossaries.md): the term is written as the glossary gives it, uninflected, which
//! agglutinative and inflecting languages (Luganda, Quechua, Finnish) would change; and it is
//! placed by position, so in a language with another word order it can land next to the wrong
//! word.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::app::memory::fuzzy::unspaced;

/// A glossary dictionary ready to match.
pub struct Terms {
    automaton: AhoCorasick,
    entries: Vec<(String, String)>,
}

impl Terms {
    /// Builds the matcher of `entries` (source and target terms).
    pub fn new(entries: &[(String, String)]) -> Result<Terms, String> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries.iter().map(|(s, _)| s.to_lowercase()))
            .map_err(|e| format!("the glossary cannot be matched: {e}"))?;
        Ok(Terms {
            automaton,
            entries: entries.to_vec(),
        })
    }

    /// The entry at `index`: its source and target terms.
    pub fn entry(&self, index: usize) -> &(String, String) {
        &self.entries[index]
    }

    /// The entries at `indices`, each once, in order of first use.
    pub fn entries(&self, indices: &[usize]) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        for &i in indices {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        seen.into_iter().filter_map(|i| self.entries.get(i).cloned()).collect()
    }

    /// The occurrences of source terms in `text`: byte ranges, in order, with the entry's index.
    pub fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        // The lower-cased text and, for each of its bytes, where its character starts in `text`.
        let mut lowered = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len() + 1);
        for (at, c) in text.char_indices() {
            let before = lowered.len();
            lowered.extend(c.to_lowercase());
            origin.extend(std::iter::repeat_n(at, lowered.len() - before));
        }
        origin.push(text.len());
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !unspaced(c));
        self.automaton
            .find_iter(&lowered)
            .filter_map(|m| {
                let range = origin[m.start()]..origin[m.end()];
                let (before, after) = (
                    text[..range.start].chars().next_back(),
                    text[range.end..].chars().next(),
                );
                let term = &text[range.clone()];
                let first_spaced = term.chars().next().is_some_and(|c| !unspaced(c));
                let last_spaced = term.chars().next_back().is_some_and(|c| !unspaced(c));
                // A word character next to either end (where the script spaces words) cuts a word.
                let inside_word = (first_spaced && word(before)) || (last_spaced && word(after));
                (!inside_word && !range.is_empty()).then_some((range, m.pattern().as_usize()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(entries: &[(&str, &str)]) -> Terms {
        let owned: Vec<(String, String)> = entries.iter().map(|(s, t)| (s.to_string(), t.to_string())).collect();
        Terms::new(&owned).unwrap()
    }

    #[test]
    fn whole_words_longest_first_whatever_the_case() {
        let t = terms(&[
            ("health", "obulamu"),
            ("health centre", "eddwaliro ly'obulamu"),
            ("Ré", "X"),
        ]);
        let text = "The Health Centre and healthy people; RÉ.";
        let found: Vec<(&str, usize)> = t.find(text).into_iter().map(|(r, i)| (&text[r], i)).collect();
        assert_eq!(found, [("Health Centre", 1), ("RÉ", 2)]);
        assert!(t.find("unhealthy").is_empty());
    }

    #[test]
    fn scripts_without_spaces_match_inside_words() {
        let t = terms(&[("医院", "hospital")]);
        assert_eq!(t.find("我去医院了").len(), 1);
    }
}
