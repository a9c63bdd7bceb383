//! The JSON export (schema `casekeep.disclosure.v2`, documented in docs/SHARING.md): the
//! contacts are two lists of their own, `do_not_contact` and `safe_contacts`, never
//! fields.

use serde_json::json;

use super::{Envelope, MARKING};
use crate::sharing::policy::RedactedView;
use crate::support::error::{Error, Result};

pub const SCHEMA: &str = "casekeep.disclosure.v2";

pub fn render(view: &RedactedView, env: &Envelope) -> Result<Vec<u8>> {
    let doc = json!({
        "schema": SCHEMA,
        "marking": MARKING,
        "disclosure_id": env.disclosure_id,
        "log_chain_head": env.log_chain_head,
        "vault_root_key": env.vault_root_key,
        "made_at": env.made_at,
        "recipient": view.recipient(),
        "recipient_label": view.recipient_label(),
        "recipient_name": view.recipient_name(),
        "purpose": view.purpose(),
        "from": {"caseworker": env.made_by, "agency": env.agency},
        "referrer": env.referrer,
        "contact_through": view.contact_through(),
        "do_not_contact": view.do_not_contact(),
        "safe_contacts": view.safe_contacts(),
        "fields": view.fields_besides_contacts().map(|f| json!({
            "path": f.path, "item": f.item, "label": f.label, "value": f.value, "treatment": f.treatment,
        })).collect::<Vec<_>>(),
        "excerpts": view.excerpts(),
        "profile_version": view.profile_version(),
    });
    let mut bytes =
        serde_json::to_vec_pretty(&doc).map_err(|_| Error::Storage("could not encode the export".into()))?;
    bytes.push(b'\n');
    Ok(bytes)
}
