//! Tolk's own JSON shapes for translation, shared by `/v1/translate` and its stream: the request
//! body, decoding options and the answer for each text.

use langs::LangCode;
use serde::{Deserialize, Serialize};
use translator::quality::Retry;
use translator::{Priority, Sampling, TranslateOptions};
use utoipa::ToSchema;

use super::body::TextInput;
use crate::app::fields;
use crate::app::glossary::GlossaryChoice;
use crate::app::memory::fuzzy::Suggestion;
use crate::app::memory::Matching;
use crate::app::translation::{Detected, TextFormat, TranslatedText, TranslationRequest};
use crate::app::Error;

/// `text` or `html`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
#[schema(as = FormatName)]
pub enum TextFormatBody {
    /// Plain text; layout (line breaks, indentation) is kept.
    #[default]
    Text,
    /// HTML: text is translated, tags, attributes, entities and code are kept.
    Html,
}

/// Decoding options; every field is optional.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OptionsBody {
    /// Beam width, 1 (greedy, fastest) to 16. Default 4.
    #[schema(minimum = 1, maximum = 16)]
    pub beam_size: Option<usize>,
    /// Translations to return per text, best first, at most `beam_size` (the beam widens to
    /// fit when `beam_size` is not given). Default 1.
    #[schema(minimum = 1, maximum = 16)]
    pub alternatives: Option<usize>,
    /// Length normalisation exponent, 0 to 5. Default 1.
    #[schema(minimum = 0, maximum = 5)]
    pub length_penalty: Option<f32>,
    /// Penalty on repeated tokens, 1 (none) to 10. Default 1.
    #[schema(minimum = 1, maximum = 10)]
    pub repetition_penalty: Option<f32>,
    /// Forbid repeating n-grams of this size; 0 is off. Default 0.
    #[schema(minimum = 0, maximum = 32)]
    pub no_repeat_ngram_size: Option<usize>,
    /// Sample instead of beam search (needs `beam_size` 1).
    pub sampling: Option<SamplingBody>,
    /// Decode a sentence the quality checks flag once more (beam 4 or more, repetition penalty
    /// 1.2, no repeated trigram) and keep the better translation; its quality then says
    /// `retry: replaced` or `kept`. Default true.
    pub retry_flagged: Option<bool>,
}

/// Random sampling.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SamplingBody {
    /// Sample among the k most likely tokens; 0 is all. Default 0.
    #[schema(minimum = 0, maximum = 1000)]
    pub top_k: Option<usize>,
    /// Nucleus sampling threshold in (0, 1]. Default 1.
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub top_p: Option<f32>,
    /// Temperature in (0, 10]. Default 1.
    #[schema(exclusive_minimum = 0, maximum = 10)]
    pub temperature: Option<f32>,
}

impl OptionsBody {
    /// The translator's options, defaults filled in (checked later by the translator).
    pub fn into_options(self) -> TranslateOptions {
        let defaults = TranslateOptions::default();
        let sampling_defaults = Sampling::default();
        // Asking for more alternatives than the default beam holds means a wider beam.
        let beam_size = self
            .beam_size
            .unwrap_or_else(|| defaults.beam_size.max(self.alternatives.unwrap_or(1)));
        TranslateOptions {
            beam_size,
            alternatives: self.alternatives.unwrap_or(defaults.alternatives),
            length_penalty: self.length_penalty.unwrap_or(defaults.length_penalty),
            repetition_penalty: self.repetition_penalty.unwrap_or(defaults.repetition_penalty),
            no_repeat_ngram_size: self.no_repeat_ngram_size.unwrap_or(defaults.no_repeat_ngram_size),
            sampling: self.sampling.map(|s| Sampling {
                top_k: s.top_k.unwrap_or(sampling_defaults.top_k),
                top_p: s.top_p.unwrap_or(sampling_defaults.top_p),
                temperature: s.temperature.unwrap_or(sampling_defaults.temperature),
            }),
            retry_flagged: self.retry_flagged.unwrap_or(defaults.retry_flagged),
        }
    }
}

