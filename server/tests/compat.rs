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
    // 202 NLLB languages, Portuguese listed twice as LibreTranslate lists it (pt and pt-BR).
    assert_eq!(list.len(), 203);
    let asturian = list.iter().find(|l| l["code"] == "ast").unwrap();
    assert_eq!(asturian["name"], "Asturian");
    assert!(asturian["targets"].as_array().unwrap().contains(&json!("lg")));
    let codes: Vec<&str> = list.iter().map(|l| l["code"].as_str().unwrap()).collect();
    for code in ["zh-Hans", "zh-Hant", "pt", "pt-BR"] {
        assert!(codes.contains(&code), "{code} is listed");
        assert!(
            asturian["targets"].as_array().unwrap().contains(&json!(code)),
            "{code} is a target"
        );
    }
    for old in ["zh", "zt"] {
        assert!(!codes.contains(&old), "{old} is no longer listed");
    }
    let post = server.request("POST", "/languages", &[]);
    assert_eq!(post.status, 405, "{}", post.body);
    assert_eq!(post.json()["error"], "Method Not Allowed");
    assert_eq!(post.header("allow"), Some("GET"));

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

#[test]
fn libretranslate_reads_the_query_string_as_its_python_clients_send_it() {
    let server = App::start(&[]);
    let tolk = server
        .post_json(
            "/v1/translate",
            &json!({"text": ENGLISH, "source": "en", "target": "es"}),
        )
        .json()["translations"][0]["text"]
        .clone();
    // deep-translator: a POST with every field in the query string, no body, no content type.
    let query = "/translate?q=Everyone+has+the+right+to+education.&source=en&target=es&format=text&api_key=x";
    let bare = server.send("POST", query, &[], Some(b""));
    assert_eq!(bare.status, 200, "{}", bare.body);
    assert_eq!(bare.json()["translatedText"], tolk);
    // The query and a form together: the query's fields win where both have one.
    let both = server.post(
        "/translate?target=es",
        "application/x-www-form-urlencoded",
        b"q=Everyone+has+the+right+to+education.&source=en&target=fr",
        &[],
    );
    assert_eq!(both.status, 200, "{}", both.body);
    assert_eq!(both.json()["translatedText"], tolk);
    let detect = server.send(
        "POST",
        "/detect?q=Toda+persona+tiene+derecho+a+la+educaci%C3%B3n.",
        &[],
        None,
    );
    assert_eq!(detect.status, 200, "{}", detect.body);
    assert_eq!(detect.json()[0]["language"], "es");
    // A JSON body is read alone, as LibreTranslate reads it.
    let json_body = server.post(
        "/translate?target=fr",
        "application/json",
        json!({"q": ENGLISH, "source": "en", "target": "es"})
            .to_string()
            .as_bytes(),
        &[],
    );
    assert_eq!(json_body.json()["translatedText"], tolk);
    let broken = server.send("POST", "/translate?q=%FF&target=es", &[], None);
    assert_eq!(broken.status, 400, "{}", broken.body);
}

#[test]
fn libretranslate_codes_messages_and_extra_endpoints_are_its_own() {
    let server = App::start(&[]);
    let chinese = server.post_json(
        "/translate",
        &json!({"q": ENGLISH, "source": "en", "target": "zh-Hans"}),
    );
    assert_eq!(chinese.status, 200, "{}", chinese.body);
    for (code, nllb) in [
        ("zh-Hant", "zho_Hant"),
        ("zt", "zho_Hant"),
        ("pt-BR", "por_Latn"),
        ("pb", "por_Latn"),
    ] {
        let reply = server.post_json("/translate", &json!({"q": ENGLISH, "source": "en", "target": code}));
        let tolk = server.post_json(
            "/v1/translate",
            &json!({"text": ENGLISH, "source": "en", "target": nllb}),
        );
        assert_eq!(reply.status, 200, "{code}: {}", reply.body);
        assert_eq!(
            reply.json()["translatedText"],
            tolk.json()["translations"][0]["text"],
            "{code}"
        );
    }
    let unknown = server.post_json("/translate", &json!({"q": ENGLISH, "source": "en", "target": "zz"}));
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json(), json!({"error": "zz is not supported"}));
    let no_target = server.post_json("/translate", &json!({"q": ENGLISH, "source": "en"}));
    assert_eq!(
        no_target.json(),
        json!({"error": "Invalid request: missing target parameter"})
    );

    let health = server.get("/health");
    assert_eq!((health.status, health.json()), (200, json!({"status": "ok"})));
    let spec = server.get("/spec");
    assert_eq!(spec.status, 200);
    assert!(
        spec.json()["paths"]["/translate"]["post"].is_object(),
        "the API document"
    );
    let suggest = server.post_json(
        "/suggest",
        &json!({"q": "Hi", "s": "Hola", "source": "en", "target": "es"}),
    );
    assert_eq!(suggest.status, 403);
    assert_eq!(
        suggest.json(),
        json!({"error": "Suggestions are disabled on this server."})
    );

    let no_file = server.post(
        "/translate_file",
        "application/x-www-form-urlencoded",
        b"source=en&target=es",
        &[],
    );
    assert_eq!(no_file.status, 400, "{}", no_file.body);
    assert_eq!(
        no_file.json(),
        json!({"error": "Invalid request: missing file parameter"})
    );
}

