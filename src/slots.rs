//! Key slots: the vault key, wrapped for one user (by their passphrase) or for the
//! recovery key, in small files beside the database (`slots/*.slot`).
//!
//! A user slot's payload is the vault key followed by that user's Ed25519 signing seed,
//! so that nobody — not even another user who holds the vault key — can sign as them.
//! Every slot's metadata (vault id, slot id, kind, user, KDF parameters, salt) is bound
//! into the AEAD as associated data: changing any byte of a slot makes it refuse to open.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use data_encoding::{BASE32_NOPAD, BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{self, KdfParams, Secret32, NONCE_BYTES};
use crate::error::{Error, Result};
use crate::fsutil;

pub const SLOT_FORMAT: u64 = 1;
const SLOT_FILE_LIMIT: u64 = 16 * 1024;
const MAX_SLOTS: usize = 1000;
const RECOVERY_FILE: &str = "recovery.slot";

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    User,
    Recovery,
}

/// A slot file as stored (JSON). Nothing in it is secret on its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub format: u64,
    pub slot_id: String,
    pub kind: SlotKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfParams>,
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

/// What a user slot holds once opened.
#[derive(Debug)]
pub struct UserSecrets {
    pub vault_key: Secret32,
    pub signing_seed: Secret32,
}

impl Slot {
    fn aad(&self, vault_id: &str) -> Vec<u8> {
        let kdf = self.kdf.map(|k| format!("{}/{}/{}", k.m_kib, k.t, k.p)).unwrap_or_default();
        format!(
            "casekeep-slot-v{}\0{}\0{}\0{:?}\0{}\0{}\0{}",
            self.format,
            vault_id,
            self.slot_id,
            self.kind,
            self.user.as_deref().unwrap_or(""),
            kdf,
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
        let ok_id = self.slot_id.len() == 16 && self.slot_id.bytes().all(|b| b.is_ascii_hexdigit());
        let shape_ok = match self.kind {
            SlotKind::User => self.user.is_some() && self.kdf.is_some(),
            SlotKind::Recovery => self.user.is_none() && self.kdf.is_none(),
        };
        if !ok_id || !shape_ok {
            return Err(Error::Integrity("a key slot file is malformed".into()));
        }
        if let Some(k) = &self.kdf {
            k.check()?;
        }
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
        let kdf = self.kdf.ok_or_else(|| Error::Integrity("a key slot file is malformed".into()))?;
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, &kdf)?;
        let wrap = crypto::derive_subkey(&master, b"casekeep/user-slot/v1")?;
        let Some(payload) = crypto::open(&wrap, &self.aad(vault_id), &nonce, &sealed) else {
            return Ok(None);
        };
        let mut secrets = crypto::secrets_from_payload(&payload)?;
        if secrets.len() != 2 {
            return Err(Error::Integrity("a key slot's payload has the wrong length".into()));
        }
        let signing_seed = secrets.pop().ok_or(Error::Crypto("slot"))?;
        let vault_key = secrets.pop().ok_or(Error::Crypto("slot"))?;
        Ok(Some(UserSecrets { vault_key, signing_seed }))
    }

