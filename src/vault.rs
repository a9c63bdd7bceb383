//! The vault directory, unlocking, and the unlocked [`Session`].
//!
//! ```text
//! DIR/                     0700
//!   casekeep.vault         header: format, vault id, tag key for attempts.json
//!   casekeep.db (+wal,shm) SQLCipher, raw 256-bit vault key
//!   envelopes.json         the vault key wrapped (HPKE) to each member's and the recovery key's public key
//!   envelopes.next.json    only while a rotation is under way (envelopes.rs)
//!   slots/<id>.slot        one per user: signing and key-agreement seeds, Argon2id + AEAD; pins the log's root key
//!   slots/<id>.seen        the furthest log entry that user has seen, authenticated (rollback/fork detection)
//!   attempts.json          failed-unlock counts (users' names only as HMAC tags; others as "unknown")
//!   attempts.lock          held while attempts.json is read and rewritten
//! ```
//! A locked [`Vault`] knows only files; a [`Session`] holds the open database, the
//! user and their keys, and drops (zeroising) them when it ends.
//!
//! Unlocking: the passphrase opens the user's slot (their private keys); their private
//! key-agreement key opens their envelope (the vault key); the vault key opens the
//! database. Then, before anything is read or written: who may sign what is rebuilt from
//! the log's identity entries (`log::identities`); the log must begin with the root key
//! the slot pins; the user must be in the vault with the key their slot holds; and the
//! log must still hold the entry the user's anchor says they last saw (else the database
//! was rolled back or forked). Whenever the members the log names differ from those the
//! envelopes are wrapped to, the vault key is rotated (`Session::rotate_vault_key`).

pub mod attempts;
pub mod backup;
pub(crate) mod deliver;
pub mod envelopes;
pub mod integrity;
pub mod record_anchor;
pub mod slots;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use data_encoding::{BASE64, HEXLOWER};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::log::event::{self, Empty, Keys, UnlockFailed};
use crate::log::identity::{self, normalise_user_name, Identities, Role, User};
use crate::log::{self, Event, Signer};
use crate::support::crypto::{self, KdfParams, Secret32};
use crate::support::db;
use crate::support::error::{Error, Result};
use crate::support::fsutil;
use crate::vault::attempts::AttemptLog;
use crate::vault::envelopes::{EnvelopeFiles, Envelopes};
use crate::vault::slots::{Anchor, Passphrase, RecoveryKey, Slot, SlotDir, UserSecrets};

pub const HEADER_FILE: &str = "casekeep.vault";
/// 2: identities in the log, public-key envelopes, anchors. Vaults of format 1 (made only
/// by development builds) are refused.
pub const VAULT_FORMAT: u64 = 2;
/// How often, at most, a session rewrites its user's anchor after a write (it always does
/// at unlock and at lock).
const ANCHOR_EVERY: Duration = Duration::from_secs(2);
const KDF_TARGET: Duration = Duration::from_millis(750);

fn require_user_name(name: &str) -> Result<String> {
    normalise_user_name(name).ok_or_else(|| {
        Error::invalid("a user name must start with a letter and hold only letters, digits, '.', '_' or '-' (at most 64)")
    })
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: u64,
    vault_id: String,
    created_at: String,
    tag_key: String,
}

/// A vault on disk, still locked.
pub struct Vault {
    dir: PathBuf,
    header: Header,
    slots: SlotDir,
    envelopes: EnvelopeFiles,
    delay: fn(Duration),
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The platform's local data directory for the default vault: ~/.local/share/casekeep/vault
/// on Linux, %LOCALAPPDATA%\Casekeep\casekeep\data\vault on Windows — the local, never the
/// roaming, profile: a roaming profile is copied to the domain's file server at sign-out.
pub fn default_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "Casekeep", "casekeep")
        .map(|p| p.data_local_dir().join("vault"))
        .ok_or_else(|| {
            Error::invalid(
                "cannot find a home directory for the default vault: give the vault's folder (`vault`)",
            )
        })
}

