//! Tokens into pieces and runs: which elements flow inside a sentence, which are kept whole, and
//! where one run of text to translate ends and the next begins.

use std::collections::HashMap;
use std::ops::Range;

use super::dialect::Dialect;
use super::lexer::{attributes, lex, Kind, Token};
use super::run::{slice, InlineSpan, Markup, Run};
use crate::entities::decode_entities;

/// Elements that flow inside a sentence; any other tag ends a run.
const INLINE: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "data", "del", "dfn", "em", "font", "i", "ins", "label",
    "mark", "nobr", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
];
/// Inline elements holding code or input rather than prose: kept as they are.
const KEEP_INLINE: &[&str] = &["code", "kbd", "samp", "var"];
/// Inline elements without content, placed between words.
const VOID_INLINE: &[&str] = &["img", "wbr"];
/// Elements kept whole, whatever they contain.
const KEEP_BLOCK: &[&str] = &["pre", "listing", "svg", "math"];
/// Tolk's own element for text to keep as it is, in HTML as in plain text.
const NOTRANSLATE: &str = "notranslate";
/// Elements that have no close tag.
pub(super) const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr",
];

/// A stretch of the source, in order: kept as it is, or a run to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    Keep(Range<usize>),
    Run(usize),
}

/// Cuts `src` into pieces that tile it and the runs they point to. Never fails: malformed markup
/// is kept verbatim as far as possible.
pub(super) fn parse(src: &str, dialect: &Dialect) -> (Vec<Piece>, Vec<Run>) {
    Parser::new(src, dialect).run()
}

/// The rules of a dialect: which elements flow inside a sentence, which are kept, which are void.
impl Dialect {
    /// Whether an element flows inside a sentence rather than ending it.
    fn is_inline(&self, name: &str) -> bool {
        match self {
            Dialect::Html => is_inline(name) || name == NOTRANSLATE,
            Dialect::Xml(rules) => {
                if rules.splitting.iter().any(|t| t == name) {
                    false
                } else if rules.non_splitting.iter().any(|t| t == name) || rules.ignore.iter().any(|t| t == name) {
                    true
                } else if rules.outline_detection {
                    // Without a list, XML's structure is guessed from HTML's names: `<b>` flows,
                    // `<para>` ends a sentence.
                    is_inline(name)
                } else {
                    // `outline_detection=0`: only the splitting tags split, as DeepL does.
                    true
                }
            }
        }
    }

    /// Whether an inline element is kept as it is, content and all.
    fn keeps_inline(&self, name: &str, tag: &str) -> bool {
        marked_keep(tag)
            || match self {
                Dialect::Html => KEEP_INLINE.contains(&name) || name == NOTRANSLATE,
                Dialect::Xml(rules) => rules.ignore.iter().any(|t| t == name),
            }
    }

    /// Whether an element that ends runs is kept as it is, content and all.
    fn keeps_block(&self, name: &str, tag: &str) -> bool {
        marked_keep(tag)
            || match self {
                Dialect::Html => KEEP_BLOCK.contains(&name),
                Dialect::Xml(rules) => rules.ignore.iter().any(|t| t == name),
            }
    }

    /// Whether a start tag has no content and no close tag.
    fn is_void(&self, token: &Token, src: &str) -> bool {
        let tag = slice(src, &token.range);
        match self {
            Dialect::Html => VOID.contains(&token.name.as_str()) || foreign_self_closing(token, src),
            Dialect::Xml(_) => tag.ends_with("/>"),
        }
    }

    /// Whether a start tag is an inline element without content, placed between words.
    fn is_void_inline(&self, token: &Token, src: &str) -> bool {
        match self {
            Dialect::Html => VOID_INLINE.contains(&token.name.as_str()),
            Dialect::Xml(_) => self.is_void(token, src) && self.is_inline(&token.name),
        }
    }
}

