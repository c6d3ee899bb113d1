//! The worker pool on the real engine and test model: many concurrent callers get exactly what
//! the translator gives each of them alone; cancellation, a full queue, deadlines, priorities and
//! the cache behave. Timing-free: where order or a full queue matters the pool starts paused, and
//! effects are read from its counters, never inferred from sleeps.

mod common;

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::Poll;
use std::time::{Duration, Instant};

use common::{lang, references, Case, SENTENCES};
use translator::{
    BatchLimits, EngineCallReport, EngineFault, Origin, Pool, PoolConfig, PoolError, Priority, QueueLimits, StreamItem,
    Submission, TextRequest, TextTranslation, TranslateOptions, Translator, TranslatorConfig, TranslatorError,
};

/// Small enough that long reference sentences are cut into chunks, so that path is covered too.
const MAX_INPUT_TOKENS: usize = 48;

fn open(replicas: usize) -> Arc<Translator> {
    let config = TranslatorConfig {
        threads: 1,
        replicas,
        max_input_tokens: MAX_INPUT_TOKENS,
        ..TranslatorConfig::default()
    };
    Arc::new(Translator::open(&common::model_dir(), config).expect("the test model loads"))
}

/// Two replicas: two workers, so batches also run concurrently.
fn translator() -> Arc<Translator> {
    static TRANSLATOR: OnceLock<Arc<Translator>> = OnceLock::new();
    Arc::clone(TRANSLATOR.get_or_init(|| open(2)))
}

/// One replica: one worker, so the order of engine calls is the batcher's alone.
fn single_replica() -> Arc<Translator> {
    static TRANSLATOR: OnceLock<Arc<Translator>> = OnceLock::new();
    Arc::clone(TRANSLATOR.get_or_init(|| open(1)))
}

fn pool(translator: Arc<Translator>, config: PoolConfig) -> Pool {
    Pool::new(translator, config).expect("worker threads start")
}

fn paused() -> PoolConfig {
    PoolConfig {
        start_paused: true,
        cache_bytes: 0,
        ..PoolConfig::default()
    }
}

fn options(beam_size: usize) -> TranslateOptions {
    TranslateOptions {
        beam_size,
        ..TranslateOptions::default()
    }
}

fn english(texts: &[&str]) -> Submission {
    Submission::new(
        texts.iter().map(|t| t.to_string()).collect(),
        lang("eng_Latn"),
        lang("fra_Latn"),
    )
    .options(options(1))
}

/// Polls a future once, the way an HTTP handler is polled before its client goes away.
async fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *future).poll(cx))).await
}

/// What the translator gives one caller alone.
/// Asserts that translations are the same: texts, alternatives and quality flags and levels
/// exactly; the model's scores to a thousandth, since a batched engine call rounds them
/// differently in the sixth digit.
#[track_caller]
fn assert_same(got: &[TextTranslation], expected: &[TextTranslation], context: &str) {
    let scores = |t: &[TextTranslation]| -> Vec<f32> {
        t.iter()
            .flat_map(|t| t.sentence_quality.iter().map(|s| s.quality.score))
            .collect()
    };
    let without_scores = |t: &[TextTranslation]| -> Vec<TextTranslation> {
        let mut t = t.to_vec();
        for s in t.iter_mut().flat_map(|t| t.sentence_quality.iter_mut()) {
            s.quality.score = 0.0;
        }
        t
    };
    assert_eq!(without_scores(got), without_scores(expected), "{context}");
    let (a, b) = (scores(got), scores(expected));
    assert!(
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-3),
        "{context}: scores {a:?} against {b:?}"
    );
}

fn alone(translator: &Translator, submission: &Submission) -> Vec<TextTranslation> {
    let requests: Vec<TextRequest> = submission
        .texts
        .iter()
        .map(|text| TextRequest {
            text,
            source: submission.source,
            target: submission.target,
        })
        .collect();
    translator.translate_texts(&requests, &submission.options).unwrap()
}

