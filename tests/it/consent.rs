//! Consent that means what the person said: withdrawal, refusal and rewording through the
//! real CLI's share gate; old free-text entries read as the closed list; and, for random
//! histories, the consent report (the app's consent table) agreeing with the share gate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use casekeep::casework::consent::{Purpose, PurposeCode};
use casekeep::log::vocab::RecipientKind;
use casekeep::log::Kind;
use casekeep::sharing::share::ShareRequest;
use serde_json::{json, Value};

fn record_run(s: &Scratch, id: &str, recipient: &str, state: &str, purpose: Option<&str>) -> Run {
    let mut args = vec!["consent", "record", "--client", id, "--recipient", recipient, "--state", state];
    args.extend(["--method", "verbal"]);
    if let Some(p) = purpose {
        args.extend(["--purpose", p]);
    }
    if state == "not_sought" {
        args.extend(["--reason", "not safe to ask today"]);
    }
    s.worker(&args)
}

fn record(s: &Scratch, id: &str, recipient: &str, state: &str, purpose: Option<&str>) {
    record_run(s, id, recipient, state, purpose).ok();
}

/// A real share to `out` (the format from its extension), on consent.
fn share_to(s: &Scratch, id: &str, recipient: &str, purpose: &str, out: &std::path::Path) -> Run {
    let format = out.extension().unwrap().to_str().unwrap();
    let args = ["share", "--client", id, "--recipient", recipient, "--purpose", purpose, "--format", format];
    s.worker(&[&args[..], &["--out", out.to_str().unwrap()]].concat())
}

/// The gate's answer through `share --preview` (writes nothing): (allowed, what it needs).
fn gate(s: &Scratch, id: &str, recipient: &str, purpose: &str) -> (bool, String) {
    let r = s
        .worker(&["share", "--client", id, "--recipient", recipient, "--purpose", purpose, "--preview"])
        .ok();
    let g = r.json()["gate"].clone();
    (g["allowed"].as_bool().unwrap(), g["needs"].as_str().unwrap_or_default().to_string())
}

fn decision<'a>(report: &'a Value, recipient: &str, code: &str) -> &'a Value {
    report["current"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["recipient"] == recipient && d["purpose"]["code"] == code)
        .unwrap_or_else(|| panic!("no row for {recipient} {code}"))
}

fn setup() -> (Scratch, String) {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    (s, id)
}

