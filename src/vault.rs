//! The vault directory, unlocking, and the unlocked [`Session`].
//!
//! ```text
//! DIR/                     0700
//!   casekeep.vault         header: format, vault id, tag key for attempts.json
//!   casekeep.db (+wal,shm) SQLCipher, raw 256-bit key
//!   slots/<id>.slot        one per user: vault key + signing seed, Argon2id + AEAD
//!   slots/recovery.slot    vault key under the recovery key
//!   attempts.json          failed-unlock counts (users' names only as HMAC tags; others as "unknown")
//!   attempts.lock          held while attempts.json is read and rewritten
//! ```
//! A locked [`Vault`] knows only files; a [`Session`] holds the open database, the
//! user and their signing key, and drops (zeroising) them when it ends.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use data_encoding::{BASE64, HEXLOWER};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::attempts::AttemptLog;
use crate::crypto::{self, KdfParams, Secret32};
use crate::db;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::log::{self, Kind, Signer};
use crate::slots::{Passphrase, RecoveryKey, Slot, SlotDir, SlotKind, UserSecrets};

pub const HEADER_FILE: &str = "casekeep.vault";
pub const VAULT_FORMAT: u64 = 1;
const KDF_TARGET: Duration = Duration::from_millis(750);

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Manager,
    Caseworker,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Caseworker => "caseworker",
        }
    }
    fn parse(s: &str) -> Result<Role> {
        match s {
            "manager" => Ok(Role::Manager),
            "caseworker" => Ok(Role::Caseworker),
            _ => Err(Error::Integrity("a user has an unknown role".into())),
        }
    }
}

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
    delay: fn(Duration),
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The platform's data directory for the default vault (e.g. ~/.local/share/casekeep/vault).
pub fn default_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "Casekeep", "casekeep")
        .map(|p| p.data_dir().join("vault"))
        .ok_or_else(|| Error::invalid("cannot find a home directory for the default vault; give --vault DIR"))
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
        let header: Header = serde_json::from_value(value)
            .map_err(|_| Error::Integrity("the vault header is malformed".into()))?;
        if header.vault_id.len() != 32 || !header.vault_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Integrity("the vault header is malformed".into()));
        }
        fsutil::tidy_vault_dir(dir)?;
        Ok(Vault { dir: dir.to_path_buf(), header, slots: SlotDir::new(dir), delay: std::thread::sleep })
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
        let users =
            slots.iter().filter(|s| s.kind == SlotKind::User).filter_map(|s| s.user.clone()).collect();
        Ok(AttemptLog::new(&self.dir, key, users))
    }

    /// The vault's key slots, read once per unlock or approval.
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
        let recovery = match built {
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
        let session = vault.session_after_create(&manager, recovery.1)?;
        Ok((session, recovery.0))
    }

    fn build(staging: &Path, manager: &str, passphrase: &Passphrase) -> Result<(RecoveryKey, UserSecrets)> {
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
        let seed = crypto::make_secret()?;
        let db_path = staging.join(db::DB_FILE);
        drop(fsutil::create_private_file(&db_path)?);
        let mut conn = db::open(&db_path, &vault_key, true)?;
        let public = crypto::derive_public_key(&seed)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('vault_id', ?1)", [&vault_id])?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?1)", [&header.created_at])?;
        tx.execute(
            "INSERT INTO users (name, role, created_at) VALUES (?1, 'manager', ?2)",
            params![manager, header.created_at],
        )?;
        let user_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO user_keys (user_id, public_key, created_at) VALUES (?1, ?2, ?3)",
            params![user_id, public, header.created_at],
        )?;
        let key_id = tx.last_insert_rowid();
        let signer = Signer { user_id, key_id, seed: seed.duplicate() };
        log::append(
            &tx,
            &vault_id,
            &signer,
            Kind::Audit,
            "vault_created",
            None,
            &json!({ "first_manager": manager }),
        )?;
        tx.commit()?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        drop(conn);

        let slots = SlotDir::new(staging);
        slots.create()?;
        let secrets = UserSecrets { vault_key, signing_seed: seed };
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        slots.write(&Slot::make_user(&vault_id, None, manager, passphrase, kdf, &secrets)?)?;
        let recovery = RecoveryKey::make()?;
        slots.write(&Slot::make_recovery(&vault_id, &recovery, &secrets.vault_key)?)?;
        fsutil::tidy_vault_dir(staging)?;
        fsutil::sync_dir(staging)?;
        Ok((recovery, secrets))
    }

    fn session_after_create(&self, manager: &str, secrets: UserSecrets) -> Result<Session> {
        let conn = db::open(&self.dir.join(db::DB_FILE), &secrets.vault_key, false)?;
        Session::start(self, conn, manager, secrets, 0)
    }

    /// Unlocks with a user name and passphrase. Any failure — unknown user, wrong
    /// passphrase, a slot that does not open — is the same [`Error::UnlockFailed`], after
    /// the same work and the same growing delay.
    pub fn unlock(&self, user: &str, passphrase: &Passphrase) -> Result<Session> {
        let typed = user.trim().to_lowercase();
        let slots = self.scan_slots()?;
        let attempts = self.attempt_log(&slots)?;
        let wait = attempts.begin(&typed)?;
        (self.delay)(wait);
        let (secrets, name) =
            self.open_user_slot(&slots, &typed, &attempts, passphrase)?.ok_or(Error::UnlockFailed)?;
        let conn = db::open(&self.dir.join(db::DB_FILE), &secrets.vault_key, false)?;
        self.finish_unlock(conn, &attempts, &typed, &name, secrets)
    }

    /// The passphrase check every unlock and every approval pays, for a known name and an
    /// unknown one alike: the named user's slot opened with `passphrase`, or, for a name
    /// with no slot, the same key-derivation work on a real slot's parameters
    /// ([`decoy_kdf`]). Returns the user's secrets and normalised name, or `None` when
    /// refused. Counting the attempt and waiting out the delay are the caller's.
    pub(crate) fn open_user_slot(
        &self,
        slots: &[Slot],
        typed: &str,
        attempts: &AttemptLog,
        passphrase: &Passphrase,
    ) -> Result<Option<(UserSecrets, String)>> {
        let name = normalise_user_name(typed);
        let slot = name
            .as_deref()
            .and_then(|n| slots.iter().find(|s| s.kind == SlotKind::User && s.user.as_deref() == Some(n)));
        let opened = match slot {
            Some(s) => s.open_user(&self.header.vault_id, passphrase)?,
            None => {
                Slot::decoy_effort(&decoy_kdf(slots, &attempts.keyed_tag(typed)), passphrase)?;
                None
            }
        };
        Ok(opened.zip(name))
    }

    /// The part of an unlock after the key derivation, once the database is open: the
    /// attempt count, the session, the `unlock` audit entry.
    pub(crate) fn finish_unlock(
        &self,
        conn: Connection,
        attempts: &AttemptLog,
        typed: &str,
        name: &str,
        secrets: UserSecrets,
    ) -> Result<Session> {
        let (failures, pending, dropped) = attempts.succeeded(typed)?;
        let mut session = Session::start(self, conn, name, secrets, failures)?;
        session.record_unlock(attempts, pending, dropped)?;
        Ok(session)
    }

    /// Resets `user`'s passphrase with the recovery key (their slot is rewritten and they
    /// get a new signing key; entries signed with the old one still verify).
    pub fn unlock_with_recovery(
        &self,
        user: &str,
        key: &RecoveryKey,
        new_passphrase: &Passphrase,
    ) -> Result<Session> {
        new_passphrase.check_new()?;
        let typed = user.trim().to_lowercase();
        let slots = self.scan_slots()?;
        let attempts = self.attempt_log(&slots)?;
        let wait = attempts.begin(&typed)?;
        (self.delay)(wait);
        let recovery = slots
            .iter()
            .find(|s| s.kind == SlotKind::Recovery)
            .ok_or_else(|| Error::Integrity("the vault has no recovery slot".into()))?;
        let vault_key = recovery.open_recovery(&self.header.vault_id, key)?.ok_or(Error::UnlockFailed)?;
        let name = normalise_user_name(&typed).ok_or(Error::UnlockFailed)?;
        let mut conn = db::open(&self.dir.join(db::DB_FILE), &vault_key, false)?;
        let user = find_user(&conn, &name)?.ok_or(Error::UnlockFailed)?;
        let existing = slots.iter().find(|s| s.user.as_deref() == Some(name.as_str()));
        let secrets = UserSecrets { vault_key, signing_seed: crypto::make_secret()? };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key_id = rotate_key(&tx, user.id, &secrets.signing_seed)?;
        let signer = Signer { user_id: user.id, key_id, seed: secrets.signing_seed.duplicate() };
        log::append(
            &tx,
            &self.header.vault_id,
            &signer,
            Kind::Audit,
            "passphrase_reset_with_recovery_key",
            None,
            &json!({ "user": name, "new_key_id": key_id }),
        )?;
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let slot = Slot::make_user(
            &self.header.vault_id,
            existing.map(|s| s.slot_id.clone()),
            &name,
            new_passphrase,
            kdf,
            &secrets,
        )?;
        commit_with_slot(tx, &self.slots, &slot, existing)?;
        let (failures, pending, dropped) = attempts.succeeded(&typed)?;
        let mut session = Session::start(self, conn, &name, secrets, failures)?;
        session.record_unlock(&attempts, pending, dropped)?;
        Ok(session)
    }
}

