//! What every request handler shares: settings, the models once loaded, keys, files.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use translator::Pool;

use super::error::ApiError;
use super::files::FileStore;
use super::keys::Keys;
use super::metrics::HttpMetrics;
use crate::settings::{ModelSpec, Settings};

/// A loaded model and its pool.
pub struct Model {
    /// The name requests pick it by.
    pub id: String,
    /// The pool serving it: each model batches its own requests.
    pub pool: Pool,
}

/// Where loading one model stands.
pub enum Loading {
    /// Still loading.
    Pending,
    /// Ready.
    Ready(Arc<Model>),
    /// Failed; requests for it answer 503 and the log says why.
    Failed(String),
}

/// One model the server was asked to serve.
pub struct ModelSlot {
    /// Its name and directory.
    pub spec: ModelSpec,
    loaded: OnceLock<Result<Arc<Model>, String>>,
}

impl ModelSlot {
    /// Where loading stands.
    pub fn loading(&self) -> Loading {
        match self.loaded.get() {
            None => Loading::Pending,
            Some(Ok(model)) => Loading::Ready(Arc::clone(model)),
            Some(Err(error)) => Loading::Failed(error.clone()),
        }
    }

    /// Records the outcome of loading it.
    pub fn set(&self, model: Result<Model, String>) {
        let _ = self.loaded.set(model.map(Arc::new));
    }
}

/// Shared by all handlers.
pub struct AppState {
    /// The server's settings.
    pub settings: Settings,
    /// The models, the default one first.
    pub models: Vec<ModelSlot>,
    /// API keys and their usage; `None` when keys are off.
    pub keys: Option<Keys>,
    /// Translated files waiting to be downloaded.
    pub files: FileStore,
    /// Request counters.
    pub http: HttpMetrics,
    /// When the server started.
    pub started: Instant,
    /// Background jobs, once their database is open.
    pub jobs: OnceLock<crate::jobs::Jobs>,
}

impl AppState {
    /// State with no model loaded yet.
    pub fn new(settings: Settings, keys: Option<Keys>) -> AppState {
        let models = settings
            .models
            .iter()
            .map(|spec| ModelSlot {
                spec: spec.clone(),
                loaded: OnceLock::new(),
            })
            .collect();
        AppState {
            settings,
            models,
            keys,
            files: FileStore::new(),
            http: HttpMetrics::default(),
            started: Instant::now(),
            jobs: OnceLock::new(),
        }
    }

    /// The model called `name` (the default one for `None`), or why not: 400 for a name this
    /// server does not serve, 503 while it loads.
    pub fn model(&self, name: Option<&str>) -> Result<Arc<Model>, ApiError> {
        let slot = match name.map(str::trim).filter(|n| !n.is_empty()) {
            None => self.models.first(),
            Some(name) => self.models.iter().find(|slot| slot.spec.name == name),
        };
        let Some(slot) = slot else {
            let known: Vec<&str> = self.models.iter().map(|s| s.spec.name.as_str()).collect();
            return Err(ApiError::UnknownModel(format!(
                "unknown model {:?}; this server has {}",
                name.unwrap_or_default(),
                known.join(", ")
            )));
        };
        match slot.loading() {
            Loading::Ready(model) => Ok(model),
            Loading::Pending | Loading::Failed(_) => Err(ApiError::NotReady),
        }
    }

    /// The default model if it is loaded.
    pub fn default_model(&self) -> Option<Arc<Model>> {
        self.model(None).ok()
    }
}
