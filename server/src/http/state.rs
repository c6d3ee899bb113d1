//! What every request handler shares: settings, the model once loaded, keys, files.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use translator::Pool;

use super::error::ApiError;
use super::files::FileStore;
use super::keys::Keys;
use super::metrics::HttpMetrics;
use crate::settings::Settings;

/// The loaded model and its pool.
pub struct Model {
    /// The model's name: its directory's name.
    pub id: String,
    /// The pool serving it.
    pub pool: Pool,
}

/// Where loading the model stands.
pub enum Loading {
    /// Still loading.
    Pending,
    /// Ready.
    Ready(Arc<Model>),
    /// Failed; the server answers 503 and logs why.
    Failed(String),
}

/// Shared by all handlers.
pub struct AppState {
    /// The server's settings.
    pub settings: Settings,
    model: OnceLock<Result<Arc<Model>, String>>,
    /// API keys and their usage; `None` when keys are off.
    pub keys: Option<Keys>,
    /// Translated files waiting to be downloaded.
    pub files: FileStore,
    /// Request counters.
    pub http: HttpMetrics,
    /// When the server started.
    pub started: Instant,
}

impl AppState {
    /// State with the model not loaded yet.
    pub fn new(settings: Settings, keys: Option<Keys>) -> AppState {
        AppState {
            settings,
            model: OnceLock::new(),
            keys,
            files: FileStore::new(),
            http: HttpMetrics::default(),
            started: Instant::now(),
        }
    }

    /// Records the outcome of loading the model.
    pub fn set_model(&self, model: Result<Model, String>) {
        let _ = self.model.set(model.map(Arc::new));
    }

    /// Where loading stands.
    pub fn loading(&self) -> Loading {
        match self.model.get() {
            None => Loading::Pending,
            Some(Ok(model)) => Loading::Ready(Arc::clone(model)),
            Some(Err(error)) => Loading::Failed(error.clone()),
        }
    }

    /// The model, or 503 while it is not loaded.
    pub fn model(&self) -> Result<Arc<Model>, ApiError> {
        match self.loading() {
            Loading::Ready(model) => Ok(model),
            Loading::Pending | Loading::Failed(_) => Err(ApiError::NotReady),
        }
    }
}
