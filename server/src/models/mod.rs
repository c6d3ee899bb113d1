//! Models by name: the catalogue of pre-converted NLLB models and their download from the
//! Hugging Face Hub into a local cache.

pub mod catalogue;
pub mod hub;

use std::path::{Path, PathBuf};

pub use catalogue::{HubSource, KnownModel, CATALOGUE, DEFAULT_MODEL};
pub use hub::{Hub, HubError};

/// The directory to load for a `--model` value: the directory itself if there is one, else the
/// known model of that name from the cache, pulled first if it is not there yet.
pub fn locate(value: &Path) -> Result<PathBuf, HubError> {
    if value.is_dir() {
        return Ok(value.to_path_buf());
    }
    let Some(known) = value.to_str().and_then(KnownModel::named) else {
        // Not a name Tolk knows: the loader reports the missing directory.
        return Ok(value.to_path_buf());
    };
    let hub = Hub::from_env()?;
    let source = HubSource::from(known);
    if let Some(dir) = hub.installed(&source) {
        return Ok(dir);
    }
    eprintln!(
        "{} ({source}, {} MB) is not downloaded yet; pulling it into {}",
        known.name,
        known.disk_mb,
        hub.cache_dir().display()
    );
    hub.pull(&source)
}