/// Tokens into the document's pieces.
struct Parser<'a> {
    src: &'a str,
    dialect: &'a Dialect,
    pieces: Vec<Piece>,
    runs: Vec<Run>,
    run: RunBuilder,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, dialect: &'a Dialect) -> Parser<'a> {
        Parser {
            src,
            dialect,
            pieces: Vec::new(),
            runs: Vec::new(),
            run: RunBuilder::default(),
        }
    }

    fn run(mut self) -> (Vec<Piece>, Vec<Run>) {
        let (src, dialect) = (self.src, self.dialect);
        let tokens = lex(src, matches!(dialect, Dialect::Html));
        let matching = matching_ends(&tokens, src, dialect);
        let flows = |t: &Token| match t.kind {
            Kind::Text => true,
            Kind::Start | Kind::End => dialect.is_inline(&t.name),
            _ => false,
        };
        // The first token at or after each index that ends a run.
        let mut next_boundary = vec![tokens.len(); tokens.len() + 1];
        for i in (0..tokens.len()).rev() {
            next_boundary[i] = if flows(&tokens[i]) { next_boundary[i + 1] } else { i };
        }
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            let tag = slice(src, &token.range);
            let name = token.name.as_str();
            match token.kind {
                Kind::Text => {
                    self.run.touch(&token.range, true);
                    self.run.push_text(&decode_entities(tag));
                    i += 1;
                }
                Kind::Start if dialect.is_void_inline(token, src) => {
                    self.run.touch(&token.range, false);
                    self.run.atom(tag.to_string(), String::new());
                    i += 1;
                }
                Kind::Start if dialect.is_inline(name) && dialect.keeps_inline(name, tag) => {
                    match matching[i] {
                        Some(j) if next_boundary[i + 1] >= j => {
                            self.run.keep(src, &tokens[i..=j]);
                            i = j + 1;
                        }
                        // It holds block markup: keep it whole, as a boundary.
                        Some(j) => {
                            self.keep(token.range.start..tokens[j].range.end);
                            i = j + 1;
                        }
                        // Unclosed: it lasts as far as the run does.
                        None => {
                            let end = next_boundary[i + 1];
                            self.run.keep(src, &tokens[i..end]);
                            i = end;
                        }
                    }
                }
                Kind::Start if dialect.is_inline(name) => {
                    self.run.touch(&token.range, false);
                    self.run.open(name, tag.to_string());
                    i += 1;
                }
                Kind::End if dialect.is_inline(name) => {
                    self.run.touch(&token.range, false);
                    self.run.close(name, tag.to_string());
                    i += 1;
                }
                Kind::Start if !dialect.is_void(token, src) && dialect.keeps_block(name, tag) => {
                    let end = match matching[i] {
                        Some(j) => tokens[j].range.end,
                        None if tag.ends_with("/>") => token.range.end,
                        None => src.len(),
                    };
                    self.keep(token.range.start..end);
                    i = tokens.partition_point(|t| t.range.start < end);
                }
                _ => {
                    self.keep(token.range.clone());
                    i += 1;
                }
            }
        }
        self.flush();
        (self.pieces, self.runs)
    }

    /// Ends the current run and keeps `range` as it is.
    fn keep(&mut self, range: Range<usize>) {
        self.flush();
        self.push_keep(range);
    }

    fn push_keep(&mut self, range: Range<usize>) {
        if let Some(Piece::Keep(last)) = self.pieces.last_mut() {
            if last.end == range.start {
                last.end = range.end;
                return;
            }
        }
        self.pieces.push(Piece::Keep(range));
    }

    /// Ends the current run: a run to translate if it has letters outside kept spans, kept as it
    /// is otherwise.
    fn flush(&mut self) {
        match std::mem::take(&mut self.run).finish(self.src) {
            None => {}
            Some(Err(region)) => self.push_keep(region),
            Some(Ok(run)) => {
                self.pieces.push(Piece::Run(self.runs.len()));
                self.runs.push(run);
            }
        }
    }
}

/// A run being gathered.
#[derive(Default)]
struct RunBuilder {
    region: Option<Range<usize>>,
    /// The first token, when it is text (its leading white space is kept).
    first_text: Option<Range<usize>>,
    /// The last token, when it is text (its trailing white space is kept).
    last_text: Option<Range<usize>>,
    text: String,
    spans: Vec<InlineSpan>,
    /// Open spans: index and element name.
    open: Vec<(usize, String)>,
}

impl RunBuilder {
    /// Adds a token's bytes to the run's region.
    fn touch(&mut self, range: &Range<usize>, is_text: bool) {
        match &mut self.region {
            None => {
                self.region = Some(range.clone());
                self.first_text = is_text.then(|| range.clone());
            }
            Some(region) => region.end = range.end,
        }
        self.last_text = is_text.then(|| range.clone());
    }