impl Vault {
    /// Opens the vault in `dir` without unlocking it.
    pub fn open(dir: &Path) -> Result<Vault> {
        let header_path = dir.join(HEADER_FILE);
        if !header_path.exists() {
            return Err(Error::NoVault);
        }
        let bytes = fsutil::read_bounded(&header_path, 16 * 1024, "vault header")
            .map_err(|_| Error::Integrity("the vault header is unreadable".into()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| Error::Integrity("the vault header is malformed".into()))?;
        let format = value.get("format").and_then(|f| f.as_u64()).unwrap_or(0);
        if format > VAULT_FORMAT {
            return Err(Error::TooNew { what: "vault format", found: format, supported: VAULT_FORMAT });
        }
        if format < VAULT_FORMAT {
            return Err(Error::Integrity(format!(
                "this vault (format {format}) was made by a development build of Casekeep before identities and keys were signed in the log; this build does not open it"
            )));
        }
        let header: Header = serde_json::from_value(value)
            .map_err(|_| Error::Integrity("the vault header is malformed".into()))?;
        if header.vault_id.len() != 32 || !header.vault_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Integrity("the vault header is malformed".into()));
        }
        fsutil::tidy_vault_dir(dir)?;
        Ok(Vault {
            dir: dir.to_path_buf(),
            header,
            slots: SlotDir::new(dir),
            envelopes: EnvelopeFiles::new(dir),
            delay: std::thread::sleep,
        })
    }

    /// Replaces the function that waits out the unlock delay (tests count instead of sleep).
    pub fn set_delay_fn(&mut self, f: fn(Duration)) {
        self.delay = f;
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn vault_id(&self) -> &str {
        &self.header.vault_id
    }

    /// The failed-attempt log, knowing the vault's users from `slots` (the caller's one
    /// scan of the slot folder, which the passphrase check then uses too).
    pub(crate) fn attempt_log(&self, slots: &[Slot]) -> Result<AttemptLog> {
        let key = BASE64
            .decode(self.header.tag_key.as_bytes())
            .map_err(|_| Error::Integrity("the vault header is malformed".into()))?;
        let users = slots.iter().map(|s| s.user.clone()).collect();
        Ok(AttemptLog::new(&self.dir, key, users))
    }

    /// The vault's key slots, read once per unlock.
    pub(crate) fn scan_slots(&self) -> Result<Vec<Slot>> {
        Ok(self.slots.scan()?.slots)
    }

    /// Creates a new vault in `dir` (which must not exist or be empty) with `manager` as
    /// its first user. Built in a sibling staging directory and renamed into place, so a
    /// failure leaves nothing behind. Returns the session and the recovery key, which is
    /// not stored anywhere and must be shown to the person once.
    pub fn create(dir: &Path, manager: &str, passphrase: &Passphrase) -> Result<(Session, RecoveryKey)> {
        let manager = require_user_name(manager)?;
        passphrase.check_new()?;
        if dir.exists() {
            let mut entries = fs::read_dir(dir).map_err(|_| Error::VaultExists)?;
            if entries.next().is_some() {
                return Err(Error::VaultExists);
            }
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(Error::io("create the vault's parent directory"))?;
        let staging =
            parent.join(format!(".casekeep-new-{}", HEXLOWER.encode(&crypto::make_random_bytes::<6>()?)));
        let built = Self::build(&staging, &manager, passphrase);
        let (recovery, secrets, vault_key) = match built {
            Ok(r) => r,
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        if dir.exists() {
            let _ = fs::remove_dir(dir);
        }
        if let Err(e) = fs::rename(&staging, dir) {
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::Io { context: "move the new vault into place", source: e });
        }
        fsutil::sync_dir(&parent)?;
        let vault = Vault::open(dir)?;
        let slot =
            vault.scan_slots()?.into_iter().next().ok_or(Error::Crypto("the new vault has no slot"))?;
        let conn = db::open(&vault.dir.join(db::DB_FILE), &vault_key, false)?;
        let opened = Opened::read(conn, vault_key, vault.vault_id())?;
        let mut session = Session::start_without_anchor(&vault, opened, slot, secrets, 0)?;
        // A new vault is anchored from its start (record_anchor.rs): its marker comes first.
        session.anchor_unanchored_records()?;
        session.write_anchor()?;
        Ok((session, recovery))
    }

    fn build(
        staging: &Path,
        manager: &str,
        passphrase: &Passphrase,
    ) -> Result<(RecoveryKey, UserSecrets, Secret32)> {
        fsutil::create_private_dir(staging)?;
        let vault_id = HEXLOWER.encode(&crypto::make_random_bytes::<16>()?);
        let header = Header {
            format: VAULT_FORMAT,
            vault_id: vault_id.clone(),
            created_at: log::now(),
            tag_key: BASE64.encode(&crypto::make_random_bytes::<32>()?),
        };
        let header_json = serde_json::to_vec_pretty(&header)
            .map_err(|_| Error::Crypto("could not encode the vault header"))?;
        fsutil::write_atomic(&staging.join(HEADER_FILE), &header_json)?;

        let vault_key = crypto::make_secret()?;
        let secrets = UserSecrets::make()?;
        let recovery = RecoveryKey::make()?;
        let recovery_secrets = recovery.secrets()?;
        let root = secrets.signing_public()?;
        let db_path = staging.join(db::DB_FILE);
        drop(fsutil::create_private_file(&db_path)?);
        let mut conn = db::open(&db_path, &vault_key, true)?;
        let (user_id, key_id, recovery_key_id) = (1, 1, 2);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?1)", [&vault_id])?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?1)", [&header.created_at])?;
        let event = Event::VaultCreated(event::VaultCreated {
            first_manager: manager.to_string(),
            user_id,
            recovery: Keys::new(
                recovery_key_id,
                &recovery_secrets.signing_public()?,
                &recovery_secrets.kem_public(),
            ),
            keys: Keys::new(key_id, &root, &secrets.kem_public()),
        });
        let signer = Signer { user_id, key_id, seed: secrets.signing_seed.duplicate() };
        log::append_event(&tx, &vault_id, &signer, None, &event)?;
        let ids = log::identities(&tx, &vault_id)?;
        rewrite_caches(&tx, &ids)?;
        tx.commit()?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        drop(conn);

        let slots = SlotDir::new(staging);
        slots.create()?;
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        slots
            .write(&Slot::make_user(&vault_id, None, manager, user_id, &root, passphrase, kdf, &secrets)?)?;
        let envelopes = Envelopes::seal(&vault_id, 1, &vault_key, &ids.recipients())?;
        EnvelopeFiles::new(staging).write_current(&envelopes)?;
        fsutil::tidy_vault_dir(staging)?;
        fsutil::sync_dir(staging)?;
        Ok((recovery, secrets, vault_key))
    }

    /// Unlocks with a user name and passphrase. Any failure — unknown user, wrong
    /// passphrase, a slot that does not open, a removed user — is the same
    /// [`Error::UnlockFailed`], after the same work and the same growing delay.
    pub fn unlock(&self, user: &str, passphrase: &Passphrase) -> Result<Session> {
        let typed = user.trim().to_lowercase();
        let slots = self.scan_slots()?;
        let attempts = self.attempt_log(&slots)?;
        let wait = attempts.begin(&typed)?;
        (self.delay)(wait);
        let main = self.open_user_slot(&slots, &typed, &attempts, passphrase)?;
        // A passphrase change or reset cut short by a crash leaves its new slot beside the
        // old one (`<id>.next`): whichever the passphrase opens *and* holds the keys the log
        // says are current is the user's slot.
        let next = normalise_user_name(&typed)
            .and_then(|n| slots.iter().find(|s| s.user == n))
            .and_then(|s| self.slots.read_next(&s.slot_id));
        let mut candidates: Vec<(UserSecrets, Slot, bool)> = Vec::new();
        if let Some((secrets, slot)) = main {
            candidates.push((secrets, slot, false));
        }
        if let Some(n) = next.as_ref() {
            if let Some(secrets) = n.open_user(&self.header.vault_id, passphrase)? {
                candidates.push((secrets, n.clone(), true));
            }
        }
        for (secrets, slot, is_next) in candidates {
            let Some(opened) = self.open_database(&secrets.kem_seed)? else { continue };
            if !keys_current(&opened.identities, &slot, &secrets)? {
                continue;
            }
            if is_next {
                self.slots.promote_next(&slot.slot_id)?;
            } else if next.is_some() {
                self.slots.discard_next(&slot.slot_id)?;
            }
            return self.finish_unlock(opened, &attempts, &typed, slot, secrets);
        }
        Err(Error::UnlockFailed)
    }

    /// The part of an unlock after the key derivation and the database's opening: who may
    /// sign what from the log (a removed user is refused like an unknown name), the
    /// attempt count, the session's checks, then its first entries and anchor.
    pub(crate) fn finish_unlock(
        &self,
        opened: Opened,
        attempts: &AttemptLog,
        typed: &str,
        slot: Slot,
        secrets: UserSecrets,
    ) -> Result<Session> {
        if opened.identities.member(slot.user_id).is_none_or(|m| m.removed || m.name != slot.user) {
            return Err(Error::UnlockFailed);
        }
        let (failures, pending, dropped) = attempts.succeeded(typed)?;
        let mut session = Session::start(self, opened, slot, secrets, failures)?;
        session.after_unlock(attempts, pending, dropped)?;
        Ok(session)
    }

    /// The passphrase check every unlock pays, for a known name and an unknown one alike:
    /// the named user's slot opened with `passphrase`, or, for a name with no slot, the
    /// same key-derivation work on a real slot's parameters ([`decoy_kdf`]). Returns the
    /// user's secrets and slot, or `None` when refused. Counting the attempt and waiting
    /// out the delay are the caller's.
    pub(crate) fn open_user_slot(
        &self,
        slots: &[Slot],
        typed: &str,
        attempts: &AttemptLog,
        passphrase: &Passphrase,
    ) -> Result<Option<(UserSecrets, Slot)>> {
        let name = normalise_user_name(typed);
        let slot = name.as_deref().and_then(|n| slots.iter().find(|s| s.user == n));
        match slot {
            Some(s) => {
                Ok(s.open_user(&self.header.vault_id, passphrase)?.map(|secrets| (secrets, s.clone())))
            }
            None => {
                Slot::decoy_effort(&decoy_kdf(slots, &attempts.keyed_tag(typed)), passphrase)?;
                Ok(None)
            }
        }
    }

    /// The vault key in the current envelope addressed to the holder of `kem_seed`.
    #[cfg(feature = "bench")]
    pub(crate) fn envelope_key(&self, kem_seed: &Secret32) -> Result<Option<Secret32>> {
        Ok(self.envelopes.current()?.open(self.vault_id(), kem_seed))
    }

    /// Opens the envelope addressed to the holder of `kem_seed` and the database with the
    /// key inside. `None` when no envelope is theirs (a removed user, a retired key). A
    /// rotation cut short is finished here: when the current generation's key does not
    /// open the database and the next one's does, the next one becomes current.
    pub(crate) fn open_database(&self, kem_seed: &Secret32) -> Result<Option<Opened>> {
        let path = self.dir.join(db::DB_FILE);
        let next = self.envelopes.next()?;
        let mut tried = false;
        if let Some(key) = self.envelopes.current()?.open(self.vault_id(), kem_seed) {
            tried = true;
            match db::open(&path, &key, false) {
                Ok(conn) => return Opened::read(conn, key, self.vault_id()).map(Some),
                Err(e) if db::is_wrong_key(&e) && next.is_some() => {}
                Err(e) if db::is_wrong_key(&e) => return Err(envelope_mismatch()),
                Err(e) => return Err(e),
            }
        }
        if let Some(key) = next.and_then(|n| n.open(self.vault_id(), kem_seed)) {
            let conn = db::open(&path, &key, false).map_err(|e| {
                if db::is_wrong_key(&e) {
                    envelope_mismatch()
                } else {
                    e
                }
            })?;
            match self.envelopes.promote_next() {
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
            return Opened::read(conn, key, self.vault_id()).map(Some);
        }
        if tried {
            return Err(envelope_mismatch());
        }
        Ok(None)
    }

    /// Resets `user`'s passphrase with the recovery key: they get new key pairs, certified
    /// in the log by the recovery key's signature, and the vault key is rotated so their
    /// old slot and passphrase open nothing written afterwards.
    pub fn unlock_with_recovery(
        &self,
        user: &str,
        key: &RecoveryKey,
        new_passphrase: &Passphrase,
    ) -> Result<Session> {
        self.unlock_with_recovery_checked(user, key, new_passphrase, &|_| Ok(()))
    }

    /// [`Self::unlock_with_recovery`], with `check` run on the vault key the recovery key
    /// opened, before anything is written or rotated (a restore checks the backup's
    /// manifest with it).
    pub(crate) fn unlock_with_recovery_checked(
        &self,
        user: &str,
        key: &RecoveryKey,
        new_passphrase: &Passphrase,
        check: &dyn Fn(&Secret32) -> Result<()>,
    ) -> Result<Session> {
        new_passphrase.check_new()?;
        let typed = user.trim().to_lowercase();
        let slots = self.scan_slots()?;
        let attempts = self.attempt_log(&slots)?;
        let wait = attempts.begin(&typed)?;
        (self.delay)(wait);
        let recovery = key.secrets()?;
        let Opened { mut conn, key: vault_key, identities: ids } =
            self.open_database(&recovery.kem_seed)?.ok_or(Error::UnlockFailed)?;
        check(&vault_key)?;
        let (recovery_key_id, current) = ids.recovery().ok_or(Error::UnlockFailed)?;
        if current.kem != recovery.kem_public() {
            return Err(Error::UnlockFailed);
        }
        let name = normalise_user_name(&typed).ok_or(Error::UnlockFailed)?;
        let member = ids.member_named(&name).filter(|m| !m.removed).cloned().ok_or(Error::UnlockFailed)?;
        let root = *ids.root().ok_or(Error::Crypto("the log has no root"))?;
        let existing = slots.iter().find(|s| s.user == name);
        let secrets = UserSecrets::make()?;
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let slot = Slot::make_user(
            &self.header.vault_id,
            existing.map(|s| s.slot_id.clone()),
            &name,
            member.id,
            &root,
            new_passphrase,
            kdf,
            &secrets,
        )?;
        let key_id = ids.next_key_id();
        let signer =
            Signer { user_id: member.id, key_id: recovery_key_id, seed: recovery.signing_seed.duplicate() };
        let event = Event::PassphraseResetWithRecoveryKey(event::PassphraseReset {
            user_id: member.id,
            user: name.to_string(),
            keys: Keys::new(key_id, &secrets.signing_public()?, &secrets.kem_public()),
        });
        self.wrap_current_key_to(&vault_key, &secrets.kem_public())?;
        // The old anchor stays (the old slot may be the one a crash leaves) beside one under
        // the new keys, at the head now.
        let mut anchors = existing.map(|s| self.slots.read_anchor(s)).unwrap_or_default();
        anchors.truncate(2);
        let (seq, head) = log_head(&conn)?;
        anchors.push(Anchor::make(&self.header.vault_id, &slot, &secrets.anchor_key()?, seq, &head));
        self.slots.write_anchor(&slot, &anchors)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        log::append_event(&tx, &self.header.vault_id, &signer, None, &event)?;
        let identities = log::identities(&tx, self.vault_id())?;
        rewrite_caches(&tx, &identities)?;
        commit_replacing_slot(tx, &self.slots, &slot, existing.is_some())?;
        let (failures, pending, dropped) = attempts.succeeded(&typed)?;
        // The old anchor was authenticated with the old keys: it starts again from here.
        let opened = Opened { conn, key: vault_key, identities };
        let mut session = Session::start_without_anchor(self, opened, slot, secrets, failures)?;
        session.write_anchor()?;
        session.after_unlock(&attempts, pending, dropped)?;
        Ok(session)
    }
}

