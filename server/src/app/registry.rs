//! The models a server serves: each loads in the background (so the process answers health checks
//! at once), says whether it is ready, and is found by name, the first being the default.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use translator::{Pool, PoolConfig, QueueLimits, Translator, TranslatorConfig};

use super::error::Error;
use crate::settings::{ModelSpec, Settings};

/// A loaded model and its pool.
pub struct Model {
    /// The name requests pick it by.
    pub id: String,
    /// The pool serving it: each model batches its own requests.
    pub pool: Pool,
}

impl Model {
    /// Refuses any of `codes` the model cannot translate from or into.
    pub fn require_languages<'a>(&self, codes: impl IntoIterator<Item = &'a langs::LangCode>) -> Result<(), Error> {
        let known = self.pool.translator().languages();
        match codes.into_iter().find(|code| !known.contains(code)) {
            Some(code) => Err(Error::LanguageNotInModel(format!("the model has no {code}"))),
            None => Ok(()),
        }
    }
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
    fn set(&self, model: Result<Model, String>) {
        let _ = self.loaded.set(model.map(Arc::new));
    }
}

/// How each model's translator and pool are set up.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// CTranslate2 threads per replica.
    pub threads: usize,
    /// Copies of each model.
    pub replicas: usize,
    /// Sentences that may wait in each model's queue.
    pub queue_sentences: usize,
    /// Bytes of cached sentence translations per model.
    pub cache_bytes: usize,
    /// How long bulk work waits behind interactive work at most.
    pub bulk_max_wait: std::time::Duration,
    /// The limits of the quality checks.
    pub quality: translator::quality::QualityThresholds,
    /// Tests only: a fault injected into engine calls.
    pub engine_fault: Option<translator::EngineFault>,
}

impl PoolSettings {
    /// The pool part of a server's settings.
    pub fn from_settings(settings: &Settings) -> PoolSettings {
        PoolSettings {
            threads: settings.threads,
            replicas: settings.replicas,
            queue_sentences: settings.queue_sentences,
            cache_bytes: settings.cache_bytes,
            bulk_max_wait: settings.bulk_max_wait,
            quality: settings.quality,
            engine_fault: settings.engine_fault.clone(),
        }
    }
}

/// The models, the default one first.
pub struct ModelRegistry {
    slots: Vec<ModelSlot>,
    pools: PoolSettings,
}

impl ModelRegistry {
    /// A registry of `specs`, none loaded yet.
    pub fn new(specs: &[ModelSpec], pools: PoolSettings) -> ModelRegistry {
        let slots = specs
            .iter()
            .map(|spec| ModelSlot {
                spec: spec.clone(),
                loaded: OnceLock::new(),
            })
            .collect();
        ModelRegistry { slots, pools }
    }

    /// Every model, the default first, loaded or not.
    pub fn slots(&self) -> &[ModelSlot] {
        &self.slots
    }

    /// Loads every model not loaded yet, default first, logging each outcome; blocks.
    pub fn load_all(&self) {
        for slot in &self.slots {
            if slot.loaded.get().is_some() {
                continue;
            }
            let started = Instant::now();
            let result = load_model(&self.pools, &slot.spec);
            let failure = result.as_ref().err().cloned();
            // Ready before saying so: tests and operators act on this line.
            slot.set(result);
            let name = &slot.spec.name;
            match failure {
                None => tracing::info!(model = %name, seconds = started.elapsed().as_secs_f64(), "model loaded"),
                Some(error) => tracing::error!(model = %name, %error, "the model failed to load"),
            }
        }
    }

    /// Loads the models on a thread of their own, so that the caller goes on at once.
    pub fn load_in_background(self: &Arc<Self>) -> Result<(), String> {
        let registry = Arc::clone(self);
        std::thread::Builder::new()
            .name("tolk-load".into())
            .spawn(move || registry.load_all())
            .map(|_| ())
            .map_err(|e| format!("cannot start the loading thread: {e}"))
    }

    /// The model called `name` (the default one for `None`), or why not: an unknown name, or a
    /// model still loading (or failed to).
    pub fn model(&self, name: Option<&str>) -> Result<Arc<Model>, Error> {
        let slot = match name.map(str::trim).filter(|n| !n.is_empty()) {
            None => self.slots.first(),
            Some(name) => self.slots.iter().find(|slot| slot.spec.name == name),
        };
        let Some(slot) = slot else {
            let known: Vec<&str> = self.slots.iter().map(|s| s.spec.name.as_str()).collect();
            return Err(Error::UnknownModel(format!(
                "unknown model {:?}; this server has {}",
                name.unwrap_or_default(),
                known.join(", ")
            )));
        };
        match slot.loading() {
            Loading::Ready(model) => Ok(model),
            Loading::Pending | Loading::Failed(_) => Err(Error::NotReady),
        }
    }

    /// The default model if it is loaded.
    pub fn default_model(&self) -> Option<Arc<Model>> {
        self.model(None).ok()
    }
}

fn load_model(settings: &PoolSettings, spec: &ModelSpec) -> Result<Model, String> {
    let config = TranslatorConfig {
        threads: settings.threads,
        replicas: settings.replicas,
        quality: settings.quality,
        fault: settings.engine_fault.clone(),
        ..TranslatorConfig::default()
    };
    let translator = Translator::open(&spec.dir, config).map_err(|e| e.to_string())?;
    let id = spec.name.clone();
    let pool = Pool::new(
        Arc::new(translator),
        PoolConfig {
            model_id: id.clone(),
            queue: QueueLimits {
                max_sentences: settings.queue_sentences,
                ..QueueLimits::default()
            },
            cache_bytes: settings.cache_bytes,
            bulk_max_wait: settings.bulk_max_wait,
            ..PoolConfig::default()
        },
    )
    .map_err(|e| format!("cannot start the worker threads: {e}"))?;
    Ok(Model { id, pool })
}
