//! Texts with spans the translation must keep: a glossary's terms (replaced by their target
//! terms) and, in plain text, `<notranslate>…</notranslate>`. A text holding either is cut into
//! lines; each line with something to keep becomes HTML with kept spans
//! (`<span translate="no">`), translated through the inline-span placement Tolk has for HTML, and
//! made plain again. Lines are marked one by one so that the text's layout survives the HTML
//! round trip (HTML collapses white space). A text with nothing to keep goes as it is.
//!
//! Every translation path uses this one type: `/v1/translate` and DeepL's shapes (plain text, and
//! HTML or XML runs), the stream, jobs, DeepL documents, `tolk translate` and `tolk batch`.

use std::ops::Range;
use std::sync::Arc;

use translator::markup::{escape_into, HtmlPlan};
use translator::TextTranslation;

use super::terms::Terms;

/// The tag that keeps a span untouched.
const OPEN: &str = "<span translate=\"no\">";
const CLOSE: &str = "</span>";
/// Tolk's marking of text to keep in plain text; the tags are left out of the translation.
const KEEP_OPEN: &str = "<notranslate>";
const KEEP_CLOSE: &str = "</notranslate>";

/// What a translation keeps: a glossary's terms, and whether plain text's `<notranslate>` is read.
#[derive(Clone, Default)]
pub struct Marker {
    terms: Option<Arc<Terms>>,
    notranslate: bool,
}

impl Marker {
    /// A marker of `terms` (when a glossary applies) and, when `notranslate`, of
    /// `<notranslate>` spans (plain text; in HTML the element is kept by the HTML reader).
    pub fn new(terms: Option<Arc<Terms>>, notranslate: bool) -> Marker {
        Marker { terms, notranslate }
    }

    /// Whether `text` holds anything to keep; cheap enough for every text.
    fn applies_to(&self, text: &str) -> bool {
        (self.notranslate && contains_ignoring_case(text, KEEP_OPEN))
            || self.terms.as_ref().is_some_and(|t| !t.find(text).is_empty())
    }

    /// The glossary entries at `indices`, each once.
    fn entries(&self, indices: &[usize]) -> Vec<(String, String)> {
        self.terms.as_ref().map_or_else(Vec::new, |t| t.entries(indices))
    }

    /// `line` as HTML with its kept spans, and the glossary entries used; `None` when nothing in
    /// it is kept.
    fn mark(&self, line: &str) -> Option<(String, Vec<usize>)> {
        let mut html = String::with_capacity(line.len() + 64);
        let mut used = Vec::new();
        let mut marked = false;
        for (range, kept) in self.kept_regions(line) {
            let piece = &line[range];
            if kept {
                push_kept(&mut html, piece);
                marked = true;
                continue;
            }
            let mut at = 0;
            for (found, entry) in self.terms.as_ref().map_or_else(Vec::new, |t| t.find(piece)) {
                escape_into(&mut html, &piece[at..found.start]);
                push_kept(
                    &mut html,
                    &self.terms.as_ref().expect("terms were found").entry(entry).1,
                );
                at = found.end;
                used.push(entry);
                marked = true;
            }
            escape_into(&mut html, &piece[at..]);
        }
        marked.then_some((html, used))
    }

    /// `line` cut into pieces to translate (false) and to keep (true, tags left out).
    fn kept_regions(&self, line: &str) -> Vec<(Range<usize>, bool)> {
        if !self.notranslate {
            return vec![(0..line.len(), false)];
        }
        let lower = line.to_ascii_lowercase();
        let mut pieces = Vec::new();
        let mut at = 0;
        while let Some(open) = lower[at..].find(KEEP_OPEN).map(|p| at + p) {
            let content = open + KEEP_OPEN.len();
            // An unclosed tag is text like any other.
            let Some(close) = lower[content..].find(KEEP_CLOSE).map(|p| content + p) else {
                break;
            };
            pieces.push((at..open, false));
            pieces.push((content..close, true));
            at = close + KEEP_CLOSE.len();
        }
        pieces.push((at..line.len(), false));
        pieces.retain(|(range, kept)| *kept || !range.is_empty());
        pieces
    }
}

fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn push_kept(html: &mut String, text: &str) {
    html.push_str(OPEN);
    escape_into(html, text);
    html.push_str(CLOSE);
}

