//! The log's vocabulary: one [`Event`] per event name, each with a typed body.
//!
//! Writers build an `Event` and append it ([`super::append_event`], or `s.append(tx,
//! client, event)` inside `vault::Session::write`); readers turn a stored body back
//! into one with [`Event::parse`] and match on its fields. The JSON each body serialises to
//! is exactly what the log has always stored (entries are signed and hash-chained, so not
//! a byte may change): a struct's fields are in the order of the stored keys
//! (`serde_json`'s `preserve_order`), optional fields are left out only where they always
//! were, and numbers stay numbers. The test at the end spells out the stored JSON of every
//! event.
//!
//! A new event is one variant in [`events!`] below, one body struct, and one row of the
//! test. A body derives `Debug` only when it holds no staff words or record values
//! (`redacted_debug!` prints the others' type name only); `Event`'s `Debug` prints the
//! event's name only.
//!
//! Bodies are read leniently (no `deny_unknown_fields`): entries written by older versions
//! may hold keys the current writers no longer write, and they must still read.

use std::fmt;

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::Kind;
use crate::log::identity::Role;
use crate::log::vocab::{
    AlertReason, Approval as ApprovalState, AttemptOutcome, ConsentMethod, ConsentState, DecisionKind,
    EnquiryChannel, Format, LawfulBasis, RecipientKind, Told,
};
use crate::record::settings::{AgencyDetails, Settings};
use crate::record::Date;
use crate::support::error::{Error, Result};

/// The digest of the record version an entry anchors (`record_digest`): `Some(Some(hex))`
/// for a stored version, `Some(None)` (stored as `null`) for a deleted record, `None` (no
/// key) in entries written before anchoring.
pub type RecordDigest = Option<Option<String>>;

/// Reads a present `record_digest` (a string or `null`) as `Some`.
fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<RecordDigest, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A body with no fields: `{}`.
#[derive(Debug, Serialize, Deserialize, Default)]
pub struct Empty {}

/// A consent decision as recorded (the body of a signed `consent` log entry). `purpose`
/// is a code ("general", a listed code, "other" with `purpose_text`); in entries written
/// before the closed list it is free text (`casework::consent`'s `Purpose::from_stored`
/// reads both; `Consent`'s methods are there too).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Consent {
    pub recipient: RecipientKind,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose_text: Option<String>,
    pub state: ConsentState,
    pub method: ConsentMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_on: Option<Date>,
    pub recorded_by: String,
}

/// An enquiry as stored in its `enquiry_recorded` entry (its `Debug` shows none of it);
/// `casework::enquiry` writes and reads it.
#[derive(Clone, Serialize, Deserialize)]
pub struct EnquiryStored {
    pub(crate) channel: EnquiryChannel,
    pub(crate) at: String,
    pub(crate) caller_name: String,
    pub(crate) claimed_organisation: Option<String>,
    pub(crate) callback: Option<String>,
    pub(crate) asked: String,
    pub(crate) response: String,
    pub(crate) verified: bool,
    pub(crate) recorded_by: String,
}

impl std::fmt::Debug for EnquiryStored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stored { .. }")
    }
}

/// The body of an `enquiry_alert_reviewed` entry.
#[derive(Debug, Serialize, Deserialize)]
pub struct AlertReviewed {
    pub(crate) enquiries: Vec<i64>,
    pub(crate) reasons: Vec<AlertReason>,
}

/// One organisation on the switchboard list.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Switchboard {
    pub organisation: String,
    /// E.164.
    pub numbers: Vec<String>,
}

/// Public keys certified by an identity entry.
#[derive(Debug, Serialize, Deserialize)]
pub struct Keys {
    pub key_id: i64,
    pub signing_key: String,
    pub kem_key: String,
}

