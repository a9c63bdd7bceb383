//! What the desktop shell sends the UI that is not a record type: declared here, once,
//! so that its TypeScript twin is generated (feature `ts`) and cannot drift.

use serde::Serialize;

use crate::vault::Role;

/// The app's state as the UI sees it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct AppStatus {
    pub vault_exists: bool,
    pub demo_exists: bool,
    pub unlocked: bool,
    pub demo: bool,
    pub user: Option<String>,
    pub role: Option<Role>,
    pub idle_minutes: u64,
    pub demo_passphrase: String,
    pub demo_user: String,
    /// Exports go to a fixed folder (CASEKEEP_EXPORT_DIR) instead of a save dialog.
    pub fixed_export_dir: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct Unlocked {
    pub user: String,
    pub role: Role,
    pub failed_attempts: u32,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct Created {
    pub recovery_key: String,
}

/// A refused command: a stable code and a sentence that names no record value.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct CmdError {
    pub code: String,
    pub message: String,
}

impl From<crate::Error> for CmdError {
    fn from(e: crate::Error) -> Self {
        CmdError { code: e.code().to_string(), message: e.to_string() }
    }
}

impl CmdError {
    pub fn new(code: &str, message: &str) -> Self {
        CmdError { code: code.to_string(), message: message.to_string() }
    }
}

/// What the risk checklist form needs: the questions in DASH order and the vault's
/// settings (so that the running score shows the criteria this vault applies).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct RiskForm {
    pub questions: Vec<String>,
    pub settings: crate::settings::Settings,
}

impl RiskForm {
    pub fn new(settings: crate::settings::Settings) -> Self {
        RiskForm { questions: crate::risk::QUESTIONS.iter().map(|q| (*q).to_string()).collect(), settings }
    }
}
