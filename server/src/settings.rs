//! `tolk serve` settings: command line first, then `TOLK_*` environment variables (clap reads
//! both), then an optional TOML config file, then defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::app::glossary::entries::GlossaryLimits;
use translator::quality::QualityThresholds;

/// Options of `tolk serve`; every one may also come from the config file (same name, `_` for `-`).
#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// TOML file with any of the settings below (e.g. `port = 8080`); command line and
    /// environment override it.
    #[arg(long, env = "TOLK_CONFIG")]
    pub config: Option<PathBuf>,
    /// A model to serve: a directory of a CTranslate2-converted NLLB model or a known model's
    /// name (`tolk models list`), or `NAME=DIR` to name it; repeat (or separate with commas) to
    /// serve several, the first being the default for requests that name none [default:
    /// nllb-600m, downloaded on first use].
    #[arg(long = "model", env = "TOLK_MODEL", value_delimiter = ',')]
    pub model: Option<Vec<String>>,
    /// Address to listen on [default: 127.0.0.1, this machine only].
    #[arg(long, env = "TOLK_HOST")]
    pub host: Option<String>,
    /// Port to listen on (0 picks a free one and logs it) [default: 8080].
    #[arg(long, env = "TOLK_PORT")]
    pub port: Option<u16>,
    /// CTranslate2 threads per replica [default: the number of CPUs / replicas].
    #[arg(long, env = "TOLK_THREADS")]
    pub threads: Option<usize>,
    /// Copies of the model translating at once [default: 1].
    #[arg(long, env = "TOLK_REPLICAS")]
    pub replicas: Option<usize>,
    /// HTTP worker threads [default: 2].
    #[arg(long, env = "TOLK_HTTP_WORKERS")]
    pub http_workers: Option<usize>,
    /// Most characters of text in one request [default: 20000].
    #[arg(long, env = "TOLK_MAX_CHARS")]
    pub max_chars: Option<usize>,
    /// Most texts in one request [default: 128].
    #[arg(long, env = "TOLK_MAX_TEXTS")]
    pub max_texts: Option<usize>,
    /// Largest request body in bytes (uploaded files included) [default: 10485760].
    #[arg(long, env = "TOLK_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds a translation request may take before it is answered 503 [default: 120].
    #[arg(long, env = "TOLK_REQUEST_TIMEOUT")]
    pub request_timeout: Option<u64>,
    /// Sentences that may wait in the translation queue [default: 4096].
    #[arg(long, env = "TOLK_QUEUE_SENTENCES")]
    pub queue_sentences: Option<usize>,
    /// Megabytes of sentence translations to cache; 0 turns the cache off [default: 64].
    #[arg(long, env = "TOLK_CACHE_MB")]
    pub cache_mb: Option<usize>,
    /// Seconds bulk work (jobs, files) waits behind interactive requests at most before it goes
    /// first [default: 2].
    #[arg(long, env = "TOLK_BULK_MAX_WAIT")]
    pub bulk_max_wait: Option<f64>,
    /// API keys, comma-separated; with these (or a keys file) every translation needs a key.
    #[arg(long, env = "TOLK_API_KEYS", value_delimiter = ',')]
    pub api_keys: Option<Vec<String>>,
    /// File of API keys, one per line: `KEY [requests_per_minute=N] [chars_per_day=N]`.
    #[arg(long, env = "TOLK_API_KEYS_FILE")]
    pub api_keys_file: Option<PathBuf>,
    /// Requests per minute per key, where the key's line does not say [default: 0, unlimited].
    #[arg(long, env = "TOLK_KEY_REQUESTS_PER_MINUTE")]
    pub key_requests_per_minute: Option<u32>,
    /// Characters per day per key, where the key's line does not say [default: 0, unlimited].
    #[arg(long, env = "TOLK_KEY_CHARS_PER_DAY")]
    pub key_chars_per_day: Option<u64>,
    /// Origins allowed to call the API from a browser, comma-separated, `*` for any, or `none`
    /// [default: LibreTranslate's paths open to any origin when no API keys are configured].
    #[arg(long, env = "TOLK_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// Seconds to let requests in flight finish after SIGTERM or Ctrl-C [default: 30].
    #[arg(long, env = "TOLK_SHUTDOWN_TIMEOUT")]
    pub shutdown_timeout: Option<u64>,
    /// PEM certificate chain: serve HTTPS (with --tls-key) where no proxy terminates TLS.
    #[arg(long, env = "TOLK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "TOLK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Log the texts and their translations (for debugging only: off by default, logs then hold
    /// sizes, languages, timings and ids, never content).
    #[arg(long, env = "TOLK_LOG_CONTENT")]
    pub log_content: bool,
    /// Folder for Tolk's data: the embedded job database [default: ~/.local/share/tolk].
    #[arg(long, env = "TOLK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Job database: `postgres://…` for several servers sharing one queue [default:
    /// sqlite://DATA_DIR/tolk.db].
    #[arg(long, env = "TOLK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Files of jobs translated at once by this server [default: 2].
    #[arg(long, env = "TOLK_JOB_WORKERS")]
    pub job_workers: Option<usize>,
    /// Seconds a server holds a unit of job work without news before another may take it over
    /// [default: 60].
    #[arg(long, env = "TOLK_JOB_LEASE")]
    pub job_lease: Option<u64>,
    /// Hours a finished job (files and results) is kept before it is deleted; fractions allowed
    /// [default: 24].
    #[arg(long, env = "TOLK_JOB_RETENTION_HOURS")]
    pub job_retention_hours: Option<f64>,
    /// Largest job upload in bytes [default: 268435456].
    #[arg(long, env = "TOLK_MAX_JOB_BYTES")]
    pub max_job_bytes: Option<usize>,
    /// Accept LibreTranslate's `POST /suggest` into the translation memory (off: it answers 403
    /// as LibreTranslate does).
    #[arg(long, env = "TOLK_SUGGESTIONS")]
    pub suggestions: bool,
    /// Corrections (and suggestions) wait until a key with the reviewer role approves them
    /// (`role=reviewer` in the keys file; with keys off, anyone may review).
    #[arg(long, env = "TOLK_CORRECTIONS_REVIEW")]
    pub corrections_review: bool,
    /// Least similarity, in percent, of a translation memory entry offered as a fuzzy match
    /// [default: 75].
    #[arg(long, env = "TOLK_MEMORY_SIMILARITY")]
    pub memory_similarity: Option<u8>,
    /// Most entries of one glossary, all its language pairs together [default: 100000].
    #[arg(long, env = "TOLK_GLOSSARY_MAX_ENTRIES")]
    pub glossary_max_entries: Option<usize>,
    /// Most characters of one glossary term [default: 256].
    #[arg(long, env = "TOLK_GLOSSARY_MAX_TERM_CHARS")]
    pub glossary_max_term_chars: Option<usize>,
    /// Tests only: engine calls with a sentence containing MARKER fail (`MARKER:panic` panics).
    #[arg(long, hide = true)]
    pub test_engine_fault: Option<String>,
}

