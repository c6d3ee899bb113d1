//! Documents through the public API, as the batch command and the job workers use it: fixture
//! files of every text format and office archives built here are cut into units, "translated"
//! by a fake translator, and put back. The fake upper-cases text, so whatever must not be
//! translated (markup, URLs, code, keys, timings, placeholders) shows itself by staying as it was.
//! Hostile inputs (zip bombs, zip slip, entity bombs, lying extensions, random bytes) must give
//! the right error and never a panic.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use langs::LangCode;
use translator::documents::{Document, DocumentError, DocumentFormat, Limits, UnitKind};
use translator::markup::HtmlPlan;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/documents")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lang(code: &str) -> LangCode {
    LangCode::parse(code).unwrap()
}

fn format_of(name: &str) -> DocumentFormat {
    DocumentFormat::from_path(Path::new(name)).unwrap_or_else(|| panic!("no format for {name}"))
}

/// Each unit translated as the server does: text whole, HTML through [`HtmlPlan`], every text
/// passed through `translate`.
fn translate(document: &Document, translate: impl Fn(&str) -> String) -> Vec<String> {
    document
        .units()
        .iter()
        .map(|unit| match unit.kind {
            UnitKind::Text => translate(&unit.text),
            UnitKind::Html => {
                let mut texts = Vec::new();
                let plan = HtmlPlan::new(&unit.text, &mut texts);
                let translated: Vec<String> = texts.iter().map(|t| translate(t)).collect();
                plan.render(|i| translated[i].as_str())
            }
        })
        .collect()
}

fn upper(text: &str) -> String {
    text.to_uppercase()
}

/// Parses the fixture, renders it upper-cased into French, checks that the output parses again
/// as the same format, and returns it as text.
fn shouted(name: &str) -> String {
    let bytes = fixture(name);
    let format = format_of(name);
    let document = Document::parse(format, &bytes, &Limits::default()).unwrap();
    assert!(!document.units().is_empty(), "{name} has no units");
    let out = document.render(&translate(&document, upper), lang("fra_Latn")).unwrap();
    let again = Document::parse(format, &out, &Limits::default())
        .unwrap_or_else(|e| panic!("{name}: the rendered file does not parse again: {e}"));
    let _ = again;
    String::from_utf8(out).unwrap()
}

/// The fixture rendered with every unit given back unchanged (no target language effects
/// expected for the formats this is called on).
fn identity(name: &str) -> Vec<u8> {
    let bytes = fixture(name);
    let document = Document::parse(format_of(name), &bytes, &Limits::default()).unwrap();
    document
        .render(&translate(&document, str::to_string), lang("eng_Latn"))
        .unwrap()
}

#[test]
fn identity_translations_give_text_formats_back_byte_for_byte() {
    for name in ["notes.txt", "guide.md", "movie.srt", "talk.vtt", "messages.json"] {
        let mut original = String::from_utf8(fixture(name)).unwrap();
        if name == "guide.md" {
            // A paragraph's soft line break is a space in Markdown, and comes back as one.
            original = original.replace(") to\ncheck", ") to check");
        }
        if name == "movie.srt" {
            // A cue's lines are one utterance, translated and written back as one line.
            original = original.replace("Hello there.\r\nHow are you?", "Hello there. How are you?");
        }
        let out = identity(name);
        assert_eq!(
            String::from_utf8_lossy(&out),
            original,
            "{name} changed under an identity translation"
        );
    }
}

#[test]
fn markdown_translates_text_and_keeps_code_urls_and_structure() {
    let out = shouted("guide.md");
    for kept in [
        "slug: getting-started\n",
        "weight: 3\n",
        "draft: false\n",
        "](https://example.com/settings?tab=1 \"",
        "`config.toml`",
        "](img/pipeline.png)",
        "```sh\ncargo install tolk --locked\necho \"do not translate\"\n```",
        "    indented code stays",
        "<https://example.org>",
        "|------|---------|",
        "`inline code`",
    ] {
        assert!(out.contains(kept), "lost {kept:?} in:\n{out}");
    }
    for translated in [
        "# INSTALL THE SERVER\n",
        "**INSTALLER**",
        "[THE SETTINGS PAGE](",
        "![A DIAGRAM OF THE PIPELINE](img/pipeline.png)",
        "> A QUOTED REMARK ABOUT THE *MODEL*.",
        "- FIRST ITEM\n",
        "1. NUMBERED STEP",
        "| NAME | MEANING |",
        "| BEAM | HOW MANY HYPOTHESES |",
        "title: GETTING STARTED",
        // HTML blocks: the markup kept, the text in it translated as the html format does.
        "<div class=\"note\">RAW HTML BLOCK</div>",
    ] {
        assert!(out.contains(translated), "{translated:?} not in:\n{out}");
    }
}

