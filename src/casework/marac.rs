//! MARAC referrals: the referral (date, reason, and the criteria the supporting assessment
//! met), the meeting, the agencies present and the actions agreed, with repeat detection.
//! Referrals live in the client's record (catalogue class `marac`), so need-to-know
//! redaction, the audit trail and integrity checks cover them like every other field.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::casework::clients::{self};
use crate::log::event::Empty;
use crate::log::Event;
use crate::record::referrals::{referrals_view, repeats};
use crate::record::risk;
use crate::record::ClientId;
use crate::record::{
    check_date, clean, clean_required, ClientRecord, Date, MaracAction, MaracReferral, MEDIUM, SHORT,
};
use crate::support::error::{Error, Result};
use crate::support::input;
use crate::vault::Session;

pub const MAX_REFERRALS: usize = 200;
pub const MAX_ACTIONS: usize = 200;
pub const MAX_AGENCIES: usize = 50;

/// What `marac record` reads: a new referral, or (with `referral`) a change to one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaracInput {
    /// The referral to change (numbered from 1, as `marac show` prints them); absent for a
    /// new referral.
    #[serde(default)]
    pub referral: Option<usize>,
    #[serde(default)]
    pub referred_on: Option<Date>,
    #[serde(default)]
    pub reason: Option<String>,
    /// `null` clears a meeting date.
    #[serde(default, deserialize_with = "crate::record::present")]
    pub meeting_date: Option<Option<Date>>,
    /// Replaces the list.
    #[serde(default)]
    pub agencies_present: Option<Vec<String>>,
    /// Replaces the list (send every action, with `done` set on those completed).
    #[serde(default)]
    pub actions: Option<Vec<MaracAction>>,
    /// Whether the person knows of the referral: required for a new referral (there is no
    /// default answer), and may be given for an earlier one that does not hold it.
    #[serde(default)]
    pub victim_aware: Option<bool>,
}

impl std::fmt::Debug for MaracInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaracInput{..}")
    }
}

/// What recording a referral did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct MaracOutcome {
    pub client_id: i64,
    pub referral: usize,
    pub repeat: bool,
    pub criteria_met: Vec<String>,
    pub score: u32,
    pub changed: Vec<String>,
}

