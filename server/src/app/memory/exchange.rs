//! A memory in and out of Tolk: TMX 1.4b (what CAT tools such as OmegaT and Trados read and
//! write) and TSV (source language, target language, source, target per line). Reading refuses
//! a broken file as a whole, naming the line or translation unit, so that nothing is half
//! imported.

use langs::LangCode;

use super::store::{EntryRow, NewEntry};

/// How a memory is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeFormat {
    /// Tab-separated: source language, target language, source, target.
    Tsv,
    /// TMX 1.4b.
    Tmx,
}

impl ExchangeFormat {
    /// Reads `tsv` or `tmx`.
    pub fn parse(name: &str) -> Option<ExchangeFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "tsv" => Some(ExchangeFormat::Tsv),
            "tmx" => Some(ExchangeFormat::Tmx),
            _ => None,
        }
    }

    /// The format of a file named `path`, by its extension.
    pub fn of_path(path: &std::path::Path) -> Option<ExchangeFormat> {
        ExchangeFormat::parse(path.extension()?.to_str()?)
    }

    /// The media type it is sent as.
    pub fn content_type(self) -> &'static str {
        match self {
            ExchangeFormat::Tsv => "text/tab-separated-values; charset=utf-8",
            ExchangeFormat::Tmx => "application/x-tmx+xml; charset=utf-8",
        }
    }
}

/// The language tag a TMX file gives `code`: BCP 47 (`en-Latn`, `lg-Latn`, `zh-Hant`), as CAT
/// tools expect, in the form that reads back as the same language.
pub fn tmx_lang(code: LangCode) -> String {
    let script = code.script().as_str();
    let short = code.info().iso639_1.map(|l| format!("{l}-{script}"));
    let long = format!("{}-{script}", code.iso639_3());
    short
        .into_iter()
        .chain([long])
        .find(|tag| LangCode::parse(tag).ok() == Some(code))
        .unwrap_or_else(|| code.as_str().to_string())
}

fn language(tag: &str) -> Result<LangCode, String> {
    LangCode::parse(tag).map_err(|e| format!("language {tag:?}: {e}"))
}

/// Writes entries as `format`.
pub fn write(entries: &[EntryRow], format: ExchangeFormat) -> String {
    match format {
        ExchangeFormat::Tsv => {
            let flat = |s: &str| s.replace(['\t', '\n', '\r'], " ");
            entries
                .iter()
                .map(|e| {
                    format!(
                        "{}\t{}\t{}\t{}\n",
                        e.source_lang,
                        e.target_lang,
                        flat(&e.source),
                        flat(&e.target)
                    )
                })
                .collect()
        }
        ExchangeFormat::Tmx => write_tmx(entries),
    }
}

fn write_tmx(entries: &[EntryRow]) -> String {
    let tag = |code: &str| LangCode::parse(code).map_or_else(|_| code.to_string(), tmx_lang);
    let first = entries.first().map(|e| e.source_lang.as_str());
    let srclang = match first {
        Some(first) if entries.iter().all(|e| e.source_lang == first) => tag(first),
        _ => "*all*".to_string(),
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    out.push_str(&format!(
        "  <header creationtool=\"Tolk\" creationtoolversion=\"{}\" datatype=\"plaintext\" segtype=\"sentence\" \
         adminlang=\"en\" srclang=\"{}\" o-tmf=\"Tolk\"/>\n  <body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&srclang)
    ));
    for entry in entries {
        out.push_str(&format!(
            "    <tu srclang=\"{}\">\n      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n      \
             <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n    </tu>\n",
            escape(&tag(&entry.source_lang)),
            escape(&tag(&entry.source_lang)),
            escape(&entry.source),
            escape(&tag(&entry.target_lang)),
            escape(&entry.target),
        ));
    }
    out.push_str("  </body>\n</tmx>\n");
    out
}

/// Escapes text for XML; characters XML 1.0 cannot hold (control characters other than tab and
/// line breaks) are left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Reads entries written as `format`; the error names the line (TSV) or translation unit (TMX).
pub fn read(bytes: &[u8], format: ExchangeFormat) -> Result<Vec<NewEntry>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text ({e})"))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match format {
        ExchangeFormat::Tsv => read_tsv(text),
        ExchangeFormat::Tmx => read_tmx(text),
    }
}

