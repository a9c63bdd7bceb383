//! The log verify reads on one thread and hashes and checks signatures in batches (of
//! 2,048 entries) on others: a problem deep in a long log, in any batch, is reported
//! exactly as a single pass reports it, by the full verify and by the chain-only one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use casekeep::bench::{self, Storage};

fn tampered(sql: &str) -> (casekeep::log::VerifyReport, casekeep::log::VerifyReport) {
    let dir = tempfile::tempdir().unwrap();
    let fx = bench::fixture(dir.path(), 45, 3, &mut |_| {}).unwrap();
    assert!(fx.log_entries > 5_000, "{}", fx.log_entries);
    let mut s = fx.unlock(Storage::Encrypted).unwrap();
    let clean = s.verify_log().unwrap();
    assert!(clean.first_break.is_none());
    assert_eq!(clean.signatures_checked, clean.entries);
    let conn = s.raw_connection();
    conn.execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;").unwrap();
    conn.execute_batch(sql).unwrap();
    let full = s.verify_log().unwrap();
    let chain = bench::verify_chain_only(&s).unwrap();
    (full, chain)
}

#[test]
fn problems_in_later_batches_are_located_as_a_single_pass_would() {
    // An edited body in the third batch.
    let (full, chain) = tampered("UPDATE log_entries SET body = 'tampered-1' WHERE seq = 4500");
    for r in [&full, &chain] {
        let b = r.first_break.as_ref().unwrap();
        assert_eq!((b.seq, r.entries), (4500, 4500));
        assert!(b.problem.contains("do not match its hash"), "{}", b.problem);
    }
    assert_eq!(full.signatures_checked, 4499);
    assert_eq!(full.head, chain.head);

    // A deleted entry: reported at the missing number.
    let (full, chain) = tampered("DELETE FROM log_entries WHERE seq = 2100");
    for r in [&full, &chain] {
        let b = r.first_break.as_ref().unwrap();
        assert_eq!((b.seq, r.entries), (2100, 2100));
        assert!(b.problem.contains("missing"), "{}", b.problem);
    }

    // A forged signature: only the full verify sees it; the chain holds.
    let (full, chain) = tampered("UPDATE log_entries SET signature = zeroblob(64) WHERE seq = 3333");
    let b = full.first_break.as_ref().unwrap();
    assert_eq!((b.seq, full.entries, full.signatures_checked), (3333, 3333, 3333));
    assert!(b.problem.contains("signature"), "{}", b.problem);
    assert!(chain.first_break.is_none());

    // Two problems: the earlier one wins, whichever thread finds it.
    let (full, chain) = tampered(
        "UPDATE log_entries SET signature = zeroblob(64) WHERE seq = 5000; UPDATE log_entries SET body = 'tampered-2' WHERE seq = 700",
    );
    assert_eq!(full.first_break.as_ref().unwrap().seq, 700);
    assert_eq!(chain.first_break.as_ref().unwrap().seq, 700);
}
