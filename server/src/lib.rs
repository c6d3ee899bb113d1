//! Tolk's server as a library: the application core ([`app`]: models, translation, documents,
//! jobs, keys), its HTTP adapters ([`http`]: Tolk's API, LibreTranslate's and DeepL's), the
//! server's [`settings`] and the model [`models`] catalogue and downloads. The `tolk` binary
//! (`main.rs` and `commands/`) parses the command line and calls this; tests run the HTTP app
//! in-process through [`http::app`].
//!
//! Dependencies point one way: `http` → `app` → `translator` → `langs`; `app` knows no HTTP.

pub mod app;
pub mod http;
pub mod models;
pub mod settings;
