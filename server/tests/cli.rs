//! `tolk translate` end to end: the real binary, the real engine, the test model.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn model_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/tiny-nllb")
}

fn tolk(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(args)
        .env_remove("TOLK_MODEL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tolk starts");
    // A usage error ends the process before it reads its input; the write may then fail.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn translate(extra: &[&str], stdin: &[u8]) -> Output {
    let model = model_dir();
    let mut args = vec!["translate", "--model", model.to_str().unwrap(), "--threads", "2"];
    args.extend_from_slice(extra);
    tolk(&args, stdin)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn translates_standard_input_keeping_its_layout() {
    let input = "Everyone has the right to education.\n\n  No one shall be held in slavery. All are equal.\n";
    let out = translate(
        &["--from", "eng_Latn", "--to", "fra_Latn", "--beam", "1"],
        input.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 4, "{text:?}");
    assert!(
        !lines[0].trim().is_empty() && lines[1].is_empty() && lines[2].starts_with("  "),
        "{text:?}"
    );
    assert!(text.ends_with('\n'));
    assert_ne!(text, input);
}

#[test]
fn quality_says_on_standard_error_which_sentences_may_be_wrong() {
    let input = b"Call 0800 123 456 before 5 May.\n";
    let args = ["--from", "eng_Latn", "--to", "fra_Latn", "--beam", "1"];
    let plain = translate(&args, input);
    let with = translate(&[&args[..], &["--quality"]].concat(), input);
    assert!(with.status.success(), "{}", stderr(&with));
    // Standard output stays the translation alone.
    assert_eq!(with.stdout, plain.stdout);
    assert!(!stderr(&plain).contains("may be wrong"));
    let report = stderr(&with);
    // The tiny model drops the phone number and the date.
    assert!(
        report.contains("sentence 1: poor") || report.contains("sentence 1: uncertain"),
        "{report}"
    );
    assert!(report.contains("numbers"), "{report}");
    assert!(report.contains("quality: 1 of 1 sentences may be wrong"), "{report}");
    // The flagged sentence was decoded a second time, and the line says what came of it;
    // --no-retry leaves it as first decoded.
    assert!(report.contains("retried: "), "{report}");
    let without = translate(&[&args[..], &["--quality", "--no-retry"]].concat(), input);
    assert!(without.status.success(), "{}", stderr(&without));
    assert!(!stderr(&without).contains("retried"), "{}", stderr(&without));
}

#[test]
fn translates_a_file_the_same_as_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    let input = "All human beings are born free and equal in dignity and rights.";
    std::fs::write(&file, input).unwrap();
    let args = ["--from", "eng_Latn", "--to", "quy_Latn"];
    let from_file = translate(&[&args[..], &[file.to_str().unwrap()]].concat(), b"");
    let from_stdin = translate(&args, input.as_bytes());
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    assert_eq!(from_file.stdout, from_stdin.stdout);
    assert!(!from_file.stdout.is_empty());
}

#[test]
fn an_unknown_language_lists_close_matches() {
    let out = translate(&["--from", "eng_Latn", "--to", "Frnech"], b"Hello.");
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("unknown language 'Frnech'") && message.contains("fra_Latn"),
        "{message}"
    );
}

#[test]
fn a_missing_model_directory_is_named() {
    let out = tolk(
        &[
            "translate",
            "--model",
            "/no/such/model",
            "--from",
            "eng_Latn",
            "--to",
            "fra_Latn",
        ],
        b"Hi.",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/no/such/model"), "{}", stderr(&out));
}

#[test]
fn input_that_is_not_utf8_is_refused_clearly() {
    let out = translate(&["--from", "eng_Latn", "--to", "fra_Latn"], b"caf\xe9 au lait");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
}

#[test]
fn an_out_of_range_beam_is_a_usage_error() {
    let out = translate(&["--from", "eng_Latn", "--to", "fra_Latn", "--beam", "0"], b"Hello.");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("beam_size"), "{}", stderr(&out));
}

