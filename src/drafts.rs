//! Drafts: a half-finished form kept when the app locks, offered back after unlocking.
//!
//! A worker half-way through a risk checklist on the phone should not lose it to the idle
//! lock. The page hands its form to the core as it changes (never only at the lock: a
//! sleep or a screen lock locks at once, and the page cannot write after a lock), and the
//! core keeps it here, in the encrypted database (`drafts`, migration 0008): never in the
//! page's storage or a file.
//!
//! A draft is record data, so:
//! - it belongs to the user who wrote it: every read and delete is by the session's user,
//!   so another user of the same vault can neither see nor discard it;
//! - there is at most one per user, kind of form and client (a later save replaces it);
//! - it is deleted when used (the form was saved) or discarded, after [`DRAFT_DAYS`] days
//!   (swept whenever drafts are listed, whoever's), and with its client (a purge). A removed
//!   user cannot unlock, so their drafts are never offered again and go with that sweep;
//! - it is not an entry in the signed log: it records nothing that happened, and it never
//!   leaves the vault except inside an encrypted backup, as the records do.
//!
//! The core checks its shape (a JSON object of at most [`MAX_DRAFT_BYTES`]) and its client,
//! not its answers: those are checked, as always, when the form is saved.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clients::ClientId;
use crate::error::{Error, Result};
use crate::input;
use crate::record::initials_of;
use crate::vault::Session;

/// A draft unused for this many days is deleted.
pub const DRAFT_DAYS: i64 = 7;

/// The largest draft the core keeps (a note form, or a checklist with its reason).
pub const MAX_DRAFT_BYTES: usize = 64 * 1024;

/// The forms a draft can be kept for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    /// The risk checklist (DASH) of a client.
    RiskChecklist,
    /// A note being added to a client's record.
    Note,
}

impl DraftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftKind::RiskChecklist => "risk_checklist",
            DraftKind::Note => "note",
        }
    }

    fn from_stored(s: &str) -> Result<DraftKind> {
        match s {
            "risk_checklist" => Ok(DraftKind::RiskChecklist),
            "note" => Ok(DraftKind::Note),
            _ => Err(Error::Integrity("a stored draft is of an unknown kind".into())),
        }
    }
}

impl std::str::FromStr for DraftKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<DraftKind> {
        match s {
            "risk_checklist" => Ok(DraftKind::RiskChecklist),
            "note" => Ok(DraftKind::Note),
            _ => Err(Error::invalid("the kind of draft must be `risk_checklist` or `note`")),
        }
    }
}

/// One of the session user's drafts, with what the page needs to offer it back ("You have
/// an unfinished risk checklist for CK-0042 · A.E.").
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub kind: DraftKind,
    pub client_id: i64,
    pub case_reference: String,
    pub initials: String,
    /// RFC 3339, UTC.
    pub saved_at: String,
    /// The form's answers as the page left them.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub body: Value,
}

impl Session {
    /// Keeps (or replaces) the session user's draft of `kind` for `client`. `body` is the
    /// form's state as a JSON object.
    pub fn save_draft(&mut self, kind: DraftKind, client: ClientId, body: &[u8]) -> Result<()> {
        if body.len() > MAX_DRAFT_BYTES {
            return Err(Error::invalid("the draft is too large (the limit is 64 KiB)"));
        }
        let value: Value = input::parse_json(body, "draft")?;
        if !value.is_object() {
            return Err(Error::invalid("the draft has the wrong type of value (expected an object)"));
        }
        let text =
            serde_json::to_string(&value).map_err(|_| Error::Storage("could not encode the draft".into()))?;
        let user = self.user().id;
        let now = crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.write(|tx, _| {
            let exists: i64 =
                tx.query_row("SELECT count(*) FROM clients WHERE id = ?1", [client.0], |r| r.get(0))?;
            if exists == 0 {
                return Err(Error::NotFound("client"));
            }
            tx.execute(
                "INSERT INTO drafts (user_id, kind, client_id, body, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (user_id, kind, client_id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
                rusqlite::params![user, kind.as_str(), client.0, text, now],
            )?;
            Ok(())
        })
    }

    /// The session user's drafts, newest first, after deleting every draft (anyone's) older
    /// than [`DRAFT_DAYS`] days.
    pub fn drafts(&mut self) -> Result<Vec<Draft>> {
        let cutoff = (crate::clock::now() - chrono::Duration::days(DRAFT_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let user = self.user().id;
        self.write(|tx, _| {
            tx.execute("DELETE FROM drafts WHERE saved_at < ?1", [&cutoff])?;
            let mut stmt = tx.prepare(
                "SELECT d.kind, d.client_id, c.case_reference, c.full_name, d.saved_at, d.body
                   FROM drafts d JOIN clients c ON c.id = d.client_id
                  WHERE d.user_id = ?1 ORDER BY d.saved_at DESC, d.client_id",
            )?;
            let mut rows = stmt.query([user])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let kind: String = r.get(0)?;
                let full_name: String = r.get(3)?;
                let body: String = r.get(5)?;
                out.push(Draft {
                    kind: DraftKind::from_stored(&kind)?,
                    client_id: r.get(1)?,
                    case_reference: r.get(2)?,
                    initials: initials_of(&full_name),
                    saved_at: r.get(4)?,
                    body: serde_json::from_str(&body)
                        .map_err(|_| Error::Integrity("a stored draft is malformed".into()))?,
                });
            }
            Ok(out)
        })
    }

    /// Deletes the session user's draft of `kind` for `client` (used or discarded); true if
    /// there was one. Another user's draft is never touched.
    pub fn discard_draft(&mut self, kind: DraftKind, client: ClientId) -> Result<bool> {
        let user = self.user().id;
        self.write(|tx, _| {
            let n = tx.execute(
                "DELETE FROM drafts WHERE user_id = ?1 AND kind = ?2 AND client_id = ?3",
                rusqlite::params![user, kind.as_str(), client.0],
            )?;
            Ok(n > 0)
        })
    }
}
