//! NLLB's token recipe on SentencePiece, as CTranslate2 documents it for converted models:
//! source `[src_lang] + pieces + ["</s>"]`, target prefix `[tgt_lang]`, and the language token
//! dropped from the front of the output before detokenizing.

use std::path::Path;

use langs::LangCode;
use sentencepiece::SentencePieceProcessor;

use crate::error::{Result, TranslatorError};

/// The end-of-sentence token that closes every source sequence.
pub const END_OF_SENTENCE: &str = "</s>";

/// SentencePiece tokenizer of an NLLB model.
pub struct NllbTokenizer {
    processor: SentencePieceProcessor,
}

/// One SentencePiece piece and where it came from in the input (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The piece as the vocabulary spells it, e.g. `▁How`.
    pub text: String,
    /// Byte offset just past the piece's source text.
    pub end: usize,
}

impl NllbTokenizer {
    /// Loads `sentencepiece.bpe.model`.
    pub fn open(path: &Path) -> Result<NllbTokenizer> {
        let processor = SentencePieceProcessor::open(path).map_err(|e| TranslatorError::ModelFileBroken {
            path: path.to_path_buf(),
            reason: format!("not a SentencePiece model ({e})"),
        })?;
        Ok(NllbTokenizer { processor })
    }

    /// Splits text into pieces.
    pub fn pieces(&self, text: &str) -> Result<Vec<Piece>> {
        let encoded = self
            .processor
            .encode(text)
            .map_err(|e| TranslatorError::Engine(format!("sentencepiece could not encode a sentence: {e}")))?;
        Ok(encoded
            .into_iter()
            .map(|p| Piece {
                text: p.piece,
                end: p.span.1 as usize,
            })
            .collect())
    }

    /// The source sequence CTranslate2 gets: language token, pieces, end of sentence.
    pub fn source_tokens(&self, source: LangCode, text: &str) -> Result<Vec<String>> {
        let pieces = self.pieces(text)?;
        let mut tokens = Vec::with_capacity(pieces.len() + 2);
        tokens.push(source.as_str().to_string());
        tokens.extend(pieces.into_iter().map(|p| p.text));
        tokens.push(END_OF_SENTENCE.to_string());
        Ok(tokens)
    }

    /// Output tokens without the leading target-language token.
    pub fn strip_target_token<'a>(&self, target: LangCode, tokens: &'a [String]) -> &'a [String] {
        match tokens.split_first() {
            Some((first, rest)) if first == target.as_str() => rest,
            _ => tokens,
        }
    }

    /// Joins output pieces back into text.
    pub fn detokenize(&self, tokens: &[String]) -> Result<String> {
        self.processor
            .decode_pieces(tokens)
            .map_err(|e| TranslatorError::Engine(format!("sentencepiece could not decode a translation: {e}")))
    }
}
