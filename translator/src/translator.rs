//! The translator: a loaded model that cuts texts into sentences, translates them in planned
//! batches and puts each text back together with its layout.

use std::path::Path;

use langs::LangCode;

use crate::batch::{BatchLimits, BatchPlan};
use crate::engine::{Engine, EngineOutput};
use crate::error::{Result, TranslatorError};
use crate::model::ModelFiles;
use crate::options::{decoding_limit, TranslateOptions};
use crate::quality::{self, Quality, QualityThresholds, Retry, SentencePair};
use crate::segment::{split_long_sentence, Layout, Part};
use crate::tokenizer::NllbTokenizer;
use crate::translation::{render_text, Hypothesis, Origin, Segment, TextRequest, TextTranslation};

/// How a translator is set up.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslatorConfig {
    /// CTranslate2 threads per replica.
    pub threads: usize,
    /// Copies of the model, each serving one engine call at a time; each holds its own weights.
    pub replicas: usize,
    /// The longest source sequence handed to the model, language token and `</s>` included;
    /// longer sentences are cut into chunks first. NLLB was trained on up to 512 tokens and its
    /// quality falls well before that.
    pub max_input_tokens: usize,
    /// Limits of one engine call.
    pub batch: BatchLimits,
    /// For benchmarks only: every sentence decodes exactly this many tokens (EOS suppressed
    /// before), so that two engines compared side by side do the same work.
    pub fixed_decoding_length: Option<usize>,
    /// The limits of the quality checks every translated sentence gets (docs/quality.md).
    pub quality: QualityThresholds,
    /// For benchmarks only: skip the quality checks (every sentence good, with its score), so
    /// that their cost can be measured side by side. Always `false` in the product.
    #[doc(hidden)]
    pub skip_quality_checks: bool,
    /// For fault tests only: an engine call with a sentence containing the marker fails or
    /// panics, as a broken model, an engine bug or a bug of ours could, so that tests show what
    /// callers then get. Always `None` in the product.
    #[doc(hidden)]
    pub fault: Option<EngineFault>,
}

/// A fault injected into engine calls (see [`TranslatorConfig::fault`]).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineFault {
    /// Calls with a sentence containing this text fail.
    pub marker: String,
    /// Whether they panic instead of returning an error.
    pub panic: bool,
}

impl Default for TranslatorConfig {
    fn default() -> Self {
        TranslatorConfig {
            // One replica using every core: best latency for one caller and the least memory;
            // docs/benchmarks.md measures the alternatives.
            threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            replicas: 1,
            max_input_tokens: 256,
            batch: BatchLimits::default(),
            fixed_decoding_length: None,
            quality: QualityThresholds::default(),
            skip_quality_checks: false,
            fault: None,
        }
    }
}

/// A text cut up for the engine by [`Translator::prepare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedText {
    /// The text's layout; its sentences are what goes to the model, in order.
    pub layout: Layout,
    /// Each sentence's source sequence length in tokens (language token and `</s>` included).
    pub source_tokens: Vec<usize>,
}

/// A loaded NLLB model, ready to translate.
pub struct Translator {
    engine: Engine,
    tokenizer: NllbTokenizer,
    files: ModelFiles,
    config: TranslatorConfig,
}

/// A sentence ready for the engine: its source tokens and target language.
struct Prepared {
    /// The sentence, for the quality checks of its translation.
    text: String,
    source: LangCode,
    tokens: Vec<String>,
    target: LangCode,
}

