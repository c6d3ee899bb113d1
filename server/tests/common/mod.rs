//! The API under test, two ways: [`App`] runs the HTTP app in-process on the real engine and the
//! committed test model (most tests), [`Server`] a real `tolk serve` process on a loopback port
//! (what needs a process: signals, TLS, logs, the network, kill -9). Both answer [`Client`]'s
//! requests with the same [`Reply`].
#![allow(dead_code)]

mod client;
mod in_process;
mod postgres;

// Each test file uses the half it needs.
#[allow(unused_imports)]
pub use client::{Client, Reply};
#[allow(unused_imports)]
pub use in_process::App;
#[allow(unused_imports)]
pub use postgres::Postgres;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The committed test model.
pub fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tiny-nllb")
}

/// What the server wrote to standard error so far, and a signal for each new line.
#[derive(Default)]
struct Log {
    lines: Mutex<Vec<String>>,
    grew: Condvar,
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// The server's own data folder (job database), unless the test gave one.
    _data: Option<tempfile::TempDir>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    log: Arc<Log>,
    agent: ureq::Agent,
}

impl Client for Server {
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Reply {
        let response = match (method, body) {
            ("POST", Some(body)) => {
                let mut request = self.agent.post(self.url(path));
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                request.send(body)
            }
            // A body on GET: DeepL's Python client sends its parameters so.
            ("GET", Some(body)) => {
                let mut request = self.agent.get(self.url(path)).force_send_body();
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                request.send(body)
            }
            (_, Some(_)) => panic!("the test client sends bodies with GET and POST only"),
            (method, None) => {
                let mut builder = ureq::http::Request::builder().method(method).uri(self.url(path));
                for (name, value) in headers {
                    builder = builder.header(*name, *value);
                }
                self.agent.run(builder.body(()).unwrap())
            }
        };
        reply(response.expect("answered"))
    }
}

impl Server {
    /// Starts `tolk serve --port 0` with the test model and `args`, and waits until the model is
    /// loaded (the server logs it), so that requests are translated.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    /// The same with environment variables.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        let model = model_dir().display().to_string();
        Server::launch(&[&model], args, env)
    }

    /// A server for several models (`NAME=DIR` or `DIR`), waiting until the first is loaded.
    pub fn start_with_models(models: &[&str]) -> Server {
        Server::launch(models, &[], &[])
    }

    /// A server speaking HTTPS with `args` (its --tls-cert/--tls-key), trusted through `root_der`.
    pub fn start_tls(args: &[&str], root_der: Vec<u8>) -> Server {
        let root: &'static [u8] = Box::leak(root_der.into_boxed_slice());
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&[
                ureq::tls::Certificate::from_der(root),
            ]))
            .build();
        let model = model_dir().display().to_string();
        Server::launch_with(&[&model], args, &[], Some(tls), &[])
    }

    /// A server run under `wrapper` (a command and its arguments, the tolk binary appended), e.g.
    /// strace; otherwise as [`Server::start`].
    pub fn start_wrapped(wrapper: &[&str], args: &[&str]) -> Server {
        let model = model_dir().display().to_string();
        Server::launch_with(&[&model], args, &[], None, wrapper)
    }

    /// A server for `models` (none: the default model) with environment variables.
    pub fn start_with_models_env(models: &[&str], env: &[(&str, &str)]) -> Server {
        Server::launch(models, &[], env)
    }

    fn launch(models: &[&str], args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::launch_with(models, args, env, None, &[])
    }

    fn launch_with(
        models: &[&str],
        args: &[&str],
        env: &[(&str, &str)],
        tls: Option<ureq::tls::TlsConfig>,
        wrapper: &[&str],
    ) -> Server {
        let mut command = match wrapper.split_first() {
            Some((program, wrapper_args)) => {
                let mut command = Command::new(program);
                command.args(wrapper_args).arg(env!("CARGO_BIN_EXE_tolk"));
                command
            }
            None => Command::new(env!("CARGO_BIN_EXE_tolk")),
        };
        command.arg("serve");
        for model in models {
            command.arg("--model").arg(model);
        }
        command
            .args(["--port", "0", "--threads", "1", "--http-workers", "2"])
            .args(args)
            .env("TOLK_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        // Each server its own job database, unless the test shares one on purpose.
        let data = (!args.iter().any(|a| *a == "--data-dir" || *a == "--database-url")).then(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            command.arg("--data-dir").arg(dir.path());
            dir
        });
        let mut child = command.spawn().expect("tolk starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Log::default());
        let writer = Arc::clone(&log);
        // Drained for the server's whole life: a full pipe would block its logging.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                writer.lines.lock().unwrap().push(line);
                writer.grew.notify_all();
            }
        });
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)));
        if let Some(tls) = tls {
            config = config.tls_config(tls);
        }
        let agent: ureq::Agent = config.build().into();
        let mut server = Server {
            child,
            _data: data,
            base: String::new(),
            log,
            agent,
        };
        let line = server.wait_for_log("listening on ");
        let start = line.find("listening on ").unwrap() + "listening on ".len();
        server.base = line[start..].trim().to_string();
        server.wait_for_log("model loaded");
        server
    }

    /// Waits (up to a minute) for a log line containing `needle`; returns it.
    pub fn wait_for_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = self.log.lines.lock().unwrap();
        loop {
            if let Some(line) = lines.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no log line with {needle:?}; log:\n{}",
                lines.join("\n")
            );
            lines = self.log.grew.wait_timeout(lines, left).unwrap().0;
        }
    }

    /// Everything logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lines.lock().unwrap().clone()
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST JSON and read the response body as it streams.
    pub fn post_stream(&self, path: &str, body: &Value) -> (u16, Box<dyn BufRead + Send>) {
        let response = self
            .agent
            .post(self.url(path))
            .header("Content-Type", "application/json")
            .send(body.to_string().as_bytes())
            .expect("POST answered");
        let status = response.status().as_u16();
        let reader = response.into_body().into_reader();
        (status, Box::new(BufReader::new(reader)))
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to end; its exit status.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }

    /// Kills the server at once (SIGKILL): no shutdown, nothing flushed.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reply(response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .read_to_end(&mut bytes)
        .expect("the body is read");
    Reply::new(status, headers, bytes)
}

/// Server-Sent Events read from a stream: (event name, JSON data), until the stream ends or
/// `stop` says so after an event.
pub fn read_events(reader: &mut dyn BufRead, mut stop: impl FnMut(&str, &Value) -> bool) -> Vec<(String, Value)> {
    let mut events = Vec::new();
    let mut name = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return events;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(value) = line.strip_prefix("event: ") {
            name = value.to_string();
        } else if let Some(data) = line.strip_prefix("data: ") {
            let value: Value = serde_json::from_str(data).unwrap();
            let done = stop(&name, &value);
            events.push((name.clone(), value));
            if done {
                return events;
            }
        }
    }
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The host and port it listens on.
    pub fn address(&self) -> String {
        self.base
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    /// The most memory the process has held so far (VmHWM), in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("the process is alive");
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kb * 1024
    }
}

/// The files of `dir` whose bytes hold `needle`: what a deletion must leave none of.
pub fn on_disk(dir: &std::path::Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).ok()?;
            bytes
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
                .then(|| path.display().to_string())
        })
        .collect()
}
