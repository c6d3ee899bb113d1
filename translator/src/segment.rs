//! Text → sentences → text again, with the layout kept.
//!
//! NLLB was trained on single sentences, so text is split into sentences (Unicode's sentence
//! boundaries, UAX #29, plus the terminators of scripts it misses), translated one by one, and put
//! back together with the original line breaks, indentation and spacing. Text without letters
//! (numbers, list markers, rules) is kept as it is rather than handed to the model.

use langs::Script;
use unicode_segmentation::UnicodeSegmentation;

/// Sentence terminators after which a new sentence starts when white space follows. UAX #29
/// already knows most; the list makes the behaviour explicit and covers those it does not.
const TERMINATORS: &[char] = &[
    '.', '!', '?', '\u{0964}', // । Devanagari danda
    '\u{0965}', // ॥ double danda
    '\u{104B}', // ။ Myanmar section
    '\u{1362}', // ። Ethiopic full stop
    '\u{1367}', // ፧ Ethiopic question mark
    '\u{061F}', // ؟ Arabic question mark
    '\u{06D4}', // ۔ Urdu full stop
    '\u{0F0E}', // ༎ Tibetan double shad
    '\u{17D4}', // ។ Khmer khan
    '\u{2D70}', // ⵰ Tifinagh separator
];

/// Terminators that end a sentence even with no space after them (Chinese and Japanese).
const TIGHT_TERMINATORS: &[char] = &['。', '！', '？', '｡'];

/// Marks that Unicode counts as sentence terminators (Sentence_Break=STerm) but that the language
/// uses inside sentences, like a comma: Myanmar's little section ၊. A split there is undone.
const NOT_SENTENCE_ENDS: &[char] = &['\u{104A}'];

/// Punctuation after which a sentence that is too long for the model may be cut (clause ends).
const CLAUSE_ENDS: &[char] = &[
    ',', ';', ':', '\u{060C}', '\u{061B}', '、', '，', '；', '：', '\u{1363}', '\u{1364}', '\u{0F0D}', '\u{104A}',
    '\u{0964}', '—',
];

/// One piece of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Kept verbatim: line breaks, indentation, trailing space, text without letters.
    Keep(String),
    /// The white space between two sentences on one line; empty where the script uses none.
    Gap(String),
    /// A sentence to translate, without surrounding white space.
    Sentence(String),
}

/// A text cut into parts; rendering the parts with translated sentences gives the translated text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    parts: Vec<Part>,
}

impl Layout {
    /// Cuts `text` into lines, then sentences.
    pub fn of(text: &str) -> Layout {
        let mut parts = Vec::new();
        for line in text.split_inclusive('\n') {
            let body = line.trim_start();
            keep(&mut parts, &line[..line.len() - body.len()]);
            let core = body.trim_end();
            sentences_of(core, &mut parts);
            keep(&mut parts, &body[core.len()..]);
        }
        Layout { parts }
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The sentences to translate, in order.
    pub fn sentences(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Sentence(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// Replaces each sentence by the parts `split` makes of it (used to cut sentences that are
    /// too long for the model into chunks).
    pub fn split_sentences<E>(self, mut split: impl FnMut(&str) -> Result<Vec<Part>, E>) -> Result<Layout, E> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for part in self.parts {
            match part {
                Part::Sentence(s) => parts.extend(split(&s)?),
                other => parts.push(other),
            }
        }
        Ok(Layout { parts })
    }

    /// Puts the text back together with `translations` (one per sentence, in order) in place of
    /// the sentences. Gaps follow the target script: Chinese and Japanese join sentences with no
    /// space, other scripts with the original space, or one space where the source had none.
    pub fn render<S: AsRef<str>>(&self, translations: &[S], target: Script) -> String {
        let mut renderer = self.renderer(target);
        let mut out = String::new();
        for translation in translations {
            if renderer.done() {
                break;
            }
            out.push_str(&renderer.next_sentence(translation.as_ref()));
        }
        while !renderer.done() {
            out.push_str(&renderer.next_sentence(""));
        }
        out.push_str(&renderer.finish());
        out
    }

    /// Renders sentence by sentence, for callers that show a translation as it arrives: the
    /// pieces it returns, joined, are exactly what [`Layout::render`] gives.
    pub fn renderer(&self, target: Script) -> Renderer<'_> {
        self.renderer_at(target, 0)
    }

    /// A renderer that goes on from a [`Renderer::position`] of an earlier one.
    pub fn renderer_at(&self, target: Script, position: usize) -> Renderer<'_> {
        Renderer {
            parts: &self.parts,
            next: position.min(self.parts.len()),
            target,
        }
    }
}