#[test]
fn unknown_paths_and_wrong_methods_answer_in_the_shape_of_their_api() {
    let server = App::start(&[]);
    let libre = server.get("/no-such-endpoint");
    assert_eq!((libre.status, libre.json()), (404, json!({"error": "Not Found"})));
    let libre_method = server.get("/translate");
    assert_eq!(libre_method.status, 405);
    assert_eq!(libre_method.json(), json!({"error": "Method Not Allowed"}));
    assert_eq!(libre_method.header("allow"), Some("POST"));
    let deepl = server.get("/v2/no-such-endpoint");
    assert_eq!((deepl.status, deepl.json()), (404, json!({"message": "Not found"})));
    let v3 = server.get("/v3/no-such-endpoint");
    assert_eq!(v3.status, 404);
    assert!(v3.json()["message"].is_string());
    let deepl_method = server.request("DELETE", "/v2/translate", &[]);
    assert_eq!(deepl_method.status, 405);
    assert!(deepl_method.json()["message"].as_str().unwrap().contains("DELETE"));
    let tolk = server.get("/v1/no-such-endpoint");
    assert_eq!(tolk.status, 404);
    assert_eq!(tolk.json()["error"]["code"], "not_found");
    let tolk_method = server.get("/v1/translate");
    assert_eq!(tolk_method.json()["error"]["code"], "method_not_allowed");
}

#[test]
fn libretranslate_paths_are_open_to_browsers_while_no_keys_are_configured() {
    let origin = [("Origin", "https://plugin.example")];
    let preflight = [
        ("Origin", "https://plugin.example"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type"),
    ];
    let open = App::start(&[]);
    let reply = open.post(
        "/translate",
        "application/json",
        json!({"q": ENGLISH, "source": "en", "target": "es"})
            .to_string()
            .as_bytes(),
        &origin,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let options = open.request("OPTIONS", "/translate", &preflight);
    assert_eq!(options.status, 200, "{}", options.body);
    assert_eq!(options.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        open.get_with("/languages", &origin)
            .header("access-control-allow-origin"),
        Some("*")
    );
    // Tolk's own API, its jobs and DeepL's paths stay closed unless the operator opens them.
    for path in ["/v1/languages", "/v2/languages"] {
        assert_eq!(
            open.get_with(path, &origin).header("access-control-allow-origin"),
            None,
            "{path}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.txt");
    std::fs::write(&keys, "a-key\n").unwrap();
    let keyed = App::start(&["--api-keys-file", keys.to_str().unwrap()]);
    assert_eq!(
        keyed
            .get_with("/languages", &origin)
            .header("access-control-allow-origin"),
        None
    );
    let named = App::start(&["--cors-origins", "https://app.example"]);
    assert_eq!(
        named
            .get_with("/languages", &origin)
            .header("access-control-allow-origin"),
        None
    );
    let app_origin = [("Origin", "https://app.example")];
    assert_eq!(
        named
            .get_with("/v1/languages", &app_origin)
            .header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let closed = App::start(&["--cors-origins", "none"]);
    assert_eq!(
        closed
            .get_with("/languages", &origin)
            .header("access-control-allow-origin"),
        None
    );
}

#[test]
fn deepl_options_are_checked_as_deepl_checks_them() {
    let server = App::start(&[]);
    let translate = |extra: &str| {
        let mut body = "text=Everyone+has+the+right+to+education.".to_string();
        for (field, value) in [("source_lang", "EN"), ("target_lang", "DE")] {
            if !extra.contains(field) {
                body.push_str(&format!("&{field}={value}"));
            }
        }
        body.push_str(extra);
        server.post(
            "/v2/translate",
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            &[],
        )
    };
    let plain = translate("");
    assert_eq!(plain.status, 200, "{}", plain.body);
    assert!(plain.json()["translations"][0].get("model_type_used").is_none());
    let quality = translate("&model_type=prefer_quality_optimized");
    assert_eq!(
        quality.json()["translations"][0]["model_type_used"],
        "quality_optimized"
    );
    assert_eq!(
        quality.json()["translations"][0]["text"],
        plain.json()["translations"][0]["text"]
    );
    let latency = translate("&model_type=latency_optimized");
    assert_eq!(
        latency.json()["translations"][0]["model_type_used"],
        "latency_optimized"
    );
    let greedy = server.post_json(
        "/v1/translate",
        &json!({"text": ENGLISH, "source": "en", "target": "de", "options": {"beam_size": 1}}),
    );
    assert_eq!(
        latency.json()["translations"][0]["text"],
        greedy.json()["translations"][0]["text"],
        "latency_optimized decodes greedily"
    );
    for (extra, message) in [
        ("&model_type=fast", "Value for 'model_type' not supported."),
        ("&split_sentences=2", "Value for 'split_sentences' not supported."),
        ("&formality=very", "Value for 'formality' not supported."),
        ("&formality=more", "Target language 'DE' doesn't support formality."),
        ("&target_lang=XX", "Value for 'target_lang' not supported."),
        ("&source_lang=XX", "Value for 'source_lang' not supported."),
    ] {
        let reply = translate(extra);
        assert_eq!(reply.status, 400, "{extra}: {}", reply.body);
        assert_eq!(reply.json(), json!({"message": message}), "{extra}");
    }
    for extra in [
        "&split_sentences=nonewlines",
        "&split_sentences=0",
        "&formality=prefer_less",
        "&formality=default",
    ] {
        assert_eq!(translate(extra).status, 200, "{extra}");
    }
    let json_numbers = server.post_json(
        "/v2/translate",
        &json!({"text": [ENGLISH], "target_lang": "DE", "split_sentences": 0}),
    );
    assert_eq!(json_numbers.status, 200, "{}", json_numbers.body);
}
