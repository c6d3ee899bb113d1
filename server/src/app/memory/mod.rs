//! The community's translation memory (issue 21): corrections come in (at once, or after a
//! reviewer approved them), are stored sentence by sentence in the job database, owned by the
//! key that sent them (no owner when keys are off), and come back for the same sentence in
//! every translation that key asks for, whichever API shape, job or batch: exactly (the same
//! text once white space is collapsed and letters are lower-cased) in place of the model's
//! translation, and fuzzily (at least the server's similarity, 75% by default) as suggestions
//! beside it. Memories are imported and exported as TMX 1.4b and TSV, and deleted with their
//! text gone from disk.
//!
//! - [`store`]: the tables and their queries.
//! - [`lookup`]: texts cut into sentences and matched exactly.
//! - [`fuzzy`]: near matches from an in-memory index per owner and pair.
//! - [`exchange`]: TMX and TSV.
//! - [`review`]: corrections waiting for a reviewer.
//! - [`checks`]: names, texts and imports within bounds.

pub mod checks;
pub mod exchange;
pub mod fuzzy;
pub mod lookup;
pub mod review;
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;

use langs::LangCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::JobError;
use super::keys::owner_column;
use super::registry::Model;
use super::{Core, Error};
use exchange::ExchangeFormat;
use fuzzy::{FuzzyCache, FuzzyIndex, Lookup, PairKey, Suggestion};
use lookup::SentenceKeys;
use store::{EntryRow, NewEntry, Written};

pub use checks::{check_import, check_name, DEFAULT_MEMORY, MAX_IMPORT_ENTRIES, MAX_TEXT_CHARS};
use checks::{check_text, existing_name};

/// Fuzzy matches offered per sentence.
const SUGGESTIONS_PER_SENTENCE: usize = 3;

/// A translation someone corrected.
#[derive(Debug, Clone)]
pub struct Correction {
    /// The source text (one sentence or several).
    pub text: String,
    /// Its language.
    pub source: LangCode,
    /// The language of the translation.
    pub target: LangCode,
    /// The machine translation it corrects, when known.
    pub machine: Option<String>,
    /// The right translation.
    pub correction: String,
    /// The memory to keep it in ([`DEFAULT_MEMORY`] when absent).
    pub memory: Option<String>,
}

/// What a correction became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CorrectionOutcome {
    /// The memory it is (or will be) in.
    pub memory: String,
    /// `stored`, or `pending` while it waits for a reviewer.
    #[schema(example = "stored")]
    pub state: &'static str,
    /// Entries stored or replaced: one per sentence when source and correction have as many
    /// sentences, else one for the whole text; 0 while pending.
    pub entries: usize,
    /// The waiting correction's id, for the reviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
}

/// One memory of an owner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemorySummary {
    /// Its name.
    pub name: String,
    /// Its entries.
    pub entries: i64,
}

/// What a memory holds for the sentences of some texts.
#[derive(Debug, Clone, Default)]
pub struct MemoryMatches {
    /// Translations replacing the model's, by sentence as the pool cuts it.
    pub exact: HashMap<String, String>,
    /// Near matches offered beside the model's translation, by sentence.
    pub fuzzy: HashMap<String, Vec<Suggestion>>,
}

/// Whether fuzzy matches are wanted besides exact ones (they cost an index, and only some API
/// shapes show them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Exact matches only.
    Exact,
    /// Exact matches, and suggestions for the other sentences.
    WithSuggestions,
}

pub use store::match_key;

/// The sentence pairs of a correction: sentence by sentence where the source and the correction
/// have as many sentences as `model` cuts them, else the whole text as one.
fn correction_entries(
    model: &Model,
    (source, target): (LangCode, LangCode),
    text: &str,
    correction: &str,
    machine: Option<&str>,
) -> Vec<NewEntry> {
    let translator = model.pool.translator();
    let (sources, targets) = (
        lookup::sentences(translator, text, source, target),
        lookup::sentences(translator, correction, target, source),
    );
    let pairs: Vec<(String, String)> = if sources.len() == targets.len() && !sources.is_empty() {
        sources.into_iter().zip(targets).collect()
    } else {
        vec![(text.trim().to_string(), correction.trim().to_string())]
    };
    let whole = pairs.len() == 1;
    pairs
        .into_iter()
        .map(|(source_text, target_text)| NewEntry {
            source_lang: source.to_string(),
            target_lang: target.to_string(),
            source: source_text,
            target: target_text,
            machine: machine.filter(|_| whole).map(str::to_string),
        })
        .collect()
}

/// Reads a pair's entries, builds their fuzzy index (off the runtime's threads) and caches it.
async fn build_index(
    store: &crate::app::jobs::store::Store,
    cache: &FuzzyCache,
    pair: PairKey,
    version: i64,
) -> Result<Arc<FuzzyIndex>, JobError> {
    let rows = store::pair_entries(store, &pair.0, &pair.1, &pair.2).await?;
    let index = tokio::task::spawn_blocking(move || Arc::new(FuzzyIndex::new(rows)))
        .await
        .map_err(|e| JobError::Internal(format!("building the fuzzy index failed: {e}")))?;
    cache.put(pair, version, Arc::clone(&index));
    Ok(index)
}

