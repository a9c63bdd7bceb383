//! Owner-only files, atomic replacement and bounded reads.
//!
//! "Owner-only" is 0700 for a folder and 0600 for a file on Unix. On Windows it is a
//! protected DACL with one entry, full control for the current user, inherited by what is
//! created inside a folder (`casekeep_winsec`, the workspace's one crate with `unsafe`).

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

use crate::support::crypto::make_random_bytes;
use crate::support::error::{Error, Result};

#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;

/// Makes `path` (a folder when `is_dir`) its owner's alone.
#[cfg(unix)]
fn restrict(path: &Path, is_dir: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(if is_dir { DIR_MODE } else { FILE_MODE }))
}
#[cfg(windows)]
fn restrict(path: &Path, _is_dir: bool) -> std::io::Result<()> {
    casekeep_winsec::restrict_to_current_user(path)
}

/// Whether `path` (whose metadata, not following links, is `meta`) is its owner's alone.
#[cfg(unix)]
fn is_restricted(_path: &Path, meta: &fs::Metadata) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    Ok(meta.permissions().mode() & 0o777 == if meta.is_dir() { DIR_MODE } else { FILE_MODE })
}
#[cfg(windows)]
fn is_restricted(path: &Path, _meta: &fs::Metadata) -> std::io::Result<bool> {
    casekeep_winsec::is_restricted_to_current_user(path).map(|r| r.no_one_else && r.protected)
}

/// Options that create a file its owner's alone on Unix (mode 0600 from the first byte). On
/// Windows a file created in the vault folder inherits the folder's owner-only entry; one
/// created elsewhere is restricted by [`create_private_file`] before anything is written.
pub fn private_open_options() -> OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut o = OpenOptions::new();
        o.mode(FILE_MODE);
        o
    }
    #[cfg(not(unix))]
    OpenOptions::new()
}

/// Which file an open file is, for as long as it exists: device and inode on Unix, volume
/// serial number and file index on Windows (stored as SQLite integers: bit-for-bit casts).
pub fn file_identity(f: &File) -> std::io::Result<(i64, i64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = f.metadata()?;
        Ok((meta.dev() as i64, meta.ino() as i64))
    }
    #[cfg(windows)]
    {
        casekeep_winsec::file_identity(f).map(|(volume, index)| (volume as i64, index as i64))
    }
}

/// As [`file_identity`], for the regular file at `path` whose metadata (not following links)
/// is `meta`; `None` when it is not a regular file or cannot be read.
pub fn path_identity(path: &Path, meta: &fs::Metadata) -> Option<(i64, i64)> {
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        Some((meta.dev() as i64, meta.ino() as i64))
    }
    #[cfg(windows)]
    {
        File::open(path).ok().and_then(|f| file_identity(&f).ok())
    }
}

/// Creates `dir` (and missing parents) and makes `dir` itself owner-only.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(Error::io("create the vault directory"))?;
    restrict(dir, true).map_err(Error::io("restrict the vault directory to its owner"))
}

/// Creates a new, empty owner-only file; fails if it exists.
pub fn create_private_file(path: &Path) -> Result<File> {
    let f = private_open_options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Error::io("create a vault file"))?;
    #[cfg(windows)]
    if let Err(e) = restrict(path, false) {
        drop(f);
        let _ = fs::remove_file(path);
        return Err(Error::io("restrict a new file to its owner")(e));
    }
    Ok(f)
}

/// Writes `bytes` to `path` so that a reader sees either the old or the new content,
/// never a mixture, even after a crash: temp file, fsync, rename, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().ok_or_else(|| Error::invalid("a vault file has no parent directory"))?;
    let suffix = make_random_bytes::<6>()?;
    let tmp = dir.join(format!(".tmp-{}", data_encoding::HEXLOWER.encode(&suffix)));
    let result = (|| {
        let mut f = create_private_file(&tmp)?;
        f.write_all(bytes).map_err(Error::io("write a vault file"))?;
        f.sync_all().map_err(Error::io("flush a vault file to disk"))?;
        fs::rename(&tmp, path).map_err(Error::io("replace a vault file"))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Temporary files of [`write_atomic`] older than this are left over from a process that
/// was killed mid-write (a write takes milliseconds), not another process's write in flight.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Whether `name` is one of [`write_atomic`]'s temporary names (`.tmp-` and 12 hex digits).
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(".tmp-")
        .is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// Whether `meta` is of a temporary file of [`write_atomic`] a killed process left behind:
/// one of its names, at least [`STALE_TEMP_AGE`] old.
fn is_stale_temp_file(name: &std::ffi::OsStr, meta: &fs::Metadata) -> bool {
    meta.is_file()
        && name.to_str().is_some_and(is_temp_name)
        && meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age >= STALE_TEMP_AGE)
}

/// The folder a file is in: its parent, or "." for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Flushes a folder's entries (a new or renamed file's name) to disk. On Windows there is no
/// such call (a folder cannot be opened as a file without special flags): NTFS journals its
/// metadata, so after a crash a rename has happened or not, never half — the guarantee
/// [`write_atomic`] needs — but a rename just before a power cut may be the one undone.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir).and_then(|d| d.sync_all()).map_err(Error::io("flush the vault directory to disk"))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Reads at most `limit` bytes; a larger file is refused without being loaded.
pub fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let f =
        File::open(path).map_err(|e| Error::Invalid(format!("cannot read the {what}: {}", io_reason(&e))))?;
    read_bounded_from(f, limit, what)
}

