//! Batch jobs on the server: uploaded documents translated in the background at bulk priority,
//! durable in a database (see `store`), worked on by this server's workers (see `worker`) and,
//! with PostgreSQL, by every server sharing the database.

mod archive;
mod blocking;
mod document;
mod error;
pub mod state;
pub mod store;
mod worker;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use langs::LangCode;
use serde::Serialize;
use translator::documents::{Document, DocumentFormat, Limits};
use utoipa::ToSchema;

use super::documents::DocumentPlan;
use super::quality::DocumentQuality;
use super::registry::{Model, ModelRegistry};
use crate::settings::Settings;
use std::io::Seek;

use archive::{clean_path, unzip, write_result};
use blocking::off_runtime;
pub use document::{DocumentProgress, DocumentTicket};
pub use error::JobError;
pub use state::{JobState, UnitState};
use store::{now_ms, Dialect, JobRow, MoreTables, NewUnit, Store};

/// Most files in one job.
const MAX_FILES: usize = 10_000;
/// Most target languages in one job: each multiplies the job's work and stored results.
pub const MAX_TARGETS: usize = 64;

/// What the job service needs of a server's settings.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// The database: `sqlite://FILE` or `postgres://…`.
    pub database_url: String,
    /// Units this server works on at once.
    pub workers: usize,
    /// How long a claimed unit stays claimed without news.
    pub lease: Duration,
    /// How long finished jobs are kept.
    pub retention: Duration,
    /// The tables of the services that keep their data in the job database.
    pub more_tables: MoreTables,
}

impl JobSettings {
    /// The job part of a server's settings.
    pub fn from_settings(settings: &Settings) -> JobSettings {
        JobSettings {
            database_url: settings.database_url.clone(),
            workers: settings.job_workers,
            lease: settings.job_lease,
            retention: settings.job_retention,
            more_tables: store::no_more_tables,
        }
    }
}

/// The job service of one server.
pub struct Jobs {
    store: Store,
    runtime: tokio::runtime::Handle,
    wake: Arc<tokio::sync::Notify>,
}

/// A job as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    /// Its id.
    pub id: String,
    /// `queued`, `running` or `done` (done also when some files failed: see `files`).
    #[schema(value_type = String)]
    pub state: JobState,
    /// The source language asked for; absent when each file's language is detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Target languages.
    pub targets: Vec<String>,
    /// When it was created, milliseconds since 1970.
    pub created_at: i64,
    /// When it finished, milliseconds since 1970.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    /// Sums over its files.
    pub progress: JobProgress,
    /// Each file in each target language.
    pub files: Vec<JobFileView>,
}

/// Sums over a job's files.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobProgress {
    /// Files × target languages.
    pub total: usize,
    /// Translated.
    pub done: usize,
    /// Could not be translated.
    pub failed: usize,
    /// Not a supported format.
    pub skipped: usize,
    /// Texts to translate in all.
    pub segments_total: i64,
    /// Texts translated so far.
    pub segments_done: i64,
}

/// One file of a job in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobFileView {
    /// Path in the upload.
    pub path: String,
    /// Target language.
    pub target: String,
    /// `pending`, `running`, `done`, `failed` or `skipped`.
    #[schema(value_type = String)]
    pub state: UnitState,
    /// Why it failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The language it is translated from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Texts to translate.
    pub segments_total: i64,
    /// Texts translated so far.
    pub segments_done: i64,
    /// Times a worker took it up (more than 1 after a worker died).
    pub attempts: i64,
    /// How far its translation can be trusted, over the texts translated so far
    /// (docs/quality.md); absent before any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<DocumentQuality>,
}

