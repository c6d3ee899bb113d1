//! A run of text to translate and the inline elements inside it: what the parser builds and the
//! placement of translated spans reads.

use std::ops::Range;

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
    pub(super) region: Range<usize>,
    /// The source's white space before the run's first text, kept in the output.
    pub(super) lead: Range<usize>,
    /// The source's white space after the run's last text, kept in the output.
    pub(super) trail: Range<usize>,
}

/// An inline element inside a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSpan {
    /// The byte range of the element's text within [`Run::text`], white space at its ends excluded.
    pub range: Range<usize>,
    /// The index of the enclosing span, if any.
    pub(super) parent: Option<usize>,
    pub(super) markup: Markup,
}

/// What a span puts into the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Markup {
    /// Tags around the translated text: `open` is empty for a stray close tag, `close` for an
    /// element left unclosed or without content.
    Wrap { open: String, close: String },
    /// The whole element as in the source, in place of the text found for it.
    Verbatim(String),
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
    pub(super) fn outer_range(&self, i: usize) -> Range<usize> {
        match self.parent_of(i) {
            Some(p) => self.spans[p].range.clone(),
            None => 0..self.text.len(),
        }
    }

    /// The parent of span `i`; parents always come first, which the filter makes sure of.
    pub(super) fn parent_of(&self, i: usize) -> Option<usize> {
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
pub(super) fn slice<'a>(text: &'a str, range: &Range<usize>) -> &'a str {
    text.get(range.clone()).unwrap_or("")
}
