//! The Windows calls Casekeep's core needs that std offers only through `unsafe`:
//!
//! - [`restrict_to_current_user`]: a file or folder readable and writable by the current
//!   user alone — a protected DACL (nothing inherited from the folder above) with one
//!   entry, full control for the user's SID, inherited by whatever is created inside a
//!   folder. The Windows form of Unix's 0700/0600.
//! - [`is_restricted_to_current_user`]: whether a path's DACL lets anyone else in.
//! - [`file_identity`]: the volume serial number and file index of an open file (Unix's
//!   device and inode), from the handle, so a later look can tell the same file from a
//!   different one put at the same path.
//! - [`no_crash_reports`]: no fault dialog and no Windows Error Reporting dump of this
//!   process (an unlocked process holds the vault key in its memory).
//!
//! This is the only crate in the workspace that may use `unsafe` code; every block is one
//! call with its reason. On other platforms the crate is empty.
#![cfg_attr(not(windows), allow(unused))]

#[cfg(windows)]
mod imp;
#[cfg(windows)]
pub use imp::*;
