//! `tolk batch` end to end: the real binary and engine on the test model, a folder of documents
//! into two languages, the report, resume, and a broken file among good ones.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::model_dir;
use serde_json::Value;

fn tolk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args(args)
        .env_remove("TOLK_MODEL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("tolk runs")
}

fn batch(input: &Path, output: &Path, extra: &[&str]) -> Output {
    let model = model_dir().display().to_string();
    let mut args = vec![
        "batch",
        "--model",
        &model,
        "--to",
        "fra_Latn,deu_Latn",
        "--threads",
        "2",
        "--beam",
        "1",
    ];
    let input = input.display().to_string();
    let output = output.display().to_string();
    args.extend_from_slice(extra);
    args.extend_from_slice(&[&input, "--out", &output]);
    tolk(&args)
}

fn report(output: &Path) -> Value {
    serde_json::from_slice(&fs::read(output.join("tolk-batch-report.json")).unwrap()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const BOILERPLATE: &str = "All rights reserved. Contact the office for more information.";

/// A small collection: nested folders, repeated boilerplate, one broken file, one unsupported.
fn collection() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("guides/deep")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::write(
        root.join("intro.txt"),
        format!("Everyone has the right to education.\n\n  No one shall be held in slavery.\n\n{BOILERPLATE}\n"),
    )
    .unwrap();
    fs::write(
        root.join("guides/rights.txt"),
        format!("All human beings are born free and equal in dignity and rights.\n\n{BOILERPLATE}\n"),
    )
    .unwrap();
    fs::write(
        root.join("guides/deep/es.txt"),
        format!("Toda persona tiene derecho a la educación.\n\n{BOILERPLATE}\n"),
    )
    .unwrap();
    fs::write(root.join("guides/broken.txt"), b"\xff\xfe\x00binary").unwrap();
    fs::write(root.join("guides/scan.pdf"), b"%PDF-1.7").unwrap();
    fs::write(root.join(".git/config.txt"), "not part of the collection").unwrap();
    dir
}

#[test]
fn a_collection_is_translated_into_each_language_mirroring_the_tree() {
    let input = collection();
    let output = tempfile::tempdir().unwrap();
    let out = batch(input.path(), output.path(), &[]);
    let log = stderr(&out);
    // One broken file: reported, the run goes on, the exit code says some failed.
    assert_eq!(out.status.code(), Some(3), "{log}");
    assert!(log.contains("guides/broken.txt"), "{log}");

    for target in ["fra_Latn", "deu_Latn"] {
        for file in ["intro.txt", "guides/rights.txt", "guides/deep/es.txt"] {
            let translated = fs::read_to_string(output.path().join(target).join(file)).unwrap();
            // The same as `tolk translate` gives for the file alone, with the detected language.
            let model = model_dir().display().to_string();
            let input_file = input.path().join(file).display().to_string();
            let alone = tolk(&[
                "translate",
                "--model",
                &model,
                "--to",
                target,
                "--beam",
                "1",
                "--threads",
                "2",
                &input_file,
            ]);
            assert!(alone.status.success(), "{}", stderr(&alone));
            assert_eq!(translated, String::from_utf8(alone.stdout).unwrap(), "{target} {file}");
        }
        assert!(!output.path().join(target).join("guides/broken.txt").exists());
        assert!(
            !output.path().join(target).join(".git").exists(),
            "hidden folders are left out"
        );
    }

    let report = report(output.path());
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 10, "5 files × 2 languages: {report}");
    let status = |path: &str, target: &str| {
        files
            .iter()
            .find(|f| f["path"] == path && f["target"] == target)
            .unwrap_or_else(|| panic!("{path} {target} in the report"))
            .clone()
    };
    assert_eq!(status("intro.txt", "fra_Latn")["status"], "done");
    assert_eq!(status("intro.txt", "fra_Latn")["source"], "eng_Latn");
    assert_eq!(status("guides/deep/es.txt", "deu_Latn")["source"], "spa_Latn");
    let broken = status("guides/broken.txt", "deu_Latn");
    assert_eq!(broken["status"], "failed");
    assert!(broken["reason"].as_str().unwrap().contains("UTF-8"), "{broken}");
    assert_eq!(status("guides/scan.pdf", "fra_Latn")["status"], "skipped");
    let totals = &report["totals"];
    assert_eq!(
        (
            totals["done"].as_u64(),
            totals["failed"].as_u64(),
            totals["skipped"].as_u64()
        ),
        (Some(6), Some(2), Some(2))
    );
    assert!(totals["chars_per_second"].as_f64().unwrap() > 0.0, "{totals}");
    // The boilerplate paragraph appears three times per language and is translated once.
    assert!(totals["sentences_reused"].as_u64().unwrap() >= 4, "{totals}");
    // Each file says how far its translation can be trusted, listing the sentences that are not
    // good; the totals and the summary line sum the files'.
    let (mut uncertain, mut poor) = (0, 0);
    for file in files.iter().filter(|f| f["status"] == "done") {
        let quality = &file["quality"];
        assert!(quality["sentences"].as_u64().unwrap() >= 2, "{file}");
        assert!(
            ["good", "uncertain", "poor"].contains(&quality["level"].as_str().unwrap()),
            "{file}"
        );
        let listed = quality["flagged"].as_array().unwrap();
        let (u, p) = (
            quality["uncertain"].as_u64().unwrap(),
            quality["poor"].as_u64().unwrap(),
        );
        assert_eq!(listed.len() as u64, u + p, "{file}");
        for sentence in listed {
            assert!(
                ["uncertain", "poor"].contains(&sentence["level"].as_str().unwrap()),
                "{sentence}"
            );
            assert!(
                sentence["text"].is_u64() && sentence["translation"].is_string(),
                "{sentence}"
            );
        }
        uncertain += u;
        poor += p;
    }
    assert_eq!(totals["sentences_uncertain"].as_u64(), Some(uncertain), "{totals}");
    assert_eq!(totals["sentences_poor"].as_u64(), Some(poor), "{totals}");
    assert!(
        log.contains(&format!("quality: {uncertain} uncertain, {poor} poor")),
        "{log}"
    );
}

