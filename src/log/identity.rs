//! Who may sign what, rebuilt from the signed log alone.
//!
//! Users, their roles, their public keys (an Ed25519 signing key and an X25519
//! key-agreement key each), key retirements, removals and the recovery key's public keys
//! are all signed log entries. The first entry, `vault_created`, is signed by the first
//! manager's first key: the **root**, pinned in every user's key slot (as authenticated
//! data), in every export and in every backup. From there each key is certified by an
//! entry someone entitled to certify it signed:
//!
//! | entry | signed by | does |
//! |---|---|---|
//! | `vault_created` (entry 1 only) | the root key it names | first manager, recovery key |
//! | `user_added` | a manager's current key | new user, role, first keys |
//! | `passphrase_changed` | the user's own current key | the user's next keys; the old retire |
//! | `passphrase_reset_with_recovery_key` | the recovery key's current key | the user's next keys |
//! | `user_removed` | a manager's current key (never the last manager) | the user's keys retire |
//! | `recovery_key_replaced` | a manager's current key | the next recovery keys |
//!
//! Every other entry must be signed by its author's current key, the author not removed;
//! the events only a manager may write ([`MANAGER_EVENTS`]) by a manager. [`Identities::admit`]
//! applies these rules one entry at a time, in log order; `log verify` runs it over the
//! whole log and every unlock over the identity entries (see `vault.rs`). The `users` and
//! `user_keys` tables are caches of this state, rewritten from it at unlock: editing them
//! grants nothing.

use std::collections::HashMap;

use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use serde_json::json;

// A member's role; who holds which is the log's to say (`user_added`, by a manager).
word_enum!(Role, "the role" {
    Manager => "manager",
    Caseworker => "caseworker",
});

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// A user name: lower-case letters, digits, '.', '_' and '-', starting with a letter.
pub fn normalise_user_name(name: &str) -> Option<String> {
    let n = name.trim().to_lowercase();
    let ok = (1..=64).contains(&n.len())
        && n.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    ok.then_some(n)
}

/// The audit events that change who may sign what.
pub const IDENTITY_EVENTS: &[&str] = &[
    "vault_created",
    "user_added",
    "passphrase_changed",
    "passphrase_reset_with_recovery_key",
    "user_removed",
    "recovery_key_replaced",
];

/// Events only a manager may write (checked by `log verify`, whatever the tables say).
pub const MANAGER_EVENTS: &[&str] = &[
    "user_added",
    "user_removed",
    "recovery_key_replaced",
    "legal_hold_set",
    "legal_hold_released",
    "case_purged",
    "settings_changed",
    "agency_set",
    "approval",
    "share_request_approved",
    "share_request_rejected",
    "enquiry_alert_reviewed",
    "switchboard_changed",
];

/// Whose key a key is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Owner {
    User(i64),
    Recovery,
}

/// A certified key pair's public halves.
#[derive(Clone, Debug)]
pub struct KeyInfo {
    pub owner: Owner,
    pub signing: [u8; 32],
    pub kem: [u8; 32],
    pub retired: bool,
}

/// A user as the log says they are now.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub key_id: i64,
    pub removed: bool,
}

/// The fields of one log entry the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub seq: i64,
    pub kind: &'a str,
    pub event: &'a str,
    pub actor_id: Option<i64>,
    pub key_id: i64,
    pub body: &'a str,
}

impl EntryRef<'_> {
    pub fn is_identity(&self) -> bool {
        self.kind == "audit" && IDENTITY_EVENTS.contains(&self.event)
    }
}

/// Public keys as they appear in identity entries (hex).
#[derive(Deserialize)]
struct NewKeys {
    key_id: i64,
    signing_key: String,
    kem_key: String,
}

#[derive(Deserialize)]
struct Created {
    first_manager: String,
    user_id: i64,
    #[serde(flatten)]
    keys: NewKeys,
    recovery: NewKeys,
}

#[derive(Deserialize)]
struct Added {
    user: String,
    user_id: i64,
    role: Role,
    #[serde(flatten)]
    keys: NewKeys,
}

#[derive(Deserialize)]
struct Rekeyed {
    user_id: i64,
    #[serde(flatten)]
    keys: NewKeys,
}

#[derive(Deserialize)]
struct Removed {
    user_id: i64,
}

fn key32(hex: &str) -> Result<[u8; 32], String> {
    HEXLOWER
        .decode(hex.as_bytes())
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
        .ok_or_else(|| "it certifies a public key that is not 32 bytes of lower-case hex".to_string())
}

