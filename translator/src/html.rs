//! HTML in, HTML out: markup cut into runs of text to translate and markup to keep, and the
//! translations put back with the inline tags around the right words.
//!
//! [`HtmlDocument::parse`] cuts a fragment or document into [`Run`]s: stretches of flowing text
//! between block boundaries, with the inline elements inside them (`<b>`, `<a>`, …) recorded as
//! [`InlineSpan`]s over the run's plain text. The caller translates each run's text as one text,
//! and each span's text alone ([`Run::span_texts`]); [`HtmlDocument::render`] then finds each
//! span's translation inside the run's translation and wraps it with the span's tags. The engine
//! gives no attention weights to align with, so this search stands in for them.
//!
//! Everything else is kept byte for byte: tags with their attributes (attribute values such as
//! `alt` and `title` are not translated), entities outside translated text, comments, doctypes,
//! and the whole of `<script>`, `<style>`, `<textarea>`, `<pre>`, `<svg>`, `<math>`, inline
//! `<code>`, `<kbd>`, `<samp>`, `<var>` and any element marked `translate="no"` or with class
//! `notranslate` (a `translate="yes"` inside one is not honoured). Nothing here fails: malformed
//! markup is kept as it is as far as possible.
//!
//! Translated text is written back with only `&`, `<` and `>` escaped, so an entity inside it such
//! as `&nbsp;` comes back as its character.

use std::collections::HashMap;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

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
/// Elements that have no close tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr",
];
/// Work allowed for searching span translations within one run, in bytes compared, so that a
/// pathological run (thousands of spans in a huge paragraph) falls back to proportional placement
/// instead of taking seconds.
const SEARCH_BUDGET: u64 = 50_000_000;
/// The least character similarity at which a fuzzy match places a span.
const FUZZY_THRESHOLD: f64 = 0.5;
/// The same for kept spans, whose text models copy nearly as it is: a loose match would swallow
/// translated words next to it.
const KEEP_FUZZY_THRESHOLD: f64 = 0.75;

/// An HTML fragment or document cut into what to translate and what to keep. Attribute values
/// (`alt`, `title`, `placeholder`, …) are never translated: that is out of scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlDocument {
    source: String,
    pieces: Vec<Piece>,
    runs: Vec<Run>,
}

/// A stretch of the source, in order: kept as it is, or a run to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Keep(Range<usize>),
    Run(usize),
}

/// One stretch of flowing text between block boundaries: what the model sees as one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Plain text: inline tags removed, entities decoded, runs of ASCII white space collapsed to one
    /// space (HTML renders them so) and the ends trimmed.
    pub text: String,
    /// Inline elements inside it, each with the byte range of its text within `text`, outermost
    /// first (document order of their opening tags).
    pub spans: Vec<InlineSpan>,
    /// The run's markup in the source.
    region: Range<usize>,
    /// The source's white space before the run's first text, kept in the output.
    lead: Range<usize>,
    /// The source's white space after the run's last text, kept in the output.
    trail: Range<usize>,
}

/// An inline element inside a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSpan {
    /// The byte range of the element's text within [`Run::text`], white space at its ends excluded.
    pub range: Range<usize>,
    /// The index of the enclosing span, if any.
    parent: Option<usize>,
    markup: Markup,
}

/// What a span puts into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Markup {
    /// Tags around the translated text: `open` is empty for a stray close tag, `close` for an
    /// element left unclosed or without content.
    Wrap { open: String, close: String },
    /// The whole element as in the source, in place of the text found for it.
    Verbatim(String),
}

/// The translations of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunTranslation {
    /// The run's translation.
    pub text: String,
    /// For each span of the run, in order: its text translated alone (ignored for
    /// [`InlineSpan::keep`] spans; an empty string means unknown).
    pub spans: Vec<String>,
}

impl HtmlDocument {
    /// Never fails: malformed markup (unclosed tags, stray `<`, unknown entities) is kept verbatim
    /// as far as possible.
    pub fn parse(html: &str) -> HtmlDocument {
        Parser::new(html).run()
    }