/// A translation request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslateBody {
    /// The text, or a list of texts.
    pub text: TextInput,
    /// Their language: a code or name (`eng_Latn`, `en`, `English`), or `auto` (the default) to
    /// detect each text's language.
    #[schema(example = "auto")]
    pub source: Option<String>,
    /// The language to translate into: a code or name (`quy_Latn`, `Quechua`).
    #[schema(example = "fra_Latn")]
    pub target: String,
    /// `text` (default) or `html`.
    #[serde(default)]
    pub format: TextFormatBody,
    /// Decoding options.
    #[serde(default)]
    pub options: OptionsBody,
    /// Which model translates (see `/v1/models`); the server's default when absent.
    pub model: Option<String>,
    /// A glossary whose terms the translation keeps (docs/glossaries.md): a stored glossary's id,
    /// or `{"entries": [{"source", "target"}]}` for this request. Needs a given source language.
    pub glossary: Option<GlossaryRefBody>,
}

/// A glossary for one translation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum GlossaryRefBody {
    /// A stored glossary's id (`/v1/glossaries`).
    Stored(String),
    /// Entries for this request.
    Inline {
        /// Source and target terms.
        entries: Vec<TermBody>,
    },
}

/// A source term and its target term.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermBody {
    /// The source term.
    #[schema(example = "health centre")]
    pub source: String,
    /// What it is in the translation.
    #[schema(example = "eddwaliro")]
    pub target: String,
}

impl TranslateBody {
    /// The request for the translation service.
    pub fn into_request(self) -> Result<TranslationRequest, Error> {
        Ok(TranslationRequest {
            source: fields::parse_source("source", self.source.as_deref())?,
            target: fields::parse_target("target", Some(&self.target))?,
            texts: self.text.into_vec(),
            format: match self.format {
                TextFormatBody::Text => TextFormat::Text,
                TextFormatBody::Html => TextFormat::Html,
            },
            options: self.options.into_options(),
            model: self.model,
            priority: Priority::Interactive,
            owner: None,
            matching: Matching::WithSuggestions,
            glossary: self.glossary.map(|g| match g {
                GlossaryRefBody::Stored(id) => GlossaryChoice::Stored(id),
                GlossaryRefBody::Inline { entries } => {
                    GlossaryChoice::Inline(entries.into_iter().map(|t| (t.source, t.target)).collect())
                }
            }),
        })
    }
}

/// A language as answers name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguageRef {
    /// NLLB code, e.g. `fra_Latn`.
    pub code: String,
    /// English name.
    pub name: String,
}

impl From<LangCode> for LanguageRef {
    fn from(code: LangCode) -> Self {
        LanguageRef {
            code: code.as_str().to_string(),
            name: code.info().name.to_string(),
        }
    }
}

/// A language with its probability.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateBody {
    /// NLLB code.
    pub code: String,
    /// English name.
    pub name: String,
    /// Probability, 0 to 1.
    pub confidence: f64,
}

impl CandidateBody {
    /// The body of `code` with its probability.
    pub fn new(code: LangCode, confidence: f64) -> Self {
        CandidateBody {
            code: code.as_str().to_string(),
            name: code.info().name.to_string(),
            confidence,
        }
    }

    /// The bodies of a detection's candidates, in order.
    pub fn list(candidates: &[langs::Candidate]) -> Vec<Self> {
        candidates
            .iter()
            .map(|c| CandidateBody::new(c.language, c.confidence))
            .collect()
    }
}

/// A detected language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetectedBody {
    /// NLLB code.
    pub code: String,
    /// English name.
    pub name: String,
    /// Probability, 0 to 1.
    pub confidence: f64,
    /// Whether the detection can be trusted; when false, the text was translated from the best
    /// guess and a client that can ask its user should offer `candidates` instead.
    pub reliable: bool,
    /// The best candidates among the model's languages, most likely first.
    pub candidates: Vec<CandidateBody>,
}

impl From<Detected> for DetectedBody {
    fn from(d: Detected) -> Self {
        DetectedBody {
            code: d.language.as_str().to_string(),
            name: d.language.info().name.to_string(),
            confidence: d.confidence,
            reliable: d.reliable,
            candidates: CandidateBody::list(&d.candidates),
        }
    }
}

