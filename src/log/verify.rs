//! Verifying the log on every core. SQLCipher decrypts and authenticates each page on the
//! thread that reads it, and on a large log that is most of the work; so the log is cut
//! into consecutive ranges of sequence numbers, one per core, and each range is read
//! through a connection of its own and checked — order, links, hashes, who may sign, and
//! for a full verify the signatures — exactly as a single pass checks it.
//!
//! The answer is the one a single pass gives, which stops at the first entry whose
//! sequence number, link, hash, key or signature does not hold, checked in that order:
//! - **Where ranges meet.** A range checks the order and links of its own entries; the
//!   number and link of its first entry are checked here, against the last entry of the
//!   range before it that held, as a single pass would.
//! - **Who may sign.** [`Identities::admit`] needs the state the entries before a range
//!   built. Only identity entries change that state, so a pre-pass reads them (a handful,
//!   through the `log_by_event` index) and takes a copy of the state at each range's
//!   start. The copy is only trusted once the ranges before it were read in full and held
//!   and the identity entries they met are, hash for hash, the ones the pre-pass used: an
//!   index that disagrees with the table (an insider's doing) sends the verify back to a
//!   single pass over the table.
//! - **The earliest problem wins.** Ranges are taken in order: the first problem met,
//!   with the counts of the entries before it, is the answer, and no later range's
//!   finding is looked at.

use std::ops::Bound;

use data_encoding::HEXLOWER;
use rusqlite::Connection;

use super::{
    blob, genesis, identity_entries_sql, sig_message, Break, Canonical, Reopen, VerifyReport, ENTRY_COLUMNS,
};
use crate::log::identity::{Identities, IDENTITY_EVENTS};
use crate::support::crypto;
use crate::support::error::{Error, Result};

/// Below this many entries one pass on this thread is quicker than opening connections.
const PARALLEL_FROM: i64 = 8192;
/// More readers than this buy nothing on a laptop (and each holds a page cache).
const MAX_READERS: usize = 8;

/// Identity entries met, in order: sequence number and computed hash.
type Met = Vec<(i64, [u8; 32])>;

/// What reading one range found.
#[derive(Default)]
struct Outcome {
    /// Entries read that held, in order, before any problem.
    held: usize,
    /// The first entry's sequence number and stored link (checked by the caller).
    first: Option<(i64, Vec<u8>)>,
    /// The last entry that held: its sequence number and stored hash.
    last: Option<(i64, [u8; 32])>,
    /// The first problem after the first entry's number and link, and whether it was the
    /// signature's.
    problem: Option<(Break, bool)>,
    /// A storage error met while reading (reported only if no earlier problem is).
    error: Option<Error>,
    /// The identity entries that held.
    identities: Met,
    /// The root key, once entry 1 was admitted in this range.
    root: Option<[u8; 32]>,
}

/// Checks the entries with sequence numbers in `range`, from `ids` (the state the entries
/// before the range built), as one pass would; stops at the first problem.
fn check_range(
    conn: &Connection,
    range: (Bound<i64>, Bound<i64>),
    mut ids: Identities,
    signatures: bool,
) -> Outcome {
    let mut out = Outcome::default();
    if let Err(e) = read_range(conn, range, &mut ids, signatures, &mut out) {
        out.error = Some(e);
    }
    out.root = ids.root().copied();
    out
}

fn read_range(
    conn: &Connection,
    range: (Bound<i64>, Bound<i64>),
    ids: &mut Identities,
    signatures: bool,
    out: &mut Outcome,
) -> Result<()> {
    let (low, high) = range;
    let mut clauses = Vec::new();
    match low {
        Bound::Included(a) => clauses.push(format!("seq >= {a}")),
        Bound::Excluded(a) => clauses.push(format!("seq > {a}")),
        Bound::Unbounded => {}
    }
    match high {
        Bound::Included(b) => clauses.push(format!("seq <= {b}")),
        Bound::Excluded(b) => clauses.push(format!("seq < {b}")),
        Bound::Unbounded => {}
    }
    let filter = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
    let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM log_entries {filter} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut canonical = Vec::with_capacity(4096);
    while let Some(r) = rows.next()? {
        let c = Canonical::of_row(r)?;
        let seq = c.seq;
        let stored = blob(r, 10)?;
        match &out.last {
            None if out.first.is_none() => out.first = Some((seq, c.prev_hash.to_vec())),
            None => {}
            Some((last, hash)) => {
                let problem = if seq != last + 1 {
                    Some(format!("entry {} is missing (the chain goes on at entry {seq})", last + 1))
                } else if c.prev_hash != hash.as_slice() {
                    Some("its link to the previous entry is broken (an entry before it was removed, changed or moved)".into())
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let at = if seq != last + 1 { last + 1 } else { seq };
                    out.problem = Some((Break { seq: at, problem }, false));
                    return Ok(());
                }
            }
        }
        canonical.clear();
        c.write_to(&mut canonical);
        let hash = crypto::sha256(&[&canonical]);
        let fail = |problem: &str| Some((Break { seq, problem: problem.to_string() }, false));
        if hash.as_slice() != stored {
            out.problem = fail("its contents do not match its hash (the entry was changed)");
            return Ok(());
        }
        // Who may sign here is checked on every verify (the chain alone included); the
        // signature itself only on a full one.
        let e = c.entry_ref();
        let public = match ids.admit(&e) {
            Ok(public) => public,
            Err(problem) => {
                out.problem = fail(&problem);
                return Ok(());
            }
        };
        if signatures && !crypto::verify(&public, &sig_message(stored), blob(r, 8)?) {
            out.problem = Some((Break { seq, problem: "its signature does not verify".into() }, true));
            return Ok(());
        }
        if e.is_identity() {
            out.identities.push((seq, hash));
        }
        out.held += 1;
        // The stored hash, which is the computed one (checked above).
        out.last = Some((seq, hash));
    }
    Ok(())
}

