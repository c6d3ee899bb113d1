//! The HTTP adapters of `tolk serve`: each API module reads its requests, asks the application
//! core (`crate::app`) and shapes the answers; none imports another. A request goes: [`auth`] and
//! [`body`] (find the key, read and parse) → an endpoint module ([`v1`], [`stream`] and [`jobs`]
//! for Tolk's own API, [`libre`] and [`files`] for LibreTranslate's, [`deepl`] for DeepL's,
//! [`operations`], [`docs`]) → the core → the answer. Failures become responses in [`error`]
//! only, through its one table of codes and statuses.

mod auth;
mod body;
mod corrections;
mod deepl;
mod docs;
pub mod error;
mod files;
mod glossaries;
mod jobs;
mod libre;
mod memory;
pub mod metrics;
mod openapi;
mod operations;
mod shapes;
mod stream;
mod tls;
mod v1;

use std::time::Instant;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Condition, DefaultHeaders, Next};
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing::Instrument;

use crate::app::{Core, Error};
use crate::settings::Settings;
use error::{ApiError, Shape};
use metrics::HttpMetrics;

/// Runs the server until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub fn serve(settings: Settings) -> Result<(), String> {
    let core = web::Data::new(Core::start(settings.clone())?);
    let metrics = web::Data::new(HttpMetrics::default());
    actix_web::rt::System::new().block_on(async move {
        let (app_core, app_metrics) = (core.clone(), metrics.clone());
        let server = HttpServer::new(move || app(app_core.clone(), app_metrics.clone()))
            .workers(settings.http_workers)
            .shutdown_timeout(settings.shutdown_timeout.as_secs());
        let address = (settings.host.as_str(), settings.port);
        let cannot = |e: std::io::Error| format!("cannot listen on {}:{}: {e}", settings.host, settings.port);
        let (server, scheme) = match &settings.tls {
            Some((cert, key)) => (
                server
                    .bind_rustls_0_23(address, tls::config(cert, key)?)
                    .map_err(cannot)?,
                "https",
            ),
            None => (server.bind(address).map_err(cannot)?, "http"),
        };
        for address in server.addrs() {
            // Tests and scripts read this line to find a port chosen by the system (--port 0).
            eprintln!("tolk: listening on {scheme}://{address}");
            tracing::info!(%address, "listening");
        }
        let running = server.run();
        // Load the models in the background, default first: /healthz answers at once and
        // /readyz tells when translation is possible, which is what orchestrators expect.
        core.models.load_in_background()?;
        running.await.map_err(|e| format!("the server stopped: {e}"))
    })
}

