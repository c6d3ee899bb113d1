//! `tolk models` and first runs against a mock of the Hugging Face Hub on loopback: the real
//! hf-hub client speaks its real download protocol (listing, `resolve` with ranges, ETags,
//! X-Repo-Commit) to a server that can cut transfers short or send damaged bytes.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use common::{model_dir, Client, Server};
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::{Digest, Sha256};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const DEFAULT_REPOSITORY: &str = "JustFrederik/nllb-200-distilled-600M-ct2-int8";
/// Files the Hub stores with Git LFS; their ETag is their SHA-256.
const LFS_FILES: [&str; 2] = ["model.bin", "sentencepiece.bpe.model"];

/// What the mock was asked: a path and the Range header.
#[derive(Debug, Clone)]
struct Asked {
    path: String,
    range: Option<String>,
}

#[derive(Default)]
struct HubState {
    /// Transfers of a file's body stop after this many bytes each (then the connection closes).
    cut_each: Option<(String, usize)>,
    /// The next full transfer of these files has one byte changed.
    corrupt_next: HashSet<String>,
    /// Every full transfer of these files has one byte changed: the mock decides from what it is
    /// asked, so no test depends on a thread re-arming it in time.
    corrupt_always: HashSet<String>,
    asked: Vec<Asked>,
    body_bytes: usize,
}

struct MockHub {
    url: String,
    state: Arc<Mutex<HubState>>,
}

impl MockHub {
    /// Serves the test model under any repository name; `owner/not-a-model` lacks the
    /// SentencePiece file.
    fn start() -> MockHub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(HubState::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        MockHub { url, state }
    }

    fn asked(&self) -> Vec<Asked> {
        self.state.lock().unwrap().asked.clone()
    }

    /// Ranges asked for `file`'s body (metadata probes of one byte left out).
    fn body_ranges(&self, file: &str) -> Vec<String> {
        self.asked()
            .into_iter()
            .filter(|a| a.path.ends_with(&format!("/resolve/main/{file}")))
            .filter_map(|a| a.range)
            .filter(|r| r != "bytes=0-0")
            .collect()
    }
}

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(model_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.push(("README.md".into(), b"# test model\n".to_vec()));
    files.sort();
    files
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn git_blob_id(content: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hex(&hasher.finalize())
}

fn sha256(content: &[u8]) -> String {
    hex(&Sha256::digest(content))
}

fn serve(mut stream: TcpStream, state: &Mutex<HubState>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    state.lock().unwrap().asked.push(Asked {
        path: path.clone(),
        range: range.clone(),
    });
    let path = path.split('?').next().unwrap_or("/").to_string();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_a_model = parts.contains(&"not-a-model");
    let files: Vec<(String, Vec<u8>)> = fixture_files()
        .into_iter()
        .filter(|(name, _)| !(not_a_model && name == "sentencepiece.bpe.model"))
        .collect();
    match parts.as_slice() {
        ["api", "models", _, _, "revision", _] => {
            let siblings: Vec<Value> = files
                .iter()
                .map(|(name, content)| {
                    let mut entry = json!({"rfilename": name, "size": content.len(), "blobId": git_blob_id(content)});
                    if LFS_FILES.contains(&name.as_str()) {
                        entry["lfs"] = json!({"sha256": sha256(content), "size": content.len(), "pointerSize": 134});
                    }
                    entry
                })
                .collect();
            let body = json!({"id": format!("{}/{}", parts[2], parts[3]), "sha": COMMIT, "siblings": siblings});
            respond(
                &mut stream,
                "200 OK",
                &[("Content-Type", "application/json".into())],
                body.to_string().as_bytes(),
            );
        }
        [_, _, "resolve", _, file] => {
            let Some((name, content)) = files.iter().find(|(name, _)| name == file) else {
                respond(
                    &mut stream,
                    "404 Not Found",
                    &[("X-Error-Code", "EntryNotFound".into())],
                    b"not found",
                );
                return;
            };
            let etag = if LFS_FILES.contains(file) {
                ("X-Linked-Etag", format!("\"{}\"", sha256(content)))
            } else {
                ("ETag", format!("\"{}\"", git_blob_id(content)))
            };
            let total = content.len();
            let (start, end) = range
                .as_deref()
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.split_once('-'))
                .map(|(a, b)| {
                    let start: usize = a.parse().unwrap_or(0);
                    let end: usize = b.parse().unwrap_or(total - 1).min(total - 1);
                    (start, end)
                })
                .unwrap_or((0, total - 1));
            let mut body = content[start.min(total)..=end].to_vec();
            let probe = range.as_deref() == Some("bytes=0-0");
            let mut cut = None;
            {
                let mut state = state.lock().unwrap();
                if !probe {
                    if state.corrupt_next.remove(name) || state.corrupt_always.contains(name) {
                        let middle = body.len() / 2;
                        body[middle] ^= 0x55;
                    }
                    if let Some((cut_file, each)) = &state.cut_each {
                        if cut_file == name && body.len() > *each {
                            cut = Some(*each);
                        }
                    }
                    state.body_bytes += cut.unwrap_or(body.len());
                }
            }
            let headers = [
                ("X-Repo-Commit", COMMIT.to_string()),
                (etag.0, etag.1),
                ("Accept-Ranges", "bytes".into()),
                ("Content-Range", format!("bytes {start}-{end}/{total}")),
            ];
            let status = if range.is_some() {
                "206 Partial Content"
            } else {
                "200 OK"
            };
            match cut {
                // The headers promise the whole range; the connection closes part way.
                Some(each) => {
                    write_head(&mut stream, status, &headers, body.len());
                    let _ = stream.write_all(&body[..each]);
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                }
                None => respond(&mut stream, status, &headers, &body),
            }
        }
        _ => respond(&mut stream, "404 Not Found", &[], b"not found"),
    }
}

