//! The log: consents, decisions and audit events in one append-only hash chain.
//!
//! Entry `n` is hashed over its canonical bytes, which include `n` and the hash of entry
//! `n-1`; it is signed (Ed25519) by the user whose session wrote it, with the key the log
//! itself certified for them at that point (`identity.rs`). The database refuses UPDATE
//! and DELETE on the table (triggers) — which an insider holding the vault key can drop, so
//! nothing rests on them: `verify` recomputes every hash, link and signature, rebuilds who
//! may sign what from the log alone, and names the first entry that does not hold.

use std::fmt;

use chrono::{SecondsFormat, Utc};
use data_encoding::HEXLOWER;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;

use crate::log::identity::{EntryRef, Identities, IDENTITY_EVENTS};
use crate::support::crypto::{self, Secret32};
use crate::support::error::{Error, Result};

pub mod event;
pub mod identity;
pub mod shred;
mod verify;
pub mod vocab;

pub use event::Event;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Audit,
    Consent,
    Decision,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Audit => "audit",
            Kind::Consent => "consent",
            Kind::Decision => "decision",
        }
    }
}

/// Who signs what a session writes.
pub struct Signer {
    pub user_id: i64,
    pub key_id: i64,
    pub seed: Secret32,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer {{ user_id: {}, key_id: {}, .. }}", self.user_id, self.key_id)
    }
}

/// One entry's fields, as hashed.
struct Canonical<'a> {
    seq: i64,
    prev_hash: &'a [u8],
    at: &'a str,
    kind: &'a str,
    event: &'a str,
    actor_id: Option<i64>,
    client_id: Option<i64>,
    key_id: i64,
    body: &'a str,
}

/// The columns every reader of whole entries selects, in the order [`Canonical::of_row`]
/// reads them.
const ENTRY_COLUMNS: &str =
    "seq, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash";

impl<'a> Canonical<'a> {
    /// An entry's hashed fields from a row of [`ENTRY_COLUMNS`].
    fn of_row(r: &'a rusqlite::Row<'_>) -> Result<Canonical<'a>> {
        Ok(Canonical {
            seq: r.get(0)?,
            prev_hash: blob(r, 9)?,
            at: text(r, 1)?,
            kind: text(r, 2)?,
            event: text(r, 3)?,
            actor_id: r.get(4)?,
            client_id: r.get(5)?,
            key_id: r.get(7)?,
            body: text(r, 6)?,
        })
    }
}

impl Canonical<'_> {
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.body.len());
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        fn lp(out: &mut Vec<u8>, s: &[u8]) {
            out.extend_from_slice(&(s.len() as u64).to_be_bytes());
            out.extend_from_slice(s);
        }
        out.extend_from_slice(b"casekeep-log-v1\n");
        out.extend_from_slice(&self.seq.to_be_bytes());
        lp(out, self.prev_hash);
        lp(out, self.at.as_bytes());
        lp(out, self.kind.as_bytes());
        lp(out, self.event.as_bytes());
        out.extend_from_slice(&self.actor_id.unwrap_or(-1).to_be_bytes());
        out.extend_from_slice(&self.client_id.unwrap_or(-1).to_be_bytes());
        out.extend_from_slice(&self.key_id.to_be_bytes());
        lp(out, self.body.as_bytes());
    }

    fn hash(&self) -> [u8; 32] {
        crypto::sha256(&[&self.bytes()])
    }

    /// The fields the key-certification rules look at.
    fn entry_ref(&self) -> EntryRef<'_> {
        EntryRef {
            seq: self.seq,
            kind: self.kind,
            event: self.event,
            actor_id: self.actor_id,
            key_id: self.key_id,
            body: self.body,
        }
    }
}

fn sig_message(hash: &[u8]) -> Vec<u8> {
    let mut m = b"casekeep-log-signature-v1\n".to_vec();
    m.extend_from_slice(hash);
    m
}

/// The hash that entry 1 links back to: specific to this vault.
pub fn genesis(vault_id: &str) -> [u8; 32] {
    crypto::sha256(&[b"casekeep-log-genesis\n", vault_id.as_bytes()])
}

pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The sequence number the next entry will get and the current chain head (hex), read
/// inside the caller's transaction so nothing can come between.
pub fn next(tx: &Transaction<'_>, vault_id: &str) -> Result<(i64, String)> {
    let last: Option<(i64, Vec<u8>)> = tx
        .query_row("SELECT seq, hash FROM log_entries ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(match last {
        Some((s, h)) => (s + 1, HEXLOWER.encode(&h)),
        None => (1, HEXLOWER.encode(&genesis(vault_id))),
    })
}

