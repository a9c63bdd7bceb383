//! Backups: one file holding an encrypted copy of the whole vault, and its restore.
//!
//! ```text
//! CASEKEEP-BACKUP 1\n
//! {manifest: vault id, when, who, schema, log entries and head, each part's path, size, SHA-256}\n
//! <HMAC-SHA-256 of the manifest line, hex, under HKDF(vault key, "casekeep/backup-manifest/v1")>\n
//! the parts' bytes, one after another, in the manifest's order
//! ```
//! The parts are the vault header, a copy of the database made with SQLCipher's
//! `VACUUM INTO` (encrypted under the same vault key, new salt), and every key slot as it
//! is on disk — so the same passphrases and the recovery key open it, and nothing in the
//! file is readable without one of them. The manifest holds no record value.
//!
//! A backup is verified when it is made (the copy is opened with the key and checked page
//! by page, and its log chain must end where the vault's does). `restore` refuses a file
//! whose sizes, hashes or manifest tag do not match, builds the vault in a staging
//! directory (reading the backup once, as a stream: the file is opened without following a
//! link, and anything but a regular file — a device, a pipe, a folder — is refused), unlocks it, runs the full `check` and the log chain, and only then moves it
//! into an empty directory: an existing vault is never overwritten.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

use crate::log::event::{BackupMade, RestoredFromBackup};
use crate::log::{self, Event};
use crate::support::crypto;
use crate::support::db;
use crate::support::error::{Error, Result};
use crate::support::fsutil;
use crate::vault::envelopes;
use crate::vault::integrity::CheckReport;
use crate::vault::slots::{Passphrase, RecoveryKey, Slot, SlotDir};
use crate::vault::{Session, Vault, HEADER_FILE};

/// 2: the key envelopes and anchors are parts; the manifest pins the root key.
pub const BACKUP_FORMAT: u64 = 2;
const MAGIC_PREFIX: &str = "CASEKEEP-BACKUP ";
const MANIFEST_LIMIT: usize = 1024 * 1024;
const SLOT_LIMIT: u64 = 16 * 1024;
const MAX_PARTS: usize = 1002;
const PURPOSE: &[u8] = b"casekeep/backup-manifest/v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: u64,
    vault_id: String,
    created_at: String,
    created_by: String,
    schema_version: u32,
    log_entries: i64,
    log_head: String,
    /// The log's root public key (hex): a restore refuses a database that begins with
    /// another.
    root_key: String,
    parts: Vec<Part>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    path: String,
    size: u64,
    sha256: String,
}

/// What `backup` made.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct BackupReceipt {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    pub log_entries: i64,
    pub log_head: String,
    pub key_slots: usize,
}

/// What `restore` checked and put in place.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct RestoreReport {
    pub vault: String,
    pub backup_created_at: String,
    pub log_entries: i64,
    pub log_head: String,
    pub key_slots: usize,
    pub check: CheckReport,
}

fn damaged(what: &str) -> Error {
    Error::Integrity(format!("the backup is damaged or was altered: {what}"))
}

