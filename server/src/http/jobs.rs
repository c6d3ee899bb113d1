//! `/v1/jobs`: upload documents (or a zip of them) to translate in the background, follow their
//! progress, download the result as a zip, cancel. The work itself is in `crate::app::jobs`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::owner;
use super::body::{self, Encoding};
use super::error::{ApiError, ErrorBody};
use crate::app::jobs::JobView;
use crate::app::{Core, Error};

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
    /// A glossary of the key's (`/v1/glossaries`) whose terms the translations keep; needs
    /// `source` and a dictionary for each pair.
    glossary: Option<String>,
}

/// A job's id in the path.
#[derive(Debug, Deserialize, IntoParams)]
pub struct JobPath {
    /// The id `POST /v1/jobs` gave.
    pub id: String,
}

/// Start a job: translate documents in the background at bulk priority.
#[utoipa::path(
    post, path = "/v1/jobs", tag = "jobs",
    request_body(content = JobForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Queued; follow it at Location", body = JobView,
            headers(("Location" = String, description = "The job's URL"))),
        (status = 400, description = "No files, a broken zip, unknown language, a glossary without the pair", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 404, description = "No such glossary", body = ErrorBody),
        (status = 413, description = "Over --max-job-bytes", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
        (status = 503, description = "The model is still loading", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn create(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if !matches!(body::encoding(&request), Ok(Encoding::Multipart)) {
        return Err(body::unsupported(&request, "multipart/form-data"));
    }
    let owner = owner(&core, &request)?;
    let (mut files, mut targets, mut source, mut glossary) = (Vec::new(), Vec::new(), None, None);
    for part in body::read_multipart(&request, payload, core.settings.max_job_bytes).await? {
        match part.name.as_str() {
            "file" => {
                let file_name = part
                    .file_name
                    .ok_or_else(|| Error::Invalid("a `file` part without a file name".to_string()))?;
                files.push((file_name, part.bytes));
            }
            "target" | "targets" => targets.extend(
                part.text()
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from),
            ),
            "source" => source = Some(part.text()),
            "glossary" => glossary = Some(part.text()),
            name => {
                return Err(Error::Invalid(format!(
                    "unknown field {name:?}: expected file, target, source, glossary"
                ))
                .into())
            }
        }
    }
    let view = core
        .create_job(owner, files, &targets, source.as_deref(), glossary.as_deref())
        .await?;
    tracing::info!(job = %view.id, files = view.progress.total, "job created");
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/v1/jobs/{}", view.id)))
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
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    Ok(HttpResponse::Ok().json(core.jobs.view(&path.id, owner.as_deref()).await.map_err(Error::from)?))
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
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    let (zip, length) = core
        .jobs
        .result(&path.id, owner.as_deref())
        .await
        .map_err(Error::from)?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"tolk-job-{}.zip\"", path.id),
        ))
        .no_chunking(length)
        .streaming(file_chunks(zip)))
}

/// Bytes read from a file at a time while it is sent.
const CHUNK: usize = 64 * 1024;

/// A file sent as it is read, a chunk at a time on a blocking thread: a large result never sits
/// in memory, however many download it at once.
fn file_chunks(file: std::fs::File) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some(file), |state| async move {
        let mut file = state?;
        let read = web::block(move || {
            let mut chunk = vec![0; CHUNK];
            let n = std::io::Read::read(&mut file, &mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await;
        match read {
            Ok(Ok((_, chunk))) if chunk.is_empty() => None,
            Ok(Ok((file, chunk))) => Some((Ok(web::Bytes::from(chunk)), Some(file))),
            Ok(Err(e)) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            Err(e) => Some((Err(e.into()), None)),
        }
    })
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
    core: web::Data<Core>,
    request: HttpRequest,
    path: web::Path<JobPath>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner(&core, &request)?;
    core.jobs
        .delete(&path.id, owner.as_deref())
        .await
        .map_err(Error::from)?;
    tracing::info!(job = %path.id, "job deleted");
    Ok(HttpResponse::NoContent().finish())
}