/// Appends `event`, signed by `signer`, inside the caller's transaction (its name and
/// kind from the event, its free text sealed when it is about a client); returns its
/// sequence number. Sessions append through `s.append` (`vault::SessionCtx`).
pub fn append_event(
    tx: &Transaction<'_>,
    vault_id: &str,
    signer: &Signer,
    client_id: Option<i64>,
    event: &Event,
) -> Result<i64> {
    append(tx, vault_id, signer, event.kind(), event.name(), client_id, &event.body()?)
}

/// The one writer of entries. Its module is private: outside the log, entries are written
/// as [`Event`]s ([`append_event`]); tests reach it (as `append_raw`) only with the
/// `test-hooks` feature, to write what an insider could.
mod raw {
    use super::*;

    /// Appends one signed entry inside the caller's transaction; returns its sequence number.
    pub(crate) fn append(
        tx: &Transaction<'_>,
        vault_id: &str,
        signer: &Signer,
        kind: Kind,
        event: &str,
        client_id: Option<i64>,
        body: &Value,
    ) -> Result<i64> {
        let last: Option<(i64, Vec<u8>)> = tx
            .query_row("SELECT seq, hash FROM log_entries ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (seq, prev_hash) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, genesis(vault_id).to_vec()),
        };
        let at = now();
        let body = shred::seal(tx, vault_id, event, client_id, body)?;
        let body = serde_json::to_string(&*body)
            .map_err(|_| Error::Storage("could not encode a log entry".into()))?;
        let c = Canonical {
            seq,
            prev_hash: &prev_hash,
            at: &at,
            kind: kind.as_str(),
            event,
            actor_id: Some(signer.user_id),
            client_id,
            key_id: signer.key_id,
            body: &body,
        };
        let hash = c.hash();
        let signature = crypto::sign(&signer.seed, &sig_message(&hash))?;
        tx.execute(
            "INSERT INTO log_entries (seq, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![seq, at, kind.as_str(), event, signer.user_id, client_id, body, signer.key_id, signature, prev_hash, hash.to_vec()],
        )?;
        Ok(seq)
    }
}

use raw::append;
#[cfg(feature = "test-hooks")]
pub(crate) use raw::append as append_raw;

/// An entry as shown by `log show`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub event: String,
    pub actor: Option<String>,
    pub client_id: Option<i64>,
    pub body: Value,
    pub hash: String,
}

pub fn list(conn: &Connection, client_id: Option<i64>, kind: Option<Kind>) -> Result<Vec<Entry>> {
    // Only the filters given are in the SQL: `(?1 IS NULL OR client_id = ?1)` would keep
    // SQLite from using the `log_by_client` index and scan the whole log (seconds at 1M
    // entries, e.g. for every consent check before a share).
    use rusqlite::types::Value as SqlValue;
    let mut clauses = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(c) = client_id {
        args.push(SqlValue::Integer(c));
        clauses.push(format!("e.client_id = ?{}", args.len()));
    }
    if let Some(k) = kind {
        args.push(SqlValue::Text(k.as_str().to_string()));
        clauses.push(format!("e.kind = ?{}", args.len()));
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let mut stmt = conn.prepare(&format!(
        "SELECT e.seq, e.at, e.kind, e.event, u.name, e.client_id, e.body, e.hash
           FROM log_entries e LEFT JOIN users u ON u.id = e.actor_id
          {filter}
          ORDER BY e.seq"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let body: String = r.get(6)?;
        let hash: Vec<u8> = r.get(7)?;
        Ok(Entry {
            seq: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            event: r.get(3)?,
            actor: r.get(4)?,
            client_id: r.get(5)?,
            body: serde_json::from_str(&body).unwrap_or(Value::Null),
            hash: HEXLOWER.encode(&hash),
        })
    })?;
    let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    shred::open_entries(conn, &mut entries)?;
    Ok(entries)
}

fn text<'a>(r: &'a rusqlite::Row<'_>, i: usize) -> Result<&'a str> {
    r.get_ref(i)?.as_str().map_err(|_| Error::Integrity("a log entry has a malformed field".into()))
}

fn blob<'a>(r: &'a rusqlite::Row<'_>, i: usize) -> Result<&'a [u8]> {
    r.get_ref(i)?.as_blob().map_err(|_| Error::Integrity("a log entry has a malformed field".into()))
}

/// The first entry that does not hold, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub seq: i64,
    pub problem: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub entries: i64,
    pub signatures_checked: i64,
    pub head: String,
    /// The root public key (hex) the log begins with: the signer of `vault_created`.
    pub root_key: String,
    pub first_break: Option<Break>,
}

