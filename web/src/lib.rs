//! Static assets of the web page; the web interface issue fills this crate.