impl Jobs {
    /// Opens the database and starts this server's workers on their own thread and runtime,
    /// which also runs every database call (HTTP handlers hand theirs over), so that database
    /// connections live on one runtime.
    pub fn start(models: Arc<ModelRegistry>, settings: JobSettings) -> Result<Jobs, String> {
        if let Some(path) = settings.database_url.strip_prefix("sqlite://") {
            let file = path.split('?').next().unwrap_or(path);
            if let Some(parent) = std::path::Path::new(file)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create the data folder {}: {e}", parent.display()))?;
            }
        }
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("tolk-jobs".into())
            .spawn(move || {
                // Two threads: a unit's database calls and lease renewals go on while another
                // awaits its translation; CPU work goes to blocking threads (`spawn_blocking`).
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot start the job runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let store = match Store::open(&settings.database_url, settings.more_tables).await {
                        Ok(store) => store,
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("cannot open the job database: {e}")));
                            return;
                        }
                    };
                    match store.repair_finished_jobs().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(jobs = n, "finished jobs a crash had left running"),
                        Err(e) => tracing::error!(error = %e, "cannot repair unfinished jobs"),
                    }
                    if store.dialect() == Dialect::Sqlite {
                        match store.release_all_leases().await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(units = n, "resuming job work left by the last run"),
                            Err(e) => tracing::error!(error = %e, "cannot release old leases"),
                        }
                    }
                    let wake = Arc::new(tokio::sync::Notify::new());
                    // Random, not pid and start time: servers in containers share both.
                    let owner = new_id();
                    for n in 0..settings.workers {
                        tokio::spawn(worker::run(
                            Arc::clone(&models),
                            store.clone(),
                            format!("{owner}-{n}"),
                            settings.lease,
                            Arc::clone(&wake),
                        ));
                    }
                    tokio::spawn(retention(store.clone(), settings.retention));
                    let _ = ready_tx.send(Ok((store, tokio::runtime::Handle::current(), wake)));
                    std::future::pending::<()>().await;
                });
            })
            .map_err(|e| format!("cannot start the job thread: {e}"))?;
        let (store, runtime, wake) = ready_rx.recv().map_err(|_| "the job thread stopped".to_string())??;
        Ok(Jobs { store, runtime, wake })
    }

    /// Starts work on the job runtime that nobody waits for (the translation memory's index
    /// rebuilt in the background); it has the database.
    pub(crate) fn spawn_on_runtime(
        &self,
        work: impl FnOnce(Store) -> futures_util::future::BoxFuture<'static, ()> + Send + 'static,
    ) {
        let store = self.store.clone();
        self.runtime.spawn(async move { work(store).await });
    }

    /// Runs a database call on the job runtime (the job database's connections live there; other
    /// services that keep data in it, the translation memory, go through here too).
    pub(crate) async fn on_runtime<T: Send + 'static>(
        &self,
        call: impl FnOnce(Store) -> futures_util::future::BoxFuture<'static, Result<T, JobError>> + Send + 'static,
    ) -> Result<T, JobError> {
        let store = self.store.clone();
        self.runtime
            .spawn(async move { call(store).await })
            .await
            .map_err(|e| JobError::Internal(format!("job runtime: {e}")))?
    }

    /// Creates a job from uploaded files (a `.zip` is unpacked): each file's format is checked,
    /// its language detected when `source` is `None` (with `model_pool`), and one unit per target
    /// queued. Returns the new job's id.
    pub async fn create(
        &self,
        files: Vec<(String, Vec<u8>)>,
        source: Option<LangCode>,
        targets: Vec<LangCode>,
        model: Arc<Model>,
        owner: Option<String>,
        glossary: Option<String>,
    ) -> Result<String, JobError> {
        let prepared = prepare_off_runtime(files, source, targets, model).await?;
        self.submit(prepared, owner, None, glossary).await
    }

    /// Stores a prepared job, with the document's secret when it is a single document fetched with
    /// one (see `document`), and wakes the workers. Returns its id.
    async fn submit(
        &self,
        prepared: PreparedJob,
        owner: Option<String>,
        document: Option<store::DocumentRow>,
        glossary: Option<String>,
    ) -> Result<String, JobError> {
        let PreparedJob {
            files,
            units,
            source,
            targets,
            ..
        } = prepared;
        let job = JobRow {
            id: document.as_ref().map_or_else(new_id, |d| d.job_id.clone()),
            state: JobState::Queued,
            source: source.map(|s| s.to_string()),
            targets: targets.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(","),
            glossary,
            created_at: now_ms(),
            finished_at: None,
            owner,
        };
        let id = job.id.clone();
        self.on_runtime(move |store| {
            Box::pin(async move { Ok(store.create_job(&job, &files, &units, document.as_ref()).await?) })
        })
        .await?;
        self.wake.notify_waiters();
        Ok(id)
    }

    /// A job's state and per-file progress; another key's job is as good as absent.
    pub async fn view(&self, id: &str, owner: Option<&str>) -> Result<JobView, JobError> {
        let id = id.to_string();
        let owner = owner.map(str::to_string);
        let (job, units, qualities) = self
            .on_runtime(move |store| {
                Box::pin(async move {
                    let job = store
                        .job(&id)
                        .await?
                        .filter(|job| job.owner == owner)
                        .ok_or(JobError::NotFound(id.clone()))?;
                    let units = store.units(&id).await?;
                    let qualities = store.qualities(&id).await?;
                    Ok((job, units, qualities))
                })
            })
            .await?;
        let mut quality_of: HashMap<i64, DocumentQuality> = HashMap::new();
        for (unit, json) in qualities {
            if let Ok(chunk) = serde_json::from_str::<DocumentQuality>(&json) {
                quality_of.entry(unit).or_default().merge(chunk);
            }
        }
        let files: Vec<JobFileView> = units
            .into_iter()
            .map(|u| JobFileView {
                quality: quality_of.remove(&u.id),
                // A finished unit's stored chunks are deleted; all its texts are done.
                segments_done: if u.state == UnitState::Done {
                    u.segments_total
                } else {
                    u.segments_done
                },
                path: u.path,
                target: u.target,
                state: u.state,
                reason: u.reason,
                source: u.source,
                segments_total: u.segments_total,
                attempts: u.attempts,
            })
            .collect();
        let count = |state: UnitState| files.iter().filter(|f| f.state == state).count();
        Ok(JobView {
            progress: JobProgress {
                total: files.len(),
                done: count(UnitState::Done),
                failed: count(UnitState::Failed),
                skipped: count(UnitState::Skipped),
                segments_total: files.iter().map(|f| f.segments_total).sum(),
                segments_done: files.iter().map(|f| f.segments_done).sum(),
            },
            id: job.id,
            state: job.state,
            source: job.source,
            targets: job.targets.split(',').map(str::to_string).collect(),
            created_at: job.created_at,
            finished_at: job.finished_at,
            files,
        })
    }

    /// A finished job's translations as a zip in an anonymous temporary file (gone when closed),
    /// with its length: `TARGET/PATH` for each file done, and `report.json` (the job as
    /// [`Jobs::view`] shows it). Built one output at a time on a blocking thread, so neither
    /// memory nor the runtime carries the whole result; a job deleted meanwhile (the retention
    /// sweep) is a 404, never a zip with files missing.
    pub async fn result(&self, id: &str, owner: Option<&str>) -> Result<(std::fs::File, u64), JobError> {
        let view = self.view(id, owner).await?;
        if view.state != JobState::Done {
            return Err(JobError::NotFinished(id.to_string()));
        }
        let report = serde_json::to_vec_pretty(&view).map_err(|e| JobError::Internal(e.to_string()))?;
        let (store, runtime, id) = (self.store.clone(), self.runtime.clone(), id.to_string());
        let expected = view.progress.done;
        tokio::task::spawn_blocking(move || {
            let outputs = runtime.block_on(store.output_list(&id))?;
            if outputs.len() != expected {
                return Err(JobError::NotFound(id));
            }
            let file =
                tempfile::tempfile().map_err(|e| JobError::Internal(format!("cannot make a temporary file: {e}")))?;
            let fetch = |unit| runtime.block_on(store.output(unit)).map_err(|e| e.to_string());
            let written = write_result(file, &outputs, fetch, &report).map_err(JobError::Internal)?;
            let mut file = written.ok_or(JobError::NotFound(id))?;
            let cannot = |e: std::io::Error| JobError::Internal(format!("cannot read the zip back: {e}"));
            let length = file.metadata().map_err(cannot)?.len();
            file.seek(std::io::SeekFrom::Start(0)).map_err(cannot)?;
            Ok((file, length))
        })
        .await
        .map_err(|e| JobError::Internal(format!("building the result failed: {e}")))?
    }

    /// Cancels and deletes a job with its files and results.
    pub async fn delete(&self, id: &str, owner: Option<&str>) -> Result<(), JobError> {
        self.view(id, owner).await?;
        let id = id.to_string();
        self.on_runtime(move |store| {
            Box::pin(async move {
                if store.delete_job(&id).await? {
                    Ok(())
                } else {
                    Err(JobError::NotFound(id))
                }
            })
        })
        .await
    }
}

