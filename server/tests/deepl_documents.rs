//! DeepL's document API asked of the HTTP app in-process: upload, status, one download, keys and
//! every refusal. (tests/clients/ drives the official Python and Node clients against a server.)

mod common;

use common::{App, Client, Reply};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A multipart part: name, file name for a file, content.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

const TEXT: &str = "Everyone has the right to education.\n\nEducation shall be free.\n";

fn upload(server: &App, parts: &[Part], headers: &[(&str, &str)]) -> Reply {
    server.post_multipart_with("/v2/document", parts, headers)
}

/// Polls the document's status until it is no longer queued or translating (two minutes at most),
/// as DeepL's clients poll it.
fn wait_until_finished(server: &App, id: &str, key: &str, headers: &[(&str, &str)]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let reply = server.post(
            &format!("/v2/document/{id}"),
            "application/json",
            json!({ "document_key": key }).to_string().as_bytes(),
            headers,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let status = reply.json();
        match status["status"].as_str().unwrap() {
            "queued" => assert!(status.get("seconds_remaining").is_none()),
            "translating" => assert!(status["seconds_remaining"].as_u64().unwrap() >= 1),
            _ => return status,
        }
        assert!(Instant::now() < deadline, "the document did not finish: {status}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn result(server: &App, id: &str, key: &str, headers: &[(&str, &str)]) -> Reply {
    let form = format!("document_key={key}");
    server.post(
        &format!("/v2/document/{id}/result"),
        "application/x-www-form-urlencoded",
        form.as_bytes(),
        headers,
    )
}

#[test]
fn a_document_is_uploaded_polled_and_downloaded_once() {
    let server = App::start(&[]);
    let reply = upload(
        &server,
        &[
            ("file", Some("notes.txt"), TEXT.as_bytes()),
            ("target_lang", None, b"DE"),
            ("source_lang", None, b"EN"),
        ],
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let handle = reply.json();
    let id = handle["document_id"].as_str().unwrap().to_string();
    let key = handle["document_key"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));

    let status = wait_until_finished(&server, &id, &key, &[]);
    assert_eq!(status["status"], "done", "{status}");
    assert_eq!(status["document_id"], id.as_str());
    // A text file is billed every character it has, as DeepL bills one.
    assert_eq!(status["billed_characters"].as_u64(), Some(TEXT.chars().count() as u64));

    // A wrong key reads as no document at all.
    let wrong = result(&server, &id, &"0".repeat(64), &[]);
    assert_eq!(
        (wrong.status, wrong.json()),
        (404, json!({"message": "Document not found"}))
    );

    let file = result(&server, &id, &key, &[]);
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.header("content-type"), Some("text/plain; charset=utf-8"));
    let tolk = server.post_json(
        "/v1/translate",
        &json!({"text": ["Everyone has the right to education.", "Education shall be free."], "source": "en", "target": "de"}),
    );
    let translations: Vec<String> = tolk.json()["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(file.body, format!("{}\n\n{}\n", translations[0], translations[1]));

    // Downloaded once, then gone: status and result both say so.
    assert_eq!(result(&server, &id, &key, &[]).status, 404);
    let after = server.post_json(&format!("/v2/document/{id}"), &json!({ "document_key": key }));
    assert_eq!(after.status, 404);
}

#[test]
fn every_document_format_goes_through_the_document_api() {
    let server = App::start(&[]);
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/documents");
    for name in ["page.html", "movie.srt", "messages.json", "app.po", "strings.xlf"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let reply = upload(
            &server,
            &[
                ("file", Some(name), &bytes),
                ("target_lang", None, b"fr"),
                ("output_format", None, name.rsplit('.').next().unwrap().as_bytes()),
            ],
            &[],
        );
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        let (id, key) = (
            reply.json()["document_id"].as_str().unwrap().to_string(),
            reply.json()["document_key"].as_str().unwrap().to_string(),
        );
        assert_eq!(wait_until_finished(&server, &id, &key, &[])["status"], "done", "{name}");
        let file = result(&server, &id, &key, &[]);
        assert_eq!(file.status, 200, "{name}");
        assert!(
            !file.bytes.is_empty() && file.bytes != bytes,
            "{name} came back translated"
        );
    }
}

#[test]
fn bad_document_requests_get_deepls_errors() {
    let server = App::start(&[]);
    let cases: Vec<(Vec<Part>, u16, &str)> = vec![
        (
            vec![("target_lang", None, b"DE")],
            400,
            "Parameter 'file' not specified.",
        ),
        (
            vec![("file", Some("a.txt"), b"Hello there.")],
            400,
            "Parameter 'target_lang' not specified.",
        ),
        (
            vec![("file", Some("a.txt"), b"Hello there."), ("target_lang", None, b"XX")],
            400,
            "Value for 'target_lang' not supported.",
        ),
        (
            vec![
                ("file", Some("a.txt"), b"Hello there."),
                ("target_lang", None, b"DE"),
                ("output_format", None, b"pdf"),
            ],
            400,
            "Value for 'output_format' not supported: documents are translated into their own format (txt).",
        ),
        (
            vec![
                ("file", Some("a.txt"), b"Hello there."),
                ("target_lang", None, b"DE"),
                ("formality", None, b"less"),
            ],
            400,
            "Target language 'DE' doesn't support formality.",
        ),
        (
            vec![
                ("file", Some("a.txt"), b"Hello there."),
                ("target_lang", None, b"DE"),
                ("glossary_id", None, b"g1"),
            ],
            400,
            "source: a glossary needs the source language (it is not detected)",
        ),
        (
            vec![
                ("file", Some("a.txt"), b"Hello there."),
                ("target_lang", None, b"DE"),
                ("source_lang", None, b"EN"),
                ("glossary_id", None, b"g1"),
            ],
            404,
            "glossary g1 not found",
        ),
    ];
    for (parts, status, message) in cases {
        let reply = upload(&server, &parts, &[]);
        assert_eq!(reply.status, status, "{message}: {}", reply.body);
        assert_eq!(reply.json(), json!({ "message": message }));
    }
    for (name, bytes) in [
        ("picture.png", &b"\x89PNG"[..]),
        ("broken.docx", &b"not a zip"[..]),
        ("archive.zip", &b"PK"[..]),
    ] {
        let reply = upload(
            &server,
            &[("file", Some(name), bytes), ("target_lang", None, b"DE")],
            &[],
        );
        assert_eq!(reply.status, 400, "{name}: {}", reply.body);
        assert!(
            reply.json()["message"].as_str().unwrap().contains(name),
            "{name}: {}",
            reply.body
        );
    }
    let json_upload = server.post_json("/v2/document", &json!({"target_lang": "DE"}));
    assert_eq!(json_upload.status, 415);
    let no_key = server.post_json("/v2/document/0123", &json!({}));
    assert_eq!(
        (no_key.status, no_key.json()),
        (400, json!({"message": "Parameter 'document_key' not specified."}))
    );
    let unknown = server.post_json("/v2/document/0123", &json!({"document_key": "abc"}));
    assert_eq!(
        (unknown.status, unknown.json()),
        (404, json!({"message": "Document not found"}))
    );
}

#[test]
fn documents_belong_to_the_key_that_uploaded_them_and_bill_its_quota() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, "owner-key\nother-key\nsmall-key chars_per_day=20\n").unwrap();
    let server = App::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let owner = [("Authorization", "DeepL-Auth-Key owner-key")];
    let other = [("Authorization", "DeepL-Auth-Key other-key")];
    let parts: [(&str, Option<&str>, &[u8]); 2] = [
        ("file", Some("notes.txt"), TEXT.as_bytes()),
        ("target_lang", None, b"DE"),
    ];
    let anonymous = upload(&server, &parts, &[]);
    assert_eq!(anonymous.status, 403, "{}", anonymous.body);
    let reply = upload(&server, &parts, &owner);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (id, key) = (
        reply.json()["document_id"].as_str().unwrap().to_string(),
        reply.json()["document_key"].as_str().unwrap().to_string(),
    );
    assert_eq!(wait_until_finished(&server, &id, &key, &owner)["status"], "done");
    // The right document key with another API key is no document.
    assert_eq!(result(&server, &id, &key, &other).status, 404);
    assert_eq!(result(&server, &id, &key, &owner).status, 200);
    let usage = server.get_with("/v2/usage", &owner).json();
    assert_eq!(usage["character_count"].as_u64(), Some(TEXT.chars().count() as u64));
    let over = upload(&server, &parts, &[("Authorization", "DeepL-Auth-Key small-key")]);
    assert_eq!(over.status, 456, "{}", over.body);
}

#[test]
fn a_document_is_billed_its_text_without_markup() {
    let server = App::start(&[]);
    let html = "<p>Everyone has the right to <b>education</b>.</p>";
    let reply = upload(
        &server,
        &[
            ("file", Some("page.html"), html.as_bytes()),
            ("target_lang", None, b"DE"),
        ],
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let handle = reply.json();
    let (id, key) = (
        handle["document_id"].as_str().unwrap(),
        handle["document_key"].as_str().unwrap(),
    );
    let status = wait_until_finished(&server, id, key, &[]);
    // The text is "Everyone has the right to education.": 36 characters; the bold span, which
    // is translated again on its own, is not billed twice, nor are the tags.
    assert_eq!(status["billed_characters"].as_u64(), Some(36), "{status}");
}
