//! Glossaries, first part: made, listed, read, replaced and deleted through Tolk's API and
//! DeepL's v2 shape, owned by their key, in SQLite and PostgreSQL; their target terms are in
//! every translation whose source has their source terms, and nowhere else; bad glossaries are
//! refused naming the line or field, and store nothing.

mod common;

use common::{App, Client, Postgres};
use serde_json::{json, Value};

fn translate(server: &impl Client, body: &Value) -> Value {
    let reply = server.post_json("/v1/translate", body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["translations"].clone()
}

fn clinic() -> Value {
    json!({"name": "Clinic terms", "dictionaries": [
        {"source": "eng_Latn", "target": "lug_Latn", "entries": [
            {"source": "health centre", "target": "eddwaliro"},
            {"source": "Kampala", "target": "Kampala"},
            {"source": "nurse", "target": "omusawo"}]},
        {"source": "eng_Latn", "target": "fra_Latn", "entries": "health centre\tcentre de santé\nnurse\tinfirmière\n"}
    ]})
}

#[test]
fn a_glossary_is_made_read_used_replaced_and_deleted() {
    glossary_round_trip(&App::start(&[]));
}

#[test]
fn glossaries_work_the_same_in_postgres() {
    let postgres = Postgres::start();
    glossary_round_trip(&App::start(&["--database-url", &postgres.url()]));
}

fn glossary_round_trip(server: &App) {
    let reply = server.post_json("/v1/glossaries", &clinic());
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made = reply.json();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(reply.header("location"), Some(format!("/v1/glossaries/{id}").as_str()));
    assert_eq!(made["name"], "Clinic terms");
    assert_eq!(
        made["dictionaries"],
        json!([{"source": "eng_Latn", "target": "fra_Latn", "entry_count": 2},
               {"source": "eng_Latn", "target": "lug_Latn", "entry_count": 3}])
    );
    assert_eq!(server.get(&format!("/v1/glossaries/{id}")).json(), made);
    assert_eq!(server.get("/v1/glossaries").json()["glossaries"], json!([made]));
    let entries = server.get(&format!("/v1/glossaries/{id}/entries?source=eng_Latn&target=lug_Latn"));
    assert!(entries.content_type.starts_with("text/tab-separated-values"));
    assert_eq!(
        entries.body,
        "health centre\teddwaliro\nKampala\tKampala\nnurse\tomusawo\n"
    );
    assert_eq!(
        server.get(&format!("/v1/glossaries/{id}/entries")).status,
        400,
        "several dictionaries need a pair"
    );

    // Used: each target term is in the translation where its source term was, byte for byte.
    let texts = json!([
        "The nurse works at the Health Centre in Kampala.",
        "Where is the market?",
        "My nurse said:\n\nthe health centre opens at nine.",
    ]);
    let got = translate(
        server,
        &json!({"text": texts, "source": "eng_Latn", "target": "lug_Latn", "glossary": id}),
    );
    let text = |i: usize| got[i]["text"].as_str().unwrap().to_string();
    for term in ["omusawo", "eddwaliro", "Kampala"] {
        assert!(text(0).contains(term), "{term} in {:?}", text(0));
    }
    let terms: Vec<&str> = got[0]["glossary_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(terms, ["omusawo", "eddwaliro", "Kampala"]);
    // No term forced where its source term is absent: the same as without the glossary.
    let plain = translate(
        server,
        &json!({"text": "Where is the market?", "source": "eng_Latn", "target": "lug_Latn"}),
    );
    assert_eq!(got[1]["text"], plain[0]["text"]);
    assert!(got[1].get("glossary_terms").is_none());
    // Layout kept around the marked lines.
    assert!(
        text(2).contains("omusawo") && text(2).contains("eddwaliro"),
        "{}",
        text(2)
    );
    assert_eq!(text(2).matches('\n').count(), 2, "{:?}", text(2));
    // The other dictionary serves the other pair; a pair the glossary lacks is refused.
    let french = translate(
        server,
        &json!({"text": "Ask the nurse.", "source": "en", "target": "fr", "glossary": id}),
    );
    assert!(french[0]["text"].as_str().unwrap().contains("infirmière"), "{french}");
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": "x", "source": "en", "target": "de", "glossary": id}),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("eng_Latn → deu_Latn"), "{}", reply.body);
    // Inline entries for one request.
    let inline = translate(
        server,
        &json!({"text": "Call the nurse.", "source": "en", "target": "lug", "glossary": {"entries": [{"source": "nurse", "target": "NAALWALIRO"}]}}),
    );
    assert!(inline[0]["text"].as_str().unwrap().contains("NAALWALIRO"), "{inline}");

    // Replaced whole, then deleted.
    let replacement = json!({"name": "Clinic terms v2", "dictionaries": [{"source": "eng_Latn", "target": "lug_Latn", "entries": "nurse\tNURSE-LG\n", "entries_format": "tsv"}]});
    let reply = server.send(
        "PUT",
        &format!("/v1/glossaries/{id}"),
        &[("Content-Type", "application/json")],
        Some(replacement.to_string().as_bytes()),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json()["dictionaries"],
        json!([{"source": "eng_Latn", "target": "lug_Latn", "entry_count": 1}])
    );
    // The replacement is what translations use from then on (compiled terms are per version).
    let replaced = translate(
        server,
        &json!({"text": "Call the nurse.", "source": "en", "target": "lg", "glossary": id}),
    );
    assert!(replaced[0]["text"].as_str().unwrap().contains("NURSE-LG"), "{replaced}");
    assert_eq!(
        server.request("DELETE", &format!("/v1/glossaries/{id}"), &[]).status,
        204
    );
    assert_eq!(server.get(&format!("/v1/glossaries/{id}")).status, 404);
    assert_eq!(
        server.request("DELETE", &format!("/v1/glossaries/{id}"), &[]).status,
        404
    );
    let reply = server.post_json(
        "/v1/translate",
        &json!({"text": "x", "source": "en", "target": "lg", "glossary": id}),
    );
    assert_eq!(reply.status, 404, "{}", reply.body);
}

#[test]
fn deepl_v2_glossaries_and_glossary_id_on_translate() {
    let server = App::start(&["--api-keys", "team-a,team-b"]);
    let auth_a = [("Authorization", "DeepL-Auth-Key team-a")];
    let form = "name=Clinic&source_lang=EN&target_lang=DE&entries_format=csv&entries=nurse%2CKrankenpfleger%0A%22health+centre%22%2CGesundheitszentrum%0A";
    let reply = server.post(
        "/v2/glossaries",
        "application/x-www-form-urlencoded",
        form.as_bytes(),
        &auth_a,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made = reply.json();
    let id = made["glossary_id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            made["source_lang"].as_str(),
            made["target_lang"].as_str(),
            made["entry_count"].as_i64()
        ),
        (Some("en"), Some("de"), Some(2))
    );
    assert_eq!(made["ready"], true);
    assert!(made["creation_time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        server.get_with("/v2/glossaries", &auth_a).json()["glossaries"],
        json!([made])
    );
    let entries = server.get_with(&format!("/v2/glossaries/{id}/entries"), &auth_a);
    assert_eq!(
        entries.body,
        "nurse\tKrankenpfleger\nhealth centre\tGesundheitszentrum\n"
    );
    let pairs = server.get_with("/v2/glossary-language-pairs", &auth_a).json();
    let count = pairs["supported_languages"].as_array().unwrap().len();
    assert!(count > 200 * 199, "every pair of the model's languages: {count}");

    let reply = server.post(
        "/v2/translate",
        "application/json",
        json!({"text": ["Ask the nurse at the health centre."], "source_lang": "EN", "target_lang": "DE", "glossary_id": id}).to_string().as_bytes(),
        &auth_a,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let text = reply.json()["translations"][0]["text"].as_str().unwrap().to_string();
    assert!(
        text.contains("Krankenpfleger") && text.contains("Gesundheitszentrum"),
        "{text}"
    );
    // DeepL needs the source language with a glossary.
    let reply = server.post(
        "/v2/translate",
        "application/json",
        json!({"text": ["x"], "target_lang": "DE", "glossary_id": id})
            .to_string()
            .as_bytes(),
        &auth_a,
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    // Another key's glossary is no glossary.
    let auth_b = [("Authorization", "DeepL-Auth-Key team-b")];
    assert_eq!(server.get_with(&format!("/v2/glossaries/{id}"), &auth_b).status, 404);
    assert_eq!(
        server.get_with("/v2/glossaries", &auth_b).json(),
        json!({"glossaries": []})
    );
    let reply = server.post(
        "/v2/translate",
        "application/json",
        json!({"text": ["x"], "source_lang": "EN", "target_lang": "DE", "glossary_id": id})
            .to_string()
            .as_bytes(),
        &auth_b,
    );
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert_eq!(
        server
            .request("DELETE", &format!("/v2/glossaries/{id}"), &auth_b)
            .status,
        404
    );
    assert_eq!(
        server
            .request("DELETE", &format!("/v2/glossaries/{id}"), &auth_a)
            .status,
        204
    );
    assert_eq!(server.get_with(&format!("/v2/glossaries/{id}"), &auth_a).status, 404);
}

#[test]
fn bad_glossaries_are_refused_naming_the_line_or_field_and_store_nothing() {
    let server = App::start(&["--glossary-max-entries", "3", "--glossary-max-term-chars", "30"]);
    let with_entries = |entries: Value, format: Option<&str>| {
        let mut dictionary = json!({"source": "eng_Latn", "target": "lug_Latn", "entries": entries});
        if let Some(format) = format {
            dictionary["entries_format"] = json!(format);
        }
        json!({"name": "g", "dictionaries": [dictionary]})
    };
    for (body, status, named) in [
        (with_entries(json!("a\tb\nc\n"), None), 400, "line 2"),
        (
            with_entries(json!("nurse\tx\nNurse\ty\n"), None),
            400,
            "already on line 1",
        ),
        (with_entries(json!("a\t \n"), None), 400, "empty target term"),
        (with_entries(json!("\"a,b\n"), Some("csv")), 400, "line 1"),
        (with_entries(json!("a,b,en,fr\n"), Some("csv")), 400, "target language"),
        (with_entries(json!("a\tb\n"), Some("xlsx")), 400, "entries_format"),
        (
            with_entries(json!([{"source": "x".repeat(31), "target": "y"}]), None),
            400,
            "31 characters",
        ),
        (with_entries(json!("a\tb\nc\td\ne\tf\ng\th\n"), None), 400, "4 entries"),
        (with_entries(json!([]), None), 400, "no entries"),
        (
            json!({"name": "g", "dictionaries": [{"source": "eng_Latn", "target": "Klingon", "entries": "a\tb"}]}),
            400,
            "target",
        ),
        (
            json!({"name": "g", "dictionaries": [{"source": "eng_Latn", "target": "eng_Latn", "entries": "a\tb"}]}),
            400,
            "same",
        ),
        (
            json!({"name": " ", "dictionaries": [{"source": "eng_Latn", "target": "lug_Latn", "entries": "a\tb"}]}),
            400,
            "name",
        ),
        (json!({"name": "g", "dictionaries": []}), 400, "dictionaries"),
        (json!({"name": "g"}), 400, "dictionaries"),
    ] {
        let reply = server.post_json("/v1/glossaries", &body);
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        assert!(reply.body.contains(named), "{body}: {}", reply.body);
    }
    let broken = server.post("/v1/glossaries", "application/json", b"{not json", &[]);
    assert_eq!(broken.status, 400);
    // A file upload with a bad line is refused the same way.
    let reply = server.post_multipart(
        "/v1/glossaries",
        &[
            ("name", None, b"g"),
            ("source", None, b"en"),
            ("target", None, b"lg"),
            ("file", Some("terms.csv"), b"a,b\nc\n"),
        ],
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("line 2"), "{}", reply.body);
    let reply = server.post_multipart(
        "/v1/glossaries",
        &[
            ("name", None, b"g"),
            ("source", None, b"en"),
            ("target", None, b"lg"),
            ("file", Some("terms.csv"), b"a,b\n"),
        ],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        server.get("/v1/glossaries").json()["glossaries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An automatic source is refused with a glossary, in every way in, saying why: a guess must
    // not choose which terms apply.
    let id = reply.json()["id"].as_str().unwrap().to_string();
    for path in ["/v1/translate", "/v1/translate/stream"] {
        let reply = server.post_json(path, &json!({"text": "a", "target": "lg", "glossary": id}));
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert!(reply.body.contains("source"), "{path}: {}", reply.body);
    }
}

#[test]
fn a_deleted_glossary_leaves_no_text_on_disk() {
    let data = tempfile::tempdir().unwrap();
    let server = App::start(&["--data-dir", &data.path().display().to_string()]);
    let marker = "Nakasero-4471-marker";
    let body = json!({"name": "g", "dictionaries": [{"source": "eng_Latn", "target": "lug_Latn", "entries": format!("{marker}\tx\n")}]});
    let reply = server.post_json("/v1/glossaries", &body);
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert!(
        !common::on_disk(data.path(), marker).is_empty(),
        "the glossary is stored"
    );
    let id = reply.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        server.request("DELETE", &format!("/v1/glossaries/{id}"), &[]).status,
        204
    );
    assert_eq!(common::on_disk(data.path(), marker), Vec::<String>::new());
}

/// Three terms in each of 21 target languages, 12 scripts, 5 of them right to left or without
/// spaces between words: written for this test (hospital, water, school).
const TERMS: [(&str, [&str; 3]); 21] = [
    ("fra_Latn", ["hôpital", "eau", "école"]),
    ("arb_Arab", ["مستشفى", "ماء", "مدرسة"]),
    ("heb_Hebr", ["בית חולים", "מים", "בית ספר"]),
    ("urd_Arab", ["ہسپتال", "پانی", "اسکول"]),
    ("pes_Arab", ["بیمارستان", "آب", "مدرسه"]),
    ("zho_Hans", ["医院", "水", "学校"]),
    ("jpn_Jpan", ["病院", "水", "学校"]),
    ("kor_Hang", ["병원", "물", "학교"]),
    ("hin_Deva", ["अस्पताल", "पानी", "स्कूल"]),
    ("ben_Beng", ["হাসপাতাল", "পানি", "স্কুল"]),
    ("amh_Ethi", ["ሆስፒታል", "ውሃ", "ትምህርት ቤት"]),
    ("tha_Thai", ["โรงพยาบาล", "น้ำ", "โรงเรียน"]),
    ("rus_Cyrl", ["больница", "вода", "школа"]),
    ("ell_Grek", ["νοσοκομείο", "νερό", "σχολείο"]),
    ("kat_Geor", ["საავადმყოფო", "წყალი", "სკოლა"]),
    ("tam_Taml", ["மருத்துவமனை", "தண்ணீர்", "பள்ளி"]),
    ("lug_Latn", ["eddwaliro", "amazzi", "essomero"]),
    ("quy_Latn", ["hampina wasi", "yaku", "yachaywasi"]),
    ("swh_Latn", ["hospitali", "maji", "shule"]),
    ("zul_Latn", ["isibhedlela", "amanzi", "isikole"]),
    ("tur_Latn", ["hastane", "su", "okul"]),
];
const SOURCE_TERMS: [&str; 3] = ["hospital", "water", "school"];
/// Sentences with a term's place (`{}`), written for this test.
const WITH_TERM: [&str; 10] = [
    "The {} is near the market.",
    "We walked to the {} this morning.",
    "My sister works at the {} on Mondays.",
    "Is the {} open today?",
    "They built a new {} in our village.",
    "Please wait for me at the {}.",
    "The children talked about the {} all evening.",
    "Nobody knew where the old {} was.",
    "Our {} needs help from everyone.",
    "I read a story about a {} in the mountains.",
];
/// Sentences without any term.
const WITHOUT_TERM: [&str; 5] = [
    "The bus leaves at nine.",
    "My mother likes green tea.",
    "We will meet after the rain.",
    "Where did you put the keys?",
    "The shop is closed on Sundays.",
];

#[test]
fn terms_are_kept_in_315_sentences_over_21_languages_and_forced_nowhere() {
    let server = App::start(&[]);
    let (mut occurrences, mut hits, mut untouched, mut unchanged) = (0, 0, 0, 0);
    for (target, words) in TERMS {
        let entries: Vec<Value> = SOURCE_TERMS
            .iter()
            .zip(words)
            .map(|(source, target)| json!({"source": source, "target": target}))
            .collect();
        // Each sentence has one term, the terms taking turns; the capitalised ones check case.
        let with: Vec<(String, &str)> = WITH_TERM
            .iter()
            .enumerate()
            .map(|(i, template)| {
                let term = SOURCE_TERMS[i % 3];
                let term = if i % 4 == 0 {
                    term.to_uppercase()
                } else {
                    term.to_string()
                };
                (template.replace("{}", &term), words[i % 3])
            })
            .collect();
        let texts: Vec<&str> = with.iter().map(|(t, _)| t.as_str()).chain(WITHOUT_TERM).collect();
        let glossary = translate(
            &server,
            &json!({"text": texts, "source": "eng_Latn", "target": target, "glossary": {"entries": entries}}),
        );
        let plain = translate(&server, &json!({"text": texts, "source": "eng_Latn", "target": target}));
        for (i, (_, wanted)) in with.iter().enumerate() {
            occurrences += 1;
            let text = glossary[i]["text"].as_str().unwrap();
            if text.contains(wanted) {
                hits += 1;
            } else {
                eprintln!("{target}: {wanted:?} missing from {text:?}");
            }
        }
        for i in with.len()..texts.len() {
            untouched += 1;
            if glossary[i]["text"] == plain[i]["text"] && glossary[i].get("glossary_terms").is_none() {
                unchanged += 1;
            }
        }
    }
    eprintln!(
        "glossary terms: {hits} of {occurrences} kept; {unchanged} of {untouched} sentences without terms translated as without the glossary"
    );
    assert_eq!((hits, occurrences), (210, 210));
    assert_eq!((unchanged, untouched), (105, 105));
}

#[test]
fn deepl_v3_multilingual_glossaries_as_both_clients_send_them() {
    let server = App::start(&[]);
    let made = server.post_json(
        "/v3/glossaries",
        &json!({"name": "Clinic", "dictionaries": [
            {"source_lang": "EN", "target_lang": "DE", "entries": "clinic\tKlinikZZ\nnurse\tPflegerZZ", "entries_format": "tsv"},
            {"source_lang": "en", "target_lang": "fr", "entries": "clinic,ZZclinique\n", "entries_format": "csv"}]}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let made = made.json();
    let id = made["glossary_id"].as_str().unwrap().to_string();
    let time = made["creation_time"].as_str().unwrap();
    assert!(
        time.len() == 24 && time.ends_with('Z') && time.as_bytes()[19] == b'.',
        "{time}"
    );
    assert_eq!(
        made["dictionaries"],
        json!([{"source_lang": "en", "target_lang": "de", "entry_count": 2},
               {"source_lang": "en", "target_lang": "fr", "entry_count": 1}])
    );
    assert_eq!(server.get(&format!("/v3/glossaries/{id}")).json(), made);
    assert_eq!(server.get("/v3/glossaries").json()["glossaries"], json!([made]));
    // Several dictionaries: not a v2 glossary.
    assert_eq!(server.get("/v2/glossaries").json()["glossaries"], json!([]));
    let entries = |source: &str, target: &str| {
        let reply = server.get(&format!(
            "/v3/glossaries/{id}/entries?source_lang={source}&target_lang={target}"
        ));
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["dictionaries"][0]["entries"].as_str().unwrap().to_string()
    };
    assert_eq!(entries("EN", "DE"), "clinic\tKlinikZZ\nnurse\tPflegerZZ");

    // PATCH merges, as the Node client sends it (a form with bracketed keys).
    let form = "dictionaries%5B0%5D.source_lang=en&dictionaries%5B0%5D.target_lang=de\
        &dictionaries%5B0%5D.entries=Clinic%09KLINIK2%0Adoctor%09ArztZZ&dictionaries%5B0%5D.entries_format=tsv";
    let patched = server.send(
        "PATCH",
        &format!("/v3/glossaries/{id}"),
        &[("content-type", "application/x-www-form-urlencoded")],
        Some(form.as_bytes()),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.json()["dictionaries"][0]["entry_count"], 3);
    assert_eq!(entries("en", "de"), "clinic\tKLINIK2\nnurse\tPflegerZZ\ndoctor\tArztZZ");
    let renamed = server.send(
        "PATCH",
        &format!("/v3/glossaries/{id}"),
        &[("content-type", "application/json")],
        Some(br#"{"name": "Renamed"}"#),
    );
    assert_eq!(renamed.json()["name"], "Renamed");
    assert_eq!(
        renamed.json()["dictionaries"],
        server.get(&format!("/v3/glossaries/{id}")).json()["dictionaries"]
    );

    // PUT replaces one dictionary and answers it alone.
    let put = server.send(
        "PUT",
        &format!("/v3/glossaries/{id}/dictionaries"),
        &[("content-type", "application/json")],
        Some(
            json!({"source_lang": "en", "target_lang": "fr", "entries": "nurse\tZZinfirm", "entries_format": "tsv"})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        put.json(),
        json!({"source_lang": "en", "target_lang": "fr", "entry_count": 1})
    );
    let translated = server.post_json(
        "/v2/translate",
        &json!({"text": ["Ask the nurse at the clinic."], "source_lang": "EN", "target_lang": "FR", "glossary_id": id}),
    );
    let text = translated.json()["translations"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("ZZinfirm") && !text.contains("ZZclinique"), "{text}");

    // Bad input: the line named; unknown glossaries and dictionaries are 404s.
    let bad = server.send(
        "PATCH",
        &format!("/v3/glossaries/{id}"),
        &[("content-type", "application/json")],
        Some(
            json!({"dictionaries": [{"source_lang": "en", "target_lang": "de", "entries": "a\tb\nno tab here"}]})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.json()["message"].as_str().unwrap().contains("line 2"),
        "{}",
        bad.body
    );
    assert_eq!(
        entries("en", "de"),
        "clinic\tKLINIK2\nnurse\tPflegerZZ\ndoctor\tArztZZ",
        "nothing half stored"
    );
    assert_eq!(
        server.get("/v3/glossaries/00000000-0000-0000-0000-000000000000").status,
        404
    );
    let missing = server.get(&format!("/v3/glossaries/{id}/entries?source_lang=en&target_lang=es"));
    assert_eq!(missing.status, 404, "{}", missing.body);

    // DELETE one dictionary, then the last is refused, then the whole glossary.
    let dictionaries = format!("/v3/glossaries/{id}/dictionaries");
    assert_eq!(
        server
            .request("DELETE", &format!("{dictionaries}?source_lang=en&target_lang=de"), &[])
            .status,
        204
    );
    assert_eq!(
        server
            .request("DELETE", &format!("{dictionaries}?source_lang=en&target_lang=de"), &[])
            .status,
        404
    );
    assert_eq!(
        server.get(&format!("/v3/glossaries/{id}")).json()["dictionaries"],
        json!([{"source_lang": "en", "target_lang": "fr", "entry_count": 1}])
    );
    assert_eq!(
        server
            .request("DELETE", &format!("{dictionaries}?source_lang=en&target_lang=fr"), &[])
            .status,
        400
    );
    assert_eq!(
        server.request("DELETE", &format!("/v3/glossaries/{id}"), &[]).status,
        204
    );
    assert_eq!(server.get(&format!("/v3/glossaries/{id}")).status, 404);
}
