//! LibreTranslate- and DeepL-shaped endpoints, asked of the HTTP app in-process: JSON and form
//! bodies, their error shapes, keys and quotas. (tests/clients/ drives the real Python clients of
//! both against a server process.)

mod common;

use common::{App, Client};
use serde_json::json;

const ENGLISH: &str = "Everyone has the right to education.";

#[test]
fn libretranslate_translate_with_json_and_form_bodies() {
    let server = App::start(&[]);
    let tolk = |source: &str| {
        server
            .post_json(
                "/v1/translate",
                &json!({"text": ENGLISH, "source": source, "target": "es"}),
            )
            .json()["translations"][0]["text"]
            .clone()
    };
    let json_reply = server.post_json("/translate", &json!({"q": ENGLISH, "source": "en", "target": "es"}));
    assert_eq!(json_reply.status, 200, "{}", json_reply.body);
    assert_eq!(json_reply.json()["translatedText"], tolk("en"));
    assert!(json_reply.json().get("detectedLanguage").is_none());

    let form = server.post(
        "/translate",
        "application/x-www-form-urlencoded",
        b"q=Everyone+has+the+right+to+education.&source=auto&target=es&format=text",
        &[],
    );
    assert_eq!(form.status, 200, "{}", form.body);
    let body = form.json();
    assert_eq!(body["translatedText"], tolk("auto"));
    assert_eq!(body["detectedLanguage"]["language"], "en");
    let confidence = body["detectedLanguage"]["confidence"].as_f64().unwrap();
    assert!(confidence > 1.0 && confidence <= 100.0, "a percentage: {confidence}");

    let list = server.post_json(
        "/translate",
        &json!({"q": [ENGLISH, "No one shall be held in slavery."], "source": "en", "target": "zt", "alternatives": 2}),
    );
    assert_eq!(list.status, 200, "{}", list.body);
    let body = list.json();
    assert_eq!(body["translatedText"].as_array().unwrap().len(), 2);
    assert_eq!(body["alternatives"][0].as_array().unwrap().len(), 2);

    let errors = [
        (
            server.post_json("/translate", &json!({"source": "en", "target": "es"})),
            400,
        ),
        (
            server.post_json("/translate", &json!({"q": "Hi.", "source": "en", "target": "xx-nope"})),
            400,
        ),
        (server.post("/translate", "application/json", b"{broken", &[]), 400),
        (server.post("/translate", "text/csv", b"q=1", &[]), 415),
        // Percent-encoded bytes that are not UTF-8 are refused, not translated as U+FFFD.
        (
            server.post(
                "/translate",
                "application/x-www-form-urlencoded",
                b"q=%FF%FEhello&source=en&target=fr",
                &[],
            ),
            400,
        ),
    ];
    for (reply, status) in errors {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert!(
            reply.json()["error"].is_string(),
            "LibreTranslate's error shape: {}",
            reply.body
        );
    }
}

#[test]
fn libretranslate_detect_languages_settings_and_files() {
    let server = App::start(&[]);
    let detect = server.post(
        "/detect",
        "application/x-www-form-urlencoded",
        b"q=Toda+persona+tiene+derecho+a+la+educaci%C3%B3n.",
        &[],
    );
    assert_eq!(detect.status, 200, "{}", detect.body);
    assert_eq!(detect.json()[0]["language"], "es");

    let languages = server.get("/languages").json();
    let list = languages.as_array().unwrap();
    assert_eq!(list.len(), 202);
    let asturian = list.iter().find(|l| l["code"] == "ast").unwrap();
    assert_eq!(asturian["name"], "Asturian");
    assert!(asturian["targets"].as_array().unwrap().contains(&json!("lg")));
    assert_eq!(server.request("POST", "/languages", &[]).status, 200);

    let settings = server.get("/frontend/settings").json();
    assert_eq!(settings["charLimit"], 20000);
    assert_eq!(settings["keyRequired"], false);

    let boundary = "tolkboundary";
    let mut body = Vec::new();
    for (name, value) in [("source", "en"), ("target", "fr")] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.html\"\r\nContent-Type: text/html\r\n\r\n<h1>{ENGLISH}</h1>\r\n--{boundary}--\r\n"
        )
        .bytes(),
    );
    let upload = server.post(
        "/translate_file",
        &format!("multipart/form-data; boundary={boundary}"),
        &body,
        &[],
    );
    assert_eq!(upload.status, 200, "{}", upload.body);
    let url = upload.json()["translatedFileUrl"].as_str().unwrap().to_string();
    assert!(url.starts_with(&server.base) && url.ends_with("notes.fr.html"), "{url}");
    let file = server.get(&url[server.base.len()..]);
    assert_eq!(file.status, 200);
    assert!(
        file.body.starts_with("<h1>") && file.body.ends_with("</h1>"),
        "{}",
        file.body
    );
    assert!(file.header("content-disposition").unwrap().contains("notes.fr.html"));

    let bad = body
        .clone()
        .into_iter()
        .map(|b| if b == b'<' { 0xff } else { b })
        .collect::<Vec<u8>>();
    let broken = server.post(
        "/translate_file",
        &format!("multipart/form-data; boundary={boundary}"),
        &bad,
        &[],
    );
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert!(broken.json()["error"].as_str().unwrap().contains("UTF-8"));
    let gone = server.get("/download_file/0000/none.txt");
    assert_eq!(gone.status, 404);
}