    /// Spends the same effort as opening a user slot, for a user name that has none, so
    /// that timing does not tell an unknown user from a wrong passphrase.
    pub fn decoy_effort(kdf: &KdfParams, passphrase: &Passphrase) -> Result<()> {
        let salt = [0u8; 16];
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, kdf)?;
        let _ = crypto::derive_subkey(&master, b"casekeep/user-slot/v1")?;
        Ok(())
    }

    pub fn open_recovery(&self, vault_id: &str, key: &RecoveryKey) -> Result<Option<Secret32>> {
        let (_salt, nonce, sealed) = self.decode_parts()?;
        let wrap = crypto::derive_subkey(&key.0, b"casekeep/recovery-slot/v1")?;
        let Some(payload) = crypto::open(&wrap, &self.aad(vault_id), &nonce, &sealed) else {
            return Ok(None);
        };
        let mut secrets = crypto::secrets_from_payload(&payload)?;
        if secrets.len() != 1 {
            return Err(Error::Integrity("a key slot's payload has the wrong length".into()));
        }
        secrets.pop().ok_or(Error::Crypto("slot")).map(Some)
    }

    pub fn make_user(
        vault_id: &str,
        slot_id: Option<String>,
        user: &str,
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
            kind: SlotKind::User,
            user: Some(user.to_string()),
            kdf: Some(kdf),
            salt: BASE64.encode(&salt),
            nonce: String::new(),
            sealed: String::new(),
        };
        let master = crypto::derive_from_passphrase(passphrase.expose().as_bytes(), &salt, &kdf)?;
        let wrap = crypto::derive_subkey(&master, b"casekeep/user-slot/v1")?;
        let mut payload = Zeroizing::new(Vec::with_capacity(64));
        payload.extend_from_slice(secrets.vault_key.expose());
        payload.extend_from_slice(secrets.signing_seed.expose());
        let (nonce, sealed) = crypto::seal(&wrap, &slot.aad(vault_id), &payload)?;
        slot.nonce = BASE64.encode(&nonce);
        slot.sealed = BASE64.encode(&sealed);
        Ok(slot)
    }

    pub fn make_recovery(vault_id: &str, key: &RecoveryKey, vault_key: &Secret32) -> Result<Slot> {
        let salt = crypto::make_random_bytes::<16>()?;
        let mut slot = Slot {
            format: SLOT_FORMAT,
            slot_id: HEXLOWER.encode(&crypto::make_random_bytes::<8>()?),
            kind: SlotKind::Recovery,
            user: None,
            kdf: None,
            salt: BASE64.encode(&salt),
            nonce: String::new(),
            sealed: String::new(),
        };
        let wrap = crypto::derive_subkey(&key.0, b"casekeep/recovery-slot/v1")?;
        let (nonce, sealed) = crypto::seal(&wrap, &slot.aad(vault_id), vault_key.expose())?;
        slot.nonce = BASE64.encode(&nonce);
        slot.sealed = BASE64.encode(&sealed);
        Ok(slot)
    }

    fn file_name(&self) -> String {
        match self.kind {
            SlotKind::Recovery => RECOVERY_FILE.to_string(),
            SlotKind::User => format!("{}.slot", self.slot_id),
        }
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
        let mut claimed: Vec<String> = slots.iter().filter_map(|s| s.user.clone()).collect();
        claimed.sort_unstable();
        let twice: Vec<String> =
            claimed.windows(2).filter(|w| w.first() == w.get(1)).filter_map(|w| w.first().cloned()).collect();
        if !twice.is_empty() {
            problems
                .push(format!("{} users have more than one key slot; those slots are refused", twice.len()));
            slots.retain(|s| s.user.as_ref().is_none_or(|u| !twice.contains(u)));
        }
        if slots.iter().filter(|s| s.kind == SlotKind::Recovery).count() > 1 {
            return Err(Error::Integrity("the vault has more than one recovery slot".into()));
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
    /// Removes a slot file (used only to undo a slot whose database change failed).
    pub fn remove(&self, slot: &Slot) -> Result<()> {
        fs::remove_file(self.0.join(slot.file_name())).map_err(Error::io("remove a key slot"))
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
        let secrets = UserSecrets { vault_key: crypto::make_secret()?, signing_seed: crypto::make_secret()? };
        let slot = Slot::make_user("vault-a", None, "alice", &pass, params, &secrets)?;
        let opened = slot.open_user("vault-a", &pass)?.ok_or(Error::UnlockFailed)?;
        assert_eq!(opened.vault_key.expose(), secrets.vault_key.expose());
        assert_eq!(opened.signing_seed.expose(), secrets.signing_seed.expose());

        assert!(slot.open_user("vault-b", &pass)?.is_none());
        assert!(slot.open_user("vault-a", &Passphrase::new("wrong horse battery".into()))?.is_none());
        let mut renamed = slot.clone();
        renamed.user = Some("mallory".into());
        assert!(renamed.open_user("vault-a", &pass)?.is_none());
        let mut weaker = slot.clone();
        weaker.kdf = Some(KdfParams { t: 2, ..params });
        assert!(weaker.open_user("vault-a", &pass)?.is_none());
        Ok(())
    }

    #[test]
    fn malformed_slot_files_are_refused_not_panicked_on() {
        for bad in [&b""[..], b"{}", b"[1,2]", b"{\"format\":1}", b"\xff\xfe"] {
            assert!(Slot::parse(bad).is_err());
        }
    }
}
