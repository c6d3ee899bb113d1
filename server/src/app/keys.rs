//! API keys and their limits: requests per minute and characters per day, counted in memory
//! (one server; several machines would each count their own share). Keys are held only as
//! SHA-256 digests: a memory dump or a debug print shows no key. A presented key's digest is
//! compared with every known one, each comparison in constant time, so the time an answer takes
//! says nothing about which key came close.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::Error;

/// A key as it is kept: its SHA-256 digest.
type KeyDigest = [u8; 32];

fn digest(key: &str) -> KeyDigest {
    Sha256::digest(key.as_bytes()).into()
}

/// Who owns what a key stores (jobs): the hex SHA-256 of the key, never the key itself, so that
/// the database holds nothing that opens the API.
pub fn owner_id(key: &str) -> String {
    hex::encode(digest(key.trim()))
}

/// The owner column of what an owner stores (memories, glossaries): its id, or empty for a server
/// without keys, whose data everyone shares.
pub fn owner_column(owner: Option<&str>) -> String {
    owner.unwrap_or_default().to_string()
}

/// One key's limits; 0 is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyLimits {
    /// Requests per minute.
    pub requests_per_minute: u32,
    /// Characters per UTC day.
    pub chars_per_day: u64,
}

/// What a key has used.
#[derive(Debug, Default)]
struct Usage {
    /// Start of the current one-minute window and requests in it.
    window: Option<Instant>,
    requests: u32,
    /// The UTC day (days since 1970) the character count is for.
    day: u64,
    chars: u64,
}

/// A key's standing, for DeepL's `/v2/usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage {
    /// Characters used today.
    pub chars_today: u64,
    /// The daily limit; 0 is unlimited.
    pub chars_per_day: u64,
}

/// The known keys.
pub struct Keys {
    limits: HashMap<KeyDigest, KeyLimits>,
    /// Keys with the reviewer role (`role=reviewer`): they approve the community's corrections.
    reviewers: Vec<KeyDigest>,
    usage: Mutex<HashMap<KeyDigest, Usage>>,
}

impl Keys {
    /// Keys from the settings and the keys file, each with the default limits unless its line
    /// says otherwise; `None` when there are no keys (keys off).
    pub fn load(listed: &[String], file: Option<&Path>, defaults: KeyLimits) -> Result<Option<Keys>, String> {
        let mut limits = HashMap::new();
        let mut reviewers = Vec::new();
        for key in listed.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            limits.insert(digest(key), defaults);
        }
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the API keys file {}: {e}", path.display()))?;
            for (number, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let (key, own, reviewer) = parse_line(line, defaults)
                    .map_err(|e| format!("API keys file {}, line {}: {e}", path.display(), number + 1))?;
                limits.insert(digest(&key), own);
                if reviewer {
                    reviewers.push(digest(&key));
                }
            }
        }
        Ok((!limits.is_empty()).then(|| Keys {
            limits,
            reviewers,
            usage: Mutex::new(HashMap::new()),
        }))
    }

    /// The digest of `key` if it is a known key: every known digest is compared, in constant
    /// time, whatever matches.
    fn known(&self, key: &str) -> Result<KeyDigest, Error> {
        let presented = digest(key);
        let mut found = subtle::Choice::from(0);
        for known in self.limits.keys() {
            found |= known[..].ct_eq(&presented[..]);
        }
        if bool::from(found) {
            Ok(presented)
        } else {
            Err(Error::InvalidKey)
        }
    }

    /// Admits one request of `chars` characters for `key`, or says why not.
    pub fn admit(&self, key: Option<&str>, chars: usize) -> Result<(), Error> {
        let key = key.map(str::trim).filter(|k| !k.is_empty()).ok_or(Error::MissingKey)?;
        let key = self.known(key)?;
        let limits = *self.limits.get(&key).ok_or(Error::InvalidKey)?;
        let now = Instant::now();
        let today = utc_day();
        let mut usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let used = usage.entry(key).or_default();
        if used.day != today {
            used.day = today;
            used.chars = 0;
        }
        let window = match used.window {
            Some(start) if now.duration_since(start) < Duration::from_secs(60) => start,
            _ => {
                used.requests = 0;
                used.window = Some(now);
                now
            }
        };
        if limits.requests_per_minute > 0 && used.requests >= limits.requests_per_minute {
            let retry_after = Duration::from_secs(60).saturating_sub(now.duration_since(window));
            return Err(Error::RateLimited { retry_after });
        }
        if limits.chars_per_day > 0 && used.chars + chars as u64 > limits.chars_per_day {
            return Err(Error::QuotaExceeded);
        }
        used.requests += 1;
        used.chars += chars as u64;
        Ok(())
    }

    /// Whether `key`, a known key, has the reviewer role.
    pub fn is_reviewer(&self, key: Option<&str>) -> Result<bool, Error> {
        let key = key.map(str::trim).filter(|k| !k.is_empty()).ok_or(Error::MissingKey)?;
        let key = self.known(key)?;
        Ok(self.reviewers.contains(&key))
    }

    /// Checks a key without counting a request (for usage queries).
    pub fn usage(&self, key: Option<&str>) -> Result<KeyUsage, Error> {
        let key = key.map(str::trim).filter(|k| !k.is_empty()).ok_or(Error::MissingKey)?;
        let key = self.known(key)?;
        let limits = self.limits.get(&key).ok_or(Error::InvalidKey)?;
        let usage = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        let chars_today = usage.get(&key).filter(|u| u.day == utc_day()).map_or(0, |u| u.chars);
        Ok(KeyUsage {
            chars_today,
            chars_per_day: limits.chars_per_day,
        })
    }
}