/// A part's path must be one of the vault's own file names: nothing else is ever written.
fn valid_part_path(path: &str) -> bool {
    if path == HEADER_FILE || path == db::DB_FILE || path == envelopes::FILE {
        return true;
    }
    let Some(name) =
        path.strip_prefix("slots/").and_then(|n| n.strip_suffix(".slot").or(n.strip_suffix(".seen")))
    else {
        return false;
    };
    name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn staging_beside(target: &Path, label: &str) -> Result<PathBuf> {
    Ok(fsutil::parent_dir(target)
        .join(format!(".casekeep-{label}-{}", HEXLOWER.encode(&crypto::make_random_bytes::<6>()?))))
}

impl Session {
    /// Writes an encrypted, self-verifying backup of the whole vault to `out`, which must
    /// not exist. The backup is recorded in the log (`backup_made`, with its hash) once it is
    /// written and verified.
    pub fn backup(&mut self, out: &Path) -> Result<BackupReceipt> {
        if out.exists() {
            return Err(Error::invalid("the backup file already exists; choose a new name"));
        }
        let scan = SlotDir::new(self.dir()).scan()?;
        if !scan.problems.is_empty() {
            return Err(Error::Integrity("a key slot is damaged; run check before making a backup".into()));
        }
        let name = self.user().name.clone();
        let source = self.verify_log()?;
        if let Some(b) = &source.first_break {
            return Err(Error::Integrity(format!("the log does not verify ({b}); run check first")));
        }
        let staging = staging_beside(out, "backup")?;
        fsutil::create_private_dir(&staging)?;
        let built = self.build_backup(&staging, out, &name, &source, scan.slots.len());
        let _ = fs::remove_dir_all(&staging);
        let receipt = built?;
        // Logged only once the backup is written and verified (a failed backup logs nothing).
        // The backup therefore does not hold its own entry; the live log does, with the
        // backup's hash and the log head it carries.
        let made = BackupMade {
            sha256: receipt.sha256.clone(),
            log_entries: receipt.log_entries,
            log_head: receipt.log_head.clone(),
        };
        let logged = self.audit(None, Event::BackupMade(made));
        if let Err(e) = logged {
            // A backup the log does not know of is not left behind: this call created it.
            let _ = fs::remove_file(out);
            return Err(e);
        }
        Ok(receipt)
    }

    fn build_backup(
        &self,
        staging: &Path,
        out: &Path,
        user: &str,
        source: &log::VerifyReport,
        key_slots: usize,
    ) -> Result<BackupReceipt> {
        // The copy: same key, new salt, written into an empty owner-only file.
        let copy_path = staging.join(db::DB_FILE);
        drop(fsutil::create_private_file(&copy_path)?);
        let target =
            copy_path.to_str().ok_or_else(|| Error::invalid("the backup's folder name is not valid text"))?;
        self.conn().execute("VACUUM INTO ?1", [target])?;
        {
            // Verify the copy as restore will: every page, the structure, the log chain.
            let copy = db::open(&copy_path, self.vault_key(), false)?;
            let problems = db::integrity_problems(&copy)?;
            if !problems.is_empty() {
                return Err(Error::Integrity(
                    "the copy of the database does not check; nothing was written".into(),
                ));
            }
            let key = self.vault_key();
            let reopen = || db::open(&copy_path, key, false);
            let copied = log::verify(&copy, self.vault_id(), Some(&reopen))?;
            if copied.first_break.is_some() || copied.entries != source.entries || copied.head != source.head
            {
                return Err(Error::Integrity(
                    "the copy's log does not match the vault's; nothing was written".into(),
                ));
            }
            copy.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        for extra in ["-wal", "-shm"] {
            let p = staging.join(format!("{}{extra}", db::DB_FILE));
            if p.exists() {
                fs::remove_file(&p).map_err(Error::io("tidy the backup's staging folder"))?;
            }
        }

        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        parts.push((
            HEADER_FILE.to_string(),
            fsutil::read_bounded(&self.dir().join(HEADER_FILE), 16 * 1024, "vault header")?,
        ));
        parts.push((
            db::DB_FILE.to_string(),
            fs::read(&copy_path).map_err(Error::io("read the database copy"))?,
        ));
        // The envelopes of the key the copy is under (this session's: a rotation owed is
        // made at unlock, so they are current).
        parts.push((
            envelopes::FILE.to_string(),
            fsutil::read_bounded(&self.dir().join(envelopes::FILE), 1024 * 1024, "key envelopes file")?,
        ));
        let mut slot_names: Vec<String> = Vec::new();
        for entry in fs::read_dir(self.dir().join("slots")).map_err(Error::io("list the key slots"))? {
            let entry = entry.map_err(Error::io("list the key slots"))?;
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.ends_with(".slot") || n.ends_with(".seen") {
                slot_names.push(n);
            }
        }
        slot_names.sort();
        for n in slot_names {
            let bytes =
                fsutil::read_bounded(&self.dir().join("slots").join(&n), SLOT_LIMIT, "key slot file")?;
            if n.ends_with(".slot") {
                Slot::parse(&bytes)?;
            }
            parts.push((format!("slots/{n}"), bytes));
        }
        if parts.iter().any(|(p, _)| !valid_part_path(p)) {
            return Err(Error::Integrity("the vault holds a file Casekeep does not know; run check".into()));
        }

        let manifest = Manifest {
            format: BACKUP_FORMAT,
            vault_id: self.vault_id().to_string(),
            created_at: log::now(),
            created_by: user.to_string(),
            schema_version: db::latest_version(),
            log_entries: source.entries,
            log_head: source.head.clone(),
            root_key: source.root_key.clone(),
            parts: parts
                .iter()
                .map(|(path, bytes)| Part {
                    path: path.clone(),
                    size: bytes.len() as u64,
                    sha256: HEXLOWER.encode(&crypto::sha256(&[bytes])),
                })
                .collect(),
        };
        let manifest_line = serde_json::to_vec(&manifest)
            .map_err(|_| Error::Storage("could not encode the backup manifest".into()))?;
        let tag_key = crypto::derive_subkey(self.vault_key(), PURPOSE)?;
        let tag = HEXLOWER.encode(&crypto::derive_tag(tag_key.expose(), &manifest_line));

        let mut head = format!("{MAGIC_PREFIX}{BACKUP_FORMAT}\n").into_bytes();
        head.extend_from_slice(&manifest_line);
        head.push(b'\n');
        head.extend_from_slice(tag.as_bytes());
        head.push(b'\n');
        let mut pieces: Vec<&[u8]> = vec![&head];
        pieces.extend(parts.iter().map(|(_, b)| b.as_slice()));
        let bytes: u64 = pieces.iter().map(|p| p.len() as u64).sum();
        let sha256 = HEXLOWER.encode(&crypto::sha256(&pieces));

        let mut f = fsutil::create_private_file(out).map_err(|_| {
            Error::invalid(
                "cannot create the backup file (it may exist already, or the folder is not writable)",
            )
        })?;
        let written = (|| {
            for p in &pieces {
                f.write_all(p).map_err(Error::io("write the backup file"))?;
            }
            f.sync_all().map_err(Error::io("flush the backup file to disk"))?;
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                fsutil::sync_dir(parent)?;
            }
            Ok(())
        })();
        if let Err(e) = written {
            drop(f);
            // This call created the file (create_new), so it is ours to remove.
            let _ = fs::remove_file(out);
            return Err(e);
        }
        Ok(BackupReceipt {
            file: out.display().to_string(),
            bytes,
            sha256,
            log_entries: source.entries,
            log_head: source.head.clone(),
            key_slots,
        })
    }
}

/// The checked head of a backup file: the manifest, its line (what the tag covers) and its
/// tag. The parts follow it and are read as a stream ([`copy_part`]), never held whole.
struct Head {
    manifest: Manifest,
    manifest_line: Vec<u8>,
    tag: Vec<u8>,
}

/// One line of at most `limit` bytes (without its newline); `None` when there is no
/// newline within the limit.
fn take_line(r: &mut impl BufRead, limit: usize) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    r.take(limit as u64 + 1).read_until(b'\n', &mut line).map_err(Error::io("read the backup file"))?;
    if line.pop() == Some(b'\n') {
        Ok(Some(line))
    } else {
        Ok(None)
    }
}

