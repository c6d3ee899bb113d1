//! How much a document may unpack to. Only archives (the office formats and EPUB) unpack, but
//! every format is parsed with limits so that callers need not know which do.

/// Bounds on what a document may unpack to, so that a small hostile file cannot exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes an archive's entries may unpack to, all together.
    pub max_unpacked_bytes: u64,
    /// Most an entry may expand relative to its compressed size.
    pub max_ratio: u64,
    /// Most entries in an archive.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_unpacked_bytes: 512 << 20,
            max_ratio: 200,
            max_entries: 10_000,
        }
    }
}
