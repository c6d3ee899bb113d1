//! Fuzzy matches: the memory's entries for one owner and language pair, held in memory with an
//! inverted index of their words, so that a sentence's near matches are found without reading
//! the table. Similarity is the one CAT tools show: 1 − (character edit distance ÷ the longer
//! length), on the match keys (white space collapsed, lower-cased).
//!
//! Candidates are the entries sharing the most words with the sentence (characters pairs in
//! scripts written without spaces) among those whose length allows the threshold; only the best
//! [`CANDIDATES`] are measured. An entry whose every word differs slightly from the sentence's
//! (heavy inflection) can be missed when many others share more words; docs/memory.md says so.
//!
//! Indexes are cached per owner and pair with the pair's version from the database, bounded by
//! [`MAX_CACHED_ENTRIES`] entries in all, least recently used dropped first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use utoipa::ToSchema;

use super::store::EntryRow;

/// Entries measured for one sentence.
const CANDIDATES: usize = 24;
/// Entries held by all cached indexes together.
pub const MAX_CACHED_ENTRIES: usize = 1_000_000;

/// A near match from the memory, offered beside the translation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Suggestion {
    /// The memory's source sentence.
    pub source: String,
    /// Its translation.
    pub translation: String,
    /// How close the memory's sentence is to this one, in percent (rounded down), as CAT tools
    /// show it.
    #[schema(example = 86)]
    pub similarity: u8,
    /// The memory it is from.
    pub memory: String,
}

struct Entry {
    memory: String,
    source: String,
    target: String,
    key: String,
    chars: usize,
}

/// One pair's entries and the index of their words.
pub struct FuzzyIndex {
    entries: Vec<Entry>,
    postings: HashMap<String, Vec<u32>>,
}

/// Whether `c` is in a script written without spaces between words, where a word is no unit.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x0F00..=0x0FFF    // Tibetan
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // Han
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF)
}

/// The distinct tokens of a match key: its words without surrounding punctuation, and pairs of
/// characters in words of scripts without spaces.
fn tokens(key: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in key.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            continue;
        }
        if word.chars().any(unspaced) {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() == 1 {
                found.push(word.to_string());
            }
            found.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        } else {
            found.push(word.to_string());
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

impl FuzzyIndex {
    /// Indexes `rows` (one pair's entries).
    pub fn new(rows: Vec<EntryRow>) -> FuzzyIndex {
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut entries = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            let key = super::store::match_key(&row.source);
            for token in tokens(&key) {
                postings.entry(token).or_default().push(i as u32);
            }
            entries.push(Entry {
                memory: row.memory,
                source: row.source,
                target: row.target,
                chars: key.chars().count(),
                key,
            });
        }
        FuzzyIndex { entries, postings }
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries at least `threshold` (0–1) similar to `sentence`, best first, at most
    /// `limit`; an identical one is not offered (it is an exact match).
    pub fn lookup(&self, sentence: &str, threshold: f64, limit: usize) -> Vec<Suggestion> {
        let key = super::store::match_key(sentence);
        let chars = key.chars().count();
        if chars == 0 || self.entries.is_empty() {
            return Vec::new();
        }
        let mut shared = vec![0u16; self.entries.len()];
        for token in tokens(&key) {
            for &i in self.postings.get(&token).map_or(&[][..], Vec::as_slice) {
                shared[i as usize] = shared[i as usize].saturating_add(1);
            }
        }
        // Lengths that cannot reach the threshold: the distance is at least their difference.
        let (shortest, longest) = (chars as f64 * threshold, chars as f64 / threshold.max(0.01));
        let mut candidates: Vec<(u16, usize)> = shared
            .iter()
            .enumerate()
            .filter(|&(i, &n)| {
                let len = self.entries[i].chars as f64;
                n > 0 && len >= shortest && len <= longest
            })
            .map(|(i, &n)| (n, i))
            .collect();
        if candidates.len() > CANDIDATES {
            candidates.select_nth_unstable_by(CANDIDATES - 1, |a, b| b.0.cmp(&a.0));
            candidates.truncate(CANDIDATES);
        }
        let mut found: Vec<(f64, usize)> = candidates
            .into_iter()
            .filter_map(|(_, i)| {
                let entry = &self.entries[i];
                // 1 − edit distance ÷ the longer length, in characters.
                let score = strsim::normalized_levenshtein(&key, &entry.key);
                (score >= threshold && entry.key != key).then_some((score, i))
            })
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        found
            .into_iter()
            .take(limit)
            .map(|(score, i)| {
                let entry = &self.entries[i];
                Suggestion {
                    source: entry.source.clone(),
                    translation: entry.target.clone(),
                    similarity: (score * 100.0).floor().clamp(0.0, 100.0) as u8,
                    memory: entry.memory.clone(),
                }
            })
            .collect()
    }
}

/// Which index: owner, source and target language codes.
pub type PairKey = (String, String, String);

struct Cached {
    version: i64,
    index: Arc<FuzzyIndex>,
    used: u64,
}

/// The indexes built, bounded by the entries they hold.
#[derive(Default)]
pub struct FuzzyCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    indexes: HashMap<PairKey, Cached>,
    entries: usize,
    clock: u64,
}

