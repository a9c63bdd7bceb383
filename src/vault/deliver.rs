//! Delivering an export so that the file and its disclosure record stand or fall together,
//! whatever happens to the process, on any filesystem.
//!
//! 1. [`stage`] — in the transaction that appends the disclosure record, a `pending_exports`
//!    row says where the file goes and what it must hash to. The commit comes **before**
//!    the file exists, so there is never a file without a committed record.
//! 2. [`write_file`] — the file is created with `create_new` (never replacing anything),
//!    its identity (device and inode) recorded in the row *before* a byte is written, then
//!    written, flushed and its folder flushed. No temporary copy and no hard link: a FAT or
//!    exFAT stick takes it, and nothing hidden is left beside it.
//! 3. [`finish`] — the row goes. If the write failed, the file (ours) is removed and an
//!    `export_failed` audit entry says the record's file was never delivered.
//!
//! A crash between 1 and 3 leaves the row. [`settle`], run at every unlock, ends it: a
//! complete file (our identity, the recorded hash) is confirmed; a file of ours cut short
//! is removed; a missing file, or one at the path that is not ours, is left alone; each
//! record whose file did not complete gets an `export_incomplete` audit entry (decision id
//! and what became of the file; never the path).

use std::fs;
use std::io::Write;
use std::path::Path;

use data_encoding::HEXLOWER;
use rusqlite::{params, Connection, Transaction};

use crate::log::event::ExportEnded;
use crate::log::{self, Event, Signer};
use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::support::fsutil;

/// Records, inside the record's own transaction, that `decision`'s file is still to come.
pub(crate) fn stage(tx: &Transaction<'_>, decision: i64, path: &Path, sha256: &str) -> Result<()> {
    let path = path.to_str().ok_or_else(|| Error::invalid("the output file's name is not valid text"))?;
    tx.execute(
        "INSERT INTO pending_exports (decision, path, sha256) VALUES (?1, ?2, ?3)",
        params![decision, path, sha256],
    )?;
    Ok(())
}

/// Creates `path` (refusing to replace anything), notes which file it is, then writes and
/// flushes `bytes`. On failure after creating it, removes it: it is ours.
pub(crate) fn write_file(conn: &Connection, decision: i64, path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = fsutil::create_private_file(path).map_err(|_| {
        Error::invalid("cannot create the output file (it may exist already, or the folder is not writable)")
    })?;
    let written = (|| {
        let (dev, ino) = fsutil::file_identity(&f).map_err(Error::io("inspect the export file"))?;
        conn.execute(
            "UPDATE pending_exports SET dev = ?1, ino = ?2 WHERE decision = ?3",
            params![dev, ino, decision],
        )?;
        f.write_all(bytes).map_err(Error::io("write the export"))?;
        f.sync_all().map_err(Error::io("flush the export to disk"))?;
        fsutil::sync_dir(fsutil::parent_dir(path))
    })();
    if written.is_err() {
        drop(f);
        let _ = fs::remove_file(path);
    }
    written
}

/// Ends the pending row, inside the caller's transaction: delivered, or (when `failed`)
/// never delivered, which the log says.
pub(crate) fn finish(
    tx: &Transaction<'_>,
    vault_id: &str,
    signer: &Signer,
    decision: i64,
    client: Option<i64>,
    failed: bool,
) -> Result<()> {
    tx.execute("DELETE FROM pending_exports WHERE decision = ?1", [decision])?;
    if failed {
        let ended = ExportEnded { decision, file: "not delivered".into() };
        log::append_event(tx, vault_id, signer, client, &Event::ExportFailed(ended))?;
    }
    Ok(())
}

/// What became of a file a crash interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Complete: our file, the recorded hash. Nothing to say.
    Complete,
    /// Our file, cut short: removed.
    Removed,
    /// No file at the path.
    Missing,
    /// A file at the path that Casekeep did not write (or cannot prove it did): left alone.
    NotOurs,
}

fn inspect(path: &Path, sha256: &str, identity: Option<(i64, i64)>) -> Outcome {
    let Ok(meta) = fs::symlink_metadata(path) else { return Outcome::Missing };
    let ours = match identity {
        Some(noted) => fsutil::path_identity(path, &meta) == Some(noted),
        // Created but not yet noted: only an empty file can be that one (removing an empty
        // file loses nothing even if it was someone else's).
        None => meta.is_file() && meta.len() == 0,
    };
    if !ours {
        return Outcome::NotOurs;
    }
    let complete =
        identity.is_some() && fs::read(path).is_ok_and(|b| HEXLOWER.encode(&crypto::sha256(&[&b])) == sha256);
    if complete {
        Outcome::Complete
    } else if fs::remove_file(path).is_ok() {
        Outcome::Removed
    } else {
        Outcome::NotOurs
    }
}

/// At unlock: ends every export a crash left pending. Returns how many records' files did
/// not complete (each now has an `export_incomplete` audit entry).
pub(crate) fn settle(conn: &mut Connection, vault_id: &str, signer: &Signer) -> Result<usize> {
    type Row = (i64, String, String, Option<i64>, Option<i64>);
    let rows: Vec<Row> = {
        let mut stmt =
            conn.prepare("SELECT decision, path, sha256, dev, ino FROM pending_exports ORDER BY decision")?;
        let it = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        it.collect::<rusqlite::Result<_>>()?
    };
    let mut incomplete = 0;
    for (decision, path, sha256, dev, ino) in rows {
        let outcome = inspect(Path::new(&path), &sha256, dev.zip(ino));
        let client: Option<i64> = conn
            .query_row("SELECT client_id FROM log_entries WHERE seq = ?1", [decision], |r| r.get(0))
            .unwrap_or(None);
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM pending_exports WHERE decision = ?1", [decision])?;
        if outcome != Outcome::Complete {
            let file = match outcome {
                Outcome::Removed => "incomplete file removed",
                Outcome::Missing => "no file",
                _ => "a file Casekeep did not write is at that name; it was left alone",
            };
            let ended = ExportEnded { decision, file: file.into() };
            log::append_event(&tx, vault_id, signer, client, &Event::ExportIncomplete(ended))?;
            incomplete += 1;
        }
        tx.commit()?;
    }
    Ok(incomplete)
}
