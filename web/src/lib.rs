//! Static assets served by `tolk serve`, embedded into the binary so that a server with no
//! internet access serves complete pages: the API docs page now, the web page with its issue.

use std::borrow::Cow;

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// One embedded file.
pub struct Asset {
    /// Its bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Its media type, for `Content-Type`.
    pub content_type: &'static str,
}

/// The embedded file at `path` (relative, e.g. `docs/index.html`), if there is one.
pub fn asset(path: &str) -> Option<Asset> {
    let file = Assets::get(path)?;
    Some(Asset {
        bytes: file.data,
        content_type: content_type(path),
    })
}

/// The handful of types the assets use; a full MIME table would be a dependency for nothing.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webp") => "image/webp",
        Some("woff2") => "font/woff2",
        Some("webmanifest") => "application/manifest+json",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_page_and_its_script_are_embedded() {
        let page = asset("docs/index.html").expect("docs page");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        let html = std::str::from_utf8(&page.bytes).unwrap();
        assert!(html.contains("/openapi.json"));
        let script = asset("docs/rapidoc-min.js").expect("docs script");
        assert!(script.bytes.len() > 100_000);
        assert!(asset("docs/missing.js").is_none());
    }

    #[test]
    fn translation_page_and_its_assets_are_embedded() {
        let page = asset("index.html").expect("index page");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        let html = std::str::from_utf8(&page.bytes).unwrap();
        for linked in ["/app/app.js", "/app/style.css", "/app/icon.svg"] {
            assert!(html.contains(linked), "{linked}");
            let file = linked.trim_start_matches('/');
            assert!(asset(file).is_some(), "{file} is embedded");
        }
        // The CSP forbids inline scripts, so the page must have none.
        assert!(!html.contains("<script>"));
        assert_eq!(
            asset("app/app.js").unwrap().content_type,
            "text/javascript; charset=utf-8"
        );
        assert_eq!(asset("app/style.css").unwrap().content_type, "text/css; charset=utf-8");
        assert_eq!(asset("app/icon.svg").unwrap().content_type, "image/svg+xml");
    }

    #[test]
    fn content_types_cover_the_web_formats() {
        assert_eq!(content_type("a/b.woff2"), "font/woff2");
        assert_eq!(content_type("x.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x.ico"), "image/x-icon");
        assert_eq!(content_type("x.json"), "application/json");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