/// Parses the container (magic line, manifest, parts) without any key: the fuzzed surface.
#[doc(hidden)]
pub fn parse_container(bytes: &[u8]) -> Result<()> {
    let mut r = bytes;
    let head = read_head(&mut r, bytes.len() as u64)?;
    for part in &head.manifest.parts {
        copy_part(&mut r, part, &mut std::io::sink())?;
    }
    expect_end(&mut r)
}

/// Reads and checks the head of a backup file of `size` bytes: the magic line, the
/// manifest (each part a vault file, once; the required ones present; the sizes adding up
/// to what follows the head) and the tag's form (the tag itself needs the vault key).
fn read_head(r: &mut impl BufRead, size: u64) -> Result<Head> {
    let not_a_backup = || Error::invalid("this is not a Casekeep backup file");
    let magic = take_line(r, 64)?.ok_or_else(not_a_backup)?;
    let version = std::str::from_utf8(&magic)
        .ok()
        .and_then(|m| m.strip_prefix(MAGIC_PREFIX))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(not_a_backup)?;
    if version > BACKUP_FORMAT {
        return Err(Error::TooNew { what: "backup format", found: version, supported: BACKUP_FORMAT });
    }
    if version < BACKUP_FORMAT {
        return Err(Error::invalid(
            "this backup was made by a development build of Casekeep before identities and keys were signed in the log; this build does not restore it",
        ));
    }
    let manifest_line = take_line(r, MANIFEST_LIMIT)?.ok_or_else(|| damaged("its manifest is unreadable"))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_line).map_err(|_| damaged("its manifest is malformed"))?;
    if manifest.format != version {
        return Err(damaged("its manifest does not match its header"));
    }
    let tag_line = take_line(r, 64)?.ok_or_else(|| damaged("its manifest tag is missing"))?;
    let tag = HEXLOWER.decode(&tag_line).map_err(|_| damaged("its manifest tag is malformed"))?;
    if tag.len() != 32 {
        return Err(damaged("its manifest tag is malformed"));
    }
    if manifest.parts.len() > MAX_PARTS {
        return Err(damaged("it lists more parts than a vault has"));
    }
    let head_len = [magic.len(), manifest_line.len(), tag_line.len()].iter().map(|n| *n as u64 + 1).sum();
    let total = manifest.parts.iter().try_fold(0u64, |sum, p| sum.checked_add(p.size));
    if total != size.checked_sub(head_len) {
        return Err(damaged("its parts do not add up to its length (truncated or padded)"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in &manifest.parts {
        if !valid_part_path(&p.path) || !seen.insert(p.path.as_str()) {
            return Err(damaged("it names a file a vault does not have, or one twice"));
        }
    }
    for required in [HEADER_FILE, db::DB_FILE, envelopes::FILE] {
        if !seen.contains(required) {
            return Err(damaged("a vault file is missing from it"));
        }
    }
    Ok(Head { manifest, manifest_line, tag })
}

/// Copies the next part from `r` to `out` in bounded pieces, hashing as it goes; refuses a
/// part cut short or whose SHA-256 is not the manifest's (what was written to `out` is then
/// the caller's to discard).
fn copy_part(r: &mut impl Read, part: &Part, out: &mut impl Write) -> Result<()> {
    let mut hash = crypto::Sha256Stream::new();
    let mut left = part.size;
    let mut buf = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
        let piece = buf.get_mut(..want).ok_or_else(|| damaged("a part is too large"))?;
        let n = match r.read(piece) {
            Ok(0) => return Err(damaged("a part is cut short")),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("read the backup file")(e)),
        };
        let got = piece.get(..n).ok_or_else(|| damaged("a part is cut short"))?;
        hash.update(got);
        out.write_all(got).map_err(Error::io("write a restored vault file"))?;
        left -= n as u64;
    }
    if HEXLOWER.encode(&hash.finish()) != part.sha256 {
        return Err(Error::Integrity(format!(
            "the backup is damaged or was altered: {} does not match its SHA-256",
            part.path
        )));
    }
    Ok(())
}