/// [`prepare`] on a blocking thread: an upload up to `--max-job-bytes` is unzipped, parsed and
/// detected there.
async fn prepare_off_runtime(
    files: Vec<(String, Vec<u8>)>,
    source: Option<LangCode>,
    targets: Vec<LangCode>,
    model: Arc<Model>,
) -> Result<PreparedJob, JobError> {
    off_runtime("preparing the upload", move || {
        prepare(files, source, targets, &model.pool)
    })
    .await
    .map_err(JobError::Internal)?
}

/// A job checked and planned, not stored yet.
struct PreparedJob {
    files: Vec<(String, Vec<u8>)>,
    units: Vec<NewUnit>,
    source: Option<LangCode>,
    targets: Vec<LangCode>,
    /// Characters of every file's text, markup left out (once, not per target).
    chars: usize,
}

/// Unpacks and checks the uploaded files, parses each, detects its language when `source` is
/// `None`, and plans one unit per file and target. CPU work: the caller runs it off the runtime
/// when files may be large.
fn prepare(
    files: Vec<(String, Vec<u8>)>,
    source: Option<LangCode>,
    targets: Vec<LangCode>,
    pool: &translator::Pool,
) -> Result<PreparedJob, JobError> {
    let mut unpacked = unpack(files, Limits::default())?;
    if unpacked.is_empty() {
        return Err(JobError::Invalid(
            "no files: send them as `file` parts, or one zip".to_string(),
        ));
    }
    if unpacked.len() > MAX_FILES {
        return Err(JobError::Invalid(format!(
            "{} files; a job takes at most {MAX_FILES}",
            unpacked.len()
        )));
    }
    unpacked.sort_by(|a, b| a.0.cmp(&b.0));
    // Two files with one path would overwrite each other in the result: refused, never dropped.
    let mut duplicates: Vec<&str> = unpacked
        .windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| pair[0].0.as_str())
        .collect();
    duplicates.dedup();
    if !duplicates.is_empty() {
        let shown: Vec<&str> = duplicates.iter().take(5).copied().collect();
        return Err(JobError::Invalid(format!(
            "{} path(s) appear more than once in the upload ({}{}): rename the files or put them in folders",
            duplicates.len(),
            shown.join(", "),
            if duplicates.len() > shown.len() { ", …" } else { "" }
        )));
    }
    let mut units = Vec::new();
    let mut chars = 0;
    for (idx, (path, bytes)) in unpacked.iter().enumerate() {
        let (state, reason, detected, segments) = match DocumentFormat::from_path(std::path::Path::new(path)) {
            None => (
                UnitState::Skipped,
                Some("not a supported document format".to_string()),
                None,
                0,
            ),
            Some(format) => match Document::parse(format, bytes, &Limits::default()) {
                Err(e) => (UnitState::Failed, Some(e.to_string()), None, 0),
                Ok(document) => {
                    let plan = DocumentPlan::new(&document);
                    chars += plan.text_chars();
                    let language = source.or_else(|| plan.detect(pool).map(|d| d.language));
                    (UnitState::Pending, None, language, plan.texts().len() as i64)
                }
            },
        };
        for target in &targets {
            units.push(NewUnit {
                file_idx: idx as i64,
                target: target.to_string(),
                state,
                reason: reason.clone(),
                source: detected.map(|d| d.to_string()),
                segments_total: segments,
            });
        }
    }
    Ok(PreparedJob {
        files: unpacked,
        units,
        source,
        targets,
        chars,
    })
}

