//! `tolk batch`: a folder of documents into one or more languages, mirroring the tree, with a
//! progress bar, a JSON report, and resume: a rerun skips what the report says is done.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use langs::{LangCode, SourceChoice};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use translator::documents::{Document, DocumentFormat, Limits};
use translator::{Pool, PoolConfig, Priority, QueueLimits, TranslateOptions};

use super::Failure;
use tolk_server::app::documents::{translate_document, CommunityData};
use tolk_server::app::glossary::marking::{MarkedTexts, Marker};
use tolk_server::app::quality::DocumentQuality;

/// The report's file name inside the output folder.
pub const REPORT_FILE: &str = "tolk-batch-report.json";
/// Documents translated at once: enough to keep the engine's batches full.
const DOCUMENTS_IN_FLIGHT: usize = 4;
/// Largest input file read whole; bigger ones are reported and skipped (plain text streams).
const MAX_FILE_BYTES: u64 = 256 << 20;
/// Plain text files bigger than this stream through in chunks instead of being read whole.
const STREAM_FROM_BYTES: u64 = 4 << 20;
/// Bytes of text per streamed chunk, cut at a paragraph (or at least a line) boundary.
const STREAM_CHUNK_BYTES: usize = 64 << 10;
/// Streamed chunks in flight at once.
const STREAM_CHUNKS_IN_FLIGHT: usize = 4;

/// Arguments of `tolk batch`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory of a CTranslate2-converted NLLB model, or a known model's name.
    #[arg(long, env = "TOLK_MODEL", default_value = tolk_server::models::DEFAULT_MODEL)]
    model: PathBuf,
    /// Languages to translate into, comma-separated (fra_Latn,spa_Latn or French,es).
    #[arg(long = "to", value_delimiter = ',', required = true)]
    targets: Vec<String>,
    /// Language of the documents, or "auto" to detect it per document.
    #[arg(long = "from", default_value = "auto")]
    source: String,
    /// Folder (or single file) to translate.
    input: PathBuf,
    /// Folder to write into: one subfolder per target language, mirroring the input.
    #[arg(long = "out")]
    output: PathBuf,
    /// Beam width (1 is greedy decoding, fastest).
    #[arg(long = "beam", default_value_t = TranslateOptions::default().beam_size)]
    beam_size: usize,
    /// CTranslate2 threads; defaults to the number of CPUs.
    #[arg(long)]
    threads: Option<usize>,
    /// Do not decode flagged sentences a second time (docs/quality.md).
    #[arg(long)]
    no_retry: bool,
    /// Translate everything again, ignoring what an earlier run finished.
    #[arg(long)]
    force: bool,
    /// A translation memory whose sentences are used as they are (docs/memory.md): a .tmx or
    /// .tsv file, or the name of a memory in the server's database (`tolk memory list`).
    #[arg(long)]
    memory: Option<String>,
    /// A glossary (.tsv or .csv of source and target terms) whose terms the translations keep
    /// (docs/glossaries.md), for each --to language; needs --from.
    #[arg(long)]
    glossary: Option<PathBuf>,
    /// The config file (`--config`, as for `tolk serve`: its `[quality]` table sets the quality
    /// thresholds) and the database `--memory NAME` is read from.
    #[command(flatten)]
    database: super::memory::DatabaseArgs,
}

/// What happened to one file for one target language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileReport {
    /// Path relative to the input folder, `/`-separated.
    pub path: String,
    /// Target language.
    pub target: String,
    /// `done`, `failed` or `skipped`.
    pub status: String,
    /// Why it failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// SHA-256 of the input, so that a changed file is translated again on resume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_sha256: Option<String>,
    /// Language translated from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Detection's confidence, when the language was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_confidence: Option<f64>,
    /// `false` when detection was unsure and its best guess was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_reliable: Option<bool>,
    /// Texts and characters sent to the translator.
    pub texts: usize,
    /// Characters sent to the translator.
    pub chars: usize,
    /// Seconds it took (0 for files done by an earlier run).
    pub seconds: f64,
    /// Done by an earlier run and left as it was.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier_run: bool,
    /// How far the translation can be trusted: its sentences by level, and those not `good`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<DocumentQuality>,
}

/// The whole run: written after every file, so that a killed run still leaves an honest report.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct BatchRunReport {
    /// The model used.
    pub model: String,
    /// Per file and target.
    pub files: Vec<FileReport>,
    /// Sums of this run.
    pub totals: Totals,
}