#[test]
fn names_and_other_codes_are_accepted() {
    let a = translate(
        &["--from", "English", "--to", "Quechua", "--beam", "1"],
        b"Everyone has the right to education.",
    );
    let b = translate(
        &["--from", "en", "--to", "quy_Latn", "--beam", "1"],
        b"Everyone has the right to education.",
    );
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn from_auto_detects_the_source_and_says_so() {
    let text = "Toute personne a droit à l'éducation. L'éducation doit être gratuite, au moins en ce qui concerne l'enseignement élémentaire et fondamental.";
    let auto = translate(&["--to", "eng_Latn", "--beam", "1"], text.as_bytes());
    let explicit = translate(
        &["--from", "fra_Latn", "--to", "eng_Latn", "--beam", "1"],
        text.as_bytes(),
    );
    assert!(auto.status.success(), "{}", stderr(&auto));
    assert!(stderr(&auto).contains("detected fra_Latn"), "{}", stderr(&auto));
    assert_eq!(auto.stdout, explicit.stdout);
}

#[test]
fn from_auto_refuses_to_guess_on_too_little_text() {
    let out = translate(&["--from", "auto", "--to", "eng_Latn"], b"ok");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --from"), "{}", stderr(&out));
}

#[test]
fn detect_and_languages_commands_answer() {
    let out = tolk(
        &["detect", "--json"],
        "Kay pachapi tukuy runakunam libre nacesqaku, kaqllataq respetasqa kanankupaq.".as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found["language"], "quy_Latn", "{found}");

    let out = tolk(&["languages", "--json"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(202));
}

#[test]
fn eval_scores_each_direction_of_a_test_set() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("test.tsv");
    std::fs::write(
        &tsv,
        "source_language\ttarget_language\tsource\treference\n\
         eng_Latn\tfra_Latn\tEveryone has the right to education.\tToute personne a droit à l'éducation.\n\
         English\tzho_Hans\tNo one shall be held in slavery.\t任何人不得使为奴隶或奴役。\n\
         en\tfr\tNo one shall be held in slavery.\tNul ne sera tenu en esclavage.\n",
    )
    .unwrap();
    let model = model_dir();
    let written = dir.path().join("tolk.txt");
    let out = tolk(
        &[
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--threads",
            "2",
            "--tsv",
            tsv.to_str().unwrap(),
            "--json",
            "--write-hypotheses",
            written.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let scores: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let directions = scores["directions"].as_array().unwrap();
    let pairs: Vec<(&str, &str, u64, &str)> = directions
        .iter()
        .map(|d| {
            (
                d["source"].as_str().unwrap(),
                d["target"].as_str().unwrap(),
                d["lines"].as_u64().unwrap(),
                d["tokenizer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("eng_Latn", "fra_Latn", 2, "13a"), ("eng_Latn", "zho_Hans", 1, "zh")]
    );
    for d in directions {
        for metric in ["chrf", "bleu"] {
            let value = d[metric].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&value), "{d}");
        }
        let quality = &d["quality"];
        assert!(
            quality["sentences"].as_u64().unwrap() >= d["lines"].as_u64().unwrap(),
            "{d}"
        );
        assert!(quality["flagged"].as_u64().unwrap() <= quality["sentences"].as_u64().unwrap());
    }
    // The translations written are the ones scored: scoring them again gives the same figures.
    let hypotheses = std::fs::read_to_string(&written).unwrap();
    assert_eq!(hypotheses.lines().count(), 3);
    let again = tolk(
        &[
            "eval",
            "--tsv",
            tsv.to_str().unwrap(),
            "--hypotheses",
            written.to_str().unwrap(),
        ],
        b"",
    );
    assert!(again.status.success(), "{}", stderr(&again));
    let table = String::from_utf8(again.stdout).unwrap();
    let fra = &directions[0];
    let row = format!(
        "{:>7.2} {:>7.2}",
        fra["chrf"].as_f64().unwrap(),
        fra["bleu"].as_f64().unwrap()
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("eng_Latn → fra_Latn") && l.contains(&row)),
        "{table}\n{row}"
    );
}

#[test]
fn eval_refuses_a_broken_test_set_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let (source, reference) = (write("src.txt", "a\nb\nc\n"), write("ref.txt", "x\ny\n"));
    let bad_tsv = write(
        "bad.tsv",
        "eng_Latn\tfra_Latn\tHello.\tBonjour.\neng_Latn\tfra_Latn\tno reference\n",
    );
    let klingon = write("klingon.tsv", "eng_Latn\tklingon\tHello.\tnuqneH\n");
    let good = write("good.tsv", "eng_Latn\tfra_Latn\tHello.\tBonjour.\n");
    for (args, expected) in [
        (
            vec![
                "--source",
                source.as_str(),
                "--reference",
                reference.as_str(),
                "--from",
                "en",
                "--to",
                "fr",
            ],
            "the source has 3 lines and the reference 2",
        ),
        (
            vec!["--tsv", bad_tsv.as_str()],
            "line 2: expected 4 tab-separated fields",
        ),
        (vec!["--tsv", klingon.as_str()], "line 1: target language"),
        (vec!["--tsv", good.as_str(), "--tokenize", "moses"], "--tokenize"),
        (vec![], "give a test set"),
    ] {
        let mut all = vec!["eval", "--model", "/nonexistent"];
        all.extend(args.iter().copied());
        let out = tolk(&all, b"");
        assert_eq!(out.status.code(), Some(2), "{all:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{all:?}: {}", stderr(&out));
    }
}
