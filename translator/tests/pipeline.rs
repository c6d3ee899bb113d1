//! The text pipeline on the real engine and test model: layout, long input, options, and that the
//! output depends on what goes in.

mod common;

use std::collections::HashSet;

use common::{lang, translator, SENTENCES};
use translator::{Sampling, Segment, TranslateOptions, Translator, TranslatorConfig, TranslatorError};

/// Every English test sentence, each to be translated into `target`.
fn english_segments(target: &str) -> Vec<Segment> {
    SENTENCES
        .iter()
        .map(|s| Segment {
            text: s.to_string(),
            source: lang("eng_Latn"),
            target: lang(target),
        })
        .collect()
}

/// Greedy decoding as the engine does it, without the second decode of flagged sentences.
fn greedy() -> TranslateOptions {
    TranslateOptions {
        beam_size: 1,
        retry_flagged: false,
        ..TranslateOptions::default()
    }
}

#[test]
fn different_inputs_give_different_outputs() {
    let translator = translator();
    let segments = english_segments("fra_Latn");
    let outputs = translator.translate_segments(&segments, &greedy()).unwrap();
    let distinct: HashSet<&str> = outputs.iter().map(|h| h[0].text.as_str()).collect();
    assert!(
        distinct.len() >= 9,
        "only {} distinct outputs for 10 inputs: {distinct:?}",
        distinct.len()
    );
}

#[test]
fn the_target_language_changes_the_output() {
    let translator = translator();
    let targets = ["fra_Latn", "quy_Latn", "zho_Hans", "arb_Arab", "lug_Latn", "mri_Latn"];
    let segments: Vec<Segment> = targets
        .iter()
        .map(|t| Segment {
            text: SENTENCES[0].to_string(),
            source: lang("eng_Latn"),
            target: lang(t),
        })
        .collect();
    let outputs = translator.translate_segments(&segments, &greedy()).unwrap();
    let distinct: HashSet<&str> = outputs.iter().map(|h| h[0].text.as_str()).collect();
    assert_eq!(distinct.len(), targets.len(), "{outputs:?}");
}

#[test]
fn layout_survives_translation() {
    let translator = translator();
    let text = "  Everyone has the right to education. No one shall be held in slavery.\n\n\
                \tAll human beings are born free.\r\n- Everyone has the right to rest.\n\n42\n";
    let out = translator
        .translate(text, lang("eng_Latn"), lang("spa_Latn"), &greedy())
        .unwrap();
    let lines_in: Vec<&str> = text.split('\n').collect();
    let lines_out: Vec<&str> = out.text.split('\n').collect();
    assert_eq!(lines_in.len(), lines_out.len(), "{:?}", out.text);
    for (a, b) in lines_in.iter().zip(&lines_out) {
        let indent = |s: &str| s.len() - s.trim_start().len();
        assert_eq!(&a[..indent(a)], &b[..indent(b)], "indentation of {a:?} vs {b:?}");
        assert_eq!(
            a.trim().is_empty(),
            b.trim().is_empty(),
            "blank lines stay blank: {a:?} vs {b:?}"
        );
        assert_eq!(a.ends_with('\r'), b.ends_with('\r'));
    }
    assert_eq!(lines_out[5], "42", "text without letters is kept");
    assert_eq!(out.sentences, 4);
}

#[test]
fn empty_and_blank_input_translate_to_themselves() {
    let translator = translator();
    for text in ["", "   ", "\n\n", " \t\n"] {
        let out = translator
            .translate(text, lang("eng_Latn"), lang("fra_Latn"), &greedy())
            .unwrap();
        assert_eq!(out.text, text);
        assert_eq!(out.sentences, 0);
    }
}

#[test]
fn a_sentence_longer_than_the_limit_is_cut_not_truncated() {
    let config = TranslatorConfig {
        threads: 2,
        max_input_tokens: 24,
        ..TranslatorConfig::default()
    };
    let translator = Translator::open(&common::model_dir(), config).unwrap();
    let long = SENTENCES
        .iter()
        .map(|s| s.trim_end_matches('.'))
        .collect::<Vec<_>>()
        .join(", and ");
    let tokens = translator.tokenizer().source_tokens(lang("eng_Latn"), &long).unwrap();
    assert!(
        tokens.len() > 100,
        "the test sentence is long ({} tokens)",
        tokens.len()
    );

    let out = translator
        .translate(&long, lang("eng_Latn"), lang("fra_Latn"), &greedy())
        .unwrap();
    assert!(
        out.sentences >= tokens.len() / 24,
        "{} chunks for {} tokens",
        out.sentences,
        tokens.len()
    );

    // Asked as a single segment, the same sentence is refused, not silently shortened.
    let segment = Segment {
        text: long.clone(),
        source: lang("eng_Latn"),
        target: lang("fra_Latn"),
    };
    match translator.translate_segments(&[segment], &greedy()) {
        Err(TranslatorError::SentenceTooLong { tokens: n, limit: 24 }) => assert_eq!(n, tokens.len()),
        other => panic!("expected SentenceTooLong, got {other:?}"),
    }
}

