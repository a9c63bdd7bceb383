//! Casekeep's integration tests, in one binary: each module is one area (a journey, a
//! promise, an attack), driving the real `casekeep` binary or the library. One binary links
//! once and keeps both cores busy across areas; see docs/ARCHITECTURE.md, "Tests".
//!
//! Two areas keep their own binaries because they change process-wide test hooks that
//! would leak into every other test here: `unlock_abuse` (a smaller Argon2 memory floor,
//! this process only) and `memory_security` (SQLCipher's memory security off).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds,
// run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

#[path = "../common/mod.rs"]
mod common;

mod approvals;
mod audited_reads;
mod backup_restore;
mod bad_input;
mod caseload_columns;
mod catalogue_coverage;
mod consent;
mod crash_safety;
mod do_not_contact;
mod drafts;
mod enquiry;
mod field_labels;
mod firewall_corpus;
mod fuzz_corpus;
mod insider;
mod journey;
mod layers;
mod local_dates;
mod log_tamper;
mod no_secret_argv;
mod pdf_export;
mod properties;
mod record_anchor;
mod redaction_property;
mod retention;
mod risk_marac;
mod safe_contact;
mod sharing;
mod shredding;
mod tamper;
mod today;
mod vault_security;
mod verify_batches;
mod windows_cli;
