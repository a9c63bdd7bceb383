//! Key slots: each user's private keys, wrapped by their passphrase, in small files beside
//! the database (`slots/<id>.slot`), each with its [`Anchor`] (`slots/<id>.seen`).
//!
//! A user slot's payload is that user's Ed25519 signing seed and X25519 key-agreement
//! seed, so that nobody — not even another user who holds the vault key — can sign as
//! them or open their envelope. Every slot's metadata (vault id, slot id, user, user id,
//! root key, KDF parameters, salt) is bound into the AEAD as associated data: changing any
//! byte of a slot makes it refuse to open. The recovery key has no slot: its key pairs are
//! derived from it ([`RecoveryKey::secrets`]).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use data_encoding::{BASE32_NOPAD, BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::support::crypto::{self, KdfParams, Secret32, NONCE_BYTES};
use crate::support::error::{Error, Result};
use crate::support::fsutil;

pub const SLOT_FORMAT: u64 = 2;
const SLOT_FILE_LIMIT: u64 = 16 * 1024;
const MAX_SLOTS: usize = 1000;

/// A passphrase as typed. Wiped on drop; `Debug` prints nothing.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(s: String) -> Self {
        Passphrase(Zeroizing::new(s))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The rule for a passphrase someone is choosing now (not for unlocking).
    pub fn check_new(&self) -> Result<()> {
        let n = self.0.chars().count();
        if n < 12 {
            return Err(Error::invalid(
                "a new passphrase must be at least 12 characters long (a few unrelated words work well)",
            ));
        }
        if n > 1024 {
            return Err(Error::invalid("a new passphrase must be at most 1024 characters long"));
        }
        if self.0.chars().any(|c| c.is_control()) {
            return Err(Error::invalid("a passphrase may not contain control characters"));
        }
        Ok(())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// The recovery key: 256 random bits, shown once as 11 groups of 5 base32 characters
/// (the last 16 bits are a checksum, so a mistyped key is told apart from a wrong one).
pub struct RecoveryKey(Secret32);

impl RecoveryKey {
    pub fn make() -> Result<Self> {
        Ok(RecoveryKey(crypto::make_secret()?))
    }

    pub fn to_display(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(34));
        bytes.extend_from_slice(self.0.expose());
        let check = crypto::sha256(&[self.0.expose()]);
        bytes.extend_from_slice(check.get(..2).unwrap_or_default());
        let plain = Zeroizing::new(BASE32_NOPAD.encode(&bytes));
        let mut out = Zeroizing::new(String::with_capacity(66));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 5 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    pub fn parse(text: &str) -> Result<Self> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\n' | '\r'))
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let bytes = Zeroizing::new(BASE32_NOPAD.decode(cleaned.as_bytes()).map_err(|_| {
            Error::invalid(
                "the recovery key is not in the form it was given in (groups of letters A–Z and digits 2–7)",
            )
        })?);
        if bytes.len() != 34 {
            return Err(Error::invalid("the recovery key has the wrong length"));
        }
        let (key, check) = bytes.split_at(32);
        if crypto::sha256(&[key]).get(..2) != Some(check) {
            return Err(Error::invalid(
                "the recovery key has a typing mistake (its checksum does not match)",
            ));
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(key);
        let secret = crypto::secrets_from_payload(k.as_ref())?.pop().ok_or(Error::Crypto("recovery key"))?;
        Ok(RecoveryKey(secret))
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

/// A user's key slot as stored (JSON). Nothing in it is secret on its own: the payload is
/// the user's Ed25519 signing seed and X25519 key-agreement seed, sealed under a key
/// derived from their passphrase. The vault key is not in it: it is wrapped to the user's
/// public key in `envelopes.json` (see `envelopes.rs`), so it can be rotated without
/// anyone's passphrase. The root public key of the vault's log is pinned here, bound into
/// the AEAD with everything else: a database whose log begins with another root is refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub format: u64,
    pub slot_id: String,
    pub user: String,
    pub user_id: i64,
    /// The log's root public key (hex).
    pub root: String,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

/// What a user slot holds once opened.
#[derive(Debug)]
pub struct UserSecrets {
    pub signing_seed: Secret32,
    pub kem_seed: Secret32,
}

impl UserSecrets {
    pub fn make() -> Result<Self> {
        Ok(UserSecrets { signing_seed: crypto::make_secret()?, kem_seed: crypto::make_secret()? })
    }

    pub fn signing_public(&self) -> Result<Vec<u8>> {
        crypto::derive_public_key(&self.signing_seed)
    }

    pub fn kem_public(&self) -> [u8; 32] {
        crypto::derive_kem_public(&self.kem_seed)
    }

    /// The key that authenticates this user's [`Anchor`].
    pub fn anchor_key(&self) -> Result<Secret32> {
        crypto::derive_subkey(&self.kem_seed, b"casekeep/anchor/v1")
    }

    pub fn duplicate(&self) -> Self {
        UserSecrets { signing_seed: self.signing_seed.duplicate(), kem_seed: self.kem_seed.duplicate() }
    }
}

impl RecoveryKey {
    /// The recovery key's own key pairs (derived, so nothing about it is stored): it signs
    /// passphrase resets and the vault key is wrapped to its key-agreement key.
    pub fn secrets(&self) -> Result<UserSecrets> {
        Ok(UserSecrets {
            signing_seed: crypto::derive_subkey(&self.0, b"casekeep/recovery-signing/v1")?,
            kem_seed: crypto::derive_subkey(&self.0, b"casekeep/recovery-kem/v1")?,
        })
    }
}

impl Slot {
    fn aad(&self, vault_id: &str) -> Vec<u8> {
        format!(
            "casekeep-slot-v{}\0{}\0{}\0{}\0{}\0{}\0{}/{}/{}\0{}",
            self.format,
            vault_id,
            self.slot_id,
            self.user,
            self.user_id,
            self.root,
            self.kdf.m_kib,
            self.kdf.t,
            self.kdf.p,
            self.salt
        )
        .into_bytes()
    }

    fn decode_parts(&self) -> Result<(Vec<u8>, [u8; NONCE_BYTES], Vec<u8>)> {
        let bad = || Error::Integrity("a key slot file is malformed".into());
        let salt = BASE64.decode(self.salt.as_bytes()).map_err(|_| bad())?;
        let nonce_v = BASE64.decode(self.nonce.as_bytes()).map_err(|_| bad())?;
        let sealed = BASE64.decode(self.sealed.as_bytes()).map_err(|_| bad())?;
        let nonce: [u8; NONCE_BYTES] = nonce_v.as_slice().try_into().map_err(|_| bad())?;
        if salt.len() != 16 || sealed.len() > 256 {
            return Err(bad());
        }
        Ok((salt, nonce, sealed))
    }

    fn validate(&self) -> Result<()> {
        if self.format > SLOT_FORMAT {
            return Err(Error::TooNew {
                what: "key slot format",
                found: self.format,
                supported: SLOT_FORMAT,
            });
        }
        if self.format < SLOT_FORMAT {
            return Err(Error::Integrity(
                "a key slot was made by an earlier development version of Casekeep, whose vaults this build does not open".into(),
            ));
        }
        let ok_id = self.slot_id.len() == 16 && self.slot_id.bytes().all(|b| b.is_ascii_hexdigit());
        let ok_root =
            self.root.len() == 64 && self.root.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !ok_id || !ok_root || self.user_id <= 0 {
            return Err(Error::Integrity("a key slot file is malformed".into()));
        }
        self.kdf.check()?;
        self.decode_parts().map(|_| ())
    }

    pub fn parse(bytes: &[u8]) -> Result<Slot> {
        let slot: Slot = serde_json::from_slice(bytes)
            .map_err(|_| Error::Integrity("a key slot file is malformed".into()))?;
        slot.validate()?;
        Ok(slot)
    }

    /// Opens a user slot with a passphrase; `None` on any mismatch.
    pub fn open_user(&self, vault_id: &str, passphrase: &Passphrase) -> Result<Option<UserSecrets>> {
        let (salt, nonce, sealed) = self.decode_parts()?;
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, &self.kdf)?;
        let wrap = crypto::derive_subkey(&master, b"casekeep/user-slot/v2")?;
        let Some(payload) = crypto::open(&wrap, &self.aad(vault_id), &nonce, &sealed) else {
            return Ok(None);
        };
        let mut secrets = crypto::secrets_from_payload(&payload)?;
        if secrets.len() != 2 {
            return Err(Error::Integrity("a key slot's payload has the wrong length".into()));
        }
        let kem_seed = secrets.pop().ok_or(Error::Crypto("slot"))?;
        let signing_seed = secrets.pop().ok_or(Error::Crypto("slot"))?;
        Ok(Some(UserSecrets { signing_seed, kem_seed }))
    }

    /// Spends the same effort as opening a user slot, for a user name that has none, so
    /// that timing does not tell an unknown user from a wrong passphrase.
    pub fn decoy_effort(kdf: &KdfParams, passphrase: &Passphrase) -> Result<()> {
        let salt = [0u8; 16];
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, kdf)?;
        let _ = crypto::derive_subkey(&master, b"casekeep/user-slot/v2")?;
        Ok(())
    }

    /// The root public key this slot pins.
    pub fn root(&self) -> Result<[u8; 32]> {
        HEXLOWER
            .decode(self.root.as_bytes())
            .ok()
            .and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
            .ok_or_else(|| Error::Integrity("a key slot file is malformed".into()))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn make_user(
        vault_id: &str,
        slot_id: Option<String>,
        user: &str,
        user_id: i64,
        root: &[u8],
        passphrase: &Passphrase,
        kdf: KdfParams,
        secrets: &UserSecrets,
    ) -> Result<Slot> {
        let salt = crypto::make_random_bytes::<16>()?;
        let mut slot = Slot {
            format: SLOT_FORMAT,
            slot_id: match slot_id {
                Some(id) => id,
                None => HEXLOWER.encode(&crypto::make_random_bytes::<8>()?),
            },
            user: user.to_string(),
            user_id,
            root: HEXLOWER.encode(root),
            kdf,
            salt: BASE64.encode(&salt),
            nonce: String::new(),
            sealed: String::new(),
        };
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, &kdf)?;
        let wrap = crypto::derive_subkey(&master, b"casekeep/user-slot/v2")?;
        let mut payload = Zeroizing::new(Vec::with_capacity(64));
        payload.extend_from_slice(secrets.signing_seed.expose());
        payload.extend_from_slice(secrets.kem_seed.expose());
        let (nonce, sealed) = crypto::seal(&wrap, &slot.aad(vault_id), &payload)?;
        slot.nonce = BASE64.encode(&nonce);
        slot.sealed = BASE64.encode(&sealed);
        Ok(slot)
    }

    fn file_name(&self) -> String {
        format!("{}.slot", self.slot_id)
    }

    fn anchor_file_name(&self) -> String {
        format!("{}.seen", self.slot_id)
    }
}

/// The furthest point of the log a user has seen: entry `seq` with hash `head`, kept beside
/// their slot (`<slot id>.seen`) and authenticated with a key only their slot's secrets
/// give (HMAC-SHA-256). Another user can delete or replace the file but cannot write one
/// that checks; a missing or failing anchor refuses the unlock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub seq: i64,
    pub head: String,
    pub mac: String,
}

