//! `casekeep-bench`: one workload through the same `Session` code on an encrypted vault
//! and on its plain twin; prints each figure for both and ends with `ratio: X`, the median
//! encrypted/plain ratio across the workload's operations.
//!
//! Bench builds only (`--features bench`): the plain twin is an unkeyed database, which no
//! shipped build can open. See docs/BENCHMARKS.md.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use casekeep::bench::{self, Fixture, Storage};
use casekeep::casework::clients::Names;
use casekeep::casework::consent::ConsentInput;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::sharing::share::ShareRequest;
use casekeep::synth::Rng;
use casekeep::{ClientId, Session};

const USAGE: &str = "usage: casekeep-bench [--quick] [--clients N] [--seed N] [--dir DIR] [--full-verify]
  --quick        1,000 clients in a fresh temporary directory; finishes within a minute
  (default)      10,000 clients
  --clients N    another size (e.g. 100000)
  --dir DIR      keep the vaults in DIR and reuse them on the next run with the same size and seed
  --full-verify  also time one full `log verify` (every signature) on each vault
  --verify-only  time only the log verify (chain and key rules, n=7) on each vault, alternately";

struct Options {
    quick: bool,
    clients: usize,
    seed: u64,
    dir: Option<PathBuf>,
    full_verify: bool,
    verify_only: bool,
}

fn options() -> Result<Options, String> {
    let mut o =
        Options { quick: false, clients: 10_000, seed: 1, dir: None, full_verify: false, verify_only: false };
    let mut clients = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--quick" => o.quick = true,
            "--clients" => clients = Some(value("--clients")?.parse().map_err(|_| "--clients N")?),
            "--seed" => o.seed = value("--seed")?.parse().map_err(|_| "--seed N")?,
            "--dir" => o.dir = Some(PathBuf::from(value("--dir")?)),
            "--full-verify" => o.full_verify = true,
            "--verify-only" => o.verify_only = true,
            "--bench" => {} // passed by `cargo bench`
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    o.clients = clients.unwrap_or(if o.quick { 1_000 } else { 10_000 });
    Ok(o)
}

/// Timings of one operation on one storage.
#[derive(Clone, Default)]
struct Samples(Vec<Duration>);