/// The identity entries before `until` (through the index), each with its computed hash,
/// and the state they build, copied at each of `starts` (ascending).
fn identity_timeline(conn: &Connection, starts: &[i64], until: i64) -> Result<(Met, Vec<Identities>)> {
    let mut stmt = conn.prepare(&identity_entries_sql(&format!("AND seq < {until}")))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(IDENTITY_EVENTS.iter()))?;
    let mut ids = Identities::default();
    let mut seen = Vec::new();
    let mut copies = Vec::with_capacity(starts.len());
    while let Some(r) = rows.next()? {
        let c = Canonical::of_row(r)?;
        while copies.len() < starts.len() && starts.get(copies.len()).is_some_and(|s| *s <= c.seq) {
            copies.push(ids.clone());
        }
        seen.push((c.seq, c.hash()));
        // A problem here is the range's to report (it meets the same entry in the same
        // state); the copies after it are never trusted, as that range's answer comes first.
        let _ = ids.admit(&c.entry_ref());
    }
    while copies.len() < starts.len() {
        copies.push(ids.clone());
    }
    Ok((seen, copies))
}

/// What the ranges, taken in order, say: the report, or `None` when the copies of the
/// identity state cannot be trusted (then a single pass decides).
fn combine(
    vault_id: &str,
    signatures: bool,
    outcomes: Vec<Outcome>,
    expected_identities: &[Met],
) -> Result<Option<VerifyReport>> {
    let root = outcomes.first().and_then(|o| o.root).map(|r| HEXLOWER.encode(&r)).unwrap_or_default();
    let mut expected_seq = 1i64;
    let mut prev: Vec<u8> = genesis(vault_id).to_vec();
    let mut held = 0usize;
    let report = |held: usize, head: &[u8], found: Option<(Break, bool)>| {
        let (entries, checked) = match &found {
            None => (held, if signatures { held } else { 0 }),
            Some((_, at_signature)) => {
                (held + 1, if signatures { held + usize::from(*at_signature) } else { 0 })
            }
        };
        VerifyReport {
            entries: entries as i64,
            signatures_checked: checked as i64,
            head: HEXLOWER.encode(head),
            root_key: root.clone(),
            first_break: found.map(|(b, _)| b),
        }
    };
    for (k, o) in outcomes.into_iter().enumerate() {
        if let Some((seq, link)) = &o.first {
            let found = if *seq != expected_seq {
                Some(Break {
                    seq: expected_seq,
                    problem: format!("entry {expected_seq} is missing (the chain goes on at entry {seq})"),
                })
            } else if link.as_slice() != prev.as_slice() {
                Some(Break {
                    seq: *seq,
                    problem: "its link to the previous entry is broken (an entry before it was removed, changed or moved)"
                        .into(),
                })
            } else {
                None
            };
            if let Some(b) = found {
                return Ok(Some(report(held, &prev, Some((b, false)))));
            }
        }
        if let Some(e) = o.error {
            return Err(e);
        }
        if let Some(found) = o.problem {
            let head = o.last.map(|(_, h)| h.to_vec()).unwrap_or(prev);
            return Ok(Some(report(held + o.held, &head, Some(found))));
        }
        // The next range started from a copy of the identity state; it is the state this
        // and the earlier ranges built only if they met the identity entries the copy did.
        if expected_identities.get(k).is_some_and(|want| *want != o.identities) {
            return Ok(None);
        }
        held += o.held;
        if let Some((seq, hash)) = o.last {
            expected_seq = seq + 1;
            prev = hash.to_vec();
        }
    }
    Ok(Some(report(held, &prev, None)))
}

