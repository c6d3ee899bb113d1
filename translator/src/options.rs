//! Decoding options: what callers may set, their limits, and how they map onto CTranslate2.

use ct2rs::sys::{BatchType, TranslationOptions as Ct2Options};
use serde::{Deserialize, Serialize};

use crate::error::{Result, TranslatorError};

/// The widest beam accepted: memory grows with batch × beam over NLLB's 256k-entry output layer.
pub const MAX_BEAM_SIZE: usize = 16;

/// The decoding limit follows the source length so that a long sentence is never cut at a fixed
/// number of tokens: twice the source tokens plus a margin, which no real translation reaches.
/// scripts/make_test_model.py applies the same rule to the reference outputs.
pub fn decoding_limit(source_tokens: usize) -> usize {
    const PER_SOURCE_TOKEN: usize = 2;
    const EXTRA: usize = 10;
    const CAP: usize = 1024;
    (PER_SOURCE_TOKEN * source_tokens + EXTRA).min(CAP)
}

/// How to decode: beam search by default, or random sampling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TranslateOptions {
    /// Beam width, 1 (greedy) to 16. Default 4.
    pub beam_size: usize,
    /// How many translations to return per text, best first (n-best), at most `beam_size`.
    pub alternatives: usize,
    /// Exponent of the length normalisation of scores, 0 to 5; above 1 favours longer output.
    pub length_penalty: f32,
    /// Penalty on tokens already produced, 1 (none) to 10.
    pub repetition_penalty: f32,
    /// Forbid repeating any n-gram of this size, 0 (off) to 32.
    pub no_repeat_ngram_size: usize,
    /// Random sampling instead of beam search; needs `beam_size` 1.
    pub sampling: Option<Sampling>,
    /// Decode a sentence the quality checks flag once more, with [`TranslateOptions::for_retry`],
    /// and keep the better of the two (docs/quality.md). Default on.
    pub retry_flagged: bool,
}

/// Random sampling settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sampling {
    /// Sample among the k most likely tokens; 0 samples from the whole vocabulary.
    pub top_k: usize,
    /// Sample among the most likely tokens whose probabilities add up to p, in (0, 1].
    pub top_p: f32,
    /// Softmax temperature, in (0, 10]; lower is more conservative.
    pub temperature: f32,
}

impl Default for TranslateOptions {
    fn default() -> Self {
        TranslateOptions {
            beam_size: 4,
            alternatives: 1,
            length_penalty: 1.0,
            repetition_penalty: 1.0,
            no_repeat_ngram_size: 0,
            sampling: None,
            retry_flagged: true,
        }
    }
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            top_k: 0,
            top_p: 1.0,
            temperature: 1.0,
        }
    }
}

fn invalid(name: &'static str, value: impl ToString, expected: impl Into<String>) -> TranslatorError {
    TranslatorError::InvalidOption {
        name,
        value: value.to_string(),
        expected: expected.into(),
    }
}

fn check_range(name: &'static str, value: f32, low: f32, high: f32, low_inclusive: bool) -> Result<()> {
    let above_low = if low_inclusive { value >= low } else { value > low };
    if value.is_finite() && above_low && value <= high {
        Ok(())
    } else {
        let open = if low_inclusive { "" } else { "above " };
        Err(invalid(name, value, format!("a number from {open}{low} to {high}")))
    }
}