/// The log's last entry: (its number, its hash in hex).
fn log_head(conn: &Connection) -> Result<(i64, String)> {
    let head: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, hash FROM log_entries ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (seq, hash) = head.ok_or_else(|| Error::Integrity("the log is empty".into()))?;
    Ok((seq, HEXLOWER.encode(&hash)))
}

/// Whether `secrets` are the keys the log says are `slot`'s user's current ones.
fn keys_current(ids: &Identities, slot: &Slot, secrets: &UserSecrets) -> Result<bool> {
    let Some(member) = ids.member(slot.user_id).filter(|m| !m.removed && m.name == slot.user) else {
        return Ok(false);
    };
    Ok(ids.key(member.key_id).is_some_and(|k| k.kem == secrets.kem_public())
        && ids.key(member.key_id).map(|k| k.signing.to_vec()) == Some(secrets.signing_public()?))
}

fn envelope_mismatch() -> Error {
    Error::Integrity(
        "the key in your envelope does not open this database: the database or the envelopes file was replaced"
            .into(),
    )
}

/// The work an unknown user name costs: the parameters of one of the real user slots,
/// picked by the name's tag. Each name always costs the same, and what unknown names
/// cost is spread over exactly what real users cost, so no name's timing stands out
/// (with one fixed choice, a user whose slot was calibrated differently would).
fn decoy_kdf(slots: &[Slot], tag: &str) -> KdfParams {
    let mut all: Vec<KdfParams> = slots.iter().map(|s| s.kdf).collect();
    all.sort_unstable_by_key(|k| (k.m_kib, k.t, k.p));
    let pick = tag.get(..8).and_then(|h| u64::from_str_radix(h, 16).ok()).unwrap_or(0);
    let n = all.len().max(1) as u64;
    all.get((pick % n) as usize).copied().unwrap_or(KdfParams { m_kib: KdfParams::MIN_M_KIB, t: 3, p: 1 })
}