    /// The runs to translate, in document order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Puts translations back: one [`RunTranslation`] per run, same order. Missing ones (fewer
    /// given) leave the source text.
    pub fn render(&self, translations: &[RunTranslation]) -> String {
        let mut out = String::with_capacity(self.source.len() + self.source.len() / 4);
        for piece in &self.pieces {
            match piece {
                Piece::Keep(range) => out.push_str(slice(&self.source, range)),
                Piece::Run(k) => {
                    let run = &self.runs[*k];
                    match translations.get(*k) {
                        None => out.push_str(slice(&self.source, &run.region)),
                        Some(translation) => {
                            out.push_str(slice(&self.source, &run.lead));
                            render_run(run, translation, &mut out);
                            out.push_str(slice(&self.source, &run.trail));
                        }
                    }
                }
            }
        }
        out
    }
}

impl Run {
    /// For each span, the text to translate alone so that `render` can find it, or `None` where
    /// its translation is not needed: kept spans (found by their own text), empty ones, and those
    /// covering the whole of their parent (or of the run), which take its place. Pass an empty
    /// string for those.
    pub fn span_texts(&self) -> Vec<Option<&str>> {
        self.spans
            .iter()
            .enumerate()
            .map(|(i, span)| {
                let whole = span.range == self.outer_range(i);
                (!span.keep() && !span.range.is_empty() && !whole).then(|| span.text(self))
            })
            .collect()
    }

    /// The source range of span `i`'s parent, or the whole text for a top-level span.
    fn outer_range(&self, i: usize) -> Range<usize> {
        match self.parent_of(i) {
            Some(p) => self.spans[p].range.clone(),
            None => 0..self.text.len(),
        }
    }

    /// The parent of span `i`; parents always come first, which the filter makes sure of.
    fn parent_of(&self, i: usize) -> Option<usize> {
        self.spans.get(i).and_then(|s| s.parent).filter(|&p| p < i)
    }
}

impl InlineSpan {
    /// The span's plain text, to translate alone for alignment.
    pub fn text<'a>(&self, run: &'a Run) -> &'a str {
        slice(&run.text, &self.range)
    }

    /// Whether its text must be kept untranslated (inline `<code>`, `<kbd>`, `<samp>`, `<var>`,
    /// `translate="no"`, class `notranslate`): the element is put back whole where the run's
    /// translation has its text.
    pub fn keep(&self) -> bool {
        matches!(self.markup, Markup::Verbatim(_))
    }
}

/// `text[range]`, or nothing where the range does not fit; slicing must never panic.
fn slice<'a>(text: &'a str, range: &Range<usize>) -> &'a str {
    text.get(range.clone()).unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Lexing.
//
// A small lexer of our own rather than a crate: html5ever, scraper and tl build a tree and
// serialise it again, losing the source bytes of tags, attributes, entities and white space that
// must come back unchanged; lol_html keeps bytes but hands text over in arbitrary chunks through
// callbacks and brings a large dependency tree. Tokens here tile the source exactly.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Token {
    kind: Kind,
    range: Range<usize>,
    name: String,
}