/// The anchor file: at most a few anchors (see [`SlotDir::write_anchor`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorFile {
    anchors: Vec<Anchor>,
}

impl Anchor {
    fn message(vault_id: &str, slot_id: &str, seq: i64, head: &str) -> Vec<u8> {
        format!("casekeep-anchor-v1\0{vault_id}\0{slot_id}\0{seq}\0{head}").into_bytes()
    }

    pub fn make(vault_id: &str, slot: &Slot, key: &Secret32, seq: i64, head: &str) -> Anchor {
        let mac = crypto::derive_tag(key.expose(), &Self::message(vault_id, &slot.slot_id, seq, head));
        Anchor { seq, head: head.to_string(), mac: HEXLOWER.encode(&mac) }
    }

    /// True when the anchor was written by the slot's owner for this slot.
    pub fn checks(&self, vault_id: &str, slot: &Slot, key: &Secret32) -> bool {
        HEXLOWER.decode(self.mac.as_bytes()).is_ok_and(|mac| {
            crypto::verify_tag(
                key.expose(),
                &Self::message(vault_id, &slot.slot_id, self.seq, &self.head),
                &mac,
            )
        })
    }
}

/// The `slots/` directory of a vault.
#[derive(Debug, Clone)]
pub struct SlotDir(PathBuf);

