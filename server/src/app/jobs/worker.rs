//! A server's job workers: each claims a unit (one file into one language), translates the texts
//! the database does not have yet in small chunks at bulk priority, stores each chunk as it
//! finishes (extending its lease), and stores the rendered file at the end. A worker killed at
//! any point leaves the stored chunks to whoever takes the unit next.

use std::sync::Arc;
use std::time::Duration;

use langs::LangCode;
use translator::documents::{Document, DocumentFormat, Limits};
use translator::{PoolError, Priority, Submission, TranslateOptions};

use super::store::{ClaimedUnit, Store, StoreError};
use crate::app::documents::{chunks, DocumentPlan};
use crate::app::registry::{Model, ModelRegistry};

/// Characters per stored chunk: what a crash may cost to redo.
const CHUNK_CHARS: usize = 4096;
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
            Ok(Some(unit)) => {
                if let Err(error) = work(&store, &model, &owner, lease, &unit).await {
                    tracing::error!(job = %unit.job_id, unit = unit.id, %error, "job unit failed");
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

async fn work(
    store: &Store,
    model: &Model,
    owner: &str,
    lease: Duration,
    unit: &ClaimedUnit,
) -> Result<(), StoreError> {
    let Some((path, bytes)) = store.file(&unit.job_id, unit.file_idx).await? else {
        return Ok(()); // deleted meanwhile
    };
    let outcome = translate_unit(store, model, owner, lease, unit, &path, &bytes).await?;
    match outcome {
        Outcome::Lost => {
            tracing::info!(job = %unit.job_id, unit = unit.id, "job unit given up: lease lost or job deleted")
        }
        Outcome::Finished(result) => {
            let failed = result.is_err();
            if store.finish_unit(unit, owner, result).await? {
                tracing::info!(job = %unit.job_id, unit = unit.id, failed, "job unit finished");
            }
        }
    }
    Ok(())
}

enum Outcome {
    Finished(Result<(Vec<u8>, Option<String>), String>),
    Lost,
}

async fn translate_unit(
    store: &Store,
    model: &Model,
    owner: &str,
    lease: Duration,
    unit: &ClaimedUnit,
    path: &str,
    bytes: &[u8],
) -> Result<Outcome, StoreError> {
    let failed = |reason: String| Ok(Outcome::Finished(Err(reason)));
    let Some(format) = DocumentFormat::from_path(std::path::Path::new(path)) else {
        return failed("not a supported document format".to_string());
    };
    let document = match Document::parse(format, bytes, &Limits::default()) {
        Ok(document) => document,
        Err(e) => return failed(e.to_string()),
    };
    let Ok(target) = LangCode::parse(&unit.target) else {
        return failed(format!("unknown language {}", unit.target));
    };
    let plan = DocumentPlan::new(&document);
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
        for chunk in chunks(&missing, texts, CHUNK_CHARS) {
            let submission = Submission::new(chunk.iter().map(|&i| texts[i].clone()).collect(), source, target)
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
                        Err(e) => return failed(format!("translation failed: {e}")),
                    },
                    _ = heartbeat.tick() => {
                        if !store.extend_lease(unit.id, owner, lease).await? {
                            return Ok(Outcome::Lost);
                        }
                    }
                }
            };
            let segments: Vec<(i64, String)> = chunk
                .iter()
                .zip(answers)
                .map(|(&i, answer)| (i as i64, answer.text))
                .collect();
            if !store.save_segments(unit.id, owner, lease, &segments).await? {
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
    Ok(Outcome::Finished(
        plan.render(&document, &translated, target)
            .map(|bytes| (bytes, source.map(|s| s.to_string())))
            .map_err(|e| e.to_string()),
    ))
}
