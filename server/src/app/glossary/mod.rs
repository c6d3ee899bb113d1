//! Glossaries (issue 20, first part): a community's terms, stored per key in the job database
//! with a name and one dictionary per language pair, and used in translations: where a source
//! term occurs (whole words, any case, longest first), its target term is in the output, byte for
//! byte; nowhere else (see [`terms`]).
//!
//! - [`store`]: the tables and their queries.
//! - [`entries`]: TSV and CSV entries read and checked.
//! - [`terms`]: terms found in a text.
//! - [`marking`]: texts cut so that terms and `<notranslate>` spans are kept through translation.
//! - [`cache`]: stored glossaries' compiled terms, per version.

pub mod cache;
pub mod entries;
pub mod marking;
pub mod store;
pub mod terms;

use std::sync::Arc;

use langs::LangCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::keys::owner_column;
use super::{Core, Error};
use entries::{EntriesFormat, GlossaryLimits};
use store::{Dictionary, GlossaryRow};
use terms::Terms;

/// Longest glossary name, in characters.
const MAX_NAME_CHARS: usize = 256;

/// One dictionary as a caller sends it: its pair and its entries.
#[derive(Debug, Clone)]
pub struct DictionaryInput {
    /// The source language.
    pub source: LangCode,
    /// The target language.
    pub target: LangCode,
    /// The entries: given as pairs, or as TSV or CSV text.
    pub entries: EntriesInput,
}

/// Entries as a caller sends them.
#[derive(Debug, Clone)]
pub enum EntriesInput {
    /// Source and target terms.
    Pairs(Vec<(String, String)>),
    /// Text in a format.
    Text(String, EntriesFormat),
}

/// A dictionary of a glossary, as answers show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DictionaryView {
    /// The source language's code.
    pub source: String,
    /// The target language's code.
    pub target: String,
    /// Its entries.
    pub entry_count: i64,
}

/// A glossary, as answers show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GlossaryView {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was made, in milliseconds since the epoch.
    pub created_at: i64,
    /// One per language pair.
    pub dictionaries: Vec<DictionaryView>,
}

impl From<GlossaryRow> for GlossaryView {
    fn from(row: GlossaryRow) -> Self {
        GlossaryView {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            dictionaries: row
                .dictionaries
                .into_iter()
                .map(|(source, target, entry_count)| DictionaryView {
                    source,
                    target,
                    entry_count,
                })
                .collect(),
        }
    }
}

/// What a change does to a dictionary's entries (DeepL v3's `PATCH` and `PUT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryChange {
    /// Entries whose source term is there (in any case) get the new target; others are added.
    Merge,
    /// The dictionary becomes the entries given.
    Replace,
}

/// A dictionary's language pair and entries.
type PairEntries = ((LangCode, LangCode), Vec<(String, String)>);

/// Which glossary a translation uses.
#[derive(Debug, Clone)]
pub enum GlossaryChoice {
    /// A stored one of the caller's, by id.
    Stored(String),
    /// Entries sent with the request, for its language pair.
    Inline(Vec<(String, String)>),
}

/// The source language a glossary is used from: a given one, never a detected one (a guess must
/// not choose which terms apply).
pub fn needs_source(source: Option<LangCode>) -> Result<LangCode, Error> {
    source
        .ok_or_else(|| Error::Missing("source: a glossary needs the source language (it is not detected)".to_string()))
}

