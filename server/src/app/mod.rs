//! The application core: what a Tolk server does, whoever asks (the HTTP adapters in `http/`, the
//! command line, tests). It knows no HTTP: its operations take domain values and answer domain
//! values or an [`Error`].
//!
//! - [`registry`]: the models, loaded in the background, found by name.
//! - [`translation`]: texts (plain or HTML) translated through a model's pool, languages detected.
//! - [`documents`]: a parsed document translated through a pool.
//! - [`jobs`]: documents translated in the background, durable in a database.
//! - [`quality`]: a translated document's quality, summed from its sentences'.
//! - [`memory`]: the community's translation memory: corrections in (reviewed or not), exact
//!   and fuzzy matches out, TMX and TSV in and out.
//! - [`glossary`]: glossaries: a community's terms kept through translation.
//! - [`keys`]: API keys, their rates and quotas, and the owner ids of what keys store.
//! - [`evaluation`]: a model scored on a test set (chrF++, BLEU, flagged share), for `tolk eval`.
//! - [`files`]: one uploaded file translated for download; [`downloads`] keeps it for a while.

pub mod documents;
pub mod downloads;
pub mod error;
pub mod evaluation;
pub mod fields;
pub mod files;
pub mod glossary;
pub mod handoff;
pub mod jobs;
pub mod keys;
pub mod memory;
pub mod quality;
pub mod registry;
pub mod translation;

use std::sync::Arc;
use std::time::Instant;

use langs::LangCode;

pub use error::Error;

use crate::settings::Settings;
use downloads::Downloads;
use jobs::{JobSettings, JobView, Jobs};
use keys::{KeyLimits, Keys};
use registry::{ModelRegistry, PoolSettings};

/// The tables of the services that keep their data in the job database: the translation
/// memory's and the glossaries'.
pub fn service_tables(id_column: &str) -> Vec<String> {
    let mut statements = memory::store::create_statements(id_column);
    statements.extend(glossary::store::create_statements());
    statements
}

/// One server's application: its settings, models, keys, jobs and downloads.
pub struct Core {
    /// The server's settings.
    pub settings: Settings,
    /// The models, the default one first.
    pub models: Arc<ModelRegistry>,
    /// API keys and their usage; `None` when keys are off.
    pub keys: Option<Keys>,
    /// Translated files waiting to be downloaded.
    pub downloads: Downloads,
    /// Background jobs.
    pub jobs: Jobs,
    /// When the server started.
    pub started: Instant,
    /// The translation memory's fuzzy indexes.
    pub fuzzy: Arc<memory::fuzzy::FuzzyCache>,
    /// Stored glossaries' compiled terms.
    pub glossary_cache: glossary::cache::TermsCache,
}

impl Core {
    /// Checks the settings, reads the keys and opens the job database; the models are not loaded
    /// yet (see [`ModelRegistry::load_all`] and [`ModelRegistry::load_in_background`]).
    pub fn start(settings: Settings) -> Result<Core, String> {
        let keys = Keys::load(
            &settings.api_keys,
            settings.api_keys_file.as_deref(),
            KeyLimits {
                requests_per_minute: settings.key_requests_per_minute,
                chars_per_day: settings.key_chars_per_day,
            },
        )?;
        for spec in &settings.models {
            if !spec.dir.is_dir() {
                return Err(format!("the model directory {} does not exist", spec.dir.display()));
            }
        }
        let models = Arc::new(ModelRegistry::new(
            &settings.models,
            PoolSettings::from_settings(&settings),
        ));
        let jobs = Jobs::start(
            Arc::clone(&models),
            JobSettings {
                more_tables: service_tables,
                ..JobSettings::from_settings(&settings)
            },
        )?;
        Ok(Core {
            models,
            keys,
            downloads: Downloads::new(),
            jobs,
            started: Instant::now(),
            fuzzy: Arc::default(),
            glossary_cache: glossary::cache::TermsCache::default(),
            settings,
        })
    }

    /// Admits a request of `chars` characters with `key` (when keys are on), or says why not.
    pub fn admit(&self, key: Option<&str>, chars: usize) -> Result<(), Error> {
        match &self.keys {
            Some(keys) => keys.admit(key, chars),
            None => Ok(()),
        }
    }

    /// Admits a request that stores or reads what a key owns (jobs), and names the owner: with keys
    /// on, each key sees only its own; with keys off there is no owner.
    pub fn owner(&self, key: Option<&str>) -> Result<Option<String>, Error> {
        self.admit(key, 0)?;
        Ok(self.owner_of(key))
    }

    /// The owner a key stands for, for a request already admitted: with keys off, none.
    pub fn owner_of(&self, key: Option<&str>) -> Option<String> {
        self.keys.as_ref().and(key).map(keys::owner_id)
    }

    /// Starts a job translating `files` (a `.zip` is unpacked) into `targets` (language fields as
    /// sent, duplicates dropped) from `source` (absent or `auto`: detected per file), owned by
    /// `owner`; the new job as [`Jobs::view`] shows it.
    pub async fn create_job(
        &self,
        owner: Option<String>,
        files: Vec<(String, Vec<u8>)>,
        targets: &[String],
        source: Option<&str>,
        glossary: Option<&str>,
    ) -> Result<JobView, Error> {
        if targets.is_empty() {
            return Err(Error::Missing("target: the language(s) to translate into".to_string()));
        }
        let mut codes: Vec<LangCode> = Vec::new();
        for target in targets {
            let code = fields::parse_target("target", Some(target))?;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.len() > jobs::MAX_TARGETS {
            return Err(Error::InvalidOption(format!(
                "target: {} languages; a job translates into at most {}, so split it into several jobs",
                codes.len(),
                jobs::MAX_TARGETS
            )));
        }
        let source = fields::parse_source("source", source)?.given();
        let model = self.models.model(None)?;
        model.require_languages(codes.iter().chain(source.iter()))?;
        let glossary = self.job_glossary(owner.as_deref(), glossary, source, &codes).await?;
        let id = self
            .jobs
            .create(files, source, codes, model, owner.clone(), glossary)
            .await?;
        Ok(self.jobs.view(&id, owner.as_deref()).await?)
    }
}
