//! Crypto-shredding of staff free text in the log.
//!
//! What staff write in words about a client — a reason, a justification, advice, a
//! recipient's name, the words of an "other" purpose — would otherwise stay in the signed,
//! append-only log for ever, even after the client's case is purged. So [`super::append_event`]
//! stores those fields of an entry about a client (one with a client id) only sealed:
//! ChaCha20-Poly1305 under a random key of that client's own (table `client_keys`, made
//! when first needed), with associated data binding the vault id, the client id and the
//! field's name. The sealed form is what is hashed and signed, so the chain verifies with
//! or without the key. [`super::list`] opens the fields again while the key exists; a purge
//! deletes the key ([`destroy_key`]) in the purge's transaction, and from then on every
//! such field reads as [`ERASED`].
//!
//! Only the top-level fields named in [`FIELDS`] are sealed, whatever the event, so a new
//! kind of entry that uses one of these names is covered without a change here. Codes,
//! states, numbers, dates, hashes and staff user names stay plain: the gate, the queue and
//! the approvals read them (some in SQL). A `null` stays `null` (it says nothing).

use std::borrow::Cow;
use std::collections::hash_map::Entry::Vacant;
use std::collections::HashMap;

use data_encoding::BASE64;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::Entry;
use crate::support::crypto::{self, Secret32, NONCE_BYTES};
use crate::support::error::{Error, Result};

/// The staff free-text fields sealed in every entry about a client (top-level keys of the
/// body). Keep every such field name here, and only here.
pub const FIELDS: &[&str] = &["reason", "purpose_text", "justification", "advice", "recipient_name", "note"];

/// Events whose free text is not about one client and stays plain: the purge's tombstone
/// (its reason is the purge's, given once for every case it deletes, and is written after
/// the client's key is gone).
pub const PLAIN_EVENTS: &[&str] = &["case_purged"];

/// What a sealed field reads as once its client's key has been destroyed.
pub const ERASED: &str = "[erased with the case]";

/// What a sealed field reads as when its key exists but it does not open (it was altered,
/// or moved from another client's entry): `log verify` names the entry.
pub const UNREADABLE: &str = "[sealed text that does not open]";

fn is_free_text(name: &str) -> bool {
    FIELDS.contains(&name)
}

/// Associated data of one sealed field: the vault, the client and the field's name.
fn aad(vault_id: &str, client: i64, field: &str) -> Vec<u8> {
    let mut out = b"casekeep-log-field-v1\n".to_vec();
    out.extend_from_slice(&(vault_id.len() as u64).to_be_bytes());
    out.extend_from_slice(vault_id.as_bytes());
    out.extend_from_slice(&client.to_be_bytes());
    out.extend_from_slice(field.as_bytes());
    out
}

fn secret(blob: &[u8]) -> Result<Secret32> {
    if blob.len() != 32 {
        return Err(Error::Integrity("a client's log key has the wrong length".into()));
    }
    crypto::secrets_from_payload(blob)?
        .pop()
        .ok_or_else(|| Error::Integrity("a client's log key has the wrong length".into()))
}

/// The client's key (id, key), made now if the client has none yet.
fn key_for(conn: &Connection, client: i64) -> Result<(i64, Secret32)> {
    let row: Option<(i64, Zeroizing<Vec<u8>>)> = conn
        .query_row("SELECT id, key FROM client_keys WHERE client_id = ?1", [client], |r| {
            Ok((r.get(0)?, Zeroizing::new(r.get(1)?)))
        })
        .optional()?;
    if let Some((id, blob)) = row {
        return Ok((id, secret(&blob)?));
    }
    let exists = conn.query_row("SELECT 1 FROM clients WHERE id = ?1", [client], |_| Ok(())).optional()?;
    if exists.is_none() {
        return Err(Error::invalid(
            "a log entry with free text names a client who is not in the vault; it was not written",
        ));
    }
    let key = crypto::make_secret()?;
    conn.execute(
        "INSERT INTO client_keys (client_id, key, created_at) VALUES (?1, ?2, ?3)",
        params![client, key.expose().as_slice(), super::now()],
    )?;
    Ok((conn.last_insert_rowid(), key))
}

