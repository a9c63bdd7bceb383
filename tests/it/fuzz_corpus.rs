//! Replays the committed fuzzing corpus (fuzz/corpus/<target>/, grown by cargo-fuzz runs;
//! see docs/SECURITY.md) through the same entry points the fuzz targets call: every input
//! must return without a panic. A finding that was fixed stays here as a regression test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("client_json", casekeep::fuzzing::client_json),
    ("backup_reader", casekeep::fuzzing::backup_reader),
    ("key_slot", casekeep::fuzzing::key_slot),
    ("ipc_args", casekeep::fuzzing::ipc_args),
    ("firewall_matcher", casekeep::fuzzing::firewall_matcher),
];

#[test]
fn every_corpus_input_returns_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in TARGETS {
        let mut n = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else { continue };
            for e in entries {
                let p = e.unwrap().path();
                let data = std::fs::read(&p).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name} panicked on {}", p.display());
                n += 1;
            }
        }
        assert!(n > 0, "no corpus for {name}");
        eprintln!("{name}: {n} inputs replayed");
    }
}

#[test]
fn hostile_shapes_return_without_a_panic() {
    let deep = "[".repeat(100_000);
    let big_number = format!(r#"{{"risk": {{"marac_score": 1{}}}}}"#, "0".repeat(5000));
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0xff; 64],
        deep.into_bytes(),
        big_number.into_bytes(),
        br#"{"contacts": [{"channel": "phone", "value": "+4477009001230000000000000000000000"}]}"#.to_vec(),
        br#"{"full_name": "\ud800"}"#.to_vec(),
        b"CASEKEEP-BACKUP 1\n".to_vec(),
        b"CASEKEEP-BACKUP 18446744073709551616\n{}\n".to_vec(),
    ];
    for data in &inputs {
        for (name, target) in TARGETS {
            assert!(std::panic::catch_unwind(|| target(data)).is_ok(), "{name} panicked");
        }
    }
}
