//! Downloads from the Hugging Face Hub into its cache (hf-hub's layout, which Python's
//! `huggingface_hub` shares), each file checked against the checksum the Hub lists for it.
//!
//! hf-hub resumes an interrupted transfer from its `.part` file but does not check what it
//! downloaded, so the listing (`?blobs=true`: size, LFS SHA-256, git blob id) is fetched first
//! and every file is verified here; a file that does not match is deleted and fetched again.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use hf_hub::api::sync::{Api, ApiBuilder, ApiError, ApiRepo};
use hf_hub::api::Progress;
use hf_hub::{Cache, Repo, RepoType};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Deserialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use ureq2 as ureq;

use super::catalogue::HubSource;

/// The files Tolk needs from a model repository; the rest (tokenizer.json, READMEs) stay there.
const REQUIRED_FILES: [&str; 3] = ["model.bin", "config.json", "sentencepiece.bpe.model"];
/// CTranslate2 writes one of these, depending on its version.
const VOCABULARY_FILES: [&str; 2] = ["shared_vocabulary.json", "shared_vocabulary.txt"];
/// Attempts per file when what arrives does not match the Hub's checksum.
const ATTEMPTS: usize = 2;

/// Why a download did not happen.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// No connection to the Hub, or offline mode.
    #[error(
        "cannot download {model}: the model hub at {endpoint} cannot be reached ({reason}). Run \
         `tolk models pull` where there is a connection, or convert a model yourself (docs/models.md) \
         and pass --model DIR"
    )]
    Offline {
        model: String,
        endpoint: String,
        reason: String,
    },
    /// The repository or revision does not exist.
    #[error("the model hub has no repository {model} (HTTP {status}); `tolk models list` shows the known models")]
    NotFound { model: String, status: u16 },
    /// A gated or private repository.
    #[error("{model} needs a Hugging Face token with access to it: set HF_TOKEN (HTTP {status})")]
    Unauthorized { model: String, status: u16 },
    /// The repository holds something other than a CTranslate2 NLLB model.
    #[error("{model} is not a CTranslate2 NLLB model: it has no {file}")]
    NotAModel { model: String, file: String },
    /// The Hub answered something this client cannot use.
    #[error("the model hub answered {model} unexpectedly: {reason}")]
    Protocol { model: String, reason: String },
    /// A transfer failed part way; what arrived is kept and the next pull resumes it.
    #[error("downloading {file} of {model} failed: {reason}; run the same command again to resume")]
    Transfer {
        model: String,
        file: String,
        reason: String,
    },
    /// What arrived never matched the listed checksum.
    #[error("{file} of {model} did not match the Hub's checksum after {ATTEMPTS} downloads; it was deleted")]
    Corrupt { model: String, file: String },
    /// The cache directory cannot be written.
    #[error("cannot write the model cache at {path}: {reason}")]
    Cache { path: PathBuf, reason: String },
}

/// The Hub client and its cache, configured from `HF_ENDPOINT`, `HF_HOME`, `HF_TOKEN` and
/// `HF_HUB_OFFLINE` as Hugging Face's own tools are.
pub struct Hub {
    api: Api,
    cache: Cache,
    endpoint: String,
    offline: bool,
}

/// What the Hub lists about one revision of a repository.
#[derive(Debug, Deserialize)]
struct Listing {
    sha: String,
    siblings: Vec<ListedFile>,
}

#[derive(Debug, Deserialize)]
struct ListedFile {
    rfilename: String,
    size: Option<u64>,
    #[serde(rename = "blobId")]
    blob_id: Option<String>,
    lfs: Option<LfsInfo>,
}

#[derive(Debug, Deserialize)]
struct LfsInfo {
    sha256: String,
    size: u64,
}

