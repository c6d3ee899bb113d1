//! `.md`: block structure found line by line (front matter, fenced and indented code, HTML
//! blocks, headings, lists, quotes, tables, paragraphs); the text of each block becomes an HTML
//! fragment unit in which inline code, images, autolinks and raw HTML are kept spans, links keep
//! their URLs out of the model's sight, and emphasis becomes tags the translation places. On the
//! way back the fragment is turned into Markdown again.

use langs::LangCode;

use super::error::DocumentError;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::{is_machine_value, utf8};
use crate::entities::{decode_entities, escape_into};

pub(super) struct MarkdownFile {
    /// The document as pieces: kept text, or a unit to translate.
    pieces: Vec<Piece>,
    units: Vec<Unit>,
    /// Per unit: what its placeholders stand for.
    inline: Vec<Inline>,
    /// Images' alt texts, which people read: (unit of the fragment holding the image, its kept
    /// index, the alt text's own unit). The image stays a kept span so that its words are not
    /// mixed into the sentence around it.
    alts: Vec<(usize, usize, usize)>,
}

enum Piece {
    Keep(String),
    /// Unit index; its prefix and suffix (list marker, quote, heading hashes, line end) are in
    /// the surrounding `Keep` pieces.
    Unit(usize),
}

/// What an inline fragment's placeholders stand for.
#[derive(Default)]
struct Inline {
    /// Kept Markdown, by `data-k` index.
    kept: Vec<String>,
    /// Link targets (`(url "title")` or `[ref]`), by `href` index.
    links: Vec<String>,
}

