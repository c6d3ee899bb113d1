//! A parsed document translated through a pool: its units become submissions of bounded size,
//! HTML units going through [`HtmlPlan`], and the translations are put back into the document.
//! The batch command uses it; server jobs and file uploads will too.

use futures_util::stream::{self, StreamExt, TryStreamExt};
use langs::{Detector, LangCode};
use translator::documents::{Document, DocumentError, UnitKind};
use translator::markup::HtmlPlan;
use translator::{Pool, PoolError, Priority, Submission, TranslateOptions};

use super::glossary::marking::{MarkedTexts, Marker};
use super::memory::lookup::LoadedMemory;
use super::quality::DocumentQuality;

/// Characters per submission: small enough for the queue's bounds, large enough for full batches.
const SUBMISSION_CHARS: usize = 32 * 1024;
/// Submissions of one document in flight at once.
const SUBMISSIONS_IN_FLIGHT: usize = 4;
/// Characters of a document that language detection reads.
const DETECTION_SAMPLE: usize = 4096;

/// A translated document.
#[derive(Debug)]
pub struct TranslatedDocument {
    /// The document in the target language.
    pub bytes: Vec<u8>,
    /// The language it was translated from.
    pub source: Option<SourceLanguage>,
    /// Texts sent to the translator.
    pub texts: usize,
    /// Characters sent to the translator.
    pub chars: usize,
    /// How far the translation can be trusted.
    pub quality: DocumentQuality,
}

/// The language a document was translated from, and how it was known.
#[derive(Debug, Clone, Copy)]
pub struct SourceLanguage {
    /// The language.
    pub language: LangCode,
    /// Detection's confidence (0–1), when detected.
    pub confidence: Option<f64>,
    /// Whether detection was sure; `false` means its best guess was used.
    pub reliable: bool,
}