impl Keys {
    pub fn new(key_id: i64, signing: &[u8], kem: &[u8]) -> Keys {
        Keys { key_id, signing_key: HEXLOWER.encode(signing), kem_key: HEXLOWER.encode(kem) }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct VaultCreated {
    pub first_manager: String,
    pub user_id: i64,
    pub recovery: Keys,
    #[serde(flatten)]
    pub keys: Keys,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PassphraseReset {
    pub user_id: i64,
    pub user: String,
    #[serde(flatten)]
    pub keys: Keys,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UserAdded {
    pub user: String,
    pub user_id: i64,
    pub role: Role,
    #[serde(flatten)]
    pub keys: Keys,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct UserRemoved {
    pub user: String,
    pub user_id: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PassphraseChanged {
    pub user_id: i64,
    pub old_key_id: i64,
    #[serde(flatten)]
    pub keys: Keys,
}

/// A failed unlock reported at the next one: itemised, or how many were not.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UnlockFailed {
    Attempt {
        attempted_at: DateTime<Utc>,
        /// `this_user` or `other_or_unknown_user`.
        user: String,
    },
    NotItemised {
        not_itemised: u64,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Unlock {
    pub failed_attempts_since_last_unlock: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct VaultKeyRotated {
    pub generation: u64,
    pub recipients: usize,
    pub why: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BackupMade {
    pub sha256: String,
    pub log_entries: i64,
    pub log_head: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RestoredFromBackup {
    pub backup_created_at: String,
    pub backup_log_entries: i64,
    pub backup_log_head: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DuplicateCheck {
    pub matches: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SettingsChanged {
    #[serde(default)]
    pub before: Settings,
    pub after: Settings,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SwitchboardChanged {
    /// `added` or `removed`.
    #[serde(default)]
    pub change: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default)]
    pub list: Vec<Switchboard>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RecordsAnchored {
    pub anchored: usize,
    pub not_matching: usize,
}

/// An export that did not end in a delivered file (`export_failed`, `export_incomplete`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportEnded {
    pub decision: i64,
    pub file: String,
}

/// The reads below are stored with `"read": <event name>` first ([`Event::body`] adds it).
#[derive(Serialize, Deserialize)]
pub struct SafeNumberCopied {
    pub contact: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub situations: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CodeWordRevealed {
    pub contact: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct NamesShown {
    pub list: String,
    pub clients: usize,
    pub search: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EnquiriesShown {
    pub enquiries: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SharePreview {
    pub recipient: RecipientKind,
    pub excerpts: Vec<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DecisionsViewed {
    pub decisions: usize,
    pub recipient: Option<RecipientKind>,
    pub kind: Option<DecisionKind>,
    pub awaiting_approval: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DecisionViewed {
    pub decision: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ContactHistoryShown {
    pub entries: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ClientViewed {
    /// `summary` or `names_shown`.
    pub read: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_words_revealed: Option<usize>,
}

/// A change to a client's record: the catalogue paths that changed (never values).
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordChanged {
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub record_digest: RecordDigest,
}

#[derive(Serialize, Deserialize)]
pub struct DoNotUseLifted {
    pub contact: usize,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SafeContactConfirmed {
    pub contact: usize,
    pub review_after_days: u32,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub record_digest: RecordDigest,
}

#[derive(Serialize, Deserialize)]
pub struct ContactAttempt {
    pub contact: usize,
    pub outcome: AttemptOutcome,
    pub note: Option<String>,
    pub flagged_for_review: bool,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub record_digest: RecordDigest,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CaseClosed {
    pub closed_on: Date,
    pub retain_until: Date,
}

#[derive(Serialize, Deserialize)]
pub struct LegalHoldSet {
    pub reason: String,
}

#[derive(Serialize, Deserialize)]
pub struct CasePurged {
    pub client_id: i64,
    pub case_reference: String,
    pub closed_on: String,
    pub retain_until: String,
    pub purged_on: String,
    pub purged_by: String,
    pub reason: String,
    /// `destroyed` or `none`.
    pub free_text_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub record_digest: RecordDigest,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RecordAnchored {
    pub trust_on_first_use: bool,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub record_digest: RecordDigest,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EnquiryLinked {
    pub enquiry: i64,
}

/// What a share (or a request for one) asked for, as both entries begin.
#[derive(Serialize, Deserialize)]
pub struct Asked {
    /// `share` or `share_requested`.
    pub decision: String,
    pub recipient: RecipientKind,
    pub recipient_name: Option<String>,
    #[serde(default)]
    pub purpose: String,
    pub purpose_text: Option<String>,
    #[serde(default)]
    pub consent_state: String,
    pub consent_entry: Option<i64>,
    pub lawful_basis: Option<LawfulBasis>,
    pub justification: Option<String>,
    pub told: Option<Told>,
    pub advice: Option<String>,
    #[serde(default)]
    pub excerpts: Vec<usize>,
    #[serde(default)]
    pub masked: Value,
    #[serde(default)]
    pub firewall_version: u32,
    #[serde(default)]
    pub profile_version: u32,
}

#[derive(Serialize, Deserialize)]
pub struct Share {
    #[serde(flatten)]
    pub asked: Asked,
    #[serde(default)]
    pub allowed_by: String,
    #[serde(default)]
    pub emergency: bool,
    pub approval: ApprovalState,
    pub approved_by: Option<String>,
    pub request: Option<i64>,
    pub approval_entry: Option<i64>,
    #[serde(default)]
    pub fields_shared: Vec<String>,
    #[serde(default)]
    pub fields_withheld: Value,
    pub format: Format,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub chain_head_at_export: String,
    #[serde(default)]
    pub made_by: String,
    #[serde(default)]
    pub made_at: String,
}

#[derive(Serialize, Deserialize)]
pub struct Decline {
    pub decision: String,
    pub recipient: RecipientKind,
    #[serde(default)]
    pub purpose: String,
    pub purpose_text: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub consent_state: String,
    pub consent_entry: Option<i64>,
    #[serde(default)]
    pub made_by: String,
}

/// A manager's approval of an emergency share afterwards.
#[derive(Debug, Serialize, Deserialize)]
pub struct Approval {
    pub decision: i64,
    pub approved_by: String,
    pub sha256: Option<String>,
    pub afterwards: bool,
}

#[derive(Serialize, Deserialize)]
pub struct ShareRequested {
    #[serde(flatten)]
    pub asked: Asked,
    #[serde(default)]
    pub fields_shared: Vec<String>,
    pub digest: String,
    #[serde(default)]
    pub requested_by: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ShareRequestApproved {
    pub request: i64,
    pub digest: String,
    pub approved_by: String,
}

#[derive(Serialize, Deserialize)]
pub struct ShareRequestRejected {
    pub request: i64,
    pub reason: String,
    pub rejected_by: String,
}

/// `Debug` for bodies that hold staff words or record values: the type's name only.
macro_rules! redacted_debug {
    ($($t:ident),*) => {
        $(impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), " { .. }"))
            }
        })*
    };
}

redacted_debug!(
    SafeNumberCopied,
    DoNotUseLifted,
    ContactAttempt,
    LegalHoldSet,
    CasePurged,
    Asked,
    Share,
    Decline,
    ShareRequested,
    ShareRequestRejected
);

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($body:ty) = $name:literal, $kind:ident; )*) => {
        /// Every event the log holds, with its typed body.
        // One event is built, appended and dropped at a time: boxing the large bodies
        // would only add allocations.
        #[allow(clippy::large_enum_variant)]
        pub enum Event {
            $( $(#[$doc])* $variant($body), )*
        }

        impl Event {
            /// Every event name, in the order of the variants.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The event's name as stored (`event` column).
            pub fn name(&self) -> &'static str {
                match self {
                    $( Event::$variant(_) => $name, )*
                }
            }

            /// The kind of entry it is stored as.
            pub fn kind(&self) -> Kind {
                match self {
                    $( Event::$variant(_) => Kind::$kind, )*
                }
            }

            fn content(&self) -> std::result::Result<Value, serde_json::Error> {
                match self {
                    $( Event::$variant(b) => serde_json::to_value(b), )*
                }
            }

            fn from_content(name: &str, body: Value) -> Option<std::result::Result<Event, serde_json::Error>> {
                match name {
                    $( $name => Some(serde_json::from_value(body).map(Event::$variant)), )*
                    _ => None,
                }
            }
        }
    };
}

events! {
    VaultCreated(VaultCreated) = "vault_created", Audit;
    PassphraseResetWithRecoveryKey(PassphraseReset) = "passphrase_reset_with_recovery_key", Audit;
    IdentityCacheRepaired(Empty) = "identity_cache_repaired", Audit;
    UnlockFailed(UnlockFailed) = "unlock_failed", Audit;
    Unlock(Unlock) = "unlock", Audit;
    Lock(Empty) = "lock", Audit;
    VaultKeyRotated(VaultKeyRotated) = "vault_key_rotated", Audit;
    UserAdded(UserAdded) = "user_added", Audit;
    UserRemoved(UserRemoved) = "user_removed", Audit;
    PassphraseChanged(PassphraseChanged) = "passphrase_changed", Audit;
    RecoveryKeyReplaced(Keys) = "recovery_key_replaced", Audit;
    BackupMade(BackupMade) = "backup_made", Audit;
    RestoredFromBackup(RestoredFromBackup) = "restored_from_backup", Audit;
    DuplicateCheck(DuplicateCheck) = "duplicate_check", Audit;
    SettingsChanged(SettingsChanged) = "settings_changed", Audit;
    AgencySet(AgencyDetails) = "agency_set", Audit;
    EnquiryRecorded(EnquiryStored) = "enquiry_recorded", Audit;
    EnquiryLinked(EnquiryLinked) = "enquiry_linked", Audit;
    EnquiryAlertReviewed(AlertReviewed) = "enquiry_alert_reviewed", Audit;
    SwitchboardChanged(SwitchboardChanged) = "switchboard_changed", Audit;
    RecordsAnchored(RecordsAnchored) = "records_anchored", Audit;
    RecordAnchored(RecordAnchored) = "record_anchored", Audit;
    ExportFailed(ExportEnded) = "export_failed", Audit;
    ExportIncomplete(ExportEnded) = "export_incomplete", Audit;
    SafeNumberCopied(SafeNumberCopied) = "safe_number_copied", Audit;
    CodeWordRevealed(CodeWordRevealed) = "code_word_revealed", Audit;
    NamesShown(NamesShown) = "names_shown", Audit;
    EnquiriesShown(EnquiriesShown) = "enquiries_shown", Audit;
    SharePreview(SharePreview) = "share_preview", Audit;
    DecisionsViewed(DecisionsViewed) = "decisions_viewed", Audit;
    DecisionViewed(DecisionViewed) = "decision_viewed", Audit;
    ContactHistoryShown(ContactHistoryShown) = "contact_history_shown", Audit;
    ClientViewed(ClientViewed) = "client_viewed", Audit;
    MaracViewed(Empty) = "marac_viewed", Audit;
    ClientAdded(RecordChanged) = "client_added", Audit;
    ClientChanged(RecordChanged) = "client_changed", Audit;
    MaracReferralRecorded(RecordChanged) = "marac_referral_recorded", Audit;
    MaracReferralChanged(RecordChanged) = "marac_referral_changed", Audit;
    DoNotUseLifted(DoNotUseLifted) = "do_not_use_lifted", Audit;
    SafeContactConfirmed(SafeContactConfirmed) = "safe_contact_confirmed", Audit;
    ContactAttempt(ContactAttempt) = "contact_attempt", Audit;
    CaseClosed(CaseClosed) = "case_closed", Audit;
    CaseReopened(Empty) = "case_reopened", Audit;
    LegalHoldSet(LegalHoldSet) = "legal_hold_set", Audit;
    LegalHoldReleased(Empty) = "legal_hold_released", Audit;
    CasePurged(CasePurged) = "case_purged", Audit;
    ConsentRecorded(Consent) = "consent_recorded", Consent;
    Share(Share) = "share", Decision;
    Decline(Decline) = "decline", Decision;
    Approval(Approval) = "approval", Decision;
    ShareRequested(ShareRequested) = "share_requested", Decision;
    ShareRequestApproved(ShareRequestApproved) = "share_request_approved", Decision;
    ShareRequestRejected(ShareRequestRejected) = "share_request_rejected", Decision;
}

/// Reads of record data: stored with `"read": <event name>` as the body's first key.
const READS: &[&str] = &[
    "safe_number_copied",
    "code_word_revealed",
    "names_shown",
    "enquiries_shown",
    "share_preview",
    "decisions_viewed",
    "decision_viewed",
    "contact_history_shown",
];

fn malformed(name: &str) -> Error {
    Error::Integrity(format!("a `{name}` log entry's body is not well formed"))
}

impl Event {
    /// The body as stored (before [`super::shred::seal`]).
    pub fn body(&self) -> Result<Value> {
        let name = self.name();
        let mut body = self.content().map_err(|_| Error::Storage("could not encode a log entry".into()))?;
        if READS.contains(&name) {
            if let Some(o) = body.as_object_mut() {
                o.shift_insert(0, "read".into(), Value::from(name));
            }
        }
        Ok(body)
    }

    /// The event `name` with `body` (as stored, sealed fields opened), for readers.
    pub fn parse(name: &str, body: &Value) -> Result<Event> {
        let mut body = body.clone();
        if READS.contains(&name) {
            let read = body.as_object_mut().and_then(|o| o.shift_remove("read"));
            if read.as_ref().and_then(Value::as_str) != Some(name) {
                return Err(malformed(name));
            }
        }
        match Event::from_content(name, body) {
            Some(Ok(e)) => Ok(e),
            Some(Err(_)) => Err(malformed(name)),
            None => Err(Error::Integrity("a log entry names an event Casekeep does not know".into())),
        }
    }

    /// [`Event::parse`] of a body as stored text.
    pub fn parse_str(name: &str, body: &str) -> Result<Event> {
        let value: Value = serde_json::from_str(body).map_err(|_| malformed(name))?;
        Event::parse(name, &value)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Event::{} {{ .. }}", self.name())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{NaiveDate, TimeZone};
    use serde_json::json;

    use super::*;
    use crate::log::vocab::AlertReason;
    use crate::log::vocab::{ConsentMethod, ConsentState};

    fn keys(n: u8) -> Keys {
        Keys::new(i64::from(n), &[n; 2], &[n + 1; 2])
    }

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn asked(decision: &str) -> Asked {
        Asked {
            decision: decision.into(),
            recipient: RecipientKind::Police,
            recipient_name: Some("DC Example".into()),
            purpose: "other".into(),
            purpose_text: Some("a synthetic purpose".into()),
            consent_state: "not recorded".into(),
            consent_entry: None,
            lawful_basis: Some(LawfulBasis::PreventDetectCrime),
            justification: Some("a synthetic justification".into()),
            told: Some(Told::NotSafe),
            advice: None,
            excerpts: vec![2],
            masked: json!([{"path": "purpose", "kind": "phone"}]),
            firewall_version: 3,
            profile_version: 1,
        }
    }

    const ASKED: &str = r#""recipient":"police","recipient_name":"DC Example","purpose":"other","purpose_text":"a synthetic purpose","consent_state":"not recorded","consent_entry":null,"lawful_basis":"prevent_detect_crime","justification":"a synthetic justification","told":"not_safe","advice":null,"excerpts":[2],"masked":[{"path":"purpose","kind":"phone"}],"firewall_version":3,"profile_version":1"#;

    /// Every event with the body the code before typed events wrote for it, key for key.
    fn cases() -> Vec<(Event, String)> {
        let digest = || Some(Some("ab12".to_string()));
        let stored_enquiry = json!({"channel": "phone", "at": "2026-12-01T09:00:00Z", "caller_name": "A Caller",
            "claimed_organisation": null, "callback": "+447700900123", "asked": "is she there", "response": "script",
            "verified": false, "recorded_by": "mo"});
        let consent = Consent {
            recipient: RecipientKind::Marac,
            purpose: "general".into(),
            purpose_text: None,
            state: ConsentState::Given,
            method: ConsentMethod::Verbal,
            reason: None,
            review_on: Some(date(2027, 1, 31)),
            recorded_by: "bo".into(),
        };
        let settings = Settings::default();
        let agency = AgencyDetails { agency: Some("Example Refuge".into()), ..AgencyDetails::default() };
        vec![
            (
                Event::VaultCreated(VaultCreated { first_manager: "mo".into(), user_id: 1, recovery: keys(2), keys: keys(1) }),
                r#"{"first_manager":"mo","user_id":1,"recovery":{"key_id":2,"signing_key":"0202","kem_key":"0303"},"key_id":1,"signing_key":"0101","kem_key":"0202"}"#.into(),
            ),
            (
                Event::PassphraseResetWithRecoveryKey(PassphraseReset { user_id: 3, user: "bo".into(), keys: keys(4) }),
                r#"{"user_id":3,"user":"bo","key_id":4,"signing_key":"0404","kem_key":"0505"}"#.into(),
            ),
            (Event::IdentityCacheRepaired(Empty {}), "{}".into()),
            (
                Event::UnlockFailed(UnlockFailed::Attempt {
                    attempted_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
                    user: "this_user".into(),
                }),
                r#"{"attempted_at":"2026-12-01T10:00:00Z","user":"this_user"}"#.into(),
            ),
            (Event::UnlockFailed(UnlockFailed::NotItemised { not_itemised: 7 }), r#"{"not_itemised":7}"#.into()),
            (
                Event::Unlock(Unlock { failed_attempts_since_last_unlock: 2 }),
                r#"{"failed_attempts_since_last_unlock":2}"#.into(),
            ),
            (Event::Lock(Empty {}), "{}".into()),
            (
                Event::VaultKeyRotated(VaultKeyRotated { generation: 4, recipients: 3, why: "user_removed".into() }),
                r#"{"generation":4,"recipients":3,"why":"user_removed"}"#.into(),
            ),
            (
                Event::UserAdded(UserAdded { user: "bo".into(), user_id: 3, role: Role::Caseworker, keys: keys(5) }),
                r#"{"user":"bo","user_id":3,"role":"caseworker","key_id":5,"signing_key":"0505","kem_key":"0606"}"#.into(),
            ),
            (
                Event::UserRemoved(UserRemoved { user: "bo".into(), user_id: 3 }),
                r#"{"user":"bo","user_id":3}"#.into(),
            ),
            (
                Event::PassphraseChanged(PassphraseChanged { user_id: 1, old_key_id: 1, keys: keys(6) }),
                r#"{"user_id":1,"old_key_id":1,"key_id":6,"signing_key":"0606","kem_key":"0707"}"#.into(),
            ),
            (
                Event::RecoveryKeyReplaced(keys(7)),
                r#"{"key_id":7,"signing_key":"0707","kem_key":"0808"}"#.into(),
            ),
            (
                Event::BackupMade(BackupMade { sha256: "aa".into(), log_entries: 40, log_head: "bb".into() }),
                r#"{"sha256":"aa","log_entries":40,"log_head":"bb"}"#.into(),
            ),
            (
                Event::RestoredFromBackup(RestoredFromBackup {
                    backup_created_at: "2026-12-01T10:00:00Z".into(),
                    backup_log_entries: 40,
                    backup_log_head: "bb".into(),
                }),
                r#"{"backup_created_at":"2026-12-01T10:00:00Z","backup_log_entries":40,"backup_log_head":"bb"}"#.into(),
            ),
            (Event::DuplicateCheck(DuplicateCheck { matches: 0 }), r#"{"matches":0}"#.into()),
            (
                Event::SettingsChanged(SettingsChanged { before: settings, after: settings }),
                json!({ "before": settings, "after": settings }).to_string(),
            ),
            (
                Event::AgencySet(agency),
                r#"{"agency":"Example Refuge","referrer_role":null,"phone":null,"email":null}"#.into(),
            ),
            (Event::parse("enquiry_recorded", &stored_enquiry).unwrap(), stored_enquiry.to_string()),
            (Event::EnquiryLinked(EnquiryLinked { enquiry: 12 }), r#"{"enquiry":12}"#.into()),
            (
                Event::parse("enquiry_alert_reviewed", &json!({"enquiries": [12, 14], "reasons": [AlertReason::Repeated]}))
                    .unwrap(),
                r#"{"enquiries":[12,14],"reasons":["repeated"]}"#.into(),
            ),
            (
                Event::SwitchboardChanged(SwitchboardChanged {
                    change: "added".into(),
                    organisation: "Example Police".into(),
                    number: Some("+447700900101".into()),
                    list: vec![Switchboard { organisation: "Example Police".into(), numbers: vec!["+447700900101".into()] }],
                }),
                r#"{"change":"added","organisation":"Example Police","number":"+447700900101","list":[{"organisation":"Example Police","numbers":["+447700900101"]}]}"#.into(),
            ),
            (
                Event::SwitchboardChanged(SwitchboardChanged {
                    change: "removed".into(),
                    organisation: "Example Police".into(),
                    number: None,
                    list: vec![],
                }),
                r#"{"change":"removed","organisation":"Example Police","list":[]}"#.into(),
            ),
            (
                Event::RecordsAnchored(RecordsAnchored { anchored: 5, not_matching: 0 }),
                r#"{"anchored":5,"not_matching":0}"#.into(),
            ),
            (
                Event::RecordAnchored(RecordAnchored { trust_on_first_use: true, record_digest: digest() }),
                r#"{"trust_on_first_use":true,"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::ExportFailed(ExportEnded { decision: 9, file: "not delivered".into() }),
                r#"{"decision":9,"file":"not delivered"}"#.into(),
            ),
            (
                Event::ExportIncomplete(ExportEnded { decision: 9, file: "no file".into() }),
                r#"{"decision":9,"file":"no file"}"#.into(),
            ),
            (
                Event::SafeNumberCopied(SafeNumberCopied { contact: 1, situations: None, acknowledged: None, reason: None }),
                r#"{"read":"safe_number_copied","contact":1}"#.into(),
            ),
            (
                Event::SafeNumberCopied(SafeNumberCopied {
                    contact: 2,
                    situations: Some(vec!["outside_safe_times".into()]),
                    acknowledged: Some(true),
                    reason: Some("she asked us to ring now".into()),
                }),
                r#"{"read":"safe_number_copied","contact":2,"situations":["outside_safe_times"],"acknowledged":true,"reason":"she asked us to ring now"}"#.into(),
            ),
            (
                Event::CodeWordRevealed(CodeWordRevealed { contact: 1 }),
                r#"{"read":"code_word_revealed","contact":1}"#.into(),
            ),
            (
                Event::NamesShown(NamesShown { list: "caseload".into(), clients: 4, search: false }),
                r#"{"read":"names_shown","list":"caseload","clients":4,"search":false}"#.into(),
            ),
            (
                Event::EnquiriesShown(EnquiriesShown { enquiries: 3 }),
                r#"{"read":"enquiries_shown","enquiries":3}"#.into(),
            ),
            (
                Event::SharePreview(SharePreview { recipient: RecipientKind::Health, excerpts: vec![] }),
                r#"{"read":"share_preview","recipient":"health","excerpts":[]}"#.into(),
            ),
            (
                Event::DecisionsViewed(DecisionsViewed {
                    decisions: 2,
                    recipient: None,
                    kind: Some(DecisionKind::Share),
                    awaiting_approval: false,
                }),
                r#"{"read":"decisions_viewed","decisions":2,"recipient":null,"kind":"share","awaiting_approval":false}"#.into(),
            ),
            (
                Event::DecisionViewed(DecisionViewed { decision: 8 }),
                r#"{"read":"decision_viewed","decision":8}"#.into(),
            ),
            (
                Event::ContactHistoryShown(ContactHistoryShown { entries: 6 }),
                r#"{"read":"contact_history_shown","entries":6}"#.into(),
            ),
            (
                Event::ClientViewed(ClientViewed { read: "summary".into(), code_words_revealed: None }),
                r#"{"read":"summary"}"#.into(),
            ),
            (
                Event::ClientViewed(ClientViewed { read: "names_shown".into(), code_words_revealed: Some(1) }),
                r#"{"read":"names_shown","code_words_revealed":1}"#.into(),
            ),
            (Event::MaracViewed(Empty {}), "{}".into()),
            (
                Event::ClientAdded(RecordChanged { fields: vec!["full_name".into()], record_digest: digest() }),
                r#"{"fields":["full_name"],"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::ClientChanged(RecordChanged { fields: vec!["contacts".into()], record_digest: digest() }),
                r#"{"fields":["contacts"],"record_digest":"ab12"}"#.into(),
            ),
            // Written before records were anchored (and by the legacy test hook): no key.
            (
                Event::ClientChanged(RecordChanged { fields: vec![], record_digest: None }),
                r#"{"fields":[]}"#.into(),
            ),
            (
                Event::MaracReferralRecorded(RecordChanged { fields: vec!["marac".into()], record_digest: digest() }),
                r#"{"fields":["marac"],"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::MaracReferralChanged(RecordChanged { fields: vec!["marac".into()], record_digest: digest() }),
                r#"{"fields":["marac"],"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::DoNotUseLifted(DoNotUseLifted { contact: 2, reason: Some("she confirmed it is safe again".into()) }),
                r#"{"contact":2,"reason":"she confirmed it is safe again"}"#.into(),
            ),
            (
                Event::SafeContactConfirmed(SafeContactConfirmed { contact: 1, review_after_days: 28, record_digest: digest() }),
                r#"{"contact":1,"review_after_days":28,"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::ContactAttempt(ContactAttempt {
                    contact: 1,
                    outcome: AttemptOutcome::NoAnswer,
                    note: None,
                    flagged_for_review: false,
                    record_digest: None,
                }),
                r#"{"contact":1,"outcome":"no_answer","note":null,"flagged_for_review":false}"#.into(),
            ),
            (
                Event::ContactAttempt(ContactAttempt {
                    contact: 1,
                    outcome: AttemptOutcome::NumberNotWorking,
                    note: Some("line dead".into()),
                    flagged_for_review: true,
                    record_digest: digest(),
                }),
                r#"{"contact":1,"outcome":"number_not_working","note":"line dead","flagged_for_review":true,"record_digest":"ab12"}"#.into(),
            ),
            (
                Event::CaseClosed(CaseClosed { closed_on: date(2026, 12, 1), retain_until: date(2032, 12, 1) }),
                r#"{"closed_on":"2026-12-01","retain_until":"2032-12-01"}"#.into(),
            ),
            (Event::CaseReopened(Empty {}), "{}".into()),
            (
                Event::LegalHoldSet(LegalHoldSet { reason: "a synthetic court order".into() }),
                r#"{"reason":"a synthetic court order"}"#.into(),
            ),
            (Event::LegalHoldReleased(Empty {}), "{}".into()),
            (
                Event::CasePurged(CasePurged {
                    client_id: 4,
                    case_reference: "CK-0004".into(),
                    closed_on: "2019-01-01".into(),
                    retain_until: "2025-01-01".into(),
                    purged_on: "2026-12-01".into(),
                    purged_by: "mo".into(),
                    reason: "retention period over".into(),
                    free_text_key: "destroyed".into(),
                    record_digest: Some(None),
                }),
                r#"{"client_id":4,"case_reference":"CK-0004","closed_on":"2019-01-01","retain_until":"2025-01-01","purged_on":"2026-12-01","purged_by":"mo","reason":"retention period over","free_text_key":"destroyed","record_digest":null}"#.into(),
            ),
            (
                Event::ConsentRecorded(consent),
                r#"{"recipient":"marac","purpose":"general","state":"given","method":"verbal","review_on":"2027-01-31","recorded_by":"bo"}"#.into(),
            ),
            (
                Event::Share(Share {
                    asked: asked("share"),
                    allowed_by: "lawful_basis".into(),
                    emergency: true,
                    approval: ApprovalState::Awaiting,
                    approved_by: None,
                    request: None,
                    approval_entry: None,
                    fields_shared: vec!["full_name".into()],
                    fields_withheld: json!([{"path": "children", "reason": "not needed"}]),
                    format: Format::Pdf,
                    method: "file export".into(),
                    sha256: "cc".into(),
                    chain_head_at_export: "dd".into(),
                    made_by: "bo".into(),
                    made_at: "2026-12-01T10:00:00.000000Z".into(),
                }),
                format!(
                    r#"{{"decision":"share",{ASKED},"allowed_by":"lawful_basis","emergency":true,"approval":"awaiting","approved_by":null,"request":null,"approval_entry":null,"fields_shared":["full_name"],"fields_withheld":[{{"path":"children","reason":"not needed"}}],"format":"pdf","method":"file export","sha256":"cc","chain_head_at_export":"dd","made_by":"bo","made_at":"2026-12-01T10:00:00.000000Z"}}"#
                ),
            ),
            (
                Event::Decline(Decline {
                    decision: "decline".into(),
                    recipient: RecipientKind::Housing,
                    purpose: "general".into(),
                    purpose_text: None,
                    reason: "no need to know shown".into(),
                    consent_state: "refused".into(),
                    consent_entry: Some(5),
                    made_by: "bo".into(),
                }),
                r#"{"decision":"decline","recipient":"housing","purpose":"general","purpose_text":null,"reason":"no need to know shown","consent_state":"refused","consent_entry":5,"made_by":"bo"}"#.into(),
            ),
            (
                Event::Approval(Approval { decision: 9, approved_by: "mo".into(), sha256: Some("cc".into()), afterwards: true }),
                r#"{"decision":9,"approved_by":"mo","sha256":"cc","afterwards":true}"#.into(),
            ),
            (
                Event::ShareRequested(ShareRequested {
                    asked: asked("share_requested"),
                    fields_shared: vec!["full_name".into()],
                    digest: "ee".into(),
                    requested_by: "bo".into(),
                }),
                format!(
                    r#"{{"decision":"share_requested",{ASKED},"fields_shared":["full_name"],"digest":"ee","requested_by":"bo"}}"#
                ),
            ),
            (
                Event::ShareRequestApproved(ShareRequestApproved { request: 11, digest: "ee".into(), approved_by: "mo".into() }),
                r#"{"request":11,"digest":"ee","approved_by":"mo"}"#.into(),
            ),
            (
                Event::ShareRequestRejected(ShareRequestRejected {
                    request: 11,
                    reason: "not proportionate".into(),
                    rejected_by: "mo".into(),
                }),
                r#"{"request":11,"reason":"not proportionate","rejected_by":"mo"}"#.into(),
            ),
        ]
    }

    #[test]
    fn every_event_stores_the_json_it_always_stored_and_reads_back() {
        let mut seen = BTreeSet::new();
        for (event, expected) in cases() {
            let name = event.name();
            seen.insert(name);
            assert_eq!(event.body().unwrap().to_string(), expected, "{name}");
            let stored: Value = serde_json::from_str(&expected).unwrap();
            let again = Event::parse(name, &stored).unwrap();
            assert_eq!(again.name(), name);
            assert_eq!(again.body().unwrap().to_string(), expected, "{name} read back");
        }
        let all: BTreeSet<&str> = Event::NAMES.iter().copied().collect();
        assert_eq!(seen, all, "a test row for every event");
    }

    #[test]
    fn kinds_are_as_stored() {
        let kinds: std::collections::BTreeMap<&str, Kind> =
            cases().iter().map(|(e, _)| (e.name(), e.kind())).collect();
        assert_eq!(kinds.get("consent_recorded"), Some(&Kind::Consent));
        for d in [
            "share",
            "decline",
            "approval",
            "share_requested",
            "share_request_approved",
            "share_request_rejected",
        ] {
            assert_eq!(kinds.get(d), Some(&Kind::Decision), "{d}");
        }
        assert_eq!(kinds.values().filter(|k| **k == Kind::Audit).count(), Event::NAMES.len() - 7);
    }

    #[test]
    fn malformed_and_unknown_bodies_are_refused_by_name_never_by_value() {
        let e = Event::parse("share_request_approved", &json!({"request": "Ada Example"})).unwrap_err();
        assert!(!e.to_string().contains("Ada"), "{e}");
        assert!(e.to_string().contains("share_request_approved"), "{e}");
        assert!(Event::parse("no_such_event", &json!({})).is_err());
        // A read's body names its read.
        assert!(Event::parse("decision_viewed", &json!({"decision": 3})).is_err());
        assert!(Event::parse("decision_viewed", &json!({"read": "names_shown", "decision": 3})).is_err());
        assert!(Event::parse("decision_viewed", &json!({"read": "decision_viewed", "decision": 3})).is_ok());
    }

    #[test]
    fn debug_prints_no_words() {
        let e = Event::LegalHoldSet(LegalHoldSet { reason: "Ada Example's court order".into() });
        assert_eq!(format!("{e:?}"), "Event::legal_hold_set { .. }");
        let body = LegalHoldSet { reason: "Ada Example".into() };
        assert!(!format!("{body:?}").contains("Ada"));
    }
}
