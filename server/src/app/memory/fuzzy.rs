//! Fuzzy matches: the memory's entries for one owner and language pair, held in memory with an
//! inverted index of their words, so that a sentence's near matches are found without reading
//! the table. Similarity is the one CAT tools show: 1 − (character edit distance ÷ the longer
//! length), on the match keys (white space collapsed, lower-cased).
//!
//! Candidates are the entries sharing the most words with the sentence (characters pairs in
//! scripts written without spaces), each word weighted by its rarity, among those whose length
//! allows the threshold; only the best [`CANDIDATES`] are measured. An entry whose every word differs slightly from the sentence's
//! (heavy inflection) can be missed when many others share more words; docs/memory.md says so.
//!
//! Indexes are cached per owner and pair with the pair's version from the database, bounded by
//! [`MAX_CACHED_ENTRIES`] entries in all, least recently used dropped first. An index whose pair
//! has moved on (a correction stored, an entry deleted) is still served while its successor is
//! built in the background: rebuilding 100,000 entries takes about a second, which no request
//! should wait for after each correction, and a suggestion a moment old is still a suggestion
//! (exact matches always come from the database). What this server writes itself is added to its
//! index at once, beside the indexed entries, so that its own corrections cost no rebuild.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use utoipa::ToSchema;

use super::store::EntryRow;

/// Entries measured for one sentence.
const CANDIDATES: usize = 24;
/// Entries this server wrote since its index was built, held beside it and measured one by one,
/// before a rebuild is due.
const MAX_ADDED: usize = 256;
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

#[derive(Clone)]
struct Entry {
    memory: String,
    source: String,
    target: String,
    key: String,
    chars: usize,
}

impl Entry {
    fn new(memory: String, source: String, target: String) -> Entry {
        let key = super::store::match_key(&source);
        Entry {
            memory,
            source,
            target,
            chars: key.chars().count(),
            key,
        }
    }
}

/// One pair's entries and the index of their words, as read from the database.
struct Indexed {
    entries: Vec<Entry>,
    postings: HashMap<String, Vec<u32>>,
}

/// One pair's entries: those indexed when it was built, and those this server wrote since,
/// which shadow an indexed entry of the same sentence and memory.
#[derive(Clone)]
pub struct FuzzyIndex {
    indexed: Arc<Indexed>,
    added: Vec<Entry>,
}