#[test]
fn html_translates_text_and_attributes_and_marks_the_target_language() {
    let out = shouted("page.html");
    for kept in [
        "<!DOCTYPE html>",
        "<meta charset=\"utf-8\">",
        "<style>p { color: red; }</style>",
        "<a href=\"/docs/intro.html\" class=\"link\">",
        "<img src=\"cat.png\"",
        "<input type=\"text\"",
        "<pre>keep   this   code</pre>",
        "<script>var message = \"not translated\";</script>",
    ] {
        assert!(out.contains(kept), "lost {kept:?} in:\n{out}");
    }
    for translated in [
        "<title>WELCOME PAGE</title>",
        "title=\"MAIN HEADING\"",
        "WELCOME TO OUR SITE",
        "alt=\"A SLEEPING CAT\"",
        "placeholder=\"YOUR NAME\"",
        "INTRODUCTION</a>",
        "<b>ENJOY</b>",
    ] {
        assert!(out.contains(translated), "{translated:?} not in:\n{out}");
    }
    assert!(out.contains("<html lang=\"fr-Latn\" dir=\"ltr\">"), "{out}");

    let document = Document::parse(DocumentFormat::Html, &fixture("page.html"), &Limits::default()).unwrap();
    let arabic = document.render(&translate(&document, upper), lang("arb_Arab")).unwrap();
    let arabic = String::from_utf8(arabic).unwrap();
    assert!(arabic.contains("<html lang=\"ar-Arab\" dir=\"rtl\">"), "{arabic}");
}

#[test]
fn subtitles_keep_numbers_timings_and_blocks() {
    let srt = shouted("movie.srt");
    assert!(srt.starts_with("1\r\n00:00:01,000 --> 00:00:03,500\r\n"), "{srt:?}");
    assert!(srt.contains("HELLO THERE."), "{srt:?}");
    assert!(srt.contains("HOW ARE YOU?"), "{srt:?}");
    assert!(
        srt.contains("\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\n<i>I AM FINE.</i>"),
        "{srt:?}"
    );

    let document = Document::parse(DocumentFormat::Srt, &fixture("movie.srt"), &Limits::default()).unwrap();
    assert_eq!(document.units().len(), 2, "one unit per cue");
    assert!(document.units()[0].text.contains("Hello there.") && document.units()[0].text.contains("How are you?"));

    let vtt = shouted("talk.vtt");
    for kept in [
        "WEBVTT - Talk subtitles\n\n",
        "NOTE This note is for editors\nand spans two lines.\n\n",
        "STYLE\n::cue { color: yellow; }\n\n",
        "intro\n00:00:01.000 --> 00:00:04.000 align:start position:10%\n",
        "00:05.000 --> 00:07.500\n",
        "<v Anna>",
    ] {
        assert!(vtt.contains(kept), "lost {kept:?} in:\n{vtt}");
    }
    assert!(vtt.contains("GOOD MORNING EVERYONE."), "{vtt}");
    assert!(vtt.contains("THANK YOU FOR COMING."), "{vtt}");
}

