//! Tolk's own API, asked of the HTTP app in-process with the real engine and the test model (a
//! real `tolk serve` where a client must disconnect). Expected translations come from the
//! `translator` library called directly, which the parity tests tie to the Python reference;
//! expected detections from the `langs` library.

mod common;

use std::io::Read;
use std::sync::OnceLock;

use common::{read_events, App, Client, Server};
use langs::LangCode;
use serde_json::{json, Value};
use translator::{TranslateOptions, Translator, TranslatorConfig};

const ENGLISH: &str = "Everyone has the right to education. No one shall be held in slavery.";
const SPANISH: &str = "Toda persona tiene derecho a la educación. Nadie estará sometido a esclavitud.";

fn translator() -> &'static Translator {
    static TRANSLATOR: OnceLock<Translator> = OnceLock::new();
    TRANSLATOR.get_or_init(|| {
        Translator::open(
            &common::model_dir(),
            TranslatorConfig {
                threads: 1,
                ..TranslatorConfig::default()
            },
        )
        .unwrap()
    })
}

fn lang(code: &str) -> LangCode {
    LangCode::parse(code).unwrap()
}

/// What the library gives, beam `beam`.
fn expected(text: &str, source: &str, target: &str, beam: usize) -> String {
    let options = TranslateOptions {
        beam_size: beam,
        ..TranslateOptions::default()
    };
    translator()
        .translate(text, lang(source), lang(target), &options)
        .unwrap()
        .text
}

