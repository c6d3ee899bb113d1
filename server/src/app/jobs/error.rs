//! Why a job request failed, in the job service's terms.

use super::store::StoreError;

/// Why a job request failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The request is wrong: no files, a bad archive, too many files.
    #[error("{0}")]
    Invalid(String),
    /// No such job.
    #[error("no job {0}")]
    NotFound(String),
    /// The job is not finished.
    #[error("job {0} is not finished yet")]
    NotFinished(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else of ours failed (the job runtime, writing the result).
    #[error("{0}")]
    Internal(String),
}