/// Why a document was not translated.
#[derive(Debug, thiserror::Error)]
pub enum DocumentFailure {
    /// The document could not be put back together.
    #[error("{0}")]
    Document(#[from] DocumentError),
    /// The translator refused or failed.
    #[error("translation failed: {0}")]
    Pool(#[from] PoolError),
}

/// A document's texts to translate (HTML units expanded into runs and spans) and how to put
/// their translations back.
pub struct DocumentPlan {
    texts: Vec<String>,
    plans: Vec<Plan>,
}

enum Plan {
    Text(usize),
    /// Its texts' indices are those `HtmlPlan::new` gave, into the document's texts.
    Html(HtmlPlan),
}

impl DocumentPlan {
    /// The plan of `document`.
    pub fn new(document: &Document) -> DocumentPlan {
        let mut texts: Vec<String> = Vec::new();
        let mut plans: Vec<Plan> = Vec::with_capacity(document.units().len());
        for unit in document.units() {
            let first = texts.len();
            match unit.kind {
                UnitKind::Text => {
                    texts.push(unit.text.clone());
                    plans.push(Plan::Text(first));
                }
                UnitKind::Html => plans.push(Plan::Html(HtmlPlan::new(&unit.text, &mut texts))),
            }
        }
        DocumentPlan { texts, plans }
    }

    /// The texts to translate.
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    /// Characters to translate.
    pub fn chars(&self) -> usize {
        self.texts.iter().map(|t| t.chars().count()).sum()
    }

    /// Characters of the document's text, markup left out and each character once: what its
    /// translation bills.
    pub fn text_chars(&self) -> usize {
        self.plans
            .iter()
            .map(|plan| match plan {
                Plan::Text(index) => self.texts[*index].chars().count(),
                Plan::Html(html) => html.text_chars(),
            })
            .sum()
    }

    /// The document's language among the pool's, from the start of its text; the best guess is
    /// used when detection is unsure, and reported as such. `None`: no letters.
    pub fn detect(&self, pool: &Pool) -> Option<SourceLanguage> {
        let mut sample = String::new();
        for text in &self.texts {
            if sample.len() >= DETECTION_SAMPLE {
                break;
            }
            sample.push_str(text);
            sample.push('\n');
        }
        let known = pool.translator().languages();
        let found = Detector::shared().detect_among(&sample, Some(known))?;
        Some(SourceLanguage {
            language: found.language,
            confidence: Some(found.confidence),
            reliable: found.reliable,
        })
    }

    /// The document with `translated` (one per text, in order) put back.
    pub fn render(
        &self,
        document: &Document,
        translated: &[String],
        target: LangCode,
    ) -> Result<Vec<u8>, DocumentError> {
        let translations: Vec<String> = self
            .plans
            .iter()
            .map(|plan| match plan {
                Plan::Text(i) => translated.get(*i).cloned().unwrap_or_default(),
                Plan::Html(plan) => plan.render(|i| translated.get(i).map_or("", String::as_str)),
            })
            .collect();
        document.render(&translations, target)
    }
}

/// Indices of `texts` in groups of at most `max_chars` characters (a longer text alone), in order.
pub fn chunks(indices: &[usize], texts: &[String], max_chars: usize) -> Vec<Vec<usize>> {
    let mut chunks: Vec<Vec<usize>> = Vec::new();
    let mut size = 0;
    for &i in indices {
        let len = texts[i].len();
        if chunks.is_empty() || (size + len > max_chars && size > 0) {
            chunks.push(Vec::new());
            size = 0;
        }
        size += len;
        chunks.last_mut().expect("a chunk was pushed").push(i);
    }
    chunks
}

/// What a community brings to a document's translation: its memory's sentences, used as they
/// are, and what the translation keeps (its glossary's terms, `<notranslate>` spans).
#[derive(Clone, Copy)]
pub struct CommunityData<'a> {
    /// The translation memory whose sentences answer those it holds.
    pub memory: Option<&'a LoadedMemory>,
    /// The glossary's terms and `<notranslate>` spans to keep.
    pub marker: &'a Marker,
}

/// Translates `document` into `target`; `source` `None` detects the language from its text. A
/// document with no letters comes back as it was.
#[allow(clippy::too_many_arguments)]
pub async fn translate_document(
    pool: &Pool,
    document: &Document,
    source: Option<LangCode>,
    target: LangCode,
    options: &TranslateOptions,
    priority: Priority,
    deadline: Option<std::time::Instant>,
    community: CommunityData<'_>,
) -> Result<TranslatedDocument, DocumentFailure> {
    let plan = DocumentPlan::new(document);
    let source = match source {
        Some(language) => Some(SourceLanguage {
            language,
            confidence: None,
            reliable: true,
        }),
        None => plan.detect(pool),
    };
    let texts = plan.texts();
    let mut quality = DocumentQuality::default();
    let translated: Vec<String> = match source {
        None => texts.to_vec(),
        Some(source) => {
            let translations = translate_texts(
                pool,
                texts,
                (source.language, target),
                options,
                priority,
                deadline,
                community,
            )
            .await?;
            let mut translated = Vec::with_capacity(translations.len());
            for (i, translation) in translations.into_iter().enumerate() {
                quality.add_text(i, &translation.sentence_quality);
                translated.push(translation.text);
            }
            translated
        }
    };
    let bytes = plan.render(document, &translated, target)?;
    Ok(TranslatedDocument {
        bytes,
        source,
        texts: texts.len(),
        chars: plan.chars(),
        quality,
    })
}

/// Translates `texts` (the sentences the memory holds answered from it, terms and spans kept) in
/// submissions of about [`SUBMISSION_CHARS`], a few in flight; results in order.
#[allow(clippy::too_many_arguments)]
async fn translate_texts(
    pool: &Pool,
    texts: &[String],
    (source, target): (LangCode, LangCode),
    options: &TranslateOptions,
    priority: Priority,
    deadline: Option<std::time::Instant>,
    community: CommunityData<'_>,
) -> Result<Vec<translator::TextTranslation>, PoolError> {
    let all: Vec<usize> = (0..texts.len()).collect();
    let chunks: Vec<Vec<String>> = chunks(&all, texts, SUBMISSION_CHARS)
        .into_iter()
        .map(|chunk| chunk.into_iter().map(|i| texts[i].clone()).collect())
        .collect();
    let answers: Vec<Vec<translator::TextTranslation>> = stream::iter(chunks)
        .map(|chunk| {
            let mut marked = MarkedTexts::new(community.marker, chunk);
            let units = std::mem::take(&mut marked.units);
            let known = community
                .memory
                .map(|m| m.known(pool.translator(), &units, source, target));
            let mut submission = Submission::new(units, source, target)
                .known(known.unwrap_or_default())
                .options(options.clone())
                .priority(priority);
            if let Some(deadline) = deadline {
                submission = submission.deadline(deadline);
            }
            async move { Ok::<_, PoolError>(marked.assemble(pool.submit(submission)?.wait().await?)) }
        })
        .buffered(SUBMISSIONS_IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(answers.into_iter().flatten().collect())
}
