//! Texts matched against a memory sentence by sentence: each text is cut as the pool will cut it,
//! each sentence matched by its match key, and the answers keyed by the sentence as cut (what the
//! pool's known translations are looked up by). Shared by the API, the job workers and
//! `tolk batch`, whatever holds the entries.

use std::collections::HashMap;

use langs::LangCode;
use translator::{TextRequest, Translator};

use super::store::{self, match_key};
use crate::app::jobs::store::{Store, StoreError};

/// The sentences of `text` as `translator`'s pool cuts them; none for a text it would refuse
/// (the pool refuses it with its own error).
pub fn sentences(translator: &Translator, text: &str, source: LangCode, target: LangCode) -> Vec<String> {
    translator
        .prepare(&TextRequest { text, source, target })
        .map(|prepared| prepared.layout.sentences().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The sentences of texts, by match key.
#[derive(Debug, Default)]
pub struct SentenceKeys {
    by_key: HashMap<String, Vec<String>>,
}

impl SentenceKeys {
    /// Cuts `texts` into sentences as `translator`'s pool does; a text it would refuse is left
    /// out (the pool refuses it with its own error).
    pub fn cut(translator: &Translator, texts: &[String], source: LangCode, target: LangCode) -> SentenceKeys {
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for text in texts {
            for sentence in sentences(translator, text, source, target) {
                let same = by_key.entry(match_key(&sentence)).or_default();
                if !same.contains(&sentence) {
                    same.push(sentence);
                }
            }
        }
        SentenceKeys { by_key }
    }

    /// Distinct match keys.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no sentence was cut.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The match keys.
    pub fn keys(&self) -> Vec<String> {
        self.by_key.keys().cloned().collect()
    }

    /// The sentences cut, as they were written, with one key each.
    pub fn sentences(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_key
            .iter()
            .flat_map(|(key, sentences)| sentences.iter().map(move |s| (key.as_str(), s.as_str())))
    }

    /// Translations by sentence as cut, from translations by match key.
    pub fn known(&self, by_key: &HashMap<String, String>) -> HashMap<String, String> {
        let mut known = HashMap::new();
        for (key, translation) in by_key {
            for sentence in self.by_key.get(key).into_iter().flatten() {
                known.insert(sentence.clone(), translation.clone());
            }
        }
        known
    }
}

/// The translations `owner`'s memories (or only `memory`) hold for the sentences of `texts`,
/// by sentence as cut; nothing is cut when the owner has no entry for the pair.
pub async fn exact_known(
    store: &Store,
    translator: &Translator,
    owner: &str,
    memory: Option<&str>,
    (source, target): (LangCode, LangCode),
    texts: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    if store::version(store, owner, source.as_str(), target.as_str())
        .await?
        .is_none()
    {
        return Ok(HashMap::new());
    }
    let keys = SentenceKeys::cut(translator, texts, source, target);
    let found = store::exact(store, owner, memory, source.as_str(), target.as_str(), &keys.keys()).await?;
    Ok(keys.known(&found))
}

/// A memory held whole in memory, for `tolk batch --memory`: read from a TMX or TSV file, or
/// one memory read from the database. Later entries for a sentence win.
#[derive(Debug, Default)]
pub struct LoadedMemory {
    pairs: HashMap<(String, String), HashMap<String, String>>,
    entries: usize,
}

impl LoadedMemory {
    /// Holds `entries`: source language, target language, source, target.
    pub fn new<'a>(entries: impl IntoIterator<Item = [&'a str; 4]>) -> LoadedMemory {
        let mut memory = LoadedMemory::default();
        for [source_lang, target_lang, source, target] in entries {
            let pair = memory
                .pairs
                .entry((source_lang.to_string(), target_lang.to_string()))
                .or_default();
            if pair.insert(match_key(source), target.to_string()).is_none() {
                memory.entries += 1;
            }
        }
        memory
    }

    /// Distinct sentences held, over all pairs.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The translations it holds for the sentences of `texts`, by sentence as cut.
    pub fn known(
        &self,
        translator: &Translator,
        texts: &[String],
        source: LangCode,
        target: LangCode,
    ) -> HashMap<String, String> {
        let Some(pair) = self.pairs.get(&(source.to_string(), target.to_string())) else {
            return HashMap::new();
        };
        let keys = SentenceKeys::cut(translator, texts, source, target);
        let found: HashMap<String, String> = keys
            .keys()
            .into_iter()
            .filter_map(|key| pair.get(&key).map(|t| (key, t.clone())))
            .collect();
        keys.known(&found)
    }
}
