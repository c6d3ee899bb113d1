//! The quality checks and the second chance of flagged sentences, on the real engine and test
//! model: a flagged sentence is decoded again with the retry options and the better translation
//! kept, and nothing depends on which other sentences shared an engine call.

mod common;

use common::{lang, translator, SENTENCES};
use translator::quality::Retry;
use translator::{Hypothesis, Segment, TranslateOptions};

/// Sentences with numbers and addresses, which the tiny model does not carry over: flagged
/// whatever the decoding, so that the second translation is not always the better one.
const WITH_NUMBERS: [&str; 4] = [
    "Article 25 was adopted on 10 December 1948 by 48 states.",
    "Write to info@example.org or call 555 0199 before 9 o'clock.",
    "The report is at https://example.org/report-2024 and has 312 pages.",
    "In 2023, 7.5 million people spoke it in 14 countries.",
];

/// Every test sentence into several targets of different scripts: enough variety for the tiny
/// model to produce both flagged and clean output.
fn segments() -> Vec<Segment> {
    let targets = ["fra_Latn", "zho_Hans", "arb_Arab", "rus_Cyrl", "hin_Deva", "lug_Latn"];
    targets
        .iter()
        .flat_map(|&target| {
            SENTENCES.iter().chain(&WITH_NUMBERS).map(move |s| Segment {
                text: s.to_string(),
                source: lang("eng_Latn"),
                target: lang(target),
            })
        })
        .collect()
}

fn without_retry() -> TranslateOptions {
    TranslateOptions {
        retry_flagged: false,
        ..TranslateOptions::default()
    }
}

/// The same translation: text, level and flags; scores to a thousandth, as batch composition
/// moves the last digits of CTranslate2's floats.
fn same(a: &Hypothesis, b: &Hypothesis) -> bool {
    a.text == b.text
        && a.quality.level == b.quality.level
        && a.quality.flags == b.quality.flags
        && (a.quality.score - b.quality.score).abs() < 1e-3
}

#[test]
fn a_flagged_sentence_is_decoded_again_and_the_better_translation_kept() {
    let translator = translator();
    let segments = segments();
    let first = translator.translate_segments(&segments, &without_retry()).unwrap();
    let second = translator
        .translate_segments(&segments, &TranslateOptions::default().for_retry())
        .unwrap();
    let chosen = translator
        .translate_segments(&segments, &TranslateOptions::default())
        .unwrap();
    let (mut replaced, mut kept, mut clean) = (0, 0, 0);
    for (i, segment) in segments.iter().enumerate() {
        let (first, second, chosen) = (&first[i][0], &second[i][0], &chosen[i][0]);
        let context = format!(
            "{} -> {}: {first:?} / {second:?} / {chosen:?}",
            segment.text, segment.target
        );
        if first.quality.flags.is_empty() {
            clean += 1;
            assert!(same(chosen, first), "an unflagged sentence is not retried: {context}");
            assert_eq!(chosen.quality.retry, None, "{context}");
            continue;
        }
        // Better: a better level, then fewer flags, then a higher score.
        let rank = |h: &Hypothesis| (h.quality.level, h.quality.flags.len());
        let second_is_better =
            rank(second) < rank(first) || (rank(second) == rank(first) && second.quality.score > first.quality.score);
        if second_is_better {
            replaced += 1;
            assert!(
                same(chosen, second),
                "the better second translation replaces: {context}"
            );
            assert_eq!(chosen.quality.retry, Some(Retry::Replaced), "{context}");
        } else {
            kept += 1;
            assert!(
                same(chosen, first),
                "a second translation no better is dropped: {context}"
            );
            assert_eq!(chosen.quality.retry, Some(Retry::Kept), "{context}");
        }
    }
    assert!(
        replaced > 0 && kept > 0,
        "the inputs exercise both outcomes: {replaced} replaced, {kept} kept, {clean} clean"
    );
}

#[test]
fn retry_off_leaves_flagged_sentences_as_decoded() {
    let segments = segments();
    let translations = translator().translate_segments(&segments, &without_retry()).unwrap();
    assert!(translations.iter().any(|t| !t[0].quality.flags.is_empty()));
    assert!(translations.iter().all(|t| t[0].quality.retry.is_none()));
}

#[test]
fn results_do_not_depend_on_which_sentences_shared_a_call() {
    let translator = translator();
    let segments = segments();
    let together = translator
        .translate_segments(&segments, &TranslateOptions::default())
        .unwrap();
    for (segment, together) in segments.iter().zip(&together) {
        let alone = translator
            .translate_segments(std::slice::from_ref(segment), &TranslateOptions::default())
            .unwrap();
        let (alone, together) = (&alone[0][0], &together[0]);
        assert!(
            same(alone, together) && alone.quality.retry == together.quality.retry,
            "{} -> {}: alone {alone:?}, together {together:?}",
            segment.text,
            segment.target
        );
    }
}

