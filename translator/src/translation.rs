//! What goes into a translation and what comes out: sentences ([`Segment`] to [`Hypothesis`]),
//! texts ([`TextRequest`] to [`TextTranslation`]), and a text's translation rendered from its
//! sentences'. The translator and the pool both answer with these.

use langs::LangCode;

use crate::quality::Quality;
use crate::segment::Layout;

/// One sentence to translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The sentence.
    pub text: String,
    /// Its language.
    pub source: LangCode,
    /// The language to translate it into.
    pub target: LangCode,
}

/// Where a sentence's translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The model translated it.
    #[default]
    Model,
    /// The caller knew it already (a translation memory): no engine call was made.
    Memory,
}

impl Origin {
    /// Its name in answers: `model` or `memory`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Model => "model",
            Origin::Memory => "memory",
        }
    }
}

/// One translation of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// The translated sentence.
    pub text: String,
    /// Output tokens, without the leading target-language token.
    pub tokens: Vec<String>,
    /// Length-normalised log-probability; higher is better.
    pub score: f32,
    /// How far it can be trusted ([`crate::quality`]), checked where it was decoded.
    pub quality: Quality,
    /// Where it came from.
    pub origin: Origin,
}

impl Hypothesis {
    /// A translation the caller knew: no tokens, no score, nothing checked.
    pub fn known(text: &str) -> Hypothesis {
        Hypothesis {
            text: text.to_string(),
            tokens: Vec::new(),
            score: 0.0,
            quality: Quality::unchecked(),
            origin: Origin::Memory,
        }
    }
}

/// A text to translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRequest<'a> {
    /// The text, any length and layout.
    pub text: &'a str,
    /// Its language.
    pub source: LangCode,
    /// The language to translate it into.
    pub target: LangCode,
}

/// A translated text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextTranslation {
    /// The best translation, with the source's layout.
    pub text: String,
    /// Further translations, best first, when more than one was asked for.
    pub alternatives: Vec<String>,
    /// How many sentences (or chunks of long sentences) went to the model.
    pub sentences: usize,
    /// Each of those sentences with its best translation and that translation's quality, in order.
    pub sentence_quality: Vec<SentenceQuality>,
}

/// One sentence of a text, its best translation and how far that can be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceQuality {
    /// The source sentence.
    pub source: String,
    /// Its best translation.
    pub text: String,
    /// The translation's quality.
    pub quality: Quality,
    /// Where the translation came from.
    pub origin: Origin,
}

/// Renders a text from its sentences' hypotheses (one list per sentence, in order): the best
/// translation, and `alternatives - 1` further ones where a sentence has them.
pub(crate) fn render_text(
    layout: &Layout,
    target: LangCode,
    sentences: &[Vec<Hypothesis>],
    alternatives: usize,
) -> TextTranslation {
    let choice = |k: usize| -> Vec<&str> {
        sentences
            .iter()
            .map(|h| h.get(k).or(h.first()).map_or("", |h| h.text.as_str()))
            .collect()
    };
    let script = target.script();
    let sentence_quality = layout
        .sentences()
        .zip(sentences)
        .filter_map(|(source, hypotheses)| {
            let best = hypotheses.first()?;
            Some(SentenceQuality {
                source: source.to_string(),
                text: best.text.clone(),
                quality: best.quality.clone(),
                origin: best.origin,
            })
        })
        .collect();
    TextTranslation {
        text: layout.render(&choice(0), script),
        alternatives: (1..alternatives).map(|k| layout.render(&choice(k), script)).collect(),
        sentences: sentences.len(),
        sentence_quality,
    }
}
