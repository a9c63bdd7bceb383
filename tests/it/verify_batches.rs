//! The log verify reads the log in ranges, one per core, each through its own connection
//! (`src/log/verify.rs`): a problem anywhere — inside a range, on either side of the place
//! where two ranges meet, in two ranges at once — is reported exactly as a single pass
//! reports it, by the full verify and by the chain-only one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use casekeep::bench::{self, Storage};
use casekeep::log::VerifyReport;

/// Where the ranges begin on this machine (the verify's own rule: one range per core, at
/// most 8, cut evenly by sequence number).
fn range_starts(last: i64) -> Vec<i64> {
    let n = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8) as i64;
    (1..n).map(|k| 1 + last * k / n).collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

struct Log {
    root: tempfile::TempDir,
    /// The entries of a copy once unlocked (the unlock adds its own).
    entries: i64,
}

impl Log {
    fn new() -> Log {
        let root = tempfile::tempdir().unwrap();
        // Enough entries that the verify reads in ranges (it does from 8,192 entries).
        let fx = bench::fixture(root.path(), 80, 3, &mut |_| {}).unwrap();
        assert!(fx.log_entries > 9_000, "{}", fx.log_entries);
        let s = fx.unlock(Storage::Encrypted).unwrap();
        let clean = s.verify_log().unwrap();
        assert!(clean.first_break.is_none(), "{:?}", clean.first_break);
        // Every entry, the unlock's own included.
        assert!(clean.entries > fx.log_entries);
        assert_eq!(clean.signatures_checked, clean.entries);
        drop(s);
        let mut log = Log { root, entries: 0 };
        let (_dir, mut s) = log.copy();
        log.entries =
            s.raw_connection().query_row("SELECT max(seq) FROM log_entries", [], |r| r.get(0)).unwrap();
        log
    }

    /// A copy of the vault, unlocked.
    fn copy(&self) -> (tempfile::TempDir, casekeep::Session) {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(self.root.path(), copy.path());
        let fx = bench::fixture(copy.path(), 80, 3, &mut |_| {}).unwrap();
        assert!(!fx.built, "the copy is used as it is");
        let s = fx.unlock(Storage::Encrypted).unwrap();
        (copy, s)
    }

    /// The full verify and the chain-only verify of a copy of the vault changed by `sql`.
    fn tampered(&self, sql: &str) -> (VerifyReport, VerifyReport) {
        let (_dir, mut s) = self.copy();
        let conn = s.raw_connection();
        conn.execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;")
            .unwrap();
        conn.execute_batch(sql).unwrap();
        let full = s.verify_log().unwrap();
        let chain = bench::verify_chain_only(&s).unwrap();
        (full, chain)
    }
}

fn broken_at(r: &VerifyReport) -> (i64, i64, &str) {
    let b = r.first_break.as_ref().expect("a break");
    (b.seq, r.entries, b.problem.as_str())
}

#[test]
fn problems_anywhere_are_located_as_a_single_pass_would() {
    let log = Log::new();
    let starts = range_starts(log.entries);
    // Inside the first range, inside the last, and on both sides of every meeting place.
    let mut places = vec![4500, log.entries - 3];
    for s in &starts {
        places.extend([s - 1, *s, s + 1]);
    }
    for seq in places {
        let (full, chain) =
            log.tampered(&format!("UPDATE log_entries SET body = 'tampered' WHERE seq = {seq}"));
        for r in [&full, &chain] {
            let (at, entries, problem) = broken_at(r);
            assert_eq!((at, entries), (seq, seq), "body changed at {seq}");
            assert!(problem.contains("do not match its hash"), "{problem}");
        }
        assert_eq!(full.signatures_checked, seq - 1);
        assert_eq!(full.head, chain.head);
    }
}

#[test]
fn missing_entries_and_broken_links_where_ranges_meet() {
    let log = Log::new();
    let starts = range_starts(log.entries);
    let meet = starts.first().copied().unwrap_or(log.entries / 2);
    // The first entry of a range deleted: the single pass names it as missing.
    for seq in [2100, meet - 1, meet] {
        let (full, chain) = log.tampered(&format!("DELETE FROM log_entries WHERE seq = {seq}"));
        for r in [&full, &chain] {
            let (at, entries, problem) = broken_at(r);
            assert_eq!((at, entries), (seq, seq));
            assert_eq!(problem, format!("entry {seq} is missing (the chain goes on at entry {})", seq + 1));
        }
    }
    // Every entry of the range after the meeting place gone, up to the end: the log just
    // ends there, as a single pass sees it (a truncation is the anchor's to catch).
    let (full, chain) = log.tampered(&format!("DELETE FROM log_entries WHERE seq >= {meet}"));
    for r in [&full, &chain] {
        assert!(r.first_break.is_none());
        assert_eq!(r.entries, meet - 1);
    }
    // A link changed on the first entry of a range (and its hash made to match would need
    // the signature too; here the link alone).
    let (full, chain) =
        log.tampered(&format!("UPDATE log_entries SET prev_hash = zeroblob(32) WHERE seq = {meet}"));
    for r in [&full, &chain] {
        let (at, _, problem) = broken_at(r);
        assert_eq!(at, meet);
        assert!(problem.contains("link"), "{problem}");
    }
    // An entry numbered 0 slipped in before the first: entry 1 is reported missing, as a
    // single pass reports it.
    let (full, _) = log.tampered(
        "INSERT INTO log_entries (seq, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash)
         SELECT 0, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash FROM log_entries WHERE seq = 1",
    );
    let (at, entries, problem) = broken_at(&full);
    assert_eq!((at, entries), (1, 1));
    assert!(problem.contains("entry 1 is missing (the chain goes on at entry 0)"), "{problem}");
}

#[test]
fn signatures_and_the_earliest_of_two_problems() {
    let log = Log::new();
    let last_range = range_starts(log.entries).last().copied().unwrap_or(1) + 10;
    // A forged signature in the last range: only the full verify sees it; the chain holds.
    let (full, chain) =
        log.tampered(&format!("UPDATE log_entries SET signature = zeroblob(64) WHERE seq = {last_range}"));
    assert_eq!(
        (broken_at(&full).0, full.entries, full.signatures_checked),
        (last_range, last_range, last_range)
    );
    assert!(broken_at(&full).2.contains("signature"));
    assert!(chain.first_break.is_none());
    assert_eq!(chain.entries, log.entries);

    // Two problems in different ranges: the earlier one wins, whichever reader finds it.
    let (full, chain) = log.tampered(&format!(
        "UPDATE log_entries SET signature = zeroblob(64) WHERE seq = {last_range}; UPDATE log_entries SET body = 'tampered-2' WHERE seq = 700",
    ));
    assert_eq!(broken_at(&full).0, 700);
    assert_eq!(broken_at(&chain).0, 700);
}