impl Vault {
    /// Adds an envelope of the current generation's key for one more public key (a user's
    /// next keys, before the entry that certifies them commits), so that a crash between
    /// that commit and the rotation does not lock them out. Until the rotation (the same
    /// call's, or the next unlock's) the envelopes name one key more than the log.
    fn wrap_current_key_to(&self, vault_key: &Secret32, kem: &[u8; 32]) -> Result<()> {
        let mut envelopes = self.envelopes.current()?;
        envelopes.add(self.vault_id(), vault_key, kem)?;
        self.envelopes.write_current(&envelopes)
    }
}

/// Commits `tx`, a slot's replacement written first beside it (`<id>.next`) and put in its
/// place after the commit: a crash at any point leaves the slot that matches the log
/// (`Vault::unlock` takes whichever holds the current keys). A new slot (no slot before) is
/// written in place and removed if the commit fails.
fn commit_replacing_slot(tx: Transaction<'_>, dir: &SlotDir, slot: &Slot, replaces: bool) -> Result<()> {
    if !replaces {
        return commit_with_slot(tx, dir, slot, None);
    }
    dir.write_next(slot)?;
    if let Err(e) = tx.commit() {
        let _ = dir.discard_next(&slot.slot_id);
        return Err(e.into());
    }
    dir.promote_next(&slot.slot_id)
}

/// Commits `tx` only once `slot` is on disk; if the commit fails, puts back the slot
/// that was there (or removes the new one), so database and slots never disagree.
fn commit_with_slot(tx: Transaction<'_>, dir: &SlotDir, slot: &Slot, previous: Option<&Slot>) -> Result<()> {
    dir.write(slot)?;
    if let Err(e) = tx.commit() {
        match previous {
            Some(old) => {
                let _ = dir.write(old);
            }
            None => {
                let _ = dir.remove(slot);
            }
        }
        return Err(e.into());
    }
    Ok(())
}

