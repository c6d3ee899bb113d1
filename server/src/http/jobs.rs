//! `/v1/jobs`: upload documents (or a zip of them) to translate in the background, follow their
//! progress, download the result as a zip, cancel. The work itself is in `crate::jobs`.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use langs::LangCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body::{self, Encoding};
use super::error::{ApiError, ErrorBody};
use super::state::AppState;
use super::v1::{admit, bearer_key};
use crate::jobs::{JobError, JobView, Jobs};

/// The multipart form `POST /v1/jobs` reads (described for the OpenAPI document).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct JobForm {
    /// A document, or a zip of documents and folders; repeat for several.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
    /// Target languages: repeat the field or separate with commas (`fra_Latn,spa_Latn`).
    target: String,
    /// Source language, or `auto` (default) to detect each file's.
    source: Option<String>,
}

/// A job's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct JobPath {
    /// The id `POST /v1/jobs` gave.
    pub id: String,
}

impl From<JobError> for ApiError {
    fn from(error: JobError) -> Self {
        match error {
            JobError::Invalid(message) => ApiError::InvalidBody(message),
            JobError::NotFound(id) => ApiError::NotFound(format!("job {id}")),
            JobError::NotFinished(_) => ApiError::NotFinished(error.to_string()),
            JobError::Store(e) => ApiError::Internal(e.to_string()),
        }
    }
}

fn jobs(state: &AppState) -> Result<&Jobs, ApiError> {
    state.jobs.get().ok_or(ApiError::NotReady)
}

/// Checks the key and names the jobs it may see: with keys on, each key sees its own jobs only
/// (by the key's SHA-256, never the key itself); with keys off, a job's random id is enough.
fn owner(state: &AppState, request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let key = bearer_key(request);
    admit(state, key.as_deref(), 0)?;
    Ok(state.keys.as_ref().and(key).map(|key| {
        use sha2::Digest;
        sha2::Sha256::digest(key.trim().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }))
}

/// Start a job: translate documents in the background at bulk priority.
#[utoipa::path(
    post, path = "/v1/jobs", tag = "jobs",
    request_body(content = JobForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Queued; follow it at Location", body = JobView,
            headers(("Location" = String, description = "The job's URL"))),
        (status = 400, description = "No files, a broken zip, unknown language", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over --max-job-bytes", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if body::encoding(&request)? != Encoding::Multipart {
        return Err(ApiError::UnsupportedMediaType(
            "send the files as multipart/form-data".to_string(),
        ));
    }
    let owner = owner(&state, &request)?;
    let limit = state.settings.max_job_bytes;
    let mut multipart = Multipart::new(request.headers(), payload.into_inner());
    let (mut files, mut targets, mut source) = (Vec::new(), Vec::new(), None);
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| ApiError::InvalidBody(format!("broken multipart body: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::InvalidBody(format!("broken multipart body: {e}")))?;
            total += chunk.len();
            // Counted as it streams in: a huge upload is refused at the limit, not after.
            if total > limit {
                return Err(ApiError::BodyTooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "file" => {
                let file_name =
                    file_name.ok_or_else(|| ApiError::InvalidBody("a `file` part without a file name".to_string()))?;
                files.push((file_name, bytes));
            }
            "target" | "targets" => targets.extend(
                text()
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from),
            ),
            "source" => source = Some(text()),
            _ => {
                return Err(ApiError::InvalidBody(format!(
                    "unknown field {name:?}: expected file, target, source"
                )))
            }
        }
    }
    if targets.is_empty() {
        return Err(ApiError::Missing(
            "target: the language(s) to translate into".to_string(),
        ));
    }
    let mut codes: Vec<LangCode> = Vec::new();
    for target in &targets {
        let code = LangCode::parse(target).map_err(|error| ApiError::UnknownLanguage { field: "target", error })?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let source = match source.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(auto) if auto.eq_ignore_ascii_case("auto") => None,
        Some(code) => {
            Some(LangCode::parse(code).map_err(|error| ApiError::UnknownLanguage { field: "source", error })?)
        }
    };
    let model = state.model(None)?;
    for code in codes.iter().chain(source.iter()) {
        if !model.pool.translator().languages().contains(code) {
            return Err(ApiError::LanguageNotInModel(format!("the model has no {code}")));
        }
    }
    let id = jobs(&state)?
        .create(files, source, codes, &model.pool, owner.clone())
        .await?;
    let view = jobs(&state)?.view(&id, owner.as_deref()).await?;
    tracing::info!(job = %id, files = view.progress.total, "job created");
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/jobs/{id}")))
        .json(view))
}

/// A job's state and each file's progress.
#[utoipa::path(
    get, path = "/v1/jobs/{id}", tag = "jobs", params(JobPath),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such job (deleted, or another key's)", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&state, &request)?;
    Ok(HttpResponse::Ok().json(jobs(&state)?.view(&path.id, owner.as_deref()).await?))
}

/// A finished job's translations: a zip of `TARGET/PATH` files and `report.json`.
#[utoipa::path(
    get, path = "/v1/jobs/{id}/result", tag = "jobs", params(JobPath),
    responses(
        (status = 200, description = "The zip", body = Vec<u8>, content_type = "application/zip"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "Not finished yet", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn result(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&state, &request)?;
    let zip = jobs(&state)?.result(&path.id, owner.as_deref()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"tolk-job-{}.zip\"", path.id),
        ))
        .body(zip))
}

/// Cancel a job and delete its files and results.
#[utoipa::path(
    delete, path = "/v1/jobs/{id}", tag = "jobs", params(JobPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&state, &request)?;
    jobs(&state)?.delete(&path.id, owner.as_deref()).await?;
    tracing::info!(job = %path.id, "job deleted");
    Ok(HttpResponse::NoContent().finish())
}