impl Samples {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0.push(t.elapsed());
        out
    }
    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.0.clone();
        v.sort();
        v
    }
    fn quantile(&self, q: f64) -> Duration {
        let v = self.sorted();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let i = ((v.len() - 1) as f64 * q).round() as usize;
        v[i.min(v.len() - 1)]
    }
    fn median(&self) -> Duration {
        self.quantile(0.5)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// What the workload measured on one storage.
#[derive(Default)]
struct Figures {
    unlock: Samples,
    list: Samples,
    search: Samples,
    open: Samples,
    save: Samples,
    export: Samples,
    chain: Samples,
    chain_entries: i64,
    full_verify: Option<(Duration, i64, i64)>,
}

const SEARCHES: &[&str] = &[
    "ada", "sm", "jo", "sara", "pat", "kh", "example", "ck-00", "mia", "wil", "ho", "gr", "zo", "ann", "ta",
    "ella exa", "lucy j", "priya", "ruth", "ev",
];

fn workload(fx: &Fixture, storage: Storage, quick: bool, full_verify: bool) -> Figures {
    let mut f = Figures::default();
    let (n_unlock, n_list, n_search, n_open, n_save, n_export, n_chain) =
        if quick { (10, 15, 60, 30, 30, 5, 2) } else { (20, 30, 200, 100, 100, 20, 3) };
    // Unlock after the KDF: open the database with the derived key, start the session.
    let mut session: Option<Session> = None;
    for _ in 0..n_unlock {
        drop(session.take());
        session = Some(f.unlock.time(|| fx.unlock(storage).expect("unlock after KDF")));
    }
    let mut s = session.expect("a session");
    let mut rng = Rng::new(7);
    let pick = |rng: &mut Rng| ClientId(1 + rng.below(fx.clients as u64) as i64);

    // Warm the page cache as a caseworker's first screen does.
    s.list_clients(None, Names::Hidden).expect("list");
    for _ in 0..n_list {
        let l = f.list.time(|| s.list_clients(None, Names::Hidden).expect("list"));
        assert_eq!(l.len(), fx.clients);
    }
    for k in 0..n_search {
        let q = SEARCHES[k % SEARCHES.len()];
        f.search.time(|| s.list_clients(Some(q), Names::Hidden).expect("search"));
    }
    for _ in 0..n_open {
        let id = pick(&mut rng);
        f.open.time(|| s.show_client(id, Names::Shown).expect("open"));
    }
    for k in 0..n_save {
        let id = pick(&mut rng);
        // Unique per run, so that a reused vault still sees a change.
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let change = format!(r#"{{"address": "Flat {k}-{run}, Benchmark Road, Derby"}}"#);
        let changed = f.save.time(|| s.update_client(id, change.as_bytes()).expect("save"));
        assert!(!changed.is_empty());
    }
    // MARAC PDF export of a client whose MARAC consent was just recorded (so the gate
    // passes on consent): the full share, with its signed disclosure record.
    let out_dir = tempfile::tempdir().expect("temp dir");
    for k in 0..n_export {
        let id = pick(&mut rng);
        s.record_consent(id, ConsentInput::given_verbally(RecipientKind::Marac)).expect("consent");
        let req = ShareRequest::on_consent(id, RecipientKind::Marac, "MARAC referral");
        let out = out_dir.path().join(format!("export-{k}.pdf"));
        f.export.time(|| s.share(&req, Format::Pdf, &out).expect("export"));
    }
    for _ in 0..n_chain {
        let r = f.chain.time(|| bench::verify_chain_only(&s).expect("verify"));
        assert!(r.first_break.is_none(), "the chain holds");
        f.chain_entries = r.entries;
    }
    if full_verify {
        let t = Instant::now();
        let r = s.verify_log().expect("verify");
        assert!(r.first_break.is_none(), "the log verifies");
        f.full_verify = Some((t.elapsed(), r.entries, r.signatures_checked));
    }
    f
}

/// The log verify alone (chain and key rules), on both vaults in turn: for a figure taken
/// while the machine is otherwise quiet, without the rest of the workload.
fn verify_only(fx: &Fixture) {
    let (enc, plain) =
        (fx.unlock(Storage::Encrypted).expect("unlock"), fx.unlock(Storage::Plain).expect("unlock"));
    let (mut e, mut p, mut e1, mut p1) =
        (Samples::default(), Samples::default(), Samples::default(), Samples::default());
    let mut entries = 0;
    type Verify = fn(&Session) -> casekeep::Result<casekeep::log::VerifyReport>;
    let ranges: Verify = bench::verify_chain_only;
    let one: Verify = bench::verify_chain_one_reader;
    for _ in 0..7 {
        for (s, samples, verify) in
            [(&enc, &mut e, ranges), (&plain, &mut p, ranges), (&enc, &mut e1, one), (&plain, &mut p1, one)]
        {
            let r = samples.time(|| verify(s).expect("verify"));
            assert!(r.first_break.is_none(), "the chain holds");
            entries = r.entries;
        }
    }
    for (label, f) in
        [("encrypted", &e), ("plain", &p), ("encrypted, one reader", &e1), ("plain, one reader", &p1)]
    {
        println!(
            "log verify, chain + key rules, {label}: {entries} entries, median {:.0} ms (min {:.0}, max {:.0}, n={}) = {:.0} entries/s",
            ms(f.median()),
            ms(f.quantile(0.0)),
            ms(f.quantile(1.0)),
            f.0.len(),
            entries as f64 / f.median().as_secs_f64().max(1e-9)
        );
    }
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let temp = tempfile::tempdir().expect("temp dir");
    let root = o.dir.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let mode = if o.quick { "quick" } else { "full" };
    println!("casekeep-bench ({mode}): {} synthetic clients, seed {}", o.clients, o.seed);
    let gen = Instant::now();
    let fx = bench::fixture(&root, o.clients, o.seed, &mut |p| {
        if p.clients % 2_000 == 0 {
            eprintln!(
                "  generated {} clients, {} log entries ({:.1} s)",
                p.clients,
                p.log_entries,
                gen.elapsed().as_secs_f64()
            );
        }
    })
    .expect("benchmark vaults");
    if fx.built {
        println!(
            "generated: {} clients, {} log entries, encrypted vault + plain twin in {:.1} s",
            fx.clients,
            fx.log_entries,
            gen.elapsed().as_secs_f64()
        );
    } else {
        println!("reused: {} clients, {} log entries in {}", fx.clients, fx.log_entries, root.display());
    }
    let db_size = |s: Storage| std::fs::metadata(fx.dir(s).join("casekeep.db")).map(|m| m.len()).unwrap_or(0);
    println!(
        "database size: encrypted {:.1} MiB, plain {:.1} MiB",
        db_size(Storage::Encrypted) as f64 / 1048576.0,
        db_size(Storage::Plain) as f64 / 1048576.0
    );

    if o.verify_only {
        verify_only(&fx);
        return;
    }
    // Alternate so that neither storage always runs on a warmer machine.
    let enc = workload(&fx, Storage::Encrypted, o.quick, o.full_verify);
    let plain = workload(&fx, Storage::Plain, o.quick, o.full_verify);
    // Rotating the vault key re-encrypts every page: measured on the encrypted vault only.
    let mut rotation = Samples::default();
    {
        let mut s = fx.unlock(Storage::Encrypted).expect("unlock after KDF");
        for _ in 0..if o.quick { 1 } else { 3 } {
            rotation.time(|| bench::rotate_vault_key(&mut s).expect("rotation"));
        }
        assert!(s.verify_log().expect("verify").first_break.is_none(), "the log verifies after rotations");
    }

    println!();
    println!(
        "{:<34} {:>22} {:>22} {:>7}",
        "operation (ms: median / p95, n)", "encrypted", "plain", "enc/plain"
    );
    let mut ratios = Vec::new();
    type Row = (&'static str, fn(&Figures) -> &Samples);
    let rows: [Row; 7] = [
        ("unlock after KDF", |f| &f.unlock),
        ("caseload list (all clients)", |f| &f.list),
        ("search (FTS5)", |f| &f.search),
        ("open a client (+ audit entry)", |f| &f.open),
        ("save a change (synchronous=FULL)", |f| &f.save),
        ("MARAC PDF export (share)", |f| &f.export),
        ("log verify, chain + key rules", |f| &f.chain),
    ];
    for (name, get) in rows {
        let (e, p) = (get(&enc), get(&plain));
        let ratio = ms(e.median()) / ms(p.median()).max(1e-9);
        ratios.push(ratio);
        println!(
            "{name:<34} {:>9.3} / {:>8.3} n={:<3} {:>9.3} / {:>8.3} n={:<3} {ratio:>6.2}",
            ms(e.median()),
            ms(e.quantile(0.95)),
            e.0.len(),
            ms(p.median()),
            ms(p.quantile(0.95)),
            p.0.len()
        );
    }
    println!(
        "vault-key rotation (encrypted)     {:>9.1} / {:>8.1} n={:<3} (ms: median / max)",
        ms(rotation.median()),
        ms(rotation.quantile(1.0)),
        rotation.0.len()
    );
    let rate = |f: &Figures| f.chain_entries as f64 / f.chain.median().as_secs_f64().max(1e-9);
    println!("log verify, chained entries/s       {:>12.0}              {:>12.0}", rate(&enc), rate(&plain));
    for (label, f) in [("encrypted", &enc), ("plain", &plain)] {
        if let Some((t, entries, sigs)) = f.full_verify {
            let chain = f.chain.median();
            let sig_time = t.saturating_sub(chain).as_secs_f64().max(1e-9);
            println!(
                "full log verify ({label}): {entries} entries, {sigs} signatures in {:.2} s; {:.0} signature checks/s (after the chain)",
                t.as_secs_f64(),
                sigs as f64 / sig_time
            );
        }
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    let median = if ratios.len() % 2 == 1 {
        ratios[ratios.len() / 2]
    } else {
        (ratios[ratios.len() / 2 - 1] + ratios[ratios.len() / 2]) / 2.0
    };
    println!("total time: {:.1} s", started.elapsed().as_secs_f64());
    println!("ratio: {median:.2}");
}
