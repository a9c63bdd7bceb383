//! Reading the log and checking the vault as a whole.

use serde::Serialize;

use crate::clients::ClientId;
use crate::db;
use crate::error::Result;
use crate::log::{self, Entry, VerifyReport};
use crate::slots::{SlotDir, SlotKind};
use crate::vault::Session;

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

    pub fn verify_log(&self) -> Result<VerifyReport> {
        log::verify(self.conn(), self.vault_id())
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
        if !slots.is_empty() && !slots.iter().any(|s| s.kind == SlotKind::Recovery) {
            problems.push("key slots: the recovery slot is missing".into());
        }
        for u in &users {
            if !slots.is_empty() && !slots.iter().any(|s| s.user.as_deref() == Some(u.name.as_str())) {
                problems.push(format!("key slots: user {} has no key slot", u.name));
            }
        }
        for s in &slots {
            if let Some(name) = &s.user {
                if !users.iter().any(|u| &u.name == name) {
                    problems.push("key slots: a slot names a user the vault does not know".into());
                }
            }
        }
        let log = self.verify_log()?;
        if let Some(b) = &log.first_break {
            problems.push(format!("log: {b}"));
        }
        Ok(CheckReport { ok: problems.is_empty(), problems, key_slots: slots.len(), log })
    }
}