impl MarkdownFile {
    pub(super) fn parse(bytes: &[u8]) -> Result<MarkdownFile, DocumentError> {
        let text = utf8(bytes, "md")?;
        if text.contains('\0') {
            return Err(DocumentError::Invalid {
                format: "md",
                reason: "binary content (NUL bytes)".to_string(),
            });
        }
        let mut file = MarkdownFile {
            pieces: Vec::new(),
            units: Vec::new(),
            inline: Vec::new(),
            alts: Vec::new(),
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut i = 0;
        if lines.first().is_some_and(|l| l.trim_end() == "---") {
            if let Some(end) = lines[1..].iter().position(|l| matches!(l.trim_end(), "---" | "...")) {
                file.keep(lines[0]);
                for line in &lines[1..=end] {
                    file.front_matter_line(line);
                }
                file.keep(lines[end + 1]);
                i = end + 2;
            }
        }
        let mut paragraph: Vec<&str> = Vec::new();
        while i < lines.len() {
            let line = lines[i];
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let fence = ["```", "~~~"]
                .into_iter()
                .find(|f| trimmed.starts_with(f) && indent < 4);
            if let Some(fence) = fence {
                file.flush_paragraph(&mut paragraph);
                file.keep(line);
                i += 1;
                while i < lines.len() {
                    file.keep(lines[i]);
                    let closes = lines[i].trim_start().starts_with(fence);
                    i += 1;
                    if closes {
                        break;
                    }
                }
                continue;
            }
            if line.trim().is_empty() {
                file.flush_paragraph(&mut paragraph);
                file.keep(line);
                i += 1;
                // An indented block after a blank line is code.
                while i < lines.len()
                    && (lines[i].starts_with("    ") || lines[i].starts_with('\t'))
                    && paragraph.is_empty()
                {
                    file.keep(lines[i]);
                    i += 1;
                }
                continue;
            }
            if trimmed.starts_with('<') && paragraph.is_empty() && indent < 4 {
                // An HTML block: to the next blank line, translated as HTML.
                let start = i;
                while i < lines.len() && !lines[i].trim().is_empty() {
                    i += 1;
                }
                let block: String = lines[start..i].concat();
                file.units.push(Unit {
                    text: block,
                    kind: UnitKind::Html,
                });
                file.inline.push(Inline::default());
                file.pieces.push(Piece::Unit(file.units.len() - 1));
                continue;
            }
            if let Some((prefix, content)) = block_prefix(line) {
                file.flush_paragraph(&mut paragraph);
                if is_table_separator(content) || is_thematic_break(trimmed) {
                    file.keep(line);
                } else if content.trim_start().starts_with('|') || (content.contains(" | ") && prefix.is_empty()) {
                    file.table_row(prefix, content);
                } else {
                    file.keep(prefix);
                    file.inline_unit(content);
                }
                i += 1;
                continue;
            }
            if is_thematic_break(trimmed) || is_table_separator(line) {
                file.flush_paragraph(&mut paragraph);
                file.keep(line);
                i += 1;
                continue;
            }
            if trimmed.starts_with('|') {
                file.flush_paragraph(&mut paragraph);
                file.table_row("", line);
                i += 1;
                continue;
            }
            paragraph.push(line);
            i += 1;
        }
        file.flush_paragraph(&mut paragraph);
        Ok(file)
    }

    fn keep(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.pieces.last_mut() {
            Some(Piece::Keep(kept)) => kept.push_str(text),
            _ => self.pieces.push(Piece::Keep(text.to_string())),
        }
    }

    /// A paragraph's lines become one unit (joined by spaces: Markdown renders soft line
    /// breaks as spaces), followed by the last line's line end.
    fn flush_paragraph(&mut self, paragraph: &mut Vec<&str>) {
        if paragraph.is_empty() {
            return;
        }
        let indent: String = paragraph[0].chars().take_while(|c| *c == ' ').collect();
        let joined = paragraph.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        let ending = line_ending(paragraph[paragraph.len() - 1]);
        self.keep(&indent);
        self.inline_unit(&joined);
        self.keep(ending);
        paragraph.clear();
    }

    /// A line's content (without its line end) as a unit, its line end kept.
    fn inline_unit(&mut self, content: &str) {
        let ending = line_ending(content);
        let body = &content[..content.len() - ending.len()];
        let trimmed_end = body.trim_end();
        if trimmed_end.chars().any(char::is_alphabetic) {
            let (fragment, inline) = to_fragment(trimmed_end);
            self.units.push(Unit {
                text: fragment,
                kind: UnitKind::Html,
            });
            let owner = self.units.len() - 1;
            let alts: Vec<(usize, String)> = inline
                .kept
                .iter()
                .enumerate()
                .filter_map(|(k, kept)| image_alt(kept).map(|(alt, _)| (k, alt.to_string())))
                .filter(|(_, alt)| alt.chars().any(char::is_alphabetic))
                .collect();
            self.inline.push(inline);
            self.pieces.push(Piece::Unit(owner));
            for (k, alt) in alts {
                // Alt units have no piece of their own: the owner's rendering reads them.
                self.units.push(Unit {
                    text: alt,
                    kind: UnitKind::Text,
                });
                self.inline.push(Inline::default());
                self.alts.push((owner, k, self.units.len() - 1));
            }
            self.keep(&body[trimmed_end.len()..]);
        } else {
            self.keep(body);
        }
        self.keep(ending);
    }

    fn table_row(&mut self, prefix: &str, row: &str) {
        self.keep(prefix);
        let ending = line_ending(row);
        let body = &row[..row.len() - ending.len()];
        // Cells between unescaped pipes; the pipes and padding are kept.
        let mut start = 0;
        let bytes = body.as_bytes();
        let mut k = 0;
        while k <= bytes.len() {
            let at_pipe = k < bytes.len() && bytes[k] == b'|' && (k == 0 || bytes[k - 1] != b'\\');
            if at_pipe || k == bytes.len() {
                let cell = &body[start..k];
                let lead = cell.len() - cell.trim_start().len();
                self.keep(&cell[..lead]);
                self.inline_unit(&cell[lead..]);
                if at_pipe {
                    self.keep("|");
                }
                start = k + 1;
            }
            k += 1;
        }
        self.keep(ending);
    }

    /// `key: value` lines of YAML front matter: prose values are translated, keys, lists,
    /// numbers, booleans, dates and URLs kept.
    fn front_matter_line(&mut self, line: &str) {
        let ending = line_ending(line);
        let body = &line[..line.len() - ending.len()];
        let Some(colon) = body.find(": ") else {
            self.keep(line);
            return;
        };
        let (key, value) = (&body[..colon + 2], &body[colon + 2..]);
        let (open, inner, close) = match value.chars().next() {
            Some(q @ ('"' | '\'')) if value.len() >= 2 && value.ends_with(q) => {
                (&value[..1], &value[1..value.len() - 1], &value[value.len() - 1..])
            }
            _ => ("", value, ""),
        };
        let prose = inner.split_whitespace().count() >= 1
            && inner.chars().any(char::is_alphabetic)
            && !key.trim_start().starts_with('-')
            && !is_machine_value(inner)
            && !matches!(inner.trim(), "true" | "false" | "yes" | "no" | "null")
            && !inner.starts_with(['[', '{', '&', '*', '|', '>', '!'])
            && key.trim_start().len() == key.len();
        if !prose {
            self.keep(line);
            return;
        }
        self.keep(key);
        self.keep(open);
        self.units.push(Unit {
            text: inner.to_string(),
            kind: UnitKind::Text,
        });
        self.inline.push(Inline::default());
        self.pieces.push(Piece::Unit(self.units.len() - 1));
        self.keep(close);
        self.keep(ending);
    }
}

impl Parsed for MarkdownFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], _target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Keep(text) => out.push_str(text),
                Piece::Unit(u) => match self.units[*u].kind {
                    UnitKind::Text => out.push_str(translations[*u].trim()),
                    UnitKind::Html
                        if self.inline[*u].kept.is_empty()
                            && self.inline[*u].links.is_empty()
                            && self.units[*u].text.trim_start().starts_with('<') =>
                    {
                        out.push_str(&translations[*u])
                    }
                    UnitKind::Html if self.alts.iter().any(|(owner, _, _)| owner == u) => {
                        let mut inline = Inline {
                            kept: self.inline[*u].kept.clone(),
                            links: self.inline[*u].links.clone(),
                        };
                        for &(_, k, alt_unit) in self.alts.iter().filter(|(owner, _, _)| owner == u) {
                            let Some((_, rest)) = inline.kept.get(k).and_then(|kept| image_alt(kept)) else {
                                continue;
                            };
                            let alt = translations[alt_unit].split_whitespace().collect::<Vec<_>>().join(" ");
                            let alt = alt.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]");
                            inline.kept[k] = format!("![{alt}]{rest}");
                        }
                        out.push_str(&from_fragment(&translations[*u], &inline));
                    }
                    UnitKind::Html => out.push_str(&from_fragment(&translations[*u], &self.inline[*u])),
                },
            }
        }
        Ok(out.into_bytes())
    }
}

