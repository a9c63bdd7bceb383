//! Consent: per client × recipient kind × purpose, recorded as signed log entries.
//! The history is append-only; the current state is the latest entry for each
//! (recipient, purpose).

use std::collections::BTreeMap;

use chrono::Days;
use serde::{Deserialize, Serialize};

use crate::clients::ClientId;
use crate::error::{Error, Result};
use crate::log::{self, Kind};
use crate::record::Date;
use crate::vault::Session;

word_enum!(
    /// Who information may go to.
    RecipientKind, "the recipient" {
        Marac => "marac",
        ChildrensSocialCare => "childrens_social_care",
        Police => "police",
        Health => "health",
        Housing => "housing",
    }
);

word_enum!(ConsentState, "the consent state" {
    Given => "given",
    Refused => "refused",
    Withdrawn => "withdrawn",
    NotSought => "not_sought",
    LacksCapacity => "lacks_capacity",
});

word_enum!(ConsentMethod, "the method" {
    Verbal => "verbal",
    Written => "written",
    Other => "other",
});

/// A consent decision as recorded (the body of a signed `consent` log entry).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Consent {
    pub recipient: RecipientKind,
    pub purpose: String,
    pub state: ConsentState,
    pub method: ConsentMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub review_on: Option<Date>,
    pub recorded_by: String,
}

/// What a person asks to record.
#[derive(Debug)]
pub struct ConsentInput {
    pub recipient: RecipientKind,
    pub state: ConsentState,
    pub method: ConsentMethod,
    pub purpose: Option<String>,
    pub reason: Option<String>,
    pub review_on: Option<Date>,
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

pub const GENERAL_PURPOSE: &str = "general";
/// A consent given without a review date is reviewed after this many days.
pub const DEFAULT_REVIEW_DAYS: u64 = 91;

/// One consent entry with where and when it was recorded.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct ConsentEntry {
    pub seq: i64,
    pub recorded_at: String,
    #[serde(flatten)]
    pub consent: Consent,
    /// True when a `given` consent has passed its review date (it no longer allows a share).
    pub review_overdue: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct ConsentReport {
    pub client_id: i64,
    pub current: Vec<ConsentEntry>,
    pub history: Vec<ConsentEntry>,
}

fn text(v: Option<String>, what: &str, max: usize) -> Result<Option<String>> {
    let Some(s) = v else { return Ok(None) };
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(Error::invalid(format!("the {what} is too long (the limit is {max} characters)")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(format!("the {what} contains control characters")));
    }
    Ok(Some(t.to_string()))
}

impl Session {
    pub fn record_consent(&mut self, client: ClientId, input: ConsentInput) -> Result<i64> {
        let today = Date::today();
        let purpose = text(input.purpose, "purpose", 200)?.unwrap_or_else(|| GENERAL_PURPOSE.into());
        let reason = text(input.reason, "reason", 2000)?;
        if input.state == ConsentState::NotSought && reason.is_none() {
            return Err(Error::invalid("a reason is required when consent was not sought (--reason)"));
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
            purpose,
            state: input.state,
            method: input.method,
            reason,
            review_on,
            recorded_by: self.user().name.clone(),
        };
        let body = serde_json::to_value(&consent).map_err(|_| Error::Storage("encode".into()))?;
        self.write(|tx, s| {
            log::append(tx, s.vault_id, s.signer, Kind::Consent, "consent_recorded", Some(client.0), &body)
        })
    }

    pub fn consent_history(&self, client: ClientId) -> Result<Vec<ConsentEntry>> {
        self.load_client(client)?;
        let today = Date::today();
        log::list(self.conn(), Some(client.0), Some(Kind::Consent))?
            .into_iter()
            .map(|e| {
                let consent: Consent = serde_json::from_value(e.body)
                    .map_err(|_| Error::Integrity("a stored consent entry is malformed".into()))?;
                let review_overdue =
                    consent.state == ConsentState::Given && consent.review_on.is_some_and(|r| r < today);
                Ok(ConsentEntry { seq: e.seq, recorded_at: e.at, consent, review_overdue })
            })
            .collect()
    }

    pub fn consent_report(&self, client: ClientId) -> Result<ConsentReport> {
        let history = self.consent_history(client)?;
        let mut latest: BTreeMap<(RecipientKind, String), ConsentEntry> = BTreeMap::new();
        for e in &history {
            latest.insert((e.consent.recipient, e.consent.purpose.clone()), e.clone());
        }
        Ok(ConsentReport { client_id: client.0, current: latest.into_values().collect(), history })
    }
}