/// Cuts the source into tokens covering every byte, in order. Every cut falls on an ASCII byte
/// (`<`, `>`, a quote) or the end, so every range is on char boundaries.
fn lex(src: &str) -> Vec<Token> {
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
        let raw = kind == Kind::Start && RAW_TEXT.contains(&name.as_str());
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
fn attributes(tag: &str) -> Vec<(String, &str)> {
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
fn matching_ends(tokens: &[Token], src: &str) -> Vec<Option<usize>> {
    let mut open: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut out = vec![None; tokens.len()];
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Start if !VOID.contains(&token.name.as_str()) && !foreign_self_closing(token, src) => {
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

// ---------------------------------------------------------------------------------------------
// Entities.

/// Latin-1 entities, `&nbsp;` (U+00A0) to `&yuml;` (U+00FF), in code point order.
#[rustfmt::skip]
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

/// The other entities of HTML 4 (with HTML5's values) and `&apos;`. The full HTML5 list has over
/// two thousand names; one not here stays literal text, which re-escaping writes as `&amp;name;`.
#[rustfmt::skip]
const NAMED: &[(&str, u32)] = &[
    ("quot", 34), ("amp", 38), ("apos", 39), ("lt", 60), ("gt", 62), ("OElig", 338), ("oelig", 339),
    ("Scaron", 352), ("scaron", 353), ("Yuml", 376), ("fnof", 402), ("circ", 710), ("tilde", 732),
    ("Alpha", 913), ("Beta", 914), ("Gamma", 915), ("Delta", 916), ("Epsilon", 917), ("Zeta", 918), ("Eta", 919),
    ("Theta", 920), ("Iota", 921), ("Kappa", 922), ("Lambda", 923), ("Mu", 924), ("Nu", 925), ("Xi", 926),
    ("Omicron", 927), ("Pi", 928), ("Rho", 929), ("Sigma", 931), ("Tau", 932), ("Upsilon", 933), ("Phi", 934),
    ("Chi", 935), ("Psi", 936), ("Omega", 937), ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948),
    ("epsilon", 949), ("zeta", 950), ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955),
    ("mu", 956), ("nu", 957), ("xi", 958), ("omicron", 959), ("pi", 960), ("rho", 961), ("sigmaf", 962),
    ("sigma", 963), ("tau", 964), ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968), ("omega", 969),
    ("thetasym", 977), ("upsih", 978), ("piv", 982), ("ensp", 8194), ("emsp", 8195), ("thinsp", 8201),
    ("zwnj", 8204), ("zwj", 8205), ("lrm", 8206), ("rlm", 8207), ("ndash", 8211), ("mdash", 8212),
    ("lsquo", 8216), ("rsquo", 8217), ("sbquo", 8218), ("ldquo", 8220), ("rdquo", 8221), ("bdquo", 8222),
    ("dagger", 8224), ("Dagger", 8225), ("bull", 8226), ("hellip", 8230), ("permil", 8240), ("prime", 8242),
    ("Prime", 8243), ("lsaquo", 8249), ("rsaquo", 8250), ("oline", 8254), ("frasl", 8260), ("euro", 8364),
    ("image", 8465), ("weierp", 8472), ("real", 8476), ("trade", 8482), ("alefsym", 8501), ("larr", 8592),
    ("uarr", 8593), ("rarr", 8594), ("darr", 8595), ("harr", 8596), ("crarr", 8629), ("lArr", 8656),
    ("uArr", 8657), ("rArr", 8658), ("dArr", 8659), ("hArr", 8660), ("forall", 8704), ("part", 8706),
    ("exist", 8707), ("empty", 8709), ("nabla", 8711), ("isin", 8712), ("notin", 8713), ("ni", 8715),
    ("prod", 8719), ("sum", 8721), ("minus", 8722), ("lowast", 8727), ("radic", 8730), ("prop", 8733),
    ("infin", 8734), ("ang", 8736), ("and", 8743), ("or", 8744), ("cap", 8745), ("cup", 8746), ("int", 8747),
    ("there4", 8756), ("sim", 8764), ("cong", 8773), ("asymp", 8776), ("ne", 8800), ("equiv", 8801), ("le", 8804),
    ("ge", 8805), ("sub", 8834), ("sup", 8835), ("nsub", 8836), ("sube", 8838), ("supe", 8839), ("oplus", 8853),
    ("otimes", 8855), ("perp", 8869), ("sdot", 8901), ("lceil", 8968), ("rceil", 8969), ("lfloor", 8970),
    ("rfloor", 8971), ("lang", 10216), ("rang", 10217), ("loz", 9674), ("spades", 9824), ("clubs", 9827),
    ("hearts", 9829), ("diams", 9830),
];

/// What numeric references to 0x80-0x9F mean: browsers read them as Windows-1252.
#[rustfmt::skip]
const WINDOWS_1252: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x9D, 0x017E, 0x0178,
];

