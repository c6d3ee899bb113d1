//! Glossaries in the job database: one row per glossary (owner, name), and its entries, each in
//! one dictionary (a language pair) at its place. Plain functions on the job [`Store`], as the
//! translation memory's.

use langs::LangCode;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::app::jobs::store::{now_ms, Store, StoreError};

/// The statements that create the glossaries' tables; run with the job database's own.
pub fn create_statements() -> Vec<String> {
    vec![
        "CREATE TABLE IF NOT EXISTS tolk_glossaries (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, \
         created_at BIGINT NOT NULL, version BIGINT NOT NULL DEFAULT 1)"
            .to_string(),
        "CREATE INDEX IF NOT EXISTS tolk_glossaries_by_owner ON tolk_glossaries (owner, created_at)".to_string(),
        "CREATE TABLE IF NOT EXISTS tolk_glossary_entries (glossary_id TEXT NOT NULL, source_lang TEXT NOT NULL, \
         target_lang TEXT NOT NULL, idx BIGINT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, \
         PRIMARY KEY (glossary_id, source_lang, target_lang, idx))"
            .to_string(),
    ]
}

/// One dictionary of a glossary: a language pair and its entries in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    /// The source language's code.
    pub source_lang: String,
    /// The target language's code.
    pub target_lang: String,
    /// Source and target terms.
    pub entries: Vec<(String, String)>,
}

/// A stored glossary, without its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was made, in milliseconds since the epoch.
    pub created_at: i64,
    /// Raised by every replacement, so that a server's compiled terms know when they are stale.
    pub version: i64,
    /// Its dictionaries' language pairs and sizes.
    pub dictionaries: Vec<(String, String, i64)>,
}

impl GlossaryRow {
    /// Whether it has a dictionary from `source` into `target`.
    pub fn has_pair(&self, source: LangCode, target: LangCode) -> bool {
        self.dictionaries
            .iter()
            .any(|(s, t, _)| s == source.as_str() && t == target.as_str())
    }
}

/// Stores a glossary (replacing the entries of one with that id and owner) in one transaction.
pub async fn put(
    store: &Store,
    owner: &str,
    id: &str,
    name: &str,
    dictionaries: &[Dictionary],
    replace: bool,
) -> Result<(), StoreError> {
    let mut tx = store.pool().begin().await?;
    if replace {
        sqlx::query("DELETE FROM tolk_glossary_entries WHERE glossary_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tolk_glossaries SET name = $1, version = version + 1 WHERE id = $2 AND owner = $3")
            .bind(name)
            .bind(id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("INSERT INTO tolk_glossaries (id, owner, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(owner)
            .bind(name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
    }
    for dictionary in dictionaries {
        for (idx, (source, target)) in dictionary.entries.iter().enumerate() {
            sqlx::query(
                "INSERT INTO tolk_glossary_entries (glossary_id, source_lang, target_lang, idx, source, target) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&dictionary.source_lang)
            .bind(&dictionary.target_lang)
            .bind(idx as i64)
            .bind(source)
            .bind(target)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    if replace {
        store.forget_deleted().await?;
    }
    Ok(())
}

fn glossary_row(row: &AnyRow) -> Result<(String, String, i64, i64), StoreError> {
    Ok((
        row.try_get("id")?,
        row.try_get("name")?,
        row.try_get("created_at")?,
        row.try_get("version")?,
    ))
}

async fn dictionaries(store: &Store, id: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT source_lang, target_lang, COUNT(*) AS entries FROM tolk_glossary_entries WHERE glossary_id = $1 \
         GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("source_lang")?,
                r.try_get("target_lang")?,
                r.try_get("entries")?,
            ))
        })
        .collect()
}

/// One of `owner`'s glossaries; `None` when it has no such glossary.
pub async fn get(store: &Store, owner: &str, id: &str) -> Result<Option<GlossaryRow>, StoreError> {
    let row = sqlx::query("SELECT id, name, created_at, version FROM tolk_glossaries WHERE id = $1 AND owner = $2")
        .bind(id)
        .bind(owner)
        .fetch_optional(store.pool())
        .await?;
    let Some((id, name, created_at, version)) = row.as_ref().map(glossary_row).transpose()? else {
        return Ok(None);
    };
    let dictionaries = dictionaries(store, &id).await?;
    Ok(Some(GlossaryRow {
        id,
        name,
        created_at,
        version,
        dictionaries,
    }))
}

/// `owner`'s glossaries, oldest first.
pub async fn list(store: &Store, owner: &str) -> Result<Vec<GlossaryRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, version FROM tolk_glossaries WHERE owner = $1 ORDER BY created_at, id",
    )
    .bind(owner)
    .fetch_all(store.pool())
    .await?;
    let mut glossaries = Vec::with_capacity(rows.len());
    for row in &rows {
        let (id, name, created_at, version) = glossary_row(row)?;
        let dictionaries = dictionaries(store, &id).await?;
        glossaries.push(GlossaryRow {
            id,
            name,
            created_at,
            version,
            dictionaries,
        });
    }
    Ok(glossaries)
}

/// The entries of one dictionary of a glossary (which the caller has found to be the owner's),
/// in order.
pub async fn entries(
    store: &Store,
    id: &str,
    source_lang: &str,
    target_lang: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT source, target FROM tolk_glossary_entries WHERE glossary_id = $1 AND source_lang = $2 \
         AND target_lang = $3 ORDER BY idx",
    )
    .bind(id)
    .bind(source_lang)
    .bind(target_lang)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("source")?, r.try_get("target")?)))
        .collect()
}

/// Deletes one of `owner`'s glossaries with its entries, the text gone from disk too; whether
/// there was one.
pub async fn delete(store: &Store, owner: &str, id: &str) -> Result<bool, StoreError> {
    let mut tx = store.pool().begin().await?;
    let deleted = sqlx::query("DELETE FROM tolk_glossaries WHERE id = $1 AND owner = $2")
        .bind(id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted > 0 {
        sqlx::query("DELETE FROM tolk_glossary_entries WHERE glossary_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    store.forget_deleted().await?;
    Ok(deleted > 0)
}