/// One text's translation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslationItem {
    /// The translation.
    pub text: String,
    /// Further translations, best first, when `options.alternatives` > 1.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// The source language used; null for a text with no letters, which is returned as is.
    pub source: Option<LanguageRef>,
    /// The detected language, when the source was `auto`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<DetectedBody>,
    /// How far the whole translation can be trusted: its sentences' worst level, every flag any
    /// of them has, and their mean score; null when nothing was translated (docs/quality.md).
    pub quality: Option<QualityBody>,
    /// Each sentence translated, with its quality, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<SentenceBody>,
    /// The glossary's entries whose source term occurred, each once; their target terms are in
    /// the translation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub glossary_terms: Vec<TermBody>,
}

/// How far a translation can be trusted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityBody {
    /// Length-normalised log-probability the model gave the output; higher is better, 0 at best.
    pub score: f32,
    /// `good`, `uncertain` or `poor`.
    pub level: String,
    /// What the checks found: `off_target`, `wrong_script`, `copied`, `repetition`, `length`,
    /// `numbers`, `added_toxicity`.
    pub flags: Vec<String>,
    /// Present when a flagged sentence was decoded a second time (`options.retry_flagged`):
    /// `replaced` when the second translation was better and is the one given, `kept` when the
    /// first stayed. For a whole text: `replaced` when any of its sentences was replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "replaced")]
    pub retry: Option<&'static str>,
}

impl QualityBody {
    /// The body of one sentence's quality.
    pub fn of(quality: &translator::quality::Quality) -> Self {
        QualityBody {
            score: quality.score,
            level: quality.level.as_str().to_string(),
            flags: quality.flags.iter().map(|f| f.as_str().to_string()).collect(),
            retry: quality.retry.map(|r| r.as_str()),
        }
    }

    /// A text's quality from its sentences': the worst level, every flag, the mean score.
    fn of_text(sentences: &[translator::SentenceQuality]) -> Option<Self> {
        let worst = sentences.iter().map(|s| s.quality.level).max()?;
        let mut flags: Vec<_> = sentences.iter().flat_map(|s| s.quality.flags.iter().copied()).collect();
        flags.sort();
        flags.dedup();
        let score = sentences.iter().map(|s| s.quality.score).sum::<f32>() / sentences.len() as f32;
        let retry = sentences
            .iter()
            .filter_map(|s| s.quality.retry)
            .max_by_key(|&r| r == Retry::Replaced);
        Some(QualityBody {
            score,
            level: worst.as_str().to_string(),
            flags: flags.iter().map(|f| f.as_str().to_string()).collect(),
            retry: retry.map(|r| r.as_str()),
        })
    }
}

/// One translated sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SentenceBody {
    /// The source sentence.
    pub source: String,
    /// Its translation.
    pub text: String,
    /// How far the translation can be trusted.
    pub quality: QualityBody,
    /// `model`, or `memory` when the translation is a correction from the key's translation
    /// memory (docs/memory.md).
    #[schema(example = "model")]
    pub origin: &'static str,
    /// Near matches from the key's translation memory (at least the server's similarity, 75% by
    /// default), best first; absent when there are none (docs/memory.md).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

impl From<TranslatedText> for TranslationItem {
    fn from(t: TranslatedText) -> Self {
        TranslationItem {
            quality: QualityBody::of_text(&t.sentences),
            sentences: t
                .sentences
                .iter()
                .map(|s| SentenceBody {
                    source: s.source.clone(),
                    text: s.text.clone(),
                    quality: QualityBody::of(&s.quality),
                    origin: s.origin.as_str(),
                    suggestions: t.suggestions.get(&s.source).cloned().unwrap_or_default(),
                })
                .collect(),
            glossary_terms: t
                .glossary_terms
                .into_iter()
                .map(|(source, target)| TermBody { source, target })
                .collect(),
            text: t.text,
            alternatives: t.alternatives,
            source: t.source.map(LanguageRef::from),
            detected: t.detected.map(DetectedBody::from),
        }
    }
}

/// Translations, one per text, in request order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranslateResponse {
    /// One per text.
    pub translations: Vec<TranslationItem>,
}