    /// Appends decoded text, collapsing white space as HTML renders it.
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }

    fn push_span(&mut self, markup: Markup) -> usize {
        let at = self.text.len();
        self.spans.push(InlineSpan {
            range: at..at,
            parent: self.open.last().map(|o| o.0),
            markup,
        });
        self.spans.len() - 1
    }

    fn open(&mut self, name: &str, tag: String) {
        let index = self.push_span(Markup::Wrap {
            open: tag,
            close: String::new(),
        });
        self.open.push((index, name.to_string()));
    }

    /// Closes the innermost open element of this name, and those opened inside it and left
    /// unclosed; a close tag matching nothing becomes an empty span of its own.
    fn close(&mut self, name: &str, tag: String) {
        let end = self.text.len();
        match self.open.iter().rposition(|(_, n)| n == name) {
            Some(at) => {
                let closed = self.open[at].0;
                for (index, _) in self.open.drain(at..) {
                    self.spans[index].range.end = end;
                }
                if let Markup::Wrap { close, .. } = &mut self.spans[closed].markup {
                    *close = tag;
                }
            }
            None => self.atom(String::new(), tag),
        }
    }

    fn atom(&mut self, open: String, close: String) {
        self.push_span(Markup::Wrap { open, close });
    }

    /// A kept element: `tokens` from its start tag to its end tag (or as far as it lasts).
    fn keep(&mut self, src: &str, tokens: &[Token]) {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return;
        };
        let range = first.range.start..last.range.end;
        self.touch(&range, false);
        let index = self.push_span(Markup::Verbatim(slice(src, &range).to_string()));
        for token in &tokens[1..] {
            if token.kind == Kind::Text {
                self.push_text(&decode_entities(slice(src, &token.range)));
            }
        }
        self.spans[index].range.end = self.text.len();
    }

    /// The finished run, or its region to keep when it has no letters to translate; `None` when
    /// nothing was gathered.
    fn finish(mut self, src: &str) -> Option<Result<Run, Range<usize>>> {
        let region = self.region.take()?;
        let end = self.text.len();
        for (index, _) in self.open.drain(..) {
            self.spans[index].range.end = end;
        }
        if self.text.ends_with(' ') {
            self.text.pop();
        }
        let text = self.text;
        let bytes = text.as_bytes();
        let mut spans = self.spans;
        for i in 0..spans.len() {
            let mut r = spans[i].range.clone();
            r.end = r.end.min(text.len());
            r.start = r.start.min(r.end);
            while r.start < r.end && bytes[r.start] == b' ' {
                r.start += 1;
            }
            while r.end > r.start && bytes[r.end - 1] == b' ' {
                r.end -= 1;
            }
            if let Some(p) = spans[i].parent.filter(|&p| p < i) {
                let outer = spans[p].range.clone();
                r.start = r.start.clamp(outer.start, outer.end);
                r.end = r.end.clamp(r.start, outer.end);
            }
            spans[i].range = r;
        }
        let mut kept = vec![false; text.len()];
        for span in spans.iter().filter(|s| s.keep()) {
            kept[span.range.clone()].iter_mut().for_each(|k| *k = true);
        }
        if !text.char_indices().any(|(p, c)| c.is_alphabetic() && !kept[p]) {
            return Some(Err(region));
        }
        let ws = |s: &str| s.bytes().take_while(u8::is_ascii_whitespace).count();
        let lead = self
            .first_text
            .map_or(region.start..region.start, |r| r.start..r.start + ws(slice(src, &r)));
        let trail_len = self.last_text.map_or(0, |r| {
            slice(src, &r).bytes().rev().take_while(u8::is_ascii_whitespace).count()
        });
        let trail = (region.end - trail_len).max(lead.end)..region.end;
        Some(Ok(Run {
            text,
            spans,
            region,
            lead,
            trail,
        }))
    }
}

/// Whether a start tag marks its element as not to be translated.
fn marked_keep(tag: &str) -> bool {
    attributes(tag).iter().any(|(name, value)| match name.as_str() {
        "translate" => value.trim().eq_ignore_ascii_case("no"),
        "class" => value
            .split_ascii_whitespace()
            .any(|c| c.eq_ignore_ascii_case("notranslate")),
        _ => false,
    })
}

/// Whether an element flows inside a sentence.
fn is_inline(name: &str) -> bool {
    INLINE.contains(&name) || KEEP_INLINE.contains(&name) || VOID_INLINE.contains(&name)
}

/// For each start tag, the index of its matching end tag, pairing same-name tags like brackets.
fn matching_ends(tokens: &[Token], src: &str, dialect: &Dialect) -> Vec<Option<usize>> {
    let mut open: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut out = vec![None; tokens.len()];
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Start if !dialect.is_void(token, src) => {
                open.entry(token.name.as_str()).or_default().push(i);
            }
            Kind::End => {
                if let Some(start) = open.get_mut(token.name.as_str()).and_then(Vec::pop) {
                    out[start] = Some(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// `<svg/>` and `<math/>`: foreign elements honour the self-closing slash, HTML ones do not.
fn foreign_self_closing(token: &Token, src: &str) -> bool {
    matches!(token.name.as_str(), "svg" | "math") && slice(src, &token.range).ends_with("/>")
}
