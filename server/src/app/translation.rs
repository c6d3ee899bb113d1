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
use translator::html::{Dialect, XmlRules};
use translator::markup::HtmlPlan;
use translator::{Pool, PoolError, Priority, SentenceStream, Submission, TextTranslation, Ticket, TranslateOptions};

use super::error::Error;
use super::glossary::marking::{MarkedTexts, Marker};
use super::glossary::{needs_source, GlossaryChoice};
use super::memory::fuzzy::Suggestion;
use super::memory::Matching;
use super::registry::Model;
use super::Core;

/// How the texts of a request are written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TextFormat {
    /// Plain text: layout kept, everything translated but `<notranslate>…</notranslate>`.
    #[default]
    Text,
    /// HTML: text nodes translated; tags, attributes and code kept.
    Html,
    /// XML as DeepL's `tag_handling=xml` reads it, with its tag lists.
    Xml(XmlRules),
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

    /// The markup dialect; `None` for plain text.
    fn dialect(&self) -> Option<Dialect> {
        match self {
            TextFormat::Text => None,
            TextFormat::Html => Some(Dialect::Html),
            TextFormat::Xml(rules) => Some(Dialect::Xml(rules.clone())),
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
    /// The glossary whose terms the translations use ([`crate::app::glossary`]); needs a given
    /// source language.
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
    /// How its translation comes.
    pub sentences: StreamedSentences,
}

/// How a streamed text's translation comes.
pub enum StreamedSentences {
    /// Nothing to translate (no letters): the text is its own translation.
    Verbatim,
    /// Sentence by sentence.
    Live(SentenceStream),
    /// Whole, when it is done: a text with spans to keep (glossary terms, `<notranslate>`) is
    /// translated line by line as HTML, which has no sentence order to stream in.
    Whole(Pending),
}

/// A marked text's translation on its way: the pool's tickets and how to put the answers together.
pub struct Pending {
    submitted: Submitted,
    marked: MarkedTexts,
}

impl Pending {
    /// The text's translation, once every unit is translated.
    pub async fn wait(self) -> Result<TextTranslation, Error> {
        let results = self.submitted.wait().await?;
        Ok(self.marked.assemble(results).pop().unwrap_or_default())
    }
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
pub async fn stream(core: &Core, mut request: TranslationRequest) -> Result<Vec<StreamedText>, Error> {
    if request.format != TextFormat::Text {
        return Err(Error::InvalidOption(
            "invalid option format = html: streaming translates plain text; use /v1/translate for HTML".to_string(),
        ));
    }
    check_limits(core, &request.texts)?;
    request.options.validate()?;
    let model = core.models.model(request.model.as_deref())?;
    let marker = marker_for(core, &mut request).await?;
    let deadline = deadline(core);
    let mut texts = Vec::with_capacity(request.texts.len());
    for text in std::mem::take(&mut request.texts) {
        let (source, detected) = source_of(&model, request.source, &text).await;
        let mut answer = TranslatedText {
            source,
            detected,
            ..TranslatedText::default()
        };
        let Some(source) = source else {
            texts.push(StreamedText {
                text,
                answer,
                sentences: StreamedSentences::Verbatim,
            });
            continue;
        };
        let marked = MarkedTexts::new(&marker, vec![text.clone()]);
        let sentences = if marked.any_marked() {
            answer.glossary_terms = marked.terms_used[0].clone();
            let units: Vec<Unit> = marked
                .units
                .iter()
                .map(|text| Unit {
                    source,
                    text: text.clone(),
                })
                .collect();
            let (submitted, suggestions) = submit_units(core, &request, &model, &units, deadline).await?;
            answer.suggestions = suggestions;
            StreamedSentences::Whole(Pending { submitted, marked })
        } else {
            let matches = core
                .memory_matches(
                    request.owner.as_deref(),
                    &model,
                    (source, request.target),
                    std::slice::from_ref(&text),
                    request.matching,
                )
                .await?;
            answer.suggestions = matches.fuzzy;
            let submission = Submission::new(vec![text.clone()], source, request.target)
                .known(matches.exact)
                .options(request.options.clone())
                .priority(request.priority)
                .deadline(deadline);
            StreamedSentences::Live(start_on_pool(&model, submission, Pool::stream).await?)
        };
        texts.push(StreamedText {
            text,
            answer,
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

/// A request item cut into texts.
enum Plan {
    /// Nothing to translate; answered as is.
    Verbatim(String),
    /// Plain text: one text.
    Text { text: usize },
    /// HTML or XML: the plan's texts are the texts `first..end`.
    Markup { plan: HtmlPlan, first: usize, end: usize },
}

/// What a translation keeps: the request's glossary terms (refused without a given source
/// language), and `<notranslate>` in plain text.
async fn marker_for(core: &Core, request: &mut TranslationRequest) -> Result<Marker, Error> {
    let terms = match request.glossary.take() {
        None => None,
        Some(choice) => {
            let source = needs_source(request.source.given())?;
            Some(
                core.glossary_terms(request.owner.as_deref(), choice, (source, request.target))
                    .await?,
            )
        }
    };
    Ok(Marker::new(terms, request.format == TextFormat::Text))
}

/// Translates every text of `request`; see the module documentation.
pub async fn translate(core: &Core, mut request: TranslationRequest) -> Result<Vec<TranslatedText>, Error> {
    check_limits(core, &request.texts)?;
    request.options.validate()?;
    let model = core.models.model(request.model.as_deref())?;
    let marker = marker_for(core, &mut request).await?;
    let dialect = request.format.dialect();
    // Each item as texts (the item, or its markup's runs and spans), each text with its language.
    let (mut texts, mut text_sources): (Vec<String>, Vec<LangCode>) = (Vec::new(), Vec::new());
    let mut plans = Vec::with_capacity(request.texts.len());
    let sources: Vec<String> = if core.settings.log_content {
        request.texts.clone()
    } else {
        Vec::new()
    };
    let mut answers = Vec::with_capacity(request.texts.len());
    for text in std::mem::take(&mut request.texts) {
        let mut plan_texts = Vec::new();
        let markup = dialect.as_ref().map(|d| HtmlPlan::new_as(&text, d, &mut plan_texts));
        let sample = markup.as_ref().map_or_else(|| text.clone(), HtmlPlan::plain_text);
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
        let first = texts.len();
        plans.push(match markup {
            None => {
                texts.push(text);
                Plan::Text { text: first }
            }
            Some(plan) => {
                texts.extend(plan_texts);
                Plan::Markup {
                    plan,
                    first,
                    end: texts.len(),
                }
            }
        });
        text_sources.resize(texts.len(), source);
    }
    // Glossary terms and kept spans cut the texts further into the units the model translates.
    let mut marked = MarkedTexts::new(&marker, texts);
    let units: Vec<Unit> = std::mem::take(&mut marked.units)
        .into_iter()
        .zip(marked.unit_texts())
        .map(|(text, of)| Unit {
            source: text_sources[of],
            text,
        })
        .collect();

    let started = Instant::now();
    let (submitted, suggestions) = submit_units(core, &request, &model, &units, deadline(core)).await?;
    let results = marked.assemble(submitted.wait().await?);
    let log_content = core.settings.log_content;
    for (plan, answer) in plans.into_iter().zip(answers.iter_mut()) {
        match plan {
            Plan::Verbatim(text) => answer.text = text,
            Plan::Text { text } => {
                answer.glossary_terms = marked.terms_used[text].clone();
                let translation = &results[text];
                answer.text = translation.text.clone();
                answer.alternatives = translation.alternatives.clone();
                answer.sentences = translation.sentence_quality.clone();
            }
            Plan::Markup { plan, first, end } => {
                answer.text = plan.render(|i| results[first + i].text.as_str());
                answer.sentences = results[first..end]
                    .iter()
                    .flat_map(|t| t.sentence_quality.iter().cloned())
                    .collect();
                for used in &marked.terms_used[first..end] {
                    for entry in used {
                        if !answer.glossary_terms.contains(entry) {
                            answer.glossary_terms.push(entry.clone());
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

/// Units handed to the pool: one ticket per source language, and which units each holds.
pub struct Submitted {
    tickets: Vec<(Vec<usize>, Ticket)>,
    count: usize,
}

impl Submitted {
    /// The units' translations, in unit order.
    async fn wait(self) -> Result<Vec<TextTranslation>, Error> {
        let (members, tickets): (Vec<Vec<usize>>, Vec<Ticket>) = self.tickets.into_iter().unzip();
        let answers = try_join_all(tickets.into_iter().map(|t| t.wait())).await?;
        let mut results = vec![TextTranslation::default(); self.count];
        for (members, answer) in members.iter().zip(answers) {
            for (&i, translation) in members.iter().zip(answer) {
                results[i] = translation;
            }
        }
        Ok(results)
    }
}

/// Sends the units to the pool, one submission per source language, all at once (the memory's
/// exact matches answered from it); the tickets, and the memory's near matches by sentence.
async fn submit_units(
    core: &Core,
    request: &TranslationRequest,
    model: &Arc<Model>,
    units: &[Unit],
    deadline: Instant,
) -> Result<(Submitted, HashMap<String, Vec<Suggestion>>), Error> {
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
    for (source, members) in groups.into_values() {
        let texts: Vec<String> = members.iter().map(|&i| units[i].text.clone()).collect();
        let matches = core
            .memory_matches(
                request.owner.as_deref(),
                model,
                (source, target),
                &texts,
                request.matching,
            )
            .await?;
        suggestions.extend(matches.fuzzy);
        let submission = Submission::new(texts, source, target)
            .known(matches.exact)
            .options(request.options.clone())
            .priority(request.priority)
            .deadline(deadline);
        // A refusal drops the tickets already taken, which withdraws their sentences.
        tickets.push((members, start_on_pool(model, submission, Pool::submit).await?));
    }
    Ok((
        Submitted {
            tickets,
            count: units.len(),
        },
        suggestions,
    ))
}