fn line_ending(line: &str) -> &str {
    if line.ends_with("\r\n") {
        &line[line.len() - 2..]
    } else if line.ends_with('\n') {
        &line[line.len() - 1..]
    } else {
        ""
    }
}

/// A heading, list item or block quote: its marker (with indentation) and the rest.
fn block_prefix(line: &str) -> Option<(&str, &str)> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let marker_len = if rest.starts_with('#') {
        let hashes = rest.chars().take_while(|c| *c == '#').count();
        (hashes <= 6 && rest[hashes..].starts_with([' ', '\t', '\n'])).then_some(hashes + 1)
    } else if rest.starts_with("> ") || rest.starts_with(">\t") {
        Some(2)
    } else if rest.starts_with(['-', '*', '+']) && rest[1..].starts_with([' ', '\t']) && !is_thematic_break(rest) {
        // A task list item keeps its box.
        if rest[2..].starts_with("[ ] ") || rest[2..].starts_with("[x] ") || rest[2..].starts_with("[X] ") {
            Some(6)
        } else {
            Some(2)
        }
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let numbered =
            (1..10).contains(&digits) && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") "));
        numbered.then_some(digits + 2)
    }?;
    let split = (indent + marker_len).min(line.len());
    line.is_char_boundary(split).then(|| (&line[..split], &line[split..]))
}

fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| compact.chars().all(|c| c.to_string() == *m))
}

