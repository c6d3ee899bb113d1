#![no_main]

use translator::documents::Format;

// The first byte picks the kind of archive; all four share the zip and XML reading.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tolk_fuzz::document_of(
    &[Format::Docx, Format::Pptx, Format::Odt, Format::Epub],
    data
));
