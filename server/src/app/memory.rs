//! The community's translation memory, first part (issue 21): corrections come in, are stored
//! sentence by sentence in the job database, owned by the key that sent them (no owner when keys
//! are off), and come back as exact matches for the same sentence in every translation that key
//! asks for, whichever API shape it uses. Exact means: the same text once white space is
//! collapsed and letters are lower-cased (scripts without case are unchanged by that).
//!
//! Not yet: fuzzy matches, review, LibreTranslate's `/suggest`, TMX, jobs and `tolk batch`, the
//! web page (see `docs/memory.md`).

use std::collections::HashMap;
use std::sync::Arc;

use langs::LangCode;
use serde::Serialize;
use sqlx::Row;
use translator::TextRequest;
use utoipa::ToSchema;

use super::jobs::store::now_ms;
use super::jobs::JobError;
use super::registry::Model;
use super::{Core, Error};

/// The memory a correction goes to when it names none.
pub const DEFAULT_MEMORY: &str = "default";
/// Longest text of a correction (each of source, translation and correction), in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Longest memory name, in characters.
const MAX_NAME_CHARS: usize = 64;
/// Match keys looked up per query: SQLite allows 32,766 parameters, PostgreSQL 65,535.
const KEYS_PER_QUERY: usize = 500;

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

/// What a stored correction became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredCorrection {
    /// The memory it is in.
    pub memory: String,
    /// Entries stored or replaced: one per sentence when source and correction have as many
    /// sentences, else one for the whole text.
    pub entries: usize,
}

/// One memory of an owner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemorySummary {
    /// Its name.
    pub name: String,
    /// Its entries.
    pub entries: i64,
}

/// The text a sentence is matched by: white space collapsed, trimmed, lower-cased.
pub fn match_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn owner_column(owner: Option<&str>) -> String {
    owner.unwrap_or_default().to_string()
}

fn check_name(name: Option<&str>) -> Result<String, Error> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(DEFAULT_MEMORY);
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "memory: a name of at most {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    Ok(name.to_string())
}

/// A name asked for: one no correction could have given is no memory.
fn existing_name(name: &str) -> Result<String, Error> {
    check_name(Some(name)).map_err(|_| Error::NotFound("memory (no memory has such a name)".to_string()))
}

fn check_text(field: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::Missing(format!("{field}: the text is empty")));
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(Error::TooLarge(format!(
            "{field}: {chars} characters; a correction holds at most {MAX_TEXT_CHARS}"
        )));
    }
    Ok(())
}

/// The sentences of `text` as the pool cuts them for `model`.
fn sentences(model: &Model, text: &str, source: LangCode, target: LangCode) -> Result<Vec<String>, Error> {
    let prepared = model
        .pool
        .translator()
        .prepare(&TextRequest { text, source, target })
        .map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(prepared.layout.sentences().map(str::to_string).collect())
}

impl Core {
    /// Stores a correction in `owner`'s memory, sentence by sentence where the source and the
    /// correction have as many sentences (else as one entry); a later correction of the same
    /// sentence replaces the earlier one.
    pub async fn add_correction(
        &self,
        owner: Option<String>,
        correction: Correction,
    ) -> Result<StoredCorrection, Error> {
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
        let sources = sentences(&model, &correction.text, correction.source, correction.target)?;
        let targets = sentences(&model, &correction.correction, correction.target, correction.source)?;
        let pairs: Vec<(String, String)> = if sources.len() == targets.len() && !sources.is_empty() {
            sources.into_iter().zip(targets).collect()
        } else {
            vec![(
                correction.text.trim().to_string(),
                correction.correction.trim().to_string(),
            )]
        };
        let entries = pairs.len();
        let owner = owner_column(owner.as_deref());
        let (source, target) = (correction.source.to_string(), correction.target.to_string());
        let machine = correction.machine;
        let name = memory.clone();
        self.jobs
            .on_runtime(move |store| {
                Box::pin(async move {
                    let mut tx = store.pool().begin().await.map_err(store_error)?;
                    for (sentence, translation) in pairs {
                        sqlx::query(
                            "INSERT INTO tolk_memory_entries (owner, memory, source_lang, target_lang, match_key, \
                             source, target, machine, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                             ON CONFLICT (owner, source_lang, target_lang, match_key, memory) DO UPDATE SET \
                             source = excluded.source, target = excluded.target, machine = excluded.machine, \
                             created_at = excluded.created_at",
                        )
                        .bind(&owner)
                        .bind(&name)
                        .bind(&source)
                        .bind(&target)
                        .bind(match_key(&sentence))
                        .bind(&sentence)
                        .bind(&translation)
                        .bind(machine.as_deref())
                        .bind(now_ms())
                        .execute(&mut *tx)
                        .await
                        .map_err(store_error)?;
                    }
                    tx.commit().await.map_err(store_error)?;
                    Ok(())
                })
            })
            .await?;
        Ok(StoredCorrection { memory, entries })
    }

