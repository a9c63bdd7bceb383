//! Exports: built only from a [`RedactedView`](crate::sharing::policy::RedactedView), and checked
//! by the disclosure firewall after rendering ([`render_checked`]): the one way a file to
//! be shared is made.

pub mod json;
pub mod pdf;

use serde::Serialize;
use serde_json::Value;

use crate::log::vocab::Format;
use crate::sharing::policy::RedactedView;
use crate::support::error::{Error, Result};

pub const MARKING: &str = "OFFICIAL-SENSITIVE";

/// What the file says about its own disclosure (no personal data; the purpose and the
/// recipient's name come from the view, where the firewall masked them).
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    pub disclosure_id: i64,
    pub log_chain_head: String,
    /// The root public key (hex) of the log the record is in: which vault's log
    /// `log verify --expect-head` must be run against.
    pub vault_root_key: String,
    pub made_at: String,
    pub made_by: String,
    pub agency: String,
    /// For a MARAC referral: who refers and how a coordinator reaches them (the agency's
    /// details a manager set; the share is refused while any is missing).
    pub referrer: Option<Referrer>,
}

/// The referrer block of a MARAC referral. A detail a manager has not set is `None`, and
/// the file says so plainly in its place (never "agency not set").
#[derive(Debug, Clone, Serialize)]
pub struct Referrer {
    pub name: String,
    pub role: Option<String>,
    pub agency: Option<String>,
    /// As people read it (UK national format).
    pub phone: Option<String>,
    pub secure_email: Option<String>,
    /// What a manager must still set, in words; `None` when the block is complete.
    pub missing: Option<String>,
}

impl Referrer {
    /// The block from the agency's details and the referrer's name.
    pub fn from_details(name: &str, d: &crate::record::settings::AgencyDetails) -> Referrer {
        Referrer {
            name: name.to_string(),
            role: d.referrer_role.clone(),
            agency: d.agency.clone(),
            phone: d.phone_shown(),
            secure_email: d.email.clone(),
            missing: d.missing_for_marac(),
        }
    }
}

/// Renders `view` and then scans what was rendered for every protected value of the
/// record (the disclosure firewall's second pass): each string of the JSON (parsed back
/// from the bytes) and the JSON text itself; the PDF's text layer (each string drawn, the
/// document title, and their concatenations, so that a line break cannot split a value)
/// and the PDF's bytes outside its compressed streams; and `file_name`, the name the file
/// will have. Any hit refuses with the place and the kind of value, never the value; the
/// caller writes nothing. This is the only function that makes a file to be shared.
pub fn render_checked(
    format: Format,
    view: &RedactedView,
    env: &Envelope,
    file_name: &str,
) -> Result<Vec<u8>> {
    view.scan("the file name", file_name)?;
    match format {
        Format::Json => {
            let bytes = json::render(view, env)?;
            let doc: Value = serde_json::from_slice(&bytes)
                .map_err(|_| Error::Storage("the JSON export does not parse back".into()))?;
            scan_json(view, &doc, &mut String::new())?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| Error::Storage("the JSON export is not UTF-8".into()))?;
            view.scan("the JSON text", text)?;
            Ok(bytes)
        }
        Format::Pdf => {
            let rendered = pdf::render(view, env)?;
            for s in &rendered.text {
                view.scan("the PDF's text", s)?;
            }
            view.scan("the PDF's text", &rendered.text.join(" "))?;
            view.scan("the PDF's text", &rendered.text.concat())?;
            let plain = outside_streams(&rendered.bytes)
                .ok_or_else(|| Error::Storage("the firewall could not read the PDF's bytes".into()))?;
            view.scan("the PDF's bytes", &plain)?;
            Ok(rendered.bytes)
        }
    }
}

/// Every string of a JSON document (keys too), each scanned with its JSON pointer.
fn scan_json(view: &RedactedView, v: &Value, pointer: &mut String) -> Result<()> {
    let place = |p: &str| format!("the JSON at {}", if p.is_empty() { "/" } else { p });
    match v {
        Value::String(s) => view.scan(&place(pointer), s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                scan_json(view, item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                view.scan(&place(pointer), k)?;
                scan_json(view, item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The PDF's bytes with each `stream … endstream` body left out (compressed font and page
/// data, where text is glyph numbers): the dictionaries, the document information and
/// anything else written as plain text. `None` if the pattern cannot be built (the caller
/// refuses: the firewall fails closed).
fn outside_streams(bytes: &[u8]) -> Option<String> {
    static STREAM: std::sync::OnceLock<Option<regex::bytes::Regex>> = std::sync::OnceLock::new();
    let re = STREAM.get_or_init(|| regex::bytes::Regex::new(r"(?s-u)stream.*?endstream").ok()).as_ref()?;
    Some(String::from_utf8_lossy(&re.replace_all(bytes, &b"\n"[..])).into_owned())
}