/// The same settings as read from the config file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct FileSettings {
    model: Option<OneOrMany>,
    host: Option<String>,
    port: Option<u16>,
    threads: Option<usize>,
    replicas: Option<usize>,
    http_workers: Option<usize>,
    max_chars: Option<usize>,
    max_texts: Option<usize>,
    max_body_bytes: Option<usize>,
    request_timeout: Option<u64>,
    queue_sentences: Option<usize>,
    cache_mb: Option<usize>,
    bulk_max_wait: Option<f64>,
    api_keys: Option<Vec<String>>,
    api_keys_file: Option<PathBuf>,
    key_requests_per_minute: Option<u32>,
    key_chars_per_day: Option<u64>,
    cors_origins: Option<Vec<String>>,
    shutdown_timeout: Option<u64>,
    log_content: Option<bool>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    job_workers: Option<usize>,
    job_lease: Option<u64>,
    job_retention_hours: Option<f64>,
    max_job_bytes: Option<usize>,
    suggestions: Option<bool>,
    corrections_review: Option<bool>,
    memory_similarity: Option<u8>,
    glossary_max_entries: Option<usize>,
    glossary_max_term_chars: Option<usize>,
    quality: Option<QualityThresholds>,
}

/// `$XDG_DATA_HOME/tolk`, or `~/.local/share/tolk`.
fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tolk")
}

