//! How far a translated document can be trusted, summed from its sentences' quality
//! (docs/quality.md): what `tolk batch` and the jobs' `report.json` say per file.

use serde::{Deserialize, Serialize};
use translator::quality::{QualityLevel, Retry};
use translator::SentenceQuality;

/// Sentences listed one by one per document; the counts cover the rest.
pub const MAX_LISTED: usize = 200;
/// Characters of a listed sentence's translation, enough to find it in the document.
const LISTED_CHARS: usize = 160;

/// A document's quality: counts by level, and the sentences that are not `good`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentQuality {
    /// The worst sentence's level: `good`, `uncertain` or `poor`.
    pub level: String,
    /// Sentences translated.
    pub sentences: usize,
    /// Sentences rated `uncertain`.
    pub uncertain: usize,
    /// Sentences rated `poor`.
    pub poor: usize,
    /// Flagged sentences decoded a second time.
    pub retried: usize,
    /// The sentences not `good`, in document order (the first [`MAX_LISTED`]).
    pub flagged: Vec<FlaggedSentence>,
}

/// One sentence that is not `good`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlaggedSentence {
    /// The document's text (paragraph, cell, segment) it is in, from 0.
    pub text: usize,
    /// Its place in that text, from 0.
    pub sentence: usize,
    /// `uncertain` or `poor`.
    pub level: String,
    /// What the checks found.
    pub flags: Vec<String>,
    /// The model's score.
    pub score: f32,
    /// `replaced` or `kept` when it was decoded a second time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<String>,
    /// The start of its translation, to find it by.
    pub translation: String,
}

impl Default for DocumentQuality {
    fn default() -> Self {
        DocumentQuality {
            level: QualityLevel::Good.as_str().to_string(),
            sentences: 0,
            uncertain: 0,
            poor: 0,
            retried: 0,
            flagged: Vec::new(),
        }
    }
}

impl DocumentQuality {
    /// Adds the sentences of the document's text number `text`.
    pub fn add_text(&mut self, text: usize, sentences: &[SentenceQuality]) {
        for (index, sentence) in sentences.iter().enumerate() {
            let quality = &sentence.quality;
            self.sentences += 1;
            self.retried += usize::from(quality.retry.is_some());
            match quality.level {
                QualityLevel::Good => continue,
                QualityLevel::Uncertain => self.uncertain += 1,
                QualityLevel::Poor => self.poor += 1,
            }
            if self.flagged.len() < MAX_LISTED {
                self.flagged.push(FlaggedSentence {
                    text,
                    sentence: index,
                    level: quality.level.as_str().to_string(),
                    flags: quality.flags.iter().map(|f| f.as_str().to_string()).collect(),
                    score: quality.score,
                    retry: quality.retry.map(|r: Retry| r.as_str().to_string()),
                    translation: sentence.text.chars().take(LISTED_CHARS).collect(),
                });
            }
        }
        self.settle_level();
    }

    /// The worst level, from the counts: the one rule for a text added and a chunk merged.
    fn settle_level(&mut self) {
        self.level = if self.poor > 0 {
            QualityLevel::Poor
        } else if self.uncertain > 0 {
            QualityLevel::Uncertain
        } else {
            QualityLevel::Good
        }
        .as_str()
        .to_string();
    }

    /// Adds another part of the same document (a stored chunk), whose texts are numbered within
    /// the whole document already.
    pub fn merge(&mut self, other: DocumentQuality) {
        self.sentences += other.sentences;
        self.uncertain += other.uncertain;
        self.poor += other.poor;
        self.retried += other.retried;
        self.flagged.extend(other.flagged);
        self.flagged.sort_by_key(|f| (f.text, f.sentence));
        self.flagged.truncate(MAX_LISTED);
        self.settle_level();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use translator::quality::{Quality, QualityFlag};

    fn sentence(level: QualityLevel, flags: &[QualityFlag]) -> SentenceQuality {
        SentenceQuality {
            source: "source".into(),
            text: "translation".into(),
            quality: Quality {
                score: -1.0,
                level,
                flags: flags.to_vec(),
                retry: None,
            },
            origin: translator::Origin::Model,
        }
    }

    #[test]
    fn counts_levels_and_lists_what_is_not_good_in_order() {
        let mut quality = DocumentQuality::default();
        quality.add_text(0, &[sentence(QualityLevel::Good, &[])]);
        assert_eq!((quality.level.as_str(), quality.sentences), ("good", 1));
        quality.add_text(
            3,
            &[
                sentence(QualityLevel::Good, &[]),
                sentence(QualityLevel::Uncertain, &[QualityFlag::Numbers]),
            ],
        );
        let mut later = DocumentQuality::default();
        later.add_text(1, &[sentence(QualityLevel::Poor, &[QualityFlag::Copied])]);
        quality.merge(later);
        assert_eq!(quality.level, "poor");
        assert_eq!((quality.sentences, quality.uncertain, quality.poor), (4, 1, 1));
        let places: Vec<(usize, usize)> = quality.flagged.iter().map(|f| (f.text, f.sentence)).collect();
        assert_eq!(places, [(1, 0), (3, 1)]);
        assert_eq!(quality.flagged[1].flags, ["numbers"]);
    }

    #[test]
    fn the_list_is_bounded_and_the_counts_are_not() {
        let mut quality = DocumentQuality::default();
        let many = vec![sentence(QualityLevel::Uncertain, &[QualityFlag::Length]); MAX_LISTED + 50];
        quality.add_text(0, &many);
        assert_eq!(quality.uncertain, MAX_LISTED + 50);
        assert_eq!(quality.flagged.len(), MAX_LISTED);
    }
}
