#![no_main]

use translator::documents::DocumentFormat;

// The first byte picks SubRip or WebVTT.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document_of(&[DocumentFormat::Srt, DocumentFormat::Vtt], data));