/// A keys file line: the key, its limits, and whether it has the reviewer role.
fn parse_line(line: &str, defaults: KeyLimits) -> Result<(String, KeyLimits, bool), String> {
    let mut words = line.split_whitespace();
    let key = words.next().unwrap_or_default().to_string();
    let mut limits = defaults;
    let mut reviewer = false;
    for word in words {
        let (name, value) = word
            .split_once('=')
            .ok_or_else(|| format!("expected name=value after the key, found {word:?}"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: {v:?} is not a whole number"))
        };
        match name {
            "requests_per_minute" => limits.requests_per_minute = u32::try_from(number(value)?).unwrap_or(u32::MAX),
            "chars_per_day" => limits.chars_per_day = number(value)?,
            "role" if value == "reviewer" => reviewer = true,
            "role" => return Err(format!("role: {value:?} is no role; the one role is reviewer")),
            other => {
                return Err(format!(
                    "unknown setting {other:?}; use requests_per_minute, chars_per_day or role"
                ))
            }
        }
    }
    Ok((key, limits, reviewer))
}

fn utc_day() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: KeyLimits = KeyLimits {
        requests_per_minute: 0,
        chars_per_day: 0,
    };

    #[test]
    fn no_keys_means_keys_off() {
        assert!(Keys::load(&[], None, OPEN).unwrap().is_none());
        assert!(Keys::load(&[" ".to_string()], None, OPEN).unwrap().is_none());
    }

    #[test]
    fn limits_per_key_from_the_file_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        std::fs::write(
            &path,
            "# team keys\nalpha requests_per_minute=2\nbeta chars_per_day=10 # small\n",
        )
        .unwrap();
        let defaults = KeyLimits {
            requests_per_minute: 100,
            chars_per_day: 0,
        };
        let keys = Keys::load(&["gamma".to_string()], Some(&path), defaults)
            .unwrap()
            .unwrap();
        assert!(matches!(keys.admit(None, 1), Err(Error::MissingKey)));
        assert!(matches!(keys.admit(Some("delta"), 1), Err(Error::InvalidKey)));
        keys.admit(Some("alpha"), 1).unwrap();
        keys.admit(Some("alpha"), 1).unwrap();
        match keys.admit(Some("alpha"), 1) {
            Err(Error::RateLimited { retry_after }) => assert!(retry_after <= Duration::from_secs(60)),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        keys.admit(Some("beta"), 6).unwrap();
        assert!(matches!(keys.admit(Some("beta"), 5), Err(Error::QuotaExceeded)));
        keys.admit(Some("beta"), 4).unwrap();
        assert_eq!(keys.usage(Some("beta")).unwrap().chars_today, 10);
        keys.admit(Some("gamma"), 1_000_000).unwrap();
    }

    #[test]
    fn an_owner_id_is_the_hex_digest_of_the_trimmed_key() {
        // The SHA-256 of "alpha", as `printf alpha | sha256sum` prints it: existing job databases
        // store owners in this form.
        assert_eq!(
            owner_id(" alpha "),
            "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8"
        );
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        std::fs::write(&path, "ok\nbad limit=3\n").unwrap();
        let error = Keys::load(&[], Some(&path), OPEN).err().unwrap();
        assert!(error.contains("line 2"), "{error}");
    }
}