#[test]
fn translates_one_text_and_a_list_with_given_and_detected_sources() {
    let server = App::start(&[]);
    let one = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "source": "en", "target": "French"}),
    );
    assert_eq!(one.status, 200, "{}", one.body);
    assert!(one.request_id.is_some());
    let item = &one.json()["translations"][0];
    assert_eq!(item["text"], expected(ENGLISH, "eng_Latn", "fra_Latn", 4));
    assert_eq!(item["source"]["code"], "eng_Latn");
    assert!(item.get("detected").is_none());

    let list = server.post_json(
        "/v1/translate",
        &json!({"text": [ENGLISH, SPANISH, "12345 !!"], "source": "auto", "target": "deu_Latn",
                "options": {"beam_size": 1}}),
    );
    assert_eq!(list.status, 200, "{}", list.body);
    let items = list.json()["translations"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    for (item, text) in items.iter().zip([ENGLISH, SPANISH]) {
        let detected = langs::Detector::shared()
            .detect_among(text, Some(translator().languages()))
            .unwrap();
        assert_eq!(item["detected"]["code"], detected.language.as_str());
        assert!((item["detected"]["confidence"].as_f64().unwrap() - detected.confidence).abs() < 1e-9);
        assert_eq!(item["source"]["code"], detected.language.as_str());
        assert_eq!(item["text"], expected(text, detected.language.as_str(), "deu_Latn", 1));
    }
    assert_eq!(items[0]["source"]["code"], "eng_Latn");
    assert_eq!(items[1]["source"]["code"], "spa_Latn");
    // Nothing to translate: returned as is, with no source.
    assert_eq!(items[2]["text"], "12345 !!");
    assert!(items[2]["source"].is_null());

    let alternatives = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "source": "eng_Latn", "target": "fra_Latn", "options": {"alternatives": 3}}),
    );
    assert_eq!(alternatives.status, 200, "{}", alternatives.body);
    assert_eq!(
        alternatives.json()["translations"][0]["alternatives"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn html_keeps_markup_and_translates_a_sentence_split_by_inline_tags_as_one() {
    let server = App::start(&[]);
    let html = "<p class=\"x\">Everyone has the right to <b>education</b>.</p>\n<pre>keep this</pre><script>var a = 1 < 2;</script>";
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": html, "source": "eng_Latn", "target": "fra_Latn", "format": "html", "options": {"beam_size": 1}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let out = reply.json()["translations"][0]["text"].as_str().unwrap().to_string();
    assert!(out.starts_with("<p class=\"x\">"), "{out}");
    assert!(
        out.contains("</p>\n<pre>keep this</pre><script>var a = 1 < 2;</script>"),
        "{out}"
    );
    assert_eq!(out.matches("<b>").count(), 1, "{out}");
    assert_eq!(out.matches("</b>").count(), 1, "{out}");
    assert!(out.find("<b>") < out.find("</b>"), "{out}");
    // With the tags taken out, the paragraph is the translation of the whole sentence.
    let paragraph = &out["<p class=\"x\">".len()..out.find("</p>").unwrap()];
    let plain = paragraph.replace("<b>", "").replace("</b>", "");
    let whole = expected("Everyone has the right to education.", "eng_Latn", "fra_Latn", 1);
    assert_eq!(
        plain.split_whitespace().collect::<Vec<_>>(),
        whole.split_whitespace().collect::<Vec<_>>()
    );
}

#[test]
fn client_mistakes_get_a_4xx_with_a_json_error_and_never_a_5xx() {
    let server = App::start(&["--max-texts", "3", "--max-chars", "200", "--max-body-bytes", "4096"]);
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "broken JSON",
            "application/json",
            b"{\"text\": ".to_vec(),
            400,
            "invalid_body",
        ),
        ("empty body", "application/json", b"".to_vec(), 400, "invalid_body"),
        (
            "wrong type",
            "application/json",
            br#"{"text": 5, "target": "fr"}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "unknown field",
            "application/json",
            br#"{"text": "a", "target": "fr", "beam": 2}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "missing target",
            "application/json",
            br#"{"text": "Hello there."}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "unknown language",
            "application/json",
            br#"{"text": "Hello.", "target": "Frnech"}"#.to_vec(),
            400,
            "unknown_language",
        ),
        (
            "a code with junk after it",
            "application/json",
            br#"{"text": "Hello.", "source": "eng_Latn;rm -rf", "target": "fra_Latn"}"#.to_vec(),
            400,
            "unknown_language",
        ),
        (
            "empty list",
            "application/json",
            br#"{"text": [], "target": "fr"}"#.to_vec(),
            400,
            "missing_field",
        ),
        (
            "bad option",
            "application/json",
            br#"{"text": "Hi.", "target": "fr", "options": {"beam_size": 99}}"#.to_vec(),
            400,
            "invalid_option",
        ),
        (
            "bad format",
            "application/json",
            br#"{"text": "Hi.", "target": "fr", "format": "pdf"}"#.to_vec(),
            400,
            "invalid_body",
        ),
        (
            "too many texts",
            "application/json",
            br#"{"text": ["a", "b", "c", "d"], "target": "fr"}"#.to_vec(),
            413,
            "too_many_texts",
        ),
        (
            "too many characters",
            "application/json",
            format!(r#"{{"text": "{}", "target": "fr"}}"#, "word ".repeat(60)).into_bytes(),
            413,
            "too_many_characters",
        ),
        (
            "body too large",
            "application/json",
            format!(r#"{{"text": "{}", "target": "fr"}}"#, "a".repeat(5000)).into_bytes(),
            413,
            "body_too_large",
        ),
        (
            "wrong content type",
            "text/plain",
            br#"{"text": "Hi.", "target": "fr"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "invalid UTF-8",
            "application/json",
            b"{\"text\": \"\xff\xfe\", \"target\": \"fr\"}".to_vec(),
            400,
            "invalid_body",
        ),
    ];
    for (what, content_type, body, status, code) in cases {
        let reply = server.post("/v1/translate", content_type, &body, &[]);
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        assert!(reply.content_type.starts_with("application/json"), "{what}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], code, "{what}: {}", reply.body);
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let unknown = server.post_json("/v1/translate", &json!({"text": "Hello.", "target": "Frnech"}));
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fra_Latn"),
        "{}",
        unknown.body
    );

    let missing = server.get("/v1/nothing");
    assert_eq!(
        (missing.status, missing.json()["error"]["code"].clone()),
        (404, json!("not_found"))
    );
    let wrong_method = server.get("/v1/translate");
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.json()["error"]["code"], "method_not_allowed");
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    let detect = server.post_json("/v1/detect", &json!({"texts": ["a"]}));
    assert_eq!(detect.status, 400);
    // No request above was a server fault.
    assert_eq!(server.metric("tolk_http_responses_total{class=\"5xx\"}"), 0.0);
}

#[test]
fn streaming_sends_each_sentence_in_order_then_the_whole_translation() {
    let server = App::start(&[]);
    let texts = [
        format!("{ENGLISH}\n\nAll human beings are born free."),
        "...".to_string(),
    ];
    let request = json!({"text": texts, "source": "eng_Latn", "target": "fra_Latn", "options": {"beam_size": 1}});
    let reply = server.post_json("/v1/translate/stream", &request);
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("text/event-stream"));
    let events = read_events(&mut reply.body.as_bytes(), |name, _| name == "done");
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["sentence", "sentence", "sentence", "text_end", "text_end", "done"]
    );
    let indexes: Vec<i64> = events[..3].iter().map(|(_, v)| v["index"].as_i64().unwrap()).collect();
    assert_eq!(indexes, [0, 1, 2]);
    assert_eq!(events[1].1["source"], "No one shall be held in slavery.");
    // Each sentence says how far it can be trusted, as /v1/translate does (compared below).
    assert!(events[..3].iter().all(|(_, v)| v["quality"]["level"].is_string()));
    let mut joined = String::new();
    for (_, value) in &events[..4] {
        joined.push_str(value["piece"].as_str().unwrap());
    }
    let whole = server.post_json("/v1/translate", &request).json();
    assert_eq!(joined, whole["translations"][0]["text"].as_str().unwrap());
    assert_eq!(events[5].1, whole);
    assert_eq!(events[4].1["piece"], "...");

    let html = server.post_json(
        "/v1/translate/stream",
        &json!({"text": "<b>x</b>", "target": "fr", "format": "html"}),
    );
    assert_eq!(html.status, 400);
}

