//! Corrections waiting for review (`--corrections-review`): a correction is kept aside until a
//! key with the reviewer role approves it (it then goes into its sender's memory, sentence by
//! sentence, as if stored at once) or rejects it (it is deleted, its text gone from disk).
//! Reviewers see every waiting correction; other keys see their own.

use langs::LangCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{self, PendingRow};
use super::{correction_entries, Correction, CorrectionOutcome};
use crate::app::{Core, Error};

/// A correction waiting for review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingCorrection {
    /// Its id.
    pub id: i64,
    /// The memory it goes to.
    pub memory: String,
    /// The source language's code.
    pub source: String,
    /// The target language's code.
    pub target: String,
    /// The source text.
    pub text: String,
    /// The machine translation it corrects, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// The correction.
    pub correction: String,
    /// When it was sent, in milliseconds since the epoch.
    pub created_at: i64,
}

impl From<PendingRow> for PendingCorrection {
    fn from(row: PendingRow) -> Self {
        PendingCorrection {
            id: row.id,
            memory: row.memory,
            source: row.source_lang,
            target: row.target_lang,
            text: row.source,
            translation: row.machine,
            correction: row.correction,
            created_at: row.created_at,
        }
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Into the memory.
    Approve,
    /// Deleted.
    Reject,
}

impl Core {
    /// Whether `key` may review corrections: with keys off, anyone may.
    pub fn is_reviewer(&self, key: Option<&str>) -> Result<bool, Error> {
        match &self.keys {
            Some(keys) => keys.is_reviewer(key),
            None => Ok(true),
        }
    }

    /// Keeps a checked correction for review.
    pub(super) async fn queue_for_review(
        &self,
        owner: String,
        memory: String,
        correction: Correction,
    ) -> Result<CorrectionOutcome, Error> {
        let row = PendingRow {
            id: 0,
            owner,
            memory: memory.clone(),
            source_lang: correction.source.to_string(),
            target_lang: correction.target.to_string(),
            source: correction.text,
            machine: correction.machine,
            correction: correction.correction,
            created_at: 0,
        };
        let id = self
            .jobs
            .on_runtime(move |s| Box::pin(async move { Ok(store::add_pending(&s, &row).await?) }))
            .await?;
        Ok(CorrectionOutcome {
            memory,
            state: "pending",
            entries: 0,
            id: Some(id),
        })
    }

    /// The corrections waiting for review that `key` may see: all for a reviewer, else its own.
    pub async fn pending_corrections(&self, key: Option<&str>) -> Result<Vec<PendingCorrection>, Error> {
        let owner = self.owner(key)?;
        let everyone = self.is_reviewer(key)?;
        let rows = self
            .jobs
            .on_runtime(move |s| {
                Box::pin(async move {
                    let owner = owner.unwrap_or_default();
                    Ok(store::pending(&s, (!everyone).then_some(owner.as_str())).await?)
                })
            })
            .await?;
        Ok(rows.into_iter().map(PendingCorrection::from).collect())
    }

    /// Approves or rejects a waiting correction; only a reviewer may.
    pub async fn decide_correction(
        &self,
        key: Option<&str>,
        id: i64,
        decision: Decision,
    ) -> Result<CorrectionOutcome, Error> {
        self.admit(key, 0)?;
        if !self.is_reviewer(key)? {
            return Err(Error::Forbidden(
                "only a key with the reviewer role (role=reviewer in the keys file) may review corrections".to_string(),
            ));
        }
        let model = self.models.model(None)?;
        let decided = self
            .jobs
            .on_runtime(move |s| {
                Box::pin(async move {
                    let decided = store::decide(&s, id, |row| {
                        let languages = (
                            LangCode::parse(&row.source_lang).ok()?,
                            LangCode::parse(&row.target_lang).ok()?,
                        );
                        (decision == Decision::Approve).then(|| {
                            correction_entries(&model, languages, &row.source, &row.correction, row.machine.as_deref())
                        })
                    })
                    .await?;
                    Ok(decided)
                })
            })
            .await?;
        let (row, entries, written) = decided.ok_or_else(|| Error::NotFound(format!("correction {id}")))?;
        self.note_written(&row.owner, &row.memory, &entries, &written);
        Ok(CorrectionOutcome {
            memory: row.memory,
            state: match decision {
                Decision::Approve => "stored",
                Decision::Reject => "rejected",
            },
            entries: written.entries,
            id: Some(id),
        })
    }
}