#[test]
fn deepl_translate_with_form_and_json_languages_and_usage() {
    let server = App::start(&[]);
    let form = server.post(
        "/v2/translate",
        "application/x-www-form-urlencoded",
        b"text=Everyone+has+the+right+to+education.&text=No+one+shall+be+held+in+slavery.&target_lang=DE",
        &[("Authorization", "DeepL-Auth-Key anything")],
    );
    assert_eq!(form.status, 200, "{}", form.body);
    let translations = form.json()["translations"].as_array().unwrap().clone();
    assert_eq!(translations.len(), 2);
    assert_eq!(translations[0]["detected_source_language"], "EN");
    assert_eq!(translations[0]["billed_characters"], ENGLISH.len());

    let json_reply = server.post_json(
        "/v2/translate",
        &json!({"text": ["<p>Hello <b>dear</b> friend.</p>"], "source_lang": "EN", "target_lang": "PT-BR",
                "tag_handling": "html", "show_billed_characters": true, "formality": "default"}),
    );
    assert_eq!(json_reply.status, 200, "{}", json_reply.body);
    let text = json_reply.json()["translations"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.starts_with("<p>") && text.ends_with("</p>") && text.contains("<b>"),
        "{text}"
    );

    let targets = server.get("/v2/languages?type=target").json();
    let codes: Vec<&str> = targets
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["language"].as_str().unwrap())
        .collect();
    for code in [
        "EN-GB", "EN-US", "PT-PT", "PT-BR", "ZH-HANS", "ZH-HANT", "DE", "QU", "LG",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    assert!(!codes.contains(&"EN"));
    // DeepL's Python client puts `type` in a form body, even on GET.
    let by_form = server.get_with_form("/v2/languages", "type=target", &[]).json();
    assert_eq!(by_form, targets);
    let sources = server.get("/v2/languages").json();
    assert!(sources.as_array().unwrap().iter().any(|l| l["language"] == "EN"));
    assert_eq!(server.get("/v2/languages?type=nope").status, 400);

    let usage = server.get("/v2/usage").json();
    assert_eq!(usage["character_count"], 0);
    assert!(usage["character_limit"].as_u64().unwrap() > 1_000_000);

    let missing = server.post(
        "/v2/translate",
        "application/x-www-form-urlencoded",
        b"target_lang=DE",
        &[],
    );
    assert_eq!(missing.status, 400);
    assert!(
        missing.json()["message"].is_string(),
        "DeepL's error shape: {}",
        missing.body
    );
    // Percent-encoded bytes that are not UTF-8 are refused, not translated as U+FFFD.
    let broken = server.post(
        "/v2/translate",
        "application/x-www-form-urlencoded",
        b"text=caf%E9&target_lang=DE",
        &[],
    );
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert!(
        broken.json()["message"].as_str().unwrap().contains("UTF-8"),
        "{}",
        broken.body
    );
}

#[test]
fn keys_rates_and_quotas_are_enforced_in_each_api_shape() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(
        &keys,
        "# keys\nslow requests_per_minute=2\nsmall chars_per_day=60\nfree\n",
    )
    .unwrap();
    let server = App::start(&["--api-keys-file", keys.to_str().unwrap()]);
    let body = json!({"text": ENGLISH, "source": "en", "target": "fr"});

    let none = server.post_json("/v1/translate", &body);
    assert_eq!(
        (none.status, none.json()["error"]["code"].clone()),
        (401, json!("missing_api_key"))
    );
    let wrong = server.post(
        "/v1/translate",
        "application/json",
        body.to_string().as_bytes(),
        &[("Authorization", "Bearer nope")],
    );
    assert_eq!(wrong.status, 403);
    let ok = server.post(
        "/v1/translate",
        "application/json",
        body.to_string().as_bytes(),
        &[("X-API-Key", "free")],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);

    for _ in 0..2 {
        let reply = server.post(
            "/v1/translate",
            "application/json",
            body.to_string().as_bytes(),
            &[("Authorization", "Bearer slow")],
        );
        assert_eq!(reply.status, 200);
    }
    let limited = server.post(
        "/v1/translate",
        "application/json",
        body.to_string().as_bytes(),
        &[("Authorization", "Bearer slow")],
    );
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));

    let libre = server.post_json("/translate", &json!({"q": ENGLISH, "source": "en", "target": "fr"}));
    assert_eq!(libre.status, 401);
    assert!(libre.json()["error"].is_string());
    let libre_ok = server.post_json(
        "/translate",
        &json!({"q": ENGLISH, "source": "en", "target": "fr", "api_key": "free"}),
    );
    assert_eq!(libre_ok.status, 200);
    assert_eq!(server.get("/frontend/settings").json()["keyRequired"], true);

    let deepl = |key: &str| {
        server.post(
            "/v2/translate",
            "application/x-www-form-urlencoded",
            b"text=Everyone+has+the+right+to+education.&target_lang=FR",
            &[("Authorization", &format!("DeepL-Auth-Key {key}"))],
        )
    };
    assert_eq!(deepl("nope").status, 403);
    assert_eq!(deepl("small").status, 200);
    let over = deepl("small");
    assert_eq!(over.status, 456, "DeepL's quota status: {}", over.body);
    assert!(over.json()["message"].is_string());
    let usage = server
        .get_with("/v2/usage", &[("Authorization", "DeepL-Auth-Key small")])
        .json();
    assert_eq!(
        (usage["character_count"].as_u64(), usage["character_limit"].as_u64()),
        (Some(36), Some(60))
    );
    assert_eq!(server.get("/v2/usage").status, 403);
}
