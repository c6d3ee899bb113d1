//! The job queue in a database: SQLite embedded (one process), or PostgreSQL shared by several
//! servers, which claim units of work with `FOR UPDATE SKIP LOCKED` and hold them with leases.
//! One code path through sqlx's Any driver; the two dialects differ only where written below.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::state::{JobState, UnitState};

/// Why the database failed.
#[derive(Debug, thiserror::Error)]
#[error("job database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded, one process.
    Sqlite,
    /// Shared by several processes.
    Postgres,
}

/// A unit of work: one file into one language.
#[derive(Debug, Clone)]
pub struct ClaimedUnit {
    /// Its id.
    pub id: i64,
    /// Its job.
    pub job_id: String,
    /// Its file, by index in the job.
    pub file_idx: i64,
    /// The language to translate into.
    pub target: String,
    /// The language to translate from, when known.
    pub source: Option<String>,
    /// Times a worker took it, this time included.
    pub attempts: i64,
    /// Why the last attempt gave it back, if one did.
    pub last_failure: Option<String>,
}

/// One file of a job and its translation into one language, as the API shows it.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// The unit's id.
    pub id: i64,
    /// File path in the job.
    pub path: String,
    /// Target language.
    pub target: String,
    /// Where it stands.
    pub state: UnitState,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// Language translated from.
    pub source: Option<String>,
    /// Texts to translate.
    pub segments_total: i64,
    /// Texts translated and stored.
    pub segments_done: i64,
    /// How many times a worker took it.
    pub attempts: i64,
}

/// A job as stored.
#[derive(Debug, Clone)]
pub struct JobRow {
    /// Its id.
    pub id: String,
    /// Where it stands.
    pub state: JobState,
    /// Source language asked for, `None` for detection per file.
    pub source: Option<String>,
    /// Target languages, comma-separated.
    pub targets: String,
    /// The glossary (an id of the owner's) whose terms the translations keep.
    pub glossary: Option<String>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// Milliseconds since the epoch, once done.
    pub finished_at: Option<i64>,
    /// SHA-256 of the API key that created it (when keys are on): only that key sees it.
    pub owner: Option<String>,
}

/// A job that is one document handed out with its own secret (DeepL's document API): the
/// secret's SHA-256 and the characters billed for it.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    /// Its job.
    pub job_id: String,
    /// Hex SHA-256 of the secret that reading it needs.
    pub secret_sha256: String,
    /// Characters of its texts.
    pub chars: i64,
}

/// A new file's unit, as the job's creator decided it.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// The file, by index.
    pub file_idx: i64,
    /// Target language.
    pub target: String,
    /// Pending, or already failed or skipped.
    pub state: UnitState,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// Language to translate from.
    pub source: Option<String>,
    /// Texts to translate.
    pub segments_total: i64,
}

/// The database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
}

/// The `CREATE` statements of another service that keeps its data in the job database (the
/// translation memory), so that the same deletion guarantees hold; given the id column's type.
pub type MoreTables = fn(id_column: &str) -> Vec<String>;

