//! Sentence translations already made, so that boilerplate repeated across documents and callers
//! is translated once. Bounded by bytes, not entries: sentences differ a lot in size.

use std::sync::{Arc, Mutex, MutexGuard};

use langs::LangCode;
use lru::LruCache;

use crate::options::TranslateOptions;
use crate::translation::Hypothesis;

/// Options that give the same translations compare equal. Built from the options' `Debug`
/// form, which spells every field (floats in their shortest exact form) and cannot fail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct OptionsKey(Arc<str>);

impl OptionsKey {
    pub(crate) fn of(options: &TranslateOptions) -> OptionsKey {
        OptionsKey(format!("{options:?}").into())
    }
}

/// One sentence translated by one model with given options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub model: Arc<str>,
    pub source: LangCode,
    pub target: LangCode,
    pub options: OptionsKey,
    pub text: String,
}

/// Only deterministic decoding may be cached: sampling is asked for to get varied output.
pub(crate) fn cacheable(options: &TranslateOptions) -> bool {
    options.sampling.is_none()
}

/// Bookkeeping per entry beyond its strings: the map slot, the list links, the vectors' headers.
const ENTRY_OVERHEAD: usize = 128;

fn entry_bytes(key: &CacheKey, value: &[Hypothesis]) -> usize {
    let hypotheses: usize = value
        .iter()
        .map(|h| {
            h.text.len()
                + h.tokens
                    .iter()
                    .map(|t| t.len() + std::mem::size_of::<String>())
                    .sum::<usize>()
                + std::mem::size_of::<Hypothesis>()
        })
        .sum();
    ENTRY_OVERHEAD + key.text.len() + hypotheses
}

/// What the cache holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheUsage {
    /// Sentences held.
    pub entries: usize,
    /// Their estimated size in bytes.
    pub bytes: usize,
    /// The most bytes it may hold.
    pub capacity_bytes: usize,
}

/// A least-recently-used map of sentence translations, bounded by their estimated bytes.
pub(crate) struct SentenceCache {
    inner: Mutex<Inner>,
}

struct Inner {
    entries: LruCache<CacheKey, Vec<Hypothesis>>,
    bytes: usize,
    capacity: usize,
}

impl SentenceCache {
    /// A cache of at most `capacity` bytes; 0 turns it off.
    pub(crate) fn new(capacity: usize) -> SentenceCache {
        SentenceCache {
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
                capacity,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves a consistent map (every mutation is
        // one call), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The translation of a sentence, marked as recently used.
    pub(crate) fn get(&self, key: &CacheKey) -> Option<Vec<Hypothesis>> {
        self.lock().entries.get(key).cloned()
    }

    /// Keeps a translation, evicting the least recently used ones to stay within capacity.
    pub(crate) fn put(&self, key: CacheKey, value: Vec<Hypothesis>) {
        let size = entry_bytes(&key, &value);
        let mut inner = self.lock();
        if size > inner.capacity {
            return;
        }
        if let Some(old) = inner.entries.peek(&key) {
            let old_size = entry_bytes(&key, old);
            inner.bytes -= old_size;
        }
        inner.entries.put(key, value);
        inner.bytes += size;
        while inner.bytes > inner.capacity {
            match inner.entries.pop_lru() {
                Some((k, v)) => inner.bytes -= entry_bytes(&k, &v),
                None => break,
            }
        }
    }

    /// Entries and bytes held now.
    pub(crate) fn usage(&self) -> CacheUsage {
        let inner = self.lock();
        CacheUsage {
            entries: inner.entries.len(),
            bytes: inner.bytes,
            capacity_bytes: inner.capacity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> CacheKey {
        CacheKey {
            model: "m".into(),
            source: LangCode::parse("eng_Latn").unwrap(),
            target: LangCode::parse("fra_Latn").unwrap(),
            options: OptionsKey::of(&TranslateOptions::default()),
            text: text.to_string(),
        }
    }

    fn value(text: &str) -> Vec<Hypothesis> {
        vec![Hypothesis {
            text: text.to_string(),
            tokens: vec![text.to_string()],
            score: -0.5,
            quality: crate::quality::Quality::unchecked(),
            origin: crate::translation::Origin::Model,
        }]
    }

    #[test]
    fn stays_within_its_bytes_and_evicts_the_least_recently_used() {
        let one = entry_bytes(&key("aaaa"), &value("bbbb"));
        let cache = SentenceCache::new(one * 2);
        cache.put(key("aaaa"), value("bbbb"));
        cache.put(key("cccc"), value("dddd"));
        assert!(cache.get(&key("aaaa")).is_some()); // now the most recent
        cache.put(key("eeee"), value("ffff"));
        assert!(cache.get(&key("cccc")).is_none(), "the least recently used went");
        assert!(cache.get(&key("aaaa")).is_some());
        assert!(cache.get(&key("eeee")).is_some());
        let usage = cache.usage();
        assert_eq!(usage.entries, 2);
        assert!(usage.bytes <= usage.capacity_bytes);
    }

    #[test]
    fn replacing_an_entry_does_not_leak_bytes_and_zero_capacity_holds_nothing() {
        let cache = SentenceCache::new(10_000);
        cache.put(key("a"), value("x"));
        cache.put(key("a"), value("x"));
        assert_eq!(cache.usage().bytes, entry_bytes(&key("a"), &value("x")));
        let off = SentenceCache::new(0);
        off.put(key("a"), value("x"));
        assert_eq!(off.usage().entries, 0);
    }

    #[test]
    fn options_and_languages_are_part_of_the_key() {
        let greedy = TranslateOptions {
            beam_size: 1,
            ..TranslateOptions::default()
        };
        assert_ne!(OptionsKey::of(&greedy), OptionsKey::of(&TranslateOptions::default()));
        let mut other = key("a");
        other.target = LangCode::parse("deu_Latn").unwrap();
        assert_ne!(other, key("a"));
    }
}