/// The application: routes, middleware and error handlers around `core`, counting requests in
/// `metrics`. Public so that tests run it in-process.
pub fn app(
    core: web::Data<Core>,
    metrics: web::Data<HttpMetrics>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let origins = core.settings.cors_origins.clone().unwrap_or_default();
    let mut cors = cors_policy();
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin();
    } else {
        for origin in &origins {
            cors = cors.allowed_origin(origin);
        }
    }
    // LibreTranslate answers every origin, and browser extensions and web apps built on it rely
    // on that; Tolk does the same on its paths while no key could be taken from a page. Once keys
    // are configured, or origins are named, CORS is only what the operator says.
    let libre_open = core.settings.cors_origins.is_none() && core.keys.is_none();
    let libre = move |resource: actix_web::Resource| {
        resource.wrap(Condition::new(
            libre_open,
            cors_policy().allow_any_origin().send_wildcard(),
        ))
    };
    let query_errors = web::QueryConfig::default()
        .error_handler(|error, _| ApiError::InvalidBody(format!("invalid query string: {error}")).into());
    let path_errors = web::PathConfig::default().error_handler(|error, request| {
        let response =
            Shape::of_path(request.path()).respond(ApiError::App(Error::NotFound(format!("invalid path: {error}"))));
        actix_web::error::InternalError::from_response(error, response).into()
    });
    App::new()
        .app_data(core)
        .app_data(metrics)
        .app_data(query_errors)
        .app_data(path_errors)
        .wrap(Condition::new(!origins.is_empty(), cors))
        .wrap(security_headers())
        .wrap(from_fn(log_request))
        .service(post("/v1/translate", v1::translate))
        .service(post("/v1/translate/stream", stream::translate_stream))
        .service(post("/v1/detect", v1::detect))
        .service(get("/v1/languages", v1::languages))
        .service(get("/v1/languages/resolve", v1::resolve_language))
        .service(get("/v1/models", v1::models))
        .service(get("/healthz", operations::healthz))
        .service(get("/readyz", operations::readyz))
        .service(get("/metrics", operations::metrics))
        .service(get("/v1/settings", v1::settings))
        .service(post("/v1/jobs", jobs::create))
        .service(
            resource("/v1/jobs/{id}", "GET, DELETE")
                .route(web::get().to(jobs::get))
                .route(web::delete().to(jobs::delete)),
        )
        .service(get("/v1/jobs/{id}/result", jobs::result))
        .service(
            resource("/v1/corrections", "GET, POST")
                .route(web::get().to(corrections::pending))
                .route(web::post().to(corrections::correct)),
        )
        .service(post("/v1/corrections/{id}/approve", corrections::approve))
        .service(post("/v1/corrections/{id}/reject", corrections::reject))
        .service(
            resource("/v1/glossaries", "GET, POST")
                .route(web::get().to(glossaries::list))
                .route(web::post().to(glossaries::create)),
        )
        .service(
            resource("/v1/glossaries/{id}", "GET, PUT, DELETE")
                .route(web::get().to(glossaries::get))
                .route(web::put().to(glossaries::replace))
                .route(web::delete().to(glossaries::delete)),
        )
        .service(get("/v1/glossaries/{id}/entries", glossaries::entries))
        .service(get("/v1/memories", memory::list))
        .service(
            resource("/v1/memories/{id}/entries", "GET, POST")
                .route(web::get().to(memory::entries))
                .route(web::post().to(memory::import)),
        )
        .service(resource("/v1/memories/{id}/entries/{entry}", "DELETE").route(web::delete().to(memory::delete_entry)))
        .service(resource("/v1/memories/{id}", "DELETE").route(web::delete().to(memory::delete)))
        .service(get("/", docs::page))
        .service(get("/app/{file}", docs::page_asset))
        .service(libre(post("/translate", libre::translate)))
        .service(libre(post("/detect", libre::detect)))
        .service(libre(get("/languages", libre::languages)))
        .service(libre(post("/translate_file", files::translate_file)))
        .service(libre(get("/download_file/{id}/{name}", files::download_file)))
        .service(libre(get("/frontend/settings", libre::frontend_settings)))
        .service(libre(post("/suggest", libre::suggest)))
        // LibreTranslate's health check (its Docker image asks it): the same answer as /healthz.
        .service(libre(get("/health", operations::healthz)))
        .service(libre(get("/spec", openapi::document)))
        .service(post("/v2/translate", deepl::translate))
        .service(get_or_post("/v2/languages", deepl::languages))
        .service(get_or_post("/v2/usage", deepl::usage))
        .service(
            resource("/v2/glossaries", "GET, POST")
                .route(web::get().to(deepl::glossaries::list))
                .route(web::post().to(deepl::glossaries::create)),
        )
        .service(
            resource("/v2/glossaries/{id}", "GET, DELETE")
                .route(web::get().to(deepl::glossaries::get))
                .route(web::delete().to(deepl::glossaries::delete)),
        )
        .service(get("/v2/glossaries/{id}/entries", deepl::glossaries::entries))
        .service(get("/v2/glossary-language-pairs", deepl::glossaries::pairs))
        .service(
            resource("/v3/glossaries", "GET, POST")
                .route(web::get().to(deepl::glossaries_v3::list))
                .route(web::post().to(deepl::glossaries_v3::create)),
        )
        .service(
            resource("/v3/glossaries/{id}", "GET, PATCH, DELETE")
                .route(web::get().to(deepl::glossaries_v3::get))
                .route(web::patch().to(deepl::glossaries_v3::patch))
                .route(web::delete().to(deepl::glossaries_v3::delete)),
        )
        .service(get("/v3/glossaries/{id}/entries", deepl::glossaries_v3::entries))
        .service(
            resource("/v3/glossaries/{id}/dictionaries", "PUT, DELETE")
                .route(web::put().to(deepl::glossaries_v3::replace_dictionary))
                .route(web::delete().to(deepl::glossaries_v3::delete_dictionary)),
        )
        .service(post("/v2/document", deepl::documents::upload))
        .service(post("/v2/document/{id}", deepl::documents::status))
        .service(post("/v2/document/{id}/result", deepl::documents::result))
        .service(get("/openapi.json", openapi::document))
        .service(get("/docs", docs::docs_page))
        .service(get("/docs/", docs::docs_page))
        .service(get("/docs/{file}", docs::docs_asset))
        .default_service(web::to(not_found))
}

/// What a browser may do across origins, wherever CORS is on; the origins are added by the caller.
fn cors_policy() -> Cors {
    Cors::default()
        .allowed_methods(["GET", "POST", "DELETE", "OPTIONS"])
        .allow_any_header()
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(3600)
}

/// Headers every response carries: pages run only the server's own scripts and talk only to
/// it (so markup that arrives inside a translation cannot run), and browsers neither sniff
/// content types nor send the page's address elsewhere. Styles may be inline because the
/// embedded docs page sets them from script.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
             form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
}

/// A resource whose other methods get a 405 with the methods it takes.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move |request: actix_web::HttpRequest| async move {
        method_not_allowed(request, allow)
    }))
}

fn post<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path, "POST").route(web::post().to(handler))
}

fn get<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path, "GET").route(web::get().to(handler))
}

/// LibreTranslate and DeepL accept both methods on their listing endpoints, and clients use both.
fn get_or_post<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    resource(path, "GET, POST")
        .route(web::get().to(handler.clone()))
        .route(web::post().to(handler))
}

/// An unknown path, answered in the shape of the API its prefix belongs to.
async fn not_found(request: actix_web::HttpRequest) -> HttpResponse {
    Shape::of_path(request.path()).respond(ApiError::App(Error::NotFound(request.path().to_string())))
}

fn method_not_allowed(request: actix_web::HttpRequest, allow: &'static str) -> HttpResponse {
    Shape::of_path(request.path()).respond(ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        path: request.path().to_string(),
        allow,
    })
}

/// Gives every request an id (the client's `X-Request-Id` if it sent a sane one), logs one
/// line per request with it, echoes it in the response, and counts responses.
async fn log_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(new_request_id);
    let metrics = request.app_data::<web::Data<HttpMetrics>>().cloned();
    if let Some(metrics) = &metrics {
        metrics.started();
    }
    let method = request.method().to_string();
    let path = request.path().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("request", id = %id);
    let result = next.call(request).instrument(span).await;
    let status = match &result {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    if let Some(metrics) = &metrics {
        metrics.answered(status);
    }
    tracing::info!(
        request_id = %id,
        %method,
        %path,
        status,
        ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
        "request"
    );
    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}

fn new_request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{:08x}{:06x}", nanos, n & 0xff_ffff)
}
