//! Verifying the log on more than one core: this thread reads the entries (SQLite, and
//! SQLCipher's page decryption) and checks their order and links; worker threads hash
//! each entry's canonical bytes and, for a full verify, check its signature.
//!
//! The answer is the one a single pass gives. A single pass stops at the first entry `i`
//! whose sequence number, link, hash, key or signature does not hold, checked in that
//! order. Here the reader checks the link of entry `i` against the *stored* hash of entry
//! `i-1`; while every entry before `i` holds, that stored hash is the computed one, so the
//! check is the same. The earliest problem found by anyone wins (the reader's sequence and
//! link problems come first at the same entry, as in a single pass), and the counts are
//! those of a single pass up to that entry.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use data_encoding::HEXLOWER;
use rusqlite::Connection;

use super::{blob, genesis, sig_message, Break, Canonical, VerifyReport, ENTRY_COLUMNS};
use crate::crypto;
use crate::error::{Error, Result};
use crate::identity::{EntryRef, Identities};

/// Entries per batch handed to a worker.
const BATCH: usize = 2048;

/// What a worker checks about one entry; byte ranges index the batch's buffer.
struct Item {
    /// Position in the log (0 = the first entry read).
    index: usize,
    seq: i64,
    canonical: Range<usize>,
    hash: Range<usize>,
    /// For a full verify: the signer's public key (bytes of the batch), or why no key may
    /// sign this entry here (the rules of `identity.rs`).
    key: std::result::Result<Range<usize>, String>,
    signature: Range<usize>,
}

struct Batch {
    bytes: Vec<u8>,
    items: Vec<Item>,
}

/// The earliest problem: its entry's position, whether it was the signature's, and the break.
type Found = Option<(usize, bool, Break)>;

