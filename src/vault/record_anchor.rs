//! Record anchors: every version of a client's record that Casekeep stores is anchored in
//! a signed log entry about that client, written in the same transaction.
//!
//! The entry's body carries `record_digest`: SHA-256 over a domain tag, the vault id, the
//! client id and the exact stored bytes of the record (hex), or `null` when the record was
//! deleted (a purge). No record value goes into the log. Every read of a record compares
//! the stored bytes with the digest of the latest entry about the client that carries one
//! and holds as its author's act (hash, certified key and signature, checked by
//! [`log::signed_row`]); one that does not hold is passed over. An insider holding the vault
//! key who edits a record (a contact's dates, a do-not-use mark, an address), puts back an
//! older genuine version, or copies another client's bytes is refused on read with
//! [`MISMATCH`], and `log verify` names the client.
//!
//! Records stored before anchors existed have none. Until a manager's unlock after the
//! upgrade anchors them (trust on first use, one `record_anchored` entry per client and one
//! `records_anchored` entry that marks the vault as anchored), they are read as before and
//! `log verify` lists them as unanchored. Once the marker is in the log, a record without
//! an anchor is refused: deleting a client's anchors does not make its record trusted.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use data_encoding::HEXLOWER;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::log::event::{self, RecordDigest};
use crate::log::identity::Identities;
use crate::log::identity::Role;
use crate::log::{self, Event};
use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::vault::Session;

/// The body field that anchors a record version.
pub(crate) const FIELD: &str = "record_digest";
/// The SQL condition that finds anchoring entries through the `log_record_anchors` partial
/// index (migration 0010: the expression must stay the same, character for character).
const IS_ANCHOR: &str = "instr(body, '\"record_digest\":') > 0";
/// The upgrade's marker, signed by a manager: from it on, every record must be anchored.
pub(crate) const UPGRADE_EVENT: &str = "records_anchored";

/// What a read refuses with (no record value, no client detail).
pub(crate) const MISMATCH: &str =
    "this client's record was changed outside Casekeep; ask your manager to check the log";

/// The anchor digest of a record version as stored.
pub(crate) fn digest(vault_id: &str, client: i64, stored: &str) -> [u8; 32] {
    crypto::sha256(&[
        b"casekeep-record-anchor-v1\n",
        &(vault_id.len() as u64).to_be_bytes(),
        vault_id.as_bytes(),
        &client.to_be_bytes(),
        &(stored.len() as u64).to_be_bytes(),
        stored.as_bytes(),
    ])
}

/// The anchor of the record version `stored` (`None`: the record was deleted), for the
/// `record_digest` field of the entry that writes it.
pub(crate) fn anchor(vault_id: &str, client: i64, stored: Option<&str>) -> RecordDigest {
    #[cfg(feature = "test-hooks")]
    if test_hooks::LEGACY.with(std::cell::Cell::get) {
        return None;
    }
    Some(stored.map(|s| HEXLOWER.encode(&digest(vault_id, client, s))))
}

/// What a verified anchoring entry says: the digest of the record version, or `None` for
/// a deleted record.
type Anchor = Option<[u8; 32]>;

/// Anchoring entries a session has verified (their signature checked once), by sequence
/// number, with the client they are about: a later read compares against the digest as it
/// was verified, whatever the table holds now, and pays no signature check (nor a read of
/// the entry: the lookup of the latest anchor's number is one index probe).
#[derive(Default)]
pub(crate) struct Cache(RefCell<HashMap<i64, (i64, Anchor)>>);

impl Cache {
    fn get(&self, seq: i64, client: i64) -> Option<Anchor> {
        self.0.borrow().get(&seq).filter(|(c, _)| *c == client).map(|(_, a)| *a)
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cache {{ {} entries }}", self.0.borrow().len())
    }
}

/// The anchor in the body of an entry that holds: `None` when the body has no top-level
/// [`FIELD`] (not an anchoring entry); a malformed digest anchors nothing a record matches.
fn parse(body: &str) -> Option<Anchor> {
    let v: Value = serde_json::from_str(body).ok()?;
    Some(match v.get(FIELD)? {
        Value::String(h) => {
            HEXLOWER.decode(h.as_bytes()).ok().and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        }
        _ => None,
    })
}

