//! The translation memory, first part: a correction sent once comes back for the same sentence
//! through Tolk's API, the stream, LibreTranslate's and DeepL's shapes; it is the key's own; it
//! can be listed, exported and deleted; bad corrections are refused and store nothing.

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
    assert_eq!(reply.json(), json!({"memory": "default", "entries": 1}));

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
}