/// Inputs meant to draw out each failure on the tiny model: names and codes it copies, numbers
/// it drops, long lists it shortens, scripts it does not write.
const PROVOCATIONS: [(&str, &str, &str); 12] = [
    ("eng_Latn", "zho_Hans", "Microsoft Windows XP Professional Service Pack 2"),
    ("eng_Latn", "jpn_Jpan", "Microsoft Windows XP Professional Service Pack 2"),
    ("eng_Latn", "arb_Arab", "Microsoft Windows XP Professional Service Pack 2"),
    ("eng_Latn", "fra_Latn", "What the fuck is this bullshit, you stupid bastard?"),
    ("eng_Latn", "fra_Latn", "Microsoft Windows XP Professional Service Pack 2 (KB835935) x86 ENU"),
    ("eng_Latn", "zho_Hans", "Everyone has the right to freedom of thought, conscience and religion."),
    ("eng_Latn", "arb_Arab", "Everyone has the right to life, liberty and security of person."),
    ("eng_Latn", "fra_Latn", "Call 0800 123 456 or write to help@example.org before 5 May 2024."),
    ("eng_Latn", "rus_Cyrl", "No."),
    ("eng_Latn", "fra_Latn", "the the the the the the the the the the the the the the the the"),
    ("eng_Latn", "quy_Latn", "All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and should act towards one another in a spirit of brotherhood."),
    ("fra_Latn", "eng_Latn", "Toute personne a droit à l'éducation."),
];

#[test]
fn the_flags_of_a_translation_are_the_checks_of_its_output() {
    use translator::decoding_limit;
    use translator::quality::{assess, QualityThresholds, SentencePair};
    let translator = translator();
    let segments: Vec<Segment> = segments()
        .into_iter()
        .chain(PROVOCATIONS.iter().map(|&(source, target, text)| Segment {
            text: text.to_string(),
            source: lang(source),
            target: lang(target),
        }))
        .collect();
    let translations = translator.translate_segments(&segments, &without_retry()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (segment, hypotheses) in segments.iter().zip(&translations) {
        let best = &hypotheses[0];
        let tokens = translator
            .tokenizer()
            .source_tokens(segment.source, &segment.text)
            .unwrap();
        // The engine's output checked again from the outside, as the unit tests check constructed
        // pairs: the same verdict.
        let expected = assess(
            &SentencePair {
                source: &segment.text,
                output: &best.text,
                source_language: segment.source,
                target: segment.target,
                score: best.score,
                hit_limit: best.tokens.len() + 1 >= decoding_limit(tokens.len()),
            },
            &QualityThresholds::default(),
        );
        assert_eq!(
            best.quality.flags, expected.flags,
            "{} -> {}: {:?}",
            segment.text, segment.target, best.text
        );
        assert_eq!(best.quality.level, expected.level, "{}", segment.text);
        seen.extend(best.quality.flags.iter().copied());
    }
    eprintln!("flags seen on the tiny model: {seen:?}");
    use translator::quality::QualityFlag::*;
    for flag in [OffTarget, Repetition, Length, Numbers] {
        assert!(seen.contains(&flag), "{flag:?} fires end to end: {seen:?}");
    }
}

#[test]
fn thresholds_set_for_the_translator_apply_to_its_translations() {
    use translator::quality::{QualityFlag, QualityThresholds};
    use translator::{Translator, TranslatorConfig};
    // A limit any output meets: every sentence with enough letters counts as a copy. The default
    // limits leave the same sentence without that flag.
    let strict = Translator::open(
        &common::model_dir(),
        TranslatorConfig {
            threads: 2,
            quality: QualityThresholds {
                copy_similarity: 0.0,
                ..QualityThresholds::default()
            },
            ..TranslatorConfig::default()
        },
    )
    .unwrap();
    let segments = vec![Segment {
        text: "Everyone has the right to freedom of thought, conscience and religion.".to_string(),
        source: lang("eng_Latn"),
        target: lang("zho_Hans"),
    }];
    let default = translator().translate_segments(&segments, &without_retry()).unwrap();
    let flags = &strict.translate_segments(&segments, &without_retry()).unwrap()[0][0]
        .quality
        .flags;
    assert!(flags.contains(&QualityFlag::Copied), "{flags:?}");
    assert!(
        !default[0][0].quality.flags.contains(&QualityFlag::Copied),
        "{default:?}"
    );
    // A threshold out of range is refused when the translator opens, with its name.
    let error = Translator::open(
        &common::model_dir(),
        TranslatorConfig {
            quality: QualityThresholds {
                repeats: 0,
                ..QualityThresholds::default()
            },
            ..TranslatorConfig::default()
        },
    )
    .err()
    .expect("refused");
    assert!(error.to_string().contains("quality.repeats"), "{error}");
}
