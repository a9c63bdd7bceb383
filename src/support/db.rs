//! Opening the SQLCipher database: key, proof of encryption, pragmas, migrations.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use data_encoding::HEXLOWER;
use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::support::crypto::Secret32;
use crate::support::error::{Error, Result, WRONG_KEY};

pub const DB_FILE: &str = "casekeep.db";

/// Embedded, numbered migrations; each runs in one transaction.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_caseload_columns.sql")),
    (3, include_str!("../../migrations/0003_case_status.sql")),
    (4, include_str!("../../migrations/0004_log_by_kind.sql")),
    (5, include_str!("../../migrations/0005_pending_exports.sql")),
    (6, include_str!("../../migrations/0006_log_by_event.sql")),
    (7, include_str!("../../migrations/0007_client_keys.sql")),
    (8, include_str!("../../migrations/0008_drafts.sql")),
    (9, include_str!("../../migrations/0009_signed_drafts.sql")),
    (10, include_str!("../../migrations/0010_record_anchors.sql")),
];

pub fn latest_version() -> u32 {
    MIGRATIONS.last().map(|(v, _)| *v).unwrap_or(0)
}

const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// True when the file begins with SQLite's plaintext header (i.e. is NOT encrypted).
pub fn has_plaintext_header(path: &Path) -> Result<bool> {
    let mut head = [0u8; 16];
    let mut f = File::open(path).map_err(Error::io("open the vault database"))?;
    let mut n = 0;
    while n < head.len() {
        let r =
            f.read(head.get_mut(n..).unwrap_or_default()).map_err(Error::io("read the vault database"))?;
        if r == 0 {
            break;
        }
        n += r;
    }
    Ok(n == 16 && &head == PLAIN_HEADER)
}

/// Opens (or, with `create`, initialises) the vault database with its raw key and proves,
/// before anything else is read, that SQLCipher is doing the work.
pub fn open(path: &Path, key: &Secret32, create: bool) -> Result<Connection> {
    if !create && has_plaintext_header(path)? {
        return Err(Error::Integrity(
            "the vault database is not encrypted (it has a plaintext SQLite header); refusing to use it"
                .into(),
        ));
    }
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(path, flags)?;
    process_wide_settings(&conn)?;

    // SQLCipher's raw-key form: x'<64 hex digits>' skips its own PBKDF2. Built in buffers
    // allocated once at their final size: a growing `format!` would free (unwiped) copies
    // of the partial key along the way.
    let hex = Zeroizing::new(HEXLOWER.encode(key.expose()));
    let mut pragma = Zeroizing::new(String::with_capacity(hex.len() + 20));
    pragma.push_str("PRAGMA key = \"x'");
    pragma.push_str(&hex);
    pragma.push_str("'\";");
    drop(hex);
    conn.execute_batch(&pragma)?;
    drop(pragma);

    let cipher_version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if cipher_version.as_deref().is_none_or(str::is_empty) {
        return Err(Error::Integrity(
            "this build is not talking to SQLCipher (PRAGMA cipher_version gave no answer); refusing to store anything".into(),
        ));
    }
    // Pin the SQLCipher 4 format so a later library with other defaults still opens it.
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;

    // The first real read proves the key (a wrong key fails here with "not a database").
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;

    configure(&conn, path)?;
    if has_plaintext_header(path)? {
        return Err(Error::Integrity("the vault database was written without encryption".into()));
    }
    Ok(conn)
}

/// A connection opened for one pass over the log (the verify's extra readers): a small
/// page cache, as a pass reads each page once and every page the cache holds is an
/// allocation SQLCipher wipes and locks in memory.
pub fn reader(conn: Connection) -> Result<Connection> {
    conn.execute_batch("PRAGMA cache_size = -2048;")?;
    Ok(conn)
}

/// Whether `open` failed because the key does not open the file (SQLite's "not a
/// database"), as opposed to any other refusal.
pub fn is_wrong_key(e: &Error) -> bool {
    matches!(e, Error::Integrity(m) if m == WRONG_KEY)
}