/// The work an unknown user name costs: the parameters of one of the real user slots,
/// picked by the name's tag. Each name always costs the same, and what unknown names
/// cost is spread over exactly what real users cost, so no name's timing stands out
/// (with one fixed choice, a user whose slot was calibrated differently would).
fn decoy_kdf(slots: &[Slot], tag: &str) -> KdfParams {
    let mut all: Vec<KdfParams> =
        slots.iter().filter(|s| s.kind == SlotKind::User).filter_map(|s| s.kdf).collect();
    all.sort_unstable_by_key(|k| (k.m_kib, k.t, k.p));
    let pick = tag.get(..8).and_then(|h| u64::from_str_radix(h, 16).ok()).unwrap_or(0);
    let n = all.len().max(1) as u64;
    all.get((pick % n) as usize).copied().unwrap_or(KdfParams { m_kib: KdfParams::MIN_M_KIB, t: 3, p: 1 })
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

fn find_user(conn: &Connection, name: &str) -> Result<Option<User>> {
    let row: Option<(i64, String, String)> = conn
        .query_row("SELECT id, name, role FROM users WHERE name = ?1", [name], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    row.map(|(id, name, role)| Ok(User { id, name, role: Role::parse(&role)? })).transpose()
}

/// Retires the user's current key and records the public half of `seed`; returns its id.
fn rotate_key(tx: &Transaction<'_>, user_id: i64, seed: &Secret32) -> Result<i64> {
    let now = log::now();
    tx.execute(
        "UPDATE user_keys SET retired_at = ?1 WHERE user_id = ?2 AND retired_at IS NULL",
        params![now, user_id],
    )?;
    tx.execute(
        "INSERT INTO user_keys (user_id, public_key, created_at) VALUES (?1, ?2, ?3)",
        params![user_id, crypto::derive_public_key(seed)?, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// An unlocked vault: the open database, who is working, and their signing key.
pub struct Session {
    dir: PathBuf,
    vault_id: String,
    slots: SlotDir,
    conn: Connection,
    user: User,
    signer: Signer,
    vault_key: Secret32,
    failed_attempts: u32,
    /// Exports a crash cut short, found (and logged) at this unlock.
    incomplete_exports: usize,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("user", &self.user.name).finish_non_exhaustive()
    }
}

impl Session {
    fn start(
        vault: &Vault,
        conn: Connection,
        name: &str,
        secrets: UserSecrets,
        failed_attempts: u32,
    ) -> Result<Session> {
        let stored_id: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'vault_id'", [], |r| r.get(0)).optional()?;
        if stored_id.as_deref() != Some(vault.header.vault_id.as_str()) {
            return Err(Error::Integrity("the database does not belong to this vault's header".into()));
        }
        let user = find_user(&conn, name)?
            .ok_or_else(|| Error::Integrity("a key slot names a user the vault does not know".into()))?;
        let public = crypto::derive_public_key(&secrets.signing_seed)?;
        let key_id: Option<i64> = conn
            .query_row(
                "SELECT id FROM user_keys WHERE user_id = ?1 AND public_key = ?2 AND retired_at IS NULL",
                params![user.id, public],
                |r| r.get(0),
            )
            .optional()?;
        let key_id = key_id.ok_or_else(|| {
            Error::Integrity("this user's key slot does not hold their current signing key".into())
        })?;
        Ok(Session {
            dir: vault.dir.clone(),
            vault_id: vault.header.vault_id.clone(),
            slots: vault.slots.clone(),
            conn,
            signer: Signer { user_id: user.id, key_id, seed: secrets.signing_seed },
            user,
            vault_key: secrets.vault_key,
            failed_attempts,
            incomplete_exports: 0,
        })
    }

    fn record_unlock(
        &mut self,
        attempts: &AttemptLog,
        pending: Vec<crate::attempts::PendingFailure>,
        dropped: u64,
    ) -> Result<()> {
        let mine = attempts.tag(&self.user.name);
        let failed = self.failed_attempts;
        self.write(|tx, s| {
            for p in &pending {
                let who = if p.tag == mine { "this_user" } else { "other_or_unknown_user" };
                log::append(
                    tx,
                    s.vault_id,
                    s.signer,
                    Kind::Audit,
                    "unlock_failed",
                    None,
                    &json!({ "attempted_at": p.at, "user": who }),
                )?;
            }
            if dropped > 0 {
                log::append(
                    tx,
                    s.vault_id,
                    s.signer,
                    Kind::Audit,
                    "unlock_failed",
                    None,
                    &json!({ "not_itemised": dropped }),
                )?;
            }
            log::append(
                tx,
                s.vault_id,
                s.signer,
                Kind::Audit,
                "unlock",
                None,
                &json!({ "failed_attempts_since_last_unlock": failed }),
            )?;
            Ok(())
        })?;
        // Exports a crash interrupted are ended now, while the user is there to be told.
        self.incomplete_exports =
            crate::export::deliver::settle(&mut self.conn, &self.vault_id, &self.signer)?;
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

    /// Failed unlock attempts for this user since their previous successful unlock.
    pub fn failed_attempts_since_last_unlock(&self) -> u32 {
        self.failed_attempts
    }

    /// How many exports a crash cut short were found at this unlock (each now has an
    /// `export_incomplete` entry in the log; see `export::deliver`).
    pub fn incomplete_exports_found(&self) -> usize {
        self.incomplete_exports
    }

    pub fn require_manager(&self) -> Result<()> {
        if self.user.role != Role::Manager {
            return Err(Error::Forbidden("only a manager can do this"));
        }
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
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
        let ctx = SessionCtx { vault_id: &self.vault_id, signer: &self.signer, user: &self.user };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &ctx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Appends one audit event in its own transaction.
    pub(crate) fn audit(
        &mut self,
        event: &str,
        client_id: Option<i64>,
        body: serde_json::Value,
    ) -> Result<()> {
        self.write(|tx, s| {
            log::append(tx, s.vault_id, s.signer, Kind::Audit, event, client_id, &body).map(|_| ())
        })
    }

    /// Ends the session on request: records it, then drops the key and the database.
    pub fn lock(mut self) -> Result<()> {
        self.audit("lock", None, json!({}))
    }

    /// Adds a user (managers only) with their own key slot and signing key.
    pub fn add_user(&mut self, name: &str, role: Role, passphrase: &Passphrase) -> Result<User> {
        self.require_manager()?;
        let name = require_user_name(name)?;
        passphrase.check_new()?;
        if find_user(&self.conn, &name)?.is_some() {
            return Err(Error::invalid("a user with that name already exists"));
        }
        let secrets =
            UserSecrets { vault_key: self.vault_key.duplicate(), signing_seed: crypto::make_secret()? };
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let slot = Slot::make_user(&self.vault_id, None, &name, passphrase, kdf, &secrets)?;
        let now = log::now();
        let (vault_id, signer, me) = (&self.vault_id, &self.signer, self.user.id);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO users (name, role, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), now, me],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO user_keys (user_id, public_key, created_at) VALUES (?1, ?2, ?3)",
            params![id, crypto::derive_public_key(&secrets.signing_seed)?, now],
        )?;
        log::append(
            &tx,
            vault_id,
            signer,
            Kind::Audit,
            "user_added",
            None,
            &json!({ "user": name, "role": role }),
        )?;
        commit_with_slot(tx, &self.slots, &slot, None)?;
        Ok(User { id, name, role })
    }

    /// Changes this user's passphrase: rewrites their slot (not the database) and gives
    /// them a new signing key, so whoever knew the old passphrase cannot sign as them.
    pub fn change_passphrase(&mut self, new_passphrase: &Passphrase) -> Result<()> {
        new_passphrase.check_new()?;
        let slots = self.slots.scan()?.slots;
        let existing = slots.iter().find(|s| s.user.as_deref() == Some(self.user.name.as_str()));
        let secrets =
            UserSecrets { vault_key: self.vault_key.duplicate(), signing_seed: crypto::make_secret()? };
        let kdf = KdfParams::calibrate(KDF_TARGET)?;
        let slot = Slot::make_user(
            &self.vault_id,
            existing.map(|s| s.slot_id.clone()),
            &self.user.name,
            new_passphrase,
            kdf,
            &secrets,
        )?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old_key = self.signer.key_id;
        let key_id = rotate_key(&tx, self.user.id, &secrets.signing_seed)?;
        let new_signer = Signer { user_id: self.user.id, key_id, seed: secrets.signing_seed.duplicate() };
        log::append(
            &tx,
            &self.vault_id,
            &new_signer,
            Kind::Audit,
            "passphrase_changed",
            None,
            &json!({ "old_key_id": old_key, "new_key_id": key_id }),
        )?;
        commit_with_slot(tx, &self.slots, &slot, existing)?;
        self.signer = new_signer;
        Ok(())
    }

    /// Replaces the vault's recovery key (managers only): the old key stops opening the
    /// vault at once. Returns the new key, which is stored nowhere and must be shown once.
    pub fn replace_recovery_key(&mut self) -> Result<RecoveryKey> {
        self.require_manager()?;
        let scan = self.slots.scan()?;
        let existing = scan.slots.iter().find(|s| s.kind == SlotKind::Recovery);
        let key = RecoveryKey::make()?;
        let slot = Slot::make_recovery(&self.vault_id, &key, &self.vault_key)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        log::append(
            &tx,
            &self.vault_id,
            &self.signer,
            Kind::Audit,
            "recovery_key_replaced",
            None,
            &json!({}),
        )?;
        commit_with_slot(tx, &self.slots, &slot, existing)?;
        Ok(key)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare("SELECT id, name, role FROM users ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        rows.map(|r| {
            let (id, name, role) = r?;
            Ok(User { id, name, role: Role::parse(&role)? })
        })
        .collect()
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: appends a signed entry as this user, bypassing validation (e.g. a
    /// consent whose review date has passed, which cannot be recorded today).
    pub fn append_unchecked(
        &mut self,
        kind: Kind,
        event: &str,
        client: Option<i64>,
        body: serde_json::Value,
    ) -> Result<i64> {
        self.write(|tx, s| log::append(tx, s.vault_id, s.signer, kind, event, client, &body))
    }

    #[cfg(feature = "test-hooks")]
    /// Test hook: the raw connection, for tests that play an attacker holding the key.
    pub fn raw_connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// What a write closure may use of the session while the connection is borrowed.
#[derive(Debug)]
pub(crate) struct SessionCtx<'a> {
    pub vault_id: &'a str,
    pub signer: &'a Signer,
    pub user: &'a User,
}