impl Hub {
    /// The Hub as the environment describes it.
    pub fn from_env() -> Result<Hub, HubError> {
        let cache = Cache::from_env();
        let endpoint = std::env::var("HF_ENDPOINT")
            .ok()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or_else(|| "https://huggingface.co".to_string())
            .trim_end_matches('/')
            .to_string();
        let token = std::env::var("HF_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| cache.token());
        let offline = std::env::var("HF_HUB_OFFLINE")
            .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"));
        let api = ApiBuilder::from_cache(cache.clone())
            .with_endpoint(endpoint.clone())
            .with_token(token)
            .with_progress(false)
            // A dropped connection is resumed from where it stopped, a few times, before giving up.
            .with_retries(3)
            .with_user_agent("tolk", env!("CARGO_PKG_VERSION"))
            .build()
            .map_err(|e| HubError::Cache {
                path: cache.path().clone(),
                reason: e.to_string(),
            })?;
        Ok(Hub {
            api,
            cache,
            endpoint,
            offline,
        })
    }

    /// The cache directory models are kept in.
    pub fn cache_dir(&self) -> &Path {
        self.cache.path()
    }

    /// The directory of `source` if a complete copy is in the cache; no network.
    pub fn installed(&self, source: &HubSource) -> Option<PathBuf> {
        let repo_dir = self.repo_dir(source);
        let commit = if is_commit(&source.revision) {
            source.revision.clone()
        } else {
            fs::read_to_string(repo_dir.join("refs").join(&source.revision))
                .ok()?
                .trim()
                .to_string()
        };
        let dir = repo_dir.join("snapshots").join(commit);
        let complete = REQUIRED_FILES.iter().all(|f| dir.join(f).is_file())
            && VOCABULARY_FILES.iter().any(|f| dir.join(f).is_file());
        complete.then_some(dir)
    }

    /// Downloads what is missing or damaged of `source` and returns its directory.
    pub fn pull(&self, source: &HubSource) -> Result<PathBuf, HubError> {
        if self.offline {
            return Err(self.offline_error(source, "HF_HUB_OFFLINE is set".to_string()));
        }
        let repo = self.api.repo(Repo::with_revision(
            source.repository.clone(),
            RepoType::Model,
            source.revision.clone(),
        ));
        let listing = self.listing(&repo, source)?;
        let files = wanted_files(&listing, source)?;
        let snapshot = self.repo_dir(source).join("snapshots").join(&listing.sha);
        for file in files {
            let name = &file.rfilename;
            let cached = snapshot.join(name);
            if cached.is_file() && verify(&cached, file).is_ok() {
                eprintln!("{name}: already downloaded and verified");
                continue;
            }
            self.fetch_verified(&repo, source, file, &cached)?;
        }
        // The ref for a branch is written per file by hf-hub; one for a tag is written here too.
        Ok(snapshot)
    }

    fn listing(&self, repo: &ApiRepo, source: &HubSource) -> Result<Listing, HubError> {
        let response = repo
            .info_request()
            .query("blobs", "true")
            .call()
            .map_err(|e| self.request_error(source, "", e))?;
        let body = response
            .into_string()
            .map_err(|e| self.offline_error(source, e.to_string()))?;
        serde_json::from_str(&body).map_err(|e| HubError::Protocol {
            model: source.to_string(),
            reason: format!("unreadable file listing ({e})"),
        })
    }

    fn fetch_verified(
        &self,
        repo: &ApiRepo,
        source: &HubSource,
        file: &ListedFile,
        expected_path: &Path,
    ) -> Result<(), HubError> {
        let name = &file.rfilename;
        for attempt in 1..=ATTEMPTS {
            remove_cached(expected_path);
            let progress = FileProgress::new(name);
            let path = repo
                .download_with_progress(name, progress)
                .map_err(|e| self.download_error(source, name, e))?;
            match verify(&path, file) {
                Ok(()) => {
                    eprintln!("{name}: verified");
                    if path != expected_path {
                        return Err(HubError::Protocol {
                            model: source.to_string(),
                            reason: format!("{name} came from another commit than the listing ({})", path.display()),
                        });
                    }
                    return Ok(());
                }
                Err(reason) => {
                    eprintln!("{name}: {reason}; deleted (attempt {attempt} of {ATTEMPTS})");
                    remove_cached(&path);
                }
            }
        }
        Err(HubError::Corrupt {
            model: source.to_string(),
            file: name.clone(),
        })
    }

    fn repo_dir(&self, source: &HubSource) -> PathBuf {
        let repo = Repo::with_revision(source.repository.clone(), RepoType::Model, source.revision.clone());
        self.cache.path().join(repo.folder_name())
    }

    fn offline_error(&self, source: &HubSource, reason: String) -> HubError {
        HubError::Offline {
            model: source.to_string(),
            endpoint: self.endpoint.clone(),
            reason,
        }
    }

    fn request_error(&self, source: &HubSource, file: &str, error: ureq::Error) -> HubError {
        match error {
            ureq::Error::Status(status @ (401 | 403), _) => HubError::Unauthorized {
                model: source.to_string(),
                status,
            },
            ureq::Error::Status(status @ 404, _) if file.is_empty() => HubError::NotFound {
                model: source.to_string(),
                status,
            },
            ureq::Error::Status(status, _) => HubError::Protocol {
                model: source.to_string(),
                reason: format!(
                    "HTTP {status}{}",
                    if file.is_empty() {
                        String::new()
                    } else {
                        format!(" for {file}")
                    }
                ),
            },
            ureq::Error::Transport(transport) if file.is_empty() => self.offline_error(source, transport.to_string()),
            ureq::Error::Transport(transport) => HubError::Transfer {
                model: source.to_string(),
                file: file.to_string(),
                reason: transport.to_string(),
            },
        }
    }

    fn download_error(&self, source: &HubSource, file: &str, error: ApiError) -> HubError {
        match error {
            ApiError::RequestError(error) => self.request_error(source, file, *error),
            ApiError::TooManyRetries(error) => self.download_error(source, file, *error),
            ApiError::MissingHeader(_) | ApiError::InvalidHeader(_) | ApiError::ParseIntError(_) => {
                HubError::Protocol {
                    model: source.to_string(),
                    reason: format!("{file}: {error}"),
                }
            }
            other => HubError::Transfer {
                model: source.to_string(),
                file: file.to_string(),
                reason: other.to_string(),
            },
        }
    }
}

/// The listed files Tolk needs, or which one is missing.
fn wanted_files<'a>(listing: &'a Listing, source: &HubSource) -> Result<Vec<&'a ListedFile>, HubError> {
    let find = |name: &str| listing.siblings.iter().find(|f| f.rfilename == name);
    let mut files = Vec::new();
    for name in REQUIRED_FILES {
        files.push(find(name).ok_or_else(|| HubError::NotAModel {
            model: source.to_string(),
            file: name.to_string(),
        })?);
    }
    let vocabulary = VOCABULARY_FILES
        .iter()
        .find_map(|name| find(name))
        .ok_or_else(|| HubError::NotAModel {
            model: source.to_string(),
            file: VOCABULARY_FILES.join(" or "),
        })?;
    files.push(vocabulary);
    // Small files first, so that a broken repository is found before the big download.
    files.sort_by_key(|f| expected_size(f).unwrap_or(u64::MAX));
    Ok(files)
}

