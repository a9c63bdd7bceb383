//! What may leave the vault, and how: the export policy and the disclosure firewall
//! (`policy`), the consent / lawful-basis gate and the share requests (`share`), and the
//! renderings of a redacted view (`export`).
//!
//! Invariant: only `policy::redact` builds a `RedactedView`, nothing that renders a file sees
//! a `ClientRecord`, and every outbound file goes through `export::render_checked`.

pub mod decisions;
pub mod export;
pub mod policy;
pub mod share;