/// Text with its character references decoded; an `&` that starts none stays literal.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match reference(after) {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference stands for (the text after its `&`) and the bytes it takes.
fn reference(after: &str) -> Option<(char, usize)> {
    let b = after.as_bytes();
    if b.first() == Some(&b'#') {
        let (radix, start) = match b.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = b[start.min(b.len())..]
            .iter()
            .take_while(|c| (**c as char).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        let value = b[start..start + digits].iter().fold(0u32, |v, &c| {
            v.saturating_mul(radix)
                .saturating_add((c as char).to_digit(radix).unwrap_or(0))
        });
        // The semicolon may be missing; browsers read the reference all the same.
        let used = start + digits + usize::from(b.get(start + digits) == Some(&b';'));
        let c = match value {
            0 => '\u{FFFD}',
            0x80..=0x9F => char::from_u32(WINDOWS_1252[(value - 0x80) as usize]).unwrap_or('\u{FFFD}'),
            _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
        };
        return Some((c, used));
    }
    let len = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if len == 0 || b.get(len) != Some(&b';') {
        return None;
    }
    let name = &after[..len];
    let code = match LATIN1.iter().position(|&n| n == name) {
        Some(k) => 0xA0 + k as u32,
        None => NAMED.iter().find(|(n, _)| *n == name)?.1,
    };
    Some((char::from_u32(code)?, len + 1))
}

/// Appends text escaped for HTML text content.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    // A stray `<` that malformed source markup left at the end of what is written so far (kept
    // verbatim) was text where it stood; followed by a translation starting with a letter, `/`, `!`
    // or `?` it would open a tag made of translated words. Written as `&lt;` it reads the same.
    if out.ends_with('<') && text.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
        out.pop();
        out.push_str("&lt;");
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: tokens into pieces and runs.

/// Tokens into the document's pieces.
struct Parser<'a> {
    src: &'a str,
    pieces: Vec<Piece>,
    runs: Vec<Run>,
    run: RunBuilder,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Parser<'a> {
        Parser {
            src,
            pieces: Vec::new(),
            runs: Vec::new(),
            run: RunBuilder::default(),
        }
    }

    fn run(mut self) -> HtmlDocument {
        let src = self.src;
        let tokens = lex(src);
        let matching = matching_ends(&tokens, src);
        let flows = |t: &Token| match t.kind {
            Kind::Text => true,
            Kind::Start | Kind::End => is_inline(&t.name),
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
                Kind::Start if VOID_INLINE.contains(&name) => {
                    self.run.touch(&token.range, false);
                    self.run.atom(tag.to_string(), String::new());
                    i += 1;
                }
                Kind::Start if is_inline(name) && (KEEP_INLINE.contains(&name) || marked_keep(tag)) => {
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
                Kind::Start if is_inline(name) => {
                    self.run.touch(&token.range, false);
                    self.run.open(name, tag.to_string());
                    i += 1;
                }
                Kind::End if is_inline(name) => {
                    self.run.touch(&token.range, false);
                    self.run.close(name, tag.to_string());
                    i += 1;
                }
                Kind::Start
                    if !VOID.contains(&name)
                        && !foreign_self_closing(token, src)
                        && (KEEP_BLOCK.contains(&name) || marked_keep(tag)) =>
                {
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
        HtmlDocument {
            source: src.to_string(),
            pieces: self.pieces,
            runs: self.runs,
        }
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

// ---------------------------------------------------------------------------------------------
// Rendering: spans placed in the run's translation.

/// Appends a run's translation with its spans' markup put in.
fn render_run(run: &Run, translation: &RunTranslation, out: &mut String) {
    let text = translation.text.trim();
    let placed = place(run, text, &translation.spans);
    emit(run, text, &placed, out);
}

/// Where each span goes in the translation `t`: byte ranges on char boundaries, each inside its
/// parent's, siblings never overlapping (an empty one may touch but never cut into another).
fn place(run: &Run, t: &str, translated: &[String]) -> Vec<Range<usize>> {
    let root = run.spans.len();
    if t == run.text {
        // Left as it was (a name, or source and target alike): every tag goes back where it was.
        return run.spans.iter().map(|s| s.range.clone()).collect();
    }
    let mut placed: Vec<Range<usize>> = Vec::with_capacity(root);
    // Placed children of each span (and of the run, last), sorted by position.
    let mut children: Vec<Vec<(Range<usize>, usize)>> = vec![Vec::new(); root + 1];
    let mut budget = SEARCH_BUDGET;
    for (i, span) in run.spans.iter().enumerate() {
        let parent = run.parent_of(i);
        let outer = parent.map_or(0..t.len(), |p| placed[p].clone());
        let source_outer = run.outer_range(i);
        let slot = parent.unwrap_or(root);
        let gaps = free_gaps(&outer, &children[slot]);
        let expected = expected_place(&run.text, &source_outer, &span.range, t, &outer);
        let source = span.text(run);
        let range = if span.range.is_empty() {
            None
        } else if span.range == source_outer {
            // The whole of its parent: no search, it takes the room left there.
            gaps.iter().fold(None::<Range<usize>>, |best, g| match best {
                Some(b) if b.len() >= g.len() => Some(b),
                _ => Some(g.clone()),
            })
        } else if span.keep() {
            // Models copy code and names as they are; look for the source text itself.
            locate(t, &gaps, source, expected.start, false, &mut budget)
                .or_else(|| fuzzy(t, &gaps, source, expected.start, KEEP_FUZZY_THRESHOLD, &mut budget))
        } else {
            let alone = translated.get(i).map_or("", |s| trim_to_match(s.trim(), source));
            let nonempty = |s: &str| (!s.is_empty()).then_some(());
            nonempty(alone)
                .and_then(|()| locate(t, &gaps, alone, expected.start, false, &mut budget))
                // Names and numbers often pass through untranslated.
                .or_else(|| locate(t, &gaps, source, expected.start, true, &mut budget))
                .or_else(|| {
                    nonempty(alone).and_then(|()| fuzzy(t, &gaps, alone, expected.start, FUZZY_THRESHOLD, &mut budget))
                })
        };
        let range = range.unwrap_or_else(|| snap(t, &gaps, &expected, !span.range.is_empty()));
        let key = (range.start, range.end, i);
        let at = children[slot].partition_point(|(r, k)| (r.start, r.end, *k) < key);
        children[slot].insert(at, (range.clone(), i));
        placed.push(range);
    }
    placed
}

/// The stretches of `outer` not taken by placed siblings (sorted); possibly empty ones.
fn free_gaps(outer: &Range<usize>, siblings: &[(Range<usize>, usize)]) -> Vec<Range<usize>> {
    let mut gaps = Vec::with_capacity(siblings.len() + 1);
    let mut pos = outer.start;
    for (r, _) in siblings {
        gaps.push(pos..r.start.max(pos));
        pos = r.end.max(pos);
    }
    gaps.push(pos..outer.end.max(pos));
    gaps
}

/// Where the span would be if the translation kept the source's proportions within the parent:
/// same relative position and length, in characters.
fn expected_place(
    text: &str,
    source_outer: &Range<usize>,
    span: &Range<usize>,
    t: &str,
    outer: &Range<usize>,
) -> Range<usize> {
    let chars = |r: Range<usize>| text.get(r).map_or(0, |s| s.chars().count());
    let total = chars(source_outer.clone()).max(1);
    let before = chars(source_outer.start..span.start);
    let through = chars(source_outer.start..span.end);
    let within = slice(t, outer);
    let count = within.chars().count();
    let at = |c: usize| {
        let c = (c * count + total / 2) / total;
        outer.start + within.char_indices().nth(c).map_or(within.len(), |(p, _)| p)
    };
    at(before)..at(through).max(at(before))
}

/// `alone` without the punctuation at its ends that the source text lacks there: a short text
/// translated alone often gains a full stop.
fn trim_to_match<'a>(alone: &'a str, source: &str) -> &'a str {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = alone;
    if word(source.chars().next()) {
        out = out.trim_start_matches(|c: char| !c.is_alphanumeric());
    }
    if word(source.chars().next_back()) {
        out = out.trim_end_matches(|c: char| !c.is_alphanumeric());
    }
    if out.is_empty() {
        alone
    } else {
        out
    }
}

/// Scripts written without spaces between words: any position between two of their letters may
/// be a word boundary.
fn spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x0F00..=0x0FFF // Tibetan
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK
        | 0xF900..=0xFAFF // CJK compatibility
        | 0x20000..=0x3FFFF)
}

