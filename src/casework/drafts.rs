//! Drafts: a half-finished form kept when the app locks, offered back after unlocking.
//!
//! A worker half-way through a form on the phone should not lose it to the idle
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
//!   leaves the vault except inside an encrypted backup, as the records do;
//! - it is signed by its author with the session's signing key (migration 0009), over a
//!   domain-separated message binding the vault id, user id, kind, client id, saved time
//!   and body. Anyone who can unlock can write this table; a draft planted "for" another
//!   user (or changed after it was signed) does not verify against the reading user's
//!   certified key, so it is deleted and counted, and the page says that an unfinished form
//!   could not be trusted and was removed, without its values.
//!
//! Drafts are kept for the risk checklist, a note, consent, a decision not to share, a share
//! request (before its signed step), a MARAC referral, the edit form and an enquiry (which
//! has no client: it is recorded before anyone is looked up).
//!
//! The core checks its shape (a JSON object of at most [`MAX_DRAFT_BYTES`]) and its client,
//! not its answers: those are checked, as always, when the form is saved.

use serde::Serialize;
use serde_json::Value;

use crate::log::identity::{Identities, Owner};
use crate::record::initials_of;
use crate::record::ClientId;
use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::support::input;
use crate::vault::Session;

/// A draft unused for this many days is deleted.
pub const DRAFT_DAYS: i64 = 7;

/// The largest draft the core keeps (a note form, or a checklist with its reason).
pub const MAX_DRAFT_BYTES: usize = 64 * 1024;

word_enum!(
    /// The forms a draft can be kept for: the risk checklist, a note, consent, a decline, a
    /// share (before its signed step), a MARAC referral, the edit form, and an enquiry (the
    /// one kind without a client).
    DraftKind, "the kind of draft" {
        RiskChecklist => "risk_checklist",
        Note => "note",
        Consent => "consent",
        Decline => "decline",
        Share => "share",
        Marac => "marac",
        EditClient => "edit_client",
        Enquiry => "enquiry",
    }
);

impl DraftKind {
    /// Whether a draft of this kind is for one client (all but an enquiry).
    pub fn has_client(self) -> bool {
        self != DraftKind::Enquiry
    }
}

/// One of the session user's drafts, with what the page needs to offer it back ("Consent
/// for CK-0042 · A.E., unfinished").
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub kind: DraftKind,
    /// None for an enquiry (it has no client).
    pub client_id: Option<i64>,
    pub case_reference: Option<String>,
    pub initials: Option<String>,
    /// RFC 3339, UTC.
    pub saved_at: String,
    /// The form's answers as the page left them.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub body: Value,
}

/// What is offered after an unlock: the user's drafts that hold as theirs, and how many
/// were removed because their signature did not verify (planted or changed by someone
/// else: never shown, no values).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DraftOffer {
    pub drafts: Vec<Draft>,
    pub untrusted: u32,
}

/// The signed message of a draft: domain separated, every field length-prefixed.
fn draft_message(
    vault_id: &str,
    user: i64,
    kind: DraftKind,
    client: Option<i64>,
    saved_at: &str,
    body: &str,
) -> Vec<u8> {
    fn lp(out: &mut Vec<u8>, s: &[u8]) {
        out.extend_from_slice(&(s.len() as u64).to_be_bytes());
        out.extend_from_slice(s);
    }
    let mut m = b"casekeep-draft-signature-v1\n".to_vec();
    lp(&mut m, vault_id.as_bytes());
    m.extend_from_slice(&user.to_be_bytes());
    lp(&mut m, kind.as_str().as_bytes());
    match client {
        Some(c) => {
            m.push(1);
            m.extend_from_slice(&c.to_be_bytes());
        }
        None => m.push(0),
    }
    lp(&mut m, saved_at.as_bytes());
    lp(&mut m, body.as_bytes());
    m
}

/// Checks that `client` fits `kind`: every kind but an enquiry is for one client.
fn check_client(kind: DraftKind, client: Option<ClientId>) -> Result<Option<i64>> {
    match (kind.has_client(), client) {
        (true, Some(c)) => Ok(Some(c.0)),
        (false, None) => Ok(None),
        (true, None) => Err(Error::invalid("this kind of draft needs the client it is for")),
        (false, Some(_)) => Err(Error::invalid("an enquiry's draft has no client")),
    }
}

/// One stored row, as read before its signature is checked.
struct Row {
    kind: String,
    client_id: Option<i64>,
    case_reference: Option<String>,
    full_name: Option<String>,
    saved_at: String,
    body: String,
    key_id: i64,
    signature: Vec<u8>,
}

