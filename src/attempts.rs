//! Failed-unlock bookkeeping, kept outside the encrypted database (which cannot be read
//! until an unlock succeeds) in `attempts.json`.
//!
//! An attempt is counted *before* the key derivation runs, so killing the process
//! mid-attempt does not avoid the count. User names are stored only as HMAC tags under a
//! per-vault key: a passphrase typed into the user field by mistake is never written down.
//! The delay grows with the failures since the last successful unlock, whoever they were
//! for, so an unknown user name costs the same as a wrong passphrase.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

use crate::crypto;
use crate::error::{Error, Result};
use crate::fsutil;

const FILE: &str = "attempts.json";
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
    /// Failures since the last successful unlock (of anyone).
    pub failures_since_success: u32,
    /// Failures per user tag since that user's last successful unlock.
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
    tag_key: Vec<u8>,
}

impl AttemptLog {
    pub fn new(vault_dir: &Path, tag_key: Vec<u8>) -> Self {
        AttemptLog { path: vault_dir.join(FILE), tag_key }
    }

    pub fn tag(&self, user: &str) -> String {
        HEXLOWER.encode(crypto::derive_tag(&self.tag_key, user.as_bytes()).get(..16).unwrap_or_default())
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

    /// Counts an attempt for `user` before it is tried; returns the delay to wait first.
    pub fn begin(&self, user: &str) -> Result<Duration> {
        let mut a = self.load()?;
        let delay = delay_for(a.failures_since_success);
        let tag = self.tag(user);
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
        self.save(&a)?;
        Ok(delay)
    }

    /// The attempt for `user` succeeded: un-count it, and return the user's failures since
    /// their last unlock together with every pending failure (for the audit trail).
    pub fn succeeded(&self, user: &str) -> Result<(u32, Vec<PendingFailure>, u64)> {
        let mut a = self.load()?;
        let tag = self.tag(user);
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
        self.save(&a)?;
        Ok((mine, pending, dropped))
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
        let log = AttemptLog::new(dir.path(), b"k".to_vec());
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
        // bob's count survives alice's success, the shared delay does not
        assert_eq!(log.begin("bob")?, Duration::ZERO);
        let (bob, _, _) = log.succeeded("bob")?;
        assert_eq!(bob, 1);
        Ok(())
    }
}