#[test]
fn alternatives_come_best_first_with_scores() {
    let translator = translator();
    let options = TranslateOptions {
        beam_size: 4,
        alternatives: 3,
        ..TranslateOptions::default()
    };
    let segment = Segment {
        text: SENTENCES[2].to_string(),
        source: lang("eng_Latn"),
        target: lang("deu_Latn"),
    };
    let hypotheses = &translator.translate_segments(&[segment], &options).unwrap()[0];
    assert_eq!(hypotheses.len(), 3);
    assert!(
        hypotheses.windows(2).all(|w| w[0].score >= w[1].score),
        "{hypotheses:?}"
    );
    let distinct: HashSet<&Vec<String>> = hypotheses.iter().map(|h| &h.tokens).collect();
    assert_eq!(distinct.len(), 3);

    let text = translator
        .translate(SENTENCES[2], lang("eng_Latn"), lang("deu_Latn"), &options)
        .unwrap();
    assert_eq!(text.text, hypotheses[0].text);
    assert_eq!(
        text.alternatives,
        [hypotheses[1].text.clone(), hypotheses[2].text.clone()]
    );
}

#[test]
fn penalties_and_sampling_reach_the_engine() {
    let translator = translator();
    let segment = || {
        vec![Segment {
            text: SENTENCES[4].to_string(),
            source: lang("eng_Latn"),
            target: lang("ita_Latn"),
        }]
    };
    let plain = translator.translate_segments(&segment(), &greedy()).unwrap()[0][0].clone();

    let no_repeat = TranslateOptions {
        no_repeat_ngram_size: 1,
        ..greedy()
    };
    let out = translator.translate_segments(&segment(), &no_repeat).unwrap()[0][0].clone();
    let unique: HashSet<&String> = out.tokens.iter().collect();
    assert_eq!(
        unique.len(),
        out.tokens.len(),
        "no token repeats with no_repeat_ngram_size 1: {:?}",
        out.tokens
    );

    // Sampling from the whole distribution at a high temperature: 8 draws are not all the greedy output.
    let hot = TranslateOptions {
        sampling: Some(Sampling {
            top_k: 0,
            top_p: 1.0,
            temperature: 5.0,
        }),
        ..greedy()
    };
    let draws: Vec<Vec<String>> = (0..8)
        .map(|_| {
            translator.translate_segments(&segment(), &hot).unwrap()[0][0]
                .tokens
                .clone()
        })
        .collect();
    assert!(
        draws.iter().any(|d| *d != plain.tokens),
        "sampling never left the greedy path"
    );
}

#[test]
fn invalid_options_are_refused_before_any_work() {
    let translator = translator();
    let bad = TranslateOptions {
        beam_size: 0,
        ..TranslateOptions::default()
    };
    match translator.translate("Hello.", lang("eng_Latn"), lang("fra_Latn"), &bad) {
        Err(TranslatorError::InvalidOption { name: "beam_size", .. }) => {}
        other => panic!("expected InvalidOption, got {other:?}"),
    }
}

#[test]
fn replicas_serve_concurrent_calls_with_the_same_results() {
    let config = TranslatorConfig {
        threads: 1,
        replicas: 2,
        ..TranslatorConfig::default()
    };
    let replicated = Translator::open(&common::model_dir(), config).unwrap();
    let segments = english_segments("swh_Latn");
    let expected = translator().translate_segments(&segments, &greedy()).unwrap();
    std::thread::scope(|scope| {
        let calls: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| replicated.translate_segments(&segments, &greedy())))
            .collect();
        for call in calls {
            let got = call.join().unwrap().unwrap();
            let tokens =
                |r: &Vec<Vec<translator::Hypothesis>>| r.iter().map(|h| h[0].tokens.clone()).collect::<Vec<_>>();
            assert_eq!(tokens(&got), tokens(&expected));
        }
    });
}

#[test]
fn zero_threads_or_replicas_are_refused() {
    for (threads, replicas, name) in [(0, 1, "threads"), (1, 0, "replicas")] {
        let config = TranslatorConfig {
            threads,
            replicas,
            ..TranslatorConfig::default()
        };
        match Translator::open(&common::model_dir(), config) {
            Err(TranslatorError::InvalidOption { name: got, .. }) => assert_eq!(got, name),
            Err(other) => panic!("expected InvalidOption for {name}, got {other:?}"),
            Ok(_) => panic!("expected InvalidOption for {name}"),
        }
    }
}

#[test]
fn a_fixed_decoding_length_makes_every_sentence_that_long() {
    let config = TranslatorConfig {
        threads: 2,
        fixed_decoding_length: Some(12),
        ..TranslatorConfig::default()
    };
    let fixed = Translator::open(&common::model_dir(), config).unwrap();
    let segments = english_segments("fra_Latn");
    for beam_size in [1, 4] {
        let options = TranslateOptions {
            beam_size,
            ..TranslateOptions::default()
        };
        for hypotheses in fixed.translate_segments(&segments, &options).unwrap() {
            // The limit counts the target-language token, which the output no longer holds.
            assert_eq!(hypotheses[0].tokens.len(), 11);
        }
    }
}