/// 200 callers: mixed source and target languages (35 of them), one to three texts of one to
/// several sentences (some cut into chunks), greedy and beam 4 with two alternatives.
fn two_hundred_callers() -> Vec<Submission> {
    let cases = references();
    (0..200)
        .map(|i| {
            let case = &cases[i % cases.len()];
            let same_source: Vec<&Case> = cases.iter().filter(|c| c.source_lang == case.source_lang).collect();
            let other = same_source[(i / 7) % same_source.len()];
            let mut texts = vec![case.text.clone()];
            if i % 3 >= 1 {
                // Two sentences on one line, and a second paragraph.
                texts.push(format!("{}\n\n  {}\n", other.text, case.text));
            }
            if i % 3 == 2 {
                texts.push(String::new());
            }
            let options = if i % 2 == 0 {
                options(1)
            } else {
                TranslateOptions {
                    beam_size: 4,
                    alternatives: 2,
                    ..TranslateOptions::default()
                }
            };
            let target = if i % 5 == 0 { "eng_Latn" } else { &case.target_lang };
            Submission::new(texts, lang(&case.source_lang), lang(target))
                .options(options)
                .priority(if i % 4 == 0 {
                    Priority::Bulk
                } else {
                    Priority::Interactive
                })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_callers_each_get_what_the_translator_gives_them_alone() {
    let translator = translator();
    let submissions = two_hundred_callers();
    let languages: HashSet<_> = submissions.iter().map(|s| s.source).collect();
    assert!(languages.len() >= 30, "{} source languages", languages.len());
    let expected: Vec<Vec<TextTranslation>> = submissions.iter().map(|s| alone(&translator, s)).collect();
    let chunked = submissions.iter().zip(&expected).any(|(submission, expected)| {
        let layout_sentences = |text: &String| translator::Layout::of(text).sentences().count();
        submission
            .texts
            .iter()
            .zip(expected)
            .any(|(text, out)| out.sentences > layout_sentences(text))
    });
    assert!(chunked, "some sentence was cut into chunks");

    // The cache is off, so that every sentence goes through a batch shared with other callers.
    let pool = Arc::new(pool(
        Arc::clone(&translator),
        PoolConfig {
            cache_bytes: 0,
            ..PoolConfig::default()
        },
    ));
    let callers: Vec<_> = submissions
        .into_iter()
        .map(|submission| {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.translate(submission).await })
        })
        .collect();
    // Exactly, beam search included: a sentence whose output reaches its own decoding limit in
    // a shared call is decoded again alone, so no result depends on its batch.
    for (i, (caller, expected)) in callers.into_iter().zip(&expected).enumerate() {
        let got = caller.await.expect("caller task").expect("translation");
        assert_same(
            &got,
            expected,
            &format!("caller {i} got a different translation through the pool"),
        );
    }

    let metrics = pool.metrics();
    assert_eq!(metrics.completed, 200);
    assert_eq!(metrics.queue.sentences, 0);
    let sentences: usize = expected.iter().flatten().map(|t| t.sentences).sum();
    assert_eq!(
        metrics.sentences_translated + metrics.deduplicated,
        sentences as u64,
        "every sentence translated once, or shared with an identical one"
    );
    assert!(
        metrics.batches < metrics.sentences_translated / 2,
        "sentences were batched across callers: {} calls for {} sentences",
        metrics.batches,
        metrics.sentences_translated
    );
    assert_eq!(metrics.total.count, 200);
    assert_eq!(metrics.queue_wait.count, sentences as u64);
    assert_eq!(metrics.engine.count, metrics.batches);
    assert!(metrics.tokens_per_second > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_goes_away_has_its_queued_sentences_removed_and_never_translated() {
    let pool = pool(translator(), paused());
    let stays = pool.submit(english(&SENTENCES[..2])).unwrap();

    // A ticket dropped before its sentences started.
    let leaves = pool.submit(english(&SENTENCES[2..5])).unwrap();
    assert_eq!(pool.metrics().queue.sentences, 5);
    drop(leaves);
    let metrics = pool.metrics();
    assert_eq!(metrics.queue.sentences, 2);
    assert_eq!((metrics.cancelled, metrics.cancelled_sentences), (1, 3));

    // A future dropped after its first poll, as when an HTTP client disconnects.
    let mut future = Box::pin(pool.translate(english(&SENTENCES[5..6])));
    assert!(poll_once(&mut future).await.is_pending(), "the pool is paused");
    assert_eq!(pool.metrics().queue.sentences, 3);
    drop(future);
    let metrics = pool.metrics();
    assert_eq!(metrics.queue.sentences, 2);
    assert_eq!((metrics.cancelled, metrics.cancelled_sentences), (2, 4));

    pool.resume();
    let out = stays.wait().await.unwrap();
    assert_eq!(out.len(), 2);
    let metrics = pool.metrics();
    assert_eq!(
        metrics.sentences_translated, 2,
        "only the remaining caller's sentences ran"
    );
    assert_eq!(metrics.completed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_refuses_at_once_with_busy_and_a_retry_delay() {
    let pool = pool(
        translator(),
        PoolConfig {
            queue: QueueLimits {
                max_sentences: 4,
                max_tokens: 1_000,
            },
            ..paused()
        },
    );
    let first = pool.submit(english(&[&SENTENCES[..3].join(" ")])).unwrap();
    assert_eq!(first.sentences(), 3);
    match pool.submit(english(&SENTENCES[3..5])) {
        Err(PoolError::Busy { retry_after }) => assert!(retry_after >= Duration::from_secs(1)),
        other => panic!("expected Busy, got {other:?}"),
    }
    // Nothing of the refused submission was queued; what fits still goes in.
    assert_eq!(pool.metrics().queue.sentences, 3);
    let second = pool.submit(english(&SENTENCES[3..4])).unwrap();
    match pool.submit(english(&SENTENCES[..5])) {
        Err(PoolError::TooLarge { sentences: 5, .. }) => {}
        other => panic!("a submission larger than the queue can never fit: {other:?}"),
    }
    let metrics = pool.metrics();
    assert_eq!((metrics.rejected_busy, metrics.rejected_too_large), (1, 1));
    assert_eq!(metrics.queue.sentences, 4);

    pool.resume();
    assert_eq!(first.wait().await.unwrap()[0].sentences, 3);
    assert_eq!(second.wait().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_bound_also_fills_the_queue() {
    let pool = pool(
        translator(),
        PoolConfig {
            queue: QueueLimits {
                max_sentences: 100,
                max_tokens: 30,
            },
            ..paused()
        },
    );
    let first = pool.submit(english(&SENTENCES[..1])).unwrap();
    let tokens = pool.metrics().queue.tokens;
    assert!(tokens > 10 && tokens <= 30, "{tokens} tokens");
    assert!(matches!(
        pool.submit(english(&SENTENCES[2..3])),
        Err(PoolError::Busy { .. })
    ));
    drop(first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passed_deadline_times_out_that_caller_only() {
    let pool = pool(translator(), paused());
    let others = pool.submit(english(&SENTENCES[..2])).unwrap();
    let late = pool
        .submit(english(&SENTENCES[2..4]).deadline(Instant::now() + Duration::from_millis(20)))
        .unwrap();
    // The workers are paused, so the deadline passes whatever the machine's speed.
    assert!(matches!(late.wait().await, Err(PoolError::Timeout)));
    let metrics = pool.metrics();
    assert_eq!(metrics.timeouts, 1);
    assert_eq!(metrics.queue.sentences, 2, "the late caller's sentences were removed");

    pool.resume();
    // Running workers: a deadline that has already passed is never translated either.
    let expired = pool.submit(english(&SENTENCES[4..6]).deadline(Instant::now())).unwrap();
    let fine = pool.submit(english(&SENTENCES[4..6])).unwrap();
    assert!(matches!(expired.wait().await, Err(PoolError::Timeout)));
    assert_eq!(others.wait().await.unwrap().len(), 2);
    assert_eq!(fine.wait().await.unwrap().len(), 2);
    assert_eq!(pool.metrics().timeouts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_work_queued_behind_bulk_work_runs_first() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&order);
    let pool = pool(
        single_replica(),
        PoolConfig {
            // Two sentences per call, so the bulk work needs several calls.
            batch: Some(BatchLimits {
                max_tokens: 4096,
                max_sentences: 2,
            }),
            observer: Some(Arc::new(move |report: &EngineCallReport| {
                seen.lock().unwrap().push((report.priority, report.sentences));
            })),
            ..paused()
        },
    );
    let bulk: Vec<_> = (0..3)
        .map(|i| {
            pool.submit(english(&SENTENCES[2 * i..2 * i + 2]).priority(Priority::Bulk))
                .unwrap()
        })
        .collect();
    let interactive = pool.submit(english(&["Everyone has the right to life."])).unwrap();
    assert_eq!(pool.metrics().queue.bulk, 6);
    assert_eq!(pool.metrics().queue.interactive, 1);

    pool.resume();
    interactive.wait().await.unwrap();
    for ticket in bulk {
        ticket.wait().await.unwrap();
    }
    assert_eq!(
        *order.lock().unwrap(),
        vec![
            (Priority::Interactive, 1),
            (Priority::Bulk, 2),
            (Priority::Bulk, 2),
            (Priority::Bulk, 2)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_sentences_come_from_the_cache_and_duplicates_in_a_batch_run_once() {
    let translator = translator();
    let pool = pool(Arc::clone(&translator), PoolConfig::default());
    let text = "Everyone has the right to education. No one shall be held in slavery.";
    let first = pool.translate(english(&[text])).await.unwrap();
    let metrics = pool.metrics();
    assert_eq!((metrics.cache_hits, metrics.cache_misses), (0, 2));
    let batches = metrics.batches;

    let again = pool.translate(english(&[text])).await.unwrap();
    assert_eq!(again, first);
    let metrics = pool.metrics();
    assert_eq!((metrics.cache_hits, metrics.cache_misses), (2, 2));
    assert_eq!(metrics.batches, batches, "no engine call for a repeat");
    assert_eq!(metrics.cache.entries, 2);
    assert!(metrics.cache.bytes > 0 && metrics.cache.bytes <= metrics.cache.capacity_bytes);

    // Other options are another translation: a miss.
    pool.translate(english(&[text]).options(options(2))).await.unwrap();
    assert_eq!(pool.metrics().cache_misses, 4);

    // The same new sentence three times in one submission: translated once, in one call.
    let repeated = "The family is the natural unit of society. ".repeat(3);
    let out = pool.translate(english(&[repeated.trim_end()])).await.unwrap();
    assert_same(
        &out,
        &alone(&translator, &english(&[repeated.trim_end()])),
        "repeated sentences",
    );
    let metrics = pool.metrics();
    assert_eq!((metrics.cache_misses, metrics.deduplicated), (5, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentences_the_caller_knows_are_answered_from_it_without_the_engine() {
    let translator = translator();
    let pool = pool(Arc::clone(&translator), PoolConfig::default());
    let (known, unknown) = (
        "Everyone has the right to education.",
        "No one shall be held in slavery.",
    );
    let text = format!("{known} {unknown}\n\n{known}");
    let correction = "Chacun a droit à l'éducation (corrigé).";
    let submission = english(&[&text]).known([(known.to_string(), correction.to_string())].into());
    let out = pool.translate(submission).await.unwrap();
    let sentences = &out[0].sentence_quality;
    assert_eq!(sentences.len(), 3, "{out:?}");
    // The known sentence, both times, is the caller's translation; the other is the model's,
    // as the translator gives it alone, and the layout is kept around both.
    let model = alone(&translator, &english(&[unknown]));
    assert_eq!(
        out[0].text,
        format!("{correction} {}\n\n{correction}", model[0].text),
        "{out:?}"
    );
    let origins: Vec<Origin> = sentences.iter().map(|s| s.origin).collect();
    assert_eq!(origins, [Origin::Memory, Origin::Model, Origin::Memory]);
    assert_eq!(sentences[0].text, correction);
    let metrics = pool.metrics();
    assert_eq!(metrics.known_sentences, 2);
    assert_eq!(metrics.cache_misses, 1, "only the unknown sentence reaches the engine");
    // Known translations are the caller's, not the model's: they are not cached for others.
    let plain = pool.translate(english(&[known])).await.unwrap();
    assert_same(
        &plain,
        &alone(&translator, &english(&[known])),
        "without the known translation",
    );
    assert_eq!(plain[0].sentence_quality[0].origin, Origin::Model);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_at_submission_and_closing_answers_the_queue() {
    let pool = pool(translator(), paused());
    match pool.submit(english(&["Hello."]).options(options(0))) {
        Err(PoolError::Translator(TranslatorError::InvalidOption { name: "beam_size", .. })) => {}
        other => panic!("expected an invalid option, got {other:?}"),
    }
    // Nothing to translate: answered at once, even while paused.
    let empty = pool.translate(english(&["", " \n", "42"])).await.unwrap();
    assert_eq!(
        empty.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
        ["", " \n", "42"]
    );
    assert_eq!(pool.metrics().sentences_translated, 0);

    let queued = pool.submit(english(&SENTENCES[..1])).unwrap();
    drop(pool);
    assert!(matches!(queued.wait().await, Err(PoolError::Closed)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_yields_each_sentence_in_order_and_pieces_that_join_into_the_whole_translation() {
    let pool = pool(translator(), PoolConfig::default());
    let texts = [
        format!("{} {}\n\n  {}\n", SENTENCES[0], SENTENCES[1], SENTENCES[2]),
        "12345".to_string(),
        SENTENCES[3].to_string(),
    ];
    let submission = Submission::new(texts.to_vec(), lang("eng_Latn"), lang("fra_Latn")).options(options(1));
    let expected = alone(pool.translator(), &submission);
    let mut stream = pool.stream(submission).unwrap();
    let mut pieces = vec![String::new(); texts.len()];
    let mut seen = Vec::new();
    let mut ended = Vec::new();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            StreamItem::Sentence {
                text,
                index,
                source,
                translation,
                piece,
                quality,
                ..
            } => {
                assert!(quality.score <= 0.0, "{quality:?}");
                assert!(
                    ended.len() == text,
                    "sentences of text {text} come after text {} ended",
                    ended.len()
                );
                assert!(piece.contains(translation.trim()));
                pieces[text].push_str(&piece);
                seen.push((text, index, source));
            }
            StreamItem::TextEnd {
                text,
                piece,
                translation,
            } => {
                pieces[text].push_str(&piece);
                assert_same(&[translation], &expected[text..=text], "streamed text");
                ended.push(text);
            }
        }
    }
    assert_eq!(ended, [0, 1, 2]);
    let order: Vec<(usize, usize)> = seen.iter().map(|(t, i, _)| (*t, *i)).collect();
    assert_eq!(order, [(0, 0), (0, 1), (0, 2), (2, 0)]);
    assert_eq!(seen[1].2, SENTENCES[1]);
    for (joined, whole) in pieces.iter().zip(&expected) {
        assert_eq!(joined, &whole.text);
    }
    assert_eq!(pieces[1], "12345");
    assert_eq!(pool.metrics().completed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_dropped_midway_withdraws_what_has_not_started() {
    let pool = pool(single_replica(), paused());
    let mut stream = pool.stream(english(&SENTENCES[..4])).unwrap();
    assert_eq!(stream.sentences(), 4);
    let mut next = Box::pin(stream.next());
    assert!(poll_once(&mut next).await.is_pending(), "the pool is paused");
    drop(next);
    assert_eq!(pool.metrics().queue.sentences, 4);
    drop(stream);
    let metrics = pool.metrics();
    assert_eq!(metrics.queue.sentences, 0);
    assert_eq!((metrics.cancelled, metrics.cancelled_sentences), (1, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_text_goes_in_order_in_calls_that_double_so_its_first_sentence_comes_early() {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&sizes);
    let pool = pool(
        single_replica(),
        PoolConfig {
            observer: Some(Arc::new(move |report: &EngineCallReport| {
                seen.lock().unwrap().push(report.sentences);
            })),
            ..paused()
        },
    );
    let text = SENTENCES[..7].join(" ");
    let submission = Submission::new(vec![text.clone()], lang("eng_Latn"), lang("fra_Latn")).options(options(1));
    let expected = alone(pool.translator(), &submission);
    let mut stream = pool.stream(submission).unwrap();
    // A plain submission of the same text, queued behind it, is batched as before.
    let plain = pool.submit(english(&[text.as_str()])).unwrap();
    pool.resume();
    let mut joined = String::new();
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            StreamItem::Sentence { piece, .. } | StreamItem::TextEnd { piece, .. } => joined.push_str(&piece),
        }
    }
    assert_eq!(joined, expected[0].text, "smaller calls change nothing in the result");
    assert_same(&plain.wait().await.unwrap(), &expected, "plain submission");
    assert_eq!(*sizes.lock().unwrap(), [1, 2, 4, 7]);
}

/// An engine call that fails or panics because of one sentence fails only that sentence's caller:
/// the others who shared the call get their translations, and the pool goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_failure_or_panic_fails_only_the_caller_whose_sentence_caused_it() {
    for panic in [false, true] {
        let config = TranslatorConfig {
            threads: 1,
            max_input_tokens: MAX_INPUT_TOKENS,
            fault: Some(EngineFault {
                marker: "POISON".to_string(),
                panic,
            }),
            ..TranslatorConfig::default()
        };
        let translator = Arc::new(Translator::open(&common::model_dir(), config).unwrap());
        let pool = pool(Arc::clone(&translator), paused());
        let first = english(&[SENTENCES[0]]);
        let second = english(&[SENTENCES[1]]);
        let tickets = [
            pool.submit(first.clone()).unwrap(),
            pool.submit(english(&["POISON in this sentence."])).unwrap(),
            pool.submit(second.clone()).unwrap(),
        ];
        // Paused until all three wait: they share one engine call.
        pool.resume();
        let [a, poisoned, b] = tickets;
        assert_same(
            &a.wait().await.unwrap(),
            &alone(&translator, &first),
            &format!("panic: {panic}"),
        );
        assert_same(
            &b.wait().await.unwrap(),
            &alone(&translator, &second),
            &format!("panic: {panic}"),
        );
        match poisoned.wait().await {
            Err(PoolError::Translator(TranslatorError::Engine(message))) => {
                assert!(message.contains("injected engine fault"), "{message}")
            }
            other => panic!("expected an engine error, got {other:?}"),
        }
        // The worker survived and its counters were released: the pool still answers.
        let again = english(&[SENTENCES[2]]);
        assert_eq!(
            pool.submit(again.clone()).unwrap().wait().await.unwrap(),
            alone(&translator, &again)
        );
        assert_eq!(pool.metrics().failed, 1, "panic: {panic}");
    }
}
