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
//! The source goes through `lexer` (tokens that tile it), `parser` (tokens into kept pieces and
//! runs, [`Run`] and [`InlineSpan`] in `run`) and, on the way back, `placement` (each span's place
//! in its run's translation). Entities are decoded and text escaped by `crate::entities`, which
//! the document formats share.
//!
//! Everything else is kept byte for byte: tags with their attributes (attribute values such as
//! `alt` and `title` are not translated), entities outside translated text, comments, doctypes,
//! and the whole of `<script>`, `<style>`, `<textarea>`, `<pre>`, `<svg>`, `<math>`, inline
//! `<code>`, `<kbd>`, `<samp>`, `<var>` and any element marked `translate="no"` or with class
//! `notranslate` or Tolk's own `<notranslate>` element (a `translate="yes"` inside one is not
//! honoured). XML ([`Dialect::Xml`]) is read by the same code with DeepL's rules. Nothing here fails: malformed
//! markup is kept as it is as far as possible.
//!
//! Translated text is written back with only `&`, `<` and `>` escaped, so an entity inside it such
//! as `&nbsp;` comes back as its character.

mod dialect;
mod lexer;
mod parser;
mod placement;
mod run;
#[cfg(test)]
mod tests;

pub use dialect::{Dialect, XmlRules};
pub use run::{InlineSpan, Run};

use parser::Piece;
use run::slice;

/// An HTML fragment or document cut into what to translate and what to keep. Attribute values
/// (`alt`, `title`, `placeholder`, …) are never translated: that is out of scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlDocument {
    source: String,
    pieces: Vec<Piece>,
    runs: Vec<Run>,
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
        HtmlDocument::parse_as(html, &Dialect::Html)
    }

    /// As [`HtmlDocument::parse`], for markup of the given dialect.
    pub fn parse_as(html: &str, dialect: &Dialect) -> HtmlDocument {
        let (pieces, runs) = parser::parse(html, dialect);
        HtmlDocument {
            source: html.to_string(),
            pieces,
            runs,
        }
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
                            placement::render_run(run, &translation.text, &translation.spans, &mut out);
                            out.push_str(slice(&self.source, &run.trail));
                        }
                    }
                }
            }
        }
        out
    }
}