fn earlier(a: Found, b: Found) -> Found {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn check_batch(b: &Batch, signatures: bool) -> Found {
    let bytes = |r: &Range<usize>| b.bytes.get(r.clone()).unwrap_or_default();
    for it in &b.items {
        let fail = |problem: &str| Break { seq: it.seq, problem: problem.to_string() };
        let hash = bytes(&it.hash);
        if crypto::sha256(&[bytes(&it.canonical)]).as_slice() != hash {
            return Some((
                it.index,
                false,
                fail("its contents do not match its hash (the entry was changed)"),
            ));
        }
        match &it.key {
            Err(problem) => return Some((it.index, false, fail(problem))),
            Ok(k) if signatures => {
                if !crypto::verify(bytes(k), &sig_message(hash), bytes(&it.signature)) {
                    return Some((it.index, true, fail("its signature does not verify")));
                }
            }
            Ok(_) => {}
        }
    }
    None
}

pub(super) fn run(conn: &Connection, vault_id: &str, signatures: bool) -> Result<VerifyReport> {
    // Who may sign what, rebuilt from the log as it is read (never from the tables).
    let mut ids = Identities::default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    // The chain alone: hashing is ≈ 10 % of the work (SHA-NI) and handing it to another
    // thread cost more than it saved (measured), so this thread hashes too. Signatures cost
    // ≈ 50× a hash: then every core verifies and this thread mostly reads.
    let inline = !signatures || cores < 2;
    let workers = if inline { 0 } else { cores };
    let stop = AtomicBool::new(false);
    let (to_workers, from_reader) = mpsc::sync_channel::<Batch>(workers * 2);
    let from_reader = Arc::new(Mutex::new(from_reader));
    let (to_collector, results) = mpsc::channel::<Found>();

    std::thread::scope(|scope| -> Result<VerifyReport> {
        for _ in 0..workers {
            let rx = Arc::clone(&from_reader);
            let tx = to_collector.clone();
            let stop = &stop;
            scope.spawn(move || loop {
                let next = match rx.lock() {
                    Ok(g) => g.recv(),
                    Err(_) => break,
                };
                let Ok(batch) = next else { break };
                let found = check_batch(&batch, signatures);
                if found.is_some() {
                    stop.store(true, Ordering::Relaxed);
                }
                if tx.send(found).is_err() {
                    break;
                }
            });
        }
        drop(to_collector);

        // The reader: order and links, then hand the bytes on.
        let read = (|| -> Result<(usize, Found, Vec<u8>, Found, String)> {
            let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM log_entries ORDER BY seq"))?;
            let mut rows = stmt.query([])?;
            let mut expected_seq = 1i64;
            // The stored hash of the last entry read.
            let mut prev: Vec<u8> = genesis(vault_id).to_vec();
            let mut index = 0usize;
            let mut found: Found = None;
            // What this thread's own hashing found (the chain alone).
            let mut hashed: Found = None;
            let mut batch =
                Batch { bytes: Vec::with_capacity(BATCH * 512), items: Vec::with_capacity(BATCH) };
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let prev_hash = blob(r, 9)?;
                let hash = blob(r, 10)?;
                let problem = if seq != expected_seq {
                    Some(Break {
                        seq: expected_seq,
                        problem: format!(
                            "entry {expected_seq} is missing (the chain goes on at entry {seq})"
                        ),
                    })
                } else if prev_hash != prev.as_slice() {
                    Some(Break {
                        seq,
                        problem: "its link to the previous entry is broken (an entry before it was removed, changed or moved)"
                            .into(),
                    })
                } else {
                    None
                };
                if let Some(p) = problem {
                    found = Some((index, false, p));
                    break;
                }
                let c = Canonical::of_row(r)?;
                let b = &mut batch.bytes;
                let start = b.len();
                c.write_to(b);
                let canonical = start..b.len();
                b.extend_from_slice(hash);
                let hash_range = canonical.end..b.len();
                // Who may sign here is checked on every verify (the chain alone included);
                // the signature itself only on a full one.
                let e = EntryRef {
                    seq,
                    kind: c.kind,
                    event: c.event,
                    actor_id: c.actor_id,
                    key_id: c.key_id,
                    body: c.body,
                };
                let admitted = ids.admit(&e);
                let (signature, key) = if signatures {
                    b.extend_from_slice(blob(r, 8)?);
                    let signature = hash_range.end..b.len();
                    let key = admitted.map(|public| {
                        b.extend_from_slice(&public);
                        signature.end..b.len()
                    });
                    (signature, key)
                } else {
                    (0..0, admitted.map(|_| 0..0))
                };
                batch.items.push(Item { index, seq, canonical, hash: hash_range, key, signature });
                prev.clear();
                prev.extend_from_slice(hash);
                index += 1;
                expected_seq += 1;
                if batch.items.len() == BATCH && inline {
                    hashed = check_batch(&batch, signatures);
                    batch.bytes.clear();
                    batch.items.clear();
                    if hashed.is_some() {
                        break;
                    }
                } else if batch.items.len() == BATCH {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let full = std::mem::replace(
                        &mut batch,
                        Batch { bytes: Vec::with_capacity(BATCH * 512), items: Vec::with_capacity(BATCH) },
                    );
                    if to_workers.send(full).is_err() {
                        return Err(Error::Storage("the log verify stopped unexpectedly".into()));
                    }
                }
            }
            if inline {
                if hashed.is_none() {
                    hashed = check_batch(&batch, signatures);
                }
            } else if !batch.items.is_empty() && !stop.load(Ordering::Relaxed) {
                let _ = to_workers.send(batch);
            }
            Ok((index, found, prev, hashed, ids.root().map(|r| HEXLOWER.encode(r)).unwrap_or_default()))
        })();
        drop(to_workers);
        let mut found: Found = None;
        for f in results.iter() {
            found = earlier(found, f);
        }
        let (read_count, reader_found, last_hash, hashed, root_key) = read?;
        let found = earlier(found, hashed);
        // At the same entry the reader's problem (sequence, link) comes first.
        let found = match (reader_found, found) {
            (Some(r), Some(w)) if w.0 < r.0 => Some(w),
            (Some(r), _) => Some(r),
            (None, w) => w,
        };
        Ok(match found {
            None => VerifyReport {
                entries: read_count as i64,
                signatures_checked: if signatures { read_count as i64 } else { 0 },
                head: HEXLOWER.encode(&last_hash),
                root_key,
                first_break: None,
            },
            Some((index, at_signature, b)) => {
                // Every entry before position `index` held, so entry `index` (its sequence
                // number is its position + 1) is the last one that did: the head.
                let head = if index == 0 {
                    genesis(vault_id).to_vec()
                } else {
                    conn.query_row("SELECT hash FROM log_entries WHERE seq = ?1", [index as i64], |r| {
                        r.get(0)
                    })?
                };
                VerifyReport {
                    entries: index as i64 + 1,
                    signatures_checked: if signatures { index as i64 + i64::from(at_signature) } else { 0 },
                    head: HEXLOWER.encode(&head),
                    root_key,
                    first_break: Some(b),
                }
            }
        })
    })
}