/// Whether byte `pos` of `t` falls between words rather than inside one.
fn at_boundary(t: &str, pos: usize) -> bool {
    let before = t.get(..pos).and_then(|s| s.chars().next_back());
    let after = t.get(pos..).and_then(|s| s.chars().next());
    match (before, after) {
        (Some(b), Some(a)) => !(b.is_alphanumeric() && a.is_alphanumeric()) || spaceless(b) || spaceless(a),
        _ => true,
    }
}

/// The words (segments with a letter or digit) of `t` within `range`.
fn words(t: &str, range: &Range<usize>) -> Vec<Range<usize>> {
    slice(t, range)
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(p, w)| range.start + p..range.start + p + w.len())
        .collect()
}

/// The words of `t` within `gap` around `around`: those of the whole gap where it is short, so
/// that placing thousands of spans in a long text does not segment all of it each time.
fn words_near(t: &str, gap: &Range<usize>, around: &Range<usize>) -> Vec<Range<usize>> {
    const MARGIN: usize = 256;
    let mut start = around.start.saturating_sub(MARGIN).max(gap.start);
    while start > gap.start && !t.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = around.end.saturating_add(MARGIN).min(gap.end).max(start);
    while end < gap.end && !t.is_char_boundary(end) {
        end += 1;
    }
    if start == gap.start && end == gap.end {
        return words(t, gap);
    }
    let mut ws = words(t, &(start..end));
    // Words at a cut edge may be pieces of longer ones.
    if end < gap.end {
        ws.pop();
    }
    if start > gap.start && !ws.is_empty() {
        ws.remove(0);
    }
    if ws.is_empty() {
        words(t, gap)
    } else {
        ws
    }
}

