#![no_main]

use translator::documents::DocumentFormat;

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document(DocumentFormat::Text, data));
