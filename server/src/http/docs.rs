//! The web page and the interactive API docs page, served from assets embedded in the binary, so
//! that both work offline.

use actix_web::http::header;
use actix_web::{web, HttpResponse, ResponseError};

use super::error::ApiError;
use crate::app::Error;

/// The web page.
pub async fn page() -> HttpResponse {
    serve_asset("index.html")
}

/// The web page's scripts, styles and fonts.
pub async fn page_asset(file: web::Path<String>) -> HttpResponse {
    serve_asset(&format!("app/{file}"))
}

/// The docs page.
pub async fn docs_page() -> HttpResponse {
    serve_asset("docs/index.html")
}

/// The docs page's script and license.
pub async fn docs_asset(file: web::Path<String>) -> HttpResponse {
    serve_asset(&format!("docs/{file}"))
}

fn serve_asset(path: &str) -> HttpResponse {
    match ::web::asset(path) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            // Pages are checked on every visit so a new version shows at once; their assets
            // may be cached for an hour.
            .insert_header((
                header::CACHE_CONTROL,
                if path.ends_with(".html") {
                    "no-cache"
                } else {
                    "public, max-age=3600"
                },
            ))
            .body(asset.bytes.into_owned()),
        None => ApiError::App(Error::NotFound(path.to_string())).error_response(),
    }
}
