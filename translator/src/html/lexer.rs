//! HTML source cut into tokens that tile it exactly.
//!
//! A small lexer of our own rather than a crate: html5ever, scraper and tl build a tree and
//! serialise it again, losing the source bytes of tags, attributes, entities and white space that
//! must come back unchanged; lol_html keeps bytes but hands text over in arbitrary chunks through
//! callbacks and brings a large dependency tree.

use std::ops::Range;

/// Elements whose content the HTML tokenizer reads as text up to the matching close tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Character data (entities still encoded).
    Text,
    /// A start tag.
    Start,
    /// An end tag.
    End,
    /// `<!-- … -->`.
    Comment,
    /// Doctype, processing instruction, bogus comment, or a tag cut off by the end of input.
    Other,
    /// The content of `<script>`, `<style>` and the like.
    Raw,
}

/// A token: its kind, its bytes in the source, and the lower-case element name of a tag.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: Kind,
    pub range: Range<usize>,
    pub name: String,
}

/// Cuts the source into tokens covering every byte, in order, so that what is not translated can
/// be written back byte for byte. Every cut falls on an ASCII byte (`<`, `>`, a quote) or the end,
/// so every range is on char boundaries.
/// `raw_text` is HTML's reading of `<script>`, `<style>` and the like; XML has no such elements.
pub(super) fn lex(src: &str, raw_text: bool) -> Vec<Token> {
    let bytes = src.as_bytes();
    let n = bytes.len();
    let mut tokens = Vec::new();
    let text = |tokens: &mut Vec<Token>, range: Range<usize>, kind: Kind| {
        if !range.is_empty() {
            tokens.push(Token {
                kind,
                range,
                name: String::new(),
            });
        }
    };
    let mut text_start = 0;
    let mut i = 0;
    while i < n {
        if bytes[i] != b'<' {
            i = bytes[i..].iter().position(|&c| c == b'<').map_or(n, |p| i + p);
            continue;
        }
        let Some((kind, end, name)) = lex_markup(bytes, i) else {
            // A `<` that starts no markup is text, as browsers read it.
            i += 1;
            continue;
        };
        text(&mut tokens, text_start..i, Kind::Text);
        let raw = raw_text && kind == Kind::Start && RAW_TEXT.contains(&name.as_str());
        let close = match name.as_str() {
            _ if !raw => end,
            "plaintext" => n,
            _ => find_close(bytes, end, name.as_bytes()),
        };
        // <title> is escapable text to translate; the others' content is kept.
        let content = if name == "title" { Kind::Text } else { Kind::Raw };
        tokens.push(Token {
            kind,
            range: i..end,
            name,
        });
        text(&mut tokens, end..close, content);
        i = close;
        text_start = close;
    }
    text(&mut tokens, text_start..n, Kind::Text);
    tokens
}

