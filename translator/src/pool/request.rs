//! What a caller hands the pool.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use langs::LangCode;

use crate::options::TranslateOptions;

/// Which work goes first when both wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Priority {
    /// Someone is waiting on the answer (the web page, an API call): served before any bulk work.
    #[default]
    Interactive,
    /// Batch jobs and documents: served when no interactive work waits, and on at most
    /// [`PoolConfig::bulk_workers`](super::PoolConfig::bulk_workers) replicas at once.
    Bulk,
}

impl Priority {
    /// Both priorities, first served first.
    pub const ALL: [Priority; 2] = [Priority::Interactive, Priority::Bulk];

    pub(crate) fn index(self) -> usize {
        match self {
            Priority::Interactive => 0,
            Priority::Bulk => 1,
        }
    }
}

/// Texts to translate from one language into another, with how and how urgently.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The texts, any length and layout; results come back in this order.
    pub texts: Vec<String>,
    /// Their language.
    pub source: LangCode,
    /// The language to translate them into.
    pub target: LangCode,
    /// Decoding options, shared by all the texts.
    pub options: TranslateOptions,
    /// Interactive or bulk.
    pub priority: Priority,
    /// When the caller stops caring: past it the caller gets [`PoolError::Timeout`](super::PoolError::Timeout)
    /// and its sentences still queued are dropped.
    pub deadline: Option<Instant>,
    /// Translations the caller already knows, by source sentence as the texts are cut into
    /// sentences ([`Translator::prepare`](crate::Translator::prepare)): a translation memory's
    /// exact matches. Those sentences are answered from here, marked [`Origin::Memory`](crate::Origin),
    /// without an engine call, and are not cached.
    pub known: Arc<HashMap<String, String>>,
}

impl Submission {
    /// Interactive, default options, no deadline.
    pub fn new(texts: Vec<String>, source: LangCode, target: LangCode) -> Submission {
        Submission {
            texts,
            source,
            target,
            options: TranslateOptions::default(),
            priority: Priority::Interactive,
            deadline: None,
            known: Arc::default(),
        }
    }

    /// The same with these options.
    pub fn options(mut self, options: TranslateOptions) -> Submission {
        self.options = options;
        self
    }

    /// The same with this priority.
    pub fn priority(mut self, priority: Priority) -> Submission {
        self.priority = priority;
        self
    }

    /// The same with these known translations (see [`Submission::known`]).
    pub fn known(mut self, known: HashMap<String, String>) -> Submission {
        self.known = Arc::new(known);
        self
    }

    /// The same with this deadline.
    pub fn deadline(mut self, deadline: Instant) -> Submission {
        self.deadline = Some(deadline);
        self
    }
}