fn write_head(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], length: usize) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    write_head(stream, status, headers, body.len());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// `tolk ARGS` with the Hub at `endpoint` and its cache under `home`.
fn tolk(args: &[&str], endpoint: &str, home: &Path, extra_env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tolk"));
    command
        .args(args)
        .env("HF_ENDPOINT", endpoint)
        .env("HF_HOME", home)
        .env_remove("HF_TOKEN")
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("TOLK_MODEL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in extra_env {
        command.env(name, value);
    }
    command.output().expect("tolk runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn snapshot(home: &Path, repository: &str) -> PathBuf {
    home.join("hub")
        .join(format!("models--{}", repository.replace('/', "--")))
        .join("snapshots")
        .join(COMMIT)
}

/// Every file Tolk needs arrived byte for byte.
fn assert_same_as_fixture(dir: &Path) {
    for (name, content) in fixture_files().iter().filter(|(n, _)| n != "README.md") {
        let got = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(got == *content, "{name} differs from what the Hub served");
    }
    assert!(
        !dir.join("README.md").exists(),
        "files Tolk does not need are not downloaded"
    );
}

#[test]
fn pull_downloads_verifies_and_lists_the_model_as_installed() {
    let hub = MockHub::start();
    let home = tempfile::tempdir().unwrap();
    let out = tolk(&["models", "list", "--json"], &hub.url, home.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed = listed.as_array().unwrap();
    assert!(listed.len() >= 4);
    assert_eq!(listed[0]["name"], "nllb-600m");
    assert_eq!(listed[0]["default"], true);
    assert!(listed.iter().all(|m| m["installed"].is_null()));
    assert!(hub.asked().is_empty(), "listing the catalogue needs no network");

    let out = tolk(&["models", "pull"], &hub.url, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let dir = snapshot(home.path(), DEFAULT_REPOSITORY);
    assert_eq!(text(&out.stdout).trim(), dir.display().to_string());
    assert_same_as_fixture(&dir);
    assert!(stderr.contains("model.bin: verified"), "{stderr}");
    assert!(stderr.contains("% of"), "progress is shown: {stderr}");

    let out = tolk(&["models", "list", "--json"], &hub.url, home.path(), &[]);
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["installed"], dir.display().to_string());
    assert!(listed[1]["installed"].is_null());

    // Pulled again: everything is checked, nothing is downloaded.
    let before = hub.body_ranges("model.bin").len();
    let out = tolk(&["models", "pull", "nllb-600m"], &hub.url, home.path(), &[]);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("model.bin: already downloaded and verified"));
    assert_eq!(hub.body_ranges("model.bin").len(), before);

    // The pulled model translates, by name and offline.
    let out = tolk(
        &[
            "translate",
            "--model",
            "nllb-600m",
            "--from",
            "eng_Latn",
            "--to",
            "fra_Latn",
            "--threads",
            "1",
        ],
        "http://127.0.0.1:9",
        home.path(),
        &[("HF_HUB_OFFLINE", "1")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn an_interrupted_download_resumes_where_it_stopped() {
    let hub = MockHub::start();
    let home = tempfile::tempdir().unwrap();
    let size = std::fs::metadata(model_dir().join("model.bin")).unwrap().len() as usize;
    let each = size / 8;
    hub.state.lock().unwrap().cut_each = Some(("model.bin".into(), each));
    // Every transfer breaks off: the client resumes a few times, then gives up, keeping the part.
    let out = tolk(&["models", "pull", "team/tiny-nllb"], &hub.url, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("run the same command again to resume"), "{stderr}");
    let first_run = hub.body_ranges("model.bin");
    assert!(first_run.len() >= 2, "{first_run:?}");
    for (i, range) in first_run.iter().enumerate() {
        assert_eq!(
            *range,
            format!("bytes={}-", i * each),
            "each retry starts where the last stopped"
        );
    }

    // The connection is back: the next run continues from the part on disk.
    hub.state.lock().unwrap().cut_each = None;
    let out = tolk(&["models", "pull", "team/tiny-nllb"], &hub.url, home.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second_run = &hub.body_ranges("model.bin")[first_run.len()..];
    assert_eq!(second_run, [format!("bytes={}-", first_run.len() * each)]);
    assert_same_as_fixture(&snapshot(home.path(), "team/tiny-nllb"));
}

#[test]
fn a_corrupted_file_is_detected_and_fetched_again() {
    let hub = MockHub::start();
    let home = tempfile::tempdir().unwrap();
    // Damaged in transit.
    hub.state.lock().unwrap().corrupt_next = ["model.bin".to_string(), "config.json".to_string()].into();
    let out = tolk(&["models", "pull", "team/tiny-nllb"], &hub.url, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("model.bin: checksum"), "{stderr}");
    assert!(stderr.contains("config.json: checksum"), "{stderr}");
    assert_eq!(hub.body_ranges("model.bin").len(), 2);
    let dir = snapshot(home.path(), "team/tiny-nllb");
    assert_same_as_fixture(&dir);

    // Damaged on disk afterwards: the next pull finds it and fetches it again.
    let blob = std::fs::canonicalize(dir.join("model.bin")).unwrap();
    let mut damaged = std::fs::read(&blob).unwrap();
    damaged[1000] ^= 1;
    std::fs::write(&blob, damaged).unwrap();
    let out = tolk(&["models", "pull", "team/tiny-nllb"], &hub.url, home.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(hub.body_ranges("model.bin").len(), 3);
    assert_same_as_fixture(&dir);

    // Damaged every time: the pull fails and leaves no bad file behind.
    let home = tempfile::tempdir().unwrap();
    hub.state.lock().unwrap().corrupt_always = ["model.bin".to_string()].into();
    let out = tolk(&["models", "pull", "other/tiny-nllb"], &hub.url, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("did not match the Hub's checksum"), "{stderr}");
    assert!(!snapshot(home.path(), "other/tiny-nllb").join("model.bin").exists());
}

#[test]
fn offline_and_wrong_repositories_get_one_clear_message() {
    let home = tempfile::tempdir().unwrap();
    // Nothing listens on the discard port.
    let closed = "http://127.0.0.1:9";
    let out = tolk(&["models", "pull"], closed, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot be reached"), "{stderr}");
    assert!(stderr.contains("--model DIR"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("tolk:")).count(), 1, "{stderr}");

    let out = tolk(
        &["models", "pull"],
        "https://huggingface.co",
        home.path(),
        &[("HF_HUB_OFFLINE", "1")],
    );
    assert!(text(&out.stderr).contains("HF_HUB_OFFLINE"), "{}", text(&out.stderr));

    // A first run with no model and no connection says what to do instead of starting.
    let out = tolk(&["serve", "--port", "0"], closed, home.path(), &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("tolk models pull") && stderr.contains("docs/models.md"),
        "{stderr}"
    );
    // ... and offers the committed test model with the exact command.
    let checkout = std::fs::canonicalize(model_dir().join("../../..")).unwrap();
    let offer = format!(
        "cd {} && scripts/tolk serve --model tests/fixtures/tiny-nllb",
        checkout.display()
    );
    assert!(stderr.contains(&offer), "{stderr}");

    let hub = MockHub::start();
    let out = tolk(&["models", "pull", "team/not-a-model"], &hub.url, home.path(), &[]);
    assert!(text(&out.stderr).contains("is not a CTranslate2 NLLB model: it has no sentencepiece.bpe.model"));
    let out = tolk(&["models", "pull", "nllb"], &hub.url, home.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nllb-600m"), "known names are suggested");
}

#[test]
fn serve_with_no_model_pulls_the_default_and_translates() {
    let hub = MockHub::start();
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().display().to_string();
    let server = Server::start_with_models_env(&[], &[("HF_ENDPOINT", &hub.url), ("HF_HOME", &home_path)]);
    assert!(server.log().iter().any(|l| l.contains("is not downloaded yet")));
    let models = server.get("/v1/models").json();
    assert_eq!(models["models"][0]["id"], "nllb-600m", "{models}");
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": "Hello.", "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_eq!(reply.status, 200);
    assert!(!reply.json()["translations"][0]["text"].as_str().unwrap().is_empty());
    assert_same_as_fixture(&snapshot(home.path(), DEFAULT_REPOSITORY));
}