#[test]
fn a_general_withdrawal_after_a_purpose_specific_given_stops_the_share_and_the_table_says_so() {
    let (s, id) = setup();
    record(&s, &id, "marac", "given", Some("marac_referral"));
    assert_eq!(gate(&s, &id, "marac", "MARAC referral"), (true, String::new()));
    record(&s, &id, "marac", "withdrawn", None);
    let (allowed, needs) = gate(&s, &id, "marac", "MARAC referral");
    assert!(!allowed && needs.contains("is withdrawn") && needs.contains("lawful basis"), "{needs}");
    let report = s.worker(&["consent", "show", "--client", &id]).ok().json();
    let row = decision(&report, "marac", "marac_referral");
    assert_eq!((row["state"].as_str(), row["allows_share"].as_bool()), (Some("withdrawn"), Some(false)));
    // A real share is refused and nothing is written.
    let out = s.tmp.path().join("marac.pdf");
    let r = share_to(&s, &id, "marac", "marac_referral", &out).refused();
    assert!(r.stderr.contains("withdrawn"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_refusal_cannot_be_escaped_by_rewording_and_an_other_refusal_blocks_every_other_text() {
    let (s, id) = setup();
    s.give_consent(&id, "marac");
    s.give_consent(&id, "police");
    record(&s, &id, "marac", "refused", Some("MARAC referral"));
    for typed in ["MARAC referral.", "marac  referral", "referral", "Marac_Referral", "the MARAC meeting"] {
        let (allowed, needs) = gate(&s, &id, "marac", typed);
        assert!(!allowed && needs.contains("is refused"), "{typed:?}: {needs}");
    }
    record(&s, &id, "police", "refused", Some("Crime report"));
    for typed in ["crime report.", "Crime  report", "report to the police", "criminal_investigation"] {
        let (allowed, needs) = gate(&s, &id, "police", typed);
        assert!(!allowed && needs.contains("is refused"), "{typed:?}: {needs}");
    }
    // A decision not to share records the code and the state the gate saw.
    s.decline(&id, "police", "crime report.").opt("--reason", "she asked us not to share").by_worker().ok();
    let log = s.manager(&["log", "show", "--client", &id]).ok().json();
    let decline = log.as_array().unwrap().iter().rev().find(|e| e["event"] == "decline").unwrap();
    assert_eq!(decline["body"]["purpose"], "other");
    assert_eq!(decline["body"]["consent_state"], "refused");
    // Consent entries store the code, and the words of "other".
    let refusal = log.as_array().unwrap().iter().rev().find(|e| e["event"] == "consent_recorded").unwrap();
    assert_eq!(
        (refusal["body"]["purpose"].as_str(), refusal["body"]["purpose_text"].as_str()),
        (Some("other"), Some("Crime report"))
    );
}

#[test]
fn a_later_specific_given_after_a_general_refusal_allows_that_purpose_only() {
    let (s, id) = setup();
    record(&s, &id, "housing", "refused", None);
    record(&s, &id, "housing", "given", Some("housing application"));
    assert_eq!(gate(&s, &id, "housing", "housing_application"), (true, String::new()));
    assert!(!gate(&s, &id, "housing", "homelessness_assessment").0);
    assert!(!gate(&s, &id, "housing", "a rehousing request").0);
    // A later general given does not lift a purpose-specific refusal.
    record(&s, &id, "health", "refused", Some("maternity_care"));
    record(&s, &id, "health", "given", None);
    assert!(!gate(&s, &id, "health", "maternity care").0);
    assert!(gate(&s, &id, "health", "health_care").0);
    // The share on consent records the code and the entry that allowed it.
    let out = s.tmp.path().join("housing.json");
    let r = share_to(&s, &id, "housing", "Housing Application", &out).ok().json();
    let log = s.manager(&["log", "show", "--client", &id]).ok().json();
    let share = log.as_array().unwrap().iter().find(|e| e["seq"] == r["decision_id"]).unwrap();
    assert_eq!(share["body"]["purpose"], "housing_application");
    assert_eq!(share["body"]["allowed_by"], "consent");
    let report = s.worker(&["consent", "show", "--client", &id]).ok().json();
    assert_eq!(
        share["body"]["consent_entry"],
        decision(&report, "housing", "housing_application")["entry"]["seq"]
    );
}

#[test]
fn another_recipients_purpose_is_refused_naming_this_recipients_codes() {
    let (s, id) = setup();
    let r = record_run(&s, &id, "police", "given", Some("MARAC referral")).refused();
    assert!(r.stderr.contains("criminal_investigation, risk_management"), "{}", r.stderr);
    let r = s.share(&id, "marac", "general").flag("--preview").by_worker().refused();
    assert!(r.stderr.contains("marac_referral"), "{}", r.stderr);
}

#[test]
fn old_free_text_entries_migrate_at_read_time() {
    let (s, id) = setup();
    let client: i64 = id.parse().unwrap();
    {
        let mut session = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
        let old = |purpose: &str, state: &str, review: &str| json!({"recipient": "marac", "purpose": purpose, "state": state, "method": "verbal", "review_on": review, "recorded_by": "cara"});
        for body in
            [old("MARAC referral", "given", "2099-01-01"), old("Marac referral.", "withdrawn", "2099-01-01")]
        {
            session.append_unchecked(Kind::Consent, "consent_recorded", Some(client), body).unwrap();
        }
        // Police: an old free-text given past its review date.
        let body = json!({"recipient": "police", "purpose": "Crime report", "state": "given", "method": "verbal", "review_on": "2020-01-01", "recorded_by": "cara"});
        session.append_unchecked(Kind::Consent, "consent_recorded", Some(client), body).unwrap();
    }
    let report = s.worker(&["consent", "show", "--client", &id]).ok().json();
    let history = report["history"].as_array().unwrap();
    assert_eq!(history[0]["purpose"]["code"], "marac_referral");
    assert_eq!(history[2]["purpose"]["code"], "other");
    assert_eq!(decision(&report, "marac", "marac_referral")["state"], "withdrawn");
    let police = decision(&report, "police", "other");
    assert_eq!((police["state"].as_str(), police["review_overdue"].as_bool()), (Some("given"), Some(true)));
    let (allowed, needs) = gate(&s, &id, "police", "crime report");
    assert!(!allowed && needs.contains("past its review date"), "{needs}");
    assert!(!gate(&s, &id, "marac", "marac referral").0);
    let v = s.manager(&["log", "verify"]).ok().json();
    assert!(v["first_break"].is_null());
}

const PURPOSES: &[&str] = &[
    "",
    "general",
    "marac_referral",
    "MARAC referral.",
    "referral",
    "Crime report",
    "crime  report",
    "report",
    "housing_application",
    "Health care",
    "maternity_care",
    "child_in_need_assessment",
    "risk management",
];
const STATES: &[&str] = &["given", "given", "given", "refused", "withdrawn", "not_sought", "lacks_capacity"];

/// For random histories (new and old-shaped entries, reviews past and future), every row
/// of the consent report agrees with the share gate for the same recipient and purpose;
/// and a refusal recorded after every "given" that could cover a purpose always stops it.
#[test]
fn the_consent_table_and_the_share_gate_agree_on_random_histories() {
    let dir = tempfile::tempdir().unwrap();
    fast_vault(dir.path());
    let mut session = unlock_now(dir.path(), "cara", WORKER_PASS).unwrap();
    let seed = env_u64("CONSENT_SEED", 0xC0_75E7);
    let cases = env_u64("CONSENT_CASES", 24);
    let mut rng = Rng::new(seed);
    let mut compared = 0;
    for case in 0..cases {
        let client = session.add_client(br#"{"full_name": "Random Consent Person"}"#).unwrap();
        let n = 1 + rng.below(9);
        let mut written = vec![];
        for _ in 0..n {
            let r = RecipientKind::ALL[rng.below(5) as usize];
            let typed = PURPOSES[rng.below(PURPOSES.len() as u64) as usize];
            let state = STATES[rng.below(STATES.len() as u64) as usize];
            let review = if rng.below(4) == 0 { "2020-01-01" } else { "2099-01-01" };
            // Half old-shaped (free text as typed), half as the core now writes them.
            let body = match Purpose::parse(r, Some(typed)) {
                Ok(p) if rng.below(2) == 0 => {
                    json!({"recipient": r, "purpose": p.code(), "purpose_text": p.other_text(), "state": state, "method": "verbal", "review_on": review, "recorded_by": "cara"})
                }
                _ => {
                    let typed = if typed.is_empty() { "general" } else { typed };
                    json!({"recipient": r, "purpose": typed, "state": state, "method": "verbal", "review_on": review, "recorded_by": "cara"})
                }
            };
            let seq =
                session.append_unchecked(Kind::Consent, "consent_recorded", Some(client.0), body).unwrap();
            written.push((seq, r, typed, state));
        }
        let report = session.consent_report(client).unwrap();
        for row in &report.current {
            let asked = match row.purpose.code.as_str() {
                "general" => continue, // a share always has a purpose
                "other" => row.purpose.text.clone().unwrap(),
                code => code.to_string(),
            };
            let req = ShareRequest::on_consent(client, row.recipient, &asked);
            let ctx = format!("seed {seed:#x} case {case} {} {}", row.recipient, row.purpose.code);
            let Ok(asked_p) = Purpose::parse(row.recipient, Some(&asked)) else {
                // An old entry's words naming another recipient's purpose: a row of its
                // own, but no share can be asked for it (the parser refuses those words).
                assert!(session.share_preview(&req).is_err(), "{ctx}");
                continue;
            };
            let preview = session.share_preview(&req).unwrap();
            let allowed = preview["gate"]["allowed"].as_bool().unwrap();
            assert_eq!(allowed, row.allows_share, "{ctx}");
            if allowed {
                assert_eq!(preview["gate"]["outcome"]["consent_state"], row.state_word(), "{ctx}");
                assert_eq!(preview["gate"]["outcome"]["consent_entry"], json!(row.entry_seq()), "{ctx}");
            } else {
                let needs = preview["gate"]["needs"].as_str().unwrap();
                let expect = match row.state {
                    None => "no consent is recorded".to_string(),
                    Some(_) if row.review_overdue => "past its review date".to_string(),
                    Some(st) => format!("is {st}"),
                };
                assert!(needs.contains(&expect), "{ctx}: {needs}");
            }
            // Independent of the rules' details: a general refusal, or one for this very
            // listed purpose, recorded after every given for this recipient, stops it.
            let last_given =
                written.iter().filter(|w| w.1 == row.recipient && w.3 == "given").map(|w| w.0).max();
            let late_refusal = written.iter().any(|w| {
                w.1 == row.recipient
                    && w.3 != "given"
                    && last_given.is_none_or(|g| w.0 > g)
                    && matches!(Purpose::parse(w.1, Some(w.2)), Ok(p) if p == Purpose::General || (p == asked_p && matches!(p, Purpose::Listed(_))))
            });
            if late_refusal {
                assert!(!allowed, "{ctx}: a later refusal was overridden");
            }
            compared += 1;
        }
    }
    assert!(compared >= cases * (PurposeCode::ALL.len() as u64), "compared {compared}");
}
