//! A server's job workers: each claims a unit (one file into one language), translates the texts
//! the database does not have yet in small chunks at bulk priority, stores each chunk as it
//! finishes (extending its lease), and stores the rendered file at the end. A worker killed at
//! any point leaves the stored chunks to whoever takes the unit next.

use std::sync::Arc;
use std::time::Duration;

use langs::LangCode;
use translator::documents::{Document, DocumentFormat, Limits};
use translator::{PoolError, Priority, Submission, TranslateOptions, TranslatorError};

use super::blocking::off_runtime;
use super::store::{ClaimedUnit, Store, StoreError};
use crate::app::documents::{chunks, DocumentPlan};
use crate::app::glossary::marking::{MarkedTexts, Marker};
use crate::app::glossary::store as glossaries;
use crate::app::glossary::terms::Terms;
use crate::app::memory::lookup::exact_known;
use crate::app::quality::DocumentQuality;
use crate::app::registry::{Model, ModelRegistry};

/// Characters per stored chunk: what a crash may cost to redo.
const CHUNK_CHARS: usize = 4096;
/// Times a unit is taken up before it is failed: a unit whose translation keeps failing in a way
/// that may pass, or that keeps stopping the worker (a panic, a killed process), ends with its
/// reason instead of being retried forever.
pub const MAX_ATTEMPTS: i64 = 5;
/// How often an idle worker looks for work other servers queued, or left behind when they died.
const POLL: Duration = Duration::from_millis(500);

