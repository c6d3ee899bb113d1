//! Translated files kept for download (LibreTranslate's `/translate_file` answers with a URL):
//! in memory, bounded in count and bytes, oldest first out, each for an hour at most.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a translated file waits for its download.
const KEEP_FOR: Duration = Duration::from_secs(3600);
/// Most files kept.
const MAX_FILES: usize = 256;
/// Most bytes kept.
const MAX_BYTES: usize = 256 << 20;

/// A translated file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Its download name.
    pub name: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its contents.
    pub bytes: Vec<u8>,
}

struct Entry {
    id: String,
    stored: Instant,
    file: StoredFile,
}

/// The files; ids are unguessable enough for a private server (time and counter mixed), not
/// secrets.
pub struct Downloads {
    entries: Mutex<VecDeque<Entry>>,
    counter: AtomicU64,
}

impl Downloads {
    /// An empty store.
    pub fn new() -> Downloads {
        Downloads {
            entries: Mutex::new(VecDeque::new()),
            counter: AtomicU64::new(0),
        }
    }

    /// Keeps a file; returns its id.
    pub fn put(&self, file: StoredFile) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // A multiplicative hash spreads consecutive values so ids do not look sequential.
        let id = format!(
            "{:016x}{:04x}",
            nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n,
            n & 0xffff
        );
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.push_back(Entry {
            id: id.clone(),
            stored: Instant::now(),
            file,
        });
        let now = Instant::now();
        while let Some(front) = entries.front() {
            let bytes: usize = entries.iter().map(|e| e.file.bytes.len()).sum();
            if entries.len() > MAX_FILES || bytes > MAX_BYTES || now.duration_since(front.stored) > KEEP_FOR {
                entries.pop_front();
            } else {
                break;
            }
        }
        id
    }

    /// The file with this id, if still kept.
    pub fn get(&self, id: &str) -> Option<StoredFile> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|e| e.id == id && e.stored.elapsed() <= KEEP_FOR)
            .map(|e| e.file.clone())
    }
}

impl Default for Downloads {
    fn default() -> Self {
        Downloads::new()
    }
}