fn clean_agencies(list: &mut Vec<String>) -> Result<()> {
    if list.len() > MAX_AGENCIES {
        return Err(Error::invalid(format!("at most {MAX_AGENCIES} agencies can be listed as present")));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.drain(..).enumerate() {
        let mut a = Some(a);
        clean(&format!("agencies_present[{i}]"), &mut a, SHORT, false)?;
        let a = a.ok_or_else(|| Error::invalid(format!("`agencies_present[{i}]` may not be empty")))?;
        if !out.contains(&a) {
            out.push(a);
        }
    }
    *list = out;
    Ok(())
}

fn clean_actions(list: &mut [MaracAction]) -> Result<()> {
    if list.len() > MAX_ACTIONS {
        return Err(Error::invalid(format!("at most {MAX_ACTIONS} actions per referral")));
    }
    for (i, a) in list.iter_mut().enumerate() {
        let p = format!("actions[{i}]");
        clean_required(&format!("{p}.agency"), &mut a.agency, SHORT)?;
        clean_required(&format!("{p}.owner"), &mut a.owner, SHORT)?;
        clean(&format!("{p}.description"), &mut a.description, MEDIUM, true)?;
        check_date(&format!("{p}.due"), Some(a.due), false, Date::today())?;
    }
    Ok(())
}

/// Applies `input` to `rec` on `today`; returns the referral's index.
pub fn apply(
    rec: &mut ClientRecord,
    input: MaracInput,
    author: &str,
    cfg: &risk::RiskConfig,
    today: Date,
) -> Result<usize> {
    let MaracInput { referral, referred_on, reason, meeting_date, agencies_present, actions, victim_aware } =
        input;
    let index = match referral {
        None => {
            if rec.marac.len() >= MAX_REFERRALS {
                return Err(Error::invalid("this client's referral history is full"));
            }
            let referred_on = referred_on.unwrap_or(today);
            check_date("referred_on", Some(referred_on), true, today)?;
            if let Some(last) = rec.marac.last() {
                if referred_on < last.referred_on {
                    return Err(Error::invalid(
                        "`referred_on` is before the latest referral's date: referrals are recorded in date order",
                    ));
                }
            }
            let mut reason = reason;
            clean("reason", &mut reason, MEDIUM, true)?;
            let reason = reason.ok_or_else(|| {
                Error::invalid("`reason` is required: say why this person is being referred to MARAC")
            })?;
            let victim_aware = victim_aware.ok_or_else(|| {
                Error::invalid(
                    "`victim_aware` is required: say whether the person knows of this referral (true or false)",
                )
            })?;
            let assessment = risk::latest_on_or_before(rec, Some(referred_on)).ok_or_else(|| {
                Error::invalid(
                    "a referral needs a risk assessment dated on or before the referral date: record the checklist first",
                )
            })?;
            let d = risk::assess(assessment, cfg);
            if d.criteria_met.is_empty() {
                // The thresholds are the vault's settings; the assessment's own date and
                // score are record values and stay out of the message.
                return Err(Error::invalid(format!(
                    "the latest risk assessment on or before the referral date meets no MARAC referral \
                     criterion: a score of {} or more, professional judgement (with a reason) or {} or more \
                     police-reported incidents in 12 months",
                    cfg.marac_score, cfg.escalation_incidents
                )));
            }
            rec.marac.push(MaracReferral {
                referred_on,
                reason,
                criteria_met: d.criteria_met.iter().map(|c| (*c).to_string()).collect(),
                score: d.score,
                assessment_date: assessment.date,
                meeting_date: None,
                agencies_present: Vec::new(),
                actions: Vec::new(),
                referred_by: author.to_string(),
                victim_aware: Some(victim_aware),
            });
            rec.marac.len() - 1
        }
        Some(n) => {
            if referred_on.is_some() {
                return Err(Error::invalid(
                    "a referral's date cannot be changed (`referred_on` is only for a new referral)",
                ));
            }
            let i =
                n.checked_sub(1).filter(|i| *i < rec.marac.len()).ok_or(Error::NotFound("MARAC referral"))?;
            if let Some(mut reason) = reason.map(Some) {
                clean("reason", &mut reason, MEDIUM, true)?;
                let r = reason.ok_or_else(|| Error::invalid("`reason` may not be empty"))?;
                if let Some(m) = rec.marac.get_mut(i) {
                    m.reason = r;
                }
            }
            i
        }
    };
    let m = rec.marac.get_mut(index).ok_or(Error::NotFound("MARAC referral"))?;
    if let Some(d) = meeting_date {
        check_date("meeting_date", d, false, today)?;
        if d.is_some_and(|d| d < m.referred_on) {
            return Err(Error::invalid("`meeting_date` is before the referral date"));
        }
        m.meeting_date = d;
    }
    if let Some(mut list) = agencies_present {
        clean_agencies(&mut list)?;
        m.agencies_present = list;
    }
    if let Some(mut list) = actions {
        clean_actions(&mut list)?;
        m.actions = list;
    }
    if let Some(aware) = victim_aware {
        m.victim_aware = Some(aware);
    }
    Ok(index)
}

impl Session {
    /// Records a new MARAC referral, or changes one (meeting, agencies present, actions).
    pub fn record_marac(&mut self, client: ClientId, json: &[u8]) -> Result<MaracOutcome> {
        if json.len() as u64 > input::JSON_LIMIT {
            return Err(Error::invalid("the MARAC JSON is too large (the limit is 1 MiB)"));
        }
        let parsed: MaracInput = input::parse_json(json, "MARAC JSON")?;
        let is_new = parsed.referral.is_none();
        let cfg = self.settings()?.risk;
        let author = self.user().name.clone();
        self.write(|tx, s| {
            let before = clients::load_in(tx, s, client)?;
            let mut rec = before.clone();
            let index = apply(&mut rec, parsed, &author, &cfg, Date::today())?;
            let event = if is_new { Event::MaracReferralRecorded } else { Event::MaracReferralChanged };
            let changed =
                clients::store_change(tx, s.vault_id, s.signer, client, &before, &rec, &cfg, event)?;
            let m = rec.marac.get(index).ok_or(Error::NotFound("MARAC referral"))?;
            Ok(MaracOutcome {
                client_id: client.0,
                referral: index + 1,
                repeat: repeats(&rec).get(index).copied().unwrap_or(false),
                criteria_met: m.criteria_met.clone(),
                score: m.score,
                changed,
            })
        })
    }

    /// A client's referrals, each numbered with its repeat flag (viewing is audited).
    pub fn marac_referrals(&mut self, client: ClientId) -> Result<Value> {
        let rec = self.load_client(client)?;
        self.audit(Some(client.0), Event::MaracViewed(Empty {}))?;
        Ok(json!({ "client_id": client.0, "referrals": referrals_view(&rec)? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::referrals::within_twelve_months;
    use crate::record::risk::RiskConfig;
    use crate::record::RiskEntry;
    use crate::record::{RiskAnswer, ANSWER_COUNT};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn scored(date: &str, yes: usize) -> RiskEntry {
        let mut answers = vec![RiskAnswer::No; ANSWER_COUNT];
        answers.iter_mut().take(yes).for_each(|a| *a = RiskAnswer::Yes);
        RiskEntry {
            date: d(date),
            answers,
            professional_judgement: false,
            judgement_reason: None,
            police_incidents_12m: None,
            assessed_by: "t".into(),
        }
    }

    fn new(on: &str) -> MaracInput {
        MaracInput {
            referral: None,
            referred_on: Some(d(on)),
            reason: Some("Score of 15; recent strangulation".into()),
            meeting_date: None,
            agencies_present: None,
            actions: None,
            victim_aware: Some(true),
        }
    }

    #[test]
    fn repeat_detection_on_both_sides_of_twelve_months() {
        assert!(within_twelve_months(d("2025-06-01"), d("2026-05-31")));
        assert!(within_twelve_months(d("2025-06-01"), d("2026-06-01")));
        assert!(!within_twelve_months(d("2025-06-01"), d("2026-06-02")));
        let cfg = RiskConfig::default();
        let today = d("2027-12-31");
        let mut rec = ClientRecord { risk: vec![scored("2025-05-20", 15)], ..Default::default() };
        apply(&mut rec, new("2025-06-01"), "t", &cfg, today).unwrap();
        apply(&mut rec, new("2026-06-01"), "t", &cfg, today).unwrap();
        apply(&mut rec, new("2027-06-02"), "t", &cfg, today).unwrap();
        assert_eq!(repeats(&rec), vec![false, true, false]);
    }

    #[test]
    fn a_referral_needs_an_assessment_that_meets_a_criterion() {
        let cfg = RiskConfig::default();
        let today = d("2026-11-20");
        let mut rec = ClientRecord::default();
        let e = apply(&mut rec, new("2026-11-01"), "t", &cfg, today).unwrap_err().to_string();
        assert!(e.contains("needs a risk assessment"), "{e}");
        rec.risk.push(scored("2026-10-01", 13));
        let e = apply(&mut rec, new("2026-11-01"), "t", &cfg, today).unwrap_err().to_string();
        assert!(e.contains("meets no MARAC referral criterion") && e.contains("14 or more"), "{e}");
        assert!(!e.contains("13") && !e.contains("2026-10-01"), "the message names no record value: {e}");
        // An assessment after the referral date does not support it.
        rec.risk.push(scored("2026-11-10", 16));
        assert!(apply(&mut rec, new("2026-11-01"), "t", &cfg, today).is_err());
        let i = apply(&mut rec, new("2026-11-12"), "t", &cfg, today).unwrap();
        let m = &rec.marac[i];
        assert_eq!((m.score, m.criteria_met.clone()), (16, vec!["visible_high_risk".to_string()]));
        assert_eq!(m.assessment_date, d("2026-11-10"));
        // Under a stricter vault, 16 is not enough.
        let strict = RiskConfig { marac_score: 17, high_from: 17, ..cfg };
        assert!(apply(&mut rec, new("2026-11-13"), "t", &strict, today).is_err());
    }

    #[test]
    fn changes_to_a_referral_are_checked() {
        let cfg = RiskConfig::default();
        let today = d("2026-11-20");
        let mut rec = ClientRecord { risk: vec![scored("2026-10-01", 14)], ..Default::default() };
        apply(&mut rec, new("2026-11-01"), "t", &cfg, today).unwrap();
        let change = |j: &str| -> MaracInput {
            crate::support::input::parse_json(j.as_bytes(), "MARAC JSON").unwrap()
        };
        apply(
            &mut rec,
            change(r#"{"referral": 1, "meeting_date": "2026-11-26", "agencies_present": ["Police", " Police ", "IDVA"],
                       "actions": [{"agency": "Police", "owner": "DC Example", "due": "2026-12-03"}]}"#),
            "t",
            &cfg,
            today,
        )
        .unwrap();
        assert_eq!(rec.marac[0].agencies_present, vec!["Police", "IDVA"]);
        assert_eq!(rec.marac[0].meeting_date, Some(d("2026-11-26")));
        for (bad, says) in [
            (r#"{"referral": 2, "meeting_date": null}"#, "not found"),
            (r#"{"referral": 1, "meeting_date": "2026-10-01"}"#, "before the referral date"),
            (r#"{"referral": 1, "referred_on": "2026-11-02"}"#, "cannot be changed"),
            (
                r#"{"referral": 1, "actions": [{"agency": "", "owner": "x", "due": "2026-12-01"}]}"#,
                "actions[0].agency",
            ),
            (r#"{"referral": 1, "reason": "  "}"#, "may not be empty"),
        ] {
            let e = apply(&mut rec, change(bad), "t", &cfg, today).unwrap_err().to_string().to_lowercase();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let e = apply(&mut rec, new("2026-10-30"), "t", &cfg, today).unwrap_err().to_string();
        assert!(e.contains("date order"), "{e}");
    }
}
