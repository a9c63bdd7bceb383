//! Risk assessments: the 24-answer checklist in DASH order, its score, level and the MARAC
//! referral criteria it meets, under the vault's own thresholds (local MARACs differ).
//!
//! The questions follow the order and topics of SafeLives' DASH risk identification
//! checklist (2009); the wording below is Casekeep's own (see docs/RISK.md).

use serde::{Deserialize, Serialize};

use crate::record::{ClientRecord, RiskAnswer, RiskEntry, ANSWER_COUNT};
use crate::support::error::{Error, Result};

/// The checklist's topics in DASH order, in Casekeep's own words. "They" is the person
/// causing harm.
pub const QUESTIONS: [&str; ANSWER_COUNT] = [
    "Did the latest incident leave you injured?",
    "Are you very frightened right now?",
    "Are you afraid of more violence or injury (or of what else they might do)?",
    "Are you cut off from family or friends?",
    "Are you feeling low, depressed or having thoughts of suicide?",
    "Have you separated, or tried to, within the last year?",
    "Is there conflict about contact with the children?",
    "Do they keep calling, texting, following, watching or harassing you?",
    "Are you pregnant, or have you had a baby in the last 18 months?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Do they try to control everything you do, or are they extremely jealous?",
    "Have they ever used a weapon or an object to hurt you?",
    "Have they ever threatened to kill you or someone else, and you believed them?",
    "Have they ever strangled, choked, suffocated or tried to drown you?",
    "Do they do or say sexual things that hurt you or make you feel bad?",
    "Is anyone else threatening you, or is there anyone else you are afraid of?",
    "Do you know of them hurting anyone else (children, relatives, a former partner, anyone)?",
    "Have they ever hurt or mistreated an animal or a pet?",
    "Are there money worries, or do you depend on them for money?",
    "In the last year, have drink, drugs or mental health problems disrupted their life?",
    "Have they ever threatened or attempted suicide?",
    "Have they ever broken bail, an injunction or an agreement about seeing you or the children?",
    "Do you know of them being in trouble with the police, or having a criminal record?",
];

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Standard,
    Medium,
    High,
}

/// Referral criteria and level bands, set per vault (the defaults follow common MARAC
/// practice).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskConfig {
    /// "Visible high risk": a score at or above this meets the MARAC referral criteria.
    pub marac_score: u32,
    /// "Potential escalation": this many police-reported incidents in 12 months or more.
    pub escalation_incidents: u32,
    /// Scores at or above this are `medium`.
    pub medium_from: u32,
    /// Scores at or above this are `high` (as is any assessment that meets a criterion).
    pub high_from: u32,
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig { marac_score: 14, escalation_incidents: 3, medium_from: 10, high_from: 14 }
    }
}

impl RiskConfig {
    pub fn validate(&self) -> Result<()> {
        let n = ANSWER_COUNT as u32;
        if !(1..=n).contains(&self.marac_score) {
            return Err(Error::invalid(format!("`risk.marac_score` must be between 1 and {n}")));
        }
        if !(1..=100).contains(&self.escalation_incidents) {
            return Err(Error::invalid("`risk.escalation_incidents` must be between 1 and 100"));
        }
        if !(1..=n).contains(&self.medium_from) || !(1..=n).contains(&self.high_from) {
            return Err(Error::invalid(format!(
                "`risk.medium_from` and `risk.high_from` must be between 1 and {n}"
            )));
        }
        if self.medium_from > self.high_from {
            return Err(Error::invalid("`risk.medium_from` may not be above `risk.high_from`"));
        }
        Ok(())
    }
}

/// What is derived from an assessment; never stored, always recomputed. (Its TypeScript
/// twin is inlined in `RiskView`'s, never a file of its own.)
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskDerived {
    pub score: u32,
    pub level: RiskLevel,
    pub meets_marac_threshold: bool,
    #[cfg_attr(feature = "ts", ts(type = "Array<string>"))]
    pub criteria_met: Vec<&'static str>,
}