impl SlotDir {
    pub fn new(vault_dir: &Path) -> Self {
        SlotDir(vault_dir.join("slots"))
    }

    pub fn create(&self) -> Result<()> {
        fsutil::create_private_dir(&self.0)
    }

    /// Writes (or atomically replaces) one slot file.
    pub fn write(&self, slot: &Slot) -> Result<()> {
        let json =
            serde_json::to_vec_pretty(slot).map_err(|_| Error::Crypto("could not encode a key slot"))?;
        fsutil::write_atomic(&self.0.join(slot.file_name()), &json)
    }

    /// Reads every slot file. A damaged, oversized or duplicated slot is set aside (and
    /// named in `problems`) so that it refuses only its own user, not the whole vault.
    pub fn scan(&self) -> Result<SlotScan> {
        let mut slots: Vec<Slot> = Vec::new();
        let mut problems = Vec::new();
        let entries = fs::read_dir(&self.0).map_err(|_| Error::NoVault)?;
        let mut seen = 0usize;
        for entry in entries {
            let entry = entry.map_err(Error::io("list the key slots"))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !name.ends_with(".slot") {
                continue;
            }
            seen += 1;
            if seen > MAX_SLOTS {
                return Err(Error::Integrity("the vault has more key slots than Casekeep accepts".into()));
            }
            let parsed = fsutil::read_bounded(&entry.path(), SLOT_FILE_LIMIT, "key slot file")
                .map_err(|_| Error::Integrity("a key slot file is unreadable or too large".into()))
                .and_then(|bytes| Slot::parse(&bytes))
                .and_then(|slot| {
                    if slot.file_name() == name {
                        Ok(slot)
                    } else {
                        Err(Error::Integrity("a key slot file does not match its name".into()))
                    }
                });
            match parsed {
                Ok(slot) => slots.push(slot),
                Err(e) => problems.push(format!("key slot file {name}: {e}")),
            }
        }
        let mut claimed: Vec<String> = slots.iter().map(|s| s.user.clone()).collect();
        claimed.sort_unstable();
        let twice: Vec<String> =
            claimed.windows(2).filter(|w| w.first() == w.get(1)).filter_map(|w| w.first().cloned()).collect();
        if !twice.is_empty() {
            problems
                .push(format!("{} users have more than one key slot; those slots are refused", twice.len()));
            slots.retain(|s| !twice.contains(&s.user));
        }
        Ok(SlotScan { slots, problems })
    }
}