#[test]
fn json_values_are_translated_with_keys_placeholders_and_other_values_kept() {
    let out = shouted("messages.json");
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(value["app"]["title"], "PHOTO ALBUM");
    assert_eq!(value["app"]["greeting"], "HELLO {name}, WELCOME BACK!");
    assert_eq!(value["app"]["count"], "{{count}} NEW PHOTOS");
    assert_eq!(value["app"]["printf"], "SAVED %s FILES IN %1$d FOLDERS");
    let plural = value["app"]["plural"].as_str().unwrap();
    assert!(plural.starts_with("{count, plural,"), "{plural}");
    assert_eq!(value["list"][0], "FIRST CHOICE");
    assert_eq!(value["list"][2], 42);
    assert_eq!(value["list"][3], true);
    assert!(value["list"][4].is_null());
    assert_eq!(value["version"], 3);
    assert_eq!(value["url"], "https://example.com");
    // Keys in their order, the layout untouched outside the values.
    let keys: Vec<usize> = [
        "\"app\"",
        "\"title\"",
        "\"greeting\"",
        "\"list\"",
        "\"version\"",
        "\"empty\"",
        "\"url\"",
    ]
    .iter()
    .map(|k| out.find(k).unwrap())
    .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{out}");
    assert!(out.contains("\n  \"version\": 3,\n  \"empty\": \"\",\n"), "{out}");
}

#[test]
fn po_fills_empty_msgstrs_and_keeps_everything_else() {
    let out = shouted("app.po");
    for kept in [
        "# Translation template for the app.\n",
        "#: src/main.c:10\n#, c-format\nmsgid \"Hello %s\"\n",
        "#. A button\nmsgctxt \"button\"\nmsgid \"Open\"\n",
        "msgid \"One file\"\nmsgid_plural \"%d files\"\n",
        "msgid \"Already done\"\nmsgstr \"Déjà fait\"\n",
        "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"",
    ] {
        assert!(out.contains(kept), "lost {kept:?} in:\n{out}");
    }
    for filled in [
        "msgstr \"HELLO %s\"",
        "msgstr \"OPEN\"",
        "msgstr[0] \"ONE FILE\"",
        "msgstr[1] \"%d FILES\"",
        "\"Language: fr\\n\"",
    ] {
        assert!(out.contains(filled), "{filled:?} not in:\n{out}");
    }
}

#[test]
fn xliff_targets_are_filled_and_the_target_language_set() {
    let out = shouted("strings.xlf");
    assert!(out.contains("target-language=\"fr"), "{out}");
    assert!(out.contains("<source>Hello <g id=\"1\">world</g>!</source>"), "{out}");
    assert!(out.contains("<target>HELLO <g id=\"1\">WORLD</g>!</target>"), "{out}");
    assert!(
        out.contains("<source>Goodbye</source>\n        <target>GOODBYE</target>"),
        "{out}"
    );
    assert!(
        out.contains("<target>Fertig</target>"),
        "existing targets are kept:\n{out}"
    );

    let out = shouted("strings2.xliff");
    assert!(out.contains("trgLang=\"fr"), "{out}");
    assert!(out.contains("<target>SAVE YOUR WORK</target>"), "{out}");
}

// ---- Office archives, built here so that every byte of them is known. ----

fn zip_of(entries: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content, method) in entries {
        let options = zip::write::SimpleFileOptions::default().compression_method(*method);
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Name, content and compression of every entry, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>, zip::CompressionMethod)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().to_string(), content, entry.compression())
        })
        .collect()
}

const DEFLATED: zip::CompressionMethod = zip::CompressionMethod::Deflated;
const STORED: zip::CompressionMethod = zip::CompressionMethod::Stored;

const DOCX_BODY: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Annual report</w:t></w:r></w:p>",
    "<w:p><w:r><w:t xml:space=\"preserve\">Sales grew </w:t></w:r>",
    "<w:r><w:rPr><w:b/><w:color w:val=\"FF0000\"/></w:rPr><w:t>strongly</w:t></w:r>",
    "<w:r><w:t xml:space=\"preserve\"> this year &amp; last.</w:t></w:r></w:p>",
    "<w:p><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:t>2024</w:t></w:r></w:p>",
    "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
);

fn docx() -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>", DEFLATED),
        ("_rels/.rels", b"<?xml version=\"1.0\"?><Relationships/>", DEFLATED),
        ("word/document.xml", DOCX_BODY.as_bytes(), DEFLATED),
        (
            "word/header1.xml",
            b"<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>Confidential draft</w:t></w:r></w:p></w:hdr>",
            DEFLATED,
        ),
        ("word/media/image1.png", b"\x89PNG\r\n\x1a\nnot really", STORED),
    ])
}

