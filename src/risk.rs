//! Risk assessments: the 24-answer checklist in DASH order, its score and level.
//! (The configurable referral criteria and MARAC tracking build on this.)

use serde::{Deserialize, Serialize};

use crate::record::RiskEntry;

pub const ANSWER_COUNT: usize = 24;

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskAnswer {
    Yes,
    No,
    NotKnown,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Standard,
    Medium,
    High,
}

/// Referral criteria and level bands (the defaults follow common MARAC practice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskConfig {
    /// "Visible high risk": a score at or above this meets the MARAC threshold.
    pub marac_score: u32,
    /// "Potential escalation": this many police-reported incidents in 12 months.
    pub escalation_incidents: u32,
    /// Scores at or above this are `medium` (and `high` from `marac_score`).
    pub medium_from: u32,
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig { marac_score: 14, escalation_incidents: 3, medium_from: 10 }
    }
}

/// What is derived from an assessment; never stored, always recomputed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskDerived {
    pub score: u32,
    pub level: RiskLevel,
    pub meets_marac_threshold: bool,
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
    let level = if score >= cfg.marac_score || meets {
        RiskLevel::High
    } else if score >= cfg.medium_from {
        RiskLevel::Medium
    } else {
        RiskLevel::Standard
    };
    RiskDerived { score, level, meets_marac_threshold: meets, criteria_met }
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
        let strict = RiskConfig { marac_score: 17, ..cfg };
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
}
