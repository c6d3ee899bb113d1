//! Inline spans placed in a run's translation. The engine gives no attention weights to align
//! with, so each span's own translation (or its source text, for names and code the model copies)
//! is searched for in the run's translation: exactly, ignoring case, then fuzzily, and failing
//! that at the place the source's proportions predict.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::run::{slice, InlineSpan, Markup, Run};
use crate::entities::escape_into;

/// Work allowed for searching span translations within one run, in bytes compared, so that a
/// pathological run (thousands of spans in a huge paragraph) falls back to proportional placement
/// instead of taking seconds.
const SEARCH_BUDGET: u64 = 50_000_000;
/// The least character similarity at which a fuzzy match places a span.
const FUZZY_THRESHOLD: f64 = 0.5;
/// The same for kept spans, whose text models copy nearly as it is: a loose match would swallow
/// translated words next to it.
const KEEP_FUZZY_THRESHOLD: f64 = 0.75;

/// Appends a run's translation `text` with its spans' markup put in; `spans` are the spans' texts
/// translated alone, as `RunTranslation::spans` holds them.
pub(super) fn render_run(run: &Run, text: &str, spans: &[String], out: &mut String) {
    let text = text.trim();
    let placed = place(run, text, spans);
    emit(run, text, &placed, out);
}

/// Where each span goes in the translation `t`: byte ranges on char boundaries, each inside its
/// parent's, siblings never overlapping (an empty one may touch but never cut into another).
fn place(run: &Run, t: &str, translated: &[String]) -> Vec<Range<usize>> {
    let root = run.spans.len();
    if t == run.text {
        // Left as it was (a name, or source and target alike): every tag goes back where it was.
        return run.spans.iter().map(|s| s.range.clone()).collect();
    }
    let mut placed: Vec<Range<usize>> = Vec::with_capacity(root);
    // Placed children of each span (and of the run, last), sorted by position.
    let mut children: Vec<Vec<(Range<usize>, usize)>> = vec![Vec::new(); root + 1];
    let mut budget = SEARCH_BUDGET;
    for (i, span) in run.spans.iter().enumerate() {
        let parent = run.parent_of(i);
        let outer = parent.map_or(0..t.len(), |p| placed[p].clone());
        let source_outer = run.outer_range(i);
        let slot = parent.unwrap_or(root);
        let gaps = free_gaps(&outer, &children[slot]);
        let expected = expected_place(&run.text, &source_outer, &span.range, t, &outer);
        let source = span.text(run);
        let range = if span.range.is_empty() {
            None
        } else if span.range == source_outer {
            // The whole of its parent: no search, it takes the room left there.
            gaps.iter().fold(None::<Range<usize>>, |best, g| match best {
                Some(b) if b.len() >= g.len() => Some(b),
                _ => Some(g.clone()),
            })
        } else if span.keep() {
            // Models copy code and names as they are; look for the source text itself.
            locate(t, &gaps, source, expected.start, false, &mut budget)
                .or_else(|| fuzzy(t, &gaps, source, expected.start, KEEP_FUZZY_THRESHOLD, &mut budget))
        } else {
            let alone = translated.get(i).map_or("", |s| trim_to_match(s.trim(), source));
            let nonempty = |s: &str| (!s.is_empty()).then_some(());
            nonempty(alone)
                .and_then(|()| locate(t, &gaps, alone, expected.start, false, &mut budget))
                // Names and numbers often pass through untranslated.
                .or_else(|| locate(t, &gaps, source, expected.start, true, &mut budget))
                .or_else(|| {
                    nonempty(alone).and_then(|()| fuzzy(t, &gaps, alone, expected.start, FUZZY_THRESHOLD, &mut budget))
                })
        };
        let range = range.unwrap_or_else(|| snap(t, &gaps, &expected, !span.range.is_empty()));
        let key = (range.start, range.end, i);
        let at = children[slot].partition_point(|(r, k)| (r.start, r.end, *k) < key);
        children[slot].insert(at, (range.clone(), i));
        placed.push(range);
    }
    placed
}

/// The stretches of `outer` not taken by placed siblings (sorted); possibly empty ones.
fn free_gaps(outer: &Range<usize>, siblings: &[(Range<usize>, usize)]) -> Vec<Range<usize>> {
    let mut gaps = Vec::with_capacity(siblings.len() + 1);
    let mut pos = outer.start;
    for (r, _) in siblings {
        gaps.push(pos..r.start.max(pos));
        pos = r.end.max(pos);
    }
    gaps.push(pos..outer.end.max(pos));
    gaps
}

