//! A submission's translations sentence by sentence, in order, as they are ready.

use std::collections::BTreeMap;

use tokio::sync::mpsc;

use super::error::PoolError;
use super::ticket::Ticket;
use crate::translation::{render_text, Hypothesis, TextTranslation};

/// What a [`SentenceStream`] yields, in order: each text's sentences, then that text's end.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    /// One sentence (or chunk of a long sentence) translated.
    Sentence {
        /// Which text of the submission it belongs to.
        text: usize,
        /// Its position among that text's sentences.
        index: usize,
        /// The source sentence.
        source: String,
        /// Its best translation.
        translation: String,
        /// The translated text from the end of the previous sentence up to the end of this one,
        /// layout included: a text's pieces joined are its [`StreamItem::TextEnd::text`].
        piece: String,
        /// How far the translation can be trusted.
        quality: crate::quality::Quality,
        /// Where the translation came from (the model, or the caller's known translations).
        origin: crate::Origin,
    },
    /// A text is complete.
    TextEnd {
        /// Which text of the submission.
        text: usize,
        /// What follows its last sentence (trailing layout).
        piece: String,
        /// The whole translation, as [`Ticket::wait`] gives it.
        translation: TextTranslation,
    },
}

/// A submission's translations as they come; from [`Pool::stream`](super::Pool::stream).
/// Dropping it withdraws the sentences that have not started, like dropping a [`Ticket`].
pub struct SentenceStream {
    ticket: Ticket,
    updates: mpsc::UnboundedReceiver<(usize, Vec<Hypothesis>)>,
    /// Sentences translated out of order, waiting for those before them.
    early: BTreeMap<usize, Vec<Hypothesis>>,
    /// The current text's sentences so far.
    current: Vec<Vec<Hypothesis>>,
    /// Position: text, and the submission-wide index of the next sentence to yield.
    text: usize,
    next: usize,
    /// Where the current text's own sentences start in the submission.
    text_start: usize,
    /// How far the current text is rendered (a [`Renderer`](crate::Renderer) position).
    rendered: usize,
    finished: bool,
}

impl SentenceStream {
    pub(crate) fn new(ticket: Ticket, updates: mpsc::UnboundedReceiver<(usize, Vec<Hypothesis>)>) -> SentenceStream {
        SentenceStream {
            ticket,
            updates,
            early: BTreeMap::new(),
            current: Vec::new(),
            text: 0,
            next: 0,
            text_start: 0,
            rendered: 0,
            finished: false,
        }
    }

    /// How many sentences the submission was cut into.
    pub fn sentences(&self) -> usize {
        self.ticket.sentences()
    }

    /// The next item, `None` after the last text's end, or the error that ended the submission
    /// (after which it yields `None`).
    pub async fn next(&mut self) -> Option<Result<StreamItem, PoolError>> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(item) = self.ready_item() {
                return Some(Ok(item));
            }
            match self.wait_for_update().await {
                Ok(()) => {}
                Err(error) => {
                    self.finished = true;
                    self.ticket.give_up(&error);
                    return Some(Err(error));
                }
            }
        }
    }

    /// The next item if what it needs has arrived.
    fn ready_item(&mut self) -> Option<StreamItem> {
        let plan = self.ticket.texts.get(self.text)?;
        let own = self.next - self.text_start;
        if own == plan.sentences {
            let piece = plan
                .layout
                .renderer_at(self.ticket.target.script(), self.rendered)
                .finish();
            let translation = render_text(
                &plan.layout,
                self.ticket.target,
                &self.current,
                self.ticket.alternatives,
            );
            let item = StreamItem::TextEnd {
                text: self.text,
                piece,
                translation,
            };
            self.current.clear();
            self.text += 1;
            self.text_start = self.next;
            self.rendered = 0;
            if self.text == self.ticket.texts.len() {
                self.finished = true;
                self.ticket.finish();
            }
            return Some(item);
        }
        let hypotheses = self.early.remove(&self.next)?;
        let translation = hypotheses.first().map_or(String::new(), |h| h.text.clone());
        let quality = hypotheses
            .first()
            .map_or_else(crate::quality::Quality::unchecked, |h| h.quality.clone());
        let origin = hypotheses.first().map(|h| h.origin).unwrap_or_default();
        let mut renderer = plan.layout.renderer_at(self.ticket.target.script(), self.rendered);
        let piece = renderer.next_sentence(&translation);
        self.rendered = renderer.position();
        let source = plan.layout.sentences().nth(own).unwrap_or_default().to_string();
        self.current.push(hypotheses);
        self.next += 1;
        Some(StreamItem::Sentence {
            text: self.text,
            index: own,
            source,
            translation,
            piece,
            quality,
            origin,
        })
    }

    /// Waits until another sentence arrives, the whole submission is answered, or it fails.
    async fn wait_for_update(&mut self) -> Result<(), PoolError> {
        let deadline = self.ticket.job.deadline;
        let receive = async {
            tokio::select! {
                update = self.updates.recv() => match update {
                    Some((index, hypotheses)) => {
                        self.early.insert(index, hypotheses);
                        Ok(())
                    }
                    None => Err(PoolError::Closed),
                },
                reply = self.ticket.reply() => match reply {
                    // Every sentence was sent as an update before the reply: collect them.
                    Ok(_) => {
                        while let Ok((index, hypotheses)) = self.updates.try_recv() {
                            self.early.insert(index, hypotheses);
                        }
                        Ok(())
                    }
                    Err(error) => Err(error),
                },
            }
        };
        match deadline {
            Some(deadline) => tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), receive)
                .await
                .unwrap_or(Err(PoolError::Timeout)),
            None => receive.await,
        }
    }
}