/// Sums of one run.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Files translated by this run.
    pub done: usize,
    /// Files done by an earlier run and skipped.
    pub already_done: usize,
    /// Files that could not be translated.
    pub failed: usize,
    /// Files not of a supported format.
    pub skipped: usize,
    /// Characters translated by this run.
    pub chars: usize,
    /// Wall-clock seconds of this run.
    pub seconds: f64,
    /// Characters per second of this run.
    pub chars_per_second: f64,
    /// Sentences the engine translated.
    pub sentences_translated: u64,
    /// Repeated sentences answered without translating them again.
    pub sentences_reused: u64,
    /// Sentences of this run's files the quality checks rated `uncertain`.
    #[serde(default)]
    pub sentences_uncertain: usize,
    /// Sentences of this run's files rated `poor`.
    #[serde(default)]
    pub sentences_poor: usize,
    /// Flagged sentences of this run's files decoded a second time.
    #[serde(default)]
    pub sentences_retried: usize,
    /// Sentences answered from the translation memory (`--memory`).
    #[serde(default)]
    pub sentences_from_memory: u64,
}

struct Work {
    relative: String,
    input: PathBuf,
    target: LangCode,
    format: Option<DocumentFormat>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let source = SourceChoice::parse(Some(&args.source))
        .map_err(|e| Failure::usage(format!("--from: {e}")))?
        .given();
    let mut targets = Vec::new();
    for target in &args.targets {
        let code = LangCode::parse(target).map_err(|e| Failure::usage(format!("--to: {e}")))?;
        if !targets.contains(&code) {
            targets.push(code);
        }
    }
    let options = TranslateOptions {
        beam_size: args.beam_size,
        retry_flagged: !args.no_retry,
        ..TranslateOptions::default()
    };
    options.validate().map_err(Failure::usage)?;
    if !args.input.exists() {
        return Err(Failure::usage(format!(
            "{}: no such file or folder",
            args.input.display()
        )));
    }
    let files = list_files(&args.input).map_err(Failure::runtime)?;
    fs::create_dir_all(&args.output)
        .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", args.output.display())))?;
    let report_path = args.output.join(REPORT_FILE);
    let previous: BatchRunReport = match (args.force, fs::read(&report_path)) {
        (false, Ok(bytes)) => serde_json::from_slice(&bytes).unwrap_or_default(),
        _ => BatchRunReport::default(),
    };

    // A glossary per target language, read before anything is translated.
    let mut markers: HashMap<LangCode, Marker> = HashMap::new();
    for &target in &targets {
        let marker = super::glossary::marker(args.glossary.as_deref(), (source, target))?;
        markers.insert(target, marker);
    }
    let memory = match &args.memory {
        Some(name_or_file) => Some(super::memory::load_for_batch(name_or_file, &args.database)?),
        None => None,
    };
    let (model_dir, translator) = super::open_translator(&args.model, args.threads, args.database.config.as_deref())?;
    for target in &targets {
        if !translator.languages().contains(target) {
            return Err(Failure::usage(format!("--to: the model has no {target}")));
        }
    }
    let pool = Pool::new(
        Arc::new(translator),
        PoolConfig {
            model_id: model_dir.display().to_string(),
            queue: QueueLimits {
                max_sentences: 1 << 16,
                ..QueueLimits::default()
            },
            // Repeated sentences across the collection (headers, footers, boilerplate) are
            // translated once.
            cache_bytes: 64 << 20,
            ..PoolConfig::default()
        },
    )
    .map_err(|e| Failure::runtime(format!("cannot start the translation threads: {e}")))?;

