//! Translation as every API flavour asks for it: texts, a source language or `auto`, a target,
//! plain text or HTML. Detects each text's language on its own, sends texts of one source
//! language to the pool together (all groups at once, so they share engine calls), and puts
//! the answers back in request order. The HTTP adapters and the stream only translate their
//! shapes to and from this.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use futures_util::future::try_join_all;
use langs::{Detector, LangCode, SourceChoice};
use translator::markup::HtmlPlan;
use translator::{Pool, PoolError, Priority, SentenceStream, Submission, TranslateOptions};

use super::error::Error;
use super::glossary::terms::{self, Terms};
use super::glossary::GlossaryChoice;
use super::memory::fuzzy::Suggestion;
use super::memory::Matching;
use super::registry::Model;
use super::Core;

/// How the texts of a request are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFormat {
    /// Plain text: layout kept, everything translated.
    #[default]
    Text,
    /// HTML: text nodes translated; tags, attributes and code kept.
    Html,
}

impl TextFormat {
    /// Reads `text` or `html` (any case); `None` is plain text.
    pub fn parse(value: Option<&str>) -> Result<TextFormat, Error> {
        match value.map(str::trim) {
            None | Some("") => Ok(TextFormat::Text),
            Some(v) if v.eq_ignore_ascii_case("text") => Ok(TextFormat::Text),
            Some(v) if v.eq_ignore_ascii_case("html") => Ok(TextFormat::Html),
            Some(other) => Err(Error::InvalidOption(format!(
                "invalid option format = {other:?}: accepted values are text and html"
            ))),
        }
    }
}

/// Texts to translate and how.
#[derive(Debug, Clone)]
pub struct TranslationRequest {
    /// The texts.
    pub texts: Vec<String>,
    /// Their language.
    pub source: SourceChoice,
    /// The language to translate into.
    pub target: LangCode,
    /// Plain text or HTML.
    pub format: TextFormat,
    /// Decoding options.
    pub options: TranslateOptions,
    /// Which model; `None` is the default one.
    pub model: Option<String>,
    /// Interactive (someone waits) or bulk (files).
    pub priority: Priority,
    /// Whose translation memory answers the sentences it holds ([`crate::app::memory`]); `None`
    /// is the memory of a server without keys.
    pub owner: Option<String>,
    /// Whether the memory's near matches are wanted beside the translations (Tolk's own API
    /// shows them; the LibreTranslate and DeepL shapes have no place for them).
    pub matching: Matching,
    /// The glossary whose terms the translations use ([`crate::app::glossary`]); plain text with a
    /// given source language only.
    pub glossary: Option<GlossaryChoice>,
}

/// A detected language.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The language.
    pub language: LangCode,
    /// Probability, 0 to 1.
    pub confidence: f64,
    /// Whether the answer can be acted on; a short or ambiguous text is not, and a caller that can
    /// ask its user should offer the candidates instead of trusting the guess.
    pub reliable: bool,
    /// The best candidates among the model's languages, best first.
    pub candidates: Vec<langs::Candidate>,
}

/// One text's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TranslatedText {
    /// The translation.
    pub text: String,
    /// Further translations, best first, when asked for.
    pub alternatives: Vec<String>,
    /// The source language used; `None` for a text with nothing to translate (no letters).
    pub source: Option<LangCode>,
    /// The detection, when the source was `auto`.
    pub detected: Option<Detected>,
    /// Each sentence translated, with its quality, in order (empty for a text with nothing to
    /// translate).
    pub sentences: Vec<translator::SentenceQuality>,
    /// The translation memory's near matches for those sentences, by sentence (docs/memory.md).
    pub suggestions: HashMap<String, Vec<Suggestion>>,
    /// The glossary entries (source and target terms) whose source term occurred, each once.
    pub glossary_terms: Vec<(String, String)>,
}

/// Refuses requests over the server's limits; returns the characters counted.
pub fn check_limits(core: &Core, texts: &[String]) -> Result<usize, Error> {
    let limits = &core.settings;
    if texts.is_empty() {
        return Err(Error::Missing(
            "no text to translate: send at least one text".to_string(),
        ));
    }
    if texts.len() > limits.max_texts {
        return Err(Error::TooManyTexts {
            count: texts.len(),
            limit: limits.max_texts,
        });
    }
    let count: usize = texts.iter().map(|t| t.chars().count()).sum();
    if count > limits.max_chars {
        return Err(Error::TooManyCharacters {
            count,
            limit: limits.max_chars,
        });
    }
    Ok(count)
}

/// The language of `text` among `languages`; `None` when it has no letters.
fn detect_among(languages: &[LangCode], text: &str) -> Option<Detected> {
    Detector::shared()
        .detect_among(text, Some(languages))
        .map(|d| Detected {
            language: d.language,
            confidence: d.confidence,
            reliable: d.reliable,
            candidates: d.candidates,
        })
}

