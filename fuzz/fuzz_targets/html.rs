#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| tolk_fuzz::html(text));