/// The body as it is to be stored: for an entry about a client, each free-text field in
/// [`FIELDS`] replaced by `{"sealed": base64(nonce ‖ ciphertext), "key": key id}`.
pub(crate) fn seal<'a>(
    conn: &Connection,
    vault_id: &str,
    event: &str,
    client_id: Option<i64>,
    body: &'a Value,
) -> Result<Cow<'a, Value>> {
    let Some(client) = client_id.filter(|_| !PLAIN_EVENTS.contains(&event)) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(fields) = body.as_object() else { return Ok(Cow::Borrowed(body)) };
    if !fields.iter().any(|(name, v)| is_free_text(name) && !v.is_null()) {
        return Ok(Cow::Borrowed(body));
    }
    let (key_id, key) = key_for(conn, client)?;
    let mut out = fields.clone();
    for (name, v) in out.iter_mut() {
        if !is_free_text(name) || v.is_null() {
            continue;
        }
        let plain = Zeroizing::new(
            serde_json::to_vec(v).map_err(|_| Error::Storage("could not encode a log entry".into()))?,
        );
        let (nonce, ciphertext) = crypto::seal(&key, &aad(vault_id, client, name), &plain)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        *v = json!({ "sealed": BASE64.encode(&blob), "key": key_id });
    }
    Ok(Cow::Owned(Value::Object(out)))
}

/// A sealed field's parts (base64 text, key id), or None for a plain value.
fn sealed_parts(v: &Value) -> Option<(&str, i64)> {
    let o = v.as_object().filter(|o| o.len() == 2)?;
    Some((o.get("sealed")?.as_str()?, o.get("key")?.as_i64()?))
}

fn open_one(key: &Secret32, aad: &[u8], sealed: &str) -> Option<Value> {
    let blob = BASE64.decode(sealed.as_bytes()).ok()?;
    let (nonce, ciphertext) = blob.split_at_checked(NONCE_BYTES)?;
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
    let plain = crypto::open(key, aad, &nonce, ciphertext)?;
    serde_json::from_slice(&plain).ok()
}

/// A key by its id: (client id, key), or None once destroyed.
fn load_key(conn: &Connection, key_id: i64) -> Result<Option<(i64, Secret32)>> {
    let row: Option<(i64, Zeroizing<Vec<u8>>)> = conn
        .query_row("SELECT client_id, key FROM client_keys WHERE id = ?1", [key_id], |r| {
            Ok((r.get(0)?, Zeroizing::new(r.get(1)?)))
        })
        .optional()?;
    row.map(|(client, blob)| Ok((client, secret(&blob)?))).transpose()
}

/// Opens the sealed fields of entries read from the log, in place: the text while the
/// client's key exists, [`ERASED`] after it was destroyed, [`UNREADABLE`] when it does
/// not open.
pub(crate) fn open_entries(conn: &Connection, entries: &mut [Entry]) -> Result<()> {
    let mut vault_id: Option<String> = None;
    let mut keys: HashMap<i64, Option<(i64, Secret32)>> = HashMap::new();
    for e in entries.iter_mut() {
        let Some(client) = e.client_id else { continue };
        let Some(fields) = e.body.as_object_mut() else { continue };
        for (name, v) in fields.iter_mut() {
            if !is_free_text(name) {
                continue;
            }
            let Some((sealed, key_id)) = sealed_parts(v) else { continue };
            if vault_id.is_none() {
                vault_id =
                    Some(conn.query_row("SELECT value FROM meta WHERE key = 'vault_id'", [], |r| r.get(0))?);
            }
            if let Vacant(slot) = keys.entry(key_id) {
                slot.insert(load_key(conn, key_id)?);
            }
            let unreadable = || Value::String(UNREADABLE.into());
            let opened = match keys.get(&key_id).and_then(Option::as_ref) {
                None => Value::String(ERASED.into()),
                Some((owner, key)) if *owner == client => {
                    let aad = aad(vault_id.as_deref().unwrap_or_default(), client, name);
                    open_one(key, &aad, sealed).unwrap_or_else(unreadable)
                }
                Some(_) => unreadable(),
            };
            *v = opened;
        }
    }
    Ok(())
}