/// The markup starting with the `<` at `i`: its kind, end and tag name; `None` when the `<` starts
/// none and is text.
fn lex_markup(bytes: &[u8], i: usize) -> Option<(Kind, usize, String)> {
    let n = bytes.len();
    let rest = &bytes[i..];
    let to_gt = |from: usize| {
        let from = from.min(n);
        bytes[from..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(n, |p| from + p + 1)
    };
    if rest.starts_with(b"<!--") {
        let body = i + 4;
        let end = if bytes[body..].starts_with(b">") {
            body + 1
        } else if bytes[body..].starts_with(b"->") {
            body + 2
        } else {
            bytes[body..]
                .windows(3)
                .position(|w| w == b"-->")
                .map_or(n, |p| body + p + 3)
        };
        return Some((Kind::Comment, end, String::new()));
    }
    if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
        return Some((Kind::Other, to_gt(i + 2), String::new()));
    }
    let (kind, name_start) = match (rest.get(1), rest.get(2)) {
        (Some(b'/'), Some(c)) if c.is_ascii_alphabetic() => (Kind::End, i + 2),
        (Some(b'/'), Some(_)) => return Some((Kind::Other, to_gt(i + 2), String::new())),
        (Some(c), _) if c.is_ascii_alphabetic() => (Kind::Start, i + 1),
        _ => return None,
    };
    let name_end = bytes[name_start..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        .map_or(n, |p| name_start + p);
    let name = String::from_utf8_lossy(&bytes[name_start..name_end]).to_ascii_lowercase();
    match tag_end(bytes, name_end) {
        Some(end) => Some((kind, end, name)),
        // Cut off by the end of input: browsers drop it; keeping it is closer to the source.
        None => Some((Kind::Other, n, String::new())),
    }
}

/// The end (after `>`) of a tag whose attributes start at `from`; a `>` inside a quoted value
/// does not end it. `None` when the input ends first.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    let mut after_eq = false;
    while j < bytes.len() {
        match bytes[j] {
            b'>' => return Some(j + 1),
            b'=' => after_eq = true,
            quote @ (b'"' | b'\'') if after_eq => {
                let close = bytes[j + 1..].iter().position(|&c| c == quote)?;
                j += close + 1;
                after_eq = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        j += 1;
    }
    None
}

/// Where the close tag of raw-text element `name` starts, searching from `from`; the end of input
/// when there is none.
fn find_close(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let n = bytes.len();
    let mut k = from;
    while let Some(p) = bytes[k..].windows(2).position(|w| w == b"</") {
        let start = k + p;
        let after = start + 2;
        let fits = bytes
            .get(after..after + name.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(name));
        let ends = bytes
            .get(after + name.len())
            .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>');
        if fits && ends {
            return start;
        }
        k = after;
    }
    n
}

/// The attributes of a start tag, names lower-cased, values as written (entities not decoded).
pub(super) fn attributes(tag: &str) -> Vec<(String, &str)> {
    let bytes = tag.as_bytes();
    let n = bytes.len();
    // Skip `<` and the name.
    let mut j = bytes
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        .unwrap_or(n);
    let mut out = Vec::new();
    loop {
        while j < n && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
            j += 1;
        }
        if j >= n || bytes[j] == b'>' {
            return out;
        }
        let name_start = j;
        j += 1;
        while j < n && !(bytes[j].is_ascii_whitespace() || matches!(bytes[j], b'/' | b'>' | b'=')) {
            j += 1;
        }
        let name = String::from_utf8_lossy(&bytes[name_start..j]).to_ascii_lowercase();
        while j < n && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < n && bytes[j] == b'=' {
            j += 1;
            while j < n && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let start = j + 1;
                    let end = bytes[start..].iter().position(|&c| c == quote).map_or(n, |p| start + p);
                    value = tag.get(start..end).unwrap_or("");
                    j = (end + 1).min(n);
                }
                _ => {
                    let start = j;
                    while j < n && !(bytes[j].is_ascii_whitespace() || bytes[j] == b'>') {
                        j += 1;
                    }
                    value = tag.get(start..j).unwrap_or("");
                }
            }
        }
        out.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each token's kind and bytes.
    fn tokens(src: &str) -> Vec<(Kind, &str)> {
        lex(src, true).into_iter().map(|t| (t.kind, &src[t.range])).collect()
    }

    #[test]
    fn tokens_tile_the_source() {
        let src = "<!DOCTYPE html><p class=x>Hi &amp; <b>you</b><!-- c --></p><?pi?></ x>a < b<br/>";
        let all = lex(src, true);
        let mut at = 0;
        for token in &all {
            assert_eq!(token.range.start, at, "{all:?}");
            at = token.range.end;
        }
        assert_eq!(at, src.len());
        assert_eq!(
            tokens("<P Id=1>x</P >"),
            [(Kind::Start, "<P Id=1>"), (Kind::Text, "x"), (Kind::End, "</P >")]
        );
        assert_eq!(lex("<P>", true)[0].name, "p");
    }

    #[test]
    fn a_quoted_angle_bracket_does_not_end_a_tag() {
        assert_eq!(
            tokens("<a title=\"a>b\" data-x='c>d'>t</a>"),
            [
                (Kind::Start, "<a title=\"a>b\" data-x='c>d'>"),
                (Kind::Text, "t"),
                (Kind::End, "</a>")
            ]
        );
        // Outside a value a quote is just a character.
        assert_eq!(tokens("<a x\"y>z")[0], (Kind::Start, "<a x\"y>"));
    }

    #[test]
    fn raw_text_lasts_to_its_own_close_tag() {
        assert_eq!(
            tokens("<script>if (a<b) x = '</p>';</SCRIPT ><p>"),
            [
                (Kind::Start, "<script>"),
                (Kind::Raw, "if (a<b) x = '</p>';"),
                (Kind::End, "</SCRIPT >"),
                (Kind::Start, "<p>")
            ]
        );
        // <title> is text to translate; <plaintext> never ends.
        assert_eq!(tokens("<title>A &amp; B</title>")[1], (Kind::Text, "A &amp; B"));
        assert_eq!(tokens("<plaintext></plaintext>")[1], (Kind::Raw, "</plaintext>"));
    }

    #[test]
    fn odd_markup_is_text_comment_or_other() {
        assert_eq!(tokens("a < b"), [(Kind::Text, "a < b")]);
        assert_eq!(tokens("<!-->x"), [(Kind::Comment, "<!-->"), (Kind::Text, "x")]);
        assert_eq!(tokens("<!-- open"), [(Kind::Comment, "<!-- open")]);
        assert_eq!(tokens("</>x"), [(Kind::Other, "</>"), (Kind::Text, "x")]);
        // A tag cut off by the end of input is kept, but names no element.
        assert_eq!(
            tokens("x<b title='y"),
            [(Kind::Text, "x"), (Kind::Other, "<b title='y")]
        );
    }

    #[test]
    fn attributes_are_read_as_written() {
        let tag = "<span CLASS=\"a notranslate\" translate = no data-x='1>2' hidden/>";
        assert_eq!(
            attributes(tag),
            [
                ("class".to_string(), "a notranslate"),
                ("translate".to_string(), "no"),
                ("data-x".to_string(), "1>2"),
                ("hidden".to_string(), "")
            ]
        );
        assert!(attributes("<br>").is_empty());
        assert_eq!(attributes("<a href=\"x"), [("href".to_string(), "x")]);
    }
}