/// One string or a list, as a config file may write `model`.
#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A model to serve: the name requests use, and its directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    /// What a request's `model` field says.
    pub name: String,
    /// The CTranslate2 model directory.
    pub dir: PathBuf,
}

impl ModelSpec {
    /// Reads `NAME=DIR` or `DIR` (named after its last component).
    pub fn parse(value: &str) -> Result<ModelSpec, String> {
        let value = value.trim();
        let (name, dir) = match value.split_once('=') {
            Some((name, dir)) if !name.contains(['/', '\\']) => (name.trim().to_string(), dir.trim()),
            _ => (String::new(), value),
        };
        if dir.is_empty() {
            return Err(format!("--model {value:?}: no directory"));
        }
        let dir = PathBuf::from(dir);
        let name = if name.is_empty() {
            dir.file_name()
                .map_or_else(|| "model".to_string(), |n| n.to_string_lossy().into_owned())
        } else {
            name
        };
        if !name.chars().all(|c| c.is_alphanumeric() || "._-".contains(c)) {
            return Err(format!(
                "--model {value:?}: a model name may hold letters, digits, '.', '_' and '-'"
            ));
        }
        Ok(ModelSpec { name, dir })
    }
}

/// Settings of a running server, every value decided.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The models, the default one first.
    pub models: Vec<ModelSpec>,
    /// Listening address.
    pub host: String,
    /// Listening port.
    pub port: u16,
    /// CTranslate2 threads per replica.
    pub threads: usize,
    /// Model replicas.
    pub replicas: usize,
    /// HTTP worker threads.
    pub http_workers: usize,
    /// Most characters per request.
    pub max_chars: usize,
    /// Most texts per request.
    pub max_texts: usize,
    /// Largest body.
    pub max_body_bytes: usize,
    /// How long a translation may take.
    pub request_timeout: Duration,
    /// Queue capacity in sentences.
    pub queue_sentences: usize,
    /// Cache size in bytes.
    pub cache_bytes: usize,
    /// How long bulk work waits behind interactive work at most.
    pub bulk_max_wait: Duration,
    /// Keys given directly.
    pub api_keys: Vec<String>,
    /// Keys file.
    pub api_keys_file: Option<PathBuf>,
    /// Default per-key request rate; 0 is unlimited.
    pub key_requests_per_minute: u32,
    /// Default per-key daily characters; 0 is unlimited.
    pub key_chars_per_day: u64,
    /// CORS origins given (`*` for any, none for no CORS); `None`: the default, which opens
    /// LibreTranslate's paths to any origin when no API keys are configured.
    pub cors_origins: Option<Vec<String>>,
    /// Grace period at shutdown.
    pub shutdown_timeout: Duration,
    /// Whether texts and translations may be logged.
    pub log_content: bool,
    /// Tests only: a fault injected into engine calls (`--test-engine-fault`).
    pub engine_fault: Option<translator::EngineFault>,
    /// Certificate chain and key files, when serving HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Job database URL.
    pub database_url: String,
    /// Job units this server works on at once.
    pub job_workers: usize,
    /// How long a claimed unit stays claimed without news.
    pub job_lease: Duration,
    /// How long finished jobs are kept.
    pub job_retention: Duration,
    /// Largest job upload.
    pub max_job_bytes: usize,
    /// The limits of the quality checks: the config file's `[quality]` table over the defaults.
    pub quality: QualityThresholds,
    /// Whether LibreTranslate's `/suggest` stores suggestions.
    pub suggestions: bool,
    /// Whether corrections wait for a reviewer.
    pub corrections_review: bool,
    /// Least similarity of a fuzzy match, 0 to 1.
    pub memory_similarity: f64,
    /// Most entries of one glossary.
    pub glossary_max_entries: usize,
    /// Most characters of one glossary term.
    pub glossary_max_term_chars: usize,
}

/// `tolk serve`'s arguments on their own, for [`Settings::from_args`].
#[derive(clap::Parser)]
#[command(name = "tolk serve")]
struct ServeCommand {
    #[command(flatten)]
    args: ServeArgs,
}

