//! Benchmark support: BENCH BUILDS ONLY (cargo feature `bench`, which neither the CLI nor
//! the app enables; the `casekeep-bench` binary requires it).
//!
//! It can make a *plain twin* of a vault (the same database exported without encryption)
//! and open a session on either, so that one workload runs through the same `Session`
//! code on both. Opening an unkeyed database is exactly what a shipped build must never
//! be able to do, which is why all of this sits behind the feature. See
//! docs/ARCHITECTURE.md ("An unkeyed database only in bench builds") and
//! docs/BENCHMARKS.md.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::log::{self, VerifyReport};
use crate::support::db;
use crate::support::error::{Error, Result};
use crate::support::fsutil;
use crate::synth::{self, Populated, Synth};
use crate::vault::slots::{Passphrase, Slot, SlotDir, UserSecrets};
use crate::vault::{Session, Vault, HEADER_FILE};

/// The user and the (public) passphrase of every benchmark vault. Synthetic data only.
pub const BENCH_USER: &str = "bench";
pub const BENCH_PASSPHRASE: &str = "benchmark vault passphrase (synthetic data only)";

/// Which database a session runs on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Storage {
    /// The vault's SQLCipher database, opened with its raw key (what ships).
    Encrypted,
    /// The plain twin: the same schema and rows without encryption.
    Plain,
}

impl Storage {
    pub fn label(&self) -> &'static str {
        match self {
            Storage::Encrypted => "encrypted",
            Storage::Plain => "plain",
        }
    }
}

/// A user's slot secrets, derived once (the KDF) so that the unlock can be measured
/// without it.
pub struct BenchKeys {
    user: String,
    slot: Slot,
    secrets: UserSecrets,
}

impl fmt::Debug for BenchKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BenchKeys{..}")
    }
}

impl BenchKeys {
    fn secrets(&self) -> UserSecrets {
        self.secrets.duplicate()
    }
}

/// Runs the key derivation for `user` once (Argon2id, as in an unlock).
pub fn derive_keys(vault: &Vault, user: &str, passphrase: &Passphrase) -> Result<BenchKeys> {
    let slots = SlotDir::new(vault.dir()).scan()?.slots;
    let slot = slots.into_iter().find(|s| s.user == user).ok_or(Error::UnlockFailed)?;
    let secrets = slot.open_user(vault.vault_id(), passphrase)?.ok_or(Error::UnlockFailed)?;
    Ok(BenchKeys { user: user.to_string(), slot, secrets })
}

/// Everything an unlock does after the key derivation: open the envelope (HPKE) and the
/// database with the key in it (SQLCipher's checks, pragmas, migrations), rebuild who may
/// sign what from the log, check the anchor, count the attempt, start the session, write
/// the signed `unlock` audit entry with a synchronous commit and the new anchor.
pub fn unlock_after_kdf(vault: &Vault, keys: &BenchKeys, storage: Storage) -> Result<Session> {
    let secrets = keys.secrets();
    let opened = match storage {
        Storage::Encrypted => vault.open_database(&secrets.kem_seed)?.ok_or(Error::UnlockFailed)?,
        Storage::Plain => crate::vault::Opened::read(
            db::open_plain(&vault.dir().join(db::DB_FILE))?,
            vault.envelope_key(&secrets.kem_seed)?.ok_or(Error::UnlockFailed)?,
            vault.vault_id(),
        )?,
    };
    let attempts = vault.attempt_log(&vault.scan_slots()?)?;
    vault.finish_unlock(opened, &attempts, &keys.user, keys.slot.clone(), secrets)
}

/// The hash chain and the key-certification rules, without the signature checks, to count
/// the two apart.
pub fn verify_chain_only(session: &Session) -> Result<VerifyReport> {
    log::verify_chain(session.conn(), session.vault_id(), Some(&session.reopen()))
}

/// The same on one connection, read by this thread alone: what the ranges buy.
pub fn verify_chain_one_reader(session: &Session) -> Result<VerifyReport> {
    log::verify_chain(session.conn(), session.vault_id(), None)
}