fn expected_size(file: &ListedFile) -> Option<u64> {
    file.lfs.as_ref().map(|lfs| lfs.size).or(file.size)
}

/// Checks size and checksum: SHA-256 for LFS files, the git blob id (SHA-1 of a git header and
/// the content) for the others.
fn verify(path: &Path, file: &ListedFile) -> Result<(), String> {
    let size = fs::metadata(path).map_err(|e| e.to_string())?.len();
    if let Some(expected) = expected_size(file) {
        if size != expected {
            return Err(format!("{size} bytes where the Hub lists {expected}"));
        }
    }
    let (expected, actual) = if let Some(lfs) = &file.lfs {
        let mut hasher = Sha256::new();
        hash_file(path, |chunk| hasher.update(chunk))?;
        (lfs.sha256.to_ascii_lowercase(), hex::encode(hasher.finalize()))
    } else if let Some(blob_id) = &file.blob_id {
        let mut hasher = Sha1::new();
        hasher.update(format!("blob {size}\0").as_bytes());
        hash_file(path, |chunk| hasher.update(chunk))?;
        (blob_id.to_ascii_lowercase(), hex::encode(hasher.finalize()))
    } else {
        return Ok(());
    };
    if expected == actual {
        Ok(())
    } else {
        Err(format!("checksum {actual} where the Hub lists {expected}"))
    }
}

fn hash_file(path: &Path, mut update: impl FnMut(&[u8])) -> Result<(), String> {
    let mut file = fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buffer = vec![0; 1 << 20];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn is_commit(revision: &str) -> bool {
    revision.len() == 40 && revision.chars().all(|c| c.is_ascii_hexdigit())
}

/// Deletes a cached file: the blob it points to and the link itself.
fn remove_cached(path: &Path) {
    if let Ok(blob) = fs::canonicalize(path) {
        let _ = fs::remove_file(blob);
    }
    let _ = fs::remove_file(path);
}

/// A progress bar per file at a terminal; a line every tenth otherwise, for logs.
struct FileProgress {
    name: String,
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    next_line: usize,
}

impl FileProgress {
    fn new(name: &str) -> FileProgress {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg:24} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(name.to_string());
            bar
        });
        FileProgress {
            name: name.to_string(),
            bar,
            total: 0,
            done: 0,
            next_line: 0,
        }
    }
}

impl Progress for FileProgress {
    fn init(&mut self, size: usize, _filename: &str) {
        self.total = size;
        self.done = 0;
        self.next_line = 0;
        if let Some(bar) = &self.bar {
            bar.set_length(size as u64);
            bar.set_position(0);
        }
    }

    fn update(&mut self, size: usize) {
        self.done += size;
        match &self.bar {
            Some(bar) => bar.set_position(self.done as u64),
            None if self.done >= self.next_line => {
                let percent = (self.done * 100).checked_div(self.total).unwrap_or(100);
                eprintln!("{}: {percent}% of {} bytes", self.name, self.total);
                self.next_line = self.done + (self.total / 10).max(1);
            }
            None => {}
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
