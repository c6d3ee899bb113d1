//! The translation memory's tables in the job database: entries (one per sentence pair, per
//! owner and memory), a version per owner and language pair that every write raises (so that a
//! server's in-memory fuzzy index knows when it is stale, whichever server wrote), and
//! corrections waiting for review. Plain functions on the job [`Store`], so that the server (on
//! the job runtime), the job workers and `tolk memory` share them.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::app::jobs::store::{now_ms, Dialect, Store, StoreError};

/// Entries imported at once after which PostgreSQL's statistics are refreshed.
const ANALYZE_AFTER: usize = 1_000;
/// Match keys looked up per query: SQLite allows 32,766 parameters, PostgreSQL 65,535.
const KEYS_PER_QUERY: usize = 500;

/// The text a sentence is matched by: white space collapsed, trimmed, lower-cased (scripts
/// without case are unchanged by that).
pub fn match_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The statements that create the memory's tables; run with the job database's own.
pub fn create_statements(id: &str) -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS tolk_memory_entries (id {id}, owner TEXT NOT NULL, memory TEXT NOT NULL, \
             source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, match_key TEXT NOT NULL, source TEXT NOT NULL, \
             target TEXT NOT NULL, machine TEXT, created_at BIGINT NOT NULL)"
        ),
        "CREATE UNIQUE INDEX IF NOT EXISTS tolk_memory_entries_by_key ON tolk_memory_entries \
         (owner, source_lang, target_lang, match_key, memory)"
            .to_string(),
        "CREATE INDEX IF NOT EXISTS tolk_memory_entries_by_memory ON tolk_memory_entries (owner, memory, id)"
            .to_string(),
        "CREATE TABLE IF NOT EXISTS tolk_memory_versions (owner TEXT NOT NULL, source_lang TEXT NOT NULL, \
         target_lang TEXT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (owner, source_lang, target_lang))"
            .to_string(),
        // Entries written before versions existed get one, so that lookups find them.
        "INSERT INTO tolk_memory_versions (owner, source_lang, target_lang, version) \
         SELECT DISTINCT owner, source_lang, target_lang, 1 FROM tolk_memory_entries e WHERE NOT EXISTS \
         (SELECT 1 FROM tolk_memory_versions v WHERE v.owner = e.owner AND v.source_lang = e.source_lang \
         AND v.target_lang = e.target_lang)"
            .to_string(),
        format!(
            "CREATE TABLE IF NOT EXISTS tolk_memory_pending (id {id}, owner TEXT NOT NULL, memory TEXT NOT NULL, \
             source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source TEXT NOT NULL, machine TEXT, \
             correction TEXT NOT NULL, created_at BIGINT NOT NULL)"
        ),
    ]
}

/// One sentence pair to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The source language's code.
    pub source_lang: String,
    /// The target language's code.
    pub target_lang: String,
    /// The source sentence.
    pub source: String,
    /// Its translation.
    pub target: String,
    /// The machine translation it corrected, when known.
    pub machine: Option<String>,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    /// Its id.
    pub id: i64,
    /// The memory it is in.
    pub memory: String,
    /// The source language's code.
    pub source_lang: String,
    /// The target language's code.
    pub target_lang: String,
    /// The source sentence.
    pub source: String,
    /// Its translation.
    pub target: String,
    /// When it was stored, in milliseconds since the epoch.
    pub created_at: i64,
}

/// A correction waiting for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRow {
    /// Its id.
    pub id: i64,
    /// Who sent it.
    pub owner: String,
    /// The memory it goes to.
    pub memory: String,
    /// The source language's code.
    pub source_lang: String,
    /// The target language's code.
    pub target_lang: String,
    /// The source text.
    pub source: String,
    /// The machine translation it corrects, when known.
    pub machine: Option<String>,
    /// The right translation.
    pub correction: String,
    /// When it was sent, in milliseconds since the epoch.
    pub created_at: i64,
}

/// What a write did: entries stored, and the version each language pair written now has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Entries stored or replaced.
    pub entries: usize,
    /// Source and target language codes, and the pair's new version.
    pub versions: Vec<(String, String, i64)>,
}

/// Stores `entries` in `owner`'s `memory` in one transaction (a sentence already there for the
/// pair is replaced) and raises the versions of the pairs written.
pub async fn insert(store: &Store, owner: &str, memory: &str, entries: &[NewEntry]) -> Result<Written, StoreError> {
    let mut tx = store.pool().begin().await?;
    let written = insert_in(&mut tx, owner, memory, entries).await?;
    tx.commit().await?;
    if store.dialect() == Dialect::Postgres && entries.len() >= ANALYZE_AFTER {
        // Fresh statistics at once, not at autovacuum's next round: without them PostgreSQL
        // scans the whole table for a lookup of several sentences after a large import.
        sqlx::query("ANALYZE tolk_memory_entries").execute(store.pool()).await?;
    }
    Ok(written)
}