/// Where the span would be if the translation kept the source's proportions within the parent:
/// same relative position and length, in characters.
fn expected_place(
    text: &str,
    source_outer: &Range<usize>,
    span: &Range<usize>,
    t: &str,
    outer: &Range<usize>,
) -> Range<usize> {
    let chars = |r: Range<usize>| text.get(r).map_or(0, |s| s.chars().count());
    let total = chars(source_outer.clone()).max(1);
    let before = chars(source_outer.start..span.start);
    let through = chars(source_outer.start..span.end);
    let within = slice(t, outer);
    let count = within.chars().count();
    let at = |c: usize| {
        let c = (c * count + total / 2) / total;
        outer.start + within.char_indices().nth(c).map_or(within.len(), |(p, _)| p)
    };
    at(before)..at(through).max(at(before))
}

/// `alone` without the punctuation at its ends that the source text lacks there: a short text
/// translated alone often gains a full stop.
fn trim_to_match<'a>(alone: &'a str, source: &str) -> &'a str {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = alone;
    if word(source.chars().next()) {
        out = out.trim_start_matches(|c: char| !c.is_alphanumeric());
    }
    if word(source.chars().next_back()) {
        out = out.trim_end_matches(|c: char| !c.is_alphanumeric());
    }
    if out.is_empty() {
        alone
    } else {
        out
    }
}

/// Scripts written without spaces between words: any position between two of their letters may
/// be a word boundary.
fn spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x0F00..=0x0FFF // Tibetan
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK
        | 0xF900..=0xFAFF // CJK compatibility
        | 0x20000..=0x3FFFF)
}

/// Whether byte `pos` of `t` falls between words rather than inside one.
fn at_boundary(t: &str, pos: usize) -> bool {
    let before = t.get(..pos).and_then(|s| s.chars().next_back());
    let after = t.get(pos..).and_then(|s| s.chars().next());
    match (before, after) {
        (Some(b), Some(a)) => !(b.is_alphanumeric() && a.is_alphanumeric()) || spaceless(b) || spaceless(a),
        _ => true,
    }
}

/// The words (segments with a letter or digit) of `t` within `range`.
fn words(t: &str, range: &Range<usize>) -> Vec<Range<usize>> {
    slice(t, range)
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(p, w)| range.start + p..range.start + p + w.len())
        .collect()
}

/// The words of `t` within `gap` around `around`: those of the whole gap where it is short, so
/// that placing thousands of spans in a long text does not segment all of it each time.
fn words_near(t: &str, gap: &Range<usize>, around: &Range<usize>) -> Vec<Range<usize>> {
    const MARGIN: usize = 256;
    let mut start = around.start.saturating_sub(MARGIN).max(gap.start);
    while start > gap.start && !t.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = around.end.saturating_add(MARGIN).min(gap.end).max(start);
    while end < gap.end && !t.is_char_boundary(end) {
        end += 1;
    }
    if start == gap.start && end == gap.end {
        return words(t, gap);
    }
    let mut ws = words(t, &(start..end));
    // Words at a cut edge may be pieces of longer ones.
    if end < gap.end {
        ws.pop();
    }
    if start > gap.start && !ws.is_empty() {
        ws.remove(0);
    }
    if ws.is_empty() {
        words(t, gap)
    } else {
        ws
    }
}

/// The occurrence of `target` in the gaps, exactly or else ignoring case: whole-word ones before
/// others (only those when `whole_words`), then the nearest to `expected`.
fn locate(
    t: &str,
    gaps: &[Range<usize>],
    target: &str,
    expected: usize,
    whole_words: bool,
    budget: &mut u64,
) -> Option<Range<usize>> {
    if target.is_empty() || (whole_words && !target.chars().any(char::is_alphanumeric)) {
        return None;
    }
    let room: u64 = gaps.iter().map(|g| g.len() as u64).sum();
    if *budget < room {
        return None;
    }
    *budget -= room;
    let mut found: Vec<Range<usize>> = Vec::new();
    for g in gaps {
        for (p, m) in slice(t, g).match_indices(target) {
            found.push(g.start + p..g.start + p + m.len());
        }
    }
    if found.is_empty() {
        for g in gaps {
            let within = slice(t, g);
            for (p, _) in within.char_indices() {
                let (matched, compared) = caseless_prefix(&within[p..], target);
                *budget = budget.checked_sub(compared)?;
                if let Some(len) = matched {
                    found.push(g.start + p..g.start + p + len);
                }
            }
        }
    }
    found
        .into_iter()
        .filter_map(|r| {
            let whole = at_boundary(t, r.start) && at_boundary(t, r.end);
            (whole || !whole_words).then(|| ((!whole, r.start.abs_diff(expected)), r))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, r)| r)
}