    /// The translations `owner`'s memories hold for the sentences of `texts` (as the pool cuts
    /// them), by sentence; empty when it has none for the pair, without cutting anything.
    pub async fn known_sentences(
        &self,
        owner: Option<&str>,
        model: &Arc<Model>,
        source: LangCode,
        target: LangCode,
        texts: &[String],
    ) -> Result<HashMap<String, String>, Error> {
        let owner = owner_column(owner);
        let (source_lang, target_lang) = (source.to_string(), target.to_string());
        let any = {
            let (owner, source_lang, target_lang) = (owner.clone(), source_lang.clone(), target_lang.clone());
            self.jobs
                .on_runtime(move |store| {
                    Box::pin(async move {
                        let row = sqlx::query(
                            "SELECT 1 FROM tolk_memory_entries WHERE owner = $1 AND source_lang = $2 \
                             AND target_lang = $3 LIMIT 1",
                        )
                        .bind(owner)
                        .bind(source_lang)
                        .bind(target_lang)
                        .fetch_optional(store.pool())
                        .await
                        .map_err(store_error)?;
                        Ok(row.is_some())
                    })
                })
                .await?
        };
        if !any {
            return Ok(HashMap::new());
        }
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for text in texts {
            // A text the pool will refuse is refused there, with the pool's error.
            let Ok(cut) = sentences(model, text, source, target) else {
                continue;
            };
            for sentence in cut {
                by_key.entry(match_key(&sentence)).or_default().push(sentence);
            }
        }
        let keys: Vec<String> = by_key.keys().cloned().collect();
        let found: Vec<(String, String)> = self
            .jobs
            .on_runtime(move |store| {
                Box::pin(async move {
                    let mut found = Vec::new();
                    for chunk in keys.chunks(KEYS_PER_QUERY) {
                        let places: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 4)).collect();
                        let sql = format!(
                            "SELECT match_key, target FROM tolk_memory_entries WHERE owner = $1 AND source_lang = $2 \
                             AND target_lang = $3 AND match_key IN ({}) ORDER BY created_at, id",
                            places.join(", ")
                        );
                        let mut query = sqlx::query(&sql).bind(&owner).bind(&source_lang).bind(&target_lang);
                        for key in chunk {
                            query = query.bind(key);
                        }
                        for row in query.fetch_all(store.pool()).await.map_err(store_error)? {
                            found.push((
                                row.try_get("match_key").map_err(store_error)?,
                                row.try_get("target").map_err(store_error)?,
                            ));
                        }
                    }
                    Ok(found)
                })
            })
            .await?;
        let mut known = HashMap::new();
        // Oldest first: the latest correction of a sentence (in any memory) wins.
        for (key, translation) in found {
            for sentence in by_key.get(&key).into_iter().flatten() {
                known.insert(sentence.clone(), translation.clone());
            }
        }
        Ok(known)
    }

    /// `owner`'s memories with their sizes, by name.
    pub async fn memories(&self, owner: Option<&str>) -> Result<Vec<MemorySummary>, Error> {
        let owner = owner_column(owner);
        Ok(self
            .jobs
            .on_runtime(move |store| {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT memory, COUNT(*) AS entries FROM tolk_memory_entries WHERE owner = $1 \
                         GROUP BY memory ORDER BY memory",
                    )
                    .bind(owner)
                    .fetch_all(store.pool())
                    .await
                    .map_err(store_error)?;
                    rows.iter()
                        .map(|r| {
                            Ok(MemorySummary {
                                name: r.try_get("memory").map_err(store_error)?,
                                entries: r.try_get("entries").map_err(store_error)?,
                            })
                        })
                        .collect()
                })
            })
            .await?)
    }

    /// One of `owner`'s memories as TSV: source language, target language, source, target per
    /// line, in the order stored (tabs and line breaks inside a text written as spaces).
    pub async fn export_memory(&self, owner: Option<&str>, name: &str) -> Result<String, Error> {
        let (owner, name) = (owner_column(owner), existing_name(name)?);
        let missing = name.clone();
        let rows: Vec<[String; 4]> = self
            .jobs
            .on_runtime(move |store| {
                Box::pin(async move {
                    let rows = sqlx::query(
                        "SELECT source_lang, target_lang, source, target FROM tolk_memory_entries \
                         WHERE owner = $1 AND memory = $2 ORDER BY id",
                    )
                    .bind(owner)
                    .bind(name)
                    .fetch_all(store.pool())
                    .await
                    .map_err(store_error)?;
                    rows.iter()
                        .map(|r| {
                            let field = |c: &str| r.try_get::<String, _>(c).map_err(store_error);
                            Ok([
                                field("source_lang")?,
                                field("target_lang")?,
                                field("source")?,
                                field("target")?,
                            ])
                        })
                        .collect()
                })
            })
            .await?;
        if rows.is_empty() {
            return Err(Error::NotFound(format!("memory {missing}")));
        }
        let flat = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        Ok(rows
            .iter()
            .map(|r| format!("{}\t{}\t{}\t{}\n", r[0], r[1], flat(&r[2]), flat(&r[3])))
            .collect())
    }

    /// Deletes one of `owner`'s memories with every entry, its text gone from the disk too (the
    /// job database's secure delete).
    pub async fn delete_memory(&self, owner: Option<&str>, name: &str) -> Result<(), Error> {
        let (owner, name) = (owner_column(owner), existing_name(name)?);
        let missing = name.clone();
        let deleted = self
            .jobs
            .on_runtime(move |store| {
                Box::pin(async move {
                    let deleted = sqlx::query("DELETE FROM tolk_memory_entries WHERE owner = $1 AND memory = $2")
                        .bind(owner)
                        .bind(name)
                        .execute(store.pool())
                        .await
                        .map_err(store_error)?
                        .rows_affected();
                    store.forget_deleted().await?;
                    Ok(deleted)
                })
            })
            .await?;
        if deleted == 0 {
            return Err(Error::NotFound(format!("memory {missing}")));
        }
        Ok(())
    }
}

fn store_error(error: sqlx::Error) -> JobError {
    JobError::Store(error.into())
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

    #[test]
    fn names_are_bounded_and_default() {
        assert_eq!(check_name(None).unwrap(), DEFAULT_MEMORY);
        assert_eq!(check_name(Some("  ")).unwrap(), DEFAULT_MEMORY);
        assert_eq!(check_name(Some("Luganda health")).unwrap(), "Luganda health");
        assert!(check_name(Some(&"x".repeat(65))).is_err());
        assert!(check_name(Some("a\u{0}b")).is_err());
    }
}