/// Rewrites the `users` and `user_keys` tables from the log's identities. They are caches
/// for joins and listings: nothing that decides who may do what reads them.
fn rewrite_caches(conn: &Connection, ids: &Identities) -> Result<()> {
    let now = log::now();
    let known: Vec<i64> = ids.members().iter().map(|m| m.id).collect();
    let mut stmt = conn.prepare("SELECT id FROM users")?;
    let rows: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in rows.into_iter().filter(|id| !known.contains(id)) {
        // A row the log never made: it keeps its id (other rows may refer to it) but
        // neither a usable name nor a role.
        conn.execute("UPDATE users SET name = 'not-in-log-' || id, role = 'caseworker' WHERE id = ?1", [id])?;
    }
    for m in ids.members() {
        conn.execute(
            "UPDATE users SET name = 'renaming-' || id WHERE name = ?1 AND id <> ?2",
            params![m.name, m.id],
        )?;
        conn.execute(
            "INSERT INTO users (id, name, role, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role",
            params![m.id, m.name, m.role.as_str(), now],
        )?;
    }
    conn.execute("DELETE FROM user_keys", [])?;
    for m in ids.members() {
        let mut keys: Vec<(i64, &identity::KeyInfo)> = Vec::new();
        for id in 1..ids.next_key_id() {
            if let Some(k) = ids.key(id).filter(|k| k.owner == identity::Owner::User(m.id)) {
                keys.push((id, k));
            }
        }
        for (id, k) in keys {
            conn.execute(
                "INSERT INTO user_keys (id, user_id, public_key, created_at, retired_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, m.id, k.signing.to_vec(), now, k.retired.then(|| now.clone())],
            )?;
        }
    }
    Ok(())
}

