//! The translation memory: a correction sent once, through any entry point (Tolk's API,
//! LibreTranslate's `/suggest`, a TMX or TSV import, `tolk memory import`), comes back for the
//! same sentence through Tolk's API, the stream, LibreTranslate's and DeepL's shapes, jobs and
//! `tolk batch`; near sentences get it as a suggestion; it is the key's own; it waits for a
//! reviewer when the server reviews; it is exported as TMX and TSV and re-imported with nothing
//! lost; bad input is refused and stores nothing; concurrent submitters lose nothing.

mod common;

use common::{App, Client, Postgres};
use serde_json::{json, Value};

const SENTENCE: &str = "Everyone has the right to education.";
const OTHER: &str = "No one shall be held in slavery.";
const CORRECTION: &str = "Toute personne a droit à l'éducation.";

fn translate(server: &impl Client, text: &str, key: Option<&str>) -> Value {
    let body = json!({"text": text, "source": "eng_Latn", "target": "fra_Latn"});
    let reply = match key {
        None => server.post_json("/v1/translate", &body),
        Some(key) => server.post(
            "/v1/translate",
            "application/json",
            body.to_string().as_bytes(),
            &[("Authorization", &format!("Bearer {key}"))],
        ),
    };
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["translations"][0].clone()
}

fn correct(server: &impl Client, body: &Value, key: Option<&str>) -> common::Reply {
    let auth = key.map(|k| format!("Bearer {k}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    server.post(
        "/v1/corrections",
        "application/json",
        body.to_string().as_bytes(),
        &headers,
    )
}

#[test]
fn a_correction_comes_back_for_its_sentence_in_every_api_shape() {
    correction_round_trip(&App::start(&[]));
}

#[test]
fn the_memory_works_the_same_in_postgres() {
    let postgres = Postgres::start();
    correction_round_trip(&App::start(&["--database-url", &postgres.url()]));
}

fn correction_round_trip(server: &App) {
    let machine = translate(server, SENTENCE, None)["text"].as_str().unwrap().to_string();
    let other = translate(server, OTHER, None)["text"].as_str().unwrap().to_string();
    assert_ne!(machine, CORRECTION);

    let reply = correct(
        server,
        &json!({"text": SENTENCE, "source": "en", "target": "fr", "translation": machine, "correction": CORRECTION}),
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({"memory": "default", "state": "stored", "entries": 1})
    );

    // Tolk's API: the corrected sentence is the memory's, the other one the model's as before,
    // whatever the spacing and case of the sentence.
    let item = translate(server, &format!("{SENTENCE} {OTHER}"), None);
    assert_eq!(item["text"], format!("{CORRECTION} {other}"), "{item}");
    let origins: Vec<&str> = item["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["memory", "model"]);
    let spaced = translate(server, "  everyone  has the right to EDUCATION.", None);
    assert_eq!(spaced["text"], format!("  {CORRECTION}"), "{spaced}");

    // The stream's last event is what /v1/translate gives.
    let stream = server.post_json(
        "/v1/translate/stream",
        &json!({"text": SENTENCE, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_eq!(stream.status, 200, "{}", stream.body);
    assert!(stream.body.contains(CORRECTION), "{}", stream.body);

    // LibreTranslate's and DeepL's shapes, unchanged.
    let libre = server.post_json("/translate", &json!({"q": SENTENCE, "source": "en", "target": "fr"}));
    assert_eq!(libre.json(), json!({"translatedText": CORRECTION}), "{}", libre.body);
    let deepl = server.post_json(
        "/v2/translate",
        &json!({"text": [SENTENCE], "source_lang": "EN", "target_lang": "FR"}),
    );
    assert_eq!(deepl.json()["translations"][0]["text"], CORRECTION, "{}", deepl.body);

    // A later correction of the same sentence replaces the earlier one.
    let better = "Chacun a droit à l'éducation.";
    let reply = correct(
        server,
        &json!({"text": SENTENCE, "source": "eng_Latn", "target": "fra_Latn", "correction": better}),
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(translate(server, SENTENCE, None)["text"], better);

    // Listed, exported, deleted; then the model answers again.
    let listed = server.get("/v1/memories").json();
    assert_eq!(listed, json!({"memories": [{"name": "default", "entries": 1}]}));
    let exported = server.get("/v1/memories/default/entries");
    assert_eq!(exported.status, 200);
    assert!(exported.content_type.starts_with("text/tab-separated-values"));
    assert_eq!(exported.body, format!("eng_Latn\tfra_Latn\t{SENTENCE}\t{better}\n"));
    assert_eq!(server.request("DELETE", "/v1/memories/default", &[]).status, 204);
    assert_eq!(translate(server, SENTENCE, None)["text"], machine);
    assert_eq!(server.get("/v1/memories/default/entries").status, 404);
    assert_eq!(server.request("DELETE", "/v1/memories/default", &[]).status, 404);
    assert_eq!(server.get("/v1/memories").json(), json!({"memories": []}));
}

#[test]
fn each_key_has_its_own_memory() {
    let server = App::start(&["--api-keys", "team-a,team-b"]);
    let body = json!({"text": SENTENCE, "source": "eng_Latn", "target": "fra_Latn", "correction": CORRECTION, "memory": "health"});
    assert_eq!(correct(&server, &body, Some("team-a")).status, 201);
    assert_eq!(correct(&server, &body, None).status, 401);
    assert_eq!(translate(&server, SENTENCE, Some("team-a"))["text"], CORRECTION);
    assert_ne!(translate(&server, SENTENCE, Some("team-b"))["text"], CORRECTION);
    let as_b = [("Authorization", "Bearer team-b")];
    let as_a = [("Authorization", "Bearer team-a")];
    assert_eq!(server.get_with("/v1/memories", &as_b).json(), json!({"memories": []}));
    assert_eq!(server.get_with("/v1/memories/health/entries", &as_b).status, 404);
    assert_eq!(server.request("DELETE", "/v1/memories/health", &as_b).status, 404);
    assert_eq!(
        server.get_with("/v1/memories", &as_a).json(),
        json!({"memories": [{"name": "health", "entries": 1}]})
    );
    // LibreTranslate sends its key in the body.
    let libre = server.post_json(
        "/translate",
        &json!({"q": SENTENCE, "source": "en", "target": "fr", "api_key": "team-a"}),
    );
    assert_eq!(libre.json()["translatedText"], CORRECTION, "{}", libre.body);
}

#[test]
fn bad_corrections_are_refused_naming_the_problem_and_store_nothing() {
    let server = App::start(&[]);
    let base = json!({"text": SENTENCE, "source": "eng_Latn", "target": "fra_Latn", "correction": CORRECTION});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    for (body, status, named) in [
        (with("correction", json!("   ")), 400, "correction"),
        (with("text", json!("")), 400, "text"),
        (with("target", json!("Klingon")), 400, "target"),
        (with("source", json!("auto")), 400, "source"),
        (with("memory", json!("x".repeat(65))), 400, "memory"),
        (with("correction", json!("a".repeat(5_001))), 413, "correction"),
        (with("note", json!("?")), 400, "note"),
        (json!({"text": SENTENCE}), 400, ""),
    ] {
        let reply = correct(&server, &body, None);
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(reply.body.contains(named), "{body}: {}", reply.body);
    }
    let broken = server.post("/v1/corrections", "application/json", b"{not json", &[]);
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert_eq!(server.get("/v1/memories").json(), json!({"memories": []}));
}

#[test]
fn a_deleted_memory_leaves_no_text_on_disk() {
    let data = tempfile::tempdir().unwrap();
    let server = App::start(&["--data-dir", &data.path().display().to_string()]);
    let marker = "Kagera-7731-marker";
    let body = json!({"text": format!("Welcome to {marker}."), "source": "eng_Latn", "target": "lug_Latn",
        "correction": format!("Mwaniriziddwa e {marker}."), "memory": "clinic"});
    assert_eq!(correct(&server, &body, None).status, 201);
    // On disk while the memory lives (else the check below would prove nothing).
    assert!(
        !common::on_disk(data.path(), marker).is_empty(),
        "the correction is stored"
    );
    assert_eq!(server.request("DELETE", "/v1/memories/clinic", &[]).status, 204);
    assert_eq!(common::on_disk(data.path(), marker), Vec::<String>::new());

    // One entry deleted, the other kept.
    let second = "Lubiri-5520-marker";
    for text in [marker, second] {
        let body = json!({"text": format!("Welcome to {text}."), "source": "eng_Latn", "target": "lug_Latn",
            "correction": format!("Mwaniriziddwa e {text}."), "memory": "clinic"});
        assert_eq!(correct(&server, &body, None).status, 201);
    }
    let entries = server.get("/v1/memories/clinic/entries?format=json").json();
    let id = entries["entries"][0]["id"].as_i64().unwrap();
    let path = format!("/v1/memories/clinic/entries/{id}");
    assert_eq!(server.request("DELETE", &path, &[]).status, 204);
    assert_eq!(common::on_disk(data.path(), marker), Vec::<String>::new());
    assert!(!common::on_disk(data.path(), second).is_empty());
    drop(server);

    // A rejected correction waiting for review goes the same way.
    let server = App::start(&["--data-dir", &data.path().display().to_string(), "--corrections-review"]);
    let body = json!({"text": format!("Welcome to {marker}."), "source": "eng_Latn", "target": "lug_Latn",
        "correction": format!("Mwaniriziddwa e {marker}."), "memory": "clinic"});
    let reply = correct(&server, &body, None);
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert!(
        !common::on_disk(data.path(), marker).is_empty(),
        "the waiting correction is stored"
    );
    let reject = format!("/v1/corrections/{}/reject", reply.json()["id"]);
    assert_eq!(server.post(&reject, "application/json", b"", &[]).status, 200);
    assert_eq!(common::on_disk(data.path(), marker), Vec::<String>::new());
}

#[test]
fn near_sentences_get_the_memory_as_a_suggestion_with_its_similarity() {
    let server = App::start(&[]);
    let stored = "The clinic opens at nine in the morning.";
    let near = "The clinic opens at ten in the morning.";
    let correction = "La clinique ouvre à neuf heures du matin.";
    let body = json!({"text": stored, "source": "eng_Latn", "target": "fra_Latn", "correction": correction, "memory": "clinic"});
    assert_eq!(correct(&server, &body, None).status, 201);

    let item = translate(&server, &format!("{near} {OTHER}"), None);
    let sentences = item["sentences"].as_array().unwrap();
    assert_eq!(sentences[0]["origin"], "model", "{item}");
    // "nine" → "ten": 3 edits (n→t, i→e, e deleted) over the 40 characters of the longer, 92%.
    assert_eq!(
        sentences[0]["suggestions"],
        json!([{"source": stored, "translation": correction, "similarity": 92, "memory": "clinic"}]),
        "{item}"
    );
    assert!(
        sentences[1].get("suggestions").is_none(),
        "a far sentence has none: {item}"
    );
    assert!(
        !item["text"].as_str().unwrap().contains(correction),
        "a suggestion is not used: {item}"
    );

    // The stream says the same per sentence, and marks exact matches as the memory's.
    let (status, mut events) = {
        let stream = server.post_json(
            "/v1/translate/stream",
            &json!({"text": format!("{near} {stored}"), "source": "eng_Latn", "target": "fra_Latn"}),
        );
        (stream.status, stream.body)
    };
    assert_eq!(status, 200);
    events = events.replace("\r\n", "\n");
    let sentence_events: Vec<Value> = events
        .split("\n\n")
        .filter(|e| e.starts_with("event: sentence"))
        .map(|e| serde_json::from_str(e.split_once("data: ").unwrap().1).unwrap())
        .collect();
    assert_eq!(sentence_events.len(), 2, "{events}");
    assert_eq!(sentence_events[0]["suggestions"][0]["similarity"], 92, "{events}");
    assert_eq!(sentence_events[0]["origin"], "model");
    assert_eq!(sentence_events[1]["origin"], "memory");
    assert_eq!(sentence_events[1]["translation"], correction);

    // LibreTranslate's shape has no place for suggestions and stays as it is.
    let libre = server.post_json("/translate", &json!({"q": near, "source": "en", "target": "fr"}));
    assert_eq!(
        libre.json().as_object().unwrap().keys().collect::<Vec<_>>(),
        ["translatedText"]
    );

    // A correction stored now is offered at the next request (the index knows it at once), and
    // a deleted memory is offered no more.
    let body2 = json!({"text": "The market opens at seven on Sundays.", "source": "eng_Latn", "target": "fra_Latn",
        "correction": "Le marché ouvre à sept heures le dimanche.", "memory": "market"});
    assert_eq!(correct(&server, &body2, None).status, 201);
    let item = translate(&server, "The market opens at eight on Sundays.", None);
    assert_eq!(item["sentences"][0]["suggestions"][0]["memory"], "market", "{item}");
    assert_eq!(server.request("DELETE", "/v1/memories/market", &[]).status, 204);
    let item = translate(&server, "The market opens at eight on Sundays.", None);
    assert!(item["sentences"][0].get("suggestions").is_none(), "{item}");
    assert!(translate(&server, near, None)["sentences"][0]
        .get("suggestions")
        .is_some());

    // A server asking for more similarity offers nothing this far.
    let strict = App::start(&["--memory-similarity", "95"]);
    assert_eq!(correct(&strict, &body, None).status, 201);
    assert!(translate(&strict, near, None)["sentences"][0]
        .get("suggestions")
        .is_none());
}

fn tsv(rows: &[[&str; 4]]) -> String {
    rows.iter().map(|r| r.join("\t") + "\n").collect()
}

#[test]
fn every_entry_point_feeds_every_api_shape_and_jobs() {
    let server = App::start(&["--suggestions"]);
    let pairs = [
        ("Where is the market?", "Où se trouve le marché ?"),
        ("The water is cold today.", "L'eau est froide aujourd'hui."),
        ("My mother works at the hospital.", "Ma mère travaille à l'hôpital."),
        ("We will meet after school.", "Nous nous verrons après l'école."),
    ];
    // Tolk's API, LibreTranslate's /suggest as JSON and as a form, and a TMX import.
    let reply = correct(
        &server,
        &json!({"text": pairs[0].0, "source": "en", "target": "fr", "correction": pairs[0].1}),
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let reply = server.post_json(
        "/suggest",
        &json!({"q": pairs[1].0, "s": pairs[1].1, "source": "en", "target": "fr"}),
    );
    assert_eq!(reply.json(), json!({"success": true}), "{}", reply.body);
    let form = format!(
        "q={}&s={}&source=en&target=fr",
        pairs[2].0.replace(' ', "+"),
        pairs[2].1.replace(' ', "+")
    );
    let reply = server.post("/suggest", "application/x-www-form-urlencoded", form.as_bytes(), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let tmx = format!(
        r#"<?xml version="1.0"?><tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/>
<body><tu><tuv xml:lang="en"><seg>{}</seg></tuv><tuv xml:lang="fr"><seg>{}</seg></tuv></tu></body></tmx>"#,
        pairs[3].0,
        pairs[3].1.replace('\'', "&apos;")
    );
    let reply = server.post(
        "/v1/memories/school/entries",
        "application/x-tmx+xml",
        tmx.as_bytes(),
        &[],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json(), json!({"memory": "school", "entries": 1}));

    let sources: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    let wanted: Vec<&str> = pairs.iter().map(|p| p.1).collect();
    let v1: Vec<Value> = sources
        .iter()
        .map(|s| translate(&server, s, None)["text"].clone())
        .collect();
    assert_eq!(v1, wanted);
    let libre = server.post_json("/translate", &json!({"q": sources, "source": "en", "target": "fr"}));
    assert_eq!(libre.json()["translatedText"], json!(wanted), "{}", libre.body);
    let deepl = server.post_json(
        "/v2/translate",
        &json!({"text": sources, "source_lang": "EN", "target_lang": "FR"}),
    );
    let deepl: Vec<Value> = deepl.json()["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].clone())
        .collect();
    assert_eq!(deepl, wanted);
    let stream = server.post_json(
        "/v1/translate/stream",
        &json!({"text": sources, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    for translation in &wanted {
        assert!(
            stream.body.contains(&format!("\"translation\":{}", json!(translation))),
            "{}",
            stream.body
        );
    }

    // A job: the document's sentences that the memory holds are the memory's.
    let document = format!("{}\n\n{} {}\n\n{}\n", sources[0], sources[1], sources[3], sources[2]);
    let reply = server.post_multipart(
        "/v1/jobs",
        &[
            ("file", Some("notes.txt"), document.as_bytes()),
            ("target", None, b"fra_Latn"),
            ("source", None, b"eng_Latn"),
        ],
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_string();
    server.wait_for_job(&id, |job| job["state"] == "done");
    let zip = server.get(&format!("/v1/jobs/{id}/result"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).unwrap();
    let mut translated = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("fra_Latn/notes.txt").unwrap(), &mut translated).unwrap();
    assert_eq!(
        translated,
        format!("{}\n\n{} {}\n\n{}\n", wanted[0], wanted[1], wanted[3], wanted[2])
    );
}

fn tolk(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(args)
        .env_remove("TOLK_MODEL")
        .env_remove("TOLK_DATABASE_URL")
        .env_remove("TOLK_DATA_DIR")
        .output()
        .expect("tolk runs")
}

#[test]
fn the_command_line_imports_exports_and_batches_with_a_memory() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().display().to_string();
    let rows = [
        [
            "eng_Latn",
            "fra_Latn",
            "Where is the market?",
            "Où se trouve le marché ?",
        ],
        [
            "eng_Latn",
            "fra_Latn",
            "The water is cold today.",
            "L'eau est froide aujourd'hui.",
        ],
    ];
    let file = data.path().join("terms.tsv");
    std::fs::write(&file, tsv(&rows)).unwrap();
    let out = tolk(&[
        "memory",
        "--data-dir",
        &dir,
        "import",
        "village",
        &file.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = tolk(&["memory", "--data-dir", &dir, "list"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "village\t2\n");
    let tmx = data.path().join("village.tmx");
    let out = tolk(&[
        "memory",
        "--data-dir",
        &dir,
        "export",
        "village",
        "--out",
        &tmx.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&tmx)
        .unwrap()
        .contains("<seg>Où se trouve le marché ?</seg>"));

    // A server on the same database uses it.
    let server = App::start(&["--data-dir", &dir]);
    assert_eq!(translate(&server, rows[0][2], None)["text"], rows[0][3]);
    drop(server);

    // `tolk batch --memory` by name (the database) and by file (the TMX).
    let input = data.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.txt"), format!("{}\n\n{}\n", rows[0][2], rows[1][2])).unwrap();
    let model = common::model_dir().display().to_string();
    for memory in ["village", tmx.to_str().unwrap()] {
        let output = data.path().join(format!("out-{}", memory.len()));
        let out = tolk(&[
            "batch",
            "--model",
            &model,
            "--from",
            "eng_Latn",
            "--to",
            "fra_Latn",
            "--beam",
            "1",
            "--data-dir",
            &dir,
            "--memory",
            memory,
            &input.display().to_string(),
            "--out",
            &output.display().to_string(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("2 from the memory"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let translated = std::fs::read_to_string(output.join("fra_Latn/a.txt")).unwrap();
        assert_eq!(translated, format!("{}\n\n{}\n", rows[0][3], rows[1][3]));
    }

    // Mistakes are usage errors that name the problem, and store nothing.
    let broken = data.path().join("broken.tmx");
    std::fs::write(&broken, "<tmx><body><tu>").unwrap();
    let out = tolk(&[
        "memory",
        "--data-dir",
        &dir,
        "import",
        "other",
        &broken.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a TMX file"));
    let out = tolk(&[
        "batch",
        "--model",
        &model,
        "--to",
        "fra_Latn",
        "--data-dir",
        &dir,
        "--memory",
        "nowhere",
        &input.display().to_string(),
        "--out",
        &data.path().join("x").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--memory nowhere: no such memory"));
    let out = tolk(&["memory", "--data-dir", &dir, "delete", "village"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&tolk(&["memory", "--data-dir", &dir, "list"]).stdout),
        ""
    );
}

#[test]
fn a_tmx_export_is_reimported_with_nothing_lost_and_entries_delete_one_by_one() {
    let server = App::start(&[]);
    let rows = [
        ["eng_Latn", "lug_Latn", "Good morning, mother.", "Wasuze otya, maama."],
        ["eng_Latn", "arb_Arab", "Fish & <chips> \"now\"", "سمك وبطاطا الآن"],
        [
            "zho_Hans",
            "eng_Latn",
            "我明天去市场。",
            "I will go to the market tomorrow.",
        ],
        [
            "fra_Latn",
            "quy_Latn",
            "Bonjour à tous.",
            "Allillanchu llapaykichikpas.",
        ],
    ];
    let reply = server.post(
        "/v1/memories/mixed/entries?format=tsv",
        "text/plain",
        tsv(&rows).as_bytes(),
        &[],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let tmx = server.get("/v1/memories/mixed/entries?format=tmx");
    assert_eq!(tmx.status, 200);
    assert!(tmx.content_type.starts_with("application/x-tmx+xml"));
    assert_eq!(server.request("DELETE", "/v1/memories/mixed", &[]).status, 204);
    let reply = server.post(
        "/v1/memories/mixed/entries",
        "application/xml",
        tmx.body.as_bytes(),
        &[],
    );
    assert_eq!(reply.json()["entries"], 4, "{}", reply.body);
    assert_eq!(server.get("/v1/memories/mixed/entries").body, tsv(&rows));

    let listed = server.get("/v1/memories/mixed/entries?format=json").json();
    let entries = listed["entries"].as_array().unwrap();
    assert_eq!(entries[1]["text"], rows[1][2]);
    let id = entries[1]["id"].as_i64().unwrap();
    assert_eq!(
        server
            .request("DELETE", &format!("/v1/memories/mixed/entries/{id}"), &[])
            .status,
        204
    );
    assert_eq!(
        server
            .request("DELETE", &format!("/v1/memories/mixed/entries/{id}"), &[])
            .status,
        404
    );
    assert_eq!(
        server.get("/v1/memories/mixed/entries").body,
        tsv(&[rows[0], rows[2], rows[3]])
    );
    assert_eq!(server.get("/v1/memories/mixed/entries?format=xlsx").status, 400);
}

#[test]
fn broken_imports_are_refused_naming_the_place_and_store_nothing() {
    let server = App::start(&["--api-keys", "team-a,team-b"]);
    let as_a = [("Authorization", "Bearer team-a")];
    let good = "eng_Latn\tfra_Latn\tHello.\tBonjour.\n";
    for (body, content_type, status, named) in [
        (format!("{good}eng_Latn\tfra_Latn\tonly three\n"), "text/tab-separated-values", 400, "line 2"),
        (format!("{good}eng_Latn\tKlingon\ta\tb\n"), "text/tab-separated-values", 400, "Klingon"),
        (format!("{good}eng_Latn\tfra_Latn\t \tb\n"), "text/tab-separated-values", 400, "source"),
        ("<tmx><body><tu>".to_string(), "application/x-tmx+xml", 400, "not a TMX file"),
        (
            "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu></body></tmx>"
                .to_string(),
            "application/x-tmx+xml",
            400,
            "translation unit 1",
        ),
        (String::new(), "text/tab-separated-values", 400, "no entries"),
    ] {
        let reply = server.post("/v1/memories/m/entries", content_type, body.as_bytes(), &as_a);
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(reply.body.contains(named), "{body}: {}", reply.body);
    }
    assert_eq!(server.get_with("/v1/memories", &as_a).json(), json!({"memories": []}));
    // Someone else's memory is no memory.
    assert_eq!(
        server
            .post("/v1/memories/m/entries", "text/plain", good.as_bytes(), &as_a)
            .status,
        201
    );
    let as_b = [("Authorization", "Bearer team-b")];
    assert_eq!(server.get_with("/v1/memories/m/entries?format=tmx", &as_b).status, 404);
    assert_eq!(server.request("DELETE", "/v1/memories/m/entries/1", &as_b).status, 404);
    assert_eq!(
        server
            .post("/v1/memories/m/entries", "text/plain", good.as_bytes(), &[])
            .status,
        401
    );
}

#[test]
fn suggestions_are_refused_as_libretranslate_does_unless_enabled() {
    let server = App::start(&[]);
    let body = json!({"q": SENTENCE, "s": CORRECTION, "source": "en", "target": "fr"});
    let reply = server.post_json("/suggest", &body);
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.json(),
        json!({"error": "Suggestions are disabled on this server."})
    );
    assert_eq!(server.get("/frontend/settings").json()["suggestions"], false);
    let open = App::start(&["--suggestions"]);
    assert_eq!(open.get("/frontend/settings").json()["suggestions"], true);
    let reply = open.post_json("/suggest", &json!({"q": SENTENCE, "source": "en", "target": "fr"}));
    assert_eq!(reply.status, 400);
    assert!(reply.json()["error"].as_str().unwrap().contains("missing s parameter"));
    let reply = open.post_json(
        "/suggest",
        &json!({"q": SENTENCE, "s": CORRECTION, "source": "en", "target": "xx"}),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(open.get("/v1/memories").json(), json!({"memories": []}));
}

#[test]
fn with_review_corrections_wait_for_a_reviewer() {
    let folder = tempfile::tempdir().unwrap();
    let keys = folder.path().join("keys");
    std::fs::write(&keys, "elder role=reviewer\nmember\nother\n").unwrap();
    let server = App::start(&[
        "--corrections-review",
        "--suggestions",
        "--api-keys-file",
        keys.to_str().unwrap(),
    ]);
    let (elder, member, other) = (
        [("Authorization", "Bearer elder")],
        [("Authorization", "Bearer member")],
        [("Authorization", "Bearer other")],
    );
    let machine = translate(&server, SENTENCE, Some("member"))["text"].clone();
    let body = json!({"text": SENTENCE, "source": "eng_Latn", "target": "fra_Latn", "correction": CORRECTION});
    let reply = correct(&server, &body, Some("member"));
    assert_eq!(reply.status, 202, "{}", reply.body);
    let id = reply.json()["id"].as_i64().unwrap();
    assert_eq!(reply.json()["state"], "pending");
    let suggested = server.post_json(
        "/suggest",
        &json!({"q": OTHER, "s": "Nul ne sera tenu en esclavage.", "source": "en", "target": "fr", "api_key": "member"}),
    );
    assert_eq!(suggested.status, 200, "{}", suggested.body);
    // Not used while pending.
    assert_eq!(translate(&server, SENTENCE, Some("member"))["text"], machine);
    // The sender sees its own, another key none, the reviewer all.
    let pending = |headers: &[(&str, &str)]| server.get_with("/v1/corrections?state=pending", headers).json();
    assert_eq!(pending(&member)["corrections"].as_array().unwrap().len(), 2);
    assert_eq!(pending(&member)["corrections"][0]["correction"], CORRECTION);
    assert_eq!(pending(&other)["corrections"], json!([]));
    assert_eq!(pending(&elder)["corrections"].as_array().unwrap().len(), 2);
    assert_eq!(server.get_with("/v1/corrections?state=stored", &elder).status, 400);
    // Only the reviewer decides.
    let approve = format!("/v1/corrections/{id}/approve");
    let refused = server.post(&approve, "application/json", b"", &member);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("reviewer"), "{}", refused.body);
    let approved = server.post(&approve, "application/json", b"", &elder);
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.json()["state"], "stored");
    assert_eq!(translate(&server, SENTENCE, Some("member"))["text"], CORRECTION);
    assert_ne!(
        translate(&server, SENTENCE, Some("other"))["text"],
        CORRECTION,
        "the sender's memory"
    );
    assert_eq!(server.post(&approve, "application/json", b"", &elder).status, 404);
    // A rejected one is gone.
    let rest = pending(&elder)["corrections"][0]["id"].as_i64().unwrap();
    let rejected = server.post(
        &format!("/v1/corrections/{rest}/reject"),
        "application/json",
        b"",
        &elder,
    );
    assert_eq!(rejected.json()["state"], "rejected", "{}", rejected.body);
    assert_eq!(pending(&elder)["corrections"], json!([]));
    assert_eq!(
        server.get_with("/v1/memories", &member).json()["memories"][0]["entries"],
        1
    );
}

#[test]
fn fifty_concurrent_submitters_lose_no_correction() {
    concurrent_submitters(&App::start(&[]));
}

#[test]
fn fifty_concurrent_submitters_lose_none_in_postgres() {
    let postgres = Postgres::start();
    concurrent_submitters(&App::start(&["--database-url", &postgres.url()]));
}

fn concurrent_submitters(server: &App) {
    let sentence = |i: usize| format!("Patient number {i} came to the clinic today.");
    let fixed = |i: usize| format!("Le patient numéro {i} est venu à la clinique aujourd'hui.");
    std::thread::scope(|scope| {
        for i in 0..50 {
            scope.spawn(move || {
                let body = json!({"text": sentence(i), "source": "eng_Latn", "target": "fra_Latn", "correction": fixed(i), "memory": "clinic"});
                let reply = correct(server, &body, None);
                assert_eq!(reply.status, 201, "{}", reply.body);
            });
        }
    });
    assert_eq!(
        server.get("/v1/memories").json(),
        json!({"memories": [{"name": "clinic", "entries": 50}]})
    );
    let texts: Vec<String> = (0..50).map(sentence).collect();
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": texts, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    let got: Vec<Value> = reply.json()["translations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].clone())
        .collect();
    let wanted: Vec<Value> = (0..50).map(|i| json!(fixed(i))).collect();
    assert_eq!(got, wanted);
}