/// The slots that can be used, and what was wrong with the others.
#[derive(Debug)]
pub struct SlotScan {
    pub slots: Vec<Slot>,
    pub problems: Vec<String>,
}

impl SlotDir {
    /// Removes a slot file and its anchor (a removed user's, or a slot whose database
    /// change failed).
    pub fn remove(&self, slot: &Slot) -> Result<()> {
        match fs::remove_file(self.0.join(slot.anchor_file_name())) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::Io { context: "remove a key slot's anchor", source: e })
            }
            _ => {}
        }
        fs::remove_file(self.0.join(slot.file_name())).map_err(Error::io("remove a key slot"))?;
        fsutil::sync_dir(&self.0)
    }

    /// Writes a slot that is to replace `slot.slot_id`'s once its change is committed
    /// (`<id>.next`): a crash between the two leaves both, and an unlock takes whichever
    /// holds the keys the log says are current.
    pub fn write_next(&self, slot: &Slot) -> Result<()> {
        let json =
            serde_json::to_vec_pretty(slot).map_err(|_| Error::Crypto("could not encode a key slot"))?;
        fsutil::write_atomic(&self.0.join(format!("{}.next", slot.slot_id)), &json)
    }

    /// The replacement a change left for the slot `slot_id`, if any (and well-formed).
    pub fn read_next(&self, slot_id: &str) -> Option<Slot> {
        let bytes =
            fsutil::read_bounded(&self.0.join(format!("{slot_id}.next")), SLOT_FILE_LIMIT, "key slot file")
                .ok()?;
        Slot::parse(&bytes).ok().filter(|s| s.slot_id == slot_id)
    }

    /// Puts a committed replacement in its slot's place (an atomic rename).
    pub fn promote_next(&self, slot_id: &str) -> Result<()> {
        fs::rename(self.0.join(format!("{slot_id}.next")), self.0.join(format!("{slot_id}.slot")))
            .map_err(Error::io("replace a key slot"))?;
        fsutil::sync_dir(&self.0)
    }

    /// Drops a replacement whose change never committed.
    pub fn discard_next(&self, slot_id: &str) -> Result<()> {
        match fs::remove_file(self.0.join(format!("{slot_id}.next"))) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::Io { context: "remove an unused key slot", source: e })
            }
            _ => fsutil::sync_dir(&self.0),
        }
    }

    /// Writes (atomically) the anchor file of `slot`: usually one anchor; while the slot's
    /// keys are being replaced, one under the old keys and one under the new, so that
    /// whichever slot a crash leaves finds its own.
    pub fn write_anchor(&self, slot: &Slot, anchors: &[Anchor]) -> Result<()> {
        let json = serde_json::to_vec_pretty(&AnchorFile { anchors: anchors.to_vec() })
            .map_err(|_| Error::Crypto("could not encode an anchor"))?;
        fsutil::write_atomic(&self.0.join(slot.anchor_file_name()), &json)
    }

    /// The anchors of `slot` (none when the file is missing or unreadable).
    pub fn read_anchor(&self, slot: &Slot) -> Vec<Anchor> {
        fsutil::read_bounded(&self.0.join(slot.anchor_file_name()), 4096, "anchor")
            .ok()
            .and_then(|bytes| serde_json::from_slice::<AnchorFile>(&bytes).ok())
            .map(|f| f.anchors)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_key_round_trips_and_detects_typos() -> Result<()> {
        let k = RecoveryKey::make()?;
        let shown = k.to_display();
        assert_eq!(shown.len(), 55 + 10);
        let back = RecoveryKey::parse(&shown.to_lowercase())?;
        assert_eq!(back.0.expose(), k.0.expose());
        // change one character
        let mut typo: Vec<char> = shown.chars().collect();
        typo[3] = if typo[3] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        let err = RecoveryKey::parse(&typo).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("typing mistake"), "{err}");
        assert!(RecoveryKey::parse("ABC").is_err());
        Ok(())
    }

    #[test]
    fn a_slot_with_any_metadata_changed_does_not_open() -> Result<()> {
        let params = KdfParams { m_kib: KdfParams::MIN_M_KIB, t: 1, p: 1 };
        let pass = Passphrase::new("correct horse battery".into());
        let secrets = UserSecrets::make()?;
        let root = [7u8; 32];
        let slot = Slot::make_user("vault-a", None, "alice", 2, &root, &pass, params, &secrets)?;
        let opened = slot.open_user("vault-a", &pass)?.ok_or(Error::UnlockFailed)?;
        assert_eq!(opened.kem_seed.expose(), secrets.kem_seed.expose());
        assert_eq!(opened.signing_seed.expose(), secrets.signing_seed.expose());
        assert_eq!(slot.root()?, root);

        assert!(slot.open_user("vault-b", &pass)?.is_none());
        assert!(slot.open_user("vault-a", &Passphrase::new("wrong horse battery".into()))?.is_none());
        let mut renamed = slot.clone();
        renamed.user = "mallory".into();
        assert!(renamed.open_user("vault-a", &pass)?.is_none());
        let mut other_id = slot.clone();
        other_id.user_id = 3;
        assert!(other_id.open_user("vault-a", &pass)?.is_none());
        let mut other_root = slot.clone();
        other_root.root = HEXLOWER.encode(&[8u8; 32]);
        assert!(other_root.open_user("vault-a", &pass)?.is_none());
        let mut weaker = slot.clone();
        weaker.kdf = KdfParams { t: 2, ..params };
        assert!(weaker.open_user("vault-a", &pass)?.is_none());
        Ok(())
    }

    #[test]
    fn an_anchor_checks_only_for_its_slot_and_key() -> Result<()> {
        let params = KdfParams { m_kib: KdfParams::MIN_M_KIB, t: 1, p: 1 };
        let pass = Passphrase::new("correct horse battery".into());
        let secrets = UserSecrets::make()?;
        let slot = Slot::make_user("v", None, "alice", 2, &[7u8; 32], &pass, params, &secrets)?;
        let key = secrets.anchor_key()?;
        let a = Anchor::make("v", &slot, &key, 12, "ab");
        assert!(a.checks("v", &slot, &key));
        assert!(!a.checks("w", &slot, &key));
        assert!(!Anchor { seq: 13, ..a.clone() }.checks("v", &slot, &key));
        assert!(!Anchor { head: "ac".into(), ..a.clone() }.checks("v", &slot, &key));
        assert!(!a.checks("v", &slot, &UserSecrets::make()?.anchor_key()?));
        Ok(())
    }

    #[test]
    fn malformed_slot_files_are_refused_not_panicked_on() {
        for bad in [&b""[..], b"{}", b"[1,2]", b"{\"format\":1}", b"\xff\xfe"] {
            assert!(Slot::parse(bad).is_err());
        }
    }
}