    let work: Vec<Work> = targets
        .iter()
        .flat_map(|&target| {
            files.iter().map(move |(relative, input)| Work {
                relative: relative.clone(),
                input: input.clone(),
                target,
                format: DocumentFormat::from_path(input),
            })
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    let mut report = BatchRunReport {
        model: args.model.display().to_string(),
        ..BatchRunReport::default()
    };
    let started = Instant::now();
    let progress = Progress::new(work.len());
    runtime.block_on(async {
        let mut results = stream::iter(work.iter())
            .map(|item| {
                let community = CommunityData {
                    memory: memory.as_ref(),
                    marker: &markers[&item.target],
                };
                process(item, &args.output, &previous, &pool, source, &options, community)
            })
            .buffer_unordered(DOCUMENTS_IN_FLIGHT);
        while let Some(file) = results.next().await {
            let metrics = pool.metrics();
            progress.finished(
                &file,
                metrics.sentences_translated + metrics.cache_hits + metrics.deduplicated,
            );
            report.files.push(file);
            summarize(&mut report, &pool, started);
            // Written after each file: a run killed now leaves a report that resume can trust.
            write_report(&report_path, &report)?;
        }
        Ok::<(), Failure>(())
    })?;
    progress.done();
    report
        .files
        .sort_by(|a, b| (&a.target, &a.path).cmp(&(&b.target, &b.path)));
    summarize(&mut report, &pool, started);
    write_report(&report_path, &report)?;
    let totals = &report.totals;
    eprintln!(
        "{} translated, {} already done, {} failed, {} skipped; {} characters in {:.1} s ({:.0} chars/s), {} sentences translated, {} repeats reused, {} from the memory; quality: {} uncertain, {} poor, {} retried; report: {}",
        totals.done,
        totals.already_done,
        totals.failed,
        totals.skipped,
        totals.chars,
        totals.seconds,
        totals.chars_per_second,
        totals.sentences_translated,
        totals.sentences_reused,
        totals.sentences_from_memory,
        totals.sentences_uncertain,
        totals.sentences_poor,
        totals.sentences_retried,
        report_path.display()
    );
    if totals.failed > 0 {
        return Err(Failure {
            message: format!(
                "{} file(s) could not be translated; see {}",
                totals.failed,
                report_path.display()
            ),
            exit_code: 3,
        });
    }
    Ok(())
}

/// Translates one file into one language, or says why not.
async fn process(
    item: &Work,
    output: &Path,
    previous: &BatchRunReport,
    pool: &Pool,
    source: Option<LangCode>,
    options: &TranslateOptions,
    community: CommunityData<'_>,
) -> FileReport {
    let started = Instant::now();
    let mut report = FileReport {
        path: item.relative.clone(),
        target: item.target.to_string(),
        status: "failed".to_string(),
        reason: None,
        input_sha256: None,
        source: None,
        detection_confidence: None,
        detection_reliable: None,
        texts: 0,
        chars: 0,
        seconds: 0.0,
        earlier_run: false,
        quality: None,
    };
    let Some(format) = item.format else {
        report.status = "skipped".to_string();
        report.reason = Some("not a supported document format".to_string());
        return report;
    };
    let destination = output.join(item.target.as_str()).join(&item.relative);
    let size = match fs::metadata(&item.input) {
        Ok(metadata) => metadata.len(),
        Err(e) => {
            report.reason = Some(format!("cannot read it: {e}"));
            return report;
        }
    };
    // Big plain text streams through in chunks: memory stays bounded whatever the file's size.
    let streamed = format == DocumentFormat::Text && size > STREAM_FROM_BYTES;
    let (bytes, sha) = if streamed {
        match hash_file(&item.input) {
            Ok(sha) => (Vec::new(), sha),
            Err(reason) => {
                report.reason = Some(reason);
                return report;
            }
        }
    } else {
        match read_bounded(&item.input) {
            Ok(bytes) => {
                let sha = hex::encode(Sha256::digest(&bytes));
                (bytes, sha)
            }
            Err(reason) => {
                report.reason = Some(reason);
                return report;
            }
        }
    };
    report.input_sha256 = Some(sha.clone());
    let earlier = previous.files.iter().find(|f| {
        f.path == item.relative
            && f.target == report.target
            && f.status == "done"
            && f.input_sha256.as_deref() == Some(sha.as_str())
    });
    if let Some(earlier) = earlier.filter(|_| destination.is_file()) {
        return FileReport {
            seconds: 0.0,
            earlier_run: true,
            ..earlier.clone()
        };
    }
    if streamed {
        match stream_text(
            pool,
            &item.input,
            &destination,
            (source, item.target),
            options,
            community,
        )
        .await
        {
            Ok((chars, language, quality)) => {
                report.status = "done".to_string();
                report.chars = chars;
                report.quality = Some(quality);
                report.source = language.map(|s| s.language.to_string());
                report.detection_confidence = language.and_then(|s| s.confidence);
                report.detection_reliable = language.and_then(|s| s.confidence.map(|_| s.reliable));
            }
            Err(reason) => report.reason = Some(reason),
        }
        report.seconds = started.elapsed().as_secs_f64();
        return report;
    }
    let document = match Document::parse(format, &bytes, &Limits::default()) {
        Ok(document) => document,
        Err(e) => {
            report.reason = Some(e.to_string());
            return report;
        }
    };
    drop(bytes);
    match translate_document(
        pool,
        &document,
        source,
        item.target,
        options,
        Priority::Bulk,
        None,
        community,
    )
    .await
    {
        Ok(translated) => {
            report.texts = translated.texts;
            report.chars = translated.chars;
            report.source = translated.source.map(|s| s.language.to_string());
            report.detection_confidence = translated.source.and_then(|s| s.confidence);
            report.detection_reliable = translated.source.and_then(|s| s.confidence.map(|_| s.reliable));
            report.quality = Some(translated.quality);
            match write_atomically(&destination, &translated.bytes) {
                Ok(()) => report.status = "done".to_string(),
                Err(reason) => report.reason = Some(reason),
            }
        }
        Err(e) => report.reason = Some(e.to_string()),
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

fn summarize(report: &mut BatchRunReport, pool: &Pool, started: Instant) {
    let metrics = pool.metrics();
    let count = |status: &str| report.files.iter().filter(|f| f.status == status).count();
    let this_run = |f: &&FileReport| f.status == "done" && !f.earlier_run;
    let seconds = started.elapsed().as_secs_f64();
    let chars = report.files.iter().filter(this_run).map(|f| f.chars).sum();
    let this_run_quality = |count: fn(&DocumentQuality) -> usize| -> usize {
        report
            .files
            .iter()
            .filter(this_run)
            .filter_map(|f| f.quality.as_ref())
            .map(count)
            .sum()
    };
    report.totals = Totals {
        done: report.files.iter().filter(this_run).count(),
        already_done: report.files.iter().filter(|f| f.earlier_run).count(),
        failed: count("failed"),
        skipped: count("skipped"),
        chars,
        seconds: (seconds * 10.0).round() / 10.0,
        chars_per_second: if seconds > 0.0 {
            (chars as f64 / seconds).round()
        } else {
            0.0
        },
        sentences_translated: metrics.cache_misses,
        sentences_reused: metrics.cache_hits + metrics.deduplicated,
        sentences_uncertain: this_run_quality(|q| q.uncertain),
        sentences_poor: this_run_quality(|q| q.poor),
        sentences_retried: this_run_quality(|q| q.retried),
        sentences_from_memory: metrics.known_sentences,
    };
}

/// Every regular file under `input` (or `input` itself), sorted, as (relative path, path).
/// Hidden files and folders and symbolic links are left out: a link could lead outside the input.
fn list_files(input: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    if input.is_file() {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".to_string());
        return Ok(vec![(name, input.to_path_buf())]);
    }
    let mut found = BTreeMap::new();
    let mut folders = vec![input.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(&folder).map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| format!("{}: {e}", path.display()))?;
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                let relative = path
                    .strip_prefix(input)
                    .map_err(|e| e.to_string())?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.insert(relative, path);
            }
        }
    }
    Ok(found.into_iter().collect())
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let size = fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{size} bytes; files over {MAX_FILE_BYTES} bytes are not translated"
        ));
    }
    fs::read(path).map_err(|e| format!("cannot read it: {e}"))
}

