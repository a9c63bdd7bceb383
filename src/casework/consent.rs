//! Consent: per client × recipient kind × purpose, recorded as signed log entries.
//!
//! The history is append-only. What it means now, for one recipient and one purpose, is
//! decided in one place, [`decide`]: the share gate, a decision not to share, the consent
//! report (the app's consent table, `consent show`) and the work queue all ask it, so
//! that no two of them can disagree. The rules are in docs/SHARING.md, "The gate".

use std::collections::BTreeSet;

use chrono::Days;
use serde::{Deserialize, Serialize};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use crate::log::event::Consent;
use crate::log::vocab::{ConsentMethod, ConsentState, RecipientKind};
use crate::log::{self, Event, Kind};
use crate::record::ClientId;
use crate::record::Date;
use crate::support::error::{Error, Result};
use crate::support::input::{text, Lines};
use crate::vault::Session;

word_enum!(
    /// The closed list of purposes, each belonging to one recipient ([`PurposeCode::recipient`]).
    /// Any other purpose is recorded as "other" with its text.
    PurposeCode, "the purpose" {
        MaracReferral => "marac_referral",
        SafeguardingChild => "safeguarding_child",
        ChildInNeedAssessment => "child_in_need_assessment",
        CriminalInvestigation => "criminal_investigation",
        RiskManagement => "risk_management",
        HealthCare => "health_care",
        MaternityCare => "maternity_care",
        HousingApplication => "housing_application",
        HomelessnessAssessment => "homelessness_assessment",
    }
);

impl PurposeCode {
    pub fn recipient(self) -> RecipientKind {
        use PurposeCode::*;
        match self {
            MaracReferral => RecipientKind::Marac,
            SafeguardingChild | ChildInNeedAssessment => RecipientKind::ChildrensSocialCare,
            CriminalInvestigation | RiskManagement => RecipientKind::Police,
            HealthCare | MaternityCare => RecipientKind::Health,
            HousingApplication | HomelessnessAssessment => RecipientKind::Housing,
        }
    }

    pub fn label(self) -> &'static str {
        use PurposeCode::*;
        match self {
            MaracReferral => "MARAC referral",
            SafeguardingChild => "Safeguarding a child",
            ChildInNeedAssessment => "Child in need assessment",
            CriminalInvestigation => "Criminal investigation",
            RiskManagement => "Managing the risk of harm",
            HealthCare => "Health care",
            MaternityCare => "Maternity care",
            HousingApplication => "Housing application",
            HomelessnessAssessment => "Homelessness assessment",
        }
    }

    /// The listed purposes of `recipient`, in list order.
    pub fn of(recipient: RecipientKind) -> impl Iterator<Item = PurposeCode> {
        PurposeCode::ALL.iter().copied().filter(move |c| c.recipient() == recipient)
    }

    /// Whether `folded` (see [`fold`]) is this code or its label.
    fn is_named_by(self, folded: &str) -> bool {
        fold(self.as_str()) == folded || fold(self.label()) == folded
    }
}

pub const GENERAL_PURPOSE: &str = "general";
pub const OTHER_PURPOSE: &str = "other";
/// A consent given without a review date is reviewed after this many days.
pub const DEFAULT_REVIEW_DAYS: u64 = 91;

/// What a consent, a share or a decision not to share is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// No purpose given: a consent for every purpose (never a share's purpose).
    General,
    /// One of the recipient's listed purposes.
    Listed(PurposeCode),
    /// Anything else, as typed (trimmed); compared folded (see [`fold`]).
    Other(String),
}

/// Text folded for comparison: compatibility-decomposed (NFKD), combining marks and
/// zero-width characters dropped, lower case, every run of other non-alphanumeric
/// characters (spaces, punctuation, symbols) one space, trimmed. "MARAC  referral." and
/// "marac_referral" fold alike.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.nfkd() {
        if is_combining_mark(c)
            || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
        {
            continue;
        }
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// A purpose as the UI and the exports show it: the stored code ("general", a listed
/// code, or "other"), the text of an "other" purpose, and a label for people.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PurposeView {
    pub code: String,
    pub text: Option<String>,
    pub label: String,
}

/// One choice in a purpose list (the forms' select).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct PurposeOption {
    pub recipient: RecipientKind,
    pub code: PurposeCode,
    pub label: String,
}