/// The identity entries in log order (through the `log_by_event` index), with `filter`
/// added to the WHERE clause; bind [`IDENTITY_EVENTS`] as the parameters.
fn identity_entries_sql(filter: &str) -> String {
    let marks = vec!["?"; IDENTITY_EVENTS.len()].join(", ");
    format!("SELECT {ENTRY_COLUMNS} FROM log_entries WHERE event IN ({marks}) AND kind = 'audit' {filter} ORDER BY seq")
}

/// Who may sign what, rebuilt at unlock from the identity entries alone (found through
/// the `log_by_event` index): each one's hash, its link to the entry before it, the rules
/// of [`Identities::admit`] and its signature. The rest of the log is checked by
/// [`verify`]; what an unlock does not read is covered by the user's anchor (`vault.rs`).
pub fn identities(conn: &Connection, vault_id: &str) -> Result<Identities> {
    let mut stmt = conn.prepare(&identity_entries_sql(""))?;
    let mut before = conn.prepare("SELECT hash FROM log_entries WHERE seq = ?1")?;
    let mut rows = stmt.query(rusqlite::params_from_iter(IDENTITY_EVENTS.iter()))?;
    let mut ids = Identities::default();
    let broken = |seq: i64, problem: &str| {
        Error::Integrity(format!(
            "the signed log does not hold at entry {seq}: {problem} (`casekeep log verify` checks the whole log)"
        ))
    };
    while let Some(r) = rows.next()? {
        let c = Canonical::of_row(r)?;
        let (seq, prev_hash) = (c.seq, c.prev_hash);
        let hash = blob(r, 10)?;
        if c.hash().as_slice() != hash {
            return Err(broken(seq, "its contents do not match its hash (the entry was changed)"));
        }
        let linked = if seq == 1 {
            prev_hash == genesis(vault_id).as_slice()
        } else {
            before.query_row([seq - 1], |p| p.get::<_, Vec<u8>>(0)).optional()?.as_deref() == Some(prev_hash)
        };
        if !linked {
            return Err(broken(seq, "its link to the previous entry is broken"));
        }
        let public = ids.admit(&c.entry_ref()).map_err(|p| broken(seq, &p))?;
        if !crypto::verify(&public, &sig_message(hash), blob(r, 8)?) {
            return Err(broken(seq, "its signature does not verify"));
        }
    }
    if ids.root().is_none() {
        return Err(broken(1, "the log does not begin with the vault's creation"));
    }
    Ok(ids)
}

/// The bodies of the `event` entries (audit entries about no client) that a manager
/// signed, oldest first — or only the latest with `latest_only`: each one's hash
/// recomputed, its key one the log certified for its author, the author a manager (roles
/// are set when a user is added and never change), its signature checked. Settings, the
/// agency name, the enquiry switchboard list and the reviews of enquiry alerts are read
/// this way, never from a table: an insider who edits a copy, writes an entry of her own
/// under a manager's name, or copies an old entry to the end changes nothing (and
/// `log verify` names the last two).
pub fn by_managers(
    conn: &Connection,
    ids: &Identities,
    event: &str,
    latest_only: bool,
) -> Result<Vec<String>> {
    let order = if latest_only { "DESC" } else { "ASC" };
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE event = ?1 AND kind = 'audit' AND client_id IS NULL ORDER BY seq {order}"
    ))?;
    let mut rows = stmt.query([event])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        if signed_by_manager(ids, r)? {
            out.push(text(r, 6)?.to_string());
            if latest_only {
                break;
            }
        }
    }
    Ok(out)
}

/// Whether entry `seq` holds as a manager's act, checked as [`by_managers`] checks.
pub fn is_signed_by_manager(conn: &Connection, ids: &Identities, seq: i64) -> Result<bool> {
    let author = signed_author(conn, ids, seq)?.and_then(|a| ids.member(a));
    Ok(author.is_some_and(|m| m.role == crate::log::identity::Role::Manager))
}

/// The author (user id) of entry `seq` if it holds as their act: its hash recomputed, its
/// key one the log certified for its author, its signature checked (any role). The
/// decision views read entries this way (`casework::decisions`).
pub fn signed_author(conn: &Connection, ids: &Identities, seq: i64) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM log_entries WHERE seq = ?1"))?;
    let mut rows = stmt.query([seq])?;
    match rows.next()? {
        Some(r) => Ok(signed_row(ids, r)?.map(|(author, _)| author)),
        None => Ok(None),
    }
}