/// Re-encrypts every page of the open database under `new_key` (SQLCipher's
/// `PRAGMA rekey`, one transaction), then folds the write-ahead log back into the file
/// and truncates it, so no page under the old key is left in the WAL.
pub fn rekey(conn: &Connection, new_key: &Secret32) -> Result<()> {
    let hex = Zeroizing::new(HEXLOWER.encode(new_key.expose()));
    let mut pragma = Zeroizing::new(String::with_capacity(hex.len() + 22));
    pragma.push_str("PRAGMA rekey = \"x'");
    pragma.push_str(&hex);
    pragma.push_str("'\";");
    drop(hex);
    conn.execute_batch(&pragma)?;
    drop(pragma);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0))?;
    // Proves the connection now reads under the new key.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// The pragmas every vault connection runs with, then the migrations.
fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let cache_kib = (size / 1024 + size / 4096).clamp(8 * 1024, 64 * 1024);
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;
         PRAGMA cache_size = -{cache_kib};"
    ))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage("the database could not switch to write-ahead logging".into()));
    }
    migrate(conn)
}

/// BENCHMARKS ONLY (feature `bench`, which no shipped build enables): opens an existing
/// database WITHOUT a key, with the same pragmas and migrations as [`open`], so that one
/// workload can be measured on an encrypted vault and on its plain twin. See
/// docs/ARCHITECTURE.md ("An unkeyed database only in bench builds").
#[cfg(feature = "bench")]
pub fn open_plain(path: &Path) -> Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    configure(&conn, path)?;
    Ok(conn)
}

/// SQLCipher's process-wide settings, made before the key is given:
/// - memory security: every allocation SQLite frees (decrypted pages, keys, statements
///   holding record values) is wiped, and locked out of swap where the system allows; it
///   cannot be turned off again (its cost is measured in docs/SECURITY.md);
/// - no logging: SQLCipher would otherwise print its own lines to stderr (e.g. on a damaged
///   page), breaking the CLI's one-line refusal. The refusal itself is our coded error.
fn process_wide_settings(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    #[cfg(feature = "test-hooks")]
    if test_hooks::MEMORY_SECURITY_OFF.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    conn.execute_batch("PRAGMA cipher_memory_security = ON;")?;
    Ok(())
}

#[cfg(feature = "test-hooks")]
/// Test hook (never in a shipped build): lets the benchmark in tests/memory_security.rs
/// measure the same workload without memory security, in a process of its own.
pub mod test_hooks {
    use std::sync::atomic::{AtomicBool, Ordering};

    pub(super) static MEMORY_SECURITY_OFF: AtomicBool = AtomicBool::new(false);

    pub fn leave_memory_security_off() {
        MEMORY_SECURITY_OFF.store(true, Ordering::Relaxed);
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let latest = latest_version();
    if current > latest {
        return Err(Error::TooNew {
            what: "database schema",
            found: u64::from(current),
            supported: u64::from(latest),
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        conn.execute_batch("BEGIN IMMEDIATE;")?;
        let applied = conn
            .execute_batch(sql)
            .and_then(|_| conn.execute_batch(&format!("PRAGMA user_version = {version};")));
        match applied {
            Ok(()) => conn.execute_batch("COMMIT;")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK;");
                return Err(e.into());
            }
        }
    }
    Ok(())
}

/// SQLCipher's page-level HMAC check plus SQLite's own structural checks.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        problems.push(format!("cipher: {}", r?));
    }
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let r = r?;
        if r != "ok" {
            problems.push(format!("sqlite: {r}"));
        }
    }
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if fk > 0 {
        problems.push(format!("sqlite: {fk} rows break foreign keys"));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::crypto;

    #[test]
    fn rekey_moves_every_page_to_the_new_key() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::io("make a temporary directory"))?;
        let path = dir.path().join(DB_FILE);
        drop(crate::support::fsutil::create_private_file(&path)?);
        let old = crypto::make_secret()?;
        let new = crypto::make_secret()?;
        {
            let conn = open(&path, &old, true)?;
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'before')", [])?;
            rekey(&conn, &new)?;
            conn.execute("INSERT INTO meta (key, value) VALUES ('k2', 'after')", [])?;
        }
        assert!(open(&path, &old, false).is_err(), "the old key still opens the database");
        let conn = open(&path, &new, false)?;
        let n: i64 =
            conn.query_row("SELECT count(*) FROM meta WHERE key IN ('k', 'k2')", [], |r| r.get(0))?;
        assert_eq!(n, 2);
        Ok(())
    }
}