impl Row {
    /// The draft, if the row is signed by `user` under one of their certified keys over
    /// exactly what it holds (and its kind and body are well-formed).
    fn verified(self, vault_id: &str, user: i64, ids: &Identities) -> Option<Draft> {
        let kind = self.kind.parse::<DraftKind>().ok()?;
        ids.member(user)?;
        let key = ids.key(self.key_id).filter(|k| k.owner == Owner::User(user))?;
        let message = draft_message(vault_id, user, kind, self.client_id, &self.saved_at, &self.body);
        if !crypto::verify(&key.signing, &message, &self.signature) {
            return None;
        }
        let body: Value = serde_json::from_str(&self.body).ok().filter(Value::is_object)?;
        Some(Draft {
            kind,
            client_id: self.client_id,
            case_reference: self.case_reference,
            initials: self.full_name.as_deref().map(initials_of),
            saved_at: self.saved_at,
            body,
        })
    }
}

impl Session {
    /// Keeps (or replaces) the session user's draft of `kind` for `client` (none for an
    /// enquiry), signed with the session's key. `body` is the form's state as a JSON object.
    pub fn save_draft(
        &mut self,
        kind: DraftKind,
        client: impl Into<Option<ClientId>>,
        body: &[u8],
    ) -> Result<()> {
        let client = check_client(kind, client.into())?;
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
        let now = crate::support::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.write(|tx, s| {
            if let Some(c) = client {
                let exists: i64 =
                    tx.query_row("SELECT count(*) FROM clients WHERE id = ?1", [c], |r| r.get(0))?;
                if exists == 0 {
                    return Err(Error::NotFound("client"));
                }
            }
            let signature =
                crypto::sign(&s.signer.seed, &draft_message(s.vault_id, user, kind, client, &now, &text))?;
            tx.execute(
                "DELETE FROM drafts WHERE user_id = ?1 AND kind = ?2 AND client_id IS ?3",
                rusqlite::params![user, kind.as_str(), client],
            )?;
            tx.execute(
                "INSERT INTO drafts (user_id, kind, client_id, body, saved_at, key_id, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![user, kind.as_str(), client, text, now, s.signer.key_id, signature],
            )?;
            Ok(())
        })
    }

    /// The session user's drafts, newest first (see [`Session::draft_offer`]).
    pub fn drafts(&mut self) -> Result<Vec<Draft>> {
        Ok(self.draft_offer()?.drafts)
    }

    /// The session user's drafts that hold as theirs, newest first, after deleting every
    /// draft (anyone's) older than [`DRAFT_DAYS`] days. A draft of this user whose signature
    /// does not verify against their certified key (planted by someone else, or changed
    /// after it was signed) is deleted and counted, never offered.
    pub fn draft_offer(&mut self) -> Result<DraftOffer> {
        let cutoff = (crate::support::clock::now() - chrono::Duration::days(DRAFT_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let user = self.user().id;
        self.write(|tx, s| {
            tx.execute("DELETE FROM drafts WHERE saved_at < ?1", [&cutoff])?;
            let mut stmt = tx.prepare(
                "SELECT d.rowid, d.kind, d.client_id, c.case_reference, c.full_name, d.saved_at, d.body, d.key_id, d.signature
                   FROM drafts d LEFT JOIN clients c ON c.id = d.client_id
                  WHERE d.user_id = ?1 ORDER BY d.saved_at DESC, d.client_id",
            )?;
            let mut rows = stmt.query([user])?;
            let mut offer = DraftOffer { drafts: Vec::new(), untrusted: 0 };
            let mut bad: Vec<i64> = Vec::new();
            while let Some(r) = rows.next()? {
                let row = Row {
                    kind: r.get(1)?,
                    client_id: r.get(2)?,
                    case_reference: r.get(3)?,
                    full_name: r.get(4)?,
                    saved_at: r.get(5)?,
                    body: r.get(6)?,
                    key_id: r.get(7)?,
                    signature: r.get(8)?,
                };
                match row.verified(s.vault_id, user, s.identities) {
                    Some(d) => offer.drafts.push(d),
                    None => bad.push(r.get(0)?),
                }
            }
            drop(rows);
            drop(stmt);
            for rowid in &bad {
                tx.execute("DELETE FROM drafts WHERE rowid = ?1", [rowid])?;
            }
            offer.untrusted = u32::try_from(bad.len()).unwrap_or(u32::MAX);
            Ok(offer)
        })
    }

    /// Deletes the session user's draft of `kind` for `client` (none for an enquiry; used
    /// or discarded); true if there was one. Another user's draft is never touched.
    pub fn discard_draft(&mut self, kind: DraftKind, client: impl Into<Option<ClientId>>) -> Result<bool> {
        let client = check_client(kind, client.into())?;
        let user = self.user().id;
        self.write(|tx, _| {
            let n = tx.execute(
                "DELETE FROM drafts WHERE user_id = ?1 AND kind = ?2 AND client_id IS ?3",
                rusqlite::params![user, kind.as_str(), client],
            )?;
            Ok(n > 0)
        })
    }
}