/// Whether the caches say what the log says (checked at every unlock; rewritten if not).
fn caches_match(conn: &Connection, ids: &Identities) -> Result<bool> {
    let mut stmt = conn.prepare("SELECT id, name, role FROM users ORDER BY id")?;
    let rows: Vec<(i64, String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut expected: Vec<(i64, String, String)> =
        ids.members().iter().map(|m| (m.id, m.name.clone(), m.role.as_str().to_string())).collect();
    expected.sort();
    if rows != expected {
        return Ok(false);
    }
    let mut stmt =
        conn.prepare("SELECT id, user_id, public_key, retired_at IS NOT NULL FROM user_keys ORDER BY id")?;
    let keys: Vec<(i64, i64, Vec<u8>, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut want = Vec::new();
    for id in 1..ids.next_key_id() {
        if let Some(k) = ids.key(id) {
            if let identity::Owner::User(u) = k.owner {
                want.push((id, u, k.signing.to_vec(), k.retired));
            }
        }
    }
    Ok(keys == want)
}

/// An unlocked vault: the open database, who is working, and their keys.
/// The database opened with the vault key, and who may sign what in it, rebuilt from the
/// log's identity entries once per unlock.
pub(crate) struct Opened {
    pub(crate) conn: Connection,
    pub(crate) key: Secret32,
    pub(crate) identities: Identities,
}

impl Opened {
    pub(crate) fn read(conn: Connection, key: Secret32, vault_id: &str) -> Result<Opened> {
        let identities = log::identities(&conn, vault_id)?;
        Ok(Opened { conn, key, identities })
    }
}

pub struct Session {
    dir: PathBuf,
    vault_id: String,
    slots: SlotDir,
    envelopes: EnvelopeFiles,
    conn: Connection,
    user: User,
    signer: Signer,
    /// This user's slot (its id and pinned root) and the key of their anchor.
    slot: Slot,
    anchor_key: Secret32,
    anchor_written: Option<Instant>,
    vault_key: Secret32,
    identities: Identities,
    failed_attempts: u32,
    /// Exports a crash cut short, found (and logged) at this unlock.
    incomplete_exports: usize,
    /// Record anchors this session has verified (`record_anchor.rs`).
    pub(crate) record_anchors: crate::vault::record_anchor::Cache,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("user", &self.user.name).finish_non_exhaustive()
    }
}

impl Session {
    fn start(
        vault: &Vault,
        opened: Opened,
        slot: Slot,
        secrets: UserSecrets,
        failed_attempts: u32,
    ) -> Result<Session> {
        let session = Self::start_without_anchor(vault, opened, slot, secrets, failed_attempts)?;
        session.check_anchor()?;
        Ok(session)
    }

    /// Everything [`Session::start`] checks but the anchor (a recovery reset, whose old
    /// anchor was authenticated with the keys it replaces).
    fn start_without_anchor(
        vault: &Vault,
        opened: Opened,
        slot: Slot,
        secrets: UserSecrets,
        failed_attempts: u32,
    ) -> Result<Session> {
        let Opened { conn, key: vault_key, identities } = opened;
        let stored_id: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'vault_id'", [], |r| r.get(0)).optional()?;
        if stored_id.as_deref() != Some(vault.header.vault_id.as_str()) {
            return Err(Error::Integrity("the database does not belong to this vault's header".into()));
        }
        if identities.root().map(|r| r.as_slice()) != Some(slot.root()?.as_slice()) {
            return Err(Error::Integrity(
                "this database's log does not begin with the root key your key slot pins: it is not this vault's database (substituted or forged)".into(),
            ));
        }
        let member = identities
            .member(slot.user_id)
            .filter(|m| !m.removed && m.name == slot.user)
            .cloned()
            .ok_or(Error::UnlockFailed)?;
        let key = identities.key(member.key_id).ok_or(Error::Crypto("a member without a key"))?;
        if key.signing.as_slice() != secrets.signing_public()?.as_slice() || key.kem != secrets.kem_public() {
            return Err(Error::Integrity(
                "your key slot does not hold the keys the log says are your current ones (an old copy of your slot?); use the recovery key to reset your passphrase".into(),
            ));
        }
        let anchor_key = secrets.anchor_key()?;
        let user = User { id: member.id, name: member.name.clone(), role: member.role };
        let mut session = Session {
            dir: vault.dir.clone(),
            vault_id: vault.header.vault_id.clone(),
            slots: vault.slots.clone(),
            envelopes: vault.envelopes.clone(),
            conn,
            signer: Signer { user_id: member.id, key_id: member.key_id, seed: secrets.signing_seed },
            user,
            slot,
            anchor_key,
            anchor_written: None,
            vault_key,
            identities,
            failed_attempts,
            incomplete_exports: 0,
            record_anchors: Default::default(),
        };
        if !caches_match(&session.conn, &session.identities)? {
            session.write(|tx, s| {
                rewrite_caches(tx, s.identities)?;
                s.append(tx, None, &Event::IdentityCacheRepaired(Empty {})).map(|_| ())
            })?;
        }
        Ok(session)
    }

    /// Refuses a database that no longer holds the entry this user last saw (rolled back)
    /// or holds another one in its place (forked).
    fn check_anchor(&self) -> Result<()> {
        let anchor = self
            .slots
            .read_anchor(&self.slot)
            .into_iter()
            .find(|a| a.checks(&self.vault_id, &self.slot, &self.anchor_key))
            .ok_or_else(|| {
                Error::Integrity(
                    "the record of the last log entry you saw (your slot's anchor) is missing or was altered; the vault folder was tampered with — restore it from a backup (`restore`)".into(),
                )
            })?;
        let found: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT hash FROM log_entries WHERE seq = ?1", [anchor.seq], |r| r.get(0))
            .optional()?;
        match found {
            None => {
                let last: i64 =
                    self.conn.query_row("SELECT coalesce(max(seq), 0) FROM log_entries", [], |r| r.get(0))?;
                Err(Error::Integrity(format!(
                    "this database was rolled back: its log ends at entry {last}, but you have seen entry {}; a database is put back only through `restore`",
                    anchor.seq
                )))
            }
            Some(h) if HEXLOWER.encode(&h) != anchor.head => Err(Error::Integrity(format!(
                "this database is a fork: log entry {} is not the one you saw; a database is put back only through `restore`",
                anchor.seq
            ))),
            Some(_) => Ok(()),
        }
    }

    /// Records the current head as the furthest this user has seen.
    fn write_anchor(&mut self) -> Result<()> {
        let (seq, head) = log_head(&self.conn)?;
        let anchor = Anchor::make(&self.vault_id, &self.slot, &self.anchor_key, seq, &head);
        self.slots.write_anchor(&self.slot, &[anchor])?;
        self.anchor_written = Some(Instant::now());
        Ok(())
    }

    /// After an unlock's checks: a rotation the log calls for, the unlock's audit entries,
    /// exports a crash interrupted, and the anchor.
    fn after_unlock(
        &mut self,
        attempts: &AttemptLog,
        pending: Vec<crate::vault::attempts::PendingFailure>,
        dropped: u64,
    ) -> Result<()> {
        if self.envelopes.current()?.recipients() != self.identities.recipients() {
            // A rotation owed (a crash between an identity entry and its rotation). It can
            // let a key in as well as shut one out, so it is made only on a log whose whole
            // chain holds under the rules (identity entries' signatures were checked at this
            // unlock): an insider who deletes a removal from the log must not get the
            // removed user's key wrapped again.
            let report = log::verify_chain(&self.conn, &self.vault_id, Some(&self.reopen()))?;
            if let Some(b) = report.first_break {
                return Err(Error::Integrity(format!(
                    "the vault key must be rotated to the members the log names, but the log does not hold ({b}); nothing was rotated — restore from a backup"
                )));
            }
            self.rotate_vault_key("members_changed")?;
        }
        self.record_unlock(attempts, pending, dropped)?;
        self.anchor_unanchored_records()?;
        self.write_anchor()
    }

    fn record_unlock(
        &mut self,
        attempts: &AttemptLog,
        pending: Vec<crate::vault::attempts::PendingFailure>,
        dropped: u64,
    ) -> Result<()> {
        let mine = attempts.tag(&self.user.name);
        let failed = self.failed_attempts;
        self.write(|tx, s| {
            for p in &pending {
                let who = if p.tag == mine { "this_user" } else { "other_or_unknown_user" };
                let attempt = UnlockFailed::Attempt { attempted_at: p.at, user: who.to_string() };
                s.append(tx, None, &Event::UnlockFailed(attempt))?;
            }
            if dropped > 0 {
                s.append(
                    tx,
                    None,
                    &Event::UnlockFailed(UnlockFailed::NotItemised { not_itemised: dropped }),
                )?;
            }
            s.append(tx, None, &Event::Unlock(event::Unlock { failed_attempts_since_last_unlock: failed }))?;
            Ok(())
        })?;
        // Exports a crash interrupted are ended now, while the user is there to be told.
        self.incomplete_exports =
            crate::vault::deliver::settle(&mut self.conn, &self.vault_id, &self.signer)?;
        Ok(())
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log's root public key (hex), as this user's slot pins it.
    pub fn root_key(&self) -> &str {
        &self.slot.root
    }

    /// Failed unlock attempts for this user since their previous successful unlock.
    pub fn failed_attempts_since_last_unlock(&self) -> u32 {
        self.failed_attempts
    }

    /// How many exports a crash cut short were found at this unlock (each now has an
    /// `export_incomplete` entry in the log; see `vault::deliver`).
    pub fn incomplete_exports_found(&self) -> usize {
        self.incomplete_exports
    }

    /// Refused unless the log (not a table) says this user is a manager.
    pub fn require_manager(&self) -> Result<()> {
        if self.user.role != Role::Manager {
            return Err(Error::Forbidden("only a manager can do this"));
        }
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Opens another connection to this session's database, as the session's own was
    /// opened: the log verify reads with one per core.
    pub(crate) fn reopen(&self) -> impl Fn() -> Result<Connection> + Sync + '_ {
        let path = self.dir.join(db::DB_FILE);
        let key = &self.vault_key;
        move || {
            // The benchmarks' plain twin (an unkeyed database exists only in bench builds).
            #[cfg(feature = "bench")]
            if db::has_plaintext_header(&path)? {
                return db::reader(db::open_plain(&path)?);
            }
            db::reader(db::open(&path, key, false)?)
        }
    }

    /// The vault key, for the backup module (a copy of the database under the same key).
    pub(crate) fn vault_key(&self) -> &Secret32 {
        &self.vault_key
    }

    /// Runs `f` in one immediate transaction; commits only if it succeeds.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &SessionCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let ctx = SessionCtx {
            vault_id: &self.vault_id,
            signer: &self.signer,
            user: &self.user,
            identities: &self.identities,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &ctx)?;
        tx.commit()?;
        if self.anchor_written.is_some_and(|t| t.elapsed() >= ANCHOR_EVERY) {
            self.write_anchor()?;
        }
        Ok(out)
    }

    /// Appends one event in its own transaction.
    pub(crate) fn audit(&mut self, client_id: Option<i64>, event: Event) -> Result<()> {
        self.write(|tx, s| s.append(tx, client_id, &event).map(|_| ()))
    }

    /// Ends the session on request: records it and the anchor, then drops the keys and
    /// the database.
    pub fn lock(mut self) -> Result<()> {
        self.audit(None, Event::Lock(Empty {}))?;
        self.write_anchor()
    }

    /// Re-reads who may sign what after this session wrote an identity entry.
    fn reload_identities(&mut self) -> Result<()> {
        self.identities = log::identities(&self.conn, &self.vault_id)?;
        Ok(())
    }

    /// A new vault key for the members the log names now: wrapped to each (no one's
    /// passphrase is needed), the database re-encrypted under it, the envelopes replaced
    /// (`envelopes.rs` explains why a crash at any point leaves a key that opens it), and
    /// the rotation logged. Old slots, passphrases and recovery keys open nothing written
    /// afterwards; backups made before still open with the keys of their time.
    pub(crate) fn rotate_vault_key(&mut self, why: &str) -> Result<()> {
        let generation = self.envelopes.current()?.generation() + 1;
        let recipients = self.identities.recipients();
        let key = crypto::make_secret()?;
        let next = Envelopes::seal(&self.vault_id, generation, &key, &recipients)?;
        self.envelopes.write_next(&next)?;
        if let Err(e) = db::rekey(&self.conn, &key) {
            let _ = self.envelopes.discard_next();
            return Err(e);
        }
        self.vault_key = key;
        self.envelopes.promote_next()?;
        let rotated =
            event::VaultKeyRotated { generation, recipients: recipients.len(), why: why.to_string() };
        self.audit(None, Event::VaultKeyRotated(rotated))
    }

    /// Adds a user (managers only) with their own key slot and key pairs, certified in the
    /// log by the manager's signature; their envelope is added to the current generation.
    pub fn add_user(&mut self, name: &str, role: Role, passphrase: &Passphrase) -> Result<User> {
        self.require_manager()?;
        let name = require_user_name(name)?;
        passphrase.check_new()?;
        if self.identities.member_named(&name).is_some() {
            return Err(Error::invalid(
                "a user with that name exists or once existed in this vault; choose another name",
            ));
        }
        let secrets = UserSecrets::make()?;
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let (id, key_id) = (self.identities.next_user_id(), self.identities.next_key_id());
        let root = self.slot.root()?;
        let slot = Slot::make_user(&self.vault_id, None, &name, id, &root, passphrase, kdf, &secrets)?;
        let event = Event::UserAdded(event::UserAdded {
            user: name.clone(),
            user_id: id,
            role,
            keys: Keys::new(key_id, &secrets.signing_public()?, &secrets.kem_public()),
        });
        // Their envelope and their first anchor (they have seen nothing yet: the head now)
        // go in before the entry that admits them commits, so that a crash cannot leave a
        // user the log admits but who cannot open the vault. A crash before the commit
        // leaves an envelope for a key the log does not name: the next unlock rotates it away.
        let mut envelopes = self.envelopes.current()?;
        envelopes.add(&self.vault_id, &self.vault_key, &secrets.kem_public())?;
        self.envelopes.write_current(&envelopes)?;
        let (seq, head) = log_head(&self.conn)?;
        let anchor = Anchor::make(&self.vault_id, &slot, &secrets.anchor_key()?, seq, &head);
        self.slots.write_anchor(&slot, &[anchor])?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        log::append_event(&tx, &self.vault_id, &self.signer, None, &event)?;
        let ids = log::identities(&tx, &self.vault_id)?;
        rewrite_caches(&tx, &ids)?;
        commit_with_slot(tx, &self.slots, &slot, None)?;
        self.identities = ids;
        Ok(User { id, name, role })
    }

    /// Removes a user (managers only; never themself, never the last manager): a signed
    /// entry, then a rotation of the vault key to the remaining members, then their slot
    /// is deleted. The name is refused at unlock from then on, like an unknown one.
    pub fn remove_user(&mut self, name: &str) -> Result<()> {
        self.require_manager()?;
        let name = normalise_user_name(name).ok_or(Error::NotFound("user"))?;
        let member = self
            .identities
            .member_named(&name)
            .filter(|m| !m.removed)
            .cloned()
            .ok_or(Error::NotFound("user"))?;
        if member.id == self.user.id {
            return Err(Error::Forbidden("you cannot remove yourself; another manager can"));
        }
        if member.role == Role::Manager && self.identities.managers() <= 1 {
            return Err(Error::Forbidden("the last manager cannot be removed"));
        }
        self.write(|tx, s| {
            let removed = event::UserRemoved { user: member.name.clone(), user_id: member.id };
            s.append(tx, None, &Event::UserRemoved(removed)).map(|_| ())
        })?;
        self.reload_identities()?;
        self.write(|tx, s| rewrite_caches(tx, s.identities))?;
        self.rotate_vault_key("user_removed")?;
        for slot in
            self.slots.scan()?.slots.iter().filter(|s| s.user_id == member.id || s.user == member.name)
        {
            self.slots.remove(slot)?;
        }
        Ok(())
    }

    /// Changes this user's passphrase: new key pairs, certified in the log by their
    /// previous signing key, a new slot, and a rotation of the vault key, so whoever knew
    /// the old passphrase (or holds the old slot) can neither sign as them nor read what
    /// is written afterwards.
    pub fn change_passphrase(&mut self, new_passphrase: &Passphrase) -> Result<()> {
        new_passphrase.check_new()?;
        let secrets = UserSecrets::make()?;
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let key_id = self.identities.next_key_id();
        let slot = Slot::make_user(
            &self.vault_id,
            Some(self.slot.slot_id.clone()),
            &self.user.name,
            self.user.id,
            &self.slot.root()?,
            new_passphrase,
            kdf,
            &secrets,
        )?;
        let event = Event::PassphraseChanged(event::PassphraseChanged {
            user_id: self.user.id,
            old_key_id: self.signer.key_id,
            keys: Keys::new(key_id, &secrets.signing_public()?, &secrets.kem_public()),
        });
        // Until the change is complete, the anchor is kept under both the old keys and the
        // new, so that whichever slot a crash leaves finds its own.
        let (seq, head) = log_head(&self.conn)?;
        self.slots.write_anchor(
            &self.slot,
            &[
                Anchor::make(&self.vault_id, &self.slot, &self.anchor_key, seq, &head),
                Anchor::make(&self.vault_id, &slot, &secrets.anchor_key()?, seq, &head),
            ],
        )?;
        let mut envelopes = self.envelopes.current()?;
        envelopes.add(&self.vault_id, &self.vault_key, &secrets.kem_public())?;
        self.envelopes.write_current(&envelopes)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        log::append_event(&tx, &self.vault_id, &self.signer, None, &event)?;
        let ids = log::identities(&tx, &self.vault_id)?;
        rewrite_caches(&tx, &ids)?;
        commit_replacing_slot(tx, &self.slots, &slot, true)?;
        self.identities = ids;
        self.signer = Signer { user_id: self.user.id, key_id, seed: secrets.signing_seed.duplicate() };
        self.anchor_key = secrets.anchor_key()?;
        self.slot = slot;
        self.rotate_vault_key("passphrase_changed")?;
        self.write_anchor()
    }

    /// Replaces the vault's recovery key (managers only): its new public keys are certified
    /// in the log and the vault key is rotated, so the old recovery key opens nothing from
    /// now on. Returns the new key, which is stored nowhere and must be shown once.
    pub fn replace_recovery_key(&mut self) -> Result<RecoveryKey> {
        self.require_manager()?;
        let key = RecoveryKey::make()?;
        let secrets = key.secrets()?;
        let event = Event::RecoveryKeyReplaced(Keys::new(
            self.identities.next_key_id(),
            &secrets.signing_public()?,
            &secrets.kem_public(),
        ));
        self.write(|tx, s| s.append(tx, None, &event).map(|_| ()))?;
        self.reload_identities()?;
        self.rotate_vault_key("recovery_key_replaced")?;
        Ok(key)
    }

    /// Who may sign what, as the log said at unlock (and after this session's changes).
    pub(crate) fn identities(&self) -> &Identities {
        &self.identities
    }

    /// The vault's users, as the log says they are now (removed users are not listed).
    pub fn users(&self) -> Result<Vec<User>> {
        Ok(self.identities.users())
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: appends a signed entry as this user, bypassing validation (e.g. a
    /// consent whose review date has passed, which cannot be recorded today).
    pub fn append_unchecked(
        &mut self,
        kind: log::Kind,
        event: &str,
        client: Option<i64>,
        body: serde_json::Value,
    ) -> Result<i64> {
        self.write(|tx, s| log::append_raw(tx, s.vault_id, s.signer, kind, event, client, &body))
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: the raw connection, for tests that play an attacker holding the key.
    pub fn raw_connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: appends an entry signed with any seed under any key id and author, as an
    /// insider with the vault key and a seed of their own (or a stolen one) could.
    pub fn append_as(
        &mut self,
        user_id: i64,
        key_id: i64,
        seed: &Secret32,
        event: &str,
        body: serde_json::Value,
    ) -> Result<i64> {
        let signer = Signer { user_id, key_id, seed: seed.duplicate() };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = log::append_raw(&tx, &self.vault_id, &signer, log::Kind::Audit, event, None, &body)?;
        tx.commit()?;
        Ok(seq)
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: the vault key in use (an insider who can unlock holds it).
    pub fn vault_key_for_tests(&self) -> &Secret32 {
        &self.vault_key
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The furthest head this session saw, kept even when it ends without `lock`.
        if self.anchor_written.is_some() {
            let _ = self.write_anchor();
        }
    }
}

/// What a write closure may use of the session while the connection is borrowed.
#[derive(Debug)]
pub(crate) struct SessionCtx<'a> {
    pub vault_id: &'a str,
    pub signer: &'a Signer,
    pub user: &'a User,
    pub identities: &'a Identities,
}

impl SessionCtx<'_> {
    /// Appends `event` about `client` (or none), signed as this session's user, in `tx`;
    /// returns its sequence number. The one way a session writes to the log.
    pub(crate) fn append(&self, tx: &Transaction<'_>, client: Option<i64>, event: &Event) -> Result<i64> {
        log::append_event(tx, self.vault_id, self.signer, client, event)
    }
}

impl Session {
    /// Whether the envelopes are wrapped to exactly the members the log names now (for
    /// `check`; an unlock rotates when they are not).
    pub(crate) fn envelope_problem(&self) -> Result<Option<String>> {
        Ok(match self.envelopes.current() {
            Err(e) => Some(format!("key envelopes: {e}")),
            Ok(env) if env.recipients() != self.identities.recipients() => Some(
                "key envelopes: the vault key is not wrapped to exactly the members the log names (a rotation is owed; the next unlock makes it)".into(),
            ),
            Ok(_) => None,
        })
    }
}