/// Writes through a temporary file and a rename, so that an output either is complete or is not
/// there: a run killed mid-write never leaves a half file that resume would take for done.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = path.parent().ok_or("no parent folder")?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tolk-partial");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, bytes).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    fs::rename(&temporary, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_report(path: &Path, report: &BatchRunReport) -> Result<(), Failure> {
    let text = serde_json::to_vec_pretty(report).map_err(Failure::runtime)?;
    write_atomically(path, &text).map_err(Failure::runtime)
}

/// Translates a big plain text file chunk by chunk into `destination` (through a temporary file
/// renamed at the end), holding only a few chunks in memory. Chunks end at blank lines where
/// possible, so each holds whole paragraphs and the translator keeps the layout across them.
async fn stream_text(
    pool: &Pool,
    input: &Path,
    destination: &Path,
    (source, target): (Option<LangCode>, LangCode),
    options: &TranslateOptions,
    community: CommunityData<'_>,
) -> Result<
    (
        usize,
        Option<tolk_server::app::documents::SourceLanguage>,
        DocumentQuality,
    ),
    String,
> {
    use std::io::{BufRead, Write};
    let file = fs::File::open(input).map_err(|e| format!("cannot read it: {e}"))?;
    let mut reader = std::io::BufReader::new(file);
    let parent = destination.parent().ok_or("no parent folder")?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let mut temporary = destination.as_os_str().to_owned();
    temporary.push(".tolk-partial");
    let temporary = PathBuf::from(temporary);
    let mut out = std::io::BufWriter::new(
        fs::File::create(&temporary).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?,
    );
    let mut next_chunk = move || -> Result<Option<String>, String> {
        let mut chunk = Vec::with_capacity(STREAM_CHUNK_BYTES + 4096);
        loop {
            let start = chunk.len();
            let read = reader
                .read_until(b'\n', &mut chunk)
                .map_err(|e| format!("cannot read it: {e}"))?;
            if read == 0 {
                break;
            }
            let blank = chunk[start..].iter().all(|b| b.is_ascii_whitespace());
            if (chunk.len() >= STREAM_CHUNK_BYTES && blank) || chunk.len() >= 4 * STREAM_CHUNK_BYTES {
                break;
            }
        }
        if chunk.is_empty() {
            return Ok(None);
        }
        String::from_utf8(chunk).map(Some).map_err(|e| {
            format!(
                "not a valid txt file: not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            )
        })
    };
    let Some(first) = next_chunk()? else {
        drop(out);
        fs::rename(&temporary, destination).map_err(|e| format!("cannot write {}: {e}", destination.display()))?;
        return Ok((0, None, DocumentQuality::default()));
    };
    let language = match source {
        Some(language) => Some(tolk_server::app::documents::SourceLanguage {
            language,
            confidence: None,
            reliable: true,
        }),
        None => {
            let found = langs::Detector::shared().detect_among(&first, Some(pool.translator().languages()));
            found.map(|found| tolk_server::app::documents::SourceLanguage {
                language: found.language,
                confidence: Some(found.confidence),
                reliable: found.reliable,
            })
        }
    };
    let mut chars = 0;
    // Each streamed chunk is one text of the document.
    let (mut quality, mut chunks_done) = (DocumentQuality::default(), 0);
    let mut in_flight = futures_util::stream::FuturesOrdered::new();
    let mut pending = Some(first);
    loop {
        while in_flight.len() < STREAM_CHUNKS_IN_FLIGHT {
            let chunk = match pending.take() {
                Some(chunk) => chunk,
                None => match next_chunk()? {
                    Some(chunk) => chunk,
                    None => break,
                },
            };
            chars += chunk.chars().count();
            in_flight.push_back(async move {
                match language {
                    None => Ok((chunk, Vec::new())),
                    Some(language) => {
                        let mut marked = MarkedTexts::new(community.marker, vec![chunk]);
                        let units = std::mem::take(&mut marked.units);
                        let known = community
                            .memory
                            .map(|m| m.known(pool.translator(), &units, language.language, target));
                        let submission = translator::Submission::new(units, language.language, target)
                            .known(known.unwrap_or_default())
                            .options(options.clone())
                            .priority(Priority::Bulk);
                        let answers = pool.submit(submission)?.wait().await?;
                        let answer = marked.assemble(answers).pop().unwrap_or_default();
                        Ok((answer.text, answer.sentence_quality))
                    }
                }
            });
        }
        let Some(done) = in_flight.next().await else { break };
        let (text, sentences): (String, Vec<translator::SentenceQuality>) =
            done.map_err(|e: translator::PoolError| format!("translation failed: {e}"))?;
        quality.add_text(chunks_done, &sentences);
        chunks_done += 1;
        out.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    }
    out.flush()
        .map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    drop(out);
    fs::rename(&temporary, destination).map_err(|e| format!("cannot write {}: {e}", destination.display()))?;
    Ok((chars, language, quality))
}

/// SHA-256 of a file, read in pieces.
fn hash_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let mut file = fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(hex::encode(hasher.finalize())),
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read it: {e}")),
        }
    }
}