#[test]
fn a_rerun_skips_what_is_done_and_redoes_what_changed() {
    let input = collection();
    fs::remove_file(input.path().join("guides/broken.txt")).unwrap();
    let output = tempfile::tempdir().unwrap();
    let first = batch(input.path(), output.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = fs::read(output.path().join("fra_Latn/intro.txt")).unwrap();

    let again = batch(input.path(), output.path(), &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    let totals = report(output.path())["totals"].clone();
    assert_eq!(totals["done"], 0, "{totals}");
    assert_eq!(totals["already_done"], 6, "{totals}");
    assert_eq!(
        totals["sentences_translated"], 0,
        "nothing reaches the engine: {totals}"
    );
    assert_eq!(fs::read(output.path().join("fra_Latn/intro.txt")).unwrap(), before);

    // One file changed, one output deleted: exactly those are done again.
    fs::write(
        input.path().join("guides/rights.txt"),
        "Everyone has the right to rest and leisure.\n",
    )
    .unwrap();
    fs::remove_file(output.path().join("deu_Latn/intro.txt")).unwrap();
    let third = batch(input.path(), output.path(), &[]);
    assert!(third.status.success(), "{}", stderr(&third));
    let report = report(output.path());
    let redone: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "done" && f.get("earlier_run").is_none())
        .map(|f| format!("{} {}", f["target"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        redone,
        [
            "deu_Latn guides/rights.txt",
            "deu_Latn intro.txt",
            "fra_Latn guides/rights.txt"
        ]
    );
    assert!(!fs::read(output.path().join("deu_Latn/intro.txt")).unwrap().is_empty());
}

#[test]
fn wrong_arguments_are_usage_errors() {
    let output = tempfile::tempdir().unwrap();
    let out = batch(Path::new("/nonexistent/collection"), output.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such file or folder"));
    let input = collection();
    let model = model_dir().display().to_string();
    let out = tolk(&[
        "batch",
        "--model",
        &model,
        "--to",
        "Frnech",
        &input.path().display().to_string(),
        "--out",
        &output.path().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--to"), "{}", stderr(&out));
}

/// Peak resident memory of a process so far, from /proc, in kB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `tolk batch` on one file and returns its peak RSS in kB, watched until it exits.
fn batch_peak_rss(file: &Path, output: &Path) -> u64 {
    let model = model_dir().display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tolk"))
        .args([
            "batch",
            "--model",
            &model,
            "--to",
            "fra_Latn",
            "--from",
            "eng_Latn",
            "--beam",
            "1",
            "--threads",
            "2",
        ])
        .arg(file)
        .arg("--out")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    loop {
        // VmHWM only grows: the last reading before exit is the peak, give or take the last
        // few milliseconds.
        if let Some(kb) = peak_rss_kb(child.id()) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "tolk batch failed");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_50_mb_text_file_streams_through_in_bounded_memory() {
    let sentences = [
        "Everyone has the right to education.",
        "No one shall be held in slavery or servitude.",
        "All human beings are born free and equal in dignity and rights.",
        "Everyone has the right to rest and leisure.",
    ];
    // 3 000 distinct paragraphs, repeated to 50 MB: the engine translates each once (the
    // cache answers the repeats), so the run measures the streaming, not the model's speed.
    let paragraphs: Vec<String> = (0..3000)
        .map(|i| format!("Section {i}. {} {}", sentences[i % 4], sentences[(i / 4) % 4]))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let mut text = String::with_capacity(51 << 20);
    let mut i = 0;
    while text.len() < 50 << 20 {
        text.push_str(&paragraphs[i % paragraphs.len()]);
        text.push_str("\n\n");
        i += 1;
    }
    fs::write(&big, &text).unwrap();
    let small = dir.path().join("small.txt");
    fs::write(&small, &text[..4096]).unwrap();
    drop(text);

    let baseline = batch_peak_rss(&small, &dir.path().join("out-small"));
    let peak = batch_peak_rss(&big, &dir.path().join("out-big"));
    let growth_mb = peak.saturating_sub(baseline) / 1024;
    eprintln!(
        "peak RSS: {} MB for 4 KB, {} MB for 50 MB (growth {growth_mb} MB)",
        baseline / 1024,
        peak / 1024
    );
    assert!(growth_mb < 200, "RSS grew by {growth_mb} MB");
    let translated = fs::read_to_string(dir.path().join("out-big/fra_Latn/big.txt")).unwrap();
    assert_eq!(
        translated.matches("\n\n").count(),
        i,
        "every paragraph is there, in order, with its break"
    );
}

/// The start and end tags of an HTML document, in order (attributes left out).
fn tags(html: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let name: String = rest[..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        tags.push(format!(
            "{}{}",
            if rest.starts_with('/') { "/" } else { "" },
            name.to_ascii_lowercase()
        ));
        rest = &rest[end.min(rest.len())..];
    }
    tags
}

#[test]
fn documents_keep_their_structure_and_only_text_changes() {
    let input = tempfile::tempdir().unwrap();
    let html = "<!doctype html>\n<html lang=\"en\">\n<head><title>Rights for all</title></head>\n<body>\n<h1>Everyone has the right to education.</h1>\n<p>No one shall be held in <b>slavery</b> or servitude. <img src=\"a.png\" alt=\"A free bird\"></p>\n<pre><code>tolk serve --port 8080</code></pre>\n<ul><li>All human beings are born free.</li><li><a href=\"https://example.org/a?b=1\">Read more</a></li></ul>\n</body>\n</html>\n";
    let markdown = "---\ntitle: Rights for all\ndate: 2024-01-01\n---\n# Everyone has the right to education\n\nNo one shall be held in **slavery**. See [the text](https://example.org/udhr) or run `tolk serve`.\n\n```sh\necho \"All human beings are born free\"\n```\n\n- All human beings are born free.\n- Everyone has the right to rest.\n";
    fs::write(input.path().join("page.html"), html).unwrap();
    fs::write(input.path().join("notes.md"), markdown).unwrap();
    let output = tempfile::tempdir().unwrap();
    let out = batch(input.path(), output.path(), &["--from", "eng_Latn"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for target in ["fra_Latn", "deu_Latn"] {
        let page = fs::read_to_string(output.path().join(target).join("page.html")).unwrap();
        assert_eq!(tags(&page), tags(html), "{target}: {page}");
        assert!(page.contains("lang=\"") && page.contains("dir=\"ltr\""), "{page}");
        assert!(!page.contains("lang=\"en\""), "{page}");
        assert!(
            page.contains("<pre><code>tolk serve --port 8080</code></pre>"),
            "{page}"
        );
        assert!(page.contains("href=\"https://example.org/a?b=1\""), "{page}");
        assert!(
            !page.contains("alt=\"A free bird\""),
            "the alt text is translated: {page}"
        );
        assert!(!page.contains("Everyone has the right to education."), "{page}");

        let notes = fs::read_to_string(output.path().join(target).join("notes.md")).unwrap();
        assert!(notes.starts_with("---\ntitle: "), "{notes}");
        assert!(notes.contains("\ndate: 2024-01-01\n---\n# "), "{notes}");
        assert!(
            notes.contains("```sh\necho \"All human beings are born free\"\n```\n"),
            "{notes}"
        );
        assert!(notes.contains("(https://example.org/udhr)"), "{notes}");
        assert!(notes.contains("`tolk serve`"), "{notes}");
        assert_eq!(notes.lines().filter(|l| l.starts_with("- ")).count(), 2, "{notes}");
        assert!(!notes.contains("Everyone has the right to education"), "{notes}");
    }
}

#[test]
fn subtitles_i18n_catalogues_and_xliff_get_translations_with_their_structure() {
    let input = tempfile::tempdir().unwrap();
    let srt = "1\n00:00:01,000 --> 00:00:04,000\nEveryone has the right\nto education.\n\n2\n00:00:05,000 --> 00:00:06,500\nNo one shall be held in slavery.\n";
    let json = "{\n  \"title\": \"Everyone has the right to education.\",\n  \"greeting\": \"Hello {name}, you have {{count}} messages.\",\n  \"size\": 3\n}\n";
    let po = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n#, c-format\nmsgid \"Everyone has the right to %s.\"\nmsgstr \"\"\n";
    let xlf = "<xliff version=\"1.2\"><file source-language=\"en\"><body><trans-unit id=\"1\"><source>No one shall be held in slavery.</source></trans-unit></body></file></xliff>\n";
    fs::write(input.path().join("talk.srt"), srt).unwrap();
    fs::write(input.path().join("en.json"), json).unwrap();
    fs::write(input.path().join("app.po"), po).unwrap();
    fs::write(input.path().join("strings.xlf"), xlf).unwrap();
    let output = tempfile::tempdir().unwrap();
    let out = batch(input.path(), output.path(), &["--from", "eng_Latn"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| fs::read_to_string(output.path().join("fra_Latn").join(name)).unwrap();

    let srt_out = read("talk.srt");
    let lines: Vec<&str> = srt_out.lines().collect();
    assert_eq!(lines[..2], ["1", "00:00:01,000 --> 00:00:04,000"], "{srt_out}");
    assert_eq!(lines[4..6], ["2", "00:00:05,000 --> 00:00:06,500"], "{srt_out}");
    assert!(!srt_out.contains("education"), "{srt_out}");

    let json_out: serde_json::Value = serde_json::from_str(&read("en.json")).expect("valid JSON");
    let mut keys: Vec<&str> = json_out.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["greeting", "size", "title"]);
    assert!(
        read("en.json").find("\"title\"") < read("en.json").find("\"greeting\""),
        "key order kept"
    );
    assert_eq!(json_out["size"], 3);
    let greeting = json_out["greeting"].as_str().unwrap();
    assert!(
        greeting.contains("{name}") && greeting.contains("{{count}}"),
        "{greeting}"
    );
    assert_ne!(json_out["title"], "Everyone has the right to education.");

    let po_out = read("app.po");
    assert!(po_out.contains("\"Language: fr\\n\""), "{po_out}");
    assert!(
        po_out.contains("#, c-format\nmsgid \"Everyone has the right to %s.\"\nmsgstr \""),
        "{po_out}"
    );
    let filled = po_out.lines().last().unwrap();
    assert!(
        filled.starts_with("msgstr \"") && filled.contains("%s") && filled.len() > "msgstr \"\"".len(),
        "{po_out}"
    );

    let xlf_out = read("strings.xlf");
    assert!(xlf_out.contains("</source><target>"), "{xlf_out}");
    assert!(xlf_out.contains("target-language=\"fr-Latn\""), "{xlf_out}");
}

#[test]
fn office_documents_come_back_as_archives_with_translated_runs() {
    use std::io::{Cursor, Read, Write};
    let document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Everyone has the right to education.</w:t></w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">No one </w:t></w:r><w:r><w:t>shall be held in slavery.</w:t></w:r></w:p></w:body></w:document>";
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("[Content_Types].xml", options).unwrap();
    writer.write_all(b"<Types/>").unwrap();
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(document.as_bytes()).unwrap();
    let docx = writer.finish().unwrap().into_inner();
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("report.docx"), &docx).unwrap();
    fs::write(input.path().join("fake.docx"), b"this is not a zip").unwrap();
    let output = tempfile::tempdir().unwrap();
    let out = batch(input.path(), output.path(), &["--from", "eng_Latn"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "the fake one fails, the real one is done: {}",
        stderr(&out)
    );
    let report = report(output.path());
    let fake = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "fake.docx")
        .unwrap();
    assert!(fake["reason"].as_str().unwrap().contains("not a zip"), "{fake}");

    let translated = fs::read(output.path().join("fra_Latn/report.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(translated)).expect("still a zip");
    assert_eq!(archive.len(), 2);
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(!xml.contains("Everyone has the right"), "{xml}");
    // The markup around the text is unchanged: the same tags in the same order.
    assert_eq!(tags(&xml), tags(document), "{xml}");
    assert!(xml.contains("<w:rPr><w:b/></w:rPr>"), "{xml}");
}