/// Nothing may follow the last part (the file grew after it was measured).
fn expect_end(r: &mut impl Read) -> Result<()> {
    let mut one = [0u8; 1];
    match r.read(&mut one).map_err(Error::io("read the backup file"))? {
        0 => Ok(()),
        _ => Err(damaged("its parts do not add up to its length (truncated or padded)")),
    }
}

/// Opens the backup once, without following a symbolic link and without waiting on a pipe,
/// and checks the open handle: only a regular file is read (never a device such as
/// /dev/zero, a FIFO, a socket or a folder). Returns it with its size.
fn open_backup(from: &Path) -> Result<(fs::File, u64)> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    #[cfg(windows)]
    {
        // Open a link (a reparse point) itself, never what it points to; the handle's
        // metadata then says "not a regular file" below. The check before it only gives the
        // plainer message in the common case.
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
        opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
        if fs::symlink_metadata(from).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::invalid("the backup path is a symbolic link; choose the backup file itself"));
        }
    }
    let f = opts.open(from).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return Error::invalid("the backup path is a symbolic link; choose the backup file itself");
        }
        match e.kind() {
            std::io::ErrorKind::NotFound => Error::invalid("cannot read the backup file: no such file"),
            std::io::ErrorKind::PermissionDenied => {
                Error::invalid("cannot read the backup file: permission denied")
            }
            _ => Error::io("open the backup file")(e),
        }
    })?;
    let meta = f.metadata().map_err(Error::io("read the backup file's details"))?;
    if !meta.is_file() {
        return Err(Error::invalid(
            "the backup path is not a regular file (a folder, a device or a pipe); choose the backup file itself",
        ));
    }
    Ok((f, meta.len()))
}

/// How `restore` unlocks the restored vault to verify it.
#[derive(Debug)]
pub enum Credentials<'a> {
    /// A user's passphrase as it was when the backup was made.
    Passphrase(&'a Passphrase),
    /// The recovery key; the user's passphrase is reset to `new_passphrase` in the restored vault.
    Recovery { key: &'a RecoveryKey, new_passphrase: &'a Passphrase },
}

