//! Text in one NLLB language to text in another, through CTranslate2 and SentencePiece.
//!
//! [`Translator::open`] checks and loads a CTranslate2-converted NLLB model directory.
//! [`Translator::translate_texts`] cuts texts into sentences, translates all of them in batches
//! (languages may differ from sentence to sentence) and puts each text back together with its
//! layout. Every call blocks: run it on a blocking thread from async code. This crate knows
//! nothing of HTTP.
//!
//! Without the default `engine` feature only the text and document handling is built (segmenting,
//! HTML, documents): what the fuzz targets need, without C++.

pub mod documents;
mod entities;
mod error;
pub mod html;
pub mod markup;
pub mod quality;
mod segment;
pub mod toxicity;

// Behind the default `engine` feature: these need CTranslate2 and SentencePiece (C++), which the
// fuzz targets build without.
#[cfg(feature = "engine")]
mod batch;
#[cfg(feature = "engine")]
mod engine;
#[cfg(feature = "engine")]
mod model;
#[cfg(feature = "engine")]
mod options;
#[cfg(feature = "engine")]
pub mod pool;
#[cfg(feature = "engine")]
mod tokenizer;
#[cfg(feature = "engine")]
mod translation;
#[cfg(feature = "engine")]
mod translator;

pub use error::{Result, TranslatorError};
pub use segment::{split_long_sentence, Layout, Part, Renderer};

#[cfg(feature = "engine")]
pub use crate::{
    batch::{BatchLimits, BatchPlan},
    model::ModelFiles,
    options::{decoding_limit, Sampling, TranslateOptions, MAX_BEAM_SIZE},
    pool::{
        EngineCallReport, MetricsSnapshot, Pool, PoolConfig, PoolError, Priority, QueueLimits, SentenceStream,
        StreamItem, Submission, Ticket,
    },
    tokenizer::{NllbTokenizer, Piece, END_OF_SENTENCE},
    translation::{Hypothesis, Origin, Segment, SentenceQuality, TextRequest, TextTranslation},
    translator::{EngineFault, PreparedText, Translator, TranslatorConfig},
};
