//! Jobs on the server: upload, progress, result zip, cancel (the app in-process); a server
//! killed with SIGKILL mid-job resumes from the last stored chunk and produces the same result as
//! an uninterrupted run; two servers sharing PostgreSQL finish a job one of them died in (server
//! processes).

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use common::{App, Client, Postgres, Server};
use serde_json::{json, Value};

const SENTENCES: [&str; 8] = [
    "Everyone has the right to education.",
    "No one shall be held in slavery or servitude.",
    "All human beings are born free and equal in dignity and rights.",
    "Everyone has the right to rest and leisure.",
    "Everyone has the right to freedom of movement within the borders of each state.",
    "No one shall be subjected to arbitrary arrest, detention or exile.",
    "Everyone has the right to a nationality.",
    "Men and women of full age have the right to marry and to found a family.",
];

/// A text of `paragraphs` paragraphs, different for each `seed`.
fn text(seed: usize, paragraphs: usize) -> String {
    (0..paragraphs)
        .map(|p| {
            let a = SENTENCES[(seed + p) % SENTENCES.len()];
            let b = SENTENCES[(seed * 3 + p * 5 + 1) % SENTENCES.len()];
            format!("Article {}. {a} {b}", seed * 100 + p)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("the result is a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().to_string(), content)
        })
        .collect()
}

fn create(server: &impl Client, files: &[(String, Vec<u8>)], targets: &str) -> String {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("file", Some(name.as_str()), bytes.as_slice()))
        .collect();
    parts.push(("target", None, targets.as_bytes()));
    let reply = server.post_multipart("/v1/jobs", &parts);
    assert_eq!(reply.status, 202, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_string();
    assert_eq!(reply.header("location"), Some(format!("/v1/jobs/{id}").as_str()));
    id
}

fn result(server: &impl Client, id: &str) -> BTreeMap<String, Vec<u8>> {
    let reply = server.get(&format!("/v1/jobs/{id}/result"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, "application/zip");
    let mut entries = unzip(&reply.bytes);
    entries.remove("report.json").expect("a report in the zip");
    entries
}

#[test]
fn a_job_translates_every_file_and_answers_a_zip() {
    let server = App::start(&[]);
    let english = text(1, 3);
    let spanish = "Toda persona tiene derecho a la educación. Nadie estará sometido a esclavitud.";
    let packed = zip(&[
        ("inside/c.txt", english.as_bytes()),
        ("inside/deep/d.txt", spanish.as_bytes()),
    ]);
    let files = vec![
        ("a.txt".to_string(), english.clone().into_bytes()),
        ("guides/b.txt".to_string(), spanish.as_bytes().to_vec()),
        ("scan.pdf".to_string(), b"%PDF-1.7".to_vec()),
        ("broken.txt".to_string(), b"\xff\xfe\x00".to_vec()),
        ("bundle.zip".to_string(), packed),
    ];
    let id = create(&server, &files, "fra_Latn,deu_Latn");
    let job = server.wait_for_job(&id, |job| job["state"] == "done");
    let progress = &job["progress"];
    assert_eq!(progress["total"], 12, "6 files × 2 languages: {job}");
    assert_eq!(
        (
            progress["done"].as_u64(),
            progress["failed"].as_u64(),
            progress["skipped"].as_u64()
        ),
        (Some(8), Some(2), Some(2))
    );
    assert_eq!(progress["segments_done"], progress["segments_total"]);
    let file = |path: &str, target: &str| {
        job["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path && f["target"] == target)
            .unwrap()
            .clone()
    };
    assert_eq!(file("guides/b.txt", "fra_Latn")["source"], "spa_Latn");
    assert!(file("broken.txt", "deu_Latn")["reason"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    assert_eq!(file("scan.pdf", "fra_Latn")["state"], "skipped");

    let entries = result(&server, &id);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "deu_Latn/a.txt",
            "deu_Latn/guides/b.txt",
            "deu_Latn/inside/c.txt",
            "deu_Latn/inside/deep/d.txt",
            "fra_Latn/a.txt",
            "fra_Latn/guides/b.txt",
            "fra_Latn/inside/c.txt",
            "fra_Latn/inside/deep/d.txt",
        ]
    );
    // Each file's translation is what the API gives for its text.
    let api = server.post_json(
        "/v1/translate",
        &json!({"text": english, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_eq!(
        String::from_utf8(entries["fra_Latn/a.txt"].clone()).unwrap(),
        api.json()["translations"][0]["text"]
    );
    assert_eq!(entries["fra_Latn/a.txt"], entries["fra_Latn/inside/c.txt"]);
    // report.json (and the job's view) says per file how far its translation can be trusted:
    // a.txt's sentences are the API's, counted by level, the file's level their worst.
    let item = &api.json()["translations"][0];
    let sentences = item["sentences"].as_array().unwrap();
    let count = |level: &str| sentences.iter().filter(|s| s["quality"]["level"] == level).count() as u64;
    let zipped = server.get(&format!("/v1/jobs/{id}/result"));
    let report: Value = serde_json::from_slice(&unzip(&zipped.bytes)["report.json"]).unwrap();
    let a = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "a.txt" && f["target"] == "fra_Latn")
        .unwrap()
        .clone();
    let quality = &a["quality"];
    assert_eq!(quality["sentences"].as_u64(), Some(sentences.len() as u64), "{a}");
    assert_eq!(quality["uncertain"].as_u64(), Some(count("uncertain")), "{a}");
    assert_eq!(quality["poor"].as_u64(), Some(count("poor")), "{a}");
    assert_eq!(quality["level"], item["quality"]["level"], "{a}");
    assert_eq!(
        quality["flagged"].as_array().unwrap().len() as u64,
        count("uncertain") + count("poor")
    );
    assert_eq!(file("a.txt", "fra_Latn")["quality"], *quality, "the view says the same");

    assert_eq!(server.request("DELETE", &format!("/v1/jobs/{id}"), &[]).status, 204);
    assert_eq!(server.get(&format!("/v1/jobs/{id}")).status, 404);
    assert_eq!(server.get(&format!("/v1/jobs/{id}/result")).status, 404);
    assert_eq!(server.request("DELETE", &format!("/v1/jobs/{id}"), &[]).status, 404);
}

/// A multipart part: field name, file name, content.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

#[test]
fn bad_job_requests_get_clear_client_errors() {
    let server = App::start(&[]);
    let file: &[u8] = b"Everyone has the right to education.";
    let cases: Vec<(Vec<Part>, u16, &str)> = vec![
        (vec![("target", None, b"fra_Latn")], 400, "no files"),
        (vec![("file", Some("a.txt"), file)], 400, "target"),
        (
            vec![("file", Some("a.txt"), file), ("target", None, b"Frnech")],
            400,
            "unknown_language",
        ),
        (
            vec![("file", Some("../../etc/a.txt"), file), ("target", None, b"fra_Latn")],
            400,
            "relative paths",
        ),
        (
            vec![
                ("file", Some("a.txt"), file),
                ("target", None, b"fra_Latn"),
                ("colour", None, b"red"),
            ],
            400,
            "unknown field",
        ),
    ];
    for (parts, status, needle) in cases {
        let reply = server.post_multipart("/v1/jobs", &parts);
        assert_eq!(reply.status, status, "{needle}: {}", reply.body);
        assert!(reply.body.contains(needle), "{needle}: {}", reply.body);
    }
    // Hostile archives: a path out of the folder, and a bomb (10 MB of zeros in a few KB).
    let slip = zip(&[("../evil.txt", file)]);
    let zeros = vec![0u8; 10 << 20];
    let bomb = zip(&[("zeros.txt", zeros.as_slice())]);
    let broken = b"PK\x03\x04 not really a zip".to_vec();
    for (archive, needle) in [(slip, "relative paths"), (bomb, "limits"), (broken, "not a valid zip")] {
        let reply = server.post_multipart(
            "/v1/jobs",
            &[("file", Some("up.zip"), &archive), ("target", None, b"fra_Latn")],
        );
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(reply.body.contains(needle), "{needle}: {}", reply.body);
    }
    // Each target multiplies the work: more than 64 distinct languages is refused, before anything
    // is stored.
    let many: Vec<String> = langs::catalogue().iter().take(65).map(|l| l.code.to_string()).collect();
    let many = many.join(",");
    let reply = server.post_multipart(
        "/v1/jobs",
        &[("file", Some("a.txt"), file), ("target", None, many.as_bytes())],
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "invalid_option");
    assert!(reply.body.contains("at most 64"), "{}", reply.body);
    // Files with one path would overwrite each other in the result: refused by name, not dropped.
    let first = zip(&[("index.txt", file), ("one.txt", file)]);
    let second = zip(&[("index.txt", file)]);
    for parts in [
        vec![("file", Some("doc.txt"), file), ("file", Some("doc.txt"), file)],
        vec![
            ("file", Some("a.zip"), first.as_slice()),
            ("file", Some("b.zip"), second.as_slice()),
        ],
    ] {
        let mut parts: Vec<Part> = parts;
        parts.push(("target", None, b"fra_Latn"));
        let reply = server.post_multipart("/v1/jobs", &parts);
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "invalid_body");
        let named = if parts.len() == 3 && parts[0].1 == Some("doc.txt") {
            "doc.txt"
        } else {
            "index.txt"
        };
        assert!(
            reply.body.contains(named) && reply.body.contains("more than once"),
            "{}",
            reply.body
        );
    }
    let reply = server.post_json("/v1/jobs", &json!({"file": "a.txt"}));
    assert_eq!(reply.status, 415, "{}", reply.body);
    // The message names what was sent and what to send instead.
    assert_eq!(
        reply.json()["error"]["message"],
        "unsupported content type \"application/json\"; send multipart/form-data"
    );
    assert_eq!(server.get("/v1/jobs/0123").status, 404);
    assert_eq!(server.get("/v1/jobs/0123/result").status, 404);
    assert_eq!(server.metric("tolk_http_responses_total{class=\"5xx\"}"), 0.0);
}

#[test]
fn with_keys_each_key_sees_only_its_own_jobs() {
    let server = App::start(&["--api-keys", "team-a,team-b"]);
    let a = [("authorization", "Bearer team-a")];
    let b = [("authorization", "Bearer team-b")];
    let parts: [Part; 2] = [
        ("file", Some("a.txt"), b"Everyone has the right to education."),
        ("target", None, b"fra_Latn"),
    ];
    assert_eq!(server.post_multipart("/v1/jobs", &parts).status, 401);
    let reply = server.post_multipart_with("/v1/jobs", &parts, &a);
    assert_eq!(reply.status, 202, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let path = format!("/v1/jobs/{id}");
    assert_eq!(server.get_with(&path, &a).status, 200);
    assert_eq!(server.get_with(&path, &b).status, 404, "another key's job is not there");
    assert_eq!(server.get(&path).status, 401);
    assert_eq!(server.request("DELETE", &path, &b).status, 404);
    assert_eq!(server.request("DELETE", &path, &a).status, 204);
}

/// Sentences the engine translated (cache misses), the test model's pool.
const TRANSLATED: &str = "tolk_sentences_translated_total{model=\"tiny-nllb\"}";

/// Files large enough to be stored in several chunks each.
fn collection(files: usize) -> Vec<(String, Vec<u8>)> {
    (0..files)
        .map(|i| (format!("part-{i:02}.txt"), text(i, 200).into_bytes()))
        .collect()
}

#[test]
fn a_server_killed_mid_job_resumes_and_gives_the_same_result() {
    let files = collection(6);
    // The uninterrupted run, for comparison.
    let whole = Server::start(&["--job-workers", "1"]);
    let id = create(&whole, &files, "fra_Latn");
    whole.wait_for_job(&id, |job| job["state"] == "done");
    let expected = result(&whole, &id);
    let translated_whole = whole.metric(TRANSLATED);
    drop(whole);

    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let mut first = Server::start(&["--job-workers", "1", "--data-dir", &data_dir]);
    let id = create(&first, &files, "fra_Latn");
    let seen = first.wait_for_job(&id, |job| job["progress"]["segments_done"].as_u64().unwrap() > 0);
    first.kill();
    assert_ne!(
        seen["state"], "done",
        "the job must still be running when the server dies"
    );

    let second = Server::start(&["--job-workers", "1", "--data-dir", &data_dir]);
    let job = second.wait_for_job(&id, |job| job["state"] == "done");
    assert_eq!(job["progress"]["done"], 6, "{job}");
    assert_eq!(result(&second, &id), expected, "same files, same translations");
    // What was stored before the kill was not translated again.
    let translated_after = second.metric(TRANSLATED);
    assert!(
        translated_after < translated_whole,
        "{translated_after} ≥ {translated_whole}"
    );
}

#[test]
fn servers_sharing_postgres_finish_a_job_one_of_them_died_in() {
    let postgres = Postgres::start();
    let url = postgres.url();
    // The first unit claimed is a long file, so that the first server is surely inside it (some
    // chunks stored, more to come) when it dies.
    let mut files = collection(6);
    files[0].1 = text(0, 800).into_bytes();
    let shared = ["--job-workers", "1", "--job-lease", "2", "--database-url", url.as_str()];
    let mut first = Server::start(&shared);
    let id = create(&first, &files, "fra_Latn,deu_Latn");
    // The first server is inside a unit when it dies (claimed, its lease running). Watched on
    // the units themselves: under load the job's progress can move past a whole short unit, and
    // the server be between two units, before the test looks.
    let seen = first.wait_for_job(&id, |job| {
        job["files"].as_array().unwrap().iter().any(|f| f["state"] == "running")
    });
    first.kill();
    assert_ne!(
        seen["state"], "done",
        "the job must still be running when the server dies"
    );

    let second = Server::start(&shared);
    let third = Server::start(&shared);
    let job = second.wait_for_job(&id, |job| job["state"] == "done");
    assert_eq!(job["progress"]["done"], 12, "{job}");
    let attempts: Vec<u64> = job["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["attempts"].as_u64().unwrap())
        .collect();
    assert!(
        attempts.contains(&2),
        "the dead server's unit was taken over: {attempts:?}"
    );
    assert!(
        attempts.iter().all(|&a| a <= 2),
        "live servers keep their leases: {attempts:?}"
    );
    // Every file exactly once in the result, whichever server did it, as one server alone does it.
    let entries = result(&third, &id);
    assert_eq!(entries.len(), 12);
    let alone = Server::start(&["--job-workers", "1"]);
    let reference = create(&alone, &files, "fra_Latn,deu_Latn");
    alone.wait_for_job(&reference, |job| job["state"] == "done");
    assert_eq!(entries, result(&alone, &reference));
}

#[test]
fn interactive_requests_go_before_a_running_job() {
    let server = App::start(&["--job-workers", "2"]);
    let files = collection(8);
    let id = create(&server, &files, "fra_Latn,deu_Latn");
    server.wait_for_job(&id, |job| job["progress"]["segments_done"].as_u64().unwrap() > 0);
    // Bulk work fills the queue; an interactive request is served ahead of it.
    for _ in 0..5 {
        let reply = server.post_json(
            "/v1/translate",
            &json!({"text": "Everyone has the right to education.", "source": "eng_Latn", "target": "spa_Latn"}),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let job = server.get(&format!("/v1/jobs/{id}")).json();
    assert_ne!(
        job["state"], "done",
        "the interactive requests were answered while the job ran: {}",
        job["progress"]
    );
    server.wait_for_job(&id, |job| job["state"] == "done");
}

#[test]
fn deleted_and_expired_jobs_leave_no_text_on_disk() {
    let upload = |server: &Server, marker: &str| {
        let text = format!("{} Reference {marker}.", text(7, 2));
        create(server, &[("secret.txt".to_string(), text.into_bytes())], "fra_Latn")
    };

    // Deleted by its owner once done.
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&["--data-dir", &data.path().display().to_string()]);
    let marker = "ZQXJ-deleted-4471";
    let id = upload(&server, marker);
    // It is on disk while the job lives (else the check below would prove nothing).
    assert!(!common::on_disk(data.path(), marker).is_empty(), "the upload is stored");
    server.wait_for_job(&id, |job| job["state"] == "done");
    assert_eq!(server.request("DELETE", &format!("/v1/jobs/{id}"), &[]).status, 204);
    let left = common::on_disk(data.path(), marker);
    assert!(left.is_empty(), "a deleted job's text is still in {left:?}");
    drop(server);

    // Left alone under a retention of about a second: swept away while the test watches.
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&[
        "--data-dir",
        &data.path().display().to_string(),
        "--job-retention-hours",
        "0.0003",
    ]);
    let marker = "ZQXJ-expired-9012";
    let id = upload(&server, marker);
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.get(&format!("/v1/jobs/{id}")).status != 404 {
        assert!(Instant::now() < deadline, "the finished job outlived its retention");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.wait_for_log("finished job deleted after its retention");
    let left = common::on_disk(data.path(), marker);
    assert!(left.is_empty(), "an expired job's text is still in {left:?}");
}

#[test]
fn a_unit_that_keeps_failing_is_failed_after_its_attempts_while_the_rest_finish() {
    // An engine call that fails (or panics) on one sentence: a failure that may pass, so its unit
    // is given back and tried again, at most five times, and then failed with the reason.
    for fault in ["POISONED", "POISONED:panic"] {
        let server = App::start(&["--test-engine-fault", fault, "--job-workers", "1"]);
        let files = vec![
            (
                "bad.txt".to_string(),
                b"Everyone has rights. The POISONED sentence is here.".to_vec(),
            ),
            ("good.txt".to_string(), text(1, 3).into_bytes()),
        ];
        let id = create(&server, &files, "fra_Latn");
        let job = server.wait_for_job(&id, |job| job["state"] == "done");
        assert_eq!(
            (job["progress"]["done"].as_u64(), job["progress"]["failed"].as_u64()),
            (Some(1), Some(1)),
            "{fault}: {job}"
        );
        let bad = job["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "bad.txt")
            .unwrap();
        assert_eq!(bad["state"], "failed", "{fault}");
        assert_eq!(bad["attempts"], 5, "{fault}");
        let reason = bad["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("gave up after 5 attempts: translation failed"),
            "{fault}: {reason}"
        );
        // The worker and the pool live on: interactive translation still answers.
        let reply = server.post_json(
            "/v1/translate",
            &json!({"text": "Good morning.", "source": "en", "target": "fr"}),
        );
        assert_eq!(reply.status, 200, "{fault}: {}", reply.body);
    }
}