#[test]
fn a_streaming_client_that_disconnects_cancels_the_rest() {
    let server = Server::start(&["--max-chars", "1000000", "--queue-sentences", "100000"]);
    let text = (0..6000)
        .map(|i| format!("Everyone has the right number {i}."))
        .collect::<Vec<_>>()
        .join(" ");
    let (status, mut reader) = server.post_stream(
        "/v1/translate/stream",
        &json!({"text": text, "source": "eng_Latn", "target": "fra_Latn"}),
    );
    if status != 200 {
        let mut body = String::new();
        reader.read_to_string(&mut body).unwrap();
        panic!("{status}: {body}");
    }
    let first = read_events(&mut *reader, |_, _| true);
    assert_eq!(first[0].0, "sentence");
    drop(reader);
    // The server notices at its next write; wait for that, not for a time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.metric("tolk_cancelled_total{model=\"tiny-nllb\"}") < 1.0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the submission was never cancelled"
        );
        std::thread::yield_now();
    }
    assert!(server.metric("tolk_cancelled_sentences_total{model=\"tiny-nllb\"}") > 0.0);
    assert!(server.metric("tolk_sentences_translated_total{model=\"tiny-nllb\"}") < 6000.0);
    assert_eq!(server.get("/readyz").status, 200);
}

