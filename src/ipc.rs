//! What crosses the desktop shell's IPC boundary that is not a record type: the answers
//! the UI receives (declared here, once, so that their TypeScript twins are generated with
//! feature `ts` and cannot drift), and the structured arguments the UI sends
//! ([`ConsentArgs`], [`ShareArgs`], [`FinishArgs`]) with their checks, so that the shell stays a thin
//! mapping and the fuzz target `ipc_args` decodes exactly what the shell decodes.

use serde::{Deserialize, Serialize};

use crate::casework::consent::{ConsentInput, ConsentWords};
use crate::log::identity::Role;
use crate::log::vocab::Format;
use crate::sharing::share::{ShareRequest, ShareWords};
use crate::{ClientId, Error, Result};

pub mod contract;

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

#[allow(missing_debug_implementations, reason = "it holds a recovery key, never formatted")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Serialize)]
pub struct Created {
    pub recovery_key: contract::Secret,
}

/// A refused command: a stable code and a sentence that names no record value.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct CmdError {
    pub code: contract::ErrorCode,
    pub message: String,
}

impl From<crate::Error> for CmdError {
    fn from(e: crate::Error) -> Self {
        CmdError { code: e.error_code(), message: e.to_string() }
    }
}

impl CmdError {
    pub fn new(code: contract::ErrorCode, message: &str) -> Self {
        CmdError { code, message: message.to_string() }
    }
}

/// What the risk checklist form needs: the questions in DASH order and the vault's
/// settings (so that the running score shows the criteria this vault applies).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct RiskForm {
    pub questions: Vec<String>,
    pub settings: crate::record::settings::Settings,
}

impl RiskForm {
    pub fn new(settings: crate::record::settings::Settings) -> Self {
        RiskForm {
            questions: crate::record::risk::QUESTIONS.iter().map(|q| (*q).to_string()).collect(),
            settings,
        }
    }
}

/// `record_consent`'s argument: the client, and the consent decision's words as the consent
/// form sends them (the core's [`ConsentWords`], which the CLI fills too).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Deserialize)]
pub struct ConsentArgs {
    pub client: i64,
    #[serde(flatten)]
    pub words: ConsentWords,
}

impl ConsentArgs {
    /// The client and the checked consent input ([`ConsentInput::parse`], the one parser).
    pub fn into_input(self) -> Result<(ClientId, ConsentInput)> {
        Ok((ClientId(self.client), ConsentInput::parse(&self.words)?))
    }
}

/// `share_preview`'s, `share`'s and `request_share`'s argument: a share's words as the share
/// form sends them (the core's [`ShareWords`], which the CLI fills too), and where the file
/// goes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields = nullable))]
#[derive(Debug, Deserialize)]
pub struct ShareArgs {
    #[serde(flatten)]
    pub words: ShareWords,
    pub format: Option<String>,
    /// The one-use token the shell's save dialog gave for the chosen file (never a path;
    /// absent: a fresh name in the exports folder).
    pub out: Option<String>,
}

impl ShareArgs {
    /// The share request ([`ShareRequest::parse`], the one parser).
    pub fn request(&self) -> Result<ShareRequest> {
        ShareRequest::parse(&self.words)
    }

    /// The request of a share that is signed (`share`, `request_share`): as [`Self::request`],
    /// and whether the person was told must be answered ([`ShareRequest::require_told`]).
    pub fn signed_request(&self) -> Result<ShareRequest> {
        self.request()?.require_told()
    }

    /// The export format asked for (PDF when absent).
    pub fn format(&self) -> Result<Format> {
        self.format.as_deref().unwrap_or("pdf").parse::<Format>()
    }
}

/// `finish_request`'s argument: an approved share request to finish, the format and the
/// save dialog's one-use token for the file (absent: a fresh name in the exports folder).
/// Everything else is the request's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields = nullable))]
#[derive(Debug, Deserialize)]
pub struct FinishArgs {
    pub request: i64,
    pub format: Option<String>,
    pub out: Option<String>,
}

