//! Criterion benchmarks of the core operations on a synthetic 10,000-client encrypted
//! vault (1.1 million signed log entries). See docs/BENCHMARKS.md.
//!
//! The vault is built once and kept in `$CASEKEEP_BENCH_DIR` (default: a folder in the
//! system temp directory) for later runs. Under `cargo test --benches` (no `--bench`
//! argument) each benchmark runs once on a 50-client vault, so the suite stays cheap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Duration;

use casekeep::bench::{self, Fixture, Storage};
use casekeep::casework::clients::Names;
use casekeep::casework::consent::ConsentInput;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::sharing::share::ShareRequest;
use casekeep::synth::Rng;
use casekeep::{ClientId, Session};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

// A benchmark's entry point: its size and folder come from the environment (docs/BENCHMARKS.md).
#[allow(clippy::disallowed_methods)]
fn fixture() -> Fixture {
    let measuring = std::env::args().any(|a| a == "--bench");
    let clients = std::env::var("CASEKEEP_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if measuring { 10_000 } else { 50 });
    let root = match std::env::var_os("CASEKEEP_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None if measuring => std::env::temp_dir().join("casekeep-bench-vaults"),
        // Under `cargo test`: always a fresh vault, so that a vault left by another
        // build can never make the test depend on its history.
        None => {
            let dir = std::env::temp_dir().join("casekeep-bench-test-vault");
            let _ = std::fs::remove_dir_all(&dir);
            dir
        }
    };
    eprintln!("benchmark vault: {clients} clients under {}", root.display());
    bench::fixture(&root, clients, 1, &mut |p| {
        if p.clients % 1000 == 0 {
            eprintln!("  generated {} clients, {} log entries", p.clients, p.log_entries);
        }
    })
    .expect("benchmark vault")
}

fn marac_request(id: ClientId) -> ShareRequest {
    ShareRequest::on_consent(id, RecipientKind::Marac, "MARAC referral")
}

fn give_marac_consent(s: &mut Session, id: ClientId) {
    s.record_consent(id, ConsentInput::given_verbally(RecipientKind::Marac)).expect("consent");
}

fn core(c: &mut Criterion) {
    let fx = fixture();
    let n = fx.clients as u64;
    let mut s = fx.unlock(Storage::Encrypted).expect("unlock");
    let mut rng = Rng::new(3);

    c.bench_function("unlock_after_kdf", |b| b.iter(|| drop(fx.unlock(Storage::Encrypted).expect("unlock"))));

    c.bench_function("caseload_list", |b| b.iter(|| s.list_clients(None, Names::Hidden).expect("list")));

    let searches = ["ada", "sm", "jo", "sara", "pat", "kh", "example", "ck-00", "ella exa", "lucy j"];
    let mut k = 0;
    c.bench_function("search_fts5", |b| {
        b.iter(|| {
            k += 1;
            s.list_clients(Some(searches[k % searches.len()]), Names::Hidden).expect("search")
        })
    });

    c.bench_function("open_client", |b| {
        b.iter_batched(
            || ClientId(1 + rng.below(n) as i64),
            |id| s.show_client(id, Names::Shown).expect("open"),
            BatchSize::SmallInput,
        )
    });

    let mut edit = 0u64;
    c.bench_function("save_change_sync_full", |b| {
        b.iter_batched(
            || {
                edit += 1;
                (
                    ClientId(1 + rng.below(n) as i64),
                    format!(r#"{{"address": "{edit} Criterion Road, Derby"}}"#),
                )
            },
            |(id, change)| s.update_client(id, change.as_bytes()).expect("save"),
            BatchSize::SmallInput,
        )
    });

    // Clients whose MARAC consent is given now, so the gate passes on consent.
    let pool: Vec<ClientId> = (0..50).map(|_| ClientId(1 + rng.below(n) as i64)).collect();
    for id in &pool {
        give_marac_consent(&mut s, *id);
    }
    let out = tempfile::tempdir().expect("temp dir");
    let mut file = 0usize;
    let mut group = c.benchmark_group("marac_pdf_export");
    group.sample_size(20);
    group.bench_function("share_pdf", |b| {
        b.iter_batched(
            || {
                file += 1;
                (pool[file % pool.len()], out.path().join(format!("marac-{file}.pdf")))
            },
            |(id, path)| s.share(&marac_request(id), Format::Pdf, &path).expect("export"),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let entries = bench::verify_chain_only(&s).expect("verify").entries as u64;
    let mut group = c.benchmark_group("log_verify");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(entries));
    group.bench_function("hash_chain", |b| b.iter(|| bench::verify_chain_only(&s).expect("verify")));
    group.finish();

    // Signature checks, counted apart: one Ed25519 verification of a log entry's signature.
    let seed = casekeep::support::crypto::make_secret().expect("seed");
    let public = casekeep::support::crypto::derive_public_key(&seed).expect("public key");
    let sig = casekeep::support::crypto::sign(
        &seed,
        b"casekeep-log-signature-v1\n0123456789abcdef0123456789abcdef",
    )
    .expect("sign");
    let mut group = c.benchmark_group("log_verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("signature_check", |b| {
        b.iter(|| {
            casekeep::support::crypto::verify(
                &public,
                b"casekeep-log-signature-v1\n0123456789abcdef0123456789abcdef",
                &sig,
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    targets = core
}
criterion_main!(benches);