fn read_tsv(text: &str) -> Result<Vec<NewEntry>, String> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |problem: String| format!("line {}: {problem}", number + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let [source_lang, target_lang, source, target] = fields[..] else {
            return Err(at(format!(
                "{} fields; a line is source language, target language, source and target, separated by tabs",
                fields.len()
            )));
        };
        let (source_lang, target_lang) = (language(source_lang).map_err(at)?, language(target_lang).map_err(at)?);
        entries.push(entry(source_lang, target_lang, source, target).map_err(at)?);
    }
    Ok(entries)
}

fn entry(source_lang: LangCode, target_lang: LangCode, source: &str, target: &str) -> Result<NewEntry, String> {
    if source_lang == target_lang {
        return Err(format!("source and target are both {source_lang}"));
    }
    for (field, text) in [("source", source), ("target", target)] {
        super::checks::check_text(field, text).map_err(|e| e.to_string())?;
    }
    Ok(NewEntry {
        source_lang: source_lang.to_string(),
        target_lang: target_lang.to_string(),
        source: source.trim().to_string(),
        target: target.trim().to_string(),
        machine: None,
    })
}

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// Inline elements whose content is the original document's markup, not text.
const MARKUP_ELEMENTS: [&str; 5] = ["bpt", "ept", "ph", "it", "ut"];

fn read_tmx(text: &str) -> Result<Vec<NewEntry>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document =
        roxmltree::Document::parse_with_options(text, options).map_err(|e| format!("not a TMX file: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "tmx" {
        return Err(format!(
            "not a TMX file: the root element is <{}>, not <tmx>",
            root.tag_name().name()
        ));
    }
    let header_srclang = child(root, "header")
        .and_then(|h| h.attribute("srclang"))
        .unwrap_or("*all*");
    let body = child(root, "body").ok_or("not a TMX file: no <body>")?;
    let mut entries = Vec::new();
    for (number, tu) in body.children().filter(|n| n.has_tag_name("tu")).enumerate() {
        let at = |problem: String| {
            format!(
                "translation unit {} (line {}): {problem}",
                number + 1,
                document.text_pos_at(tu.range().start).row
            )
        };
        let mut variants = Vec::new();
        for tuv in tu.children().filter(|n| n.has_tag_name("tuv")) {
            let tag = tuv
                .attribute((XML_NAMESPACE, "lang"))
                .or_else(|| tuv.attribute("lang"))
                .ok_or_else(|| at("a <tuv> without xml:lang".to_string()))?;
            let seg = child(tuv, "seg").ok_or_else(|| at("a <tuv> without <seg>".to_string()))?;
            variants.push((language(tag).map_err(at)?, seg_text(seg)));
        }
        let srclang = tu.attribute("srclang").unwrap_or(header_srclang);
        let source = if srclang == "*all*" {
            0
        } else {
            let code = language(srclang).map_err(at)?;
            variants
                .iter()
                .position(|(lang, _)| *lang == code)
                .ok_or_else(|| at(format!("no <tuv> in the source language {srclang}")))?
        };
        if variants.len() < 2 {
            return Err(at(
                "a translation unit needs a source and at least one translation".to_string()
            ));
        }
        let (source_lang, source_text) = &variants[source];
        for (i, (target_lang, target_text)) in variants.iter().enumerate() {
            if i != source {
                entries.push(entry(*source_lang, *target_lang, source_text, target_text).map_err(at)?);
            }
        }
    }
    Ok(entries)
}