/// A bar at a terminal (files, characters, throughput, ETA); one line per file otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    started: Instant,
    chars: std::cell::Cell<usize>,
    finished: std::cell::Cell<usize>,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("[{bar:30}] {pos}/{len} files · {msg} · ETA {eta}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            total,
            started: Instant::now(),
            chars: std::cell::Cell::new(0),
            finished: std::cell::Cell::new(0),
        }
    }

    /// Records a finished file; `sentences` is how many the pool has answered so far.
    fn finished(&self, file: &FileReport, sentences: u64) {
        self.finished.set(self.finished.get() + 1);
        if file.status == "done" && !file.earlier_run {
            self.chars.set(self.chars.get() + file.chars);
        }
        let rate = self.chars.get() as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!(
                    "{sentences} sentences, {} chars, {rate:.0} chars/s",
                    self.chars.get()
                ));
                bar.inc(1);
                if file.status == "failed" {
                    bar.println(format!(
                        "failed: {} → {}: {}",
                        file.path,
                        file.target,
                        file.reason.as_deref().unwrap_or("")
                    ));
                }
            }
            None => eprintln!(
                "[{}/{}] {} {} → {}{} ({:.1} s; {sentences} sentences, {rate:.0} chars/s overall)",
                self.finished.get(),
                self.total,
                if file.earlier_run { "already done" } else { &file.status },
                file.path,
                file.target,
                file.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default(),
                file.seconds
            ),
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