/// Makes `dest` a plain twin of the session's vault: the header and key slots copied, the
/// database exported row for row without encryption (`sqlcipher_export`).
pub fn make_plain_twin(session: &Session, dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(Error::invalid("the plain twin's directory already exists"));
    }
    let src = session.dir();
    fsutil::create_private_dir(dest)?;
    fs::copy(src.join(HEADER_FILE), dest.join(HEADER_FILE)).map_err(Error::io("copy the vault header"))?;
    fs::copy(src.join(crate::vault::envelopes::FILE), dest.join(crate::vault::envelopes::FILE))
        .map_err(Error::io("copy the key envelopes"))?;
    let slots_dest = dest.join("slots");
    fsutil::create_private_dir(&slots_dest)?;
    let entries = fs::read_dir(src.join("slots")).map_err(Error::io("read the key slots"))?;
    for e in entries {
        let e = e.map_err(Error::io("read the key slots"))?;
        fs::copy(e.path(), slots_dest.join(e.file_name())).map_err(Error::io("copy a key slot"))?;
    }
    let db_dest = dest.join(db::DB_FILE);
    // The vault's connection may not create files: make the (empty, owner-only) file first.
    drop(fsutil::create_private_file(&db_dest)?);
    let conn = session.conn();
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    conn.execute("ATTACH DATABASE ?1 AS plaintext KEY ''", [db_dest.to_string_lossy()])?;
    let exported = conn
        .query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .and_then(|_| conn.execute_batch(&format!("PRAGMA plaintext.user_version = {version};")));
    let detached = conn.execute_batch("DETACH DATABASE plaintext;");
    exported?;
    detached?;
    if !db::has_plaintext_header(&db_dest)? {
        return Err(Error::Storage("the plain twin was not written as a plain database".into()));
    }
    Ok(())
}

/// A pair of benchmark vaults (encrypted and its plain twin) with `clients` synthetic
/// clients, and the derived keys.
#[derive(Debug)]
pub struct Fixture {
    pub encrypted: PathBuf,
    pub plain: PathBuf,
    pub keys: BenchKeys,
    pub clients: usize,
    pub log_entries: i64,
    /// Whether this call built the vaults (false: they were already there).
    pub built: bool,
}

impl Fixture {
    pub fn dir(&self, storage: Storage) -> &Path {
        match storage {
            Storage::Encrypted => &self.encrypted,
            Storage::Plain => &self.plain,
        }
    }

    pub fn unlock(&self, storage: Storage) -> Result<Session> {
        unlock_after_kdf(&Vault::open(self.dir(storage))?, &self.keys, storage)
    }
}

/// Builds (or, when `root` already holds a finished pair for the same size and seed,
/// reuses) an encrypted benchmark vault and its plain twin under `root`.
pub fn fixture(
    root: &Path,
    clients: usize,
    seed: u64,
    progress: &mut dyn FnMut(Populated),
) -> Result<Fixture> {
    let name = format!("{clients}-clients-seed-{seed}-vault-format-{}", crate::vault::VAULT_FORMAT);
    let encrypted = root.join(format!("encrypted-{name}"));
    let plain = root.join(format!("plain-{name}"));
    let ready = root.join(format!("ready-{name}"));
    let passphrase = Passphrase::new(BENCH_PASSPHRASE.into());
    let mut built = false;
    if !ready.exists() {
        fs::create_dir_all(root).map_err(Error::io("create the benchmark directory"))?;
        for d in [&encrypted, &plain] {
            if d.exists() {
                fs::remove_dir_all(d).map_err(Error::io("remove an unfinished benchmark vault"))?;
            }
        }
        let (mut session, _recovery) = Vault::create(&encrypted, BENCH_USER, &passphrase)?;
        session.set_agency("Synthetic Outreach Service (benchmark)")?;
        synth::populate(&mut session, &Synth::new(seed, crate::record::Date::today()), clients, progress)?;
        make_plain_twin(&session, &plain)?;
        drop(session);
        fsutil::write_atomic(&ready, b"both vaults are complete\n")?;
        built = true;
    }
    let keys = derive_keys(&Vault::open(&encrypted)?, BENCH_USER, &passphrase)?;
    let session = unlock_after_kdf(&Vault::open(&encrypted)?, &keys, Storage::Encrypted)?;
    let log_entries: i64 = session.conn().query_row("SELECT count(*) FROM log_entries", [], |r| r.get(0))?;
    Ok(Fixture { encrypted, plain, keys, clients, log_entries, built })
}

/// One rotation of the vault key (a new key wrapped to every member, `PRAGMA rekey`, the
/// envelopes replaced, the rotation logged), as a removal or a passphrase change makes.
pub fn rotate_vault_key(session: &mut Session) -> Result<()> {
    session.rotate_vault_key("benchmark")
}
