//! The vault key, wrapped to every member's public key (`envelopes.json`).
//!
//! Each envelope is HPKE (RFC 9180, base mode: DHKEM(X25519, HKDF-SHA-256), HKDF-SHA-256,
//! ChaCha20-Poly1305) to one key-agreement public key certified in the log: each current
//! user's and the recovery key's. The HPKE `info` binds the vault id and the key's
//! generation, the associated data the recipient's public key, so an envelope cannot be
//! moved to another vault, generation or recipient.
//!
//! **Rotation** (`Session::rotate_vault_key`) needs no one's passphrase: a new vault key is
//! wrapped to the recipients the log names now and written to `envelopes.next.json`; the
//! database is re-encrypted under it (`PRAGMA rekey`, one transaction); then the next file
//! replaces `envelopes.json`. A crash at any point leaves one file whose key opens the
//! database: unlock tries `envelopes.json`, then `envelopes.next.json`, and finishes the
//! rename when the next one is the one that opens.

use std::path::{Path, PathBuf};

use data_encoding::{BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};

use crate::support::crypto::{self, Secret32};
use crate::support::error::{Error, Result};
use crate::support::fsutil;

pub const FILE: &str = "envelopes.json";
pub const NEXT_FILE: &str = "envelopes.next.json";
const FORMAT: u64 = 1;
const LIMIT: u64 = 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    /// The recipient's key-agreement public key (hex).
    recipient: String,
    enc: String,
    sealed: String,
}

/// One generation of the vault key, wrapped to each recipient.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelopes {
    format: u64,
    generation: u64,
    envelopes: Vec<Wrapped>,
}

fn info(vault_id: &str, generation: u64) -> Vec<u8> {
    format!("casekeep-vault-key-v1\0{vault_id}\0{generation}").into_bytes()
}

impl Envelopes {
    /// Wraps `vault_key` to each of `recipients`.
    pub fn seal(
        vault_id: &str,
        generation: u64,
        vault_key: &Secret32,
        recipients: &[[u8; 32]],
    ) -> Result<Self> {
        let info = info(vault_id, generation);
        let envelopes = recipients
            .iter()
            .map(|r| {
                let recipient = HEXLOWER.encode(r);
                let (enc, sealed) =
                    crypto::envelope_seal(r, &info, recipient.as_bytes(), vault_key.expose())?;
                Ok(Wrapped { recipient, enc: BASE64.encode(&enc), sealed: BASE64.encode(&sealed) })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Envelopes { format: FORMAT, generation, envelopes })
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The public keys this generation is wrapped to, sorted.
    pub fn recipients(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = self
            .envelopes
            .iter()
            .filter_map(|w| HEXLOWER.decode(w.recipient.as_bytes()).ok())
            .filter_map(|v| <[u8; 32]>::try_from(v.as_slice()).ok())
            .collect();
        out.sort_unstable();
        out
    }

    /// Opens the envelope addressed to the holder of `kem_seed`; `None` when there is none
    /// or it does not open (altered, moved, or not theirs).
    pub fn open(&self, vault_id: &str, kem_seed: &Secret32) -> Option<Secret32> {
        let me = HEXLOWER.encode(&crypto::derive_kem_public(kem_seed));
        let w = self.envelopes.iter().find(|w| w.recipient == me)?;
        let enc = BASE64.decode(w.enc.as_bytes()).ok()?;
        let sealed = BASE64.decode(w.sealed.as_bytes()).ok()?;
        let key =
            crypto::envelope_open(kem_seed, &enc, &info(vault_id, self.generation), me.as_bytes(), &sealed)?;
        crypto::secrets_from_payload(&key).ok()?.pop()
    }

    /// Adds an envelope of this generation's key for one more recipient (a new user).
    pub fn add(&mut self, vault_id: &str, vault_key: &Secret32, recipient: &[u8; 32]) -> Result<()> {
        let more = Envelopes::seal(vault_id, self.generation, vault_key, &[*recipient])?;
        self.envelopes.extend(more.envelopes);
        Ok(())
    }

    /// Reads an envelopes file's bytes (shape only; nothing is opened).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let e: Envelopes = serde_json::from_slice(bytes)
            .map_err(|_| Error::Integrity("the vault's key envelopes file is malformed".into()))?;
        if e.format != FORMAT || e.envelopes.len() > 1000 {
            return Err(Error::Integrity("the vault's key envelopes file is malformed".into()));
        }
        Ok(e)
    }
}

/// Where a vault keeps its envelopes.
#[derive(Debug, Clone)]
pub struct EnvelopeFiles(PathBuf);

impl EnvelopeFiles {
    pub fn new(vault_dir: &Path) -> Self {
        EnvelopeFiles(vault_dir.to_path_buf())
    }