/// The byte length of the prefix of `text` equal to `target` ignoring case, if it has one, and
/// how many characters were compared to find out.
fn caseless_prefix(text: &str, target: &str) -> (Option<usize>, u64) {
    let mut chars = text.char_indices();
    let mut compared = 0;
    for wanted in target.chars() {
        compared += 1;
        match chars.next() {
            Some((_, c)) if c == wanted || c.to_lowercase().eq(wanted.to_lowercase()) => {}
            _ => return (None, compared),
        }
    }
    (Some(chars.next().map_or(text.len(), |(p, _)| p)), compared)
}

/// The window of about as many words as `target` that is most like it, if at least `threshold`
/// alike (normalised Levenshtein over lower-cased characters).
fn fuzzy(
    t: &str,
    gaps: &[Range<usize>],
    target: &str,
    expected: usize,
    threshold: f64,
    budget: &mut u64,
) -> Option<Range<usize>> {
    let target = target.to_lowercase();
    let target_chars = target.chars().count();
    let size = words(&target, &(0..target.len())).len().max(1);
    let room: u64 = gaps.iter().map(|g| g.len() as u64).sum();
    *budget = budget.checked_sub(room)?;
    let mut best: Option<((f64, usize), Range<usize>)> = None;
    for g in gaps {
        let ws = words(t, g);
        for count in size.saturating_sub(1).max(1)..=size + 1 {
            for window in ws.windows(count) {
                let r = window[0].start..window[count - 1].end;
                let candidate = slice(t, &r).to_lowercase();
                let chars = candidate.chars().count();
                // The distance is at least the difference in length: skip windows that cannot pass.
                if (chars.abs_diff(target_chars) as f64) > (1.0 - threshold) * chars.max(target_chars) as f64 {
                    continue;
                }
                let cost = (chars as u64) * (target_chars as u64);
                if *budget < cost {
                    return best.map(|(_, r)| r);
                }
                *budget -= cost;
                let similarity = strsim::normalized_levenshtein(&candidate, &target);
                if similarity < threshold {
                    continue;
                }
                let distance = r.start.abs_diff(expected);
                let better = best
                    .as_ref()
                    .is_none_or(|((s, d), _)| similarity > *s || (similarity == *s && distance < *d));
                if better {
                    best = Some(((similarity, distance), r));
                }
            }
        }
    }
    best.map(|(_, r)| r)
}

/// The expected place moved into the free gap nearest to it and onto word boundaries; a span
/// with text covers at least one word where the gap has one.
fn snap(t: &str, gaps: &[Range<usize>], expected: &Range<usize>, has_text: bool) -> Range<usize> {
    let overlap = |g: &Range<usize>| g.end.min(expected.end).saturating_sub(g.start.max(expected.start));
    let distance = |g: &Range<usize>| {
        if expected.start < g.start {
            g.start - expected.start
        } else {
            expected.start.saturating_sub(g.end)
        }
    };
    let Some(gap) = gaps
        .iter()
        .min_by_key(|g| (std::cmp::Reverse(overlap(g)), distance(g)))
        .cloned()
    else {
        return expected.start..expected.start;
    };
    let ws = words_near(t, &gap, expected);
    let nearest = |xs: &mut dyn Iterator<Item = usize>, x: usize| xs.min_by_key(|&p| p.abs_diff(x));
    if has_text && !ws.is_empty() {
        let first = (0..ws.len())
            .min_by_key(|&k| ws[k].start.abs_diff(expected.start))
            .unwrap_or(0);
        let last = (first..ws.len())
            .min_by_key(|&k| ws[k].end.abs_diff(expected.end))
            .unwrap_or(first);
        return ws[first].start..ws[last].end;
    }
    let mut points = [gap.start, gap.end]
        .into_iter()
        .chain(ws.iter().flat_map(|w| [w.start, w.end]));
    let at = nearest(&mut points, expected.start).unwrap_or(gap.start);
    at..at
}