/// The occurrence of `target` in the gaps, exactly or else ignoring case: whole-word ones before
/// others (only those when `whole_words`), then the nearest to `expected`.
fn locate(
    t: &str,
    gaps: &[Range<usize>],
    target: &str,
    expected: usize,
    whole_words: bool,
    budget: &mut u64,
) -> Option<Range<usize>> {
    if target.is_empty() || (whole_words && !target.chars().any(char::is_alphanumeric)) {
        return None;
    }
    let room: u64 = gaps.iter().map(|g| g.len() as u64).sum();
    if *budget < room {
        return None;
    }
    *budget -= room;
    let mut found: Vec<Range<usize>> = Vec::new();
    for g in gaps {
        for (p, m) in slice(t, g).match_indices(target) {
            found.push(g.start + p..g.start + p + m.len());
        }
    }
    if found.is_empty() {
        for g in gaps {
            let within = slice(t, g);
            for (p, _) in within.char_indices() {
                let (matched, compared) = caseless_prefix(&within[p..], target);
                *budget = budget.checked_sub(compared)?;
                if let Some(len) = matched {
                    found.push(g.start + p..g.start + p + len);
                }
            }
        }
    }
    found
        .into_iter()
        .filter_map(|r| {
            let whole = at_boundary(t, r.start) && at_boundary(t, r.end);
            (whole || !whole_words).then(|| ((!whole, r.start.abs_diff(expected)), r))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, r)| r)
}

/// The byte length of the prefix of `text` equal to `target` ignoring case, if it has one, and
/// how many characters were compared to find out.
fn caseless_prefix(text: &str, target: &str) -> (Option<usize>, u64) {
    let mut chars = text.char_indices();
    let mut compared = 0;
    for wanted in target.chars() {
        compared += 1;
        match chars.next() {
            Some((_, c)) if c == wanted || c.to_lowercase().eq(wanted.to_lowercase()) => {}
            _ => return (None, compared),
        }
    }
    (Some(chars.next().map_or(text.len(), |(p, _)| p)), compared)
}