async fn insert_in(
    tx: &mut Transaction<'_, Any>,
    owner: &str,
    memory: &str,
    entries: &[NewEntry],
) -> Result<Written, StoreError> {
    let now = now_ms();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for entry in entries {
        sqlx::query(
            "INSERT INTO tolk_memory_entries (owner, memory, source_lang, target_lang, match_key, source, target, \
             machine, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (owner, source_lang, target_lang, match_key, memory) DO UPDATE SET \
             source = excluded.source, target = excluded.target, machine = excluded.machine, \
             created_at = excluded.created_at",
        )
        .bind(owner)
        .bind(memory)
        .bind(&entry.source_lang)
        .bind(&entry.target_lang)
        .bind(match_key(&entry.source))
        .bind(&entry.source)
        .bind(&entry.target)
        .bind(entry.machine.as_deref())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let pair = (entry.source_lang.as_str(), entry.target_lang.as_str());
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let mut versions = Vec::with_capacity(pairs.len());
    for (source_lang, target_lang) in pairs {
        let row = sqlx::query(
            "INSERT INTO tolk_memory_versions (owner, source_lang, target_lang, version) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (owner, source_lang, target_lang) DO UPDATE SET version = tolk_memory_versions.version + 1 \
             RETURNING version",
        )
        .bind(owner)
        .bind(source_lang)
        .bind(target_lang)
        .fetch_one(&mut **tx)
        .await?;
        versions.push((
            source_lang.to_string(),
            target_lang.to_string(),
            row.try_get("version")?,
        ));
    }
    Ok(Written {
        entries: entries.len(),
        versions,
    })
}

/// The version of `owner`'s entries for a pair; `None` when it never had any.
pub async fn version(
    store: &Store,
    owner: &str,
    source_lang: &str,
    target_lang: &str,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "SELECT version FROM tolk_memory_versions WHERE owner = $1 AND source_lang = $2 AND target_lang = $3",
    )
    .bind(owner)
    .bind(source_lang)
    .bind(target_lang)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|r| r.try_get("version")).transpose()?)
}

/// The translations `owner` holds for the pair by match key, the latest stored winning where
/// several memories hold one; only from `memory` when given.
pub async fn exact(
    store: &Store,
    owner: &str,
    memory: Option<&str>,
    source_lang: &str,
    target_lang: &str,
    keys: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(KEYS_PER_QUERY) {
        let first = if memory.is_some() { 5 } else { 4 };
        let places: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + first)).collect();
        let sql = format!(
            "SELECT match_key, target FROM tolk_memory_entries WHERE owner = $1 AND source_lang = $2 \
             AND target_lang = $3 {} AND match_key IN ({}) ORDER BY created_at, id",
            if memory.is_some() { "AND memory = $4" } else { "" },
            places.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(owner).bind(source_lang).bind(target_lang);
        if let Some(memory) = memory {
            query = query.bind(memory);
        }
        for key in chunk {
            query = query.bind(key);
        }
        // Oldest first: the latest correction of a sentence (in any memory) wins.
        for row in query.fetch_all(store.pool()).await? {
            found.insert(row.try_get("match_key")?, row.try_get("target")?);
        }
    }
    Ok(found)
}

fn entry_row(row: &AnyRow) -> Result<EntryRow, StoreError> {
    Ok(EntryRow {
        id: row.try_get("id")?,
        memory: row.try_get("memory")?,
        source_lang: row.try_get("source_lang")?,
        target_lang: row.try_get("target_lang")?,
        source: row.try_get("source")?,
        target: row.try_get("target")?,
        created_at: row.try_get("created_at")?,
    })
}

const ENTRY_COLUMNS: &str = "id, memory, source_lang, target_lang, source, target, created_at";

/// Every entry `owner` holds for a pair, in all memories (for the fuzzy index).
pub async fn pair_entries(
    store: &Store,
    owner: &str,
    source_lang: &str,
    target_lang: &str,
) -> Result<Vec<EntryRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM tolk_memory_entries WHERE owner = $1 AND source_lang = $2 \
         AND target_lang = $3 ORDER BY id"
    ))
    .bind(owner)
    .bind(source_lang)
    .bind(target_lang)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(entry_row).collect()
}

