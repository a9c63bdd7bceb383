//! Casekeep's core: the encrypted vault, the record, consent, the signed log.
//!
//! This crate knows nothing of Tauri or of any window: the desktop shell and the
//! `casekeep` CLI are both thin layers over it. See docs/ARCHITECTURE.md.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

#[macro_use]
mod words;

pub mod attempts;
pub mod backup;
#[cfg(feature = "bench")]
pub mod bench;
pub mod catalogue;
pub mod clients;
pub mod clock;
pub mod consent;
pub mod contact_log;
pub mod crypto;
pub mod db;
pub mod decisions;
pub mod demo;
pub mod drafts;
pub mod enquiry;
pub mod envelopes;
pub mod error;
pub mod export;
pub mod fsutil;
/// The fuzz targets' entry points (fuzz/, and their corpus replayed by the tests).
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod hardening;
pub mod identity;
pub mod input;
pub mod integrity;
pub mod ipc;
pub mod log;
pub mod marac;
pub mod policy;
pub mod queue;
pub mod record;
pub mod record_anchor;
pub mod retention;
pub mod risk;
pub mod safe_times;
pub mod settings;
pub mod share;
pub mod slots;
/// The synthetic-caseload generator, for benchmarks only.
#[cfg(feature = "bench")]
pub mod synth;
pub mod today;
pub mod vault;

pub use clients::ClientId;
pub use error::{Error, Result};
pub use slots::{Passphrase, RecoveryKey};
pub use vault::{Role, Session, Vault};