    fn read(&self, name: &str) -> Result<Option<Envelopes>> {
        let path = self.0.join(name);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Io { context: "read the vault's key envelopes", source: e }),
            Ok(_) => {}
        }
        let bytes = fsutil::read_bounded(&path, LIMIT, "key envelopes file")?;
        Envelopes::parse(&bytes).map(Some)
    }

    /// The current generation.
    pub fn current(&self) -> Result<Envelopes> {
        self.read(FILE)?.ok_or_else(|| Error::Integrity("the vault's key envelopes file is missing".into()))
    }

    /// The generation a rotation was writing when it stopped, if any.
    pub fn next(&self) -> Result<Option<Envelopes>> {
        self.read(NEXT_FILE)
    }

    pub fn write_current(&self, e: &Envelopes) -> Result<()> {
        self.write(FILE, e)
    }

    pub fn write_next(&self, e: &Envelopes) -> Result<()> {
        self.write(NEXT_FILE, e)
    }

    fn write(&self, name: &str, e: &Envelopes) -> Result<()> {
        let json =
            serde_json::to_vec_pretty(e).map_err(|_| Error::Crypto("could not encode the envelopes"))?;
        fsutil::write_atomic(&self.0.join(name), &json)
    }

    /// Makes the next generation the current one (an atomic rename).
    pub fn promote_next(&self) -> Result<()> {
        std::fs::rename(self.0.join(NEXT_FILE), self.0.join(FILE))
            .map_err(Error::io("replace the vault's key envelopes"))?;
        fsutil::sync_dir(&self.0)
    }

    /// Drops a next generation that never took effect.
    pub fn discard_next(&self) -> Result<()> {
        match std::fs::remove_file(self.0.join(NEXT_FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::Io { context: "remove an unfinished key rotation", source: e })
            }
            _ => fsutil::sync_dir(&self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_recipient_opens_only_their_own_envelope_of_this_vault() -> Result<()> {
        let (a, b, c) = (crypto::make_secret()?, crypto::make_secret()?, crypto::make_secret()?);
        let key = crypto::make_secret()?;
        let pubs = [crypto::derive_kem_public(&a), crypto::derive_kem_public(&b)];
        let env = Envelopes::seal("v1", 3, &key, &pubs)?;
        assert_eq!(env.open("v1", &a).map(|k| *k.expose()), Some(*key.expose()));
        assert_eq!(env.open("v1", &b).map(|k| *k.expose()), Some(*key.expose()));
        assert!(env.open("v1", &c).is_none());
        assert!(env.open("v2", &a).is_none(), "an envelope moved to another vault opened");
        let mut moved = env.clone();
        moved.generation = 4;
        assert!(moved.open("v1", &a).is_none(), "an envelope moved to another generation opened");
        // Swapping two recipients' envelopes opens nothing.
        let mut swapped = env.clone();
        if let [x, y] = swapped.envelopes.as_mut_slice() {
            std::mem::swap(&mut x.enc, &mut y.enc);
            std::mem::swap(&mut x.sealed, &mut y.sealed);
        }
        assert!(swapped.open("v1", &a).is_none());
        Ok(())
    }
}