/// Every listed purpose with its recipient and label.
pub fn purpose_options() -> Vec<PurposeOption> {
    PurposeCode::ALL
        .iter()
        .map(|c| PurposeOption { recipient: c.recipient(), code: *c, label: c.label().to_string() })
        .collect()
}

fn codes_of(recipient: RecipientKind) -> String {
    let mut codes: Vec<&str> = PurposeCode::of(recipient).map(|c| c.as_str()).collect();
    codes.push("general (no purpose: every purpose)");
    codes.push("or any other text (recorded as other)");
    codes.join(", ")
}

impl Purpose {
    /// The one parser of a purpose as typed (CLI `--purpose`, the app's forms, the core):
    /// empty or "general" is [`Purpose::General`]; a code or label of `recipient`'s list,
    /// compared folded, is that code; a code or label of another recipient's list is
    /// refused (naming `recipient`'s codes); anything else is "other" with the text.
    pub fn parse(recipient: RecipientKind, typed: Option<&str>) -> Result<Purpose> {
        let Some(t) = text("purpose", typed, 200, Lines::Breaks)? else { return Ok(Purpose::General) };
        let folded = fold(&t);
        if folded == GENERAL_PURPOSE || folded == "any purpose" {
            return Ok(Purpose::General);
        }
        if folded.is_empty() || folded == OTHER_PURPOSE {
            return Err(Error::invalid(format!(
                "say in words what the purpose is; the purposes for {recipient} are: {}",
                codes_of(recipient)
            )));
        }
        if let Some(code) = PurposeCode::ALL.iter().copied().find(|c| c.is_named_by(&folded)) {
            if code.recipient() != recipient {
                return Err(Error::invalid(format!(
                    "the purpose {code} is for {}, not {recipient}; the purposes for {recipient} are: {}",
                    code.recipient(),
                    codes_of(recipient)
                )));
            }
            return Ok(Purpose::Listed(code));
        }
        Ok(Purpose::Other(t))
    }

    /// A purpose as stored in a signed entry: new entries hold a code ("general", a listed
    /// code, or "other" with `purpose_text`); entries written before the closed list hold
    /// free text, read as the code it names (folded) or else as "other" with that text.
    /// Never fails: a stored entry cannot be rewritten.
    pub fn from_stored(recipient: RecipientKind, purpose: &str, purpose_text: Option<&str>) -> Purpose {
        if let (OTHER_PURPOSE, Some(t)) = (purpose, purpose_text) {
            return Purpose::Other(t.to_string());
        }
        let folded = fold(purpose);
        if folded == GENERAL_PURPOSE || folded == "any purpose" || folded.is_empty() {
            return Purpose::General;
        }
        match PurposeCode::of(recipient).find(|c| c.is_named_by(&folded)) {
            Some(code) => Purpose::Listed(code),
            None => Purpose::Other(purpose.to_string()),
        }
    }

    /// The stored code: "general", the listed code, or "other".
    pub fn code(&self) -> &'static str {
        match self {
            Purpose::General => GENERAL_PURPOSE,
            Purpose::Listed(c) => c.as_str(),
            Purpose::Other(_) => OTHER_PURPOSE,
        }
    }

    /// The text of an "other" purpose.
    pub fn other_text(&self) -> Option<&str> {
        match self {
            Purpose::Other(t) => Some(t),
            _ => None,
        }
    }

    /// For people: "Any purpose", the listed label, or the other text.
    pub fn label(&self) -> String {
        match self {
            Purpose::General => "Any purpose".to_string(),
            Purpose::Listed(c) => c.label().to_string(),
            Purpose::Other(t) => t.clone(),
        }
    }

    pub fn view(&self) -> PurposeView {
        PurposeView {
            code: self.code().to_string(),
            text: self.other_text().map(str::to_string),
            label: self.label(),
        }
    }

    /// Whether a "given" recorded for `self` allows a share for `asked`: a general one
    /// every purpose, a listed one that purpose, an "other" one the same text (folded).
    fn given_covers(&self, asked: &Purpose) -> bool {
        match (self, asked) {
            (Purpose::General, _) => true,
            (Purpose::Listed(a), Purpose::Listed(b)) => a == b,
            (Purpose::Other(a), Purpose::Other(b)) => fold(a) == fold(b),
            _ => false,
        }
    }

    /// Whether a refusal (withdrawal, lack of capacity, not sought) recorded for `self`
    /// stands in the way of `asked`: a general one every purpose; a listed one that
    /// purpose and every "other" purpose (rewording a refused purpose as free text does
    /// not escape it); an "other" one every purpose but the general row (its words cannot
    /// be told apart from a listed purpose's). The general row (`asked` general) shows
    /// only what was recorded for every purpose.
    fn refusal_covers(&self, asked: &Purpose) -> bool {
        match (self, asked) {
            (Purpose::General, _) => true,
            (_, Purpose::General) => false,
            (Purpose::Listed(a), Purpose::Listed(b)) => a == b,
            (Purpose::Listed(_), Purpose::Other(_)) | (Purpose::Other(_), _) => true,
        }
    }

    /// Whether a later "given" for `self` lifts an earlier refusal for `refused`: a
    /// general given lifts only a general refusal; a purpose's own given lifts any.
    fn lifts(&self, refused: &Purpose) -> bool {
        *self != Purpose::General || *refused == Purpose::General
    }
}