impl Settings {
    /// Decides every setting from `tolk serve`'s arguments (without `tolk serve` itself), for
    /// programs and tests that embed the server.
    pub fn from_args<I, T>(args: I) -> Result<Settings, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let command = <ServeCommand as clap::Parser>::try_parse_from(
            std::iter::once(std::ffi::OsString::from("tolk serve")).chain(args.into_iter().map(Into::into)),
        )
        .map_err(|e| e.to_string())?;
        Settings::resolve(command.args)
    }

    /// Decides every setting; the error says which setting is wrong and why.
    pub fn resolve(args: ServeArgs) -> Result<Settings, String> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let listed = match (args.model, file.model) {
            (Some(list), _) => list,
            (None, Some(OneOrMany::One(one))) => vec![one],
            (None, Some(OneOrMany::Many(many))) => many,
            (None, None) => Vec::new(),
        };
        let mut models: Vec<ModelSpec> = Vec::new();
        for value in listed.iter().filter(|v| !v.trim().is_empty()) {
            let spec = ModelSpec::parse(value)?;
            if models.iter().any(|m| m.name == spec.name) {
                return Err(format!(
                    "two models are named {:?}; name them with --model NAME=DIR",
                    spec.name
                ));
            }
            models.push(spec);
        }
        if models.is_empty() {
            // The catalogue's default, found in (or pulled into) the model cache at start.
            models.push(ModelSpec::parse(crate::models::DEFAULT_MODEL)?);
        }
        let replicas = args.replicas.or(file.replicas).unwrap_or(1);
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let settings = Settings {
            models,
            host: args.host.or(file.host).unwrap_or_else(|| "127.0.0.1".to_string()),
            port: args.port.or(file.port).unwrap_or(8080),
            threads: args.threads.or(file.threads).unwrap_or((cpus / replicas.max(1)).max(1)),
            replicas,
            http_workers: args.http_workers.or(file.http_workers).unwrap_or(2),
            max_chars: args.max_chars.or(file.max_chars).unwrap_or(20_000),
            max_texts: args.max_texts.or(file.max_texts).unwrap_or(128),
            max_body_bytes: args.max_body_bytes.or(file.max_body_bytes).unwrap_or(10 << 20),
            request_timeout: Duration::from_secs(args.request_timeout.or(file.request_timeout).unwrap_or(120)),
            queue_sentences: args.queue_sentences.or(file.queue_sentences).unwrap_or(4096),
            cache_bytes: args.cache_mb.or(file.cache_mb).unwrap_or(64) << 20,
            bulk_max_wait: {
                let seconds = args.bulk_max_wait.or(file.bulk_max_wait).unwrap_or(2.0);
                if !(seconds.is_finite() && seconds >= 0.0) {
                    return Err(format!("--bulk-max-wait must be a number of seconds, not {seconds}"));
                }
                Duration::from_secs_f64(seconds.min(86_400.0))
            },
            api_keys: args.api_keys.or(file.api_keys).unwrap_or_default(),
            api_keys_file: args.api_keys_file.or(file.api_keys_file),
            key_requests_per_minute: args
                .key_requests_per_minute
                .or(file.key_requests_per_minute)
                .unwrap_or(0),
            key_chars_per_day: args.key_chars_per_day.or(file.key_chars_per_day).unwrap_or(0),
            cors_origins: args.cors_origins.or(file.cors_origins).map(|origins| {
                origins
                    .into_iter()
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty() && o != "none")
                    .collect()
            }),
            shutdown_timeout: Duration::from_secs(args.shutdown_timeout.or(file.shutdown_timeout).unwrap_or(30)),
            log_content: args.log_content || file.log_content.unwrap_or(false),
            engine_fault: args.test_engine_fault.map(|fault| match fault.strip_suffix(":panic") {
                Some(marker) => translator::EngineFault {
                    marker: marker.to_string(),
                    panic: true,
                },
                None => translator::EngineFault {
                    marker: fault,
                    panic: false,
                },
            }),
            tls: match (args.tls_cert.or(file.tls_cert), args.tls_key.or(file.tls_key)) {
                (Some(cert), Some(key)) => Some((cert, key)),
                (None, None) => None,
                _ => return Err("--tls-cert and --tls-key go together".to_string()),
            },
            database_url: match args.database_url.or(file.database_url) {
                Some(url) => url,
                None => {
                    let dir = args.data_dir.or(file.data_dir).unwrap_or_else(default_data_dir);
                    format!("sqlite://{}?mode=rwc", dir.join("tolk.db").display())
                }
            },
            job_workers: args.job_workers.or(file.job_workers).unwrap_or(2),
            job_lease: Duration::from_secs(args.job_lease.or(file.job_lease).unwrap_or(60)),
            job_retention: {
                let hours = args.job_retention_hours.or(file.job_retention_hours).unwrap_or(24.0);
                // A year at most: beyond that "keep" is what is meant, and Duration stays in range.
                if !(0.0..=8766.0).contains(&hours) {
                    return Err(format!(
                        "--job-retention-hours must be from 0 to 8766 (a year), not {hours}"
                    ));
                }
                Duration::from_secs_f64(hours * 3600.0)
            },
            max_job_bytes: args.max_job_bytes.or(file.max_job_bytes).unwrap_or(256 << 20),
            quality: file.quality.unwrap_or_default(),
            suggestions: args.suggestions || file.suggestions.unwrap_or(false),
            corrections_review: args.corrections_review || file.corrections_review.unwrap_or(false),
            memory_similarity: match args.memory_similarity.or(file.memory_similarity).unwrap_or(75) {
                percent @ 1..=99 => f64::from(percent) / 100.0,
                other => {
                    return Err(format!(
                        "--memory-similarity must be from 1 to 99 (percent), not {other}"
                    ))
                }
            },
            glossary_max_entries: args
                .glossary_max_entries
                .or(file.glossary_max_entries)
                .unwrap_or(GlossaryLimits::default().max_entries),
            glossary_max_term_chars: args
                .glossary_max_term_chars
                .or(file.glossary_max_term_chars)
                .unwrap_or(GlossaryLimits::default().max_term_chars),
        };
        settings.quality.validate().map_err(|e| format!("config file: {e}"))?;
        for (name, value) in [
            ("replicas", settings.replicas),
            ("threads", settings.threads),
            ("http-workers", settings.http_workers),
            ("max-chars", settings.max_chars),
            ("max-texts", settings.max_texts),
            ("max-body-bytes", settings.max_body_bytes),
            ("queue-sentences", settings.queue_sentences),
            ("job-workers", settings.job_workers),
            ("max-job-bytes", settings.max_job_bytes),
            ("glossary-max-entries", settings.glossary_max_entries),
            ("glossary-max-term-chars", settings.glossary_max_term_chars),
        ] {
            if value == 0 {
                return Err(format!("--{name} must be at least 1"));
            }
        }
        if settings.job_lease.is_zero() {
            return Err("--job-lease must be at least 1 second".to_string());
        }
        if !(settings.database_url.starts_with("sqlite:")
            || settings.database_url.starts_with("postgres://")
            || settings.database_url.starts_with("postgresql://"))
        {
            return Err("--database-url must start with sqlite: or postgres://".to_string());
        }
        if settings.request_timeout.is_zero() {
            return Err("--request-timeout must be at least 1 second".to_string());
        }
        Ok(settings)
    }
}