/// Runs one worker until the process ends.
pub async fn run(
    models: Arc<ModelRegistry>,
    store: Store,
    owner: String,
    lease: Duration,
    wake: Arc<tokio::sync::Notify>,
) {
    loop {
        let Some(model) = models.default_model() else {
            // The model is still loading; nothing can be translated yet.
            tokio::time::sleep(POLL).await;
            continue;
        };
        match store.claim(&owner, lease).await {
            Ok(Some(unit)) if unit.attempts > MAX_ATTEMPTS => {
                let reason = format!(
                    "gave up after {MAX_ATTEMPTS} attempts: {}",
                    unit.last_failure
                        .as_deref()
                        .unwrap_or("the unit stopped its worker each time")
                );
                if let Err(error) = store.finish_unit(&unit, &owner, Err(reason)).await {
                    tracing::error!(job = %unit.job_id, unit = unit.id, %error, "cannot fail a job unit");
                }
            }
            Ok(Some(unit)) => {
                // On a task of its own, so that a panic ends this unit's attempt, not the worker.
                let attempt = tokio::spawn({
                    let (store, model, owner) = (store.clone(), Arc::clone(&model), owner.clone());
                    let unit = unit.clone();
                    async move { work(&store, &model, &owner, lease, &unit).await }
                });
                match attempt.await {
                    Ok(Ok(Attempt::Done)) => {}
                    Ok(Ok(Attempt::Released)) => {
                        // Whatever failed may need a moment to pass (a full queue, a restart).
                        let _ = tokio::time::timeout(POLL, wake.notified()).await;
                    }
                    Ok(Err(error)) => tracing::error!(job = %unit.job_id, unit = unit.id, %error, "job unit failed"),
                    Err(panic) => {
                        tracing::error!(job = %unit.job_id, unit = unit.id, error = %panic, "job unit panicked");
                        let _ = store
                            .release_unit(&unit, &owner, "the translation stopped unexpectedly")
                            .await;
                    }
                }
            }
            Ok(None) => {
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot claim job work");
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

/// How an attempt at a unit ended, when the database answered.
enum Attempt {
    /// Finished (done or failed), or no longer this worker's.
    Done,
    /// Given back to the queue after a failure that may pass.
    Released,
}

async fn work(
    store: &Store,
    model: &Arc<Model>,
    owner: &str,
    lease: Duration,
    unit: &ClaimedUnit,
) -> Result<Attempt, StoreError> {
    let Some((path, bytes)) = store.file(&unit.job_id, unit.file_idx).await? else {
        return Ok(Attempt::Done); // deleted meanwhile
    };
    let outcome = translate_unit(store, model, owner, lease, unit, path, bytes).await?;
    match outcome {
        Outcome::Lost => {
            tracing::info!(job = %unit.job_id, unit = unit.id, "job unit given up: lease lost or job deleted")
        }
        Outcome::Retry(why) if unit.attempts >= MAX_ATTEMPTS => {
            let reason = format!("gave up after {MAX_ATTEMPTS} attempts: {why}");
            if store.finish_unit(unit, owner, Err(reason)).await? {
                tracing::info!(job = %unit.job_id, unit = unit.id, "job unit failed after its last attempt");
            }
        }
        Outcome::Retry(why) => {
            tracing::warn!(job = %unit.job_id, unit = unit.id, attempts = unit.attempts, %why, "job unit given back");
            store.release_unit(unit, owner, &why).await?;
            return Ok(Attempt::Released);
        }
        Outcome::Finished(result) => {
            let failed = result.is_err();
            if store.finish_unit(unit, owner, result).await? {
                tracing::info!(job = %unit.job_id, unit = unit.id, failed, "job unit finished");
            }
        }
    }
    Ok(Attempt::Done)
}

enum Outcome {
    Finished(Result<(Vec<u8>, Option<String>), String>),
    /// A failure that may pass: the unit goes back to the queue (up to [`MAX_ATTEMPTS`]).
    Retry(String),
    Lost,
}

/// Whether a translation failure may pass if the unit is tried again: a deadline, a shutdown,
/// an engine failure (out of memory, say). A refusal of the input itself will not.
fn may_pass(error: &PoolError) -> bool {
    matches!(
        error,
        PoolError::Timeout
            | PoolError::Closed
            | PoolError::Busy { .. }
            | PoolError::Translator(TranslatorError::Engine(_))
    )
}

/// The terms of glossary `id` of `owner`'s for a pair, compiled; the reason the unit fails when
/// the glossary was deleted or lost the pair after the job was queued.
async fn job_terms(
    store: &Store,
    owner: &str,
    id: &str,
    (source, target): (LangCode, LangCode),
) -> Result<Result<Arc<Terms>, String>, StoreError> {
    let Some(row) = glossaries::get(store, owner, id).await? else {
        return Ok(Err(format!("glossary {id} was deleted")));
    };
    if !row.has_pair(source, target) {
        return Ok(Err(format!("glossary {id} has no dictionary {source} → {target}")));
    }
    let entries = glossaries::entries(store, id, source.as_str(), target.as_str()).await?;
    // Compiling a large glossary takes milliseconds: off the runtime's threads.
    Ok(off_runtime("compiling the glossary", move || Terms::new(&entries))
        .await
        .and_then(|built| built)
        .map(Arc::new))
}

async fn translate_unit(
    store: &Store,
    model: &Model,
    owner: &str,
    lease: Duration,
    unit: &ClaimedUnit,
    path: String,
    bytes: Vec<u8>,
) -> Result<Outcome, StoreError> {
    let failed = |reason: String| Ok(Outcome::Finished(Err(reason)));
    let Some(format) = DocumentFormat::from_path(std::path::Path::new(&path)) else {
        return failed("not a supported document format".to_string());
    };
    let Ok(target) = LangCode::parse(&unit.target) else {
        return failed(format!("unknown language {}", unit.target));
    };
    let parsed = off_runtime("parsing the document", move || {
        Document::parse(format, &bytes, &Limits::default()).map(|document| {
            let plan = DocumentPlan::new(&document);
            (document, plan)
        })
    })
    .await;
    let (document, plan) = match parsed {
        Ok(Ok(parsed)) => parsed,
        Ok(Err(e)) => return failed(e.to_string()),
        Err(crash) => return failed(crash),
    };
    let texts = plan.texts();
    let mut translated: Vec<Option<String>> = vec![None; texts.len()];
    for (idx, translation) in store.segments(unit.id).await? {
        if let Some(slot) = usize::try_from(idx).ok().and_then(|i| translated.get_mut(i)) {
            *slot = Some(translation);
        }
    }
    let source = match unit.source.as_deref().map(LangCode::parse) {
        Some(Ok(code)) => Some(code),
        _ => None,
    };
    if let Some(source) = source {
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| translated[i].is_none()).collect();
        // The job's owner's translation memory answers the sentences it holds, as in the API.
        let job = store.job(&unit.job_id).await?;
        let job_owner: String = job.as_ref().and_then(|job| job.owner.clone()).unwrap_or_default();
        let marker = match job.and_then(|job| job.glossary) {
            None => Marker::new(None, true),
            Some(id) => match job_terms(store, &job_owner, &id, (source, target)).await? {
                Ok(terms) => Marker::new(Some(terms), true),
                Err(reason) => return failed(reason),
            },
        };
        for chunk in chunks(&missing, texts, CHUNK_CHARS) {
            let mut marked = MarkedTexts::new(&marker, chunk.iter().map(|&i| texts[i].clone()).collect());
            let units = std::mem::take(&mut marked.units);
            let known = exact_known(
                store,
                model.pool.translator(),
                &job_owner,
                None,
                (source, target),
                &units,
            )
            .await?;
            let submission = Submission::new(units, source, target)
                .known(known)
                .options(TranslateOptions::default())
                .priority(Priority::Bulk);
            let translating = async {
                loop {
                    match model.pool.submit(submission.clone()) {
                        Ok(ticket) => return ticket.wait().await,
                        // The queue is full of interactive work: bulk work waits its turn.
                        Err(PoolError::Busy { retry_after }) => {
                            tokio::time::sleep(retry_after.min(Duration::from_secs(5))).await
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            tokio::pin!(translating);
            // A chunk may take longer than a lease on a slow machine: the lease is renewed while
            // it runs, so that no other server takes over work that is still alive.
            let mut heartbeat = tokio::time::interval(lease / 3);
            heartbeat.tick().await;
            let answers = loop {
                tokio::select! {
                    answers = &mut translating => match answers {
                        Ok(answers) => break answers,
                        Err(e) if may_pass(&e) => return Ok(Outcome::Retry(format!("translation failed: {e}"))),
                        Err(e) => return failed(format!("translation failed: {e}")),
                    },
                    _ = heartbeat.tick() => {
                        if !store.extend_lease(unit.id, owner, lease).await? {
                            return Ok(Outcome::Lost);
                        }
                    }
                }
            };
            let mut quality = DocumentQuality::default();
            let segments: Vec<(i64, String)> = chunk
                .iter()
                .zip(marked.assemble(answers))
                .map(|(&i, answer)| {
                    quality.add_text(i, &answer.sentence_quality);
                    (i as i64, answer.text)
                })
                .collect();
            // Stored with the chunk: the file's quality in the job's report sums the chunks'.
            // Plain counts and strings: serializing cannot fail, and a row that does not parse
            // is left out of the report rather than failing the unit.
            let quality = serde_json::to_string(&quality).unwrap_or_default();
            if !store.save_segments(unit.id, owner, lease, &segments, &quality).await? {
                return Ok(Outcome::Lost);
            }
            for (i, text) in segments {
                translated[i as usize] = Some(text);
            }
        }
    }
    // No letters to know the language by: the document is its own translation.
    let translated: Vec<String> = translated
        .into_iter()
        .zip(texts)
        .map(|(t, source)| t.unwrap_or_else(|| source.clone()))
        .collect();
    let rendered = off_runtime("rendering the document", move || {
        plan.render(&document, &translated, target).map_err(|e| e.to_string())
    })
    .await;
    Ok(Outcome::Finished(
        rendered
            .and_then(|result| result)
            .map(|bytes| (bytes, source.map(|s| s.to_string()))),
    ))
}
