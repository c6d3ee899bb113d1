//! A worker thread per replica: waits for the batcher's decision, takes the sentences out of the
//! queue, answers what the cache knows, translates the rest once each (blocking, outside any
//! async runtime) and hands every caller its own results.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use super::batcher::{decide, Decision, Running};
use super::cache::{cacheable, CacheKey, OptionsKey};
use super::error::{share, PoolError};
use super::metrics::BatchRecord;
use super::queue::Pending;
use super::report::EngineCallReport;
use super::request::Priority;
use super::shared::Shared;
use crate::error::TranslatorError;
use crate::options::TranslateOptions;
use crate::translation::{Hypothesis, Segment};

/// Serves calls until the pool closes.
pub(crate) fn run(shared: Arc<Shared>) {
    while let Some((priority, options, batch)) = next_batch(&shared) {
        translate(&shared, priority, &options, batch);
        let mut state = shared.lock();
        state.running -= 1;
        if priority == Priority::Bulk {
            state.running_bulk -= 1;
        }
        drop(state);
        // A bulk slot is free again; a worker may be waiting on it.
        shared.wake.notify_all();
    }
}

/// Blocks until there is a call to make; `None` once the pool is closed.
fn next_batch(shared: &Shared) -> Option<(Priority, Arc<TranslateOptions>, Vec<Pending>)> {
    let mut state = shared.lock();
    loop {
        if state.closed {
            return None;
        }
        if state.paused {
            state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            continue;
        }
        let now = Instant::now();
        // Sentences nobody waits for any more (deadline passed, caller gone) are not translated.
        let stale = state.queue.remove_where(|p| p.job.expired(now) || !p.job.is_open());
        if !stale.is_empty() {
            shared.metrics.update(|m| m.cancelled_sentences += stale.len() as u64);
            for pending in &stale {
                if pending.job.expired(now) {
                    pending.job.fail(PoolError::Timeout);
                }
            }
        }
        let running = Running {
            bulk: state.running_bulk,
            bulk_went_first: state.bulk_went_first,
        };
        match decide(&state.queue, now, running, &shared.policy, false) {
            Decision::Run {
                priority,
                group,
                positions,
            } => {
                state.bulk_went_first = priority == Priority::Bulk && state.queue.depth().interactive > 0;
                let options = Arc::clone(&state.queue.groups(priority)[group].options);
                let batch = state.queue.take(priority, group, &positions);
                state.running += 1;
                if priority == Priority::Bulk {
                    state.running_bulk += 1;
                }
                return Some((priority, options, batch));
            }
            Decision::WaitUntil(at) => {
                let timeout = at.saturating_duration_since(now);
                state = shared
                    .wake
                    .wait_timeout(state, timeout)
                    .map(|(s, _)| s)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
            Decision::Idle => {
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        }
    }
}

/// One engine call for `batch`, and every caller's share of its results.
fn translate(shared: &Shared, priority: Priority, options: &TranslateOptions, batch: Vec<Pending>) {
    let started = Instant::now();
    let cache = shared.cache.as_ref().filter(|_| cacheable(options));
    let options_key = OptionsKey::of(options);
    let key_of = |p: &Pending| CacheKey {
        model: Arc::clone(&shared.model),
        source: p.source,
        target: p.target,
        options: options_key.clone(),
        text: p.text.clone(),
    };
    // Distinct sentences to translate, and which queued sentences each one answers.
    let mut segments: Vec<Segment> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    let mut first: HashMap<(&str, langs::LangCode, langs::LangCode), usize> = HashMap::new();
    let mut cached: Vec<(usize, Vec<Hypothesis>)> = Vec::new();
    let mut deduplicated = 0;
    for (i, p) in batch.iter().enumerate() {
        if let Some(hit) = cache.and_then(|c| c.get(&key_of(p))) {
            // Translated by another call since this sentence was queued.
            cached.push((i, hit));
            continue;
        }
        // Sampling is asked for to get varied output, so identical inputs are not merged.
        let id = (p.text.as_str(), p.source, p.target);
        match first.get(&id) {
            Some(&u) if cacheable(options) => {
                owners[u].push(i);
                deduplicated += 1;
            }
            _ => {
                first.insert(id, segments.len());
                segments.push(Segment {
                    text: p.text.clone(),
                    source: p.source,
                    target: p.target,
                });
                owners.push(vec![i]);
            }
        }
    }
    let source_tokens: usize = owners.iter().map(|o| batch[o[0]].tokens).sum();
    let engine_started = Instant::now();
    let outcomes = if segments.is_empty() {
        Vec::new()
    } else {
        run_engine(shared, &segments, options)
    };
    let ended = Instant::now();
    let output_tokens = outcomes
        .iter()
        .map(|outcome| outcome.as_ref().map_or(0, |h| h.first().map_or(0, |h| h.tokens.len())))
        .sum();
    let queue_waits: Vec<_> = batch
        .iter()
        .map(|p| started.saturating_duration_since(p.enqueued))
        .collect();
    let report = EngineCallReport {
        priority,
        sentences: batch.len(),
        translated: segments.len(),
        cache_hits: cached.len(),
        source_tokens,
        output_tokens,
        longest_wait: queue_waits.iter().copied().max().unwrap_or_default(),
        engine: ended.saturating_duration_since(engine_started),
    };
    // Counted before anyone is answered, so that a caller that got its result sees it counted.
    shared.metrics.batch(BatchRecord {
        started: engine_started,
        ended,
        sentences: segments.len(),
        source_tokens,
        output_tokens,
        queue_waits,
        cache_hits: cached.len(),
        deduplicated,
        cacheable: cacheable(options),
        verdicts: segments
            .iter()
            .zip(&outcomes)
            .filter_map(|(segment, outcome)| {
                let best = outcome.as_ref().ok()?.first()?;
                Some((segment.source, segment.target, best.quality.clone()))
            })
            .collect(),
    });
    if let Some(observer) = &shared.observer {
        observer(&report);
    }
    for (i, hypotheses) in cached {
        batch[i].job.fill(batch[i].index, hypotheses);
    }
    for (outcome, owners) in outcomes.into_iter().zip(owners) {
        match outcome {
            Ok(hypotheses) => {
                if let Some(cache) = cache {
                    cache.put(key_of(&batch[owners[0]]), hypotheses.clone());
                }
                for i in owners {
                    batch[i].job.fill(batch[i].index, hypotheses.clone());
                }
            }
            Err(error) => {
                for i in owners {
                    let p = &batch[i];
                    if p.job.fail(share(&error)) {
                        shared.metrics.update(|m| m.failed += 1);
                    }
                    // Its other sentences would be translated for nobody.
                    shared.withdraw(p.job.id);
                }
            }
        }
    }
}

/// Each sentence's hypotheses, or why it has none. A failed call is made again one sentence at a
/// time, so that a sentence that breaks the engine fails only its own callers, not everybody who
/// shared the call: a second engine call per sentence, paid only when a call fails.
fn run_engine(
    shared: &Shared,
    segments: &[Segment],
    options: &TranslateOptions,
) -> Vec<Result<Vec<Hypothesis>, TranslatorError>> {
    match call_engine(shared, segments, options) {
        Ok(results) => results.into_iter().map(Ok).collect(),
        Err(error) if segments.len() == 1 => vec![Err(error)],
        Err(_) => segments
            .iter()
            .map(|segment| {
                call_engine(shared, std::slice::from_ref(segment), options)
                    .map(|mut results| results.pop().unwrap_or_default())
            })
            .collect(),
    }
}

/// One engine call; a panic in it becomes an error for its callers instead of a dead worker
/// thread whose callers would wait forever.
fn call_engine(
    shared: &Shared,
    segments: &[Segment],
    options: &TranslateOptions,
) -> Result<Vec<Vec<Hypothesis>>, TranslatorError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        shared.translator.translate_segments(segments, options)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        Err(TranslatorError::Engine(format!("the engine call panicked: {what}")))
    })
}
