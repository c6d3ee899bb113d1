//! `POST /v1/translate/stream`: Server-Sent Events, one per sentence as soon as it (and every
//! sentence before it) is translated, then one per finished text, then `done`. Each text is its
//! own pool submission, so sentences of all texts share engine calls; a client that disconnects
//! drops the response stream, which drops the submissions and withdraws what has not started.

use std::collections::VecDeque;

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::stream;
use serde::Serialize;
use translator::{PoolError, StreamItem};
use utoipa::ToSchema;

use super::auth::bearer_key;
use super::body;
use super::error::{ApiError, ErrorBody};
use super::shapes::{QualityBody, TranslateBody, TranslateResponse, TranslationItem};
use crate::app::memory::fuzzy::Suggestion;
use crate::app::translation::{self, StreamedSentences, StreamedText, TranslatedText};
use crate::app::{Core, Error};

/// `event: sentence`: one sentence translated.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentenceEvent {
    /// Which text of the request (0-based).
    pub text: usize,
    /// Which sentence of that text (0-based).
    pub index: usize,
    /// The source sentence.
    pub source: String,
    /// Its translation.
    pub translation: String,
    /// The translated text from the end of the previous piece to the end of this sentence,
    /// line breaks and spacing included: a text's pieces joined, with its `text_end` piece,
    /// are its full translation.
    pub piece: String,
    /// How far the translation can be trusted (docs/quality.md).
    pub quality: QualityBody,
    /// `model`, or `memory` for a correction from the key's translation memory.
    #[schema(example = "model")]
    pub origin: &'static str,
    /// Near matches from the key's translation memory, best first; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

/// `event: text_end`: one text finished.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextEndEvent {
    /// Which text.
    pub text: usize,
    /// What follows the text's last sentence (trailing layout), to append to its pieces.
    pub piece: String,
    /// The whole translation, as `/v1/translate` gives it.
    pub translation: TranslationItem,
}

/// Translate with Server-Sent Events: `sentence` events in order as each is ready, `text_end`
/// after each text, then `done` with the same body `/v1/translate` answers; `error` (with an
/// error body) if the translation fails midway. Plain text only.
#[utoipa::path(
    post, path = "/v1/translate/stream", tag = "tolk",
    request_body = TranslateBody,
    responses(
        (status = 200, description = "An event stream: `sentence` (SentenceEvent), `text_end` (TextEndEvent), `done` (TranslateResponse) or `error` (ErrorBody)", body = String, content_type = "text/event-stream"),
        (status = 400, description = "Broken JSON, unknown language, bad option, html format", body = ErrorBody),
        (status = 401, description = "Keys are on and none was given", body = ErrorBody),
        (status = 403, description = "Unknown API key", body = ErrorBody),
        (status = 413, description = "Over a limit", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "The key's rate or quota is used up", body = ErrorBody),
        (status = 503, description = "Queue full or model loading; see Retry-After", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn translate_stream(
    core: web::Data<Core>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body: TranslateBody = body::read_json(&request, payload, core.settings.max_body_bytes).await?;
    let mut translation = body.into_request()?;
    let chars = translation::check_limits(&core, &translation.texts)?;
    let key = bearer_key(&request);
    core.admit(key.as_deref(), chars)?;
    translation.owner = core.owner_of(key.as_deref());
    let texts = translation::stream(&core, translation).await?;
    let events = Events {
        texts: texts.into(),
        index: 0,
        done: Vec::new(),
        over: false,
    };
    let body = stream::unfold(events, |mut events| async move {
        let bytes = events.next().await?;
        Some((Ok::<Bytes, actix_web::Error>(bytes), events))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        // Proxies such as nginx would otherwise hold events back until their buffer fills.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}

/// The events still to send.
struct Events {
    texts: VecDeque<StreamedText>,
    index: usize,
    done: Vec<TranslationItem>,
    over: bool,
}

impl Events {
    async fn next(&mut self) -> Option<Bytes> {
        if self.over {
            return None;
        }
        let Some(current) = self.texts.front_mut() else {
            self.over = true;
            let done = TranslateResponse {
                translations: std::mem::take(&mut self.done),
            };
            return Some(event("done", &done));
        };
        let sentences = match &mut current.sentences {
            StreamedSentences::Live(sentences) => sentences,
            StreamedSentences::Verbatim => {
                let mut pending = self.texts.pop_front()?;
                pending.answer.text = pending.text.clone();
                return Some(self.text_end(pending.text, pending.answer));
            }
            StreamedSentences::Whole(_) => {
                // Kept spans are placed over whole lines: the text comes in one piece, when done.
                let mut pending = self.texts.pop_front()?;
                let StreamedSentences::Whole(whole) = pending.sentences else {
                    return None;
                };
                return Some(match whole.wait().await {
                    Ok(translation) => {
                        pending.answer.text = translation.text.clone();
                        pending.answer.sentences = translation.sentence_quality;
                        self.text_end(translation.text, pending.answer)
                    }
                    Err(error) => self.fail_with(error),
                });
            }
        };
        match sentences.next().await {
            Some(Ok(StreamItem::Sentence {
                index,
                source,
                translation,
                piece,
                quality,
                origin,
                ..
            })) => {
                let suggestions = current.suggestions(&source).to_vec();
                Some(event(
                    "sentence",
                    &SentenceEvent {
                        text: self.index,
                        index,
                        source,
                        translation,
                        piece,
                        quality: QualityBody::of(&quality),
                        origin: origin.as_str(),
                        suggestions,
                    },
                ))
            }
            Some(Ok(StreamItem::TextEnd { piece, translation, .. })) => {
                let mut pending = self.texts.pop_front()?;
                pending.answer.text = translation.text;
                pending.answer.alternatives = translation.alternatives;
                pending.answer.sentences = translation.sentence_quality;
                Some(self.text_end(piece, pending.answer))
            }
            Some(Err(error)) => Some(self.fail(error)),
            None => Some(self.fail(PoolError::Closed)),
        }
    }

    fn text_end(&mut self, piece: String, answer: TranslatedText) -> Bytes {
        let item = TranslationItem::from(answer);
        let bytes = event(
            "text_end",
            &TextEndEvent {
                text: self.index,
                piece,
                translation: item.clone(),
            },
        );
        self.done.push(item);
        self.index += 1;
        bytes
    }

    fn fail(&mut self, error: PoolError) -> Bytes {
        self.fail_with(Error::from(error))
    }

    fn fail_with(&mut self, error: Error) -> Bytes {
        self.over = true;
        self.texts.clear();
        event("error", &ApiError::App(error).body())
    }
}

/// One Server-Sent Event; JSON has no raw newlines, so one `data:` line carries it.
fn event(name: &str, data: &impl Serialize) -> Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_string());
    Bytes::from(format!("event: {name}\ndata: {json}\n\n"))
}