impl Consent {
    pub fn purpose(&self) -> Purpose {
        Purpose::from_stored(self.recipient, &self.purpose, self.purpose_text.as_deref())
    }
}

/// What a person asks to record.
#[derive(Debug)]
pub struct ConsentInput {
    pub recipient: RecipientKind,
    pub state: ConsentState,
    pub method: ConsentMethod,
    /// As typed: parsed by [`Purpose::parse`] (empty for every purpose).
    pub purpose: Option<String>,
    pub reason: Option<String>,
    pub review_on: Option<Date>,
}

/// A consent decision as every front end has it (the CLI's flags, the app's consent form,
/// whose `ipc::ConsentArgs` is these words and the client): words as typed, read by the one
/// parser, [`ConsentInput::parse`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[derive(Debug, Clone, Deserialize)]
pub struct ConsentWords {
    pub recipient: String,
    pub state: String,
    pub method: String,
    pub purpose: Option<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`; empty or absent for the default review date.
    pub review_on: Option<String>,
}

impl ConsentInput {
    /// The one reading of a consent decision from its words, for every front end: each word
    /// parsed against its closed list, the purpose against the recipient's, the review date a
    /// real date (empty optional words count as absent). Messages name fields, never flags.
    pub fn parse(w: &ConsentWords) -> Result<ConsentInput> {
        let recipient = w.recipient.parse::<RecipientKind>()?;
        let purpose = w.purpose.as_deref().filter(|p| !p.trim().is_empty());
        Purpose::parse(recipient, purpose)?;
        let review_on = match w.review_on.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Some(Date::parse(r).ok_or_else(|| {
                Error::invalid("the review date must be a real date written YYYY-MM-DD (`review_on`)")
            })?),
            None => None,
        };
        Ok(ConsentInput {
            recipient,
            state: w.state.parse::<ConsentState>()?,
            method: w.method.parse::<ConsentMethod>()?,
            purpose: purpose.map(str::to_string),
            reason: w.reason.clone(),
            review_on,
        })
    }
}

impl ConsentInput {
    /// Consent given verbally for the general purpose, reviewed at the default date.
    pub fn given_verbally(recipient: RecipientKind) -> ConsentInput {
        ConsentInput {
            recipient,
            state: ConsentState::Given,
            method: ConsentMethod::Verbal,
            purpose: None,
            reason: None,
            review_on: None,
        }
    }
}

/// One consent entry with where and when it was recorded, its purpose read (old free
/// text included) as a [`Purpose`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct ConsentEntry {
    pub seq: i64,
    pub recorded_at: String,
    pub recipient: RecipientKind,
    pub purpose: PurposeView,
    pub state: ConsentState,
    pub method: ConsentMethod,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub review_on: Option<Date>,
    pub recorded_by: String,
    /// True when a `given` consent has passed its review date (it no longer allows a share).
    pub review_overdue: bool,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    parsed: Purpose,
}

impl ConsentEntry {
    /// Reads a stored consent entry (`today` decides whether a given one is overdue).
    pub fn from_log(
        seq: i64,
        recorded_at: String,
        body: serde_json::Value,
        today: Date,
    ) -> Result<ConsentEntry> {
        let Ok(Event::ConsentRecorded(c)) = Event::parse("consent_recorded", &body) else {
            return Err(Error::Integrity("a stored consent entry is malformed".into()));
        };
        let parsed = c.purpose();
        Ok(ConsentEntry {
            seq,
            recorded_at,
            recipient: c.recipient,
            purpose: parsed.view(),
            state: c.state,
            method: c.method,
            reason: c.reason,
            review_overdue: c.state == ConsentState::Given && c.review_on.is_some_and(|r| r < today),
            review_on: c.review_on,
            recorded_by: c.recorded_by,
            parsed,
        })
    }

    pub fn purpose(&self) -> &Purpose {
        &self.parsed
    }
}

/// The current consent for one recipient and one purpose, as [`decide`] finds it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct ConsentDecision {
    pub recipient: RecipientKind,
    pub purpose: PurposeView,
    /// None: nothing recorded covers this purpose ("not recorded").
    pub state: Option<ConsentState>,
    /// Consent given and not past its review date: a share may go on consent.
    pub allows_share: bool,
    pub review_overdue: bool,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub review_on: Option<Date>,
    /// The entry that decides (the latest refusal still standing, else the latest given).
    pub entry: Option<ConsentEntry>,
    /// In a report: whether this purpose's decision differs from the recipient's general
    /// one (state or deciding entry); the general row itself is false.
    pub differs_from_general: bool,
}

impl ConsentDecision {
    /// The state as a word for records: the consent state, or "not_recorded".
    pub fn state_word(&self) -> &'static str {
        self.state.map_or("not_recorded", |s| s.as_str())
    }

    pub fn entry_seq(&self) -> Option<i64> {
        self.entry.as_ref().map(|e| e.seq)
    }
}

/// The one function that decides the current consent for `recipient` and `asked` from a
/// client's consent history (any order):
/// - a refusal, withdrawal, lack of capacity or "not sought" stands against `asked` when
///   it covers it ([`Purpose`]'s rules: general covers every purpose; a listed purpose
///   itself and every "other"; an "other" every purpose) unless a later "given" covering
///   `asked` lifts it — and a general "given" lifts only a general refusal;
/// - the latest refusal still standing decides; else the latest "given" covering `asked`
///   (which allows a share only before its review date); else nothing is recorded.
pub fn decide(
    history: &[ConsentEntry],
    recipient: RecipientKind,
    asked: &Purpose,
    today: Date,
) -> ConsentDecision {
    let mine = || history.iter().filter(|e| e.recipient == recipient);
    let givens: Vec<&ConsentEntry> =
        mine().filter(|e| e.state == ConsentState::Given && e.parsed.given_covers(asked)).collect();
    let standing = mine()
        .filter(|e| e.state != ConsentState::Given && e.parsed.refusal_covers(asked))
        .filter(|r| !givens.iter().any(|g| g.seq > r.seq && g.parsed.lifts(&r.parsed)))
        .max_by_key(|r| r.seq);
    let entry = standing.or_else(|| givens.iter().copied().max_by_key(|g| g.seq)).cloned();
    let state = entry.as_ref().map(|e| e.state);
    let review_on = entry.as_ref().and_then(|e| e.review_on);
    let review_overdue = state == Some(ConsentState::Given) && review_on.is_some_and(|r| r < today);
    ConsentDecision {
        recipient,
        purpose: asked.view(),
        state,
        allows_share: state == Some(ConsentState::Given) && !review_overdue,
        review_overdue,
        review_on,
        entry,
        differs_from_general: false,
    }
}

/// The decisions a report shows, per recipient in list order: the general one, then each
/// listed purpose, then each "other" text recorded for that recipient (once per folded
/// text, as first written).
pub fn current(history: &[ConsentEntry], today: Date) -> Vec<ConsentDecision> {
    let mut out = Vec::new();
    for &recipient in RecipientKind::ALL {
        let general = decide(history, recipient, &Purpose::General, today);
        let mut asked: Vec<Purpose> = PurposeCode::of(recipient).map(Purpose::Listed).collect();
        let mut others: BTreeSet<String> = BTreeSet::new();
        for e in history.iter().filter(|e| e.recipient == recipient) {
            if let Purpose::Other(t) = &e.parsed {
                if others.insert(fold(t)) {
                    asked.push(e.parsed.clone());
                }
            }
        }
        let rest: Vec<ConsentDecision> = asked
            .iter()
            .map(|p| {
                let mut d = decide(history, recipient, p, today);
                d.differs_from_general = d.state != general.state || d.entry_seq() != general.entry_seq();
                d
            })
            .collect();
        out.push(general);
        out.extend(rest);
    }
    out
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct ConsentReport {
    pub client_id: i64,
    /// [`current`]: the decision per recipient × purpose (general, listed, other texts).
    pub current: Vec<ConsentDecision>,
    pub history: Vec<ConsentEntry>,
    /// The closed purpose list, for the forms.
    pub purposes: Vec<PurposeOption>,
}

impl Session {
    pub fn record_consent(&mut self, client: ClientId, input: ConsentInput) -> Result<i64> {
        let today = Date::today();
        let purpose = Purpose::parse(input.recipient, input.purpose.as_deref())?;
        let reason = text("reason", input.reason.as_deref(), 2000, Lines::Breaks)?;
        if input.state == ConsentState::NotSought && reason.is_none() {
            return Err(Error::invalid("a reason is required when consent was not sought (`reason`)"));
        }
        if let Some(r) = input.review_on {
            if r < today {
                return Err(Error::invalid("the review date is in the past"));
            }
        }
        let review_on = match (input.state, input.review_on) {
            (_, Some(r)) => Some(r),
            (ConsentState::Given, None) => today.0.checked_add_days(Days::new(DEFAULT_REVIEW_DAYS)).map(Date),
            _ => None,
        };
        self.load_client(client)?;
        let consent = Consent {
            recipient: input.recipient,
            purpose: purpose.code().to_string(),
            purpose_text: purpose.other_text().map(str::to_string),
            state: input.state,
            method: input.method,
            reason,
            review_on,
            recorded_by: self.user().name.clone(),
        };
        let event = Event::ConsentRecorded(consent);
        self.write(|tx, s| s.append(tx, Some(client.0), &event))
    }

    pub fn consent_history(&self, client: ClientId) -> Result<Vec<ConsentEntry>> {
        self.load_client(client)?;
        let today = Date::today();
        log::list(self.conn(), Some(client.0), Some(Kind::Consent))?
            .into_iter()
            .map(|e| ConsentEntry::from_log(e.seq, e.at, e.body, today))
            .collect()
    }

    /// The current consent for one recipient and purpose ([`decide`] over the history).
    pub fn consent_decision(
        &self,
        client: ClientId,
        recipient: RecipientKind,
        asked: &Purpose,
    ) -> Result<ConsentDecision> {
        Ok(decide(&self.consent_history(client)?, recipient, asked, Date::today()))
    }

    pub fn consent_report(&self, client: ClientId) -> Result<ConsentReport> {
        let history = self.consent_history(client)?;
        Ok(ConsentReport {
            client_id: client.0,
            current: current(&history, Date::today()),
            history,
            purposes: purpose_options(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;
    use ConsentState::*;
    use RecipientKind::*;

    fn today() -> Date {
        Date::parse("2030-06-01").unwrap()
    }

    /// An entry as stored: `purpose` is the body's purpose word, `text` its purpose_text.
    fn entry(
        seq: i64,
        r: RecipientKind,
        purpose: &str,
        text: Option<&str>,
        state: ConsentState,
    ) -> ConsentEntry {
        let mut body = json!({"recipient": r, "purpose": purpose, "state": state, "method": "verbal",
            "recorded_by": "cara", "review_on": "2030-09-01"});
        if let Some(t) = text {
            body["purpose_text"] = t.into();
        }
        ConsentEntry::from_log(seq, "2030-05-01T10:00:00Z".into(), body, today()).unwrap()
    }

    fn p(r: RecipientKind, typed: &str) -> Purpose {
        Purpose::parse(r, Some(typed)).unwrap()
    }

    fn state(h: &[ConsentEntry], r: RecipientKind, typed: &str) -> Option<ConsentState> {
        decide(h, r, &p(r, typed), today()).state
    }

    fn allows(h: &[ConsentEntry], r: RecipientKind, typed: &str) -> bool {
        decide(h, r, &p(r, typed), today()).allows_share
    }

    #[test]
    fn the_parser_reads_codes_labels_and_their_rewordings_and_refuses_another_recipients() {
        for typed in [
            "marac_referral",
            "MARAC referral",
            "marac referral.",
            "marac  referral",
            " Marac-Referral ",
            "ＭＡＲＡＣ\u{200B} referral",
        ] {
            assert_eq!(p(Marac, typed), Purpose::Listed(PurposeCode::MaracReferral), "{typed:?}");
        }
        assert_eq!(
            p(ChildrensSocialCare, "Safeguarding a child"),
            Purpose::Listed(PurposeCode::SafeguardingChild)
        );
        assert_eq!(p(Police, "risk management"), Purpose::Listed(PurposeCode::RiskManagement));
        for typed in ["", "   ", "general", "General.", "any purpose"] {
            assert_eq!(p(Housing, typed), Purpose::General, "{typed:?}");
        }
        assert_eq!(Purpose::parse(Health, None).unwrap(), Purpose::General);
        assert_eq!(p(Marac, " referral "), Purpose::Other("referral".into()));
        let e = Purpose::parse(Marac, Some("criminal investigation")).unwrap_err().to_string();
        assert!(e.contains("criminal_investigation is for police") && e.contains("marac_referral"), "{e}");
        for typed in ["other", "Other!", "...", "x\u{7}"] {
            assert!(Purpose::parse(Police, Some(typed)).is_err(), "{typed:?}");
        }
        let e = Purpose::parse(Police, Some("other")).unwrap_err().to_string();
        assert!(e.contains("criminal_investigation, risk_management"), "{e}");
        assert!(Purpose::parse(Police, Some(&"x".repeat(201))).is_err());
        // Every code and label of every recipient reads back as itself.
        for &c in PurposeCode::ALL {
            assert_eq!(p(c.recipient(), c.as_str()), Purpose::Listed(c));
            assert_eq!(p(c.recipient(), c.label()), Purpose::Listed(c));
            assert_eq!(Purpose::from_stored(c.recipient(), c.as_str(), None), Purpose::Listed(c));
        }
    }

    #[test]
    fn old_free_text_entries_are_read_as_the_code_they_name_or_as_other() {
        assert_eq!(
            Purpose::from_stored(Marac, "MARAC referral", None),
            Purpose::Listed(PurposeCode::MaracReferral)
        );
        assert_eq!(Purpose::from_stored(Marac, "general", None), Purpose::General);
        assert_eq!(Purpose::from_stored(Police, "Crime report", None), Purpose::Other("Crime report".into()));
        // Another recipient's code in an old entry is only text there.
        assert_eq!(
            Purpose::from_stored(Police, "MARAC referral", None),
            Purpose::Other("MARAC referral".into())
        );
        assert_eq!(
            Purpose::from_stored(Police, "other", Some("Crime report")),
            Purpose::Other("Crime report".into())
        );
        assert_eq!(Purpose::from_stored(Police, "other", None), Purpose::Other("other".into()));
    }

    #[test]
    fn a_later_withdrawal_without_a_purpose_overrides_a_purpose_specific_given() {
        let h = [entry(1, Marac, "marac_referral", None, Given), entry(2, Marac, "general", None, Withdrawn)];
        assert_eq!(state(&h, Marac, "marac_referral"), Some(Withdrawn));
        assert!(!allows(&h, Marac, "MARAC referral"));
        let d = decide(&h, Marac, &p(Marac, "marac_referral"), today());
        assert_eq!(d.entry_seq(), Some(2));
        // Another recipient is untouched.
        assert_eq!(state(&h, Police, "criminal_investigation"), None);
    }

    #[test]
    fn a_refused_purpose_cannot_be_escaped_by_rewording_it() {
        let h = [entry(1, Marac, "general", None, Given), entry(2, Marac, "MARAC referral", None, Refused)];
        for typed in [
            "marac_referral",
            "MARAC referral.",
            "marac  referral",
            "referral",
            "MARAC",
            "marac referal",
            "for the MARAC meeting",
        ] {
            assert!(!allows(&h, Marac, typed), "{typed:?}");
            assert_eq!(state(&h, Marac, typed), Some(Refused), "{typed:?}");
        }
        // The general row shows what was recorded for every purpose.
        assert_eq!(decide(&h, Marac, &Purpose::General, today()).state, Some(Given));
    }

    #[test]
    fn an_other_refusal_blocks_every_other_text_and_every_listed_purpose() {
        let h = [
            entry(1, Police, "general", None, Given),
            entry(2, Police, "other", Some("Crime report"), Refused),
        ];
        for typed in [
            "Crime report",
            "crime report.",
            "a report of the crime",
            "anything at all",
            "criminal_investigation",
            "risk_management",
        ] {
            assert!(!allows(&h, Police, typed), "{typed:?}");
        }
        // An "other" given lifts it only for the same text (folded).
        let mut h = h.to_vec();
        h.push(entry(3, Police, "other", Some("Crime  report"), Given));
        assert!(allows(&h, Police, "crime report"));
        assert!(!allows(&h, Police, "crime report for court"));
        assert!(!allows(&h, Police, "criminal_investigation"));
    }

    #[test]
    fn a_later_specific_given_reopens_only_its_purpose_and_a_general_given_not_a_specific_refusal() {
        let h = [entry(1, Health, "general", None, Refused), entry(2, Health, "health_care", None, Given)];
        assert!(allows(&h, Health, "health care"));
        assert!(!allows(&h, Health, "maternity_care"));
        assert!(!allows(&h, Health, "a GP letter"));
        let h =
            [entry(1, Health, "maternity_care", None, Withdrawn), entry(2, Health, "general", None, Given)];
        assert!(!allows(&h, Health, "maternity_care"));
        assert!(allows(&h, Health, "health_care"));
        // A general refusal is lifted by a later general given.
        let h = [entry(1, Health, "general", None, Refused), entry(2, Health, "general", None, Given)];
        assert!(allows(&h, Health, "maternity care"));
        // ... but not one that came after it.
        let h = [entry(1, Health, "general", None, Given), entry(2, Health, "general", None, NotSought)];
        assert_eq!(state(&h, Health, "health_care"), Some(NotSought));
        let h = [
            entry(1, Health, "health_care", None, Given),
            entry(2, Health, "health_care", None, LacksCapacity),
        ];
        assert_eq!(state(&h, Health, "health_care"), Some(LacksCapacity));
    }

    #[test]
    fn a_given_past_its_review_date_does_not_allow_a_share() {
        let mut old = entry(1, Housing, "housing_application", None, Given);
        old.review_on = Date::parse("2030-05-31");
        let d = decide(&[old], Housing, &p(Housing, "housing_application"), today());
        assert_eq!((d.state, d.review_overdue, d.allows_share), (Some(Given), true, false));
        assert_eq!(decide(&[], Housing, &Purpose::General, today()).state_word(), "not_recorded");
    }

    #[test]
    fn the_report_has_a_row_per_recipient_and_purpose_and_marks_those_that_differ() {
        let h = [
            entry(1, Marac, "general", None, Given),
            entry(2, Marac, "marac_referral", None, Withdrawn),
            entry(3, Police, "other", Some("Crime report"), Given),
            entry(4, Police, "other", Some("crime report."), Given),
        ];
        let rows = current(&h, today());
        let n = RecipientKind::ALL.len() + PurposeCode::ALL.len() + 1;
        assert_eq!(rows.len(), n, "one other text, folded once");
        let row = |r: RecipientKind, code: &str| {
            rows.iter().find(|d| d.recipient == r && d.purpose.code == code).unwrap()
        };
        assert_eq!(
            (row(Marac, "general").state, row(Marac, "general").differs_from_general),
            (Some(Given), false)
        );
        assert_eq!(
            (row(Marac, "marac_referral").state, row(Marac, "marac_referral").differs_from_general),
            (Some(Withdrawn), true)
        );
        assert_eq!((row(Police, "other").state, row(Police, "other").entry_seq()), (Some(Given), Some(4)));
        for d in &rows {
            let asked = Purpose::from_stored(d.recipient, &d.purpose.code, d.purpose.text.as_deref());
            assert_eq!(d.state, decide(&h, d.recipient, &asked, today()).state);
        }
    }
}