/// Renders a [`Layout`] one sentence at a time; see [`Layout::renderer`].
#[derive(Debug, Clone)]
pub struct Renderer<'a> {
    parts: &'a [Part],
    next: usize,
    target: Script,
}

impl Renderer<'_> {
    /// The text up to and including the next sentence, with `translation` in its place.
    pub fn next_sentence(&mut self, translation: &str) -> String {
        let mut out = String::new();
        while let Some(part) = self.parts.get(self.next) {
            self.next += 1;
            if let Part::Sentence(_) = part {
                out.push_str(translation.trim());
                return out;
            }
            self.push_between(part, &mut out);
        }
        out
    }

    /// Where it stands, to go on later with [`Layout::renderer_at`].
    pub fn position(&self) -> usize {
        self.next
    }

    /// Whether every sentence has been rendered.
    pub fn done(&self) -> bool {
        !self.parts[self.next..].iter().any(|p| matches!(p, Part::Sentence(_)))
    }

    /// What follows the last sentence.
    pub fn finish(mut self) -> String {
        let mut out = String::new();
        while let Some(part) = self.parts.get(self.next) {
            self.next += 1;
            self.push_between(part, &mut out);
        }
        out
    }

    fn push_between(&self, part: &Part, out: &mut String) {
        match part {
            Part::Keep(text) => out.push_str(text),
            Part::Sentence(_) => {}
            Part::Gap(gap) if self.target.joins_sentences_without_space() => {
                // Only an ideographic space is a space those scripts use between sentences.
                if gap.contains('\u{3000}') {
                    out.push_str(gap);
                }
            }
            Part::Gap(gap) if gap.is_empty() => out.push(' '),
            Part::Gap(gap) => out.push_str(gap),
        }
    }
}

fn keep(parts: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Part::Keep(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Part::Keep(text.to_string()));
    }
}

/// Appends the sentences of one line's text (no leading or trailing white space) to `parts`.
fn sentences_of(core: &str, parts: &mut Vec<Part>) {
    // The pieces cover `core` in order; a gap runs from the end of one part's text to the start
    // of the next, taking in pieces that are only white space.
    let mut gap_start: Option<usize> = None;
    let mut position = 0;
    for unicode_sentence in unicode_sentences(core) {
        for piece in split_after_terminators(unicode_sentence) {
            // A piece may also start with white space (UAX #29 ends a sentence at a lone `\r`).
            let start = position + piece.len() - piece.trim_start().len();
            position += piece.len();
            let text = piece.trim();
            if text.is_empty() {
                continue;
            }
            if let Some(gap) = gap_start.take() {
                parts.push(Part::Gap(core[gap..start].to_string()));
            }
            if text.chars().any(char::is_alphabetic) {
                parts.push(Part::Sentence(text.to_string()));
            } else {
                parts.push(Part::Keep(text.to_string()));
            }
            gap_start = Some(start + text.len());
        }
    }
}

/// UAX #29 sentences, with the splits after [`NOT_SENTENCE_ENDS`] undone.
fn unicode_sentences(core: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    for (offset, sentence) in core.split_sentence_bound_indices() {
        let end = offset + sentence.len();
        let inside = sentence
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| NOT_SENTENCE_ENDS.contains(&c));
        if !inside || end == core.len() {
            out.push(&core[start..end]);
            start = end;
        }
    }
    out
}