#[test]
fn docx_text_is_translated_in_its_runs_and_other_entries_are_copied() {
    let original = docx();
    let document = Document::parse(DocumentFormat::Docx, &original, &Limits::default()).unwrap();
    let texts: Vec<&str> = document.units().iter().map(|u| u.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("Annual report")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("Confidential draft")), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.contains("PAGE")),
        "field codes are not text: {texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("2024")),
        "numbers alone are not text: {texts:?}"
    );
    let out = document.render(&translate(&document, upper), lang("fra_Latn")).unwrap();

    let before = unzip(&original);
    let after = unzip(&out);
    let names: Vec<&str> = after.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/header1.xml",
            "word/media/image1.png"
        ]
    );
    // Untouched entries: same bytes, same compression.
    for i in [0, 1, 4] {
        assert_eq!(before[i], after[i], "entry {} changed", before[i].0);
    }
    let body = String::from_utf8(after[2].1.clone()).unwrap();
    assert!(
        body.contains("<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t"),
        "{body}"
    );
    assert!(body.contains(">ANNUAL REPORT</w:t>"), "{body}");
    assert!(
        body.contains("<w:rPr><w:b/><w:color w:val=\"FF0000\"/></w:rPr><w:t"),
        "{body}"
    );
    // The space between runs may move to either side of the bold run; its word stays in it.
    assert!(
        body.contains("<w:rPr><w:b/><w:color w:val=\"FF0000\"/></w:rPr><w:t xml:space=\"preserve\">STRONGLY"),
        "the bold run keeps its word:\n{body}"
    );
    assert!(body.contains("&amp; LAST."), "{body}");
    assert!(
        body.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"),
        "{body}"
    );
    assert!(
        body.contains("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr>"),
        "{body}"
    );
    // Only text between tags changed: the markup, tag for tag, is the same.
    assert_eq!(tags(&body).len(), tags(DOCX_BODY).len());
    let header = String::from_utf8(after[3].1.clone()).unwrap();
    assert!(header.contains(">CONFIDENTIAL DRAFT</w:t>"), "{header}");

    // The result is a docx again, with the same units translated.
    let again = Document::parse(DocumentFormat::Docx, &out, &Limits::default()).unwrap();
    assert_eq!(again.units().len(), document.units().len());
}

/// The element names of every tag, in order (attributes may gain `xml:space`).
fn tags(xml: &str) -> Vec<String> {
    xml.split('<')
        .skip(1)
        .map(|t| {
            t.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn odt_keeps_mimetype_first_and_stored_and_its_spans() {
    let content = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\"><office:body><office:text>",
        "<text:h text:style-name=\"H1\" text:outline-level=\"1\">Travel plans</text:h>",
        "<text:p text:style-name=\"P1\">We leave on <text:span text:style-name=\"T1\">Monday</text:span> morning.</text:p>",
        "</office:text></office:body></office:document-content>"
    );
    let odt = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text", STORED),
        ("content.xml", content.as_bytes(), DEFLATED),
        ("styles.xml", b"<office:document-styles/>", DEFLATED),
    ]);
    let document = Document::parse(DocumentFormat::Odt, &odt, &Limits::default()).unwrap();
    assert_eq!(document.units().len(), 2);
    let out = document.render(&translate(&document, upper), lang("deu_Latn")).unwrap();
    let after = unzip(&out);
    assert_eq!(after[0].0, "mimetype");
    assert_eq!(after[0].2, STORED);
    assert_eq!(after[0].1, b"application/vnd.oasis.opendocument.text");
    // Readers find the mimetype at a fixed offset: the local header is 30 bytes plus the name.
    assert_eq!(&out[30..38], b"mimetype");
    assert_eq!(&out[38..77], b"application/vnd.oasis.opendocument.text");
    let xml = String::from_utf8(after[1].1.clone()).unwrap();
    assert!(
        xml.contains("<text:h text:style-name=\"H1\" text:outline-level=\"1\">TRAVEL PLANS</text:h>"),
        "{xml}"
    );
    assert!(xml.contains("<text:span text:style-name=\"T1\">MONDAY"), "{xml}");
    assert!(xml.contains("WE LEAVE ON"), "{xml}");
    assert_eq!(after[2].1, b"<office:document-styles/>");
}

