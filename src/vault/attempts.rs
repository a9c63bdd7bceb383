//! Failed-unlock bookkeeping, kept outside the encrypted database (which cannot be read
//! until an unlock succeeds) in `attempts.json`.
//!
//! An attempt is counted *before* the key derivation runs, so killing the process
//! mid-attempt does not avoid the count, and it is counted under an exclusive lock on
//! `attempts.lock`, so guesses made in parallel (several processes at once) are each
//! counted and each delayed. A user's delay grows with *their own* failures since *their
//! own* last unlock — another user's success does not reset it — and never falls below
//! the delay of the failures since anyone's last success. Names that are a user's are kept
//! as HMAC tags; a name that is nobody's (say, a passphrase typed into the user field) is
//! counted in one shared "unknown" bucket, so nothing derived from it is ever written down.
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::support::fsutil;

const FILE: &str = "attempts.json";
const LOCK_FILE: &str = "attempts.lock";
/// The stored tag of every name that is not a user's.
pub const UNKNOWN: &str = "unknown";
const MAX_TAGS: usize = 1000;
const MAX_PENDING: usize = 1000;
const FILE_LIMIT: u64 = 1024 * 1024;

/// Delay before the next attempt, from the failures since the last success:
/// none for the first try, then 0.25 s doubling to a ceiling of 30 s.
pub fn delay_for(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let exp = (failures - 1).min(16);
    Duration::from_millis(250u64.saturating_mul(1u64 << exp)).min(Duration::from_secs(30))
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempts {
    pub format: u32,
    /// Failures since the last successful unlock (of anyone): a floor under every delay.
    pub failures_since_success: u32,
    /// Failures per user tag since that user's last successful unlock (names that are no
    /// user's share the tag [`UNKNOWN`]).
    pub per_user: Vec<TagCount>,
    /// Failed attempts not yet written into the audit trail (it is written at the next
    /// successful unlock, when the database can be opened).
    pub pending: Vec<PendingFailure>,
    /// Failures dropped from `pending` because it was full.
    pub pending_dropped: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagCount {
    pub tag: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingFailure {
    pub at: DateTime<Utc>,
    pub tag: String,
}

/// Reads and writes `attempts.json` for one vault.
#[derive(Debug)]
pub struct AttemptLog {
    path: PathBuf,
    lock_path: PathBuf,
    tag_key: Vec<u8>,
    /// The vault's user names (from its key slots), as normalised.
    users: Vec<String>,
}

impl AttemptLog {
    pub fn new(vault_dir: &Path, tag_key: Vec<u8>, users: Vec<String>) -> Self {
        AttemptLog { path: vault_dir.join(FILE), lock_path: vault_dir.join(LOCK_FILE), tag_key, users }
    }

    /// The keyed tag of any name, in memory only (never stored for a name nobody has).
    pub fn keyed_tag(&self, name: &str) -> String {
        HEXLOWER.encode(crypto::derive_tag(&self.tag_key, name.as_bytes()).get(..16).unwrap_or_default())
    }

    /// What is stored for `name`: its keyed tag if it is a user's, else [`UNKNOWN`].
    pub fn tag(&self, name: &str) -> String {
        let name = name.trim().to_lowercase();
        if self.users.contains(&name) {
            self.keyed_tag(&name)
        } else {
            UNKNOWN.to_string()
        }
    }

    /// Runs `change` on the file's contents under an exclusive lock and saves the result,
    /// so that concurrent attempts (other processes) are each counted.
    fn locked<T>(&self, change: impl FnOnce(&mut Attempts) -> T) -> Result<T> {
        let lock = fsutil::private_open_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(Error::io("open the failed-attempts lock"))?;
        lock.lock().map_err(Error::io("lock the failed-attempts file"))?;
        let result = (|| {
            let mut a = self.load()?;
            let out = change(&mut a);
            self.save(&a)?;
            Ok(out)
        })();
        // Closing the file releases the lock too; unlocking first says so plainly.
        let _ = lock.unlock();
        result
    }

    pub fn load(&self) -> Result<Attempts> {
        if !self.path.exists() {
            return Ok(Attempts { format: 1, ..Default::default() });
        }
        let bytes = fsutil::read_bounded(&self.path, FILE_LIMIT, "failed-attempts file")
            .map_err(|_| Error::Integrity("the failed-attempts file is unreadable".into()))?;
        serde_json::from_slice(&bytes)
            .map_err(|_| Error::Integrity("the failed-attempts file is malformed".into()))
    }

    fn save(&self, a: &Attempts) -> Result<()> {
        let bytes = serde_json::to_vec(a).map_err(|_| Error::Crypto("could not encode the attempts file"))?;
        fsutil::write_atomic(&self.path, &bytes)
    }

    /// Counts an attempt for `user` before it is tried; returns the delay to wait first:
    /// from the user's own failures since their last unlock, and at least that of the
    /// failures since anyone's last unlock.
    pub fn begin(&self, user: &str) -> Result<Duration> {
        let tag = self.tag(user);
        self.locked(|a| {
            let own = a.per_user.iter().find(|t| t.tag == tag).map_or(0, |t| t.count);
            let delay = delay_for(own.max(a.failures_since_success));
            a.failures_since_success = a.failures_since_success.saturating_add(1);
            match a.per_user.iter_mut().find(|t| t.tag == tag) {
                Some(t) => t.count = t.count.saturating_add(1),
                None => {
                    if a.per_user.len() >= MAX_TAGS {
                        a.per_user.remove(0);
                    }
                    a.per_user.push(TagCount { tag: tag.clone(), count: 1 });
                }
            }
            if a.pending.len() >= MAX_PENDING {
                a.pending.remove(0);
                a.pending_dropped = a.pending_dropped.saturating_add(1);
            }
            a.pending.push(PendingFailure { at: Utc::now(), tag });
            delay
        })
    }

    /// The attempt for `user` succeeded: un-count it, and return the user's failures since
    /// their last unlock together with every pending failure (for the audit trail). Other
    /// users' counts are kept: their delays are theirs.
    pub fn succeeded(&self, user: &str) -> Result<(u32, Vec<PendingFailure>, u64)> {
        let tag = self.tag(user);
        self.locked(|a| {
            // The newest pending entry for this tag is the attempt that just succeeded.
            if let Some(pos) = a.pending.iter().rposition(|p| p.tag == tag) {
                a.pending.remove(pos);
            }
            let mine = a
                .per_user
                .iter()
                .position(|t| t.tag == tag)
                .map(|i| a.per_user.remove(i).count.saturating_sub(1))
                .unwrap_or(0);
            let pending = std::mem::take(&mut a.pending);
            let dropped = std::mem::take(&mut a.pending_dropped);
            a.failures_since_success = 0;
            (mine, pending, dropped)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_then_stops_at_a_ceiling() {
        assert_eq!(delay_for(0), Duration::ZERO);
        let mut last = Duration::ZERO;
        for n in 1..20 {
            let d = delay_for(n);
            assert!(d >= last, "delay shrank at {n}");
            last = d;
        }
        assert!(delay_for(2) > delay_for(1));
        assert_eq!(delay_for(1000), Duration::from_secs(30));
        assert_eq!(delay_for(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn failures_are_counted_per_user_and_reported_once() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("tempdir"))?;
        let log = AttemptLog::new(dir.path(), b"k".to_vec(), vec!["alice".into(), "bob".into()]);
        assert_eq!(log.begin("alice")?, Duration::ZERO);
        assert_eq!(log.begin("alice")?, delay_for(1));
        log.begin("bob")?;
        // alice now tries again and succeeds: two failures before this attempt
        assert_eq!(log.begin("alice")?, delay_for(3));
        let (mine, pending, _) = log.succeeded("alice")?;
        assert_eq!(mine, 2);
        assert_eq!(pending.len(), 3);
        let raw = std::fs::read_to_string(dir.path().join(FILE)).map_err(Error::io("read"))?;
        assert!(!raw.contains("alice") && !raw.contains("bob"));
        // bob's count and his delay survive alice's success
        assert_eq!(log.begin("bob")?, delay_for(1));
        let (bob, _, _) = log.succeeded("bob")?;
        assert_eq!(bob, 1);
        Ok(())
    }

    #[test]
    fn a_name_that_is_nobodys_leaves_nothing_derived_from_it() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("tempdir"))?;
        let log = AttemptLog::new(dir.path(), b"k".to_vec(), vec!["alice".into()]);
        let typed = "Correct Horse 17!";
        log.begin(typed)?;
        assert_eq!(log.begin("somebody")?, delay_for(1), "unknown names share one bucket");
        let raw = std::fs::read_to_string(dir.path().join(FILE)).map_err(Error::io("read"))?;
        assert!(!raw.contains(&log.keyed_tag(typed)) && !raw.contains(&log.keyed_tag("correct horse 17!")));
        assert!(!raw.contains("orrect"));
        let a = log.load()?;
        assert_eq!(a.per_user.len(), 1);
        assert!(a.per_user.iter().all(|t| t.tag == UNKNOWN && t.count == 2));
        Ok(())
    }

    #[test]
    fn attempts_made_in_parallel_are_each_counted() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("tempdir"))?;
        let path = dir.path().to_path_buf();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || -> Result<Vec<Duration>> {
                    // A log of its own, as another process would have.
                    let log = AttemptLog::new(&path, b"k".to_vec(), vec!["alice".into()]);
                    (0..25).map(|_| log.begin("alice")).collect()
                })
            })
            .collect();
        let mut delays = Vec::new();
        for t in threads {
            delays.extend(t.join().map_err(|_| Error::Storage("a thread failed".into()))??);
        }
        let log = AttemptLog::new(&path, b"k".to_vec(), vec!["alice".into()]);
        let a = log.load()?;
        assert_eq!(a.failures_since_success, 200);
        assert_eq!(a.per_user.iter().map(|t| t.count).sum::<u32>(), 200);
        // Each attempt saw a different count before it: the delays are those of 0..200.
        delays.sort();
        let expected: Vec<Duration> = (0..200).map(delay_for).collect();
        assert_eq!(delays, expected);
        Ok(())
    }
}
