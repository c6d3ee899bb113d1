//! `/v1/corrections`: a community's corrections in, and, when the server reviews them
//! (`--corrections-review`), the queue a reviewer approves or rejects. The memory itself is
//! `crate::app::memory`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{bearer_key, owner};
use super::body;
use super::error::{ApiError, ErrorBody};
use crate::app::fields;
use crate::app::memory::review::{Decision, PendingCorrection};
use crate::app::memory::{Correction, CorrectionOutcome};
use crate::app::{Core, Error};

/// A corrected translation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// The source text: a sentence, or several.
    #[schema(example = "Everyone has the right to education.")]
    pub text: String,
    /// Its language: a code or name.
    #[schema(example = "eng_Latn")]
    pub source: String,
    /// The language of the translation: a code or name.
    #[schema(example = "lug_Latn")]
    pub target: String,
    /// The machine translation being corrected, kept with the entry.
    pub translation: Option<String>,
    /// The right translation.
    pub correction: String,
    /// The memory to keep it in; `default` when absent.
    pub memory: Option<String>,
}

/// Which corrections to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PendingQuery {
    /// `pending`, the one state a correction waits in.
    pub state: Option<String>,
}

/// Corrections waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingBody {
    /// Oldest first.
    pub corrections: Vec<PendingCorrection>,
}

/// A waiting correction in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CorrectionPath {
    /// Its id, as `POST /v1/corrections` answered it.
    pub id: i64,
}

/// Correct a translation: the sentence's right translation goes into the key's memory and is
/// given, exactly, for that sentence from then on (docs/memory.md); on a server that reviews
/// corrections it waits for a reviewer first (202).
#[utoipa::path(
    post, path = "/v1/corrections", tag = "memory", request_body = CorrectionBody,
    responses(
        (status = 201, description = "Stored", body = CorrectionOutcome),
        (status = 202, description = "Waiting for a reviewer", body = CorrectionOutcome),
        (status = 400, description = "An empty text, an unknown language, a bad memory name", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "A text over 5,000 characters", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn correct(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: CorrectionBody = body::read_json(&request, payload, core.settings.max_body_bytes).await?;
    let owner = owner(&core, &request)?;
    let correction = Correction {
        source: fields::parse_target("source", Some(&body.source))?,
        target: fields::parse_target("target", Some(&body.target))?,
        text: body.text,
        machine: body.translation,
        correction: body.correction,
        memory: body.memory,
    };
    let outcome = core.add_correction(owner, correction).await?;
    Ok(match outcome.id {
        Some(_) => HttpResponse::Accepted().json(outcome),
        None => HttpResponse::Created().json(outcome),
    })
}

/// Corrections waiting for review: every one for a reviewer, the key's own for any other key.
#[utoipa::path(
    get, path = "/v1/corrections", tag = "memory", params(PendingQuery),
    responses(
        (status = 200, description = "The waiting corrections", body = PendingBody),
        (status = 400, description = "A state other than pending", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn pending(
    core: web::Data<Core>,
    request: HttpRequest,
    query: web::Query<PendingQuery>,
) -> Result<HttpResponse, ApiError> {
    match query.state.as_deref().map(str::trim) {
        None | Some("pending") => {}
        Some(other) => {
            return Err(Error::InvalidOption(format!(
                "state: {other:?}; corrections are listed while pending (stored ones are in /v1/memories)"
            ))
            .into())
        }
    }
    let corrections = core.pending_corrections(bearer_key(&request).as_deref()).await?;
    Ok(HttpResponse::Ok().json(PendingBody { corrections }))
}

/// Approve a waiting correction: it goes into its sender's memory.
#[utoipa::path(
    post, path = "/v1/corrections/{id}/approve", tag = "memory", params(CorrectionPath),
    responses(
        (status = 200, description = "Stored", body = CorrectionOutcome),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key, or a key without the reviewer role", body = ErrorBody),
        (status = 404, description = "No such waiting correction", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn approve(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<CorrectionPath>,
) -> Result<HttpResponse, ApiError> {
    decide(&core, &request, path.id, Decision::Approve).await
}

/// Reject a waiting correction: it is deleted, its text gone from disk.
#[utoipa::path(
    post, path = "/v1/corrections/{id}/reject", tag = "memory", params(CorrectionPath),
    responses(
        (status = 200, description = "Rejected and deleted", body = CorrectionOutcome),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key, or a key without the reviewer role", body = ErrorBody),
        (status = 404, description = "No such waiting correction", body = ErrorBody),
        (status = 429, description = "The key's rate is used up", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn reject(
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<CorrectionPath>,
) -> Result<HttpResponse, ApiError> {
    decide(&core, &request, path.id, Decision::Reject).await
}

async fn decide(core: &Core, request: &HttpRequest, id: i64, decision: Decision) -> Result<HttpResponse, ApiError> {
    let outcome = core
        .decide_correction(bearer_key(request).as_deref(), id, decision)
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