impl Translator {
    /// Checks the model directory and loads the model.
    pub fn open(dir: &Path, config: TranslatorConfig) -> Result<Translator> {
        let at_least = |name: &'static str, value: usize, low: usize| {
            if value < low {
                Err(TranslatorError::InvalidOption {
                    name,
                    value: value.to_string(),
                    expected: format!("at least {low}"),
                })
            } else {
                Ok(())
            }
        };
        at_least("max_input_tokens", config.max_input_tokens, 8)?;
        at_least("threads", config.threads, 1)?;
        at_least("replicas", config.replicas, 1)?;
        config.quality.validate()?;
        let files = ModelFiles::inspect(dir)?;
        let tokenizer = NllbTokenizer::open(&files.sentencepiece)?;
        let engine = Engine::load(&files, config.threads, config.replicas)?;
        Ok(Translator {
            engine,
            tokenizer,
            files,
            config,
        })
    }

    /// The languages this model can translate from and into.
    pub fn languages(&self) -> &[LangCode] {
        &self.files.languages
    }

    /// The settings the translator was opened with.
    pub fn config(&self) -> &TranslatorConfig {
        &self.config
    }

    /// The model's tokenizer.
    pub fn tokenizer(&self) -> &NllbTokenizer {
        &self.tokenizer
    }

    /// Translates one text, keeping its layout.
    pub fn translate(
        &self,
        text: &str,
        source: LangCode,
        target: LangCode,
        options: &TranslateOptions,
    ) -> Result<TextTranslation> {
        let mut out = self.translate_texts(&[TextRequest { text, source, target }], options)?;
        Ok(out.remove(0))
    }

    /// Translates several texts in one go; their sentences share engine calls.
    pub fn translate_texts(
        &self,
        requests: &[TextRequest],
        options: &TranslateOptions,
    ) -> Result<Vec<TextTranslation>> {
        options.validate()?;
        let mut layouts = Vec::with_capacity(requests.len());
        let mut prepared = Vec::new();
        for request in requests {
            self.check_languages(request.source, request.target)?;
            let layout = self.prepare_text(request, &mut prepared)?;
            layouts.push(layout);
        }
        let mut results = self.run(&prepared, options)?.into_iter();
        let mut out = Vec::with_capacity(requests.len());
        for (request, layout) in requests.iter().zip(layouts) {
            let count = layout.sentences().count();
            let sentences: Vec<Vec<Hypothesis>> = results.by_ref().take(count).collect();
            out.push(render_text(&layout, request.target, &sentences, options.alternatives));
        }
        Ok(out)
    }

    /// Cuts a text into sentences (over-long ones into chunks) exactly as [`Translator::translate_texts`]
    /// does, after checking its languages; the sentences are then translated one by one with
    /// [`Translator::translate_segments`] (the worker pool does this across callers).
    pub fn prepare(&self, request: &TextRequest) -> Result<PreparedText> {
        self.check_languages(request.source, request.target)?;
        let mut prepared = Vec::new();
        let layout = self.prepare_text(request, &mut prepared)?;
        Ok(PreparedText {
            layout,
            source_tokens: prepared.into_iter().map(|p| p.tokens.len()).collect(),
        })
    }

    /// Translates single sentences as they are, without cutting them into sentences first.
    /// A sentence longer than `max_input_tokens` is refused rather than truncated.
    pub fn translate_segments(&self, segments: &[Segment], options: &TranslateOptions) -> Result<Vec<Vec<Hypothesis>>> {
        options.validate()?;
        let mut prepared = Vec::with_capacity(segments.len());
        for segment in segments {
            self.check_languages(segment.source, segment.target)?;
            let tokens = self.tokenizer.source_tokens(segment.source, &segment.text)?;
            if tokens.len() > self.config.max_input_tokens {
                return Err(TranslatorError::SentenceTooLong {
                    tokens: tokens.len(),
                    limit: self.config.max_input_tokens,
                });
            }
            prepared.push(Prepared {
                text: segment.text.clone(),
                source: segment.source,
                tokens,
                target: segment.target,
            });
        }
        if let Some(fault) = &self.config.fault {
            if segments.iter().any(|segment| segment.text.contains(&fault.marker)) {
                if fault.panic {
                    panic!("injected engine fault");
                }
                return Err(TranslatorError::Engine("injected engine fault".to_string()));
            }
        }
        self.run(&prepared, options)
    }

    fn check_languages(&self, source: LangCode, target: LangCode) -> Result<()> {
        for lang in [source, target] {
            if !self.files.vocabulary.contains_key(lang.as_str()) {
                return Err(TranslatorError::LanguageNotInModel { lang });
            }
        }
        Ok(())
    }

    /// Cuts a text into sentences (and over-long sentences into chunks), appending each one's
    /// source tokens to `prepared`; returns the layout to render the result with.
    fn prepare_text(&self, request: &TextRequest, prepared: &mut Vec<Prepared>) -> Result<Layout> {
        let max_pieces = self.config.max_input_tokens - 2;
        let mut push = |text: &str| -> Result<()> {
            let tokens = self.tokenizer.source_tokens(request.source, text)?;
            prepared.push(Prepared {
                text: text.to_string(),
                source: request.source,
                tokens,
                target: request.target,
            });
            Ok(())
        };
        Layout::of(request.text).split_sentences(|sentence| {
            let pieces = self.tokenizer.pieces(sentence)?;
            if pieces.len() <= max_pieces {
                push(sentence)?;
                return Ok(vec![Part::Sentence(sentence.to_string())]);
            }
            let parts = split_long_sentence(sentence, max_pieces, |chunk| {
                Ok::<_, TranslatorError>(self.tokenizer.pieces(chunk)?.into_iter().map(|p| p.end).collect())
            })?;
            for part in &parts {
                if let Part::Sentence(chunk) = part {
                    push(chunk)?;
                }
            }
            Ok(parts)
        })
    }

    /// The decoding limit of one sentence: it follows the source length, unless fixed for a benchmark.
    fn limit_of(&self, sentence: &Prepared) -> usize {
        self.config
            .fixed_decoding_length
            .unwrap_or_else(|| decoding_limit(sentence.tokens.len()))
    }

    /// One engine call over the sentences `batch` indexes, up to the longest one's limit.
    fn decode(&self, prepared: &[Prepared], batch: &[usize], options: &TranslateOptions) -> Result<Vec<EngineOutput>> {
        let limit = batch.iter().map(|&i| self.limit_of(&prepared[i])).max().unwrap_or(0);
        let sources: Vec<&[String]> = batch.iter().map(|&i| prepared[i].tokens.as_slice()).collect();
        let targets: Vec<LangCode> = batch.iter().map(|&i| prepared[i].target).collect();
        let min_length = self.config.fixed_decoding_length.unwrap_or(1);
        self.engine
            .translate(&sources, &targets, &options.to_ct2(limit, min_length))
    }

    /// Runs prepared sentences through the engine in planned batches, then gives each flagged
    /// one its second chance when the options ask for it; results in input order.
    fn run(&self, prepared: &[Prepared], options: &TranslateOptions) -> Result<Vec<Vec<Hypothesis>>> {
        let everything: Vec<usize> = (0..prepared.len()).collect();
        let mut results = self.run_some(prepared, &everything, options)?;
        if !options.retry_flagged {
            return Ok(results);
        }
        let flagged: Vec<usize> = everything
            .into_iter()
            .filter(|&i| results[i].first().is_some_and(|h| h.quality.is_flagged()))
            .collect();
        if flagged.is_empty() {
            return Ok(results);
        }
        let second = self.run_some(prepared, &flagged, &options.for_retry())?;
        for (&i, mut candidate) in flagged.iter().zip(second) {
            let replace = match (candidate.first(), results[i].first()) {
                (Some(new), Some(old)) => new.quality.is_better_than(&old.quality),
                _ => false,
            };
            let outcome = if replace { Retry::Replaced } else { Retry::Kept };
            let chosen = if replace { &mut candidate } else { &mut results[i] };
            for hypothesis in chosen.iter_mut() {
                hypothesis.quality.retry = Some(outcome);
            }
            if replace {
                results[i] = candidate;
            }
        }
        Ok(results)
    }

    /// Runs the sentences `which` indexes through the engine in planned batches; results in the
    /// order of `which`.
    fn run_some(
        &self,
        prepared: &[Prepared],
        which: &[usize],
        options: &TranslateOptions,
    ) -> Result<Vec<Vec<Hypothesis>>> {
        let lengths: Vec<usize> = which.iter().map(|&i| prepared[i].tokens.len()).collect();
        let mut results: Vec<Vec<Hypothesis>> = vec![Vec::new(); which.len()];
        for planned in BatchPlan::new(&lengths, self.config.batch.for_beam(options.beam_size)).batches {
            let batch: Vec<usize> = planned.iter().map(|&k| which[k]).collect();
            let call_limit = batch.iter().map(|&i| self.limit_of(&prepared[i])).max().unwrap_or(0);
            let outputs = self.decode(prepared, &batch, options)?;
            for ((&k, &i), output) in planned.iter().zip(&batch).zip(outputs) {
                // The call decodes up to its longest source's limit. A sentence that reached its
                // own, lower limit would have stopped there alone, and beam search ranks
                // hypotheses differently when cut: decode it again alone, so that no result
                // depends on which other sentences shared the call. Only runaway (repeating)
                // output reaches the limit, so this is rare.
                let own_limit = self.limit_of(&prepared[i]);
                let reached = own_limit < call_limit && output.hypotheses.iter().any(|h| h.len() >= own_limit);
                let output = if reached {
                    self.decode(prepared, &[i], options)?.remove(0)
                } else {
                    output
                };
                let mut hypotheses = Vec::with_capacity(output.hypotheses.len());
                let sentence = &prepared[i];
                for (tokens, score) in output.hypotheses.into_iter().zip(output.scores) {
                    let hit_limit = tokens.len() >= own_limit;
                    let tokens = self.tokenizer.strip_target_token(sentence.target, &tokens).to_vec();
                    let text = self.tokenizer.detokenize(&tokens)?;
                    // Checked here, on the engine's thread, so that no caller's async runtime
                    // pays for the detection it takes.
                    let pair = SentencePair {
                        source: &sentence.text,
                        output: &text,
                        source_language: sentence.source,
                        target: sentence.target,
                        score,
                        hit_limit,
                    };
                    let quality = if self.config.skip_quality_checks {
                        Quality {
                            score,
                            ..Quality::unchecked()
                        }
                    } else {
                        quality::assess(&pair, &self.config.quality)
                    };
                    hypotheses.push(Hypothesis {
                        text,
                        tokens,
                        score,
                        quality,
                        origin: Origin::Model,
                    });
                }
                results[k] = hypotheses;
            }
        }
        Ok(results)
    }
}