impl Core {
    /// Takes a correction into `owner`'s memory: stored at once, or kept for a reviewer when the
    /// server reviews corrections.
    pub async fn add_correction(
        &self,
        owner: Option<String>,
        correction: Correction,
    ) -> Result<CorrectionOutcome, Error> {
        check_text("text", &correction.text)?;
        check_text("correction", &correction.correction)?;
        if let Some(machine) = &correction.machine {
            if machine.chars().count() > MAX_TEXT_CHARS {
                return Err(Error::TooLarge(format!(
                    "translation: a correction holds at most {MAX_TEXT_CHARS} characters"
                )));
            }
        }
        let memory = check_name(correction.memory.as_deref())?;
        let model = self.models.model(None)?;
        for language in [correction.source, correction.target] {
            if !model.pool.translator().languages().contains(&language) {
                return Err(Error::LanguageNotInModel(language.to_string()));
            }
        }
        if correction.source == correction.target {
            return Err(Error::Invalid(format!(
                "target: the correction's source and target are both {}",
                correction.source
            )));
        }
        let owner = owner_column(owner.as_deref());
        if self.settings.corrections_review {
            return self.queue_for_review(owner, memory, correction).await;
        }
        let entries = correction_entries(
            &model,
            (correction.source, correction.target),
            &correction.text,
            &correction.correction,
            correction.machine.as_deref(),
        );
        let written = self.store_entries(owner, memory.clone(), entries).await?;
        Ok(CorrectionOutcome {
            memory,
            state: "stored",
            entries: written.entries,
            id: None,
        })
    }

    /// Stores entries in `owner`'s memory `name`, and adds them to this server's fuzzy indexes.
    async fn store_entries(&self, owner: String, name: String, entries: Vec<NewEntry>) -> Result<Written, Error> {
        let (written, owner, name, entries) = self
            .jobs
            .on_runtime(move |s| {
                Box::pin(async move {
                    let written = store::insert(&s, &owner, &name, &entries).await?;
                    Ok((written, owner, name, entries))
                })
            })
            .await?;
        self.note_written(&owner, &name, &entries, &written);
        Ok(written)
    }

    /// Tells the fuzzy indexes what this server just wrote, so that its own corrections are
    /// offered at once, without a rebuild.
    fn note_written(&self, owner: &str, memory: &str, entries: &[NewEntry], written: &Written) {
        for (source_lang, target_lang, version) in &written.versions {
            let pairs: Vec<(String, String)> = entries
                .iter()
                .filter(|e| e.source_lang == *source_lang && e.target_lang == *target_lang)
                .map(|e| (e.source.clone(), e.target.clone()))
                .collect();
            let pair = (owner.to_string(), source_lang.clone(), target_lang.clone());
            self.fuzzy.extend(&pair, *version, memory, &pairs);
        }
    }

    /// What `owner`'s memories hold for the sentences of `texts` (as the pool cuts them): exact
    /// matches, and with [`Matching::WithSuggestions`] near matches for the other sentences.
    /// Empty, without cutting anything, when the owner has no entry for the pair.
    pub async fn memory_matches(
        &self,
        owner: Option<&str>,
        model: &Arc<Model>,
        (source, target): (LangCode, LangCode),
        texts: &[String],
        matching: Matching,
    ) -> Result<MemoryMatches, Error> {
        let owner = owner_column(owner);
        let version = {
            let owner = owner.clone();
            self.jobs
                .on_runtime(move |s| {
                    Box::pin(async move { Ok(store::version(&s, &owner, source.as_str(), target.as_str()).await?) })
                })
                .await?
        };
        let Some(version) = version else {
            return Ok(MemoryMatches::default());
        };
        let keys = Arc::new(SentenceKeys::cut(model.pool.translator(), texts, source, target));
        let found = {
            let (owner, wanted) = (owner.clone(), keys.keys());
            self.jobs
                .on_runtime(move |s| {
                    Box::pin(async move {
                        Ok(store::exact(&s, &owner, None, source.as_str(), target.as_str(), &wanted).await?)
                    })
                })
                .await?
        };
        let exact = keys.known(&found);
        if matching == Matching::Exact || exact.len() == keys.len() {
            return Ok(MemoryMatches {
                exact,
                fuzzy: HashMap::new(),
            });
        }
        let index = self.fuzzy_index(&owner, (source, target), version).await?;
        let threshold = self.settings.memory_similarity;
        let fuzzy = tokio::task::spawn_blocking(move || {
            let mut fuzzy = HashMap::new();
            for (key, sentence) in keys.sentences() {
                if found.contains_key(key) {
                    continue;
                }
                let suggestions = index.lookup(sentence, threshold, SUGGESTIONS_PER_SENTENCE);
                if !suggestions.is_empty() {
                    fuzzy.insert(sentence.to_string(), suggestions);
                }
            }
            fuzzy
        })
        .await
        .map_err(|e| Error::Internal(format!("fuzzy matching failed: {e}")))?;
        Ok(MemoryMatches { exact, fuzzy })
    }