/// The language of `text` among the model's, `None` when it has no letters; on a blocking thread,
/// as it takes up to a millisecond (tens the first time a script is seen) and the async runtime
/// must keep serving.
pub async fn detect_off_runtime(model: &Model, text: &str) -> Option<Detected> {
    let languages = model.pool.translator().languages().to_vec();
    let text = text.to_string();
    tokio::task::spawn_blocking(move || detect_among(&languages, &text))
        .await
        .ok()
        .flatten()
}

/// The language of each text among all languages (what `/detect` endpoints answer), `None` for a
/// text without letters; on a blocking thread, like [`detect_off_runtime`].
pub async fn detect_texts(texts: Vec<String>) -> Vec<Option<langs::Detection>> {
    let count = texts.len();
    tokio::task::spawn_blocking(move || texts.iter().map(|t| Detector::shared().detect(t)).collect())
        .await
        .unwrap_or_else(|_| vec![None; count])
}

/// The source language of one text and, when it was detected, the detection; no language for a
/// text with no letters.
async fn source_of(model: &Model, choice: SourceChoice, text: &str) -> (Option<LangCode>, Option<Detected>) {
    match choice {
        SourceChoice::Given(code) => (Some(code), None),
        SourceChoice::Auto => {
            let detected = detect_off_runtime(model, text).await;
            (detected.as_ref().map(|d| d.language), detected)
        }
    }
}

/// One text of a streamed translation: the answer so far, and its sentences as they are translated.
pub struct StreamedText {
    /// The text.
    pub text: String,
    /// Its answer, the translation still empty.
    pub answer: TranslatedText,
    /// Its sentences in order; `None` for a text with nothing to translate, its own translation.
    pub sentences: Option<SentenceStream>,
}

impl StreamedText {
    /// The translation memory's near matches for one of its sentences.
    pub fn suggestions(&self, sentence: &str) -> &[Suggestion] {
        self.answer.suggestions.get(sentence).map_or(&[], Vec::as_slice)
    }
}

/// Starts a streamed translation of plain texts: each text is detected (for `auto`) and submitted
/// on its own, so that sentences of all texts share engine calls, and all are submitted before
/// anything is answered, so that a full queue is refused at once. Dropping the streams withdraws
/// what has not started.
pub async fn stream(core: &Core, request: TranslationRequest) -> Result<Vec<StreamedText>, Error> {
    if request.format == TextFormat::Html {
        return Err(Error::InvalidOption(
            "invalid option format = html: streaming translates plain text; use /v1/translate for HTML".to_string(),
        ));
    }
    check_limits(core, &request.texts)?;
    request.options.validate()?;
    if request.glossary.is_some() {
        // Refused rather than ignored: a translation without the terms asked for is wrong.
        return Err(Error::InvalidOption(
            "invalid option glossary: the stream does not apply glossaries yet; use /v1/translate".to_string(),
        ));
    }
    let model = core.models.model(request.model.as_deref())?;
    let deadline = deadline(core);
    let mut texts = Vec::with_capacity(request.texts.len());
    for text in request.texts {
        let (source, detected) = source_of(&model, request.source, &text).await;
        let mut suggestions = HashMap::new();
        let sentences = match source {
            Some(source) => {
                let matches = core
                    .memory_matches(
                        request.owner.as_deref(),
                        &model,
                        (source, request.target),
                        std::slice::from_ref(&text),
                        request.matching,
                    )
                    .await?;
                suggestions = matches.fuzzy;
                let submission = Submission::new(vec![text.clone()], source, request.target)
                    .known(matches.exact)
                    .options(request.options.clone())
                    .priority(request.priority)
                    .deadline(deadline);
                Some(start_on_pool(&model, submission, Pool::stream).await?)
            }
            None => None,
        };
        texts.push(StreamedText {
            text,
            answer: TranslatedText {
                source,
                detected,
                suggestions,
                ..TranslatedText::default()
            },
            sentences,
        });
    }
    Ok(texts)
}

/// One thing to send to the pool: a whole text, an HTML run, or an inline span of a run.
struct Unit {
    source: LangCode,
    text: String,
}

/// One line of a text a glossary applies to.
enum Part {
    /// Layout (line breaks, blank lines, spacing at a line's ends), kept as it is.
    Layout(String),
    /// A line without glossary terms: one plain unit.
    Plain(usize),
    /// A line with terms, as HTML with the target terms in kept spans: the units `first..end`.
    Marked { plan: HtmlPlan, first: usize, end: usize },
}

