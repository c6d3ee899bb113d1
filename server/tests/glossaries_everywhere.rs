//! Glossaries and kept spans on every path (issue 20, second part): HTML and DeepL's XML with its
//! tag lists, the stream, jobs, DeepL documents, Tolk's `<notranslate>` in plain text (Tolk's,
//! LibreTranslate's and DeepL's shapes), and `tolk translate` / `tolk batch --glossary FILE`.
//! Target terms are made-up words the model cannot produce, so finding one proves it was kept.

mod common;

use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{App, Client};
use serde_json::{json, Value};

const CLINIC: &str = "ZZkliinikZZ";
const WORKER: &str = "QQsawoQQ";

/// A stored English → French glossary of two terms; its id.
fn glossary(server: &impl Client) -> String {
    let reply = server.post_json(
        "/v1/glossaries",
        &json!({"name": "Clinic", "dictionaries": [{"source": "eng_Latn", "target": "fra_Latn",
            "entries": [{"source": "clinic", "target": CLINIC}, {"source": "health worker", "target": WORKER}]}]}),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_string()
}

fn translate(server: &impl Client, body: &Value) -> Value {
    let reply = server.post_json("/v1/translate", body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["translations"][0].clone()
}

#[test]
fn terms_are_kept_in_html_with_its_markup() {
    let server = App::start(&[]);
    let id = glossary(&server);
    let html = "<p>Go to the <b>clinic</b> today.</p>\n<ul><li>Ask the health worker.</li><li>Nothing here.</li></ul>";
    let answer = translate(
        &server,
        &json!({"text": html, "source": "eng_Latn", "target": "fra_Latn", "format": "html", "glossary": id}),
    );
    let text = answer["text"].as_str().unwrap();
    assert!(text.contains(CLINIC) && text.contains(WORKER), "{text}");
    assert!(
        text.starts_with("<p>") && text.contains("</p>\n<ul><li>") && text.ends_with("</li></ul>"),
        "{text}"
    );
    assert!(!text.contains("translate=\"no\""), "the marking is gone: {text}");
    assert_eq!(
        answer["glossary_terms"],
        json!([{"source": "clinic", "target": CLINIC}, {"source": "health worker", "target": WORKER}])
    );
}

#[test]
fn the_stream_keeps_terms_and_answers_as_translate_does() {
    let server = App::start(&[]);
    let id = glossary(&server);
    let body = json!({"text": ["Go to the clinic.\n\nAsk the health worker there.", "Nothing to keep here."],
        "source": "eng_Latn", "target": "fra_Latn", "glossary": id});
    let whole = server.post_json("/v1/translate", &body).json()["translations"].clone();
    let reply = server.post_json("/v1/translate/stream", &body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let events = common::read_events(&mut Cursor::new(reply.bytes), |name, _| name == "done");
    let ends: Vec<&Value> = events.iter().filter(|(n, _)| n == "text_end").map(|(_, d)| d).collect();
    assert_eq!(ends.len(), 2);
    let first = ends[0]["translation"]["text"].as_str().unwrap();
    assert!(first.contains(CLINIC) && first.contains(WORKER), "{first}");
    assert!(first.contains("\n\n"), "layout kept: {first:?}");
    // The marked text comes whole in its text_end piece; the other sentence by sentence.
    assert_eq!(ends[0]["piece"], ends[0]["translation"]["text"]);
    assert!(events.iter().any(|(n, d)| n == "sentence" && d["text"] == 1));
    let done = &events.last().unwrap().1["translations"];
    for i in 0..2 {
        assert_eq!(done[i]["text"], whole[i]["text"], "text {i}");
        assert_eq!(
            done[i].get("glossary_terms"),
            whole[i].get("glossary_terms"),
            "text {i}"
        );
    }
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("the result is a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = String::new();
            entry.read_to_string(&mut content).unwrap();
            (entry.name().to_string(), content)
        })
        .collect()
}

#[test]
fn jobs_and_deepl_documents_keep_terms_and_refuse_what_cannot_be_applied() {
    let server = App::start(&[]);
    let id = glossary(&server);
    let text = "The clinic opens at nine.\n\nThe health worker is here.\n\nEveryone has the right to education.\n";
    let job = |extra: &[(&str, Option<&str>, &[u8])]| {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
            ("file", Some("notes.txt"), text.as_bytes()),
            ("target", None, b"fra_Latn"),
        ];
        parts.extend_from_slice(extra);
        server.post_multipart("/v1/jobs", &parts)
    };
    let reply = job(&[("source", None, b"eng_Latn"), ("glossary", None, id.as_bytes())]);
    assert_eq!(reply.status, 202, "{}", reply.body);
    let job_id = reply.json()["id"].as_str().unwrap().to_string();
    server.wait_for_job(&job_id, |job| job["state"] == "done");
    let zipped = server.get(&format!("/v1/jobs/{job_id}/result"));
    let files = unzip(&zipped.bytes);
    let (_, translated) = files
        .iter()
        .find(|(name, _)| name == "fra_Latn/notes.txt")
        .expect("the file");
    assert!(
        translated.contains(CLINIC) && translated.contains(WORKER),
        "{translated}"
    );
    assert_eq!(translated.matches("\n\n").count(), 2, "layout kept: {translated:?}");

    // A glossary needs the source language, and must exist and be the caller's.
    let no_source = job(&[("glossary", None, id.as_bytes())]);
    assert_eq!(no_source.status, 400, "{}", no_source.body);
    assert!(no_source.body.contains("source"), "{}", no_source.body);
    let unknown = job(&[("source", None, b"eng_Latn"), ("glossary", None, b"0000")]);
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let wrong_pair = server.post_multipart(
        "/v1/jobs",
        &[
            ("file", Some("notes.txt"), text.as_bytes()),
            ("target", None, b"deu_Latn"),
            ("source", None, b"eng_Latn"),
            ("glossary", None, id.as_bytes()),
        ],
    );
    assert_eq!(wrong_pair.status, 400, "{}", wrong_pair.body);
    assert!(wrong_pair.body.contains("deu_Latn"), "{}", wrong_pair.body);

    // DeepL's document API takes glossary_id as its clients send it.
    let reply = server.post_multipart(
        "/v2/document",
        &[
            ("file", Some("notes.txt"), text.as_bytes()),
            ("target_lang", None, b"FR"),
            ("source_lang", None, b"EN"),
            ("glossary_id", None, id.as_bytes()),
        ],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let handle = reply.json();
    let (doc, key) = (
        handle["document_id"].as_str().unwrap(),
        handle["document_key"].as_str().unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = server
            .post_json(&format!("/v2/document/{doc}"), &json!({ "document_key": key }))
            .json();
        if status["status"] == "done" {
            break;
        }
        assert_ne!(status["status"], "error", "{status}");
        assert!(Instant::now() < deadline, "{status}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let result = server.post_json(&format!("/v2/document/{doc}/result"), &json!({ "document_key": key }));
    assert_eq!(result.status, 200, "{}", result.body);
    assert!(
        result.body.contains(CLINIC) && result.body.contains(WORKER),
        "{}",
        result.body
    );
    let no_source = server.post_multipart(
        "/v2/document",
        &[
            ("file", Some("notes.txt"), text.as_bytes()),
            ("target_lang", None, b"FR"),
            ("glossary_id", None, id.as_bytes()),
        ],
    );
    assert_eq!(no_source.status, 400, "{}", no_source.body);
}

#[test]
fn notranslate_spans_come_back_byte_for_byte_in_every_shape() {
    let server = App::start(&[]);
    let kept = "Dr. Okello & <Sons>";
    let text = format!("Call <notranslate>{kept}</notranslate> at the clinic today.\nThank you.");
    let tolk = translate(
        &server,
        &json!({"text": text, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    let tolk = tolk["text"].as_str().unwrap();
    assert!(
        tolk.contains(kept) && !tolk.contains("notranslate") && tolk.contains('\n'),
        "{tolk}"
    );
    let libre = server.post_json("/translate", &json!({"q": text, "source": "en", "target": "fr"}));
    assert_eq!(libre.json()["translatedText"], tolk);
    let deepl = server.post_json(
        "/v2/translate",
        &json!({"text": [text], "source_lang": "EN", "target_lang": "FR"}),
    );
    assert_eq!(deepl.json()["translations"][0]["text"], tolk);
    // Without the marking the words are translated: the model does change them.
    let plain = translate(
        &server,
        &json!({"text": text.replace("<notranslate>", "").replace("</notranslate>", ""),
        "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_ne!(plain["text"].as_str().unwrap(), tolk);
    // In HTML, the element is kept with its tags, as translate="no" is.
    let html = translate(
        &server,
        &json!({"text": "<p>Call <notranslate>Dr. Okello</notranslate> today.</p>", "source": "eng_Latn",
            "target": "fra_Latn", "format": "html"}),
    );
    assert!(
        html["text"]
            .as_str()
            .unwrap()
            .contains("<notranslate>Dr. Okello</notranslate>"),
        "{html}"
    );
}

#[test]
fn deepl_xml_keeps_ignored_tags_and_splits_where_told() {
    let server = App::start(&[]);
    let xml = "<doc><par>Hello <keep id=\"7\">Do not &amp; touch</keep> my friend.</par><par>See you <x/> tomorrow.</par></doc>";
    let json_call = server.post_json(
        "/v2/translate",
        &json!({"text": [xml], "source_lang": "EN", "target_lang": "FR", "tag_handling": "xml",
            "ignore_tags": ["keep"], "splitting_tags": ["par"], "non_splitting_tags": ["x"], "outline_detection": 0}),
    );
    assert_eq!(json_call.status, 200, "{}", json_call.body);
    let out = json_call.json()["translations"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.contains("<keep id=\"7\">Do not &amp; touch</keep>"), "{out}");
    assert!(
        out.starts_with("<doc><par>") && out.ends_with("</par></doc>") && out.contains("<x/>"),
        "{out}"
    );
    assert_eq!(out.matches("<par>").count(), 2, "{out}");
    // The same call as a form, the lists separated by commas, as DeepL's Node client sends them.
    let form = format!(
        "text={}&source_lang=EN&target_lang=FR&tag_handling=xml&ignore_tags=keep,other&splitting_tags=par&non_splitting_tags=x&outline_detection=0",
        urlencode(xml)
    );
    let form_call = server.post(
        "/v2/translate",
        "application/x-www-form-urlencoded",
        form.as_bytes(),
        &[],
    );
    assert_eq!(form_call.json()["translations"][0]["text"], out);
    // A glossary applies inside XML too, outside the ignored elements.
    let id = glossary(&server);
    let with_terms = server.post_json(
        "/v2/translate",
        &json!({"text": ["<doc><par>Go to the clinic.</par><par>The <keep>clinic</keep> stays.</par></doc>"],
            "source_lang": "EN", "target_lang": "FR", "tag_handling": "xml", "ignore_tags": "keep", "glossary_id": id}),
    );
    let out = with_terms.json()["translations"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.contains(CLINIC) && out.contains("<keep>clinic</keep>"), "{out}");
    // Bad values are DeepL's 400s.
    for bad in [
        json!({"tag_handling": "yaml"}),
        json!({"tag_handling": "xml", "outline_detection": 2}),
        json!({"tag_handling": "xml", "ignore_tags": [1, 2]}),
    ] {
        let mut body = json!({"text": ["Hi"], "target_lang": "FR"});
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        let reply = server.post_json("/v2/translate", &body);
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert!(reply.json()["message"].is_string(), "{}", reply.body);
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tiny-nllb")
}

#[test]
fn the_command_line_takes_a_glossary_file() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("clinic.tsv");
    std::fs::write(&tsv, format!("clinic\t{CLINIC}\nhealth worker\t{WORKER}\n")).unwrap();
    let model = model_dir();
    let (model, tsv_path) = (model.to_str().unwrap(), tsv.to_str().unwrap());
    let translate = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tolk"));
        command
            .args(["translate", "--model", model, "--threads", "2", "--to", "fra_Latn"])
            .args(extra);
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "Go to the clinic.\n\nAsk the health worker.\n").unwrap();
        command.arg(input).env_remove("TOLK_MODEL").output().unwrap()
    };
    let out = translate(&["--from", "eng_Latn", "--glossary", tsv_path, "--quality"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(CLINIC) && text.contains(WORKER) && text.contains("\n\n"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("glossary terms used: clinic → ZZkliinikZZ"));
    // Without --from, and with a broken file: usage errors naming the problem.
    let no_source = translate(&["--glossary", tsv_path]);
    assert_eq!(no_source.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_source.stderr).contains("--glossary needs --from"));
    let broken = dir.path().join("broken.tsv");
    std::fs::write(&broken, "clinic\tone\nclinic\ttwo\n").unwrap();
    let out = translate(&["--from", "eng_Latn", "--glossary", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // tolk batch: every file of the collection, each target language.
    let input = dir.path().join("collection");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(input.join("a.txt"), "The clinic is open.\n").unwrap();
    std::fs::write(input.join("sub/b.html"), "<p>Ask the <i>health worker</i>.</p>").unwrap();
    let output = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args([
            "batch",
            "--model",
            model,
            "--threads",
            "2",
            "--from",
            "eng_Latn",
            "--to",
            "fra_Latn",
        ])
        .args([
            "--glossary",
            tsv_path,
            input.to_str().unwrap(),
            "--out",
            output.to_str().unwrap(),
        ])
        .env_remove("TOLK_MODEL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a = std::fs::read_to_string(output.join("fra_Latn/a.txt")).unwrap();
    let b = std::fs::read_to_string(output.join("fra_Latn/sub/b.html")).unwrap();
    assert!(a.contains(CLINIC), "{a}");
    assert!(b.contains(WORKER) && b.starts_with("<p>"), "{b}");
}
