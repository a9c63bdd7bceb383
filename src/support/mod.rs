//! The bottom layer: what every other part of the core stands on, and which knows nothing
//! of clients, the log or a vault. Errors and their codes, closed vocabularies
//! (`word_enum!`), stored types and their views from one field list (`twin!`), the clock, the cryptographic primitives, owner-only files, strict input
//! reading, process hardening and opening SQLCipher.
//!
//! Invariant: nothing here names a module of a higher layer (`tests/it/layers.rs`).

#[macro_use]
mod words;
#[macro_use]
mod twin;

pub mod caution;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod error;
pub mod fsutil;
pub mod hardening;
pub mod input;
pub mod matcher;
