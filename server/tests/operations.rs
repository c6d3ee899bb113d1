//! Running the server: settings from the environment and a config file, CORS, request ids in
//! the log, readiness, and a graceful shutdown that finishes requests in flight.

mod common;

use common::{read_events, Client, Server};
use serde_json::json;

#[test]
fn settings_come_from_environment_and_config_file_and_cors_follows_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tolk.toml");
    std::fs::write(&config, "max_texts = 2\ncors_origins = [\"https://app.example\"]\n").unwrap();
    let server = Server::start_with(&["--config", config.to_str().unwrap()], &[("TOLK_MAX_CHARS", "50")]);
    let texts = server.post_json("/v1/translate", &json!({"text": ["a", "b", "c"], "target": "fr"}));
    assert_eq!(texts.status, 413);
    let chars = server.post_json("/v1/translate", &json!({"text": "x".repeat(51), "target": "fr"}));
    assert_eq!(chars.json()["error"]["code"], "too_many_characters");

    let preflight = server.request(
        "OPTIONS",
        "/v1/translate",
        &[
            ("Origin", "https://app.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
    );
    assert!(preflight.status < 300, "{preflight:?}");
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let other = server.request(
        "OPTIONS",
        "/v1/translate",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_ne!(
        other.header("access-control-allow-origin"),
        Some("https://evil.example")
    );
}

#[test]
fn each_request_is_logged_once_with_its_id() {
    let server = Server::start(&[]);
    let reply = server.get_with("/healthz", &[("X-Request-Id", "test-id-42")]);
    assert_eq!(reply.request_id.as_deref(), Some("test-id-42"));
    let line = server.wait_for_log("test-id-42");
    assert!(line.contains("/healthz") && line.contains("200"), "{line}");
    let generated = server.get("/readyz").request_id.unwrap();
    assert!(!generated.is_empty());
    server.wait_for_log(&generated);
    assert_eq!(server.log().iter().filter(|l| l.contains("test-id-42")).count(), 1);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits() {
    let mut server = Server::start(&[]);
    let text = (0..300)
        .map(|i| format!("Everyone has the right number {i}."))
        .collect::<Vec<_>>()
        .join(" ");
    let (status, mut reader) = server.post_stream(
        "/v1/translate/stream",
        &json!({"text": text, "source": "eng_Latn", "target": "fra_Latn", "options": {"beam_size": 1}}),
    );
    assert_eq!(status, 200);
    let first = read_events(&mut *reader, |_, _| true);
    assert_eq!(first[0].0, "sentence");
    server.terminate();
    let rest = read_events(&mut *reader, |name, _| name == "done");
    let sentences = 1 + rest.iter().filter(|(n, _)| n == "sentence").count();
    assert_eq!(sentences, 300, "every sentence arrived");
    assert_eq!(rest.last().unwrap().0, "done");
    assert!(server.wait().success());
}

#[test]
fn a_missing_model_directory_stops_with_a_clear_message() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(["serve", "--model", "/nonexistent/model", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/model"), "{stderr}");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(["serve", "--model", "/m", "--max-texts", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// Sends `marker` through every endpoint that takes text, including in failing requests.
fn send_marked_text(server: &Server, marker: &str) {
    let text = format!("Everyone has the right to {marker}. It is a right.");
    assert_eq!(
        server
            .post_json("/v1/translate", &json!({"text": text, "target": "fr"}))
            .status,
        200
    );
    assert_eq!(server.post_json("/v1/detect", &json!({"text": text})).status, 200);
    let (status, mut reader) = server.post_stream(
        "/v1/translate/stream",
        &json!({"text": text, "source": "en", "target": "fr"}),
    );
    assert_eq!(status, 200);
    read_events(&mut *reader, |name, _| name == "done");
    let form = format!("q={marker}+is+here.&source=en&target=es");
    assert_eq!(
        server
            .post("/translate", "application/x-www-form-urlencoded", form.as_bytes(), &[])
            .status,
        200
    );
    let deepl = format!("text={marker}+is+here.&target_lang=DE");
    assert_eq!(
        server
            .post(
                "/v2/translate",
                "application/x-www-form-urlencoded",
                deepl.as_bytes(),
                &[]
            )
            .status,
        200
    );
    let broken = format!("{{\"text\": \"{marker}\", \"target\": ");
    assert_eq!(
        server
            .post("/v1/translate", "application/json", broken.as_bytes(), &[])
            .status,
        400
    );
    let wrong = server.post_json("/v1/translate", &json!({"text": text, "target": "Klingon"}));
    assert_eq!(wrong.status, 400);
    // A job whose file name and content carry the marker, run to the end.
    let name = format!("{marker}.txt");
    let job = server.post_multipart(
        "/v1/jobs",
        &[
            ("file", Some(name.as_str()), text.as_bytes()),
            ("target", None, b"fra_Latn"),
        ],
    );
    assert_eq!(job.status, 202, "{}", job.body);
    let id = job.json()["id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.get(&format!("/v1/jobs/{id}")).json()["state"] != "done" {
        assert!(std::time::Instant::now() < deadline, "the job did not finish");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(server.get(&format!("/v1/jobs/{id}/result")).status, 200);
}

#[test]
fn no_text_reaches_the_logs_unless_asked_for() {
    let marker = "Zebrafinch7731";
    let server = Server::start(&[]);
    send_marked_text(&server, marker);
    // The last request's log line is written after its response: wait for it, then read.
    server.get_with("/healthz", &[("X-Request-Id", "last-request")]);
    server.wait_for_log("last-request");
    let log = server.log();
    assert!(
        log.iter().any(|l| l.contains("translated") && l.contains("chars=")),
        "sizes are logged"
    );
    let leaks: Vec<&String> = log.iter().filter(|l| l.contains(marker)).collect();
    assert!(leaks.is_empty(), "text in the log: {leaks:?}");
    let metrics = server.get("/metrics");
    assert!(metrics.body.contains("tolk_"), "metrics are served");
    assert!(!metrics.body.contains(marker), "text in the metrics");

    let verbose = Server::start(&["--log-content"]);
    send_marked_text(&verbose, marker);
    verbose.wait_for_log(marker);
}

#[test]
fn https_with_a_certificate_the_test_makes() {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    let server = Server::start_tls(
        &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()],
        made.cert.der().to_vec(),
    );
    assert!(server.base.starts_with("https://127.0.0.1:"), "{}", server.base);
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": "Everyone has the right to education.", "target": "fr"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    let broken = dir.path().join("broken.pem");
    std::fs::write(&broken, "not a certificate").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(["serve", "--model", common::model_dir().to_str().unwrap(), "--port", "0"])
        .args([
            "--tls-cert",
            broken.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tls-cert"));
}