/// A request item cut into units.
enum Plan {
    /// Nothing to translate; answered as is.
    Verbatim(String),
    /// Plain text: one unit.
    Text { unit: usize },
    /// HTML: the plan's texts are the units `first..end`.
    Html { plan: HtmlPlan, first: usize, end: usize },
    /// Plain text with glossary terms, line by line.
    Glossary(Vec<Part>),
}

/// Cuts `text` into lines for the glossary's `terms`, adding their units; `None` when no term
/// occurs (the text is then translated as usual). Lines are marked one by one so that the text's
/// layout survives the HTML round trip; `used` gains the entries found.
fn glossary_parts(
    terms: &Terms,
    text: &str,
    source: LangCode,
    units: &mut Vec<Unit>,
    used: &mut Vec<usize>,
) -> Option<Vec<Part>> {
    let (units_before, used_before) = (units.len(), used.len());
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
        match terms.mark(content) {
            Some((html, found)) => {
                used.extend(found);
                let mut texts = Vec::new();
                let plan = HtmlPlan::new(&html, &mut texts);
                units.extend(texts.into_iter().map(|text| Unit { source, text }));
                parts.push(Part::Marked {
                    plan,
                    first,
                    end: units.len(),
                });
            }
            None => {
                units.push(Unit {
                    source,
                    text: content.to_string(),
                });
                parts.push(Part::Plain(first));
            }
        }
        parts.push(Part::Layout(line[start + content.len()..].to_string()));
    }
    if used.len() == used_before {
        // No term anywhere: the text goes as one plain unit, as without a glossary.
        units.truncate(units_before);
        return None;
    }
    Some(parts)
}

/// Translates every text of `request`; see the module documentation.
pub async fn translate(core: &Core, mut request: TranslationRequest) -> Result<Vec<TranslatedText>, Error> {
    check_limits(core, &request.texts)?;
    request.options.validate()?;
    let model = core.models.model(request.model.as_deref())?;
    let terms = match request.glossary.take() {
        None => None,
        Some(choice) => {
            if request.format == TextFormat::Html {
                return Err(Error::InvalidOption(
                    "invalid option format = html with a glossary: glossaries apply to plain text in this version"
                        .to_string(),
                ));
            }
            let SourceChoice::Given(source) = request.source else {
                return Err(Error::Missing(
                    "source: a glossary needs the source language (it is not detected)".to_string(),
                ));
            };
            Some(
                core.glossary_terms(request.owner.as_deref(), choice, (source, request.target))
                    .await?,
            )
        }
    };
    let mut units: Vec<Unit> = Vec::new();
    let mut plans = Vec::with_capacity(request.texts.len());
    let sources: Vec<String> = if core.settings.log_content {
        request.texts.clone()
    } else {
        Vec::new()
    };
    let mut answers = Vec::with_capacity(request.texts.len());
    for text in std::mem::take(&mut request.texts) {
        let mut plan_texts = Vec::new();
        let html = (request.format == TextFormat::Html).then(|| HtmlPlan::new(&text, &mut plan_texts));
        let sample = html.as_ref().map_or_else(|| text.clone(), HtmlPlan::plain_text);
        let (source, detected) = source_of(&model, request.source, &sample).await;
        answers.push(TranslatedText {
            source,
            detected,
            ..TranslatedText::default()
        });
        let Some(source) = source else {
            plans.push(Plan::Verbatim(text));
            continue;
        };
        let first = units.len();
        if let (Some(terms), None) = (&terms, &html) {
            let mut used = Vec::new();
            if let Some(parts) = glossary_parts(terms, &text, source, &mut units, &mut used) {
                let answer = answers.last_mut().expect("an answer per text");
                answer.glossary_terms = terms.entries(&used);
                plans.push(Plan::Glossary(parts));
                continue;
            }
        }
        plans.push(match html {
            None => {
                units.push(Unit { source, text });
                Plan::Text { unit: first }
            }
            Some(plan) => {
                units.extend(plan_texts.into_iter().map(|text| Unit { source, text }));
                Plan::Html {
                    plan,
                    first,
                    end: units.len(),
                }
            }
        });
    }

    let started = Instant::now();
    let (results, suggestions) = run_units(core, &request, &model, &units, deadline(core)).await?;
    let log_content = core.settings.log_content;
    for (plan, answer) in plans.into_iter().zip(answers.iter_mut()) {
        match plan {
            Plan::Verbatim(text) => answer.text = text,
            Plan::Text { unit } => {
                let translation = &results[unit];
                answer.text = translation.text.clone();
                answer.alternatives = translation.alternatives.clone();
                answer.sentences = translation.sentence_quality.clone();
            }
            Plan::Html { plan, first, end } => {
                answer.text = plan.render(|i| results[first + i].text.as_str());
                answer.sentences = results[first..end]
                    .iter()
                    .flat_map(|t| t.sentence_quality.iter().cloned())
                    .collect();
            }
            Plan::Glossary(parts) => {
                for part in parts {
                    match part {
                        Part::Layout(layout) => answer.text.push_str(&layout),
                        Part::Plain(unit) => {
                            answer.text.push_str(&results[unit].text);
                            answer.sentences.extend(results[unit].sentence_quality.iter().cloned());
                        }
                        Part::Marked { plan, first, end } => {
                            answer
                                .text
                                .push_str(&terms::unmark(&plan.render(|i| results[first + i].text.as_str())));
                            answer.sentences.extend(
                                results[first..end]
                                    .iter()
                                    .flat_map(|t| t.sentence_quality.iter().cloned()),
                            );
                        }
                    }
                }
            }
        }
        if !suggestions.is_empty() {
            for sentence in &answer.sentences {
                if let Some(found) = suggestions.get(&sentence.source) {
                    answer.suggestions.insert(sentence.source.clone(), found.clone());
                }
            }
        }
    }
    // Privacy by default: what was translated is logged by size and language only.
    for (i, answer) in answers.iter().enumerate() {
        tracing::info!(
            text = i,
            source = answer.source.map_or("none", |s| s.as_str()),
            target = %request.target,
            chars = answer.text.chars().count(),
            ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
            "translated"
        );
    }
    if log_content {
        for (i, (source, answer)) in sources.iter().zip(&answers).enumerate() {
            tracing::info!(text = i, source = %source, translation = %answer.text, "content (--log-content)");
        }
    }
    Ok(answers)
}