/// No tables but the jobs'.
pub fn no_more_tables(_: &str) -> Vec<String> {
    Vec::new()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Store {
    /// Connects (creating an SQLite file if needed) and creates the tables, the jobs' and
    /// `more_tables`.
    pub async fn open(url: &str, more_tables: MoreTables) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match dialect {
            // One connection: SQLite has one writer anyway, and a single connection never meets
            // SQLITE_BUSY.
            Dialect::Sqlite => {
                options
                    .max_connections(1)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            // Deleted rows are overwritten with zeros, so that a deleted job's
                            // text does not linger in the file's free pages.
                            sqlx::query("PRAGMA secure_delete = ON").execute(connection).await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Dialect::Postgres => options.max_connections(8).connect(url).await?,
        };
        let store = Store { pool, dialect };
        store.create_tables(more_tables).await?;
        Ok(store)
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The connections, for the other services that keep their data in this database.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// After deleting text: on SQLite, copies the write-ahead log back into the database and
    /// empties it, so that the deleted pages (zeroed by `secure_delete`) are gone from the disk
    /// too.
    pub(crate) async fn forget_deleted(&self) -> Result<(), StoreError> {
        if self.dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn create_tables(&self, more_tables: MoreTables) -> Result<(), StoreError> {
        let (blob, id) = match self.dialect {
            Dialect::Sqlite => ("BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT"),
            Dialect::Postgres => ("BYTEA", "BIGSERIAL PRIMARY KEY"),
        };
        if self.dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&self.pool).await?;
        }
        let statements = [
            "CREATE TABLE IF NOT EXISTS tolk_jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, source TEXT, \
             targets TEXT NOT NULL, created_at BIGINT NOT NULL, finished_at BIGINT, owner TEXT)"
                .to_string(),
            format!(
                "CREATE TABLE IF NOT EXISTS tolk_job_files (job_id TEXT NOT NULL, idx BIGINT NOT NULL, \
                 path TEXT NOT NULL, content {blob} NOT NULL, PRIMARY KEY (job_id, idx))"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS tolk_job_units (id {id}, job_id TEXT NOT NULL, file_idx BIGINT NOT NULL, \
                 target TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, source TEXT, \
                 segments_total BIGINT NOT NULL DEFAULT 0, segments_done BIGINT NOT NULL DEFAULT 0, \
                 attempts BIGINT NOT NULL DEFAULT 0, lease_owner TEXT, lease_until BIGINT, output {blob})"
            ),
            "CREATE INDEX IF NOT EXISTS tolk_job_units_by_state ON tolk_job_units (state, id)".to_string(),
            "CREATE INDEX IF NOT EXISTS tolk_job_units_by_job ON tolk_job_units (job_id)".to_string(),
            "CREATE TABLE IF NOT EXISTS tolk_job_segments (unit_id BIGINT NOT NULL, idx BIGINT NOT NULL, \
             translation TEXT NOT NULL, PRIMARY KEY (unit_id, idx))"
                .to_string(),
            // Each stored chunk's quality (JSON), kept with the job for its report; its own
            // table, so that databases made before it need no migration.
            "CREATE TABLE IF NOT EXISTS tolk_job_quality (unit_id BIGINT NOT NULL, idx BIGINT NOT NULL, \
             quality TEXT NOT NULL, PRIMARY KEY (unit_id, idx))"
                .to_string(),
            // Its own table, so that databases made before it need no migration.
            "CREATE TABLE IF NOT EXISTS tolk_job_documents (job_id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL, \
             chars BIGINT NOT NULL)"
                .to_string(),
            // A job's glossary: its own table, so that databases made before it need no migration.
            "CREATE TABLE IF NOT EXISTS tolk_job_glossaries (job_id TEXT PRIMARY KEY, glossary_id TEXT NOT NULL)"
                .to_string(),
        ];
        for statement in statements.into_iter().chain(more_tables(id)) {
            sqlx::query(&statement).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// An embedded database belongs to this process alone: work a killed run left running is
    /// free again at once instead of after its lease.
    pub async fn release_all_leases(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tolk_job_units SET state = 'pending', lease_owner = NULL, lease_until = NULL WHERE state = 'running'",
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Stores a new job, its files and units, in one transaction.
    pub async fn create_job(
        &self,
        job: &JobRow,
        files: &[(String, Vec<u8>)],
        units: &[NewUnit],
        document: Option<&DocumentRow>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(document) = document {
            sqlx::query("INSERT INTO tolk_job_documents (job_id, secret_sha256, chars) VALUES ($1, $2, $3)")
                .bind(&document.job_id)
                .bind(&document.secret_sha256)
                .bind(document.chars)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO tolk_jobs (id, state, source, targets, created_at, owner) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&job.id)
        .bind(job.state.as_str())
        .bind(job.source.clone())
        .bind(&job.targets)
        .bind(job.created_at)
        .bind(job.owner.clone())
        .execute(&mut *tx)
        .await?;
        if let Some(glossary) = &job.glossary {
            sqlx::query("INSERT INTO tolk_job_glossaries (job_id, glossary_id) VALUES ($1, $2)")
                .bind(&job.id)
                .bind(glossary)
                .execute(&mut *tx)
                .await?;
        }
        for (idx, (path, content)) in files.iter().enumerate() {
            sqlx::query("INSERT INTO tolk_job_files (job_id, idx, path, content) VALUES ($1, $2, $3, $4)")
                .bind(&job.id)
                .bind(idx as i64)
                .bind(path)
                .bind(content.as_slice())
                .execute(&mut *tx)
                .await?;
        }
        for unit in units {
            sqlx::query(
                "INSERT INTO tolk_job_units (job_id, file_idx, target, state, reason, source, segments_total) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&job.id)
            .bind(unit.file_idx)
            .bind(&unit.target)
            .bind(unit.state.as_str())
            .bind(unit.reason.clone())
            .bind(unit.source.clone())
            .bind(unit.segments_total)
            .execute(&mut *tx)
            .await?;
        }
        // A job whose files all failed or were skipped is done at once, in the same transaction:
        // no crash can leave it waiting for units that do not exist.
        complete_if_done(&mut tx, &job.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a free unit for `owner` until `lease` from now: a pending one, or one whose holder's
    /// lease ran out (it died). Fair across owners and jobs: the unit whose owner, then whose
    /// job, has the fewest units being worked on goes first, the oldest among equals; so one
    /// key's 10,000-file job does not hold back everyone else's. PostgreSQL skips rows other
    /// servers are claiming.
    pub async fn claim(&self, owner: &str, lease: Duration) -> Result<Option<ClaimedUnit>, StoreError> {
        let now = now_ms();
        let lock = match self.dialect {
            Dialect::Postgres => " FOR UPDATE OF u SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let query = format!(
            "UPDATE tolk_job_units SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT u.id FROM tolk_job_units u JOIN tolk_jobs j ON j.id = u.job_id \
             WHERE u.state = 'pending' OR (u.state = 'running' AND u.lease_until < $3) \
             ORDER BY (SELECT COUNT(*) FROM tolk_job_units r JOIN tolk_jobs o ON o.id = r.job_id \
               WHERE r.state = 'running' AND r.lease_until >= $3 AND o.owner IS NOT DISTINCT FROM j.owner), \
             (SELECT COUNT(*) FROM tolk_job_units r WHERE r.job_id = u.job_id AND r.state = 'running' \
               AND r.lease_until >= $3), \
             u.id LIMIT 1{lock}) \
             RETURNING id, job_id, file_idx, target, source, attempts, reason"
        );
        let row = sqlx::query(&query)
            .bind(owner)
            .bind(now + lease.as_millis() as i64)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let unit = ClaimedUnit {
            id: row.try_get("id")?,
            job_id: row.try_get("job_id")?,
            file_idx: row.try_get("file_idx")?,
            target: row.try_get("target")?,
            source: row.try_get("source")?,
            attempts: row.try_get("attempts")?,
            last_failure: row.try_get("reason")?,
        };
        sqlx::query("UPDATE tolk_jobs SET state = 'running' WHERE id = $1 AND state = 'queued'")
            .bind(&unit.job_id)
            .execute(&self.pool)
            .await?;
        Ok(Some(unit))
    }

    /// A file's path and content.
    pub async fn file(&self, job_id: &str, idx: i64) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT path, content FROM tolk_job_files WHERE job_id = $1 AND idx = $2")
            .bind(job_id)
            .bind(idx)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("path")?, r.try_get("content")?))).transpose()
    }

    /// The translations a unit already has, by text index.
    pub async fn segments(&self, unit_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT idx, translation FROM tolk_job_segments WHERE unit_id = $1")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("idx")?, r.try_get("translation")?)))
            .collect()
    }

    /// Stores translated texts and extends the lease, if `owner` still holds the unit; `false`
    /// when it does not (the job was deleted, or the lease ran out and another took it).
    pub async fn save_segments(
        &self,
        unit_id: i64,
        owner: &str,
        lease: Duration,
        segments: &[(i64, String)],
        quality: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let held = sqlx::query(
            "UPDATE tolk_job_units SET lease_until = $1, segments_done = segments_done + $2 \
             WHERE id = $3 AND lease_owner = $4 AND state = 'running'",
        )
        .bind(now_ms() + lease.as_millis() as i64)
        .bind(segments.len() as i64)
        .bind(unit_id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !held {
            return Ok(false);
        }
        for (idx, translation) in segments {
            sqlx::query(
                "INSERT INTO tolk_job_segments (unit_id, idx, translation) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(unit_id)
            .bind(*idx)
            .bind(translation)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((first, _)) = segments.first() {
            sqlx::query(
                "INSERT INTO tolk_job_quality (unit_id, idx, quality) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(unit_id)
            .bind(*first)
            .bind(quality)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The stored chunks' quality (JSON) of a job's units, by unit id.
    pub async fn qualities(&self, job_id: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT q.unit_id, q.quality FROM tolk_job_quality q JOIN tolk_job_units u ON u.id = q.unit_id \
             WHERE u.job_id = $1 ORDER BY q.unit_id, q.idx",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("unit_id")?, r.try_get("quality")?)))
            .collect()
    }

    /// Gives a unit `owner` holds back to the queue after a failure that may pass (a timeout, a
    /// shutdown, an engine error), noting why; `false` if it no longer held it.
    pub async fn release_unit(&self, unit: &ClaimedUnit, owner: &str, why: &str) -> Result<bool, StoreError> {
        let released = sqlx::query(
            "UPDATE tolk_job_units SET state = 'pending', reason = $1, lease_owner = NULL, lease_until = NULL \
             WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
        )
        .bind(why)
        .bind(unit.id)
        .bind(owner)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        Ok(released)
    }

    /// Extends `owner`'s lease on a unit it is still working on; `false` if it no longer holds it.
    pub async fn extend_lease(&self, unit_id: i64, owner: &str, lease: Duration) -> Result<bool, StoreError> {
        let held = sqlx::query(
            "UPDATE tolk_job_units SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
        )
        .bind(now_ms() + lease.as_millis() as i64)
        .bind(unit_id)
        .bind(owner)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        Ok(held)
    }

    /// Records the unit's outcome (`done` with its output, or `failed` with a reason), if `owner`
    /// still holds it, and finishes the job when nothing is left.
    pub async fn finish_unit(
        &self,
        unit: &ClaimedUnit,
        owner: &str,
        outcome: Result<(Vec<u8>, Option<String>), String>,
    ) -> Result<bool, StoreError> {
        let (state, output, reason, source) = match outcome {
            Ok((bytes, source)) => (UnitState::Done, Some(bytes), None, source),
            Err(reason) => (UnitState::Failed, None, Some(reason), None),
        };
        let mut tx = self.pool.begin().await?;
        if self.dialect == Dialect::Postgres {
            // Units of one job finish one at a time: two last units finishing together would
            // otherwise each see the other still running, and neither would finish the job.
            sqlx::query("SELECT id FROM tolk_jobs WHERE id = $1 FOR UPDATE")
                .bind(&unit.job_id)
                .execute(&mut *tx)
                .await?;
        }
        let held = sqlx::query(
            "UPDATE tolk_job_units SET state = $1, output = $2, reason = $3, source = COALESCE($4, source), \
             lease_owner = NULL, lease_until = NULL WHERE id = $5 AND lease_owner = $6 AND state = 'running'",
        )
        .bind(state.as_str())
        .bind(output)
        .bind(reason)
        .bind(source)
        .bind(unit.id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if held {
            sqlx::query("DELETE FROM tolk_job_segments WHERE unit_id = $1")
                .bind(unit.id)
                .execute(&mut *tx)
                .await?;
            // The job is finished with its last unit, in the same transaction: a crash or a
            // failed statement between the two would leave it running forever, its texts past
            // any retention.
            complete_if_done(&mut tx, &unit.job_id).await?;
        }
        tx.commit().await?;
        Ok(held)
    }

    /// Finishes every job that has no unit left to work on but is not marked done (left so by a
    /// version that finished jobs outside the unit's transaction); returns how many. Run at start.
    pub async fn repair_finished_jobs(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(FINISH_COMPLETE_JOBS)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// A job, if it exists.
    pub async fn job(&self, id: &str) -> Result<Option<JobRow>, StoreError> {
        let row = sqlx::query(
            "SELECT j.id, j.state, j.source, j.targets, j.created_at, j.finished_at, j.owner, g.glossary_id \
             FROM tolk_jobs j LEFT JOIN tolk_job_glossaries g ON g.job_id = j.id WHERE j.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| job_row(&r)).transpose()
    }

    /// A job's units with their files' paths, in file then target order.
    pub async fn units(&self, job_id: &str) -> Result<Vec<UnitRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, f.path, u.target, u.state, u.reason, u.source, u.segments_total, u.segments_done, u.attempts \
             FROM tolk_job_units u JOIN tolk_job_files f ON f.job_id = u.job_id AND f.idx = u.file_idx \
             WHERE u.job_id = $1 ORDER BY u.file_idx, u.target",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitRow {
                    id: r.try_get("id")?,
                    path: r.try_get("path")?,
                    target: r.try_get("target")?,
                    state: decode(r.try_get("state")?, UnitState::parse)?,
                    reason: r.try_get("reason")?,
                    source: r.try_get("source")?,
                    segments_total: r.try_get("segments_total")?,
                    segments_done: r.try_get("segments_done")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// A job's finished units, without their outputs: (unit id, target, path), in result order.
    pub async fn output_list(&self, job_id: &str) -> Result<Vec<(i64, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.target, f.path FROM tolk_job_units u \
             JOIN tolk_job_files f ON f.job_id = u.job_id AND f.idx = u.file_idx \
             WHERE u.job_id = $1 AND u.state = 'done' ORDER BY u.target, f.path",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("target")?, r.try_get("path")?)))
            .collect()
    }

    /// One finished unit's output, if it is still there.
    pub async fn output(&self, unit_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT output FROM tolk_job_units WHERE id = $1 AND state = 'done'")
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("output")?)).transpose()
    }

    /// Deletes a job and everything it holds; `false` if there was none.
    pub async fn delete_job(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM tolk_job_quality WHERE unit_id IN (SELECT id FROM tolk_job_units WHERE job_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tolk_job_segments WHERE unit_id IN (SELECT id FROM tolk_job_units WHERE job_id = $1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tolk_job_units WHERE job_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tolk_job_files WHERE job_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tolk_job_documents WHERE job_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tolk_job_glossaries WHERE job_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let existed = sqlx::query("DELETE FROM tolk_jobs WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        tx.commit().await?;
        if self.dialect == Dialect::Sqlite {
            // The write-ahead log still holds the pages as they were before: copy it back into
            // the database and empty it, so that the deleted text is gone from the disk too.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(existed)
    }

    /// The document a job is, if it is one.
    pub async fn document(&self, job_id: &str) -> Result<Option<DocumentRow>, StoreError> {
        let row = sqlx::query("SELECT job_id, secret_sha256, chars FROM tolk_job_documents WHERE job_id = $1")
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(DocumentRow {
                job_id: r.try_get("job_id")?,
                secret_sha256: r.try_get("secret_sha256")?,
                chars: r.try_get("chars")?,
            })
        })
        .transpose()
    }

    /// Ids of jobs finished before `before_ms`.
    pub async fn expired_jobs(&self, before_ms: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT id FROM tolk_jobs WHERE state = 'done' AND finished_at < $1")
            .bind(before_ms)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }
}

/// Marks done, finished at `$1`, the jobs none of whose units is pending or running.
const FINISH_COMPLETE_JOBS: &str = "UPDATE tolk_jobs SET state = 'done', finished_at = $1 WHERE state <> 'done' \
     AND NOT EXISTS (SELECT 1 FROM tolk_job_units WHERE job_id = tolk_jobs.id AND state IN ('pending', 'running'))";

/// Marks the job done if none of its units is pending or running.
async fn complete_if_done(tx: &mut sqlx::Transaction<'_, sqlx::Any>, job_id: &str) -> Result<(), StoreError> {
    sqlx::query(&format!("{FINISH_COMPLETE_JOBS} AND id = $2"))
        .bind(now_ms())
        .bind(job_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn job_row(r: &AnyRow) -> Result<JobRow, StoreError> {
    Ok(JobRow {
        id: r.try_get("id")?,
        state: decode(r.try_get("state")?, JobState::parse)?,
        source: r.try_get("source")?,
        targets: r.try_get("targets")?,
        glossary: r.try_get("glossary_id")?,
        created_at: r.try_get("created_at")?,
        finished_at: r.try_get("finished_at")?,
        owner: r.try_get("owner")?,
    })
}

/// A state column's value, or a decoding error naming it (a database written by something else).
fn decode<T>(name: String, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(&name).ok_or_else(|| StoreError(sqlx::Error::Decode(format!("unknown state {name:?}").into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> JobRow {
        JobRow {
            id: id.to_string(),
            state: JobState::Queued,
            source: None,
            targets: "fra_Latn".to_string(),
            glossary: None,
            created_at: now_ms(),
            finished_at: None,
            owner: None,
        }
    }

    fn unit(state: UnitState) -> NewUnit {
        NewUnit {
            file_idx: 0,
            target: "fra_Latn".to_string(),
            state,
            reason: None,
            source: Some("eng_Latn".to_string()),
            segments_total: 1,
        }
    }

    async fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(
            &format!("sqlite://{}?mode=rwc", dir.path().join("jobs.db").display()),
            no_more_tables,
        )
        .await
        .unwrap()
    }

    async fn state(store: &Store, id: &str) -> JobState {
        store.job(id).await.unwrap().unwrap().state
    }

    #[tokio::test]
    async fn a_job_is_finished_with_its_last_unit_or_at_once_when_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let file = [("a.txt".to_string(), b"Hello.".to_vec())];
        store
            .create_job(&job("work"), &file, &[unit(UnitState::Pending)], None)
            .await
            .unwrap();
        assert_eq!(state(&store, "work").await, JobState::Queued);
        let claimed = store.claim("worker", Duration::from_secs(60)).await.unwrap().unwrap();
        assert!(store
            .finish_unit(&claimed, "worker", Ok((b"Bonjour.".to_vec(), None)))
            .await
            .unwrap());
        assert_eq!(state(&store, "work").await, JobState::Done);
        assert!(store.job("work").await.unwrap().unwrap().finished_at.is_some());

        store
            .create_job(&job("skipped"), &file, &[unit(UnitState::Skipped)], None)
            .await
            .unwrap();
        assert_eq!(state(&store, "skipped").await, JobState::Done);
    }

    #[tokio::test]
    async fn a_job_left_running_with_no_work_is_finished_by_the_start_up_repair() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let file = [("a.txt".to_string(), b"Hello.".to_vec())];
        store
            .create_job(&job("stuck"), &file, &[unit(UnitState::Pending)], None)
            .await
            .unwrap();
        store
            .create_job(&job("busy"), &file, &[unit(UnitState::Pending)], None)
            .await
            .unwrap();
        // What a crash between a unit's commit and the job's completion used to leave behind.
        sqlx::query("UPDATE tolk_job_units SET state = 'done' WHERE job_id = 'stuck'")
            .execute(&store.pool)
            .await
            .unwrap();
        sqlx::query("UPDATE tolk_jobs SET state = 'running'")
            .execute(&store.pool)
            .await
            .unwrap();
        assert_eq!(store.repair_finished_jobs().await.unwrap(), 1);
        assert_eq!(state(&store, "stuck").await, JobState::Done);
        assert_eq!(
            state(&store, "busy").await,
            JobState::Running,
            "a job with work left is left alone"
        );
        assert_eq!(store.repair_finished_jobs().await.unwrap(), 0);
        let expired = store.expired_jobs(now_ms() + 1).await.unwrap();
        assert_eq!(expired, ["stuck"], "the repaired job falls under the retention sweep");
    }

    #[tokio::test]
    async fn claiming_is_fair_across_owners_and_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let lease = Duration::from_secs(60);
        let add = |id: &'static str, owner: &'static str, units: usize| {
            let store = store.clone();
            async move {
                let files: Vec<(String, Vec<u8>)> = (0..units).map(|i| (format!("{i}.txt"), b"Hi.".to_vec())).collect();
                let units: Vec<NewUnit> = (0..units)
                    .map(|i| NewUnit {
                        file_idx: i as i64,
                        ..unit(UnitState::Pending)
                    })
                    .collect();
                let row = JobRow {
                    owner: Some(owner.to_string()),
                    ..job(id)
                };
                store.create_job(&row, &files, &units, None).await.unwrap();
            }
        };
        // One key's large job first, then a second job of the same key, then another key's.
        add("big", "alice", 100).await;
        add("second", "alice", 2).await;
        add("other", "bob", 2).await;
        let mut claimed = Vec::new();
        for n in 0..4 {
            let unit = store.claim(&format!("w{n}"), lease).await.unwrap().unwrap();
            claimed.push(unit.job_id);
        }
        // Oldest first; then the key with nothing running; then alice's job with nothing running;
        // then bob again (one running each, bob's fewer in all).
        assert_eq!(claimed, ["big", "other", "second", "other"]);
    }
}
