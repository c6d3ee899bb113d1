//! Whatever users type or paste, resolution and detection answer without panicking.

use langs::{detect, Detector, LangCode};

/// A small deterministic generator (xorshift) so the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Characters from many scripts, punctuation, digits, separators and odd code points.
const ALPHABET: &[char] = &[
    'a', 'Z', 'é', 'ß', '-', '_', ' ', '\t', '\n', '0', '9', '.', '!', '?', 'ا', 'ب', '۔', 'א', 'ש', 'ж', 'Я', 'अ',
    'ा', '।', 'ক', 'ਗ', 'ગ', 'ଓ', 'த', 'త', 'ಕ', 'മ', 'ශ', 'ก', 'ລ', 'ཀ', '་', 'က', '။', 'ა', 'ᄀ', '한', 'ሀ', '።',
    'ក', 'ᱚ', 'ⴰ', '中', '文', 'の', 'カ', '。', '😀', '\u{200b}', '\u{feff}', '\u{0301}', '\u{fffd}', '\0',
];

fn random_text(rng: &mut Rng, max_len: usize) -> String {
    let len = (rng.next() % max_len as u64) as usize;
    (0..len)
        .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
        .collect()
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let some = [
        LangCode::parse("quy_Latn").unwrap(),
        LangCode::parse("arb_Arab").unwrap(),
    ];
    for _ in 0..3000 {
        let text = random_text(&mut rng, 80);
        let _ = LangCode::parse(&text);
        if let Some(found) = detect(&text) {
            assert!((0.0..=1.0).contains(&found.confidence), "{text:?}: {found:?}");
            assert!(!found.candidates.is_empty());
        }
        let _ = Detector::shared().detect_among(&text, Some(&some));
        let _ = Detector::shared().detect_among(&text, Some(&[]));
    }
}

#[test]
fn odd_tags_are_errors_not_panics() {
    for input in [
        "",
        "-",
        "--",
        "_",
        "x-",
        "-x",
        "zh--",
        "a-b-c-d-e-f",
        "zh-Hant-",
        "e",
        "Ωmega",
        "x".repeat(10_000).as_str(),
    ] {
        let _ = LangCode::parse(input);
    }
    assert!(LangCode::parse("").is_err());
}