impl FuzzyCache {
    /// The index for `pair` built at `version`, if cached.
    pub fn get(&self, pair: &PairKey, version: i64) -> Option<Arc<FuzzyIndex>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.clock += 1;
        let clock = state.clock;
        let cached = state.indexes.get_mut(pair).filter(|c| c.version == version)?;
        cached.used = clock;
        Some(Arc::clone(&cached.index))
    }

    /// Keeps `index` for `pair` at `version`, dropping the least recently used indexes to make
    /// room; an index larger than the whole cache is not kept.
    pub fn put(&self, pair: PairKey, version: i64, index: Arc<FuzzyIndex>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = state.indexes.remove(&pair) {
            state.entries -= old.index.len();
        }
        if index.len() > MAX_CACHED_ENTRIES {
            return;
        }
        while state.entries + index.len() > MAX_CACHED_ENTRIES {
            let Some(oldest) = state.indexes.iter().min_by_key(|(_, c)| c.used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some(old) = state.indexes.remove(&oldest) {
                state.entries -= old.index.len();
            }
        }
        state.clock += 1;
        state.entries += index.len();
        let used = state.clock;
        state.indexes.insert(pair, Cached { version, index, used });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, source: &str, target: &str) -> EntryRow {
        EntryRow {
            id,
            memory: "default".to_string(),
            source_lang: "eng_Latn".to_string(),
            target_lang: "fra_Latn".to_string(),
            source: source.to_string(),
            target: target.to_string(),
            created_at: 0,
        }
    }

    #[test]
    fn near_sentences_are_found_with_their_similarity_and_far_ones_are_not() {
        let index = FuzzyIndex::new(vec![
            row(
                1,
                "The clinic opens at nine in the morning.",
                "La clinique ouvre à neuf heures du matin.",
            ),
            row(2, "Where is the market?", "Où est le marché ?"),
            row(
                3,
                "The clinic is closed on Sundays.",
                "La clinique est fermée le dimanche.",
            ),
        ]);
        let found = index.lookup("The clinic opens at ten in the morning.", 0.75, 3);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].translation, "La clinique ouvre à neuf heures du matin.");
        // "nine" → "ten": 3 edits over the 40 characters of the longer; 1 − 3/40 = 92.5%.
        assert_eq!(found[0].similarity, 92);
        assert!(index.lookup("Where is the station?", 0.75, 3).is_empty());
        // The same sentence is an exact match, not a suggestion.
        assert!(index.lookup("where is the  market?", 0.75, 3).is_empty());
        // Best first, at most `limit`.
        let loose = index.lookup("The clinic opens at ten in the morning.", 0.05, 3);
        assert!(loose.len() >= 2, "{loose:?}");
        assert!(
            loose.windows(2).all(|w| w[0].similarity >= w[1].similarity),
            "{loose:?}"
        );
        assert_eq!(
            index.lookup("The clinic opens at ten in the morning.", 0.05, 1),
            loose[..1]
        );
    }

    #[test]
    fn scripts_without_spaces_match_by_character_pairs() {
        let index = FuzzyIndex::new(vec![row(1, "我明天去市场买菜。", "Je vais au marché demain.")]);
        let found = index.lookup("我今天去市场买菜。", 0.75, 3);
        assert_eq!(found.len(), 1);
        // One character of nine differs: 1 − 1/9 = 88.9%.
        assert_eq!(found[0].similarity, 88);
        assert_eq!(tokens("市场"), vec!["市场".to_string()]);
        assert_eq!(
            tokens("hello, hello world!"),
            vec!["hello".to_string(), "world".to_string()]
        );
    }

    #[test]
    fn the_cache_is_bounded_and_knows_versions() {
        let cache = FuzzyCache::default();
        let pair = |o: &str| (o.to_string(), "eng_Latn".to_string(), "fra_Latn".to_string());
        cache.put(pair("a"), 1, Arc::new(FuzzyIndex::new(vec![row(1, "a b", "c")])));
        assert!(cache.get(&pair("a"), 1).is_some());
        assert!(
            cache.get(&pair("a"), 2).is_none(),
            "a newer version is not served from the old index"
        );
        assert!(cache.get(&pair("b"), 1).is_none());
        assert_eq!(cache.state.lock().unwrap().entries, 1);
        cache.put(
            pair("a"),
            2,
            Arc::new(FuzzyIndex::new(vec![row(1, "a b", "c"), row(2, "d", "e")])),
        );
        assert_eq!(cache.state.lock().unwrap().entries, 2);
    }
}