impl TranslateOptions {
    /// Checks every option and their combinations; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_BEAM_SIZE).contains(&self.beam_size) {
            return Err(invalid(
                "beam_size",
                self.beam_size,
                format!("an integer from 1 to {MAX_BEAM_SIZE}"),
            ));
        }
        if self.alternatives == 0 || self.alternatives > self.beam_size {
            return Err(invalid(
                "alternatives",
                self.alternatives,
                format!("an integer from 1 to beam_size ({})", self.beam_size),
            ));
        }
        check_range("length_penalty", self.length_penalty, 0.0, 5.0, true)?;
        check_range("repetition_penalty", self.repetition_penalty, 1.0, 10.0, true)?;
        if self.no_repeat_ngram_size > 32 {
            return Err(invalid(
                "no_repeat_ngram_size",
                self.no_repeat_ngram_size,
                "an integer from 0 to 32",
            ));
        }
        if let Some(sampling) = &self.sampling {
            if self.beam_size != 1 {
                return Err(invalid("beam_size", self.beam_size, "1 when sampling is on"));
            }
            if sampling.top_k > 1000 {
                return Err(invalid(
                    "sampling.top_k",
                    sampling.top_k,
                    "an integer from 0 (all) to 1000",
                ));
            }
            check_range("sampling.top_p", sampling.top_p, 0.0, 1.0, false)?;
            check_range("sampling.temperature", sampling.temperature, 0.0, 10.0, false)?;
        }
        Ok(())
    }

    /// The second chance of a flagged sentence: a beam of at least 4, a penalty on repeated tokens
    /// and no repeated trigram, which is what breaks the loops and copies NLLB falls into; one
    /// translation per alternative asked for, and no second retry.
    pub fn for_retry(&self) -> TranslateOptions {
        let beam_size = self.beam_size.max(4).max(self.alternatives);
        TranslateOptions {
            beam_size,
            alternatives: self.alternatives,
            length_penalty: self.length_penalty,
            repetition_penalty: self.repetition_penalty.max(1.2),
            no_repeat_ngram_size: if self.no_repeat_ngram_size == 0 {
                3
            } else {
                self.no_repeat_ngram_size
            },
            sampling: None,
            retry_flagged: false,
        }
    }

    /// CTranslate2's options for one call; `max_decoding_length` covers the longest source.
    pub(crate) fn to_ct2(&self, max_decoding_length: usize, min_decoding_length: usize) -> Ct2Options<String, String> {
        let (topk, topp, temperature) = match &self.sampling {
            Some(s) => (s.top_k, s.top_p, s.temperature),
            // top-k 1 is CTranslate2's "no sampling".
            None => (1, 1.0, 1.0),
        };
        Ct2Options {
            beam_size: self.beam_size,
            num_hypotheses: self.alternatives,
            length_penalty: self.length_penalty,
            repetition_penalty: self.repetition_penalty,
            no_repeat_ngram_size: self.no_repeat_ngram_size,
            sampling_topk: topk,
            sampling_topp: topp,
            sampling_temperature: temperature,
            return_scores: true,
            // Inputs are already split below the model's limit; 0 turns CTranslate2's own silent
            // truncation off.
            max_input_length: 0,
            max_decoding_length,
            min_decoding_length,
            batch_type: BatchType::Examples,
            max_batch_size: 0,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejects(options: TranslateOptions, name: &str) {
        match options.validate() {
            Err(TranslatorError::InvalidOption { name: got, .. }) => assert_eq!(got, name),
            other => panic!("expected {name} to be rejected, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_valid_and_use_beam_4() {
        let options = TranslateOptions::default();
        assert_eq!(options.beam_size, 4);
        options.validate().unwrap();
    }

    #[test]
    fn out_of_range_values_are_named() {
        let base = TranslateOptions::default;
        rejects(TranslateOptions { beam_size: 0, ..base() }, "beam_size");
        rejects(
            TranslateOptions {
                beam_size: 17,
                ..base()
            },
            "beam_size",
        );
        rejects(
            TranslateOptions {
                alternatives: 0,
                ..base()
            },
            "alternatives",
        );
        rejects(
            TranslateOptions {
                alternatives: 5,
                ..base()
            },
            "alternatives",
        );
        rejects(
            TranslateOptions {
                length_penalty: -0.1,
                ..base()
            },
            "length_penalty",
        );
        rejects(
            TranslateOptions {
                length_penalty: f32::NAN,
                ..base()
            },
            "length_penalty",
        );
        rejects(
            TranslateOptions {
                repetition_penalty: 0.5,
                ..base()
            },
            "repetition_penalty",
        );
        rejects(
            TranslateOptions {
                no_repeat_ngram_size: 33,
                ..base()
            },
            "no_repeat_ngram_size",
        );
        let sampling = |s: Sampling| TranslateOptions {
            beam_size: 1,
            sampling: Some(s),
            ..base()
        };
        rejects(
            TranslateOptions {
                sampling: Some(Sampling::default()),
                ..base()
            },
            "beam_size",
        );
        rejects(
            sampling(Sampling {
                top_p: 0.0,
                ..Default::default()
            }),
            "sampling.top_p",
        );
        rejects(
            sampling(Sampling {
                top_p: 1.5,
                ..Default::default()
            }),
            "sampling.top_p",
        );
        rejects(
            sampling(Sampling {
                temperature: 0.0,
                ..Default::default()
            }),
            "sampling.temperature",
        );
        rejects(
            sampling(Sampling {
                top_k: 5000,
                ..Default::default()
            }),
            "sampling.top_k",
        );
        sampling(Sampling {
            top_k: 10,
            top_p: 0.9,
            temperature: 0.7,
        })
        .validate()
        .unwrap();
    }

    #[test]
    fn the_error_says_what_is_accepted() {
        let err = TranslateOptions {
            beam_size: 40,
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid option beam_size = 40: expected an integer from 1 to 16".replace("expected ", "")
        );
    }

    #[test]
    fn decoding_limit_grows_with_the_source_and_is_capped() {
        assert_eq!(decoding_limit(5), 20);
        assert!(decoding_limit(300) > 256);
        assert_eq!(decoding_limit(100_000), 1024);
    }

    #[test]
    fn unknown_fields_are_rejected_when_parsing() {
        assert!(serde_json::from_str::<TranslateOptions>(r#"{"beam":2}"#).is_err());
        let parsed: TranslateOptions = serde_json::from_str(r#"{"beam_size":2}"#).unwrap();
        assert_eq!(parsed.beam_size, 2);
        assert_eq!(parsed.alternatives, 1);
    }
}