pub fn assess(entry: &RiskEntry, cfg: &RiskConfig) -> RiskDerived {
    let score = entry.answers.iter().filter(|a| **a == RiskAnswer::Yes).count() as u32;
    let mut criteria_met = Vec::new();
    if score >= cfg.marac_score {
        criteria_met.push("visible_high_risk");
    }
    if entry.professional_judgement {
        criteria_met.push("professional_judgement");
    }
    if entry.police_incidents_12m.is_some_and(|n| n >= cfg.escalation_incidents) {
        criteria_met.push("potential_escalation");
    }
    let meets = !criteria_met.is_empty();
    let level = if score >= cfg.high_from || meets {
        RiskLevel::High
    } else if score >= cfg.medium_from {
        RiskLevel::Medium
    } else {
        RiskLevel::Standard
    };
    RiskDerived { score, level, meets_marac_threshold: meets, criteria_met }
}

/// The most recent assessment (by date; the later-recorded of two on one day).
pub fn latest(rec: &ClientRecord) -> Option<&RiskEntry> {
    latest_on_or_before(rec, None)
}

/// The most recent assessment dated on or before `on` (any date when `None`).
pub fn latest_on_or_before(rec: &ClientRecord, on: Option<crate::record::Date>) -> Option<&RiskEntry> {
    rec.risk
        .iter()
        .enumerate()
        .filter(|(_, r)| on.is_none_or(|d| r.date <= d))
        .max_by_key(|(i, r)| (r.date, *i))
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Date;

    fn entry(yes: usize, not_known: usize) -> RiskEntry {
        let mut answers = vec![RiskAnswer::No; ANSWER_COUNT];
        for a in answers.iter_mut().take(yes) {
            *a = RiskAnswer::Yes;
        }
        for a in answers.iter_mut().skip(yes).take(not_known) {
            *a = RiskAnswer::NotKnown;
        }
        RiskEntry {
            date: Date::today(),
            answers,
            professional_judgement: false,
            judgement_reason: None,
            police_incidents_12m: None,
            assessed_by: "t".into(),
        }
    }

    #[test]
    fn threshold_boundary_and_not_known_never_counted() {
        let cfg = RiskConfig::default();
        let at13 = assess(&entry(13, 11), &cfg);
        assert_eq!(at13.score, 13);
        assert!(!at13.meets_marac_threshold);
        assert_eq!(at13.level, RiskLevel::Medium);
        let at14 = assess(&entry(14, 0), &cfg);
        assert!(at14.meets_marac_threshold);
        assert_eq!(at14.level, RiskLevel::High);
        assert_eq!(assess(&entry(0, 24), &cfg).score, 0);
        let strict = RiskConfig { marac_score: 17, high_from: 17, ..cfg };
        assert!(!assess(&entry(16, 0), &strict).meets_marac_threshold);
        assert!(assess(&entry(17, 0), &strict).meets_marac_threshold);
    }

    #[test]
    fn judgement_and_escalation_meet_the_threshold_on_their_own() {
        let cfg = RiskConfig::default();
        let mut e = entry(2, 0);
        e.professional_judgement = true;
        assert_eq!(assess(&e, &cfg).criteria_met, vec!["professional_judgement"]);
        let mut e = entry(2, 0);
        e.police_incidents_12m = Some(3);
        assert!(assess(&e, &cfg).meets_marac_threshold);
        e.police_incidents_12m = Some(2);
        assert!(!assess(&e, &cfg).meets_marac_threshold);
    }

    #[test]
    fn bands_follow_the_vault_and_bad_settings_are_refused() {
        let cfg = RiskConfig { medium_from: 5, high_from: 12, marac_score: 16, escalation_incidents: 3 };
        assert!(cfg.validate().is_ok());
        assert_eq!(assess(&entry(4, 0), &cfg).level, RiskLevel::Standard);
        assert_eq!(assess(&entry(5, 0), &cfg).level, RiskLevel::Medium);
        let twelve = assess(&entry(12, 0), &cfg);
        assert_eq!(twelve.level, RiskLevel::High);
        assert!(!twelve.meets_marac_threshold, "high by band but below this vault's referral score");
        for bad in [
            RiskConfig { marac_score: 0, ..cfg },
            RiskConfig { marac_score: 25, ..cfg },
            RiskConfig { medium_from: 13, high_from: 12, ..cfg },
            RiskConfig { escalation_incidents: 0, ..cfg },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(QUESTIONS.len(), ANSWER_COUNT);
        assert!(QUESTIONS.iter().all(|q| q.ends_with('?')));
    }
}