/// A new glossary id, in the form DeepL's ids have.
fn new_id() -> String {
    let hex = crate::app::jobs::new_id();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl Core {
    /// This server's glossary limits.
    pub fn glossary_limits(&self) -> GlossaryLimits {
        GlossaryLimits {
            max_entries: self.settings.glossary_max_entries,
            max_term_chars: self.settings.glossary_max_term_chars,
        }
    }

    /// Checks a glossary as sent: a name, at least one dictionary, pairs the model serves once
    /// each, entries within the limits.
    fn check_glossary(&self, name: &str, input: Vec<DictionaryInput>) -> Result<(String, Vec<Dictionary>), Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Missing("name: a glossary needs a name".to_string()));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(Error::Invalid(format!(
                "name: at most {MAX_NAME_CHARS} characters, without control characters"
            )));
        }
        if input.is_empty() {
            return Err(Error::Missing(
                "dictionaries: a glossary needs at least one".to_string(),
            ));
        }
        let model = self.models.model(None)?;
        let limits = self.glossary_limits();
        let mut dictionaries: Vec<Dictionary> = Vec::with_capacity(input.len());
        let mut total = 0;
        for (i, dictionary) in input.into_iter().enumerate() {
            let (source, target) = (dictionary.source, dictionary.target);
            let at = |problem: String| format!("dictionaries[{i}] ({source} → {target}): {problem}");
            for language in [source, target] {
                if !model.pool.translator().languages().contains(&language) {
                    return Err(Error::LanguageNotInModel(at(format!("the model has no {language}"))));
                }
            }
            if source == target {
                return Err(Error::Invalid(at(
                    "the source and target languages are the same".to_string()
                )));
            }
            if dictionaries
                .iter()
                .any(|d| d.source_lang == source.as_str() && d.target_lang == target.as_str())
            {
                return Err(Error::Invalid(at("a second dictionary for the same pair".to_string())));
            }
            let entries = match dictionary.entries {
                EntriesInput::Text(text, format) => entries::parse(&text, format, (source, target), &limits),
                EntriesInput::Pairs(pairs) => entries::parse_pairs(&pairs, (source, target), &limits),
            }
            .map_err(|e| Error::Invalid(at(e)))?;
            total += entries.len();
            if total > limits.max_entries {
                return Err(Error::TooLarge(format!(
                    "{total} entries; a glossary on this server holds at most {}",
                    limits.max_entries
                )));
            }
            dictionaries.push(Dictionary {
                source_lang: source.to_string(),
                target_lang: target.to_string(),
                entries,
            });
        }
        Ok((name.to_string(), dictionaries))
    }

    /// Stores a new glossary of `owner`'s; all of it, or nothing when any part is wrong.
    pub async fn create_glossary(
        &self,
        owner: Option<&str>,
        name: &str,
        dictionaries: Vec<DictionaryInput>,
    ) -> Result<GlossaryView, Error> {
        self.put_glossary(owner, &new_id(), name, dictionaries, false)
            .await?
            .ok_or_else(|| Error::Internal("a glossary just stored is missing".to_string()))
    }

    /// Replaces the name and every dictionary of one of `owner`'s glossaries.
    pub async fn replace_glossary(
        &self,
        owner: Option<&str>,
        id: &str,
        name: &str,
        dictionaries: Vec<DictionaryInput>,
    ) -> Result<GlossaryView, Error> {
        self.glossary(owner, id).await?;
        self.put_glossary(owner, id, name, dictionaries, true)
            .await?
            .ok_or_else(|| Error::NotFound(format!("glossary {id}")))
    }

    /// Checks a glossary and stores it (replacing the entries of `id` when `replace`); the
    /// glossary as stored, `None` when it is not there afterwards.
    async fn put_glossary(
        &self,
        owner: Option<&str>,
        id: &str,
        name: &str,
        dictionaries: Vec<DictionaryInput>,
        replace: bool,
    ) -> Result<Option<GlossaryView>, Error> {
        let (name, dictionaries) = self.check_glossary(name, dictionaries)?;
        let (owner, id) = (owner_column(owner), id.to_string());
        let row = self
            .jobs
            .on_runtime(move |s| {
                Box::pin(async move {
                    store::put(&s, &owner, &id, &name, &dictionaries, replace).await?;
                    Ok(store::get(&s, &owner, &id).await?)
                })
            })
            .await?;
        Ok(row.map(GlossaryView::from))
    }

    /// Changes one of `owner`'s glossaries: its name, dictionaries merged or replaced (one of a
    /// new pair is added), and one pair's dictionary removed; the result is checked as a new
    /// glossary would be, and stored whole or not at all.
    pub async fn change_glossary(
        &self,
        owner: Option<&str>,
        id: &str,
        name: Option<&str>,
        changes: Vec<(DictionaryInput, DictionaryChange)>,
        removed: Option<(LangCode, LangCode)>,
    ) -> Result<GlossaryView, Error> {
        let view = self.glossary(owner, id).await?;
        // Each dictionary's pair and entries, as they are and then as changed.
        let mut dictionaries: Vec<PairEntries> = Vec::new();
        for dictionary in &view.dictionaries {
            let (Ok(source), Ok(target)) = (LangCode::parse(&dictionary.source), LangCode::parse(&dictionary.target))
            else {
                return Err(Error::Internal(format!("glossary {id} holds an unknown language")));
            };
            let (wanted, s, t) = (id.to_string(), dictionary.source.clone(), dictionary.target.clone());
            let entries = self
                .jobs
                .on_runtime(move |store| Box::pin(async move { Ok(store::entries(&store, &wanted, &s, &t).await?) }))
                .await?;
            dictionaries.push(((source, target), entries));
        }
        let limits = self.glossary_limits();
        for (i, (change, how)) in changes.into_iter().enumerate() {
            let (source, target) = (change.source, change.target);
            let given = match change.entries {
                EntriesInput::Text(text, format) => entries::parse(&text, format, (source, target), &limits),
                EntriesInput::Pairs(pairs) => entries::parse_pairs(&pairs, (source, target), &limits),
            }
            .map_err(|e| Error::Invalid(format!("dictionaries[{i}] ({source} → {target}): {e}")))?;
            match dictionaries.iter_mut().find(|(pair, _)| *pair == (source, target)) {
                None => dictionaries.push(((source, target), given)),
                Some((_, existing)) if how == DictionaryChange::Replace => *existing = given,
                Some((_, existing)) => {
                    for (term, translation) in given {
                        let key = term.to_lowercase();
                        match existing.iter_mut().find(|(s, _)| s.to_lowercase() == key) {
                            Some(entry) => entry.1 = translation,
                            None => existing.push((term, translation)),
                        }
                    }
                }
            }
        }
        if let Some((source, target)) = removed {
            let before = dictionaries.len();
            dictionaries.retain(|(pair, _)| *pair != (source, target));
            if dictionaries.len() == before {
                return Err(Error::NotFound(format!(
                    "glossary {id} has no dictionary {source} → {target}"
                )));
            }
        }
        let inputs = dictionaries
            .into_iter()
            .map(|((source, target), pairs)| DictionaryInput {
                source,
                target,
                entries: EntriesInput::Pairs(pairs),
            })
            .collect();
        // `view` above found the glossary to be the owner's: stored without asking again.
        self.put_glossary(owner, id, name.unwrap_or(&view.name), inputs, true)
            .await?
            .ok_or_else(|| Error::NotFound(format!("glossary {id}")))
    }

    /// One of `owner`'s glossaries; another key's is no glossary (404), as an unknown one.
    pub async fn glossary(&self, owner: Option<&str>, id: &str) -> Result<GlossaryView, Error> {
        let (owner, wanted) = (owner_column(owner), id.to_string());
        let row = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::get(&s, &owner, &wanted).await?) }))
            .await?;
        row.map(GlossaryView::from)
            .ok_or_else(|| Error::NotFound(format!("glossary {id}")))
    }

    /// `owner`'s glossaries, oldest first.
    pub async fn glossaries(&self, owner: Option<&str>) -> Result<Vec<GlossaryView>, Error> {
        let owner = owner_column(owner);
        let rows = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::list(&s, &owner).await?) }))
            .await?;
        Ok(rows.into_iter().map(GlossaryView::from).collect())
    }

    /// The entries of one dictionary of one of `owner`'s glossaries; the only one when the pair
    /// is not given.
    pub async fn glossary_entries(
        &self,
        owner: Option<&str>,
        id: &str,
        pair: Option<(LangCode, LangCode)>,
    ) -> Result<(DictionaryView, Vec<(String, String)>), Error> {
        let glossary = self.glossary(owner, id).await?;
        let dictionary = match pair {
            Some((source, target)) => glossary
                .dictionaries
                .iter()
                .find(|d| d.source == source.as_str() && d.target == target.as_str())
                .ok_or_else(|| Error::NotFound(format!("glossary {id} has no dictionary {source} → {target}")))?,
            None if glossary.dictionaries.len() == 1 => &glossary.dictionaries[0],
            None => {
                return Err(Error::Missing(
                    "source_lang and target_lang: this glossary has several dictionaries; name one".to_string(),
                ))
            }
        }
        .clone();
        let (wanted, source, target) = (id.to_string(), dictionary.source.clone(), dictionary.target.clone());
        let entries = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::entries(&s, &wanted, &source, &target).await?) }))
            .await?;
        Ok((dictionary, entries))
    }

    /// Deletes one of `owner`'s glossaries and its entries, the text gone from disk too.
    pub async fn delete_glossary(&self, owner: Option<&str>, id: &str) -> Result<(), Error> {
        let (owner, wanted) = (owner_column(owner), id.to_string());
        let deleted = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::delete(&s, &owner, &wanted).await?) }))
            .await?;
        if deleted {
            self.glossary_cache.forget(id);
            Ok(())
        } else {
            Err(Error::NotFound(format!("glossary {id}")))
        }
    }

    /// A job's glossary, checked before the job is queued: one of `owner`'s, with a dictionary
    /// for each pair, and a given source language (a guess must not choose which terms apply).
    pub async fn job_glossary(
        &self,
        owner: Option<&str>,
        glossary: Option<&str>,
        source: Option<LangCode>,
        targets: &[LangCode],
    ) -> Result<Option<String>, Error> {
        let Some(id) = glossary.map(str::trim).filter(|g| !g.is_empty()) else {
            return Ok(None);
        };
        let source = needs_source(source)?;
        for &target in targets {
            self.glossary_terms(owner, GlossaryChoice::Stored(id.to_string()), (source, target))
                .await?;
        }
        Ok(Some(id.to_string()))
    }

    /// The terms a translation from `source` into `target` uses: the stored glossary's dictionary
    /// for that pair (a glossary without it is refused), or the inline entries.
    pub async fn glossary_terms(
        &self,
        owner: Option<&str>,
        choice: GlossaryChoice,
        (source, target): (LangCode, LangCode),
    ) -> Result<Arc<Terms>, Error> {
        let entries = match choice {
            GlossaryChoice::Inline(pairs) => entries::parse_pairs(&pairs, (source, target), &self.glossary_limits())
                .map_err(|e| Error::Invalid(format!("glossary: {e}")))?,
            GlossaryChoice::Stored(id) => {
                let (owner_id, wanted) = (owner_column(owner), id.clone());
                let row = self
                    .jobs
                    .on_runtime(move |s| Box::pin(async move { Ok(store::get(&s, &owner_id, &wanted).await?) }))
                    .await?
                    .ok_or_else(|| Error::NotFound(format!("glossary {id}")))?;
                if !row.has_pair(source, target) {
                    // A glossary without this pair is a mistake to say, not one to ignore.
                    return Err(Error::Invalid(format!(
                        "glossary: glossary {id} has no dictionary {source} → {target}; it cannot be used for this translation"
                    )));
                }
                let key = (owner_column(owner), id.clone(), source.to_string(), target.to_string());
                if let Some(terms) = self.glossary_cache.get(&key, row.version) {
                    return Ok(terms);
                }
                // The row above found the glossary to be the owner's: its entries, without asking again.
                let (wanted, source_lang, target_lang) = (id.clone(), source.to_string(), target.to_string());
                let entries = self
                    .jobs
                    .on_runtime(move |s| {
                        Box::pin(async move { Ok(store::entries(&s, &wanted, &source_lang, &target_lang).await?) })
                    })
                    .await?;
                let terms = build_terms(entries).await?;
                self.glossary_cache.put(key, row.version, Arc::clone(&terms));
                return Ok(terms);
            }
        };
        build_terms(entries).await
    }
}

/// Compiles entries into terms, off the runtime's threads (a large glossary takes milliseconds).
async fn build_terms(entries: Vec<(String, String)>) -> Result<Arc<Terms>, Error> {
    let terms = tokio::task::spawn_blocking(move || Terms::new(&entries))
        .await
        .map_err(|e| Error::Internal(format!("building the glossary failed: {e}")))?
        .map_err(Error::Invalid)?;
    Ok(Arc::new(terms))
}