/// The quality thresholds of a config file (its `[quality]` table; every other setting is checked
/// but unused), or the defaults without one: what the commands that translate outside the server
/// use, so that every path applies the same limits.
pub fn quality_thresholds(config: Option<&Path>) -> Result<QualityThresholds, String> {
    let Some(path) = config else {
        return Ok(QualityThresholds::default());
    };
    let quality = read_file(path)?.quality.unwrap_or_default();
    quality
        .validate()
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    Ok(quality)
}

fn read_file(path: &Path) -> Result<FileSettings, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_beats_the_file_which_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tolk.toml");
        std::fs::write(
            &file,
            "model = \"/m\"\nport = 9000\nmax_texts = 7\ncors_origins = [\"https://a.example\"]\n",
        )
        .unwrap();
        let settings = Settings::resolve(ServeArgs {
            config: Some(file.clone()),
            port: Some(9100),
            ..ServeArgs::default()
        })
        .unwrap();
        assert_eq!(
            settings.models,
            [ModelSpec {
                name: "m".into(),
                dir: PathBuf::from("/m")
            }]
        );
        assert_eq!(settings.port, 9100);
        assert_eq!(settings.max_texts, 7);
        assert_eq!(settings.max_chars, 20_000);
        assert_eq!(settings.host, "127.0.0.1");
        assert_eq!(settings.cors_origins, Some(vec!["https://a.example".to_string()]));
    }

    #[test]
    fn several_models_by_name_the_first_being_the_default() {
        let settings = Settings::resolve(ServeArgs {
            model: Some(vec!["stock=/models/nllb".into(), "/srv/quechua-ft".into()]),
            ..ServeArgs::default()
        })
        .unwrap();
        let names: Vec<&str> = settings.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["stock", "quechua-ft"]);
        assert_eq!(settings.models[0].dir, PathBuf::from("/models/nllb"));
        let twice = Settings::resolve(ServeArgs {
            model: Some(vec!["a=/x".into(), "a=/y".into()]),
            ..ServeArgs::default()
        });
        assert!(twice.unwrap_err().contains("two models"));
        assert!(ModelSpec::parse("bad name=/x").is_err());
    }

    #[test]
    fn wrong_settings_are_refused_with_their_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tolk.toml");
        std::fs::write(&file, "prot = 1\n").unwrap();
        let error = Settings::resolve(ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        })
        .unwrap_err();
        assert!(error.contains("prot"), "{error}");
        let default = Settings::resolve(ServeArgs::default()).unwrap();
        assert_eq!(default.models[0].dir, PathBuf::from(crate::models::DEFAULT_MODEL));
        let error = Settings::resolve(ServeArgs {
            model: Some(vec!["/m".into()]),
            max_texts: Some(0),
            ..ServeArgs::default()
        })
        .unwrap_err();
        assert!(error.contains("--max-texts"), "{error}");
    }

    #[test]
    fn job_retention_takes_whole_or_fractional_hours_within_a_year() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tolk.toml");
        let with_file = |text: &str| {
            std::fs::write(&file, text).unwrap();
            Settings::resolve(ServeArgs {
                config: Some(file.clone()),
                model: Some(vec!["/m".into()]),
                ..ServeArgs::default()
            })
        };
        // A whole number in the file, as most people write it.
        assert_eq!(
            with_file("job_retention_hours = 48\n").unwrap().job_retention,
            Duration::from_secs(48 * 3600)
        );
        assert_eq!(
            with_file("job_retention_hours = 0.5\n").unwrap().job_retention,
            Duration::from_secs(1800)
        );
        for bad in ["-1", "1e9", "nan"] {
            let error = with_file(&format!("job_retention_hours = {bad}\n")).unwrap_err();
            assert!(
                error.contains("job-retention-hours") || error.contains("job_retention_hours"),
                "{error}"
            );
        }
    }

    #[test]
    fn quality_thresholds_come_from_the_quality_table_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tolk.toml");
        std::fs::write(&file, "port = 9000\n[quality]\nuncertain_score = -1.0\nrepeats = 6\n").unwrap();
        let settings = Settings::resolve(ServeArgs {
            config: Some(file.clone()),
            ..ServeArgs::default()
        })
        .unwrap();
        assert_eq!(settings.quality.uncertain_score, -1.0);
        assert_eq!(settings.quality.repeats, 6);
        assert_eq!(settings.quality.poor_score, QualityThresholds::default().poor_score);
        assert_eq!(quality_thresholds(Some(&file)).unwrap(), settings.quality);
        assert_eq!(quality_thresholds(None).unwrap(), QualityThresholds::default());
        for (text, named) in [
            ("[quality]\npoor_score = -0.5\n", "poor_score"),
            ("[quality]\nmin_script_share = 2\n", "min_script_share"),
            ("[quality]\nrepeat = 3\n", "repeat"),
        ] {
            std::fs::write(&file, text).unwrap();
            let error = quality_thresholds(Some(&file)).unwrap_err();
            assert!(error.contains(named), "{text}: {error}");
            let error = Settings::resolve(ServeArgs {
                config: Some(file.clone()),
                ..ServeArgs::default()
            })
            .unwrap_err();
            assert!(error.contains(named), "{text}: {error}");
        }
    }
}