/// Characters of a submission above which it is split into sentences and tokenized on a blocking
/// thread rather than on the caller's (an HTTP worker): below, that costs less than the hand-over.
const SUBMIT_OFF_RUNTIME_CHARS: usize = 8192;

/// Hands `submission` to the pool with `start` (`Pool::submit` or `Pool::stream`); a large one
/// is split and tokenized on a blocking thread, so that a text of hundreds of thousands of
/// characters does not hold up the other requests of an HTTP worker.
async fn start_on_pool<T: Send + 'static>(
    model: &Arc<Model>,
    submission: Submission,
    start: fn(&Pool, Submission) -> Result<T, PoolError>,
) -> Result<T, Error> {
    let chars: usize = submission.texts.iter().map(|t| t.len()).sum();
    if chars < SUBMIT_OFF_RUNTIME_CHARS {
        return Ok(start(&model.pool, submission)?);
    }
    let model = Arc::clone(model);
    tokio::task::spawn_blocking(move || start(&model.pool, submission))
        .await
        .map_err(|e| Error::Internal(format!("preparing the texts failed: {e}")))?
        .map_err(Error::from)
}

/// When a request started now must be answered.
pub fn deadline(core: &Core) -> Instant {
    Instant::now() + core.settings.request_timeout
}

/// Sends the units to the pool, one submission per source language, all at once; results in
/// unit order, and the translation memory's near matches by sentence.
async fn run_units(
    core: &Core,
    request: &TranslationRequest,
    model: &Arc<Model>,
    units: &[Unit],
    deadline: Instant,
) -> Result<(Vec<translator::TextTranslation>, HashMap<String, Vec<Suggestion>>), Error> {
    let target = request.target;
    let mut groups: BTreeMap<&str, (LangCode, Vec<usize>)> = BTreeMap::new();
    for (i, unit) in units.iter().enumerate() {
        groups
            .entry(unit.source.as_str())
            .or_insert_with(|| (unit.source, Vec::new()))
            .1
            .push(i);
    }
    let mut tickets = Vec::with_capacity(groups.len());
    let mut suggestions = HashMap::new();
    for (source, members) in groups.values() {
        let texts: Vec<String> = members.iter().map(|&i| units[i].text.clone()).collect();
        let matches = core
            .memory_matches(
                request.owner.as_deref(),
                model,
                (*source, target),
                &texts,
                request.matching,
            )
            .await?;
        suggestions.extend(matches.fuzzy);
        let submission = Submission::new(texts, *source, target)
            .known(matches.exact)
            .options(request.options.clone())
            .priority(request.priority)
            .deadline(deadline);
        // A refusal drops the tickets already taken, which withdraws their sentences.
        tickets.push(start_on_pool(model, submission, Pool::submit).await?);
    }
    let answers = try_join_all(tickets.into_iter().map(|t| t.wait())).await?;
    let mut results = vec![translator::TextTranslation::default(); units.len()];
    for ((_, members), answer) in groups.values().zip(answers) {
        for (&i, translation) in members.iter().zip(answer) {
            results[i] = translation;
        }
    }
    Ok((results, suggestions))
}