/// The window of about as many words as `target` that is most like it, if at least `threshold`
/// alike (normalised Levenshtein over lower-cased characters).
fn fuzzy(
    t: &str,
    gaps: &[Range<usize>],
    target: &str,
    expected: usize,
    threshold: f64,
    budget: &mut u64,
) -> Option<Range<usize>> {
    let target = target.to_lowercase();
    let target_chars = target.chars().count();
    let size = words(&target, &(0..target.len())).len().max(1);
    let room: u64 = gaps.iter().map(|g| g.len() as u64).sum();
    *budget = budget.checked_sub(room)?;
    let mut best: Option<((f64, usize), Range<usize>)> = None;
    for g in gaps {
        let ws = words(t, g);
        for count in size.saturating_sub(1).max(1)..=size + 1 {
            for window in ws.windows(count) {
                let r = window[0].start..window[count - 1].end;
                let candidate = slice(t, &r).to_lowercase();
                let chars = candidate.chars().count();
                // The distance is at least the difference in length: skip windows that cannot pass.
                if (chars.abs_diff(target_chars) as f64) > (1.0 - threshold) * chars.max(target_chars) as f64 {
                    continue;
                }
                let cost = (chars as u64) * (target_chars as u64);
                if *budget < cost {
                    return best.map(|(_, r)| r);
                }
                *budget -= cost;
                let similarity = strsim::normalized_levenshtein(&candidate, &target);
                if similarity < threshold {
                    continue;
                }
                let distance = r.start.abs_diff(expected);
                let better = best
                    .as_ref()
                    .is_none_or(|((s, d), _)| similarity > *s || (similarity == *s && distance < *d));
                if better {
                    best = Some(((similarity, distance), r));
                }
            }
        }
    }
    best.map(|(_, r)| r)
}

/// The expected place moved into the free gap nearest to it and onto word boundaries; a span
/// with text covers at least one word where the gap has one.
fn snap(t: &str, gaps: &[Range<usize>], expected: &Range<usize>, has_text: bool) -> Range<usize> {
    let overlap = |g: &Range<usize>| g.end.min(expected.end).saturating_sub(g.start.max(expected.start));
    let distance = |g: &Range<usize>| {
        if expected.start < g.start {
            g.start - expected.start
        } else {
            expected.start.saturating_sub(g.end)
        }
    };
    let Some(gap) = gaps
        .iter()
        .min_by_key(|g| (std::cmp::Reverse(overlap(g)), distance(g)))
        .cloned()
    else {
        return expected.start..expected.start;
    };
    let ws = words_near(t, &gap, expected);
    let nearest = |xs: &mut dyn Iterator<Item = usize>, x: usize| xs.min_by_key(|&p| p.abs_diff(x));
    if has_text && !ws.is_empty() {
        let first = (0..ws.len())
            .min_by_key(|&k| ws[k].start.abs_diff(expected.start))
            .unwrap_or(0);
        let last = (first..ws.len())
            .min_by_key(|&k| ws[k].end.abs_diff(expected.end))
            .unwrap_or(first);
        return ws[first].start..ws[last].end;
    }
    let mut points = [gap.start, gap.end]
        .into_iter()
        .chain(ws.iter().flat_map(|w| [w.start, w.end]));
    let at = nearest(&mut points, expected.start).unwrap_or(gap.start);
    at..at
}

/// Writes the translation with the spans' markup at their places, escaping the text. Iterative,
/// so that deeply nested input cannot overflow the stack.
fn emit(run: &Run, t: &str, placed: &[Range<usize>], out: &mut String) {
    let root = run.spans.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); root + 1];
    for i in 0..root {
        children[run.parent_of(i).unwrap_or(root)].push(i);
    }
    for list in &mut children {
        list.sort_by_key(|&i| (placed[i].start, placed[i].end, i));
    }
    struct Frame {
        node: usize,
        next: usize,
        pos: usize,
        end: usize,
    }
    let mut stack = vec![Frame {
        node: root,
        next: 0,
        pos: 0,
        end: t.len(),
    }];
    while let Some(frame) = stack.last_mut() {
        if let Some(&child) = children[frame.node].get(frame.next) {
            frame.next += 1;
            let r = placed[child].clone();
            escape_into(out, slice(t, &(frame.pos..r.start)));
            frame.pos = frame.pos.max(r.end);
            match &run.spans[child].markup {
                Markup::Verbatim(element) => out.push_str(element),
                Markup::Wrap { open, .. } => {
                    out.push_str(open);
                    stack.push(Frame {
                        node: child,
                        next: 0,
                        pos: r.start,
                        end: r.end,
                    });
                }
            }
        } else {
            escape_into(out, slice(t, &(frame.pos..frame.end)));
            let node = frame.node;
            stack.pop();
            if let Some(InlineSpan {
                markup: Markup::Wrap { close, .. },
                ..
            }) = run.spans.get(node)
            {
                out.push_str(close);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut out: Vec<String> = lex(html)
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
            for token in lex(&out) {
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
}