/// A marked line's translation (HTML) as plain text again: the kept spans' tags gone, the
/// escapes undone (`&amp;` last, so that an escaped `&lt;` stays `&lt;`).
fn unmark(html: &str) -> String {
    html.replace(OPEN, "")
        .replace(CLOSE, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One line of a marked text.
enum Part {
    /// Layout (line breaks, blank lines, spacing at a line's ends), kept as it is.
    Layout(String),
    /// A line with nothing to keep: one plain unit.
    Plain(usize),
    /// A line with kept spans, as HTML: the units `first..end`.
    Marked { plan: HtmlPlan, first: usize, end: usize },
}

/// How one text is translated.
enum TextPlan {
    /// As it is: one unit.
    Whole(usize),
    /// Line by line.
    Lines(Vec<Part>),
}

/// Texts cut into the units to translate, with what each kept; see the module documentation.
pub struct MarkedTexts {
    /// The texts to send to the model, in order.
    pub units: Vec<String>,
    plans: Vec<TextPlan>,
    /// Per unit: the text it belongs to.
    unit_text: Vec<usize>,
    /// Per text: the glossary entries whose source term occurred, each once.
    pub terms_used: Vec<Vec<(String, String)>>,
}

impl MarkedTexts {
    /// Cuts `texts` for `marker`.
    pub fn new(marker: &Marker, texts: Vec<String>) -> MarkedTexts {
        let mut units = Vec::with_capacity(texts.len());
        let mut plans = Vec::with_capacity(texts.len());
        let mut terms_used = Vec::with_capacity(texts.len());
        let mut unit_text = Vec::with_capacity(texts.len());
        for (i, text) in texts.into_iter().enumerate() {
            if !marker.applies_to(&text) {
                units.push(text);
                plans.push(TextPlan::Whole(units.len() - 1));
                terms_used.push(Vec::new());
            } else {
                let mut used = Vec::new();
                plans.push(TextPlan::Lines(lines(marker, &text, &mut units, &mut used)));
                terms_used.push(marker.entries(&used));
            }
            unit_text.resize(units.len(), i);
        }
        MarkedTexts {
            units,
            plans,
            unit_text,
            terms_used,
        }
    }

    /// For each unit, the index of the text it belongs to.
    pub fn unit_texts(&self) -> impl Iterator<Item = usize> + '_ {
        self.unit_text.iter().copied()
    }

    /// Whether any text has something kept (otherwise the units are the texts).
    pub fn any_marked(&self) -> bool {
        self.plans.iter().any(|p| matches!(p, TextPlan::Lines(_)))
    }

    /// The texts' translations from the units' (`results[i]` for unit `i`), in text order.
    pub fn assemble(&self, mut results: Vec<TextTranslation>) -> Vec<TextTranslation> {
        self.plans
            .iter()
            .map(|plan| match plan {
                TextPlan::Whole(unit) => std::mem::take(&mut results[*unit]),
                TextPlan::Lines(parts) => {
                    let mut out = TextTranslation::default();
                    for part in parts {
                        match part {
                            Part::Layout(layout) => out.text.push_str(layout),
                            Part::Plain(unit) => {
                                let result = &results[*unit];
                                out.text.push_str(&result.text);
                                out.sentences += result.sentences;
                                out.sentence_quality.extend(result.sentence_quality.iter().cloned());
                            }
                            Part::Marked { plan, first, end } => {
                                // The plan's indices are the units', as `lines` appended them.
                                out.text.push_str(&unmark(&plan.render(|i| results[i].text.as_str())));
                                for result in &results[*first..*end] {
                                    out.sentences += result.sentences;
                                    out.sentence_quality.extend(result.sentence_quality.iter().cloned());
                                }
                            }
                        }
                    }
                    out
                }
            })
            .collect()
    }
}

/// Cuts `text` into lines for `marker`, adding their units; `used` gains the entries found.
fn lines(marker: &Marker, text: &str, units: &mut Vec<String>, used: &mut Vec<usize>) -> Vec<Part> {
    let mut parts = Vec::new();
    for line in text.split_inclusive('\n') {
        let content = line.trim();
        if content.is_empty() {
            parts.push(Part::Layout(line.to_string()));
            continue;
        }
        let start = line.len() - line.trim_start().len();
        parts.push(Part::Layout(line[..start].to_string()));
        let first = units.len();
        match marker.mark(content) {
            Some((html, found)) => {
                used.extend(found);
                let plan = HtmlPlan::new(&html, units);
                parts.push(Part::Marked {
                    plan,
                    first,
                    end: units.len(),
                });
            }
            None => {
                units.push(content.to_string());
                parts.push(Part::Plain(first));
            }
        }
        parts.push(Part::Layout(line[start + content.len()..].to_string()));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(entries: &[(&str, &str)], notranslate: bool) -> Marker {
        let owned: Vec<(String, String)> = entries.iter().map(|(s, t)| (s.to_string(), t.to_string())).collect();
        let terms = (!owned.is_empty()).then(|| Arc::new(Terms::new(&owned).unwrap()));
        Marker::new(terms, notranslate)
    }

    /// Each unit's "translation": its text upper-cased, as a stand-in for the model.
    fn upper(marked: &MarkedTexts) -> Vec<String> {
        let results = marked
            .units
            .iter()
            .map(|u| TextTranslation {
                text: u.to_uppercase(),
                ..TextTranslation::default()
            })
            .collect();
        marked.assemble(results).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn terms_and_notranslate_spans_are_kept_byte_for_byte() {
        let m = marker(&[("nurse", "omusawo")], true);
        let texts = vec![
            "Ask the nurse.\n\n  Call <NoTranslate>Dr. <Okello> & co</notranslate> now.".to_string(),
            "nothing to keep".to_string(),
        ];
        let marked = MarkedTexts::new(&m, texts);
        assert!(marked.any_marked());
        assert_eq!(
            marked.terms_used,
            [vec![("nurse".to_string(), "omusawo".to_string())], vec![]]
        );
        let out = upper(&marked);
        assert_eq!(out[0], "ASK THE omusawo.\n\n  CALL Dr. <Okello> & co NOW.");
        assert_eq!(out[1], "NOTHING TO KEEP");
    }

    #[test]
    fn an_unclosed_tag_is_text_and_notranslate_can_be_off() {
        let on = marker(&[], true);
        assert_eq!(
            upper(&MarkedTexts::new(&on, vec!["a <notranslate> b".to_string()])),
            ["A <NOTRANSLATE> B"]
        );
        let off = marker(&[], false);
        let text = "keep <notranslate>x</notranslate>".to_string();
        assert!(!MarkedTexts::new(&off, vec![text.clone()]).any_marked());
        // A line that is all kept comes back as it is.
        assert_eq!(
            upper(&MarkedTexts::new(
                &on,
                vec!["<notranslate>x y</notranslate>".to_string()]
            )),
            ["x y"]
        );
    }

    #[test]
    fn terms_inside_notranslate_are_not_replaced() {
        let m = marker(&[("nurse", "omusawo")], true);
        let marked = MarkedTexts::new(&m, vec!["<notranslate>nurse</notranslate> nurse".to_string()]);
        assert_eq!(upper(&marked), ["nurse omusawo"]);
    }
}