/// Opens the sealed fields of one stored body about `client_id` in place (as
/// [`open_entries`] does for listed entries), for code that reads an entry's body itself.
pub(crate) fn open_body(conn: &Connection, client_id: Option<i64>, body: &mut Value) -> Result<()> {
    let mut one = [Entry {
        seq: 0,
        at: String::new(),
        kind: String::new(),
        event: String::new(),
        actor: None,
        client_id,
        body: std::mem::take(body),
        hash: String::new(),
    }];
    let opened = open_entries(conn, &mut one);
    let [e] = one;
    *body = e.body;
    opened
}

/// Destroys a client's key (a purge, inside its transaction): every field sealed under it
/// is unreadable from then on. True when there was a key.
pub(crate) fn destroy_key(conn: &Connection, client: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM client_keys WHERE client_id = ?1", [client])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE clients (id INTEGER PRIMARY KEY);
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO clients (id) VALUES (1), (2);
             INSERT INTO meta (key, value) VALUES ('vault_id', 'vault-one');",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0007_client_keys.sql")).unwrap();
        conn
    }

    fn entry(client: Option<i64>, body: Value) -> Entry {
        Entry {
            seq: 1,
            at: String::new(),
            kind: "decision".into(),
            event: "decline".into(),
            actor: None,
            client_id: client,
            body,
            hash: String::new(),
        }
    }

    fn read(conn: &Connection, client: i64, body: Value) -> Value {
        let mut e = [entry(Some(client), body)];
        open_entries(conn, &mut e).unwrap();
        let [e] = e;
        e.body
    }

    #[test]
    fn a_sealed_field_opens_only_for_its_vault_client_and_field_name() {
        let conn = db();
        let body =
            json!({ "reason": "Moved to Fernhollow", "advice": "Keep the door locked", "state": "given" });
        let sealed = seal(&conn, "vault-one", "decline", Some(1), &body).unwrap().into_owned();
        assert_eq!(sealed["state"], "given");
        assert!(sealed["reason"]["sealed"].is_string() && sealed["advice"]["sealed"].is_string());
        assert!(!sealed.to_string().contains("Fernhollow"));
        assert_eq!(read(&conn, 1, sealed.clone()), body);

        // Under another field's name, for another client: it does not open.
        let mut swapped = sealed.clone();
        swapped["advice"] = sealed["reason"].clone();
        assert_eq!(read(&conn, 1, swapped)["advice"], UNREADABLE);
        assert_eq!(read(&conn, 2, sealed.clone())["reason"], UNREADABLE);
        // In another vault (the same key copied there): it does not open.
        conn.execute("UPDATE meta SET value = 'vault-two' WHERE key = 'vault_id'", []).unwrap();
        assert_eq!(read(&conn, 1, sealed.clone())["reason"], UNREADABLE);
        conn.execute("UPDATE meta SET value = 'vault-one' WHERE key = 'vault_id'", []).unwrap();

        // A second entry uses the same key; destroyed, both read as erased.
        let second = json!({ "reason": "x" });
        let again = seal(&conn, "vault-one", "consent_recorded", Some(1), &second).unwrap();
        assert_eq!(again["reason"]["key"], sealed["reason"]["key"]);
        assert!(destroy_key(&conn, 1).unwrap());
        assert!(!destroy_key(&conn, 1).unwrap());
        assert_eq!(read(&conn, 1, sealed)["reason"], ERASED);
        assert_eq!(read(&conn, 1, again.into_owned())["reason"], ERASED);
    }

    #[test]
    fn bodies_without_a_client_free_text_or_with_a_plain_event_are_left_as_they_are() {
        let conn = db();
        let body = json!({ "reason": "Annual review", "purpose_text": null });
        for (event, client) in [("settings_changed", None), ("case_purged", Some(1))] {
            assert!(matches!(seal(&conn, "vault-one", event, client, &body).unwrap(), Cow::Borrowed(_)));
        }
        let no_text = json!({ "read": "summary", "purpose_text": null });
        assert!(matches!(
            seal(&conn, "vault-one", "client_viewed", Some(1), &no_text).unwrap(),
            Cow::Borrowed(_)
        ));
        let keys: i64 = conn.query_row("SELECT count(*) FROM client_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(keys, 0, "no key is made when nothing is sealed");
        // A plain value (an entry written before sealing) reads as written.
        assert_eq!(read(&conn, 1, body.clone()), body);
    }
}