/// Splits after terminators that UAX #29 may not treat as sentence ends; each piece keeps the
/// white space that follows it.
fn split_after_terminators(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let after = i + c.len_utf8();
        let next = chars.peek().map(|&(_, n)| n);
        let ends = if TIGHT_TERMINATORS.contains(&c) {
            // A closing quote or bracket right after belongs to the sentence; let the loop
            // reach it first.
            !matches!(next, Some(n) if is_closing(n) || TIGHT_TERMINATORS.contains(&n))
        } else {
            TERMINATORS.contains(&c) && matches!(next, Some(n) if n.is_whitespace())
        };
        if ends && next.is_some() {
            let mut end = after;
            while let Some(&(j, n)) = chars.peek() {
                if !n.is_whitespace() {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            pieces.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

fn is_closing(c: char) -> bool {
    matches!(c, '」' | '』' | '）' | ')' | '"' | '”' | '’' | '】' | '》' | '〉')
}

/// Bytes of text tokenized per piece that fits, to find where a chunk ends: generous (pieces
/// average a few bytes), and widened when it is not enough.
const WINDOW_BYTES_PER_PIECE: usize = 16;

/// Cuts a sentence whose source sequence would exceed `max_pieces` SentencePiece pieces into
/// chunks that fit, preferring clause ends, then spaces, and only then a cut between pieces.
/// `piece_ends` gives, for a text, the byte offset where each of its pieces ends.
pub fn split_long_sentence<E>(
    sentence: &str,
    max_pieces: usize,
    mut piece_ends: impl FnMut(&str) -> Result<Vec<usize>, E>,
) -> Result<Vec<Part>, E> {
    // One piece of margin: a chunk tokenized alone can take one piece more than in context.
    let budget = max_pieces.saturating_sub(1).max(1);
    let mut parts = Vec::new();
    let mut rest = sentence;
    loop {
        // Only a window at the head of what is left is tokenized, widened until it holds more
        // pieces than fit or reaches the end: tokenizing all that is left for every chunk made a
        // long text without spaces cost the square of its length.
        let mut window = max_pieces.saturating_mul(WINDOW_BYTES_PER_PIECE).max(256);
        let ends = loop {
            let end = floor_char_boundary(rest, window);
            let ends = piece_ends(&rest[..end])?;
            if end == rest.len() || ends.len() > max_pieces {
                break ends;
            }
            window = window.saturating_mul(2);
        };
        if ends.len() <= max_pieces {
            parts.push(Part::Sentence(rest.to_string()));
            return Ok(parts);
        }
        let hard = floor_char_boundary(rest, ends[budget - 1]);
        let cut = best_cut(rest, hard);
        let head = rest[..cut].trim_end();
        let next = rest[cut..].trim_start();
        // The gap is all the white space around the cut, so that the chunks and gaps together
        // are the sentence.
        parts.push(Part::Sentence(head.to_string()));
        parts.push(Part::Gap(rest[head.len()..rest.len() - next.len()].to_string()));
        if next.is_empty() {
            return Ok(parts);
        }
        rest = next;
    }
}

/// The latest clause end, else the latest space, in the second half of `text[..hard]`; else `hard`.
fn best_cut(text: &str, hard: usize) -> usize {
    let window = &text[..hard];
    let half = hard / 2;
    let spaces = || {
        window
            .char_indices()
            .rev()
            .filter(|&(i, c)| i >= half && c.is_whitespace())
    };
    let after_clause = spaces().find(|&(i, _)| {
        window[..i]
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|p| CLAUSE_ENDS.contains(&p))
    });
    if let Some((i, _)) = after_clause.or_else(|| spaces().next()) {
        if !window[..i].trim_end().is_empty() {
            return i;
        }
    }
    // No space (e.g. Chinese, or one very long token run): cut between pieces, but never at 0.
    if hard == 0 {
        text.char_indices().nth(1).map(|(i, _)| i).unwrap_or(text.len())
    } else {
        hard
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        Layout::of(text).sentences().map(str::to_string).collect()
    }

    fn script(code: &str) -> Script {
        langs::LangCode::parse(code).unwrap().script()
    }

    /// The parts' text end to end: what a split must give back.
    fn joined(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Sentence(s) | Part::Gap(s) | Part::Keep(s) => s.as_str(),
            })
            .collect()
    }

    /// Renders with each sentence replaced by its upper-case form, so layout is all that differs.
    fn round_trip(text: &str, target: &str) -> String {
        let layout = Layout::of(text);
        let upper: Vec<String> = layout.sentences().map(|s| s.to_uppercase()).collect();
        layout.render(&upper, script(target))
    }

    #[test]
    fn splits_latin_sentences_and_keeps_spacing() {
        assert_eq!(
            sentences("Hello there. How are you?  Fine!"),
            ["Hello there.", "How are you?", "Fine!"]
        );
        assert_eq!(
            round_trip("Hello there. How are you?  Fine!", "fra_Latn"),
            "HELLO THERE. HOW ARE YOU?  FINE!"
        );
    }

    #[test]
    fn splits_at_the_terminators_of_many_scripts() {
        let cases = [
            ("यह पहला है। यह दूसरा है।", 2),
            ("ပထမ။ ဒုတိယ။", 2),
            ("የመጀመሪያው ነው። ሁለተኛው ነው።", 2),
            ("这是第一句。这是第二句。", 2),
            ("これは一つ目です。これは二つ目です。", 2),
            ("هل هذا صحيح؟ نعم هو كذلك.", 2),
            ("یہ پہلا ہے۔ یہ دوسرا ہے۔", 2),
            ("ཚིག་གྲུབ་དང་པོ༎ ཚིག་གྲུབ་གཉིས་པ༎", 2),
            ("ប្រយោគទីមួយ។ ប្រយោគទីពីរ។", 2),
            // Myanmar's little section is a comma, not a full stop.
            ("လူတိုင်းတွင်၊ အခွင့်အရေးရှိသည်။", 1),
        ];
        for (text, count) in cases {
            assert_eq!(sentences(text).len(), count, "{text:?} → {:?}", sentences(text));
        }
    }

    #[test]
    fn rendering_sentence_by_sentence_gives_the_whole_rendering() {
        for (text, target) in [
            ("  First line. Second.\r\n\n\tIndented\n\n123\nLast.  \n", "deu_Latn"),
            ("One. Two.", "zho_Hans"),
            ("", "fra_Latn"),
            ("--- 42 ---", "fra_Latn"),
        ] {
            let layout = Layout::of(text);
            let upper: Vec<String> = layout.sentences().map(|s| s.to_uppercase()).collect();
            let mut renderer = layout.renderer(script(target));
            let mut pieces: Vec<String> = upper.iter().map(|t| renderer.next_sentence(t)).collect();
            assert!(renderer.done());
            pieces.push(renderer.finish());
            assert_eq!(pieces.len(), upper.len() + 1);
            assert_eq!(pieces.concat(), layout.render(&upper, script(target)), "{text:?}");
        }
        assert_eq!(round_trip("--- 42 ---", "fra_Latn"), "--- 42 ---");
    }

    #[test]
    fn a_closing_quote_stays_with_its_sentence() {
        assert_eq!(sentences("他说：「好。」然后走了。"), ["他说：「好。」", "然后走了。"]);
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_sentences() {
        assert_eq!(sentences("It costs 3.5 euros. Next."), ["It costs 3.5 euros.", "Next."]);
    }

    #[test]
    fn paragraphs_line_breaks_and_outer_whitespace_are_kept() {
        let text = "  First line. Second.\r\n\n\tIndented line\n\nLast paragraph.  \n";
        assert_eq!(
            round_trip(text, "deu_Latn"),
            "  FIRST LINE. SECOND.\r\n\n\tINDENTED LINE\n\nLAST PARAGRAPH.  \n"
        );
    }

    #[test]
    fn empty_and_blank_text_have_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \n\t\n").is_empty());
        assert_eq!(round_trip(" \n\t\n", "fra_Latn"), " \n\t\n");
    }

    #[test]
    fn text_without_letters_is_kept_not_translated() {
        let layout = Layout::of("1. Everyone has rights.\n---\n42");
        assert_eq!(layout.sentences().collect::<Vec<_>>(), ["Everyone has rights."]);
        assert_eq!(layout.render(&["X"], script("fra_Latn")), "1. X\n---\n42");
    }

    #[test]
    fn gaps_follow_the_target_script() {
        // Chinese source (no spaces) into French: one space between sentences.
        assert_eq!(round_trip("第一。第二。", "fra_Latn"), "第一。 第二。");
        // French into Chinese: no space between sentences.
        assert_eq!(round_trip("Un. Deux.", "zho_Hans"), "UN.DEUX.");
    }

    #[test]
    fn long_sentences_are_cut_at_clause_ends_first() {
        // One "piece" per word for this test.
        let words = |t: &str| -> Result<Vec<usize>, ()> {
            Ok(t.split_whitespace()
                .map(|w| w.as_ptr() as usize - t.as_ptr() as usize + w.len())
                .collect())
        };
        let sentence = "one two three four, five six seven eight nine ten";
        let parts = split_long_sentence(sentence, 6, words).unwrap();
        let chunks: Vec<&str> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Sentence(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(chunks, ["one two three four,", "five six seven eight nine ten"]);
        for chunk in &chunks {
            assert!(words(chunk).unwrap().len() <= 6);
        }
        // Nothing is lost: the chunks and gaps give back the sentence.
        assert_eq!(joined(&parts), sentence);
    }

    #[test]
    fn a_long_text_without_spaces_is_cut_in_linear_time() {
        // One piece per character, and a count of the bytes handed to the tokenizer.
        let tokenized = std::cell::Cell::new(0usize);
        let chars = |t: &str| -> Result<Vec<usize>, ()> {
            tokenized.set(tokenized.get() + t.len());
            Ok(t.char_indices().map(|(i, c)| i + c.len_utf8()).collect())
        };
        for size in [20_000, 80_000, 320_000] {
            tokenized.set(0);
            let text = "教".repeat(size);
            let parts = split_long_sentence(&text, 100, chars).unwrap();
            assert_eq!(joined(&parts), text);
            assert!(parts.iter().all(|p| match p {
                Part::Sentence(s) => s.chars().count() <= 100,
                Part::Gap(g) => g.is_empty(),
                Part::Keep(_) => false,
            }));
            // Each byte is tokenized a bounded number of times, whatever the length (it was the
            // length over the chunk size before).
            assert!(
                tokenized.get() <= 8 * text.len(),
                "{size}: {} bytes tokenized",
                tokenized.get()
            );
        }
    }

    #[test]
    fn white_space_between_sentences_is_kept_whole() {
        // Found by the `segment` fuzz target: a run of carriage returns between two Chinese
        // sentences came back as one.
        let text = "第一。第二\r\r\r\r「引」";
        assert_eq!(joined(Layout::of(text).parts()), text);
    }

    #[test]
    fn a_cut_between_two_spaces_keeps_both() {
        // Found by the `segment` fuzz target: the space before the cut was dropped.
        let chars =
            |t: &str| -> Result<Vec<usize>, ()> { Ok(t.char_indices().map(|(i, c)| i + c.len_utf8()).collect()) };
        let sentence = "Inden  Indented linee.";
        let parts = split_long_sentence(sentence, 8, chars).unwrap();
        assert_eq!(joined(&parts), sentence);
        assert_eq!(parts[1], Part::Gap("  ".to_string()));
    }

    #[test]
    fn text_without_spaces_is_cut_between_pieces() {
        let chars =
            |t: &str| -> Result<Vec<usize>, ()> { Ok(t.char_indices().map(|(i, c)| i + c.len_utf8()).collect()) };
        let sentence = "这是一个非常非常非常长的句子没有任何空格";
        let parts = split_long_sentence(sentence, 5, chars).unwrap();
        assert_eq!(joined(&parts), sentence);
        for part in &parts {
            if let Part::Sentence(s) = part {
                assert!(s.chars().count() <= 5, "{s}");
            }
        }
    }
}