fn parse<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|_| "its body is not a well-formed identity entry".to_string())
}

/// The state the rules build, entry by entry.
#[derive(Clone, Debug, Default)]
pub struct Identities {
    root: Option<[u8; 32]>,
    members: Vec<Member>,
    keys: HashMap<i64, KeyInfo>,
    recovery_key: Option<i64>,
}

impl Identities {
    /// The root public key (the signer of `vault_created`), once entry 1 was admitted.
    pub fn root(&self) -> Option<&[u8; 32]> {
        self.root.as_ref()
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Users not removed, as the rest of the code sees them.
    pub fn users(&self) -> Vec<User> {
        self.members
            .iter()
            .filter(|m| !m.removed)
            .map(|m| User { id: m.id, name: m.name.clone(), role: m.role })
            .collect()
    }

    pub fn member_named(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    pub fn member(&self, id: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    pub fn key(&self, key_id: i64) -> Option<&KeyInfo> {
        self.keys.get(&key_id)
    }

    /// The recovery key's current key id and public keys.
    pub fn recovery(&self) -> Option<(i64, &KeyInfo)> {
        let id = self.recovery_key?;
        self.keys.get(&id).map(|k| (id, k))
    }

    /// A key id never used before (the next after the largest).
    pub fn next_key_id(&self) -> i64 {
        self.keys.keys().copied().max().unwrap_or(0) + 1
    }

    pub fn next_user_id(&self) -> i64 {
        self.members.iter().map(|m| m.id).max().unwrap_or(0) + 1
    }

    /// Everyone the vault key must be wrapped to now: each current user's key-agreement
    /// key and the recovery key's, sorted.
    pub fn recipients(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = self
            .members
            .iter()
            .filter(|m| !m.removed)
            .filter_map(|m| self.keys.get(&m.key_id).map(|k| k.kem))
            .chain(self.recovery().map(|(_, k)| k.kem))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn managers(&self) -> usize {
        self.members.iter().filter(|m| !m.removed && m.role == Role::Manager).count()
    }

    fn is_manager(&self, id: Option<i64>) -> bool {
        id.and_then(|i| self.member(i)).is_some_and(|m| !m.removed && m.role == Role::Manager)
    }

    fn certify(&mut self, owner: Owner, k: &NewKeys) -> Result<(), String> {
        if k.key_id <= 0 || self.keys.contains_key(&k.key_id) {
            return Err("it certifies a key under an id already used".into());
        }
        let signing = key32(&k.signing_key)?;
        let kem = key32(&k.kem_key)?;
        if self.keys.values().any(|o| o.signing == signing || o.kem == kem) {
            return Err("it certifies a public key already certified before".into());
        }
        self.keys.insert(k.key_id, KeyInfo { owner, signing, kem, retired: false });
        Ok(())
    }

    fn retire(&mut self, key_id: i64) {
        if let Some(k) = self.keys.get_mut(&key_id) {
            k.retired = true;
        }
    }

    /// Checks that `e` may stand where it is — signed by a key valid for its author at this
    /// point, the author allowed to write it — and applies it if it changes identities.
    /// Returns the public key its signature must verify under (the caller checks the
    /// signature), or the problem, worded for `log verify`.
    pub fn admit(&mut self, e: &EntryRef<'_>) -> Result<[u8; 32], String> {
        let Some(_) = self.root else { return self.admit_first(e) };
        if e.event == "vault_created" {
            return Err("a second vault_created entry (a vault is created once)".into());
        }
        let key = self
            .keys
            .get(&e.key_id)
            .cloned()
            .ok_or("it is signed with a key no entry before it certified (an uncertified key)")?;
        if key.retired {
            return Err("it is signed with a key retired before it".into());
        }
        match key.owner {
            Owner::User(owner) => {
                if Some(owner) != e.actor_id {
                    return Err("it is signed with a key that does not belong to its author".into());
                }
                if self.member(owner).is_none_or(|m| m.removed) {
                    return Err("its author had been removed from the vault".into());
                }
            }
            Owner::Recovery => {
                if !(e.kind == "audit" && e.event == "passphrase_reset_with_recovery_key") {
                    return Err("the recovery key signed something other than a passphrase reset".into());
                }
            }
        }
        if MANAGER_EVENTS.contains(&e.event) && !self.is_manager(e.actor_id) {
            return Err(format!(
                "its author was not a manager (as the log records roles) when it was written, and {} is a manager's act",
                e.event
            ));
        }
        if e.is_identity() {
            self.apply(e, key.owner)?;
        }
        Ok(key.signing)
    }

    fn admit_first(&mut self, e: &EntryRef<'_>) -> Result<[u8; 32], String> {
        if e.seq != 1 || e.kind != "audit" || e.event != "vault_created" {
            return Err("the log does not begin with the vault's creation".into());
        }
        let c: Created = parse(e.body)?;
        let name = normalise_user_name(&c.first_manager)
            .filter(|n| *n == c.first_manager)
            .ok_or("it names a first manager whose name is not valid")?;
        if e.actor_id != Some(c.user_id) || e.key_id != c.keys.key_id || c.user_id <= 0 {
            return Err("it is not signed by the first manager's key it certifies".into());
        }
        self.certify(Owner::User(c.user_id), &c.keys)?;
        self.certify(Owner::Recovery, &c.recovery)?;
        self.recovery_key = Some(c.recovery.key_id);
        self.members.push(Member {
            id: c.user_id,
            name,
            role: Role::Manager,
            key_id: c.keys.key_id,
            removed: false,
        });
        let root = key32(&c.keys.signing_key)?;
        self.root = Some(root);
        Ok(root)
    }

    fn apply(&mut self, e: &EntryRef<'_>, signer: Owner) -> Result<(), String> {
        match e.event {
            "user_added" => {
                let a: Added = parse(e.body)?;
                let name = normalise_user_name(&a.user)
                    .filter(|n| *n == a.user)
                    .ok_or("it adds a user whose name is not valid")?;
                if a.user_id <= 0 || self.member(a.user_id).is_some() {
                    return Err("it adds a user under an id already used".into());
                }
                if self.member_named(&name).is_some() {
                    return Err("it adds a user whose name was already used".into());
                }
                self.certify(Owner::User(a.user_id), &a.keys)?;
                self.members.push(Member {
                    id: a.user_id,
                    name,
                    role: a.role,
                    key_id: a.keys.key_id,
                    removed: false,
                });
            }
            "passphrase_changed" | "passphrase_reset_with_recovery_key" => {
                let r: Rekeyed = parse(e.body)?;
                let by_recovery = e.event == "passphrase_reset_with_recovery_key";
                let expected = if by_recovery { Owner::Recovery } else { Owner::User(r.user_id) };
                if signer != expected || e.actor_id != Some(r.user_id) {
                    return Err(if by_recovery {
                        "a passphrase reset not signed by the recovery key".into()
                    } else {
                        "a user's new key not certified by their own previous key".into()
                    });
                }
                let old = match self.member(r.user_id) {
                    Some(m) if !m.removed => m.key_id,
                    _ => return Err("it gives new keys to a user who is not in the vault".into()),
                };
                self.certify(Owner::User(r.user_id), &r.keys)?;
                self.retire(old);
                if let Some(m) = self.members.iter_mut().find(|m| m.id == r.user_id) {
                    m.key_id = r.keys.key_id;
                }
            }
            "user_removed" => {
                let r: Removed = parse(e.body)?;
                if e.actor_id == Some(r.user_id) {
                    return Err("a user removed themself".into());
                }
                let (key_id, role) = match self.member(r.user_id) {
                    Some(m) if !m.removed => (m.key_id, m.role),
                    _ => return Err("it removes a user who is not in the vault".into()),
                };
                if role == Role::Manager && self.managers() <= 1 {
                    return Err("it removes the last manager".into());
                }
                self.retire(key_id);
                if let Some(m) = self.members.iter_mut().find(|m| m.id == r.user_id) {
                    m.removed = true;
                }
            }
            "recovery_key_replaced" => {
                let k: NewKeys = parse(e.body)?;
                self.certify(Owner::Recovery, &k)?;
                if let Some(old) = self.recovery_key.replace(k.key_id) {
                    self.retire(old);
                }
            }
            _ => return Err("an identity entry of an unknown kind".into()),
        }
        Ok(())
    }
}

/// The body of an entry that certifies keys: `{"key_id", "signing_key", "kem_key"}` and
/// the entry's other fields (`with`).
pub fn keys_body(key_id: i64, signing: &[u8], kem: &[u8], with: serde_json::Value) -> serde_json::Value {
    let mut body = match with {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    body.insert("key_id".into(), json!(key_id));
    body.insert("signing_key".into(), json!(HEXLOWER.encode(signing)));
    body.insert("kem_key".into(), json!(HEXLOWER.encode(kem)));
    serde_json::Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: u8) -> String {
        HEXLOWER.encode(&[b; 32])
    }

    fn entry<'a>(seq: i64, event: &'a str, actor: i64, key: i64, body: &'a str) -> EntryRef<'a> {
        EntryRef { seq, kind: "audit", event, actor_id: Some(actor), key_id: key, body }
    }

    fn created() -> String {
        json!({"first_manager": "mo", "user_id": 1, "key_id": 1, "signing_key": hex(1), "kem_key": hex(2),
               "recovery": {"key_id": 2, "signing_key": hex(3), "kem_key": hex(4)}})
        .to_string()
    }

    fn added(name: &str, id: i64, role: &str, key: i64, b: u8) -> String {
        json!({"user": name, "user_id": id, "role": role, "key_id": key, "signing_key": hex(b), "kem_key": hex(b + 100)})
            .to_string()
    }

    #[test]
    fn the_rules_follow_the_log_not_the_tables() {
        let mut ids = Identities::default();
        let c = created();
        assert_eq!(ids.admit(&entry(1, "vault_created", 1, 1, &c)), Ok([1; 32]));
        // A caseworker added by the manager may sign with her key.
        let a = added("cara", 2, "caseworker", 3, 10);
        assert!(ids.admit(&entry(2, "user_added", 1, 1, &a)).is_ok());
        assert_eq!(ids.admit(&entry(3, "note", 2, 3, "{}")), Ok([10; 32]));
        // She cannot add a user, nor sign with the manager's key, nor with an unknown one.
        let b = added("bob", 3, "manager", 4, 20);
        assert!(ids.admit(&entry(4, "user_added", 2, 3, &b)).is_err());
        assert!(ids.admit(&entry(4, "note", 2, 1, "{}")).is_err());
        assert!(ids.admit(&entry(4, "note", 2, 9, "{}")).is_err());
        assert!(ids.admit(&entry(4, "case_purged", 2, 3, "{}")).is_err());
        // Her passphrase change retires her old key.
        let r = json!({"user_id": 2, "key_id": 5, "signing_key": hex(30), "kem_key": hex(31)}).to_string();
        assert!(ids.admit(&entry(4, "passphrase_changed", 2, 3, &r)).is_ok());
        assert!(ids.admit(&entry(5, "note", 2, 3, "{}")).is_err());
        assert_eq!(ids.admit(&entry(5, "note", 2, 5, "{}")), Ok([30; 32]));
        // The manager cannot certify a key for her (a passphrase change is her own act).
        let forged =
            json!({"user_id": 2, "key_id": 6, "signing_key": hex(40), "kem_key": hex(41)}).to_string();
        assert!(ids.admit(&entry(6, "passphrase_changed", 1, 1, &forged)).is_err());
        // Removal: then nothing she signs stands; the last manager cannot be removed.
        let rm = json!({"user_id": 2}).to_string();
        assert!(ids.admit(&entry(6, "user_removed", 1, 1, &rm)).is_ok());
        assert!(ids.admit(&entry(7, "note", 2, 5, "{}")).is_err());
        let rm_self = json!({"user_id": 1}).to_string();
        assert!(ids.admit(&entry(7, "user_removed", 1, 1, &rm_self)).is_err());
        assert_eq!(ids.recipients(), vec![[2; 32], [4; 32]]);
        assert_eq!(ids.users().len(), 1);
    }

    #[test]
    fn the_recovery_key_signs_only_resets() {
        let mut ids = Identities::default();
        let c = created();
        assert!(ids.admit(&entry(1, "vault_created", 1, 1, &c)).is_ok());
        assert!(ids.admit(&entry(2, "note", 1, 2, "{}")).is_err());
        let r = json!({"user_id": 1, "key_id": 3, "signing_key": hex(50), "kem_key": hex(51)}).to_string();
        assert_eq!(ids.admit(&entry(2, "passphrase_reset_with_recovery_key", 1, 2, &r)), Ok([3; 32]));
        assert!(ids.admit(&entry(3, "note", 1, 1, "{}")).is_err(), "the old key still signs");
        assert!(ids.admit(&entry(3, "note", 1, 3, "{}")).is_ok());
    }

    #[test]
    fn a_log_that_does_not_begin_with_creation_is_refused() {
        let mut ids = Identities::default();
        assert!(ids.admit(&entry(1, "note", 1, 1, "{}")).is_err());
        let c = created();
        assert!(ids.admit(&entry(2, "vault_created", 1, 1, &c)).is_err());
        assert!(ids.admit(&entry(1, "vault_created", 1, 2, &c)).is_err());
    }
}
