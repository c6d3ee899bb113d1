//! The properties the fuzz targets check. They live here, not in the targets, so that an input a
//! fuzzer found can be replayed as a plain test (`tests/regressions.rs`) on the stable toolchain.

use langs::{LangCode, Script};
use translator::documents::{Document, DocumentFormat, Limits, UnitKind};
use translator::html::{HtmlDocument, RunTranslation};
use translator::markup::HtmlPlan;
use translator::{split_long_sentence, Layout, Part};

/// What a hostile translation might carry: markup, entities, quotes, backslashes, placeholders.
const HOSTILE: &str = " <img src=x onerror=alert(1)> &amp; \"'\\ {x} %s {{n}}";

fn lang(code: &str) -> LangCode {
    LangCode::parse(code).expect("a valid NLLB code")
}

fn part_text(part: &Part) -> &str {
    match part {
        Part::Keep(s) | Part::Gap(s) | Part::Sentence(s) => s,
    }
}

/// The segmenter loses nothing: its parts are the text, rendering at once and sentence by
/// sentence agree, and long sentences cut into chunks within budget and whole again when joined.
pub fn segment(text: &str) {
    let layout = Layout::of(text);
    let joined: String = layout.parts().iter().map(part_text).collect();
    assert_eq!(joined, text, "the parts must be the text");
    let sentences: Vec<&str> = layout.sentences().collect();
    for script in [
        lang("fra_Latn").script(),
        lang("zho_Hans").script(),
        lang("arb_Arab").script(),
    ] {
        check_renderer(&layout, &sentences, script);
    }
    const MAX_PIECES: usize = 8;
    for sentence in &sentences {
        // One piece per character: a tokenizer with no merges, the worst case for cutting.
        let parts = split_long_sentence(sentence, MAX_PIECES, |t| {
            Ok::<_, ()>(t.char_indices().map(|(i, c)| i + c.len_utf8()).collect())
        })
        .expect("the piece function never fails");
        let joined: String = parts.iter().map(part_text).collect();
        assert_eq!(&joined, sentence, "the chunks must be the sentence");
        for part in &parts {
            if let Part::Sentence(chunk) = part {
                assert!(!chunk.is_empty(), "no empty chunk: {parts:?}");
                assert!(chunk.chars().count() <= MAX_PIECES, "chunk {chunk:?} is over budget");
            }
        }
    }
}

fn check_renderer(layout: &Layout, sentences: &[&str], script: Script) {
    let whole = layout.render(sentences, script);
    let mut renderer = layout.renderer(script);
    let mut streamed = String::new();
    for sentence in sentences {
        streamed.push_str(&renderer.next_sentence(sentence));
    }
    assert!(renderer.done());
    streamed.push_str(&renderer.finish());
    assert_eq!(streamed, whole, "streamed and whole rendering differ");
}

/// HTML handling never panics, gives the source back where nothing is translated, and inserts
/// translations as text: markup inside a translation never becomes markup in the page.
pub fn html(text: &str) {
    let doc = HtmlDocument::parse(text);
    assert_eq!(doc.render(&[]), text, "untranslated runs must give the source back");
    let identity: Vec<RunTranslation> = doc
        .runs()
        .iter()
        .map(|run| RunTranslation {
            text: run.text.clone(),
            spans: run
                .span_texts()
                .into_iter()
                .map(|t| t.unwrap_or("").to_string())
                .collect(),
        })
        .collect();
    doc.render(&identity);

    let mut texts = Vec::new();
    let plan = HtmlPlan::new(text, &mut texts);
    plan.plain_text();
    let hostile: Vec<String> = texts.iter().map(|t| format!("{t}{HOSTILE}")).collect();
    let out = plan.render(|i| &hostile[i]);
    let injected = |s: &str| s.matches("<img src=x onerror").count();
    assert!(
        injected(&out) <= injected(text),
        "a translation's markup reached the output unescaped: {out:?}"
    );
}

/// Resolving what a user typed never panics, and what it resolves to resolves to itself;
/// detection never panics and gives a probability.
pub fn language(input: &str) {
    if let Ok(code) = langs::resolve(input) {
        assert_eq!(langs::resolve(code.as_str()).ok(), Some(code));
        assert_eq!(LangCode::parse(code.as_str()).ok(), Some(code));
    }
    if let Ok(code) = LangCode::parse(input) {
        assert_eq!(
            langs::resolve(input).ok(),
            Some(code),
            "a valid code must resolve to itself"
        );
    }
    if let Some(detection) = langs::detect(input) {
        assert!(
            (0.0..=1.0).contains(&detection.confidence),
            "confidence {}",
            detection.confidence
        );
        assert!(detection.candidates.len() <= 5);
    }
}

/// A document reader never panics, whatever the bytes; what it accepts it writes back, and what
/// it writes (with the same text, or with markup and quotes in the translations) it reads again.
pub fn document(format: DocumentFormat, bytes: &[u8]) {
    // Small limits keep each run fast; the limits themselves are tested in translator/tests.
    let limits = Limits {
        max_unpacked_bytes: 4 << 20,
        ..Limits::default()
    };
    let Ok(doc) = Document::parse(format, bytes, &limits) else {
        return;
    };
    let target = lang("fra_Latn");
    let identity: Vec<String> = doc.units().iter().map(|u| u.text.clone()).collect();
    let written = doc.render(&identity, target).expect("a document that parsed renders");
    let again = Document::parse(format, &written, &limits).expect("a rendered document parses again");
    // Where the structure is unambiguous it stays: as many units as before (their text may differ
    // where the target language is written into the document, or white space is normalised).
    // Not for gettext and XLIFF, whose units are the entries still untranslated (a filled file has
    // none), nor for HTML and Markdown, where broken markup (an unclosed attribute, a line that
    // is a heading underline or a table row depending on its neighbours) may read differently
    // once written back; for those it is enough that the output reads at all.
    if !matches!(
        format,
        DocumentFormat::Po | DocumentFormat::Xliff | DocumentFormat::Html | DocumentFormat::Markdown
    ) {
        assert_eq!(
            again.units().len(),
            doc.units().len(),
            "rendering the same text must keep the units: {:?} became {:?}",
            doc.units(),
            again.units()
        );
    }

    let hostile: Vec<String> = doc
        .units()
        .iter()
        .map(|u| match u.kind {
            UnitKind::Text => format!("{}{HOSTILE}", u.text),
            UnitKind::Html => format!("{} &amp; <b>x</b>", u.text),
        })
        .collect();
    let written = doc
        .render(&hostile, lang("arb_Arab"))
        .expect("a document renders any translation");
    if let Err(error) = Document::parse(format, &written, &limits) {
        panic!(
            "a document rendered with markup in its translations does not parse ({error}): {:?}",
            String::from_utf8_lossy(&written)
        );
    }
}

/// Picks one of `formats` by the input's first byte, for targets that cover a family of formats.
pub fn document_of(formats: &[DocumentFormat], data: &[u8]) {
    if let Some((&pick, rest)) = data.split_first() {
        document(formats[usize::from(pick) % formats.len()], rest);
    }
}
