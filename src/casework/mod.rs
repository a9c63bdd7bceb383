//! What a worker and a manager do with clients, each action one transaction of an unlocked
//! [`Session`](crate::vault::Session) with its signed log entry: the clients themselves,
//! safe contact, consent, MARAC, retention, the queue and the Today view, enquiries, drafts,
//! keeping the vault's settings (`configure`), and the demo vault.
//!
//! Invariant: casework reads and writes records only through `clients` (which anchors every
//! stored version) and the log only through the session's `append`; it never decides what
//! leaves the vault (that is `sharing`).

pub mod clients;
pub mod configure;
pub mod consent;
pub mod contact_log;
pub mod demo;
pub mod drafts;
pub mod enquiry;
pub mod marac;
pub mod queue;
pub mod retention;
pub mod today;