pub fn read_bounded_from(r: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::Invalid(format!("cannot read the {what}: {}", io_reason(&e))))?;
    if buf.len() as u64 > limit {
        return Err(Error::Invalid(format!("the {what} is too large (the limit is {})", human_size(limit))));
    }
    Ok(buf)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Makes every entry of the vault directory owner-only (SQLite gives -wal and -shm the
/// database's mode, but a copied-in vault may carry looser modes), and, in the same pass,
/// removes the temporary files a kill inside [`write_atomic`] left behind (see
/// [`is_stale_temp_file`]). Those hold the new content of a key slot or the attempts file
/// that was never renamed into place: a key slot wrapped under a passphrase that may since
/// have been changed must not outlive the change. Removing them is best effort: one that
/// cannot be removed now is tried again at the next open.
pub fn tidy_vault_dir(dir: &Path) -> Result<()> {
    restrict(dir, true).map_err(Error::io("restrict the vault directory to its owner"))?;
    let mut removed = false;
    for entry in fs::read_dir(dir).map_err(Error::io("list the vault directory"))? {
        let entry = entry.map_err(Error::io("list the vault directory"))?;
        removed |= tidy_entry(&entry)?;
    }
    if removed {
        let _ = sync_dir(dir);
    }
    Ok(())
}

/// One entry of [`tidy_vault_dir`]; whether it was a stale temporary file, now removed. An
/// entry gone since the folder was listed is no error: another process may have renamed its
/// temporary file into place, or SQLite removed a journal as another process closed the
/// database (both seen when several processes open one vault at once).
fn tidy_entry(entry: &fs::DirEntry) -> Result<bool> {
    let Some(meta) = unless_gone(entry.metadata(), "inspect a vault file")? else { return Ok(false) };
    // `metadata` here does not follow links; changing a link's mode would change its
    // target's, outside the vault. Casekeep never makes links, so one is refused.
    if meta.file_type().is_symlink() {
        return Err(Error::Integrity(
            "the vault folder contains a symbolic link, which Casekeep never makes; remove it and try again"
                .into(),
        ));
    }
    if is_stale_temp_file(&entry.file_name(), &meta) {
        return Ok(fs::remove_file(entry.path()).is_ok());
    }
    let Some(restricted) = unless_gone(is_restricted(&entry.path(), &meta), "inspect a vault file")? else {
        return Ok(false);
    };
    if !restricted
        && unless_gone(restrict(&entry.path(), meta.is_dir()), "restrict a vault file to its owner")?
            .is_none()
    {
        return Ok(false);
    }
    if meta.is_dir() {
        tidy_vault_dir(&entry.path())?;
    }
    Ok(false)
}

/// `r`'s value, or `None` where the file is not found (gone since its folder was listed).
fn unless_gone<T>(r: std::io::Result<T>, context: &'static str) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(context)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another process's temporary file renamed into place, or a journal SQLite removed,
    /// between the listing and the look at the entry: skipped, not an error that refuses the
    /// unlock.
    #[test]
    fn an_entry_gone_since_the_listing_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in [".tmp-0123456789ab", "vault.db-journal", "kept"] {
            write_atomic(&dir.join(name), b"x").unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.join("kept"), fs::Permissions::from_mode(0o644)).unwrap();
        }
        let entries: Vec<fs::DirEntry> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        fs::remove_file(dir.join(".tmp-0123456789ab")).unwrap();
        fs::remove_file(dir.join("vault.db-journal")).unwrap();
        for entry in &entries {
            assert!(!tidy_entry(entry).unwrap(), "nothing stale here");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join("kept")).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, FILE_MODE, "the file still there is restricted all the same");
        }
    }
}
