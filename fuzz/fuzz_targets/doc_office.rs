#![no_main]

use translator::documents::DocumentFormat;

// The first byte picks the kind of archive; all four share the zip and XML reading.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document_of(
    &[
        DocumentFormat::Docx,
        DocumentFormat::Pptx,
        DocumentFormat::Odt,
        DocumentFormat::Epub
    ],
    data
));