/// A row beginning with the entry columns, about `client`: its anchor if it holds (from
/// `cache` when the same entry was verified before).
fn verified(
    ids: &Identities,
    cache: Option<&Cache>,
    client: i64,
    r: &rusqlite::Row<'_>,
) -> Result<Option<Anchor>> {
    let seq: i64 = r.get(0)?;
    if let Some(a) = cache.and_then(|c| c.get(seq, client)) {
        return Ok(Some(a));
    }
    if r.get::<_, Option<i64>>(5)? != Some(client) {
        return Ok(None);
    }
    let Some((_, body)) = log::signed_row(ids, r)? else { return Ok(None) };
    let Some(a) = parse(body) else { return Ok(None) };
    if let Some(c) = cache {
        c.0.borrow_mut().insert(seq, (client, a));
    }
    Ok(Some(a))
}

/// How a stored record stands against its anchor.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Status {
    Matches,
    /// The latest anchor that holds is of another version (or of a deleted record).
    Mismatch,
    /// No anchoring entry about the client holds.
    Unanchored,
}

fn compare(a: Anchor, vault_id: &str, client: i64, stored: &str) -> Status {
    if a == Some(digest(vault_id, client, stored)) {
        Status::Matches
    } else {
        Status::Mismatch
    }
}

/// One client's record against the latest anchoring entry about it that holds (one
/// indexed lookup; earlier entries are read only when a later one does not hold).
pub(crate) fn status(
    conn: &Connection,
    ids: &Identities,
    cache: Option<&Cache>,
    vault_id: &str,
    client: i64,
    stored: &str,
) -> Result<Status> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM log_entries WHERE client_id = ?1 AND {IS_ANCHOR} ORDER BY seq DESC",
        log::entry_columns("log_entries")
    ))?;
    let mut rows = stmt.query([client])?;
    while let Some(r) = rows.next()? {
        if let Some(a) = verified(ids, cache, client, r)? {
            return Ok(compare(a, vault_id, client, stored));
        }
    }
    Ok(Status::Unanchored)
}

/// Whether a manager has marked the vault as anchored (the upgrade's entry, signature
/// checked): from then on a record without an anchor is refused.
pub(crate) fn upgraded(conn: &Connection, ids: &Identities) -> Result<bool> {
    Ok(log::latest_by_manager(conn, ids, UPGRADE_EVENT)?.is_some())
}

fn refuse(status: Status, conn: &Connection, ids: &Identities) -> Result<()> {
    match status {
        Status::Matches => Ok(()),
        Status::Unanchored if !upgraded(conn, ids)? => Ok(()),
        _ => Err(Error::Integrity(MISMATCH.into())),
    }
}

/// Refused with [`MISMATCH`] unless `stored` is the anchored version of the client's record
/// (or, before the upgrade, has no anchor yet).
pub(crate) fn require(
    conn: &Connection,
    ids: &Identities,
    cache: Option<&Cache>,
    vault_id: &str,
    client: i64,
    stored: &str,
) -> Result<()> {
    refuse(status(conn, ids, cache, vault_id, client, stored)?, conn, ids)
}

/// The latest anchoring entry of every client, read in one query, each verified once
/// (those that do not hold are left out: [`Anchors::require`] then looks further back for
/// that client alone). For listings that read many records.
#[derive(Debug)]
pub(crate) struct Anchors<'a> {
    latest: HashMap<i64, Anchor>,
    conn: &'a Connection,
    ids: &'a Identities,
    cache: Option<&'a Cache>,
    vault_id: &'a str,
}

