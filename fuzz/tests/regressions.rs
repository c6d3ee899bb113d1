//! Every input a fuzzer once failed on, kept in fuzz/regressions/TARGET/, replayed through the
//! same property on the stable toolchain (scripts/test runs this).

use std::fs;
use std::path::Path;

use translator::documents::DocumentFormat;

fn replay(target: &str, check: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions").join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a readable directory").path();
        let bytes = fs::read(&path).expect("a readable file");
        eprintln!("replaying {}", path.display());
        check(&bytes);
    }
}

fn text(check: fn(&str)) -> impl Fn(&[u8]) {
    move |bytes| {
        if let Ok(text) = std::str::from_utf8(bytes) {
            check(text);
        }
    }
}

#[test]
fn segment() {
    replay("segment", text(tolk_fuzz::segment));
}

#[test]
fn html() {
    replay("html", text(tolk_fuzz::html));
}

#[test]
fn language() {
    replay("language", text(tolk_fuzz::language));
}

#[test]
fn documents() {
    let single = [
        ("doc_text", DocumentFormat::Text),
        ("doc_markdown", DocumentFormat::Markdown),
        ("doc_html", DocumentFormat::Html),
        ("doc_json", DocumentFormat::Json),
        ("doc_po", DocumentFormat::Po),
        ("doc_xliff", DocumentFormat::Xliff),
    ];
    for (target, format) in single {
        replay(target, |bytes| tolk_fuzz::document(format, bytes));
    }
    replay("doc_subtitles", |bytes| {
        tolk_fuzz::document_of(&[DocumentFormat::Srt, DocumentFormat::Vtt], bytes)
    });
    replay("doc_office", |bytes| {
        tolk_fuzz::document_of(
            &[
                DocumentFormat::Docx,
                DocumentFormat::Pptx,
                DocumentFormat::Odt,
                DocumentFormat::Epub,
            ],
            bytes,
        )
    });
}

#[test]
fn every_regression_directory_is_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let targets = fs::read_to_string(root.join("Cargo.toml")).expect("the manifest");
    for entry in fs::read_dir(root.join("regressions")).expect("fuzz/regressions") {
        let name = entry
            .expect("an entry")
            .file_name()
            .into_string()
            .expect("a UTF-8 name");
        assert!(targets.contains(&format!("name = \"{name}\"")), "no fuzz target {name}");
    }
}