/// The entries of one of `owner`'s memories, in the order stored.
pub async fn memory_entries(store: &Store, owner: &str, memory: &str) -> Result<Vec<EntryRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM tolk_memory_entries WHERE owner = $1 AND memory = $2 ORDER BY id"
    ))
    .bind(owner)
    .bind(memory)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(entry_row).collect()
}

/// `owner`'s memories and their sizes, by name.
pub async fn memories(store: &Store, owner: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT memory, COUNT(*) AS entries FROM tolk_memory_entries WHERE owner = $1 GROUP BY memory ORDER BY memory",
    )
    .bind(owner)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("memory")?, r.try_get("entries")?)))
        .collect()
}

/// Deletes one of `owner`'s memories (`entry: None`) or one entry of it, with the text gone
/// from the disk too; returns the entries deleted.
pub async fn delete(store: &Store, owner: &str, memory: &str, entry: Option<i64>) -> Result<u64, StoreError> {
    let mut tx = store.pool().begin().await?;
    let deleted = match entry {
        None => {
            sqlx::query("DELETE FROM tolk_memory_entries WHERE owner = $1 AND memory = $2")
                .bind(owner)
                .bind(memory)
                .execute(&mut *tx)
                .await?
        }
        Some(id) => {
            sqlx::query("DELETE FROM tolk_memory_entries WHERE owner = $1 AND memory = $2 AND id = $3")
                .bind(owner)
                .bind(memory)
                .bind(id)
                .execute(&mut *tx)
                .await?
        }
    }
    .rows_affected();
    if deleted > 0 {
        sqlx::query("UPDATE tolk_memory_versions SET version = version + 1 WHERE owner = $1")
            .bind(owner)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    store.forget_deleted().await?;
    Ok(deleted)
}

/// Keeps a correction for review; returns its id.
pub async fn add_pending(store: &Store, pending: &PendingRow) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO tolk_memory_pending (owner, memory, source_lang, target_lang, source, machine, correction, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&pending.owner)
    .bind(&pending.memory)
    .bind(&pending.source_lang)
    .bind(&pending.target_lang)
    .bind(&pending.source)
    .bind(pending.machine.as_deref())
    .bind(&pending.correction)
    .bind(now_ms())
    .fetch_one(store.pool())
    .await?;
    Ok(row.try_get("id")?)
}

const PENDING_COLUMNS: &str = "id, owner, memory, source_lang, target_lang, source, machine, correction, created_at";

fn pending_row(row: &AnyRow) -> Result<PendingRow, StoreError> {
    Ok(PendingRow {
        id: row.try_get("id")?,
        owner: row.try_get("owner")?,
        memory: row.try_get("memory")?,
        source_lang: row.try_get("source_lang")?,
        target_lang: row.try_get("target_lang")?,
        source: row.try_get("source")?,
        machine: row.try_get("machine")?,
        correction: row.try_get("correction")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Corrections waiting for review, oldest first: everyone's (`owner: None`) or one owner's.
pub async fn pending(store: &Store, owner: Option<&str>) -> Result<Vec<PendingRow>, StoreError> {
    let base = format!("SELECT {PENDING_COLUMNS} FROM tolk_memory_pending");
    let rows = match owner {
        None => {
            sqlx::query(&format!("{base} ORDER BY id"))
                .fetch_all(store.pool())
                .await?
        }
        Some(owner) => {
            sqlx::query(&format!("{base} WHERE owner = $1 ORDER BY id"))
                .bind(owner)
                .fetch_all(store.pool())
                .await?
        }
    };
    rows.iter().map(pending_row).collect()
}

/// Decides a waiting correction: its entries (`Some`, approved) are stored in its owner's
/// memory, and it leaves the queue, in one transaction; `None` when there is no such correction.
/// `entries` makes the sentence pairs from the correction.
pub async fn decide(
    store: &Store,
    id: i64,
    entries: impl FnOnce(&PendingRow) -> Option<Vec<NewEntry>>,
) -> Result<Option<(PendingRow, Vec<NewEntry>, Written)>, StoreError> {
    let mut tx = store.pool().begin().await?;
    let row = sqlx::query(&format!(
        "SELECT {PENDING_COLUMNS} FROM tolk_memory_pending WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row.as_ref().map(pending_row).transpose()? else {
        return Ok(None);
    };
    let entries = entries(&row).unwrap_or_default();
    let written = if entries.is_empty() {
        Written::default()
    } else {
        insert_in(&mut tx, &row.owner, &row.memory, &entries).await?
    };
    sqlx::query("DELETE FROM tolk_memory_pending WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    store.forget_deleted().await?;
    Ok(Some((row, entries, written)))
}