impl<'a> Anchors<'a> {
    pub(crate) fn load(
        conn: &'a Connection,
        ids: &'a Identities,
        cache: Option<&'a Cache>,
        vault_id: &'a str,
    ) -> Result<Anchors<'a>> {
        // The latest anchor's number of every client: one index probe each.
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT c.id, (SELECT max(seq) FROM log_entries WHERE client_id = c.id AND {IS_ANCHOR})
               FROM clients c"
        ))?;
        let mut rows = stmt.query([])?;
        let mut latest = HashMap::new();
        let mut unverified = Vec::new();
        while let Some(r) = rows.next()? {
            let (client, seq): (i64, Option<i64>) = (r.get(0)?, r.get(1)?);
            let known = seq.and_then(|seq| cache.and_then(|c| c.get(seq, client)));
            match (seq, known) {
                (None, _) => {}
                (Some(_), Some(a)) => {
                    latest.insert(client, a);
                }
                (Some(seq), None) => unverified.push((client, seq)),
            }
        }
        // Those not verified before (a session's first listing): each entry read and checked.
        let mut entry = conn.prepare_cached(&format!(
            "SELECT {} FROM log_entries WHERE seq = ?1",
            log::entry_columns("log_entries")
        ))?;
        for (client, seq) in unverified {
            let mut rows = entry.query([seq])?;
            if let Some(r) = rows.next()? {
                if let Some(a) = verified(ids, cache, client, r)? {
                    latest.insert(client, a);
                }
            }
        }
        Ok(Anchors { latest, conn, ids, cache, vault_id })
    }

    pub(crate) fn status(&self, client: i64, stored: &str) -> Result<Status> {
        match self.latest.get(&client) {
            Some(a) => Ok(compare(*a, self.vault_id, client, stored)),
            None => status(self.conn, self.ids, self.cache, self.vault_id, client, stored),
        }
    }

    /// As [`require`], from the anchors read at once; the refusal names the client's id
    /// (a listing reads many), never a value.
    pub(crate) fn require(&self, client: i64, stored: &str) -> Result<()> {
        match refuse(self.status(client, stored)?, self.conn, self.ids) {
            Err(Error::Integrity(_)) => Err(Error::Integrity(format!(
                "the record of client {client} was changed outside Casekeep; ask your manager to check the log"
            ))),
            other => other,
        }
    }
}

/// What `log verify` adds about the records: the clients (ids only) whose stored record is
/// not the version last anchored, and those with no anchor.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordsReport {
    pub checked: usize,
    /// Clients whose stored record does not match its last signed version.
    pub changed_outside_casekeep: Vec<i64>,
    /// Clients whose record has no anchor (refused on read once the vault is anchored).
    pub unanchored: Vec<i64>,
    /// Whether a manager has anchored the vault (the `records_anchored` entry).
    pub vault_anchored: bool,
}

impl RecordsReport {
    /// A sentence for each problem (client ids only, never a value).
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .changed_outside_casekeep
            .iter()
            .map(|c| {
                format!(
                    "client {c}'s record does not match its last signed version (changed outside Casekeep)"
                )
            })
            .collect();
        if self.vault_anchored {
            out.extend(self.unanchored.iter().map(|c| format!("client {c}'s record has no signed anchor")));
        }
        out
    }
}