#[test]
fn detect_languages_models_health_and_metrics() {
    let server = App::start(&[]);
    let detect = server.post_json("/v1/detect", &json!({"text": [SPANISH, "1234"]}));
    assert_eq!(detect.status, 200, "{}", detect.body);
    let detections = detect.json()["detections"].clone();
    let expected = langs::detect(SPANISH).unwrap();
    assert_eq!(detections[0]["language"]["code"], expected.language.as_str());
    assert_eq!(detections[0]["reliable"], expected.reliable);
    assert!(detections[1]["language"].is_null());

    let languages = server.get("/v1/languages").json()["languages"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(languages.len(), 202);
    let quechua = languages.iter().find(|l| l["code"] == "quy_Latn").unwrap();
    assert_eq!(quechua["in_model"], true);
    assert_eq!(quechua["low_resource"], true);
    assert_eq!(quechua["short_code"], "qu");
    // Pickers filter by the aliases: zh-TW and te reo Māori are there for them to find.
    let aliases = |code: &str| languages.iter().find(|l| l["code"] == code).unwrap()["aliases"].clone();
    assert!(aliases("zho_Hant").as_array().unwrap().contains(&json!("zh-TW")));
    assert!(aliases("mri_Latn").as_array().unwrap().contains(&json!("te reo Māori")));

    let models = server.get("/v1/models").json();
    assert_eq!(models["models"][0]["id"], "tiny-nllb");
    assert_eq!(models["models"][0]["status"], "ready");
    assert_eq!(models["models"][0]["language_count"], 202);
    assert_eq!(models["models"][0]["default"], true);
    assert!(models["models"][0]["languages"]
        .as_array()
        .unwrap()
        .contains(&json!("quy_Latn")));

    assert_eq!(server.get("/healthz").json()["status"], "ok");
    assert_eq!(server.get("/readyz").json()["status"], "ready");
    server.post_json("/v1/translate", &json!({"text": ENGLISH, "target": "fr"}));
    let metrics = server.get("/metrics");
    assert!(metrics.content_type.starts_with("text/plain"));
    assert!(metrics
        .body
        .contains("tolk_batch_sentences_bucket{model=\"tiny-nllb\",le=\"+Inf\"}"));
    assert!(server.metric("tolk_sentences_translated_total{model=\"tiny-nllb\"}") >= 2.0);
    assert_eq!(server.metric("tolk_up"), 1.0);
}

#[test]
fn what_users_type_resolves_by_the_rules_of_every_api_field() {
    let server = App::start(&[]);
    for (typed, code) in [
        ("zh-TW", "zho_Hant"),
        ("te reo Māori", "mri_Latn"),
        ("fr-CA", "fra_Latn"),
        ("Kiswahili", "swh_Latn"),
        ("quy_Latn", "quy_Latn"),
        ("EN-GB", "eng_Latn"),
    ] {
        let reply = server.get(&format!("/v1/languages/resolve?name={}", urlencode(typed)));
        assert_eq!(reply.status, 200, "{typed}: {}", reply.body);
        assert_eq!(reply.json()["language"]["code"], code, "{typed}");
    }
    // Unknown is an answer (pickers ask while the user types), with close matches.
    let unknown = server.get("/v1/languages/resolve?name=Frnech");
    assert_eq!(unknown.status, 200);
    assert!(unknown.json()["language"].is_null());
    assert!(
        unknown.json()["message"].as_str().unwrap().contains("fra_Latn"),
        "{}",
        unknown.body
    );
    // The same names are accepted where a translation names its languages.
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "source": "en", "target": "te reo Māori"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(server.get("/v1/languages/resolve").status, 400);
}

/// Percent-encodes a query value (enough for the names above).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_guess_from_a_short_text_says_it_is_unreliable_and_keeps_the_candidates() {
    let server = App::start(&[]);
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": "Hola", "source": "auto", "target": "eng_Latn"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let detected = reply.json()["translations"][0]["detected"].clone();
    assert_eq!(detected["reliable"], false, "{detected}");
    let candidates = detected["candidates"].as_array().unwrap();
    assert!(candidates.len() >= 2, "{detected}");
    assert_eq!(candidates[0]["code"], detected["code"]);
    let detect = server.post_json("/v1/detect", &json!({"text": "Hola"})).json();
    assert_eq!(detect["detections"][0]["reliable"], false);
}

