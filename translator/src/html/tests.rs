//! The HTML round trip as callers see it: parse, translate runs and spans, render.

use super::lexer::{lex, Kind};
use super::parser::VOID;
use super::{Dialect, HtmlDocument, RunTranslation, XmlRules};

/// Each run's own text as its translation and each span's own text as its span translation.
fn identity(doc: &HtmlDocument) -> Vec<RunTranslation> {
    doc.runs()
        .iter()
        .map(|run| RunTranslation {
            text: run.text.clone(),
            spans: run.spans.iter().map(|s| s.text(run).to_string()).collect(),
        })
        .collect()
}

fn tr(text: &str, spans: &[&str]) -> RunTranslation {
    RunTranslation {
        text: text.to_string(),
        spans: spans.iter().map(|s| s.to_string()).collect(),
    }
}

fn texts(doc: &HtmlDocument) -> Vec<&str> {
    doc.runs().iter().map(|r| r.text.as_str()).collect()
}

/// The tags, comments and other markup of a document, sorted: what must survive rendering.
fn markup(html: &str) -> Vec<String> {
    let mut out: Vec<String> = lex(html, true)
        .into_iter()
        .filter(|t| !matches!(t.kind, Kind::Text))
        .map(|t| html[t.range].to_string())
        .collect();
    out.sort();
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

#[test]
fn sentence_split_by_inline_tags_is_one_run() {
    let doc = HtmlDocument::parse("Hello <b>dear</b> friend.");
    assert_eq!(texts(&doc), ["Hello dear friend."]);
    let run = &doc.runs()[0];
    assert_eq!(run.spans.len(), 1);
    assert_eq!(run.spans[0].text(run), "dear");
    assert!(!run.spans[0].keep());
    assert_eq!(run.span_texts(), [Some("dear")]);
    let out = doc.render(&[tr("Hola querido amigo.", &["querido"])]);
    assert_eq!(out, "Hola <b>querido</b> amigo.");
}

#[test]
fn span_translation_found_ignoring_case_and_added_punctuation() {
    let doc = HtmlDocument::parse("Hello <b>dear</b> friend.");
    let out = doc.render(&[tr("Hola querido amigo.", &["Querido."])]);
    assert_eq!(out, "Hola <b>querido</b> amigo.");
}

#[test]
fn span_translation_found_fuzzily() {
    let doc = HtmlDocument::parse("I see <b>the red houses</b> there.");
    let out = doc.render(&[tr("Veo las casas rojas allí.", &["la casa roja"])]);
    assert_eq!(out, "Veo <b>las casas rojas</b> allí.");
}

#[test]
fn span_not_found_is_placed_proportionally_once() {
    let doc = HtmlDocument::parse("Hello <b>dear</b> friend.");
    let out = doc.render(&[tr("Hola querido amigo.", &["xyzzy"])]);
    assert_eq!(out, "Hola <b>querido</b> amigo.");
    let out = doc.render(&[tr("Hola querido amigo.", &[""])]);
    assert_eq!(out, "Hola <b>querido</b> amigo.");
    // Placed on word boundaries even where the lengths differ.
    let doc = HtmlDocument::parse("<p>Start <a href=\"/x\">this</a> now please</p>");
    let out = doc.render(&[tr("Commencez maintenant s'il vous plaît", &["zzz"])]);
    assert_eq!(out.matches("<a href=\"/x\">").count(), 1);
    assert_eq!(out.matches("</a>").count(), 1);
    assert!(out.starts_with("<p>") && out.ends_with("</p>"));
    let inner = &out[out.find("\">").unwrap() + 2..out.find("</a>").unwrap()];
    assert!(
        !inner.is_empty() && !inner.starts_with(' ') && !inner.ends_with(' '),
        "{out}"
    );
}

#[test]
fn source_text_found_when_span_translation_is_unknown() {
    let doc = HtmlDocument::parse("I work at <b>Google</b> now.");
    let out = doc.render(&[tr("Ahora trabajo en Google.", &[""])]);
    assert_eq!(out, "Ahora trabajo en <b>Google</b>.");
}

#[test]
fn paragraphs_are_runs_and_entities_are_decoded_and_escaped() {
    let doc = HtmlDocument::parse("<p>One.</p><p>Two &amp; three.</p>");
    assert_eq!(texts(&doc), ["One.", "Two & three."]);
    let out = doc.render(&[tr("Uno.", &[]), tr("Dos & tres.", &[])]);
    assert_eq!(out, "<p>Uno.</p><p>Dos &amp; tres.</p>");
    let out = doc.render(&[tr("a < b > c", &[])]);
    assert_eq!(out, "<p>a &lt; b &gt; c</p><p>Two &amp; three.</p>");
}

#[test]
fn numeric_and_unknown_entities() {
    let doc = HtmlDocument::parse("<p>caf&eacute; &#x1F600; &#233;t&eacute; &#150; &bogus; &amp x &#0;</p>");
    assert_eq!(texts(&doc), ["café 😀 été – &bogus; &amp x \u{FFFD}"]);
}

#[test]
fn missing_translations_leave_the_source() {
    let html = "<p>One <b>x</b>.</p>\n<p>Two &amp; three.</p>";
    let doc = HtmlDocument::parse(html);
    assert_eq!(doc.render(&[]), html);
    assert_eq!(
        doc.render(&[tr("Uno <y>.", &[])]),
        "<p>Uno &lt;<b>y</b>&gt;.</p>\n<p>Two &amp; three.</p>"
    );
}

#[test]
fn kept_parts_are_byte_identical() {
    let html = concat!(
        "<!DOCTYPE html>\n<html><head><title>A &amp; title</title>",
        "<style>p > b { color: red } /* </p> */</style>",
        "<script type=\"text/javascript\">if (a < b && c > d) { x = '</b>'; }</SCRIPT></head>",
        "<body><!-- a comment with <b>tags</b> &amp; text -->",
        "<pre>  keep   <b>this</b>\n  &amp; that </pre>",
        "<p>Use <code>ls -la &amp;&amp; cd</code> here.</p>",
        "<textarea name=t>Some &lt;text&gt;</textarea>",
        "<p>Go <a href=\"x?a=1&amp;b=2\" title=\"Hello\">link text</a> now.</p>",
        "</body></html>"
    );
    let doc = HtmlDocument::parse(html);
    assert_eq!(
        texts(&doc),
        ["A & title", "Use ls -la && cd here.", "Go link text now."]
    );
    assert_eq!(doc.render(&[]), html);
    let out = doc.render(&[
        tr("Un & título", &[]),
        tr("Usa ls -la && cd aquí.", &[]),
        tr("Ve texto del enlace ahora.", &["texto del enlace"]),
    ]);
    let expected = html
        .replace("A &amp; title", "Un &amp; título")
        .replace("Use <code>", "Usa <code>")
        .replace("</code> here.", "</code> aquí.")
        .replace("Go <a", "Ve <a")
        .replace(">link text</a> now.", ">texto del enlace</a> ahora.");
    assert_eq!(out, expected);
}

#[test]
fn attributes_with_angle_brackets_in_quotes() {
    let html = "<p>Hi <a title=\"a>b\" data-x='c>d' href=x>there</a> you.</p>";
    let doc = HtmlDocument::parse(html);
    assert_eq!(texts(&doc), ["Hi there you."]);
    let out = doc.render(&[tr("Hola allí tú.", &["allí"])]);
    assert_eq!(out, "<p>Hola <a title=\"a>b\" data-x='c>d' href=x>allí</a> tú.</p>");
}

#[test]
fn translate_no_and_notranslate_are_kept() {
    let html = concat!(
        "<div translate=\"no\"><p>Do not translate</p></div>",
        "<p>Call <span class=\"brand notranslate\">Acme Corp</span> today.</p>",
        "<p TRANSLATE=NO>Nope</p>"
    );
    let doc = HtmlDocument::parse(html);
    assert_eq!(texts(&doc), ["Call Acme Corp today."]);
    let run = &doc.runs()[0];
    assert!(run.spans[0].keep());
    assert_eq!(run.span_texts(), [None]);
    let out = doc.render(&[tr("Llame a Acme Corp hoy.", &[""])]);
    assert_eq!(
        out,
        html.replace("Call <span", "Llame a <span")
            .replace("</span> today.", "</span> hoy.")
    );
    // Copied loosely: the loose copy gives way to the element as it was.
    let out = doc.render(&[tr("Llame a AcmeCorp hoy.", &[])]);
    assert!(
        out.contains("Llame a <span class=\"brand notranslate\">Acme Corp</span> hoy."),
        "{out}"
    );
}

#[test]
fn inline_code_found_by_its_text_whatever_the_case() {
    let doc = HtmlDocument::parse("<li>Run <code>make <i>all</i></code> first.</li>");
    assert_eq!(texts(&doc), ["Run make all first."]);
    assert_eq!(doc.runs()[0].spans.len(), 1);
    let out = doc.render(&[tr("Primero ejecute MAKE ALL.", &[])]);
    assert_eq!(out, "<li>Primero ejecute <code>make <i>all</i></code>.</li>");
}

#[test]
fn br_splits_runs_and_letterless_runs_are_kept() {
    let doc = HtmlDocument::parse("<p>First line<br>Second line<br/>12.5 %<br>-- ? --</p><td>42</td>");
    assert_eq!(texts(&doc), ["First line", "Second line"]);
    let out = doc.render(&[tr("Primera línea", &[]), tr("Segunda línea", &[])]);
    assert_eq!(
        out,
        "<p>Primera línea<br>Segunda línea<br/>12.5 %<br>-- ? --</p><td>42</td>"
    );
    // A run whose only letters are kept code is not offered either.
    let doc = HtmlDocument::parse("<p><code>x = 1</code></p><p><b>2</b> + <i>3</i></p>");
    assert!(doc.runs().is_empty());
}

#[test]
fn whitespace_around_runs_is_kept_and_inner_whitespace_collapsed() {
    let html = "<ul>\n  <li>\n    Hello   <b>big</b>\n    world\n  </li>\n</ul>";
    let doc = HtmlDocument::parse(html);
    assert_eq!(texts(&doc), ["Hello big world"]);
    let out = doc.render(&[tr("Hola gran mundo", &["gran"])]);
    assert_eq!(out, "<ul>\n  <li>\n    Hola <b>gran</b> mundo\n  </li>\n</ul>");
}

#[test]
fn nested_spans_land_inside_their_parent() {
    let doc = HtmlDocument::parse("<p>A <b>very <i>big</i> dog</b> barks.</p>");
    let run = &doc.runs()[0];
    assert_eq!(run.text, "A very big dog barks.");
    assert_eq!(run.span_texts(), [Some("very big dog"), Some("big")]);
    let out = doc.render(&[tr("Un perro muy grande ladra.", &["perro muy grande", "grande"])]);
    assert_eq!(out, "<p>Un <b>perro muy <i>grande</i></b> ladra.</p>");
    // A child found outside its parent's place is clipped into it.
    let out = doc.render(&[tr("Un perro muy grande ladra.", &["perro muy grande", "ladra"])]);
    assert_eq!(out.matches("<i>").count(), 1);
    let (b, i, ib, bb) = (out.find("<b>"), out.find("<i>"), out.find("</i>"), out.find("</b>"));
    assert!(b < i && i <= ib && ib < bb, "{out}");
}

#[test]
fn reordered_spans_follow_the_translation() {
    let doc = HtmlDocument::parse("The <b>red</b> <i>car</i> stops.");
    let out = doc.render(&[tr("El coche rojo se detiene.", &["rojo", "coche"])]);
    assert_eq!(out, "El <i>coche</i> <b>rojo</b> se detiene.");
}

#[test]
fn span_covering_the_whole_run_wraps_all_of_it() {
    let doc = HtmlDocument::parse("<p><strong><em>All of it</em></strong></p>");
    assert_eq!(doc.runs()[0].span_texts(), [None, None]);
    let out = doc.render(&[tr("Todo ello", &[])]);
    assert_eq!(out, "<p><strong><em>Todo ello</em></strong></p>");
}

#[test]
fn empty_translation_keeps_the_tags() {
    let doc = HtmlDocument::parse("<p>Hello <b>dear <i>old</i></b> friend <code>x</code>.</p>");
    let out = doc.render(&[tr("", &[])]);
    assert_eq!(out, "<p><b><i></i></b><code>x</code></p>");
}

#[test]
fn images_and_empty_elements_are_placed_between_words() {
    let doc = HtmlDocument::parse("<p>Click <img src=\"a.png\" alt=\"Icon\"> here<a id=top></a> to go.</p>");
    assert_eq!(texts(&doc), ["Click here to go."]);
    assert_eq!(doc.runs()[0].span_texts(), [None, None]);
    let out = doc.render(&[tr("Haga clic aquí para ir.", &[])]);
    assert_eq!(out.matches("<img src=\"a.png\" alt=\"Icon\">").count(), 1);
    assert_eq!(out.matches("<a id=top></a>").count(), 1);
    assert_eq!(
        squeeze(
            &out.replace("<img src=\"a.png\" alt=\"Icon\">", "")
                .replace("<a id=top></a>", "")
        ),
        squeeze("<p>Haga clic aquí para ir.</p>")
    );
}

#[test]
fn malformed_inline_markup() {
    // Unclosed inline element: it ends with the run.
    let doc = HtmlDocument::parse("<p>Hello <b>world</p><p>Next</p>");
    assert_eq!(texts(&doc), ["Hello world", "Next"]);
    assert_eq!(
        doc.render(&[tr("Hola mundo", &["mundo"]), tr("Siguiente", &[])]),
        "<p>Hola <b>mundo</p><p>Siguiente</p>"
    );
    // Stray close tag and misnesting: every tag comes back once.
    let html = "<p>One </i>two <b>three <i>four</b> five</i> six</p>";
    let doc = HtmlDocument::parse(html);
    assert_eq!(texts(&doc), ["One two three four five six"]);
    assert_eq!(doc.render(&identity(&doc)), html);
    let out = doc.render(&[tr("Uno dos tres cuatro cinco seis", &["tres cuatro", "cuatro cinco"])]);
    assert_eq!(markup(&out), markup(html), "{out}");
    // A stray `<` is text.
    let doc = HtmlDocument::parse("<p>if a < b then</p>");
    assert_eq!(texts(&doc), ["if a < b then"]);
    assert_eq!(doc.render(&identity(&doc)), "<p>if a &lt; b then</p>");
}

#[test]
fn uppercase_tags_and_raw_text() {
    let html = "<P>Some <B>bold</B> text</P><SCRIPT>var s = \"<p>No</p>\";</script ><STYLE>b{}</STYLE>";
    let doc = HtmlDocument::parse(html);
    assert_eq!(texts(&doc), ["Some bold text"]);
    let out = doc.render(&[tr("Algún texto negrita", &["negrita"])]);
    assert_eq!(out, html.replace("Some <B>bold</B> text", "Algún texto <B>negrita</B>"));
}

#[test]
fn spaceless_scripts() {
    let doc = HtmlDocument::parse("Hello <b>world</b>!");
    assert_eq!(doc.render(&[tr("你好世界！", &["世界"])]), "你好<b>世界</b>！");
    let out = doc.render(&[tr("你好世界！", &["地球"])]);
    assert!(
        out.starts_with("你好") && out.ends_with("</b>！") && !out.contains("<b></b>"),
        "{out}"
    );
    let doc = HtmlDocument::parse("<p>日本語の<b>テキスト</b>です。</p>");
    assert_eq!(texts(&doc), ["日本語のテキストです。"]);
    assert_eq!(doc.runs()[0].spans[0].text(&doc.runs()[0]), "テキスト");
}

#[test]
fn identity_translation_gives_back_well_formed_input() {
    let cases = [
        "<p>Hello <b>dear</b> friend.</p>",
        "<h1>Title</h1>\n<p>Some <a href=\"/x?a=1&amp;b=2\">link</a> and <em>emphasis <strong>nested</strong></em>.</p>",
        "<ul><li>One <code>x</code></li><li>Two &lt;tags&gt; &amp; more</li></ul>",
        "<div><p>Ünïcödé <i>テキスト</i> 😀 emoji</p><br><span>Span</span> text</div>",
        "<table><tr><td>Cell <b>one</b></td><td>Cell two</td></tr></table>",
        "<p>The <b>the</b> the <b>the</b> the.</p>",
        "<p>  Leading and trailing  </p>",
        "<p>Click <img src=x.png>now<wbr>please</p><!-- c --><p>Back</p>",
        "<p>One </i>two <b>three <i>four</b> five</i> six</p>",
    ];
    for html in cases {
        let doc = HtmlDocument::parse(html);
        let out = doc.render(&identity(&doc));
        assert_eq!(out, html, "identity changed {html}");
    }
    let loose = [
        "<p>\n  Hello<b> dear </b>friend,\n  how   are <i>you</i> ?</p>",
        "<p>Click <img src=x.png> now <wbr> please</p>",
        "<div>\n<p>\tTabs\tand\r\nnewlines <span> inside </span></p>\n</div>",
    ];
    for html in loose {
        let doc = HtmlDocument::parse(html);
        assert_eq!(
            squeeze(&doc.render(&identity(&doc))),
            squeeze(html),
            "identity changed {html}"
        );
    }
}

#[test]
fn deep_nesting_and_many_spans_stay_cheap() {
    let deep = format!("<p>{}Deep text{}</p>", "<b>".repeat(50_000), "</b>".repeat(50_000));
    let doc = HtmlDocument::parse(&deep);
    assert_eq!(doc.runs()[0].spans.len(), 50_000);
    let out = doc.render(&[tr("Texto profundo", &[])]);
    assert_eq!(out, deep.replace("Deep text", "Texto profundo"));
    let words: Vec<String> = (0..3000).map(|k| format!("<i>word{k}</i> filler")).collect();
    let wide = format!("<p>{}</p>", words.join(" "));
    let doc = HtmlDocument::parse(&wide);
    let run = &doc.runs()[0];
    let translation = RunTranslation {
        text: run.text.replace("filler", "relleno"),
        spans: run.spans.iter().map(|s| format!("palabra{}", s.text(run))).collect(),
    };
    let started = std::time::Instant::now();
    let out = doc.render(&[translation]);
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(out.matches("<i>").count(), 3000);
    assert_eq!(out.matches("</i>").count(), 3000);
}

#[test]
fn random_well_formed_runs_stay_well_nested() {
    const OPEN: &[(&str, &str)] = &[
        ("<b>", "</b>"),
        ("<i>", "</i>"),
        ("<em class=\"x\">", "</em>"),
        ("<a href=\"#a?b=1&amp;c\">", "</a>"),
        ("<span>", "</span>"),
        ("<code>", "</code>"),
    ];
    const WORDS: &[&str] = &[
        "alpha",
        "beta",
        "gamma",
        "δέλτα",
        "日本",
        "😀",
        "x",
        "&amp;",
        "e\u{0301}",
        "ok.",
    ];
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    for _ in 0..2000 {
        let mut html = String::from("<p>");
        let mut stack: Vec<&str> = Vec::new();
        for _ in 0..1 + next(16) {
            match next(6) {
                0 if stack.len() < 4 => {
                    let (open, close) = OPEN[next(OPEN.len())];
                    html.push_str(open);
                    stack.push(close);
                }
                1 if !stack.is_empty() => html.push_str(stack.pop().unwrap()),
                2 => html.push_str("<img src=i.png>"),
                _ => {
                    html.push_str(WORDS[next(WORDS.len())]);
                    html.push(' ');
                }
            }
        }
        while let Some(close) = stack.pop() {
            html.push_str(close);
        }
        html.push_str("</p>");
        let doc = HtmlDocument::parse(&html);
        let translations: Vec<RunTranslation> = doc
            .runs()
            .iter()
            .map(|run| {
                let mut words: Vec<&str> = run.text.split(' ').collect();
                if next(2) == 0 {
                    words.reverse();
                }
                let spans = run
                    .spans
                    .iter()
                    .map(|_| words.get(next(words.len() + 1)).unwrap_or(&"").to_string())
                    .collect();
                RunTranslation {
                    text: words.join(" "),
                    spans,
                }
            })
            .collect();
        let out = doc.render(&translations);
        assert_eq!(markup(&out), markup(&html), "tags changed for {html:?}: {out:?}");
        let mut open: Vec<&str> = Vec::new();
        for token in lex(&out, true) {
            match token.kind {
                Kind::Start if !VOID.contains(&token.name.as_str()) => open.push(&out[token.range]),
                Kind::End => {
                    let start = open
                        .pop()
                        .unwrap_or_else(|| panic!("stray close in {out:?} from {html:?}"));
                    assert!(
                        start[1..].starts_with(token.name.as_str()),
                        "{start} closed by {} in {out:?} from {html:?}",
                        token.name
                    );
                }
                _ => {}
            }
        }
        assert!(open.is_empty(), "unclosed in {out:?}");
    }
}

#[test]
fn odd_inputs_never_panic_and_keep_every_tag() {
    const PARTS: &[&str] = &[
        "<p>",
        "</p>",
        "Hello",
        " world",
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<",
        ">",
        "&amp;",
        "&",
        "&#x1F600;",
        "&bogus;",
        "&#99999999999;",
        "&#",
        "<!--",
        "-->",
        "<!DOCTYPE html>",
        "<a href=\"x>y\" title='a>b'>",
        "</a>",
        "<BR>",
        "<SPAN class=notranslate>",
        "</SPAN>",
        "<code>",
        "</code>",
        "<script>",
        "</script>",
        "if (a<b) {}",
        "<style>",
        "</style>",
        "<pre>",
        "</pre>",
        "ÄÖÜ ",
        "日本語のテキスト",
        "😀🎉",
        "\n",
        "  ",
        "<img src=x>",
        "<wbr>",
        "</",
        "<?xml?>",
        "<div translate=\"no\">",
        "</div>",
        "<title>",
        "</title>",
        "<b",
        "\"",
        "'",
        "<kbd>",
        "</kbd>",
        "<textarea>",
        "</textarea>",
        "é",
        "<td>",
        "x",
        ".",
        "<span>",
        "</span>",
        "<u>",
        "<em>",
        "</em>",
        "<!-->",
        "</>",
        "<a",
        "=",
        "<sub>",
        "<svg/>",
        "<svg>",
        "</svg>",
        "<span/>",
        "ب",
        "\u{0301}",
        "<p title=\"",
        "&lt;",
        "<U>",
        "</U>",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    for _ in 0..3000 {
        let len = 1 + next(24);
        let html: String = (0..len).map(|_| PARTS[next(PARTS.len())]).collect();
        let doc = HtmlDocument::parse(&html);
        assert_eq!(doc.render(&[]), html);
        let ids = identity(&doc);
        let odd: Vec<RunTranslation> = doc
            .runs()
            .iter()
            .map(|run| {
                let reversed: String = run.text.chars().rev().collect();
                let spans = run.spans.iter().map(|s| s.text(run).chars().rev().collect()).collect();
                match next(4) {
                    0 => tr("", &[]),
                    1 => RunTranslation { text: reversed, spans },
                    2 => tr("<b>&amp; 😀 日本 é\u{0301}", &["日本", "😀", "é"]),
                    _ => tr(&run.text.to_uppercase(), &["x"]),
                }
            })
            .collect();
        for translations in [&ids, &odd, &ids[..ids.len() / 2]] {
            let out = doc.render(translations);
            assert_eq!(markup(&out), markup(&html), "tags changed for {html:?}: {out:?}");
        }
    }
}

#[test]
fn a_stray_angle_bracket_in_kept_markup_never_opens_a_tag_of_translated_words() {
    // Found by the `html` fuzz target: `<code><` kept verbatim, then a translation starting
    // with letters, wrote `<code><img src=x onerror=…`.
    let doc = HtmlDocument::parse("<p>Run <code><");
    let run = &doc.runs()[0];
    let translation = RunTranslation {
        text: format!("{} <img src=x onerror=alert(1)>", run.text),
        spans: run.span_texts().into_iter().map(|_| String::new()).collect(),
    };
    let out = doc.render(&[translation]);
    assert!(!out.contains("<img"), "{out}");
}

fn xml(splitting: &[&str], non_splitting: &[&str], ignore: &[&str], outline_detection: bool) -> Dialect {
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    Dialect::Xml(XmlRules {
        splitting: names(splitting),
        non_splitting: names(non_splitting),
        ignore: names(ignore),
        outline_detection,
    })
}

#[test]
fn tolk_notranslate_element_is_kept_inline() {
    let doc = HtmlDocument::parse("<p>Ask <notranslate>Dr. Okello</notranslate> today.</p>");
    assert_eq!(texts(&doc), ["Ask Dr. Okello today."]);
    assert!(doc.runs()[0].spans[0].keep());
    let out = doc.render(&[tr("Buuza Dr. Okello leero.", &[""])]);
    assert_eq!(out, "<p>Buuza <notranslate>Dr. Okello</notranslate> leero.</p>");
}

#[test]
fn xml_ignore_tags_come_back_byte_for_byte_and_splitting_tags_split() {
    let src = "<doc><par>Hello <x id=\"1\">Dr. X</x> friend.</par><par>Bye <br/>now</par></doc>";
    let doc = HtmlDocument::parse_as(src, &xml(&["par"], &[], &["x"], false));
    assert_eq!(texts(&doc), ["Hello Dr. X friend.", "Bye now"]);
    assert!(doc.runs()[0].spans[0].keep());
    let out = doc.render(&[tr("Hola Dr. X amigo.", &[""]), tr("Adiós ahora", &[""])]);
    assert!(
        out.starts_with("<doc><par>Hola <x id=\"1\">Dr. X</x> amigo.</par><par>"),
        "{out}"
    );
    assert!(out.contains("<br/>") && out.ends_with("</par></doc>"), "{out}");
    assert_eq!(squeeze(&out).matches("<par>").count(), 2);
}

#[test]
fn xml_without_outline_detection_splits_only_at_splitting_tags() {
    let src = "<p>One <t>two</t> three.</p>";
    // Outline detection off: <p> and <t> both flow, so the whole is one sentence.
    let flowing = HtmlDocument::parse_as(src, &xml(&[], &[], &[], false));
    assert_eq!(texts(&flowing), ["One two three."]);
    // On: an element HTML does not know as inline ends sentences, unless listed as non-splitting.
    let outlined = HtmlDocument::parse_as(src, &xml(&[], &[], &[], true));
    assert_eq!(texts(&outlined), ["One", "two", "three."]);
    let listed = HtmlDocument::parse_as(src, &xml(&[], &["t"], &[], true));
    assert_eq!(texts(&listed), ["One two three."]);
    // Splitting wins over outline detection being off.
    let split = HtmlDocument::parse_as(src, &xml(&["t"], &[], &[], false));
    assert_eq!(texts(&split), ["One", "two", "three."]);
}

#[test]
fn xml_has_no_raw_text_elements() {
    let doc = HtmlDocument::parse_as("<script>Hello there</script>", &xml(&["script"], &[], &[], false));
    assert_eq!(texts(&doc), ["Hello there"]);
    let html = HtmlDocument::parse("<script>Hello there</script>");
    assert!(texts(&html).is_empty());
}