impl Session {
    /// Every client's latest anchor, read at once and verified (through this session's
    /// cache), for a listing that reads many records.
    pub(crate) fn record_anchors_now(&self) -> Result<Anchors<'_>> {
        Anchors::load(self.conn(), self.identities(), Some(&self.record_anchors), self.vault_id())
    }

    /// Every client's stored record against its anchor (for `log verify` and `check`).
    pub fn verify_records(&self) -> Result<RecordsReport> {
        let (conn, ids) = (self.conn(), self.identities());
        let anchors = self.record_anchors_now()?;
        let mut report = RecordsReport { vault_anchored: upgraded(conn, ids)?, ..Default::default() };
        let mut stmt = conn.prepare("SELECT id, record FROM clients ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let record = r.get_ref(1)?.as_str().map_err(|_| Error::Integrity(MISMATCH.into()))?;
            report.checked += 1;
            match anchors.status(id, record)? {
                Status::Matches => {}
                Status::Mismatch => report.changed_outside_casekeep.push(id),
                Status::Unanchored => report.unanchored.push(id),
            }
        }
        Ok(report)
    }

    /// The upgrade, at a manager's unlock while the vault has no `records_anchored` entry:
    /// each record that has no anchor is anchored as it is now (trust on first use) in its
    /// own `record_anchored` entry, then the marker is written. Only on a log whose chain
    /// holds (an insider who deleted anchors and the marker must not get a changed record
    /// anchored); a record whose anchor does not match is left for `log verify` to name.
    pub(crate) fn anchor_unanchored_records(&mut self) -> Result<()> {
        #[cfg(feature = "test-hooks")]
        if test_hooks::LEGACY.with(std::cell::Cell::get) {
            return Ok(());
        }
        if self.user().role != Role::Manager || upgraded(self.conn(), self.identities())? {
            return Ok(());
        }
        if log::verify_chain(self.conn(), self.vault_id(), Some(&self.reopen()))?.first_break.is_some() {
            return Ok(());
        }
        let unanchored = self.verify_records()?;
        self.write(|tx, s| {
            let mut stmt = tx.prepare_cached("SELECT record FROM clients WHERE id = ?1")?;
            for id in &unanchored.unanchored {
                let record: String = stmt.query_row([id], |r| r.get(0))?;
                let record_digest = anchor(s.vault_id, *id, Some(&record));
                let event =
                    Event::RecordAnchored(event::RecordAnchored { trust_on_first_use: true, record_digest });
                s.append(tx, Some(*id), &event)?;
            }
            let done = event::RecordsAnchored {
                anchored: unanchored.unanchored.len(),
                not_matching: unanchored.changed_outside_casekeep.len(),
            };
            s.append(tx, None, &Event::RecordsAnchored(done))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_binds_the_vault_the_client_and_the_exact_bytes() {
        let d = digest("vault-one", 1, r#"{"a":1}"#);
        assert_ne!(d, digest("vault-two", 1, r#"{"a":1}"#));
        assert_ne!(d, digest("vault-one", 2, r#"{"a":1}"#));
        assert_ne!(d, digest("vault-one", 1, r#"{"a": 1}"#));
        // Length-prefixed: moving a byte between the vault id and the record changes it.
        assert_ne!(digest("ab", 1, "c"), digest("a", 1, "bc"));
        assert_eq!(d, digest("vault-one", 1, r#"{"a":1}"#));
    }

    #[test]
    fn an_anchor_carries_a_digest_or_null_never_the_record() {
        let record = r#"{"full_name":"Ada Example"}"#;
        let changed = event::RecordChanged {
            fields: vec!["full_name".into()],
            record_digest: anchor("v", 3, Some(record)),
        };
        let body = Event::ClientChanged(changed).body().unwrap();
        assert!(!body.to_string().contains("Ada"));
        let text = body.to_string();
        assert!(text.contains("\"record_digest\":"), "the partial index's expression matches: {text}");
        assert_eq!(parse(&text), Some(Some(digest("v", 3, record))));
        let gone = serde_json::json!({ "record_digest": anchor("v", 3, None) });
        assert_eq!(parse(&gone.to_string()), Some(None));
        // Not an anchor: no top-level field (a nested one does not count).
        assert_eq!(parse(r#"{"x":{"record_digest":"00"}}"#), None);
        // A malformed digest anchors nothing a record can match.
        assert_eq!(parse(r#"{"record_digest":"zz"}"#), Some(None));
    }
}

#[cfg(feature = "test-hooks")]
/// Test hooks (compiled only with the `test-hooks` feature, never in a shipped build).
pub mod test_hooks {
    use std::cell::Cell;

    thread_local! {
        pub(super) static LEGACY: Cell<bool> = const { Cell::new(false) };
    }

    /// While on (on this thread), Casekeep writes as the versions before record anchors did:
    /// no `record_digest`, no upgrade at a manager's unlock (to make a vault to upgrade).
    pub fn write_as_before_anchors(on: bool) {
        LEGACY.with(|l| l.set(on));
    }
}