/// The columns of whole entries, each prefixed with `alias.`, for a query that joins the
/// log (read with [`signed_row`], the entry's columns first).
pub(crate) fn entry_columns(alias: &str) -> String {
    ENTRY_COLUMNS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

/// A row that begins with [`ENTRY_COLUMNS`] (e.g. from [`entry_columns`]): its author and
/// stored body if it holds as their act, checked as [`signed_author`] checks (any role).
pub(crate) fn signed_row<'r>(ids: &Identities, r: &'r rusqlite::Row<'_>) -> Result<Option<(i64, &'r str)>> {
    if !signed_by(ids, r, false)? {
        return Ok(None);
    }
    let c = Canonical::of_row(r)?;
    Ok(c.actor_id.map(|a| (a, c.body)))
}

/// A row of [`ENTRY_COLUMNS`]: its hash recomputed, its key certified for its author, the
/// author a manager, its signature checked.
fn signed_by_manager(ids: &Identities, r: &rusqlite::Row<'_>) -> Result<bool> {
    signed_by(ids, r, true)
}

/// A row of [`ENTRY_COLUMNS`]: its hash recomputed, its key certified for its author (a
/// manager, with `manager_only`), its signature checked.
fn signed_by(ids: &Identities, r: &rusqlite::Row<'_>, manager_only: bool) -> Result<bool> {
    let c = Canonical::of_row(r)?;
    let Some(author) = c.actor_id else { return Ok(false) };
    let manager =
        ids.member(author).is_some_and(|m| !manager_only || m.role == crate::log::identity::Role::Manager);
    let key = ids.key(c.key_id).filter(|k| k.owner == crate::log::identity::Owner::User(author));
    let hash = blob(r, 10)?;
    Ok(manager
        && c.hash().as_slice() == hash
        && key
            .is_some_and(|k| crypto::verify(&k.signing, &sig_message(hash), blob(r, 8).unwrap_or_default())))
}

/// A client's entries of the given events that hold as their author's act (checked as
/// [`by_managers`] checks, any member's certified key accepted), oldest first, sealed fields
/// opened: what the card's contact history shows. An entry an insider wrote into the table
/// without its author's key (or changed after) is left out here, and `log verify` names it.
pub fn signed_client_events(
    conn: &Connection,
    ids: &Identities,
    client_id: i64,
    events: &[&str],
) -> Result<Vec<Entry>> {
    let marks = vec!["?"; events.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE client_id = ? AND event IN ({marks}) ORDER BY seq"
    ))?;
    let mut args: Vec<rusqlite::types::Value> = vec![rusqlite::types::Value::Integer(client_id)];
    args.extend(events.iter().map(|e| rusqlite::types::Value::Text((*e).to_string())));
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        if !signed_by(ids, r, false)? {
            continue;
        }
        let c = Canonical::of_row(r)?;
        out.push(Entry {
            seq: c.seq,
            at: c.at.to_string(),
            kind: c.kind.to_string(),
            event: c.event.to_string(),
            actor: c.actor_id.and_then(|a| ids.member(a)).map(|m| m.name.clone()),
            client_id: c.client_id,
            body: serde_json::from_str(c.body).unwrap_or(Value::Null),
            hash: HEXLOWER.encode(blob(r, 10)?),
        });
    }
    shred::open_entries(conn, &mut out)?;
    Ok(out)
}

/// The latest [`by_managers`] body of `event`, if any.
pub fn latest_by_manager(conn: &Connection, ids: &Identities, event: &str) -> Result<Option<String>> {
    Ok(by_managers(conn, ids, event, true)?.pop())
}

/// Opens another connection to the same database: the verify reads with one per core
/// (`log/verify.rs`). Without it, one pass on the caller's connection.
pub type Reopen<'a> = &'a (dyn Fn() -> Result<Connection> + Sync);

/// Recomputes the chain and every signature from the first entry.
pub fn verify(conn: &Connection, vault_id: &str, reopen: Option<Reopen<'_>>) -> Result<VerifyReport> {
    verify::run(conn, vault_id, true, reopen)
}

/// The hash chain and who may sign each entry (the certification rules), without the
/// signatures themselves (each identity entry's signature is checked by [`identities`] at
/// every unlock): what an unlock runs before a rotation owed, and the benchmarks count
/// apart from the signatures.
pub fn verify_chain(conn: &Connection, vault_id: &str, reopen: Option<Reopen<'_>>) -> Result<VerifyReport> {
    verify::run(conn, vault_id, false, reopen)
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "log entry {} does not hold: {}", self.seq, self.problem)
    }
}