#[test]
fn pptx_slides_and_epub_chapters_are_translated() {
    let slide = "<p:sld xmlns:a=\"a\" xmlns:p=\"p\"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:rPr lang=\"en-US\" b=\"1\"/><a:t>Quarterly results</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>";
    let pptx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>", DEFLATED),
        ("ppt/presentation.xml", b"<p:presentation/>", DEFLATED),
        ("ppt/slides/slide1.xml", slide.as_bytes(), DEFLATED),
    ]);
    let document = Document::parse(DocumentFormat::Pptx, &pptx, &Limits::default()).unwrap();
    let out = document.render(&translate(&document, upper), lang("fra_Latn")).unwrap();
    let after = unzip(&out);
    let xml = String::from_utf8(after[2].1.clone()).unwrap();
    assert!(
        xml.contains("<a:rPr lang=\"en-US\" b=\"1\"/><a:t>QUARTERLY RESULTS</a:t>"),
        "{xml}"
    );

    let chapter = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\"><head><title>Chapter one</title></head><body><p>It was a <em>dark</em> night.</p><img src=\"a.png\" alt=\"A map\"/></body></html>";
    let epub = zip_of(&[
        ("mimetype", b"application/epub+zip", STORED),
        ("META-INF/container.xml", b"<container/>", DEFLATED),
        ("OEBPS/chapter1.xhtml", chapter.as_bytes(), DEFLATED),
        ("OEBPS/style.css", b"p { margin: 0 }", DEFLATED),
        (
            "OEBPS/content.opf",
            b"<package><metadata><dc:title>Night</dc:title><dc:language>en</dc:language></metadata></package>",
            DEFLATED,
        ),
    ]);
    let document = Document::parse(DocumentFormat::Epub, &epub, &Limits::default()).unwrap();
    let out = document.render(&translate(&document, upper), lang("heb_Hebr")).unwrap();
    let after = unzip(&out);
    assert_eq!((after[0].0.as_str(), after[0].2), ("mimetype", STORED));
    let xml = String::from_utf8(after[2].1.clone()).unwrap();
    assert!(xml.contains("IT WAS A <em>DARK</em> NIGHT."), "{xml}");
    assert!(xml.contains("<title>CHAPTER ONE</title>"), "{xml}");
    assert!(xml.contains("alt=\"A MAP\""), "{xml}");
    assert!(
        xml.contains("lang=\"he-Hebr\" xml:lang=\"he-Hebr\" dir=\"rtl\""),
        "{xml}"
    );
    assert!(xml.contains("<img src=\"a.png\""), "{xml}");
    assert_eq!(after[3].1, b"p { margin: 0 }");
    let package = String::from_utf8(after[4].1.clone()).unwrap();
    assert!(package.contains("<dc:language>he-Hebr</dc:language>"), "{package}");
}

// ---- Hostile and mislabelled input. ----