/// The first child element of `node` called `name`.
fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// A segment's text: its text and that of highlighted runs, without the markup elements.
fn seg_text(seg: roxmltree::Node<'_, '_>) -> String {
    let mut text = String::new();
    for node in seg.descendants().filter(|n| n.is_text()) {
        let in_markup = node
            .ancestors()
            .take_while(|a| *a != seg)
            .any(|a| MARKUP_ELEMENTS.iter().any(|m| a.has_tag_name(*m)));
        if !in_markup {
            text.push_str(node.text().unwrap_or_default());
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, source_lang: &str, target_lang: &str, source: &str, target: &str) -> EntryRow {
        EntryRow {
            id,
            memory: "default".to_string(),
            source_lang: source_lang.to_string(),
            target_lang: target_lang.to_string(),
            source: source.to_string(),
            target: target.to_string(),
            created_at: 0,
        }
    }

    #[test]
    fn every_language_has_a_tmx_tag_that_reads_back_as_itself() {
        for code in LangCode::all() {
            let tag = tmx_lang(code);
            assert_eq!(LangCode::parse(&tag).ok(), Some(code), "{code} → {tag}");
        }
        assert_eq!(tmx_lang(LangCode::parse("eng_Latn").unwrap()), "en-Latn");
    }

    #[test]
    fn tmx_and_tsv_round_trip_every_character() {
        let rows = vec![
            row(1, "eng_Latn", "lug_Latn", "Fish & <chips> \"now\"", "Ebyennyanja"),
            row(2, "eng_Latn", "arb_Arab", "Good morning.", "صباح الخير."),
            row(3, "zho_Hans", "eng_Latn", "你好。", "Hello."),
        ];
        for format in [ExchangeFormat::Tmx, ExchangeFormat::Tsv] {
            let back = read(write(&rows, format).as_bytes(), format).unwrap();
            assert_eq!(back.len(), 3);
            for (entry, row) in back.iter().zip(&rows) {
                assert_eq!(
                    (&entry.source_lang, &entry.target_lang, &entry.source, &entry.target),
                    (&row.source_lang, &row.target_lang, &row.source, &row.target)
                );
            }
        }
    }

    #[test]
    fn tmx_from_cat_tools_is_read_with_inline_markup_left_out() {
        let tmx = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/>
<body>
<tu><tuv xml:lang="en"><seg>Press <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now.</seg></tuv>
<tuv xml:lang="fr-FR"><seg>Appuyez sur <hi>Enregistrer</hi> maintenant.</seg></tuv>
<tuv xml:lang="de"><seg>Jetzt speichern.</seg></tuv></tu>
</body></tmx>"#;
        let entries = read(tmx.as_bytes(), ExchangeFormat::Tmx).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].source, "Press Save now.");
        assert_eq!(entries[0].target, "Appuyez sur Enregistrer maintenant.");
        assert_eq!(
            (entries[0].source_lang.as_str(), entries[0].target_lang.as_str()),
            ("eng_Latn", "fra_Latn")
        );
        assert_eq!(entries[1].target_lang, "deu_Latn");
    }

    #[test]
    fn broken_files_are_refused_with_the_place_named() {
        let tsv = read(
            b"eng_Latn\tfra_Latn\tHello\tBonjour\neng_Latn\tfra_Latn\tonly three\n",
            ExchangeFormat::Tsv,
        );
        assert!(tsv.unwrap_err().starts_with("line 2: 3 fields"));
        let tsv = read(b"eng_Latn\tklingon\ta\tb\n", ExchangeFormat::Tsv);
        assert!(tsv.unwrap_err().starts_with("line 1: language \"klingon\""));
        let tsv = read(b"eng_Latn\tfra_Latn\t \tb\n", ExchangeFormat::Tsv);
        assert!(tsv.unwrap_err().contains("source"));
        assert!(read(b"<tmx><body><tu>", ExchangeFormat::Tmx)
            .unwrap_err()
            .starts_with("not a TMX file"));
        assert!(read(b"<html/>", ExchangeFormat::Tmx).unwrap_err().contains("<html>"));
        let one_variant = r#"<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>a</seg></tuv></tu></body></tmx>"#;
        let error = read(one_variant.as_bytes(), ExchangeFormat::Tmx).unwrap_err();
        assert!(error.starts_with("translation unit 1 (line 2)"), "{error}");
        assert!(read(&[0xff, 0xfe], ExchangeFormat::Tsv).unwrap_err().contains("UTF-8"));
    }
}
