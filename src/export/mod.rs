//! Exports: built only from a [`RedactedView`](crate::policy::RedactedView).

pub(crate) mod deliver;
pub mod json;
pub mod pdf;

use serde::Serialize;

use crate::policy::RedactedView;

pub const MARKING: &str = "OFFICIAL-SENSITIVE";

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Json,
}

impl std::str::FromStr for Format {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "pdf" => Ok(Format::Pdf),
            "json" => Ok(Format::Json),
            _ => Err(crate::Error::invalid("the format must be pdf or json")),
        }
    }
}

/// What the file says about its own disclosure (no personal data).
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    pub disclosure_id: i64,
    pub log_chain_head: String,
    pub made_at: String,
    pub made_by: String,
    pub agency: String,
    pub purpose: String,
    pub recipient_name: Option<String>,
}

pub fn render(format: Format, view: &RedactedView, env: &Envelope) -> crate::Result<Vec<u8>> {
    match format {
        Format::Json => json::render(view, env),
        Format::Pdf => pdf::render(view, env),
    }
}