/// Restores the backup `from` into `dir` (which must not exist or be empty), unlocking it
/// as `user` to verify it: sizes and hashes, the manifest's tag under the vault key, every
/// database page and the structure, the key slots, and the log chain up to the head the
/// backup recorded. Only then is the vault moved into place.
pub fn restore(from: &Path, dir: &Path, user: &str, passphrase: &Passphrase) -> Result<RestoreReport> {
    restore_with(from, dir, user, Credentials::Passphrase(passphrase))
}

/// [`restore`] with a choice of credentials (the recovery key works too).
pub fn restore_with(
    from: &Path,
    dir: &Path,
    user: &str,
    credentials: Credentials<'_>,
) -> Result<RestoreReport> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|_| Error::VaultExists)?;
        if entries.next().is_some() {
            return Err(Error::VaultExists);
        }
    }
    let (file, size) = open_backup(from)?;
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let head = read_head(&mut r, size)?;
    let staging = staging_beside(dir, "restore")?;
    let result = unpack_parts(&mut r, &head, &staging)
        .and_then(|()| restore_into(&head, &staging, dir, user, credentials));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Streams the parts into owner-only files in `staging`, each checked against its hash.
fn unpack_parts(r: &mut impl Read, head: &Head, staging: &Path) -> Result<()> {
    fsutil::create_private_dir(staging)?;
    fsutil::create_private_dir(&staging.join("slots"))?;
    for part in &head.manifest.parts {
        let mut f = fsutil::create_private_file(&staging.join(&part.path))?;
        copy_part(r, part, &mut f)?;
        f.sync_all().map_err(Error::io("flush a restored vault file to disk"))?;
    }
    expect_end(r)?;
    fsutil::sync_dir(&staging.join("slots"))?;
    fsutil::sync_dir(staging)
}

fn restore_into(
    parsed: &Head,
    staging: &Path,
    dir: &Path,
    user: &str,
    credentials: Credentials<'_>,
) -> Result<RestoreReport> {
    let vault = Vault::open(staging)?;
    if vault.vault_id() != parsed.manifest.vault_id {
        return Err(damaged("its manifest names another vault"));
    }
    let manifest_checks = |vault_key: &crypto::Secret32| -> Result<()> {
        let tag_key = crypto::derive_subkey(vault_key, PURPOSE)?;
        if !crypto::verify_tag(tag_key.expose(), &parsed.manifest_line, &parsed.tag) {
            return Err(damaged("its manifest does not match its vault key"));
        }
        Ok(())
    };
    let mut session = match credentials {
        Credentials::Passphrase(p) => {
            let session = vault.unlock(user, p)?;
            manifest_checks(session.vault_key())?;
            session
        }
        Credentials::Recovery { key, new_passphrase } => {
            // A recovery reset rotates the vault key: the manifest is checked with the key
            // the backup was made under, before that.
            vault.unlock_with_recovery_checked(user, key, new_passphrase, &manifest_checks)?
        }
    };
    if session.root_key() != parsed.manifest.root_key {
        return Err(damaged("its log begins with another root key than its manifest records"));
    }
    let check = session.check()?;
    if !check.ok {
        return Err(Error::Integrity(format!(
            "the restored vault does not check: {}; nothing was put in place",
            check.problems.join("; ")
        )));
    }
    let m = &parsed.manifest;
    let entries = session.log_entries(None)?;
    let at_head = entries.iter().find(|e| e.seq == m.log_entries).map(|e| e.hash.as_str());
    if at_head != Some(m.log_head.as_str()) {
        return Err(damaged("its log does not reach the head the backup recorded"));
    }
    let restored = RestoredFromBackup {
        backup_created_at: m.created_at.clone(),
        backup_log_entries: m.log_entries,
        backup_log_head: m.log_head.clone(),
    };
    session.audit(None, Event::RestoredFromBackup(restored))?;
    let report = session.verify_log()?;
    let key_slots = check.key_slots;
    drop(session);

    if dir.exists() {
        // Empty (checked above); rename refuses a directory that has filled up since.
        fs::remove_dir(dir).map_err(|_| Error::VaultExists)?;
    }
    fs::rename(staging, dir).map_err(|_| Error::VaultExists)?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fsutil::sync_dir(parent)?;
    }
    Ok(RestoreReport {
        vault: dir.display().to_string(),
        backup_created_at: m.created_at.clone(),
        log_entries: report.entries,
        log_head: report.head,
        key_slots,
        check,
    })
}
