#![no_main]

use translator::documents::Format;

libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document(Format::Xliff, data));