fn refused(result: Result<Document, DocumentError>) -> String {
    match result {
        Err(DocumentError::Refused(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn invalid(result: Result<Document, DocumentError>) -> String {
    match result {
        Err(DocumentError::Invalid { reason, .. }) => reason,
        other => panic!("expected invalid, got {other:?}"),
    }
}

/// A docx whose body is `body` followed by `padding` spaces (which deflate to almost nothing).
fn docx_with_padding(padding: usize) -> Vec<u8> {
    let mut body = DOCX_BODY.as_bytes().to_vec();
    body.extend(std::iter::repeat_n(b' ', padding));
    zip_of(&[("word/document.xml", &body, DEFLATED)])
}

#[test]
fn zip_bombs_are_refused() {
    // 8 MiB of spaces in a few KB: past the default ratio.
    let bomb = docx_with_padding(8 << 20);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    let reason = refused(Document::parse(DocumentFormat::Docx, &bomb, &Limits::default()));
    assert!(reason.contains("word/document.xml"), "{reason}");

    // Past a total that the ratio alone allows.
    let limits = Limits {
        max_unpacked_bytes: 1 << 20,
        max_ratio: 1_000_000,
        max_entries: 100,
    };
    refused(Document::parse(
        DocumentFormat::Docx,
        &docx_with_padding(2 << 20),
        &limits,
    ));

    // Sizes that lie: the headers declare a few bytes, the data unpacks to 8 MiB.
    let mut liar = docx_with_padding(8 << 20);
    let actual = (DOCX_BODY.len() + (8 << 20)) as u32;
    let mut patched = 0;
    for at in 0..liar.len().saturating_sub(4) {
        if liar[at..at + 4] == actual.to_le_bytes() {
            liar[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory");
    // Counted while unpacking, the bytes give it away.
    refused(Document::parse(DocumentFormat::Docx, &liar, &Limits::default()));

    // Too many entries.
    let names: Vec<String> = (0..20).map(|i| format!("word/media/{i}.bin")).collect();
    let mut entries: Vec<(&str, &[u8], zip::CompressionMethod)> =
        vec![("word/document.xml", DOCX_BODY.as_bytes(), DEFLATED)];
    entries.extend(names.iter().map(|n| (n.as_str(), &b"x"[..], STORED)));
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    refused(Document::parse(DocumentFormat::Docx, &zip_of(&entries), &limits));
}

#[test]
fn entries_leaving_the_archive_are_refused() {
    for name in [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/passwd",
        "word\\..\\evil.xml",
        "C:/evil.xml",
    ] {
        let archive = zip_of(&[
            ("word/document.xml", DOCX_BODY.as_bytes(), DEFLATED),
            (name, b"owned", DEFLATED),
        ]);
        for format in [
            DocumentFormat::Docx,
            DocumentFormat::Odt,
            DocumentFormat::Pptx,
            DocumentFormat::Epub,
        ] {
            let result = Document::parse(format, &archive, &Limits::default());
            assert!(
                matches!(result, Err(DocumentError::Refused(_))),
                "{name} as {format:?}: {result:?}"
            );
        }
    }
}

const BILLION_LAUGHS: &str = concat!(
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n",
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n",
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n]>\n"
);

#[test]
fn entity_declarations_are_refused() {
    let body = format!("{BILLION_LAUGHS}<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>");
    let docx = zip_of(&[("word/document.xml", body.as_bytes(), DEFLATED)]);
    refused(Document::parse(DocumentFormat::Docx, &docx, &Limits::default()));

    let external = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><office:document-content><text:p>&xxe;</text:p></office:document-content>";
    let odt = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text", STORED),
        ("content.xml", external.as_bytes(), DEFLATED),
    ]);
    refused(Document::parse(DocumentFormat::Odt, &odt, &Limits::default()));

    let chapter = format!("{BILLION_LAUGHS}<html><body><p>&lol2;</p></body></html>");
    let epub = zip_of(&[
        ("mimetype", b"application/epub+zip", STORED),
        ("text/c1.xhtml", chapter.as_bytes(), DEFLATED),
    ]);
    refused(Document::parse(DocumentFormat::Epub, &epub, &Limits::default()));

    let xliff = format!("{BILLION_LAUGHS}<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>&lol2;</source></trans-unit></body></file></xliff>");
    refused(Document::parse(
        DocumentFormat::Xliff,
        xliff.as_bytes(),
        &Limits::default(),
    ));
}

#[test]
fn content_that_is_not_what_the_extension_says_is_invalid() {
    // A text file named .docx (and the other archives).
    for format in [
        DocumentFormat::Docx,
        DocumentFormat::Odt,
        DocumentFormat::Pptx,
        DocumentFormat::Epub,
    ] {
        let reason = invalid(Document::parse(
            format,
            b"Just some text, not a zip.",
            &Limits::default(),
        ));
        assert!(reason.contains("zip"), "{format:?}: {reason}");
    }
    // A zip without a Word body is not a docx.
    let odt = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text", STORED)]);
    invalid(Document::parse(DocumentFormat::Docx, &odt, &Limits::default()));
    // A docx whose body is not UTF-8.
    let broken = zip_of(&[("word/document.xml", b"<w:document>\xff\xfe</w:document>", DEFLATED)]);
    invalid(Document::parse(DocumentFormat::Docx, &broken, &Limits::default()));

    let limits = Limits::default();
    invalid(Document::parse(
        DocumentFormat::Json,
        b"Hello, this is not JSON",
        &limits,
    ));
    invalid(Document::parse(
        DocumentFormat::Json,
        b"{\"a\": \"unterminated",
        &limits,
    ));
    invalid(Document::parse(
        DocumentFormat::Xliff,
        b"<html><body>Not XLIFF</body></html>",
        &limits,
    ));
    invalid(Document::parse(DocumentFormat::Srt, b"{\"subtitles\": false}", &limits));
    invalid(Document::parse(
        DocumentFormat::Vtt,
        b"1\n00:00:01,000 --> 00:00:02,000\nSRT, not VTT\n",
        &limits,
    ));
    invalid(Document::parse(
        DocumentFormat::Po,
        b"{\"not\": \"a catalogue\"}",
        &limits,
    ));
    invalid(Document::parse(DocumentFormat::Text, &docx(), &limits));

    // Invalid UTF-8 in every text format, with a reason that says so.
    for format in DocumentFormat::ALL {
        if matches!(
            format,
            DocumentFormat::Docx | DocumentFormat::Odt | DocumentFormat::Pptx | DocumentFormat::Epub
        ) {
            continue;
        }
        let reason = invalid(Document::parse(format, b"Caf\xe9 \xff\xfe au lait", &limits));
        assert!(reason.contains("UTF-8"), "{format:?}: {reason}");
    }
}

#[test]
fn a_wrong_number_of_translations_is_an_error() {
    let document = Document::parse(DocumentFormat::Markdown, &fixture("guide.md"), &Limits::default()).unwrap();
    let result = document.render(&["one".to_string()], lang("fra_Latn"));
    assert!(
        matches!(result, Err(DocumentError::TranslationCount { given: 1, .. })),
        "{result:?}"
    );
}

/// Samples of every format, the fixtures and the archives built above.
fn samples() -> Vec<(DocumentFormat, Vec<u8>)> {
    let mut samples: Vec<(DocumentFormat, Vec<u8>)> = [
        "notes.txt",
        "guide.md",
        "page.html",
        "movie.srt",
        "talk.vtt",
        "messages.json",
        "app.po",
        "strings.xlf",
        "strings2.xliff",
    ]
    .iter()
    .map(|name| (format_of(name), fixture(name)))
    .collect();
    samples.push((DocumentFormat::Docx, docx()));
    samples.push((
        DocumentFormat::Odt,
        zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text", STORED),
            (
                "content.xml",
                b"<office:document-content><text:p>A <text:span>b</text:span> c.</text:p></office:document-content>",
                DEFLATED,
            ),
        ]),
    ));
    samples.push((
        DocumentFormat::Epub,
        zip_of(&[
            ("mimetype", b"application/epub+zip", STORED),
            (
                "c.xhtml",
                b"<html><body><p>Some <b>bold</b> text.</p></body></html>",
                DEFLATED,
            ),
        ]),
    ));
    samples
}

#[test]
fn random_and_truncated_bytes_never_panic() {
    let target = lang("arb_Arab");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (format, sample) in samples() {
        for round in 0..600 {
            let mut bytes = sample.clone();
            match round % 4 {
                // Truncated anywhere.
                0 => bytes.truncate((next() as usize) % (bytes.len() + 1)),
                // A few bytes overwritten with random values.
                1 => {
                    for _ in 0..1 + next() % 8 {
                        let at = (next() as usize) % bytes.len();
                        bytes[at] = next() as u8;
                    }
                }
                // Structural characters inserted.
                2 => {
                    for _ in 0..1 + next() % 4 {
                        let at = (next() as usize) % (bytes.len() + 1);
                        let structural = b"<>\"'{}[]%\\\n-`#|:&;!/=*_";
                        let insert = structural[(next() as usize) % structural.len()];
                        bytes.insert(at, insert);
                    }
                }
                // Pure noise of the sample's length.
                _ => bytes = (0..sample.len().min(4096)).map(|_| next() as u8).collect(),
            }
            if let Ok(document) = Document::parse(format, &bytes, &Limits::default()) {
                let _ = document.render(&translate(&document, upper), target);
                let _ = document.render(
                    &translate(&document, |_| "<span data-s=\"9\">x</span></w:t>&".to_string()),
                    target,
                );
                let _ = document.render(&[], target);
            }
        }
    }
}
