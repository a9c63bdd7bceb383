//! Times the caseload list and the log verify alone, on the benchmark vaults that
//! `casekeep-bench --dir DIR` builds (reused, never rebuilt here unless missing):
//!
//!   cargo run --release --features bench --example hot_paths -- DIR CLIENTS [ROUNDS] [sigs]
//!
//! Prints median, min and max per operation and storage. With `sigs` it also times one
//! full verify (every signature). For profiling (`perf`, `valgrind --tool=callgrind`) and
//! before/after comparisons; see docs/BENCHMARKS.md.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use casekeep::bench::{self, Storage};
use casekeep::casework::clients::Names;

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "median {:.2} ms (min {:.2}, max {:.2}, n={})",
        ms(v[v.len() / 2]),
        ms(v[0]),
        ms(v[v.len() - 1]),
        v.len()
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(args.first().expect("DIR"));
    let clients: usize = args.get(1).map(|s| s.parse().expect("CLIENTS")).unwrap_or(1000);
    let rounds: usize = args.get(2).map(|s| s.parse().expect("ROUNDS")).unwrap_or(10);
    let sigs = args.iter().any(|a| a == "sigs");
    #[allow(clippy::disallowed_methods)] // an example's entry point: which paths to time
    let only = std::env::var("HOT_PATHS_ONLY").unwrap_or_default();
    let fx = bench::fixture(&root, clients, 1, &mut |_| {}).expect("benchmark vaults");
    for storage in [Storage::Encrypted, Storage::Plain] {
        let mut s = fx.unlock(storage).expect("unlock");
        let name = storage.label();
        if only.is_empty() || only == "list" {
            s.list_clients(None, Names::Hidden).expect("list");
            let v = (0..rounds.max(1) * 3)
                .map(|_| {
                    let t = Instant::now();
                    assert_eq!(s.list_clients(None, Names::Hidden).expect("list").len(), fx.clients);
                    t.elapsed()
                })
                .collect();
            println!("{name:<9} caseload list: {}", stats(v));
        }
        if only.is_empty() || only == "queue" {
            let today = casekeep::record::Date::today();
            let v = (0..rounds.max(1))
                .map(|_| {
                    let t = Instant::now();
                    s.queue(today).expect("queue");
                    t.elapsed()
                })
                .collect();
            println!("{name:<9} work queue (caseload screen): {}", stats(v));
        }
        if only.is_empty() || only == "verify" {
            let mut entries = 0;
            let v: Vec<Duration> = (0..rounds.max(1))
                .map(|_| {
                    let t = Instant::now();
                    let r = bench::verify_chain_only(&s).expect("verify");
                    assert!(r.first_break.is_none());
                    entries = r.entries;
                    t.elapsed()
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort();
            let rate = entries as f64 / sorted[sorted.len() / 2].as_secs_f64();
            println!("{name:<9} chain verify ({entries} entries): {} = {rate:.0} entries/s", stats(v));
        }
        if sigs {
            let t = Instant::now();
            let r = s.verify_log().expect("verify");
            let d = t.elapsed();
            assert!(r.first_break.is_none());
            println!(
                "{name:<9} full verify: {:.2} s, {} signatures = {:.0} checks/s",
                d.as_secs_f64(),
                r.signatures_checked,
                r.signatures_checked as f64 / d.as_secs_f64()
            );
        }
    }
}