/// Whether `c` is in a script written without spaces between words, where a word is no unit.
pub(crate) fn unspaced(c: char) -> bool {
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
            let entry = Entry::new(row.memory, row.source, row.target);
            for token in tokens(&entry.key) {
                postings.entry(token).or_default().push(i as u32);
            }
            entries.push(entry);
        }
        FuzzyIndex {
            indexed: Arc::new(Indexed { entries, postings }),
            added: Vec::new(),
        }
    }

    /// This index with `entries` (source, translation) of `memory` added, as a write of this
    /// server stored them; `None` when too many were added since it was built (time to rebuild).
    pub fn with_added(&self, memory: &str, entries: &[(String, String)]) -> Option<FuzzyIndex> {
        if self.added.len() + entries.len() > MAX_ADDED {
            return None;
        }
        let mut added = self.added.clone();
        for (source, target) in entries {
            let entry = Entry::new(memory.to_string(), source.clone(), target.clone());
            added.retain(|e| !(e.key == entry.key && e.memory == entry.memory));
            added.push(entry);
        }
        Some(FuzzyIndex {
            indexed: Arc::clone(&self.indexed),
            added,
        })
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.indexed.entries.len() + self.added.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries at least `threshold` (0–1) similar to `sentence`, best first, at most
    /// `limit`; an identical one is not offered (it is an exact match).
    pub fn lookup(&self, sentence: &str, threshold: f64, limit: usize) -> Vec<Suggestion> {
        let key = super::store::match_key(sentence);
        let chars = key.chars().count();
        if chars == 0 || self.is_empty() {
            return Vec::new();
        }
        // Lengths that cannot reach the threshold: the distance is at least their difference.
        let (shortest, longest) = (chars as f64 * threshold, chars as f64 / threshold.max(0.01));
        let fits = |entry: &Entry| (entry.chars as f64) >= shortest && (entry.chars as f64) <= longest;
        let indexed = &self.indexed;
        // Shared words weighted by rarity, so that "the" and "is" do not crowd out the entries
        // that share the sentence's telling words.
        let mut shared = vec![0f32; indexed.entries.len()];
        for token in tokens(&key) {
            let Some(posting) = indexed.postings.get(&token) else {
                continue;
            };
            let weight = (indexed.entries.len() as f32 / posting.len() as f32).ln() + 1.0;
            for &i in posting {
                shared[i as usize] += weight;
            }
        }
        let mut candidates: Vec<(f32, usize)> = shared
            .iter()
            .enumerate()
            .filter(|&(i, &weight)| weight > 0.0 && fits(&indexed.entries[i]))
            .map(|(i, &weight)| (weight, i))
            .collect();
        if candidates.len() > CANDIDATES {
            candidates.select_nth_unstable_by(CANDIDATES - 1, |a, b| b.0.total_cmp(&a.0));
            candidates.truncate(CANDIDATES);
        }
        // Entries this server added since the build are measured one by one, and come first so
        // that they shadow an older entry of the same sentence and memory.
        let measured = self
            .added
            .iter()
            .filter(|e| fits(e))
            .chain(candidates.into_iter().map(|(_, i)| &indexed.entries[i]));
        let mut found: Vec<(f64, &Entry)> = Vec::new();
        for entry in measured {
            if entry.key == key
                || found
                    .iter()
                    .any(|(_, e)| e.key == entry.key && e.memory == entry.memory)
            {
                continue;
            }
            // 1 − edit distance ÷ the longer length, in characters.
            let score = strsim::normalized_levenshtein(&key, &entry.key);
            if score >= threshold {
                found.push((score, entry));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        found
            .into_iter()
            .take(limit)
            .map(|(score, entry)| Suggestion {
                source: entry.source.clone(),
                translation: entry.target.clone(),
                similarity: (score * 100.0).floor().clamp(0.0, 100.0) as u8,
                memory: entry.memory.clone(),
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
    /// Pairs whose index is being rebuilt in the background.
    building: Vec<PairKey>,
}

/// What the cache has for a pair at a version.
pub enum Lookup {
    /// The index of that version.
    Fresh(Arc<FuzzyIndex>),
    /// An index of an earlier version; `rebuild` says whether the caller should build the new
    /// one (no one else is).
    Stale {
        /// The earlier index.
        index: Arc<FuzzyIndex>,
        /// Whether this caller is to rebuild it.
        rebuild: bool,
    },
    /// None yet.
    Missing,
}

impl FuzzyCache {
    /// The index for `pair` at `version`: fresh, stale (and whether to rebuild it), or missing.
    pub fn get(&self, pair: &PairKey, version: i64) -> Lookup {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.clock += 1;
        let clock = state.clock;
        let Some(cached) = state.indexes.get_mut(pair) else {
            return Lookup::Missing;
        };
        cached.used = clock;
        let index = Arc::clone(&cached.index);
        if cached.version >= version {
            return Lookup::Fresh(index);
        }
        let rebuild = !state.building.contains(pair);
        if rebuild {
            state.building.push(pair.clone());
        }
        Lookup::Stale { index, rebuild }
    }

    /// Adds what this server just wrote to `pair`'s index, which becomes `version`, when the index
    /// is of the version just before (no other write came between); otherwise the index stays
    /// as it is, stale, and the next lookup rebuilds it.
    pub fn extend(&self, pair: &PairKey, version: i64, memory: &str, entries: &[(String, String)]) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(cached) = state.indexes.get_mut(pair) else {
            return;
        };
        if cached.version != version - 1 {
            return;
        }
        let Some(extended) = cached.index.with_added(memory, entries) else {
            return;
        };
        let grown = extended.len() - cached.index.len();
        cached.index = Arc::new(extended);
        cached.version = version;
        state.entries += grown;
    }

    /// Drops every index of `owner`, after a deletion: deleted text must not be offered again,
    /// nor stay in this server's memory.
    pub fn forget_owner(&self, owner: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let dropped: usize = state
            .indexes
            .iter()
            .filter(|(pair, _)| pair.0 == owner)
            .map(|(_, cached)| cached.index.len())
            .sum();
        state.indexes.retain(|pair, _| pair.0 != owner);
        state.entries -= dropped;
    }

    /// A background rebuild of `pair` ended without an index.
    pub fn abandon(&self, pair: &PairKey) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.building.retain(|p| p != pair);
    }

    /// Keeps `index` for `pair` at `version`, dropping the least recently used indexes to make
    /// room; an index larger than the whole cache is not kept.
    pub fn put(&self, pair: PairKey, version: i64, index: Arc<FuzzyIndex>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.building.retain(|p| *p != pair);
        if state.indexes.get(&pair).is_some_and(|c| c.version > version) {
            return;
        }
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
    fn entries_added_since_the_build_are_found_and_shadow_older_ones() {
        let index = FuzzyIndex::new(vec![row(1, "Where is the market?", "Où est le marché ?")]);
        let added = index
            .with_added(
                "default",
                &[
                    (
                        "Where is the market?".to_string(),
                        "Où se trouve le marché ?".to_string(),
                    ),
                    ("The bus leaves at noon.".to_string(), "Le bus part à midi.".to_string()),
                ],
            )
            .unwrap();
        assert_eq!(added.len(), 3);
        let found = added.lookup("Where is the markets?", 0.75, 3);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].translation, "Où se trouve le marché ?");
        assert_eq!(
            added.lookup("The bus leaves at one.", 0.75, 3)[0].translation,
            "Le bus part à midi."
        );
        // The index it came from is unchanged.
        assert_eq!(
            index.lookup("Where is the markets?", 0.75, 3)[0].translation,
            "Où est le marché ?"
        );
        let many: Vec<(String, String)> = (0..=MAX_ADDED).map(|i| (format!("s {i}"), "t".to_string())).collect();
        assert!(
            index.with_added("default", &many).is_none(),
            "past the bound, a rebuild is due"
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
    fn the_cache_knows_versions_and_rebuilds_once() {
        let cache = FuzzyCache::default();
        let pair = |o: &str| (o.to_string(), "eng_Latn".to_string(), "fra_Latn".to_string());
        cache.put(pair("a"), 1, Arc::new(FuzzyIndex::new(vec![row(1, "a b", "c")])));
        assert!(matches!(cache.get(&pair("a"), 1), Lookup::Fresh(_)));
        assert!(matches!(cache.get(&pair("b"), 1), Lookup::Missing));
        // A newer version: the old index is served, and one caller (only) rebuilds it.
        assert!(matches!(cache.get(&pair("a"), 2), Lookup::Stale { rebuild: true, .. }));
        assert!(matches!(cache.get(&pair("a"), 2), Lookup::Stale { rebuild: false, .. }));
        assert_eq!(cache.state.lock().unwrap().entries, 1);
        cache.put(
            pair("a"),
            2,
            Arc::new(FuzzyIndex::new(vec![row(1, "a b", "c"), row(2, "d", "e")])),
        );
        assert!(matches!(cache.get(&pair("a"), 2), Lookup::Fresh(index) if index.len() == 2));
        assert_eq!(cache.state.lock().unwrap().entries, 2);
        // A late rebuild of an older version does not replace a newer index.
        cache.put(pair("a"), 1, Arc::new(FuzzyIndex::new(vec![])));
        assert!(matches!(cache.get(&pair("a"), 2), Lookup::Fresh(index) if index.len() == 2));
        // This server's own write extends the index of the version just before, and only that.
        let written = [("f g".to_string(), "h".to_string())];
        cache.extend(&pair("a"), 3, "default", &written);
        assert!(matches!(cache.get(&pair("a"), 3), Lookup::Fresh(index) if index.len() == 3));
        assert_eq!(cache.state.lock().unwrap().entries, 3);
        cache.extend(&pair("a"), 5, "default", &written);
        assert!(matches!(cache.get(&pair("a"), 5), Lookup::Stale { rebuild: true, .. }));
        // An abandoned rebuild may be tried again.
        cache.abandon(&pair("a"));
        assert!(matches!(cache.get(&pair("a"), 5), Lookup::Stale { rebuild: true, .. }));
        // A deletion forgets the owner's indexes, and only the owner's.
        cache.put(pair("b"), 1, Arc::new(FuzzyIndex::new(vec![row(1, "x", "y")])));
        cache.forget_owner("a");
        assert!(matches!(cache.get(&pair("a"), 5), Lookup::Missing));
        assert!(matches!(cache.get(&pair("b"), 1), Lookup::Fresh(_)));
        assert_eq!(cache.state.lock().unwrap().entries, 1);
    }

    #[test]
    fn the_cache_drops_the_least_recently_used_past_its_bound() {
        let cache = FuzzyCache::default();
        let pair = |o: &str| (o.to_string(), "eng_Latn".to_string(), "fra_Latn".to_string());
        let rows = |n: usize| {
            (0..n)
                .map(|i| row(i as i64, &format!("s {i}"), "t"))
                .collect::<Vec<_>>()
        };
        cache.put(pair("a"), 1, Arc::new(FuzzyIndex::new(rows(MAX_CACHED_ENTRIES / 2))));
        cache.put(pair("b"), 1, Arc::new(FuzzyIndex::new(rows(MAX_CACHED_ENTRIES / 2))));
        assert!(matches!(cache.get(&pair("a"), 1), Lookup::Fresh(_)));
        cache.put(pair("c"), 1, Arc::new(FuzzyIndex::new(rows(10))));
        assert!(
            matches!(cache.get(&pair("b"), 1), Lookup::Missing),
            "b was used least recently"
        );
        assert!(matches!(cache.get(&pair("a"), 1), Lookup::Fresh(_)));
        assert!(cache.state.lock().unwrap().entries <= MAX_CACHED_ENTRIES);
    }
}