/// The uploaded files with every `.zip` unpacked, all the zips of one upload sharing one budget
/// of unpacked bytes and entries (`limits`): many small zips unpack no further than one large.
fn unpack(files: Vec<(String, Vec<u8>)>, mut limits: Limits) -> Result<Vec<(String, Vec<u8>)>, JobError> {
    let mut unpacked = Vec::new();
    for (name, bytes) in files {
        if name.to_ascii_lowercase().ends_with(".zip") {
            let entries = unzip(&bytes, &limits).map_err(|e| JobError::Invalid(format!("{name}: {e}")))?;
            let size: u64 = entries.iter().map(|(_, content)| content.len() as u64).sum();
            limits.max_unpacked_bytes = limits.max_unpacked_bytes.saturating_sub(size);
            limits.max_entries = limits.max_entries.saturating_sub(entries.len());
            unpacked.extend(entries);
        } else {
            unpacked.push((clean_path(&name).map_err(JobError::Invalid)?, bytes));
        }
    }
    Ok(unpacked)
}

/// Deletes finished jobs older than `keep`, once a minute (more often for a retention under
/// two minutes, so that a job is gone within about half its retention past it).
async fn retention(store: Store, keep: Duration) {
    let every = (keep / 2).clamp(Duration::from_millis(200), Duration::from_secs(60));
    loop {
        let before = now_ms() - keep.as_millis() as i64;
        match store.expired_jobs(before).await {
            Ok(ids) => {
                for id in ids {
                    match store.delete_job(&id).await {
                        Ok(_) => tracing::info!(job = %id, "finished job deleted after its retention"),
                        Err(e) => tracing::error!(job = %id, error = %e, "cannot delete an expired job"),
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot look for expired jobs"),
        }
        tokio::time::sleep(every).await;
    }
}

/// A random id: 128 bits from the system's randomness source, hex.
/// A random id of 32 hex digits (128 bits).
pub(crate) fn new_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS; two of them give 128 unpredictable bits without a
    // dependency.
    let mut id = String::with_capacity(32);
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_i64(now_ms());
        id.push_str(&format!("{:016x}", hasher.finish()));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, usize)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, size) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(&vec![b'a'; *size]).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn the_zips_of_one_upload_share_one_unpack_budget() {
        let limits = Limits {
            max_unpacked_bytes: 1000,
            max_ratio: 200,
            max_entries: 3,
        };
        let upload = |zips: usize| -> Vec<(String, Vec<u8>)> {
            (0..zips)
                .map(|i| (format!("part{i}.zip"), zip_of(&[(&format!("{i}.txt"), 400)])))
                .collect()
        };
        assert_eq!(unpack(upload(2), limits).unwrap().len(), 2);
        // Each zip alone is within the limits; the third passes what the upload may unpack.
        let error = unpack(upload(3), limits).unwrap_err().to_string();
        assert!(
            error.starts_with("part2.zip:") && error.contains("unpacks past the limits"),
            "{error}"
        );
        let many: Vec<(String, Vec<u8>)> = (0..4)
            .map(|i| (format!("p{i}.zip"), zip_of(&[(&format!("{i}.txt"), 10)])))
            .collect();
        let error = unpack(many, limits).unwrap_err().to_string();
        assert!(error.starts_with("p3.zip:") && error.contains("entries"), "{error}");
    }
}