fn is_table_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.contains('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Markdown inline text as an HTML fragment for the translator, and what its placeholders mean.
fn to_fragment(text: &str) -> (String, Inline) {
    let mut inline = Inline::default();
    let mut out = String::with_capacity(text.len() + 32);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    let mut open_tags: Vec<&'static str> = Vec::new();
    let at = |k: usize| chars.get(k).map(|(i, _)| *i).unwrap_or(text.len());
    while k < chars.len() {
        let (i, c) = chars[k];
        let rest = &text[i..];
        // Inline code: `…` (any run of backticks, closed by the same run).
        if c == '`' {
            let run = rest.chars().take_while(|c| *c == '`').count();
            let fence = &rest[..run];
            if let Some(end) = rest[run..].find(fence) {
                let whole = &rest[..run + end + run];
                keep_span(&mut out, &mut inline, whole);
                k = index_after(&chars, i + whole.len());
                continue;
            }
        }
        // Images, autolinks and raw inline HTML are kept whole.
        if rest.starts_with("![") {
            if let Some(len) = link_len(&rest[1..]) {
                keep_span(&mut out, &mut inline, &rest[..1 + len]);
                k = index_after(&chars, i + 1 + len);
                continue;
            }
        }
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                if !inner.is_empty() && !inner.contains(char::is_whitespace)
                    || inner.starts_with('/')
                    || inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                {
                    keep_span(&mut out, &mut inline, &rest[..=end]);
                    k = index_after(&chars, i + end + 1);
                    continue;
                }
            }
        }
        // Links: [text](target) or [text][ref]: the text is translated, the target kept.
        if c == '[' {
            if let Some(len) = link_len(rest) {
                let close = matching_bracket(rest).expect("link_len found it");
                let label = &rest[1..close];
                let target = &rest[close + 1..len];
                inline.links.push(target.to_string());
                let (label_html, label_inline) = to_fragment(label);
                // Nested placeholders renumbered into this fragment's lists.
                let label_html = renumber(&label_html, &label_inline, &mut inline);
                out.push_str(&format!("<a href=\"{}\">{label_html}</a>", inline.links.len() - 1));
                k = index_after(&chars, i + len);
                continue;
            }
        }
        // Emphasis: ** or __ → <b>, * or _ → <i>, ~~ → <s>.
        let pairs: [(&str, &'static str); 5] = [("**", "b"), ("__", "b"), ("~~", "s"), ("*", "i"), ("_", "i")];
        if let Some((marker, tag)) = pairs.into_iter().find(|(m, _)| rest.starts_with(m)) {
            let intraword = c == '_' && k > 0 && chars[k - 1].1.is_alphanumeric();
            if !intraword {
                if open_tags.last() == Some(&tag) {
                    open_tags.pop();
                    out.push_str(&format!("</{tag}>"));
                    k = index_after(&chars, i + marker.len());
                    continue;
                }
                if rest[marker.len()..].contains(marker) && !rest[marker.len()..].starts_with(char::is_whitespace) {
                    open_tags.push(tag);
                    out.push_str(&format!("<{tag}>"));
                    k = index_after(&chars, i + marker.len());
                    continue;
                }
            }
        }
        if c == '\\' && k + 1 < chars.len() && chars[k + 1].1.is_ascii_punctuation() {
            keep_span(&mut out, &mut inline, &text[i..at(k + 2)]);
            k += 2;
            continue;
        }
        escape_into(&mut out, &text[i..at(k + 1)]);
        k += 1;
    }
    // Unclosed emphasis is literal text after all: close the tags so the fragment is balanced.
    while let Some(tag) = open_tags.pop() {
        out.push_str(&format!("</{tag}>"));
    }
    (out, inline)
}

fn index_after(chars: &[(usize, char)], byte: usize) -> usize {
    chars.iter().position(|(i, _)| *i >= byte).unwrap_or(chars.len())
}

fn keep_span(out: &mut String, inline: &mut Inline, markdown: &str) {
    inline.kept.push(markdown.to_string());
    out.push_str(&format!(
        "<code data-k=\"{}\">{}</code>",
        inline.kept.len() - 1,
        inline.kept.len() - 1
    ));
}

/// Moves a nested fragment's placeholders into `into`, rewriting their indices.
fn renumber(fragment: &str, nested: &Inline, into: &mut Inline) -> String {
    let mut out = fragment.to_string();
    for (n, kept) in nested.kept.iter().enumerate().rev() {
        into.kept.push(kept.clone());
        let new = into.kept.len() - 1;
        out = out.replace(
            &format!("<code data-k=\"{n}\">{n}</code>"),
            &format!("<code data-k=\"{new}\">{new}</code>"),
        );
    }
    out
}

/// Length of `[label](target)` or `[label][ref]` at the start of `text`, if it is one.
fn link_len(text: &str) -> Option<usize> {
    let close = matching_bracket(text)?;
    let after = &text[close + 1..];
    let (open, shut) = match after.chars().next()? {
        '(' => ('(', ')'),
        '[' => ('[', ']'),
        _ => return None,
    };
    let mut depth = 0;
    for (j, c) in after.char_indices() {
        if c == open {
            depth += 1;
        } else if c == shut {
            depth -= 1;
            if depth == 0 {
                return Some(close + 1 + j + 1);
            }
        }
    }
    None
}

/// An image's alt text and what follows it (`(url "title")`), if `markdown` is an image.
fn image_alt(markdown: &str) -> Option<(&str, &str)> {
    let label = markdown.strip_prefix('!')?;
    let close = matching_bracket(label)?;
    Some((label.get(1..close)?, label.get(close + 1..)?))
}

fn matching_bracket(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (j, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// The translated fragment as Markdown: placeholders replaced by what they stand for, tags by
/// their markers, text unescaped.
fn from_fragment(html: &str, inline: &Inline) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut links: Vec<usize> = Vec::new();
    while let Some(p) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..p]));
        rest = &rest[p..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if let Some(n) = attribute_number(tag, "data-k") {
            // The placeholder's text (and its </code>) follow; the Markdown it stands for replaces them.
            if let Some(close) = rest.find("</code>") {
                rest = &rest[close + "</code>".len()..];
            }
            if let Some(kept) = inline.kept.get(n) {
                out.push_str(kept);
            }
            continue;
        }
        if let Some(n) = attribute_number(tag, "href") {
            links.push(n);
            out.push('[');
            continue;
        }
        match tag {
            "</a>" => {
                out.push(']');
                if let Some(target) = links.pop().and_then(|n| inline.links.get(n)) {
                    out.push_str(target);
                }
            }
            "<b>" | "</b>" => out.push_str("**"),
            "<i>" | "</i>" => out.push('*'),
            "<s>" | "</s>" => out.push_str("~~"),
            other => out.push_str(other),
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

fn attribute_number(tag: &str, attribute: &str) -> Option<usize> {
    let start = tag.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    let end = tag[start..].find('"')? + start;
    tag[start..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders with the units' own text (an identity translation).
    fn identity(markdown: &str) -> String {
        let file = MarkdownFile::parse(markdown.as_bytes()).unwrap();
        let texts: Vec<String> = file.units.iter().map(|u| u.text.clone()).collect();
        String::from_utf8(file.render(&texts, LangCode::parse("fra_Latn").unwrap()).unwrap()).unwrap()
    }

    const SAMPLE: &str = "---\ntitle: Getting started\ntags: [a, b]\ndate: 2024-01-01\nurl: https://x.example\n---\n# Welcome *home*\n\nRead the [guide](https://x.example/a_b \"Guide\") and run `tolk serve --port 8080`.\nIt is **fast**.\n\n```sh\necho \"not translated\"\n```\n\n- First item\n- [ ] Task with ![logo](img/logo.png)\n1. Numbered\n\n> Quoted text\n\n| Name | Value |\n|------|------:|\n| Speed | fast |\n\n    indented code\n\n<div class=\"note\">Some <b>HTML</b></div>\n\n---\nLast line with <kbd>Ctrl</kbd> and a\\*star.\n";

    #[test]
    fn an_identity_translation_gives_the_document_back() {
        let out = identity(SAMPLE);
        // The one change: a paragraph's soft line breaks become spaces.
        assert_eq!(out, SAMPLE.replace("8080`.\nIt is", "8080`. It is"));
    }

    #[test]
    fn only_human_text_becomes_units() {
        let file = MarkdownFile::parse(SAMPLE.as_bytes()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        let all = texts.join("\n");
        for kept in [
            "echo",
            "indented code",
            "2024-01-01",
            "x.example",
            "logo.png",
            "tolk serve",
            "[a, b]",
        ] {
            assert!(!all.contains(kept), "{kept} reached the translator: {all}");
        }
        for translated in [
            "Getting started",
            "Welcome <i>home</i>",
            "First item",
            "Numbered",
            "Quoted text",
            "Speed",
            "Some <b>HTML</b>",
        ] {
            assert!(all.contains(translated), "{translated} missing: {all}");
        }
    }

    #[test]
    fn translated_text_lands_in_the_markdown_with_urls_and_code_intact() {
        let markdown = "See the [guide](https://x.example/g) and `code` **now**.\n";
        let file = MarkdownFile::parse(markdown.as_bytes()).unwrap();
        assert_eq!(file.units.len(), 1);
        let fragment = &file.units[0].text;
        assert_eq!(
            fragment,
            "See the <a href=\"0\">guide</a> and <code data-k=\"0\">0</code> <b>now</b>."
        );
        let translated =
            "Voyez <b>maintenant</b> le <a href=\"0\">guide &amp; plus</a> et <code data-k=\"0\">0</code>.".to_string();
        let out = String::from_utf8(
            file.render(&[translated], LangCode::parse("fra_Latn").unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            out,
            "Voyez **maintenant** le [guide & plus](https://x.example/g) et `code`.\n"
        );
    }

    #[test]
    fn any_input_parses_and_renders_without_panicking() {
        let pieces = [
            "#", "# ", "*", "**", "_", "`", "``", "[", "](", ")", "![", "<", ">", "|", "---", "\n", " ", "a", "é",
            "1. ", "- [ ] ", "\\", "~~~", "```",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let _ = identity(&text);
        }
    }
}