impl FinishArgs {
    /// The request id (a positive number) and the format (PDF when absent).
    pub fn checked(&self) -> Result<(i64, Format)> {
        if self.request <= 0 {
            return Err(Error::invalid("A request id is a positive whole number."));
        }
        Ok((self.request, self.format.as_deref().unwrap_or("pdf").parse::<Format>()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::vocab::{LawfulBasis, Told};
    use crate::record::Date;

    fn share(json: serde_json::Value) -> ShareArgs {
        serde_json::from_value(json).unwrap_or_else(|e| unreachable!("test args decode: {e}"))
    }

    #[test]
    fn consent_args_check_every_word_and_the_review_date() {
        let ok = |review: &str| ConsentArgs {
            client: 7,
            words: ConsentWords {
                recipient: "marac".into(),
                state: "given".into(),
                method: "verbal".into(),
                purpose: None,
                reason: None,
                review_on: Some(review.into()),
            },
        };
        let (client, input) = ok("2027-02-28").into_input().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(client, ClientId(7));
        assert_eq!(input.review_on, Date::parse("2027-02-28"));
        // Empty means "the default review date", not a bad date.
        assert_eq!(ok("").into_input().map(|(_, i)| i.review_on).ok(), Some(None));
        let bad = ok("2027-02-30").into_input().err().map(|e| (e.code(), e.to_string()));
        assert_eq!(bad.as_ref().map(|b| b.0), Some("invalid_input"));
        assert!(bad.is_some_and(|b| !b.1.contains("2027")), "the refusal repeats no value");
        let mut wrong = ok("");
        wrong.words.method = "telepathy".into();
        assert_eq!(wrong.into_input().err().map(|e| e.code()), Some("invalid_input"));
        // The purpose goes through the one parser: another recipient's code is refused.
        let mut wrong = ok("");
        wrong.words.purpose = Some("Criminal investigation".into());
        let e = wrong.into_input().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("marac_referral"), "{e}");
    }

    #[test]
    fn finish_args_check_the_id_and_the_format() {
        let f = |json: serde_json::Value| -> FinishArgs {
            serde_json::from_value(json).unwrap_or_else(|e| unreachable!("test args decode: {e}"))
        };
        assert_eq!(f(serde_json::json!({"request": 7})).checked().ok(), Some((7, Format::Pdf)));
        assert_eq!(
            f(serde_json::json!({"request": 7, "format": "json", "out": "/tmp/x.json"})).checked().ok(),
            Some((7, Format::Json))
        );
        assert_eq!(
            f(serde_json::json!({"request": 0})).checked().err().map(|e| e.code()),
            Some("invalid_input")
        );
        let bad = f(serde_json::json!({"request": 3, "format": "docx"}));
        assert_eq!(bad.checked().err().map(|e| e.code()), Some("invalid_input"));
    }

    #[test]
    fn share_args_treat_empty_words_as_absent_and_refuse_unknown_ones() {
        let base = serde_json::json!({"client": 1, "recipient": "police", "purpose": "p",
            "emergency": false, "excerpts": [], "lawful_basis": "", "told": ""});
        let a = share(base.clone());
        let req = a.request().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(req.lawful_basis.is_none() && req.told.is_none());
        assert_eq!(a.format().ok(), Some(Format::Pdf), "PDF when no format is asked for");
        let mut v = base.clone();
        v["lawful_basis"] = "vital_interests".into();
        v["told"] = "not_safe".into();
        let req = share(v).request().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(req.lawful_basis, Some(LawfulBasis::VitalInterests));
        assert_eq!(req.told, Some(Told::NotSafe));
        for (key, word) in [("lawful_basis", "because"), ("recipient", "nobody"), ("told", "maybe")] {
            let mut v = base.clone();
            v[key] = word.into();
            assert_eq!(share(v).request().err().map(|e| e.code()), Some("invalid_input"), "{key}");
        }
        let mut v = base;
        v["format"] = "docx".into();
        assert_eq!(share(v).format().err().map(|e| e.code()), Some("invalid_input"));
    }

    #[test]
    fn a_signed_share_needs_the_told_answer_and_never_assumes_one() {
        let base = serde_json::json!({"client": 1, "recipient": "police", "purpose": "p",
            "emergency": true, "excerpts": []});
        // Absent, null or empty: the preview may go ahead, a signed share may not.
        for told in [None, Some(serde_json::Value::Null), Some("".into())] {
            let mut v = base.clone();
            if let Some(t) = told {
                v["told"] = t;
            }
            let a = share(v);
            assert!(a.request().is_ok(), "the preview takes no told answer");
            let err = a.signed_request().err();
            assert_eq!(err.as_ref().map(|e| e.code()), Some("invalid_input"));
            assert!(err.map(|e| e.to_string()).unwrap_or_default().contains("told"));
        }
        for (word, told) in [("yes", Told::Yes), ("no", Told::No), ("not_safe", Told::NotSafe)] {
            let mut v = base.clone();
            v["told"] = word.into();
            assert_eq!(share(v).signed_request().ok().and_then(|r| r.told), Some(told), "{word}");
        }
    }
}
