//! One document handed to its caller with a secret of its own, as DeepL's document API works:
//! uploaded, polled and downloaded once, after which it is deleted. It is an ordinary job of one
//! file and one target, so it is durable, leased and retained like every job; the secret's
//! SHA-256 and the characters billed sit beside it in `tolk_job_documents`.

use langs::LangCode;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use translator::documents::DocumentFormat;

use super::store::{now_ms, DocumentRow};
use std::sync::Arc;

use super::{new_id, prepare_off_runtime, JobError, Jobs, PreparedJob, UnitState};
use crate::app::registry::Model;

/// A document checked and planned, not stored yet: its characters are known, so the caller can
/// bill them before it is queued.
pub struct PreparedDocument {
    job: PreparedJob,
}

impl PreparedDocument {
    /// Characters of its texts, which the translation bills.
    pub fn chars(&self) -> usize {
        self.job.chars
    }
}

/// What the caller needs to read a document later: its id and its secret.
#[derive(Debug, Clone)]
pub struct DocumentTicket {
    /// The job's id.
    pub id: String,
    /// The secret that status and download need; stored only as its SHA-256.
    pub secret: String,
}

/// Where a document stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentProgress {
    /// Waiting for a worker.
    Queued,
    /// Being translated; the estimate comes from the progress so far.
    Translating {
        /// Estimated seconds until done.
        seconds_remaining: u64,
    },
    /// Translated; the download is waiting.
    Done {
        /// Characters billed.
        billed_characters: u64,
    },
    /// It could not be translated.
    Error {
        /// Why.
        message: String,
    },
}

/// Segments a worker translates a second, assumed before any is done (the test model does
/// hundreds, NLLB-600M on two cores about ten).
const ASSUMED_SEGMENTS_PER_SECOND: i64 = 10;

fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Unknown, another key's, and a wrong secret all read the same, so that none can be told apart.
fn not_found() -> JobError {
    JobError::NotFound("document".to_string())
}

impl Jobs {
    /// Checks and plans one uploaded document for one target: a file Tolk cannot translate is
    /// refused here, not reported later.
    pub async fn prepare_document(
        name: String,
        bytes: Vec<u8>,
        source: Option<LangCode>,
        target: LangCode,
        model: Arc<Model>,
    ) -> Result<PreparedDocument, JobError> {
        if DocumentFormat::from_path(std::path::Path::new(&name)).is_none()
            || name.to_ascii_lowercase().ends_with(".zip")
        {
            return Err(JobError::Invalid(format!(
                "cannot translate {name:?}: not a document format Tolk translates"
            )));
        }
        let files = vec![(name.clone(), bytes)];
        let job = prepare_off_runtime(files, source, vec![target], model).await?;
        if let Some(unit) = job.units.iter().find(|u| u.state != UnitState::Pending) {
            let reason = unit.reason.clone().unwrap_or_default();
            return Err(JobError::Invalid(format!("cannot translate {name:?}: {reason}")));
        }
        Ok(PreparedDocument { job })
    }

    /// Queues a prepared document owned by `owner`; returns its id and secret.
    pub async fn submit_document(
        &self,
        document: PreparedDocument,
        owner: Option<String>,
        glossary: Option<String>,
    ) -> Result<DocumentTicket, JobError> {
        // 256 bits, as DeepL's keys have.
        let secret = format!("{}{}", new_id(), new_id());
        let row = DocumentRow {
            job_id: new_id(),
            secret_sha256: sha256_hex(&secret),
            chars: document.chars() as i64,
        };
        let id = self.submit(document.job, owner, Some(row), glossary).await?;
        Ok(DocumentTicket { id, secret })
    }

    /// Where the document `id` stands, for the holder of its secret.
    pub async fn document_progress(
        &self,
        id: &str,
        secret: &str,
        owner: Option<&str>,
    ) -> Result<DocumentProgress, JobError> {
        let (id, secret, owner) = (id.to_string(), secret.to_string(), owner.map(str::to_string));
        self.on_runtime(move |store| {
            Box::pin(async move {
                let job = store
                    .job(&id)
                    .await?
                    .filter(|job| job.owner == owner)
                    .ok_or_else(not_found)?;
                let document = store.document(&id).await?.ok_or_else(not_found)?;
                let expected = document.secret_sha256.as_bytes();
                if !bool::from(sha256_hex(&secret).as_bytes().ct_eq(expected)) {
                    return Err(not_found());
                }
                let unit = store.units(&id).await?.into_iter().next().ok_or_else(not_found)?;
                Ok(match unit.state {
                    UnitState::Done => DocumentProgress::Done {
                        billed_characters: document.chars.max(0) as u64,
                    },
                    UnitState::Failed | UnitState::Skipped => DocumentProgress::Error {
                        message: unit
                            .reason
                            .unwrap_or_else(|| "the document could not be translated".to_string()),
                    },
                    UnitState::Pending if unit.attempts == 0 => DocumentProgress::Queued,
                    _ => {
                        let left = (unit.segments_total - unit.segments_done).max(0);
                        let elapsed_ms = (now_ms() - job.created_at).max(0);
                        let seconds = if unit.segments_done > 0 {
                            elapsed_ms * left / unit.segments_done / 1000
                        } else {
                            left / ASSUMED_SEGMENTS_PER_SECOND
                        };
                        DocumentProgress::Translating {
                            seconds_remaining: seconds.max(1) as u64,
                        }
                    }
                })
            })
        })
        .await
    }

    /// The translated document, once: it is deleted as it is handed over. Returns its file name
    /// and bytes.
    pub async fn take_document(
        &self,
        id: &str,
        secret: &str,
        owner: Option<&str>,
    ) -> Result<(String, Vec<u8>), JobError> {
        match self.document_progress(id, secret, owner).await? {
            DocumentProgress::Done { .. } => {}
            _ => return Err(JobError::NotFinished(id.to_string())),
        }
        let id = id.to_string();
        self.on_runtime(move |store| {
            Box::pin(async move {
                let (unit, _, path) = store.output_list(&id).await?.into_iter().next().ok_or_else(not_found)?;
                let bytes = store.output(unit).await?.ok_or_else(not_found)?;
                // Whoever deletes it hands it over: of two downloads at once, one gets it.
                if !store.delete_job(&id).await? {
                    return Err(not_found());
                }
                Ok((path, bytes))
            })
        })
        .await
    }
}