#[test]
fn every_translated_sentence_says_how_far_it_can_be_trusted() {
    let server = App::start(&[]);
    let first = "The children walked to the market with their grandmother this morning.";
    let second = "Call 0800 123 456 before 5 May.";
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": [format!("{first} {second}"), "1234"], "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let item = reply.json()["translations"][0].clone();
    let sentences = item["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2, "{item}");
    assert_eq!(sentences[0]["source"], first);
    assert_eq!(sentences[1]["source"], second);
    let levels = ["good", "uncertain", "poor"];
    for sentence in sentences {
        let quality = &sentence["quality"];
        assert!(levels.contains(&quality["level"].as_str().unwrap()), "{quality}");
        assert!(quality["score"].as_f64().unwrap() <= 0.0, "{quality}");
    }
    // The tiny model drops the phone number and the date: the checks say so, for the sentence
    // and for the text, whose level is its worst sentence's.
    let flags = |q: &Value| {
        q["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(
        flags(&sentences[1]["quality"]).contains(&"numbers".to_string()),
        "{item}"
    );
    assert!(flags(&item["quality"]).contains(&"numbers".to_string()), "{item}");
    let worst = sentences
        .iter()
        .map(|s| levels.iter().position(|l| *l == s["quality"]["level"]).unwrap())
        .max()
        .unwrap();
    assert_eq!(item["quality"]["level"], levels[worst]);
    // A text with nothing to translate has no quality to tell.
    let nothing = &reply.json()["translations"][1];
    assert!(
        nothing["quality"].is_null() && nothing.get("sentences").is_none(),
        "{nothing}"
    );
    // The flagged sentence was decoded a second time (retry_flagged is on by default); the
    // answer says what came of it, and says nothing when retries are off.
    let retry = sentences[1]["quality"]["retry"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(["replaced", "kept"].contains(&retry.as_str()), "{item}");
    assert!(item["quality"]["retry"].is_string(), "{item}");
    let without = server
        .post_json(
            "/v1/translate",
            &json!({"text": second, "source": "eng_Latn", "target": "fra_Latn", "options": {"retry_flagged": false}}),
        )
        .json();
    let without = &without["translations"][0];
    assert!(without["quality"].get("retry").is_none(), "{without}");
    assert!(flags(&without["quality"]).contains(&"numbers".to_string()), "{without}");
    // The metrics count verdicts by language pair; no text in them.
    let pair = "model=\"tiny-nllb\",source=\"eng_Latn\",target=\"fra_Latn\"";
    assert!(server.metric(&format!("tolk_quality_flags_total{{{pair},flag=\"numbers\"}}")) >= 1.0);
    let levels_counted: f64 = ["good", "uncertain", "poor"]
        .iter()
        .map(|l| server.metric(&format!("tolk_quality_sentences_total{{{pair},level=\"{l}\"}}")))
        .sum();
    assert!(levels_counted >= 3.0, "{levels_counted}");
    let retries: f64 = ["replaced", "kept"]
        .iter()
        .map(|o| server.metric(&format!("tolk_quality_retries_total{{{pair},outcome=\"{o}\"}}")))
        .sum();
    assert!(retries >= 1.0, "{retries}");
}

#[test]
fn openapi_document_and_offline_docs_page() {
    let server = App::start(&[]);
    let spec: Value = server.get("/openapi.json").json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/translate",
        "/v1/translate/stream",
        "/v1/detect",
        "/v1/languages",
        "/v1/models",
        "/healthz",
        "/readyz",
        "/metrics",
        "/translate",
        "/detect",
        "/languages",
        "/translate_file",
        "/frontend/settings",
        "/v2/translate",
        "/v2/languages",
        "/v2/usage",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} is not documented");
    }
    let page = server.get("/docs");
    assert_eq!(page.status, 200);
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && !policy.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.body.contains("/openapi.json") && page.body.contains("/docs/rapidoc-min.js"));
    assert!(!page.body.contains("https://"), "the page must not need the internet");
    let script = server.get("/docs/rapidoc-min.js");
    assert_eq!(script.status, 200);
    assert!(script.content_type.starts_with("text/javascript"));
    assert!(script.body.len() > 100_000);
}

#[test]
fn several_models_each_answer_requests_that_name_them() {
    let dir = common::model_dir();
    let (first, second) = (format!("stock={}", dir.display()), format!("tuned={}", dir.display()));
    let server = App::start_with_models(&[&first, &second]);
    let models = server.get("/v1/models").json()["models"].as_array().unwrap().clone();
    let names: Vec<&str> = models.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(names, ["stock", "tuned"]);
    assert_eq!(models[0]["default"], true);
    assert_eq!(models[1]["status"], "ready");
    let translated = |model: &str| server.metric(&format!("tolk_sentences_translated_total{{model=\"{model}\"}}"));

    let named = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "source": "en", "target": "fr", "model": "tuned"}),
    );
    assert_eq!(named.status, 200, "{}", named.body);
    assert_eq!((translated("stock"), translated("tuned")), (0.0, 2.0));
    let default = server.post_json(
        "/v1/translate",
        &json!({"text": SPANISH, "source": "es", "target": "fr"}),
    );
    assert_eq!(default.status, 200);
    assert_eq!((translated("stock"), translated("tuned")), (2.0, 2.0));
    let unknown = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "target": "fr", "model": "nope"}),
    );
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["error"]["code"], "unknown_model");
    assert!(unknown.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("stock, tuned"));
}