pub(super) fn run(
    conn: &Connection,
    vault_id: &str,
    signatures: bool,
    reopen: Option<Reopen<'_>>,
) -> Result<VerifyReport> {
    let whole = (Bound::Unbounded, Bound::Unbounded);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(MAX_READERS);
    let last: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM log_entries", [], |r| r.get(0))?;
    let single = |conn: &Connection| -> Result<VerifyReport> {
        let o = check_range(conn, whole, Identities::default(), signatures);
        combine(vault_id, signatures, vec![o], &[])?
            .ok_or_else(|| Error::Storage("the log verify could not finish".into()))
    };
    let Some(reopen) = reopen.filter(|_| cores > 1 && last >= PARALLEL_FROM) else {
        return single(conn);
    };
    // Ranges [start_k, start_k+1): the first open below (an entry numbered 0 or less is
    // a problem a single pass reports at entry 1), the last open above.
    let n = cores as i64;
    let starts: Vec<i64> = (1..n).map(|k| 1 + last * k / n).collect();
    let lows = std::iter::once(Bound::Unbounded).chain(starts.iter().map(|s| Bound::Included(*s)));
    let highs = starts.iter().map(|s| Bound::Excluded(*s)).chain(std::iter::once(Bound::Unbounded));
    let ranges: Vec<(Bound<i64>, Bound<i64>)> = lows.zip(highs).collect();
    let until = starts.last().copied().unwrap_or(last + 1);
    let (seen, copies) = identity_timeline(conn, &starts, until)?;
    // The identity entries each range but the last should meet.
    let expected: Vec<Met> = std::iter::once(i64::MIN)
        .chain(starts.iter().copied())
        .zip(starts.iter().copied())
        .map(|(low, high)| seen.iter().filter(|(s, _)| *s >= low && *s < high).copied().collect())
        .collect();

    let outcomes = std::thread::scope(|scope| -> Result<Option<Vec<Outcome>>> {
        let mut handles = Vec::new();
        for (ids, range) in copies.into_iter().zip(ranges.iter().skip(1).copied()) {
            handles.push(scope.spawn(move || -> Result<Outcome> {
                let own = reopen()?;
                Ok(check_range(&own, range, ids, signatures))
            }));
        }
        let first =
            check_range(conn, ranges.first().copied().unwrap_or(whole), Identities::default(), signatures);
        let mut outcomes = vec![first];
        for h in handles {
            match h.join() {
                Ok(Ok(o)) => outcomes.push(o),
                // A reader that could not open its connection: one pass decides instead.
                Ok(Err(_)) => return Ok(None),
                Err(_) => return Err(Error::Storage("the log verify stopped unexpectedly".into())),
            }
        }
        Ok(Some(outcomes))
    })?;
    match outcomes {
        Some(o) => match combine(vault_id, signatures, o, &expected)? {
            Some(report) => Ok(report),
            None => single(conn),
        },
        None => single(conn),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn range(first: i64, last: i64, vault_id: &str, identities: Vec<(i64, [u8; 32])>) -> Outcome {
        let link = if first == 1 { genesis(vault_id).to_vec() } else { vec![first as u8 - 1; 32] };
        Outcome {
            held: (last - first + 1) as usize,
            first: Some((first, link)),
            last: Some((last, [last as u8; 32])),
            identities,
            ..Outcome::default()
        }
    }

    #[test]
    fn copies_of_the_identity_state_are_trusted_only_when_the_ranges_met_the_same_identity_entries() {
        let id = "vault";
        let met = vec![(1, [1u8; 32]), (3, [3u8; 32])];
        // The ranges met what the pre-pass read: one report for the whole log.
        let r = combine(
            id,
            false,
            vec![range(1, 4, id, met.clone()), range(5, 9, id, vec![])],
            std::slice::from_ref(&met),
        )
        .unwrap()
        .unwrap();
        assert_eq!((r.entries, r.first_break), (9, None));
        assert_eq!(r.head, HEXLOWER.encode(&[9u8; 32]));
        // A first range met an identity entry the index did not give the pre-pass (or
        // another one): the next range's copy is not trusted, and a single pass decides.
        let more = vec![(1, [1u8; 32]), (2, [2u8; 32]), (3, [3u8; 32])];
        let other = vec![(1, [1u8; 32]), (3, [4u8; 32])];
        for seen in [more, other, vec![(1, [1u8; 32])]] {
            let r = combine(
                id,
                false,
                vec![range(1, 4, id, seen), range(5, 9, id, vec![])],
                std::slice::from_ref(&met),
            );
            assert!(r.unwrap().is_none());
        }
        // Ranges that do not meet: entry 5 is reported missing where the next one begins.
        let r = combine(id, true, vec![range(1, 4, id, met.clone()), range(6, 9, id, vec![])], &[met])
            .unwrap()
            .unwrap();
        let b = r.first_break.unwrap();
        assert_eq!((b.seq, r.entries, r.signatures_checked), (5, 5, 4));
        assert_eq!(b.problem, "entry 5 is missing (the chain goes on at entry 6)");
        assert_eq!(r.head, HEXLOWER.encode(&[4u8; 32]));
    }
}
