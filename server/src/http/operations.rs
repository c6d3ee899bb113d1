//! Operations: health, readiness and Prometheus metrics, for orchestrators and monitoring.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::metrics::{self, HttpMetrics};
use crate::app::registry::Loading;
use crate::app::Core;

/// Health or readiness.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusBody {
    /// `ok`, `ready`, `loading` or `failed`.
    pub status: String,
    /// Why loading failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl StatusBody {
    fn new(status: &str) -> StatusBody {
        StatusBody {
            status: status.to_string(),
            detail: None,
        }
    }
}

/// Whether the process is up (it answers even while the model loads).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up", body = StatusBody)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(StatusBody::new("ok"))
}

/// Whether every model is loaded and requests will be translated.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = StatusBody),
        (status = 503, description = "Loading, or loading failed", body = StatusBody),
    ))]
pub async fn readyz(core: web::Data<Core>) -> HttpResponse {
    let mut pending = false;
    for slot in core.models.slots() {
        match slot.loading() {
            Loading::Ready(_) => {}
            Loading::Pending => pending = true,
            Loading::Failed(detail) => {
                return HttpResponse::ServiceUnavailable().json(StatusBody {
                    status: "failed".into(),
                    detail: Some(format!("{}: {detail}", slot.spec.name)),
                })
            }
        }
    }
    if pending {
        HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(StatusBody::new("loading"))
    } else {
        HttpResponse::Ok().json(StatusBody::new("ready"))
    }
}

/// Prometheus metrics: queue, batches, engine, cache, responses.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(core: web::Data<Core>, http: web::Data<HttpMetrics>) -> HttpResponse {
    let snapshots: Vec<(String, translator::MetricsSnapshot)> = core
        .models
        .slots()
        .iter()
        .filter_map(|slot| match slot.loading() {
            Loading::Ready(model) => Some((model.id.clone(), model.pool.metrics())),
            _ => None,
        })
        .collect();
    let text = metrics::render(
        &http,
        &snapshots,
        core.models.slots().len(),
        core.started.elapsed().as_secs_f64(),
    );
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text)
}
