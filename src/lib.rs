//! Casekeep's core: the encrypted vault, the record, consent, the signed log.
//!
//! This crate knows nothing of Tauri or of any window: the desktop shell and the
//! `casekeep` CLI are both thin layers over it. See docs/ARCHITECTURE.md.
//!
//! The modules are layers, each of which names only the layers below it (declared, and
//! checked, in `tests/it/layers.rs`): [`support`] → [`record`] → [`log`] → [`vault`] →
//! [`casework`] → [`sharing`] → [`ipc`].
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

#[macro_use]
pub mod support;

pub mod record;

pub mod log;

pub mod vault;

pub mod casework;

pub mod sharing;

pub mod ipc;

#[cfg(feature = "bench")]
pub mod bench;
/// The fuzz targets' entry points (fuzz/, and their corpus replayed by the tests).
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
/// The synthetic-caseload generator, for benchmarks only.
#[cfg(feature = "bench")]
pub mod synth;

pub use log::identity::Role;
pub use record::ClientId;
pub use support::error::{Error, Result};
pub use vault::slots::{Passphrase, RecoveryKey};
pub use vault::{Session, Vault};