/// Writes the translation with the spans' markup at their places, escaping the text. Iterative,
/// so that deeply nested input cannot overflow the stack.
fn emit(run: &Run, t: &str, placed: &[Range<usize>], out: &mut String) {
    let root = run.spans.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); root + 1];
    for i in 0..root {
        children[run.parent_of(i).unwrap_or(root)].push(i);
    }
    for list in &mut children {
        list.sort_by_key(|&i| (placed[i].start, placed[i].end, i));
    }
    struct Frame {
        node: usize,
        next: usize,
        pos: usize,
        end: usize,
    }
    let mut stack = vec![Frame {
        node: root,
        next: 0,
        pos: 0,
        end: t.len(),
    }];
    while let Some(frame) = stack.last_mut() {
        if let Some(&child) = children[frame.node].get(frame.next) {
            frame.next += 1;
            let r = placed[child].clone();
            escape_into(out, slice(t, &(frame.pos..r.start)));
            frame.pos = frame.pos.max(r.end);
            match &run.spans[child].markup {
                Markup::Verbatim(element) => out.push_str(element),
                Markup::Wrap { open, .. } => {
                    out.push_str(open);
                    stack.push(Frame {
                        node: child,
                        next: 0,
                        pos: r.start,
                        end: r.end,
                    });
                }
            }
        } else {
            escape_into(out, slice(t, &(frame.pos..frame.end)));
            let node = frame.node;
            stack.pop();
            if let Some(InlineSpan {
                markup: Markup::Wrap { close, .. },
                ..
            }) = run.spans.get(node)
            {
                out.push_str(close);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_gained_in_translation_alone_is_trimmed() {
        assert_eq!(trim_to_match("Querido.", "dear"), "Querido");
        assert_eq!(trim_to_match("¡Hola!", "!hi"), "¡Hola");
        assert_eq!(trim_to_match("...", "dear"), "...");
    }

    #[test]
    fn word_boundaries_include_every_gap_in_spaceless_scripts() {
        assert!(at_boundary("hello world", 5));
        assert!(!at_boundary("hello world", 2));
        assert!(at_boundary("hello", 0) && at_boundary("hello", 5));
        assert!(at_boundary("你好", 3));
    }

    #[test]
    fn caseless_prefix_counts_what_it_compared() {
        assert_eq!(caseless_prefix("HeLLo world", "hello"), (Some(5), 5));
        assert_eq!(caseless_prefix("help", "hello"), (None, 4));
        assert_eq!(caseless_prefix("he", "hello"), (None, 3));
    }

    /// `range` as the only free gap.
    fn only(range: &Range<usize>) -> &[Range<usize>] {
        std::slice::from_ref(range)
    }

    #[test]
    fn locate_prefers_exact_then_whole_words_then_the_nearest() {
        let mut budget = SEARCH_BUDGET;
        let t = "the cat and the Cat";
        let all = 0..t.len();
        assert_eq!(locate(t, only(&all), "cat", 16, false, &mut budget), Some(4..7));
        assert_eq!(locate(t, only(&all), "CAT", 18, false, &mut budget), Some(16..19));
        assert_eq!(locate(t, only(&all), "CAT", 0, false, &mut budget), Some(4..7));
        let t = "concat cat";
        let all = 0..t.len();
        assert_eq!(locate(t, only(&all), "cat", 0, false, &mut budget), Some(7..10));
        assert_eq!(locate("concat", only(&(0..6)), "cat", 0, true, &mut budget), None);
        // Only where the gaps leave room.
        assert_eq!(locate(t, only(&(0..6)), "cat", 0, false, &mut budget), Some(3..6));
        let mut spent = 0;
        assert_eq!(locate(t, only(&all), "cat", 0, false, &mut spent), None);
    }

    #[test]
    fn fuzzy_finds_the_most_alike_window_of_words() {
        let t = "Veo las casas rojas allí.";
        let all = 0..t.len();
        let mut budget = SEARCH_BUDGET;
        assert_eq!(fuzzy(t, only(&all), "la casa roja", 4, 0.5, &mut budget), Some(4..19));
        assert_eq!(fuzzy(t, only(&all), "xyzzy", 4, 0.5, &mut budget), None);
    }

    #[test]
    fn free_gaps_lie_between_placed_siblings() {
        assert_eq!(free_gaps(&(0..10), &[(2..4, 0), (6..6, 1)]), [0..2, 4..6, 6..10]);
        assert_eq!(free_gaps(&(3..5), &[(4..4, 0)]), [3..4, 4..5]);
    }
}
