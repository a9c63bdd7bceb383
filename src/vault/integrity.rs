//! Reading the log and checking the vault as a whole.

use data_encoding::HEXLOWER;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::log::{self, Entry, VerifyReport};
use crate::record::ClientId;
use crate::support::db;
use crate::support::error::{Error, Result};
use crate::vault::slots::SlotDir;
use crate::vault::Session;

/// Where a chain head an export carries stands in this vault's log.
#[derive(Debug, Serialize)]
pub struct HeadFound {
    pub hash: String,
    /// The entry whose hash it is (0: the empty log's genesis value); `None` when the log
    /// does not contain it.
    pub entry: Option<i64>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub problems: Vec<String>,
    pub key_slots: usize,
    pub log: VerifyReport,
}

impl Session {
    pub fn log_entries(&self, client: Option<ClientId>) -> Result<Vec<Entry>> {
        log::list(self.conn(), client.map(|c| c.0), None)
    }

    /// The whole log: every hash, link and signature, who may sign what rebuilt from the
    /// log alone, and its root key against the one this user's slot pins.
    pub fn verify_log(&self) -> Result<VerifyReport> {
        let mut report = log::verify(self.conn(), self.vault_id(), Some(&self.reopen()))?;
        if report.first_break.is_none() && report.root_key != self.root_key() {
            report.first_break = Some(log::Break {
                seq: 1,
                problem:
                    "the log begins with another root key than the one your key slot pins (a substituted log)"
                        .into(),
            });
        }
        Ok(report)
    }

    /// Whether the log holds `head` (64 hex digits: the `log_chain_head` an export carries,
    /// the hash of the entry before its disclosure record). A log that verifies but does not
    /// hold it was rolled back or forked since the export, or the export is another vault's.
    /// Only meaningful after [`Session::verify_log`] found no break.
    pub fn find_head(&self, head: &str) -> Result<HeadFound> {
        let hash = head.trim().to_ascii_lowercase();
        let bytes = HEXLOWER.decode(hash.as_bytes()).ok().filter(|b| b.len() == 32).ok_or_else(|| {
            Error::invalid("the expected head must be 64 hexadecimal digits (an export's log_chain_head)")
        })?;
        if bytes.as_slice() == log::genesis(self.vault_id()).as_slice() {
            return Ok(HeadFound { hash, entry: Some(0) });
        }
        let entry = self
            .conn()
            .query_row("SELECT seq FROM log_entries WHERE hash = ?1", [&bytes], |r| r.get(0))
            .optional()?;
        Ok(HeadFound { hash, entry })
    }

    /// SQLCipher's page HMACs, SQLite's structure, the key slots and the log chain.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = db::integrity_problems(self.conn())?;
        let slots = match SlotDir::new(self.dir()).scan() {
            Ok(scan) => {
                problems.extend(scan.problems);
                scan.slots
            }
            Err(e) => {
                problems.push(format!("key slots: {e}"));
                Vec::new()
            }
        };
        let users = self.users()?;
        for u in &users {
            if !slots.is_empty() && !slots.iter().any(|s| s.user == u.name && s.user_id == u.id) {
                problems.push(format!("key slots: user {} has no key slot", u.name));
            }
        }
        for s in &slots {
            if !users.iter().any(|u| u.name == s.user && u.id == s.user_id) {
                problems
                    .push("key slots: a slot names a user the log does not list (unknown or removed)".into());
            }
        }
        if let Some(p) = self.envelope_problem()? {
            problems.push(p);
        }
        let log = self.verify_log()?;
        if let Some(b) = &log.first_break {
            problems.push(format!("log: {b}"));
        }
        problems.extend(self.verify_records()?.problems().into_iter().map(|p| format!("records: {p}")));
        Ok(CheckReport { ok: problems.is_empty(), problems, key_slots: slots.len(), log })
    }
}