    /// The fuzzy index of `owner`'s entries for a pair at `version`: cached; an earlier one while
    /// its successor is built in the background; or, the first time, read and built now.
    async fn fuzzy_index(
        &self,
        owner: &str,
        (source, target): (LangCode, LangCode),
        version: i64,
    ) -> Result<Arc<FuzzyIndex>, Error> {
        let pair = (owner.to_string(), source.to_string(), target.to_string());
        match self.fuzzy.get(&pair, version) {
            Lookup::Fresh(index) => return Ok(index),
            Lookup::Stale { index, rebuild } => {
                if rebuild {
                    let cache = Arc::clone(&self.fuzzy);
                    self.jobs.spawn_on_runtime(move |s| {
                        Box::pin(async move {
                            if let Err(error) = build_index(&s, &cache, pair.clone(), version).await {
                                tracing::error!(%error, "cannot rebuild a translation memory index");
                                cache.abandon(&pair);
                            }
                        })
                    });
                }
                return Ok(index);
            }
            Lookup::Missing => {}
        }
        let cache = Arc::clone(&self.fuzzy);
        Ok(self
            .jobs
            .on_runtime(move |s| Box::pin(async move { build_index(&s, &cache, pair, version).await }))
            .await?)
    }

    /// `owner`'s memories with their sizes, by name.
    pub async fn memories(&self, owner: Option<&str>) -> Result<Vec<MemorySummary>, Error> {
        let owner = owner_column(owner);
        let rows = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::memories(&s, &owner).await?) }))
            .await?;
        Ok(rows
            .into_iter()
            .map(|(name, entries)| MemorySummary { name, entries })
            .collect())
    }

    /// The entries of one of `owner`'s memories, in the order stored.
    pub async fn memory_entries(&self, owner: Option<&str>, name: &str) -> Result<Vec<EntryRow>, Error> {
        let (owner, name) = (owner_column(owner), existing_name(name)?);
        let missing = name.clone();
        let rows = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::memory_entries(&s, &owner, &name).await?) }))
            .await?;
        if rows.is_empty() {
            return Err(Error::NotFound(format!("memory {missing}")));
        }
        Ok(rows)
    }

    /// One of `owner`'s memories written as `format`.
    pub async fn export_memory(
        &self,
        owner: Option<&str>,
        name: &str,
        format: ExchangeFormat,
    ) -> Result<String, Error> {
        let rows = self.memory_entries(owner, name).await?;
        Ok(exchange::write(&rows, format))
    }

    /// Adds a TMX or TSV file's entries to `owner`'s memory `name` (a sentence already there is
    /// replaced), all or, when the file is broken, none; returns how many.
    pub async fn import_memory(
        &self,
        owner: Option<&str>,
        name: &str,
        format: ExchangeFormat,
        bytes: Vec<u8>,
    ) -> Result<usize, Error> {
        let (owner, name) = (owner_column(owner), check_name(Some(name))?);
        let entries = tokio::task::spawn_blocking(move || exchange::read(&bytes, format))
            .await
            .map_err(|e| Error::Internal(format!("reading the memory failed: {e}")))?
            .map_err(Error::Invalid)?;
        check_import(&entries)?;
        Ok(self.store_entries(owner, name, entries).await?.entries)
    }

    /// Deletes one of `owner`'s memories with every entry (`entry: None`) or one entry of it,
    /// the text gone from the disk too (the job database's secure delete).
    pub async fn delete_memory(&self, owner: Option<&str>, name: &str, entry: Option<i64>) -> Result<(), Error> {
        let (owner, name) = (owner_column(owner), existing_name(name)?);
        let missing = match entry {
            None => format!("memory {name}"),
            Some(id) => format!("entry {id} of memory {name}"),
        };
        let column = owner.clone();
        let deleted = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::delete(&s, &owner, &name, entry).await?) }))
            .await?;
        // Rebuilt from what is left at the next lookup, not served meanwhile.
        self.fuzzy.forget_owner(&column);
        if deleted == 0 {
            return Err(Error::NotFound(missing));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_match_whatever_their_spacing_and_case() {
        assert_eq!(match_key("  Hello,\tWORLD \n again "), "hello, world again");
        assert_eq!(match_key("Ndi Muganda."), match_key("ndi  muganda."));
        assert_ne!(match_key("Ndi Muganda."), match_key("Ndi Muganda"));
        // Scripts without case keep their letters.
        assert_eq!(match_key("你好 世界"), "你好 世界");
    }
}
