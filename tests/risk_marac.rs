//! The risk checklist, MARAC referrals and the work queue through the real CLI: scores at
//! the thresholds, per-vault criteria, repeat referrals, the MARAC export and the queue on
//! fixed dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::*;
use serde_json::Value;

/// A client with the given risk entries (and nothing else sensitive).
fn client_with_risk(s: &Scratch, entries: &[String]) -> String {
    s.add_client(&format!(r#"{{"full_name": "Bea Example", "risk": [{}]}}"#, entries.join(",")))
}

fn show(s: &Scratch, id: &str) -> Value {
    s.worker(&["client", "show", id]).ok().json()
}

#[test]
fn scores_at_the_thresholds_not_known_and_a_vault_with_its_own_criteria() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = client_with_risk(
        &s,
        &[
            risk_entry("2026-10-01", 13, 11, ""),
            risk_entry("2026-10-02", 14, 0, ""),
            risk_entry("2026-10-03", 0, 24, ""),
            risk_entry("2026-10-04", 17, 0, ""),
        ],
    );
    let v = show(&s, &id);
    let r = v["risk"].as_array().unwrap();
    let summary: Vec<(u64, bool, &str)> = r
        .iter()
        .map(|e| {
            (
                e["score"].as_u64().unwrap(),
                e["meets_marac_threshold"].as_bool().unwrap(),
                e["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![(13, false, "medium"), (14, true, "high"), (0, false, "standard"), (17, true, "high")],
        "13 is below the default threshold, 14 meets it, not_known never counts"
    );
    assert_eq!(r[1]["criteria_met"], serde_json::json!(["visible_high_risk"]));

    // A wrong number of answers, or an answer that is not a word we know, is refused clearly.
    let bad = s.file(
        "bad.json",
        &format!(r#"{{"risk": [{}]}}"#, risk_entry("2026-10-05", 1, 0, "").replacen("\"no\",", "", 1)),
    );
    let e = s.worker(&["client", "update", &id, "--json", bad.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("exactly 24 answers") && e.stderr.contains("found 23"), "{}", e.stderr);
    let bad = s.file(
        "bad2.json",
        &format!(
            r#"{{"risk": [{}]}}"#,
            risk_entry("2026-10-05", 1, 0, "").replacen("\"yes\"", "\"maybe\"", 1)
        ),
    );
    let e = s.worker(&["client", "update", &id, "--json", bad.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("risk[0].answers[0]") && e.stderr.contains("not_known"), "{}", e.stderr);
    let bad = s.file(
        "bad3.json",
        &format!(
            r#"{{"risk": [{}]}}"#,
            risk_entry("2026-10-05", 1, 0, r#", "professional_judgement": true"#)
        ),
    );
    let e = s.worker(&["client", "update", &id, "--json", bad.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("judgement_reason` is required"), "{}", e.stderr);

    // Settings: anyone can read them; only a manager can change them; changes are logged.
    let d = s.worker(&["settings", "show"]).ok().json();
    assert_eq!(d["risk"]["marac_score"], 14);
    assert_eq!(d["risk"]["escalation_incidents"], 3);
    let strict = s.file("strict.json", r#"{"risk": {"marac_score": 17, "high_from": 17}}"#);
    let e = s.worker(&["settings", "set", "--json", strict.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let out = s.manager(&["settings", "set", "--json", strict.to_str().unwrap()]).ok().json();
    assert_eq!(
        (out["risk"]["marac_score"].as_u64(), out["risk"]["medium_from"].as_u64()),
        (Some(17), Some(10))
    );
    let v = show(&s, &id);
    let r = v["risk"].as_array().unwrap();
    assert_eq!(
        (r[1]["meets_marac_threshold"].as_bool(), r[1]["level"].as_str()),
        (Some(false), Some("medium"))
    );
    assert_eq!((r[3]["meets_marac_threshold"].as_bool(), r[3]["level"].as_str()), (Some(true), Some("high")));
    let list = s.worker(&["client", "list"]).ok().json();
    assert_eq!(list[0]["risk_level"], "high", "the latest assessment (17) is high under the new bands");
    let log = s.manager(&["log", "show"]).ok().json();
    let changed: Vec<&Value> =
        log.as_array().unwrap().iter().filter(|e| e["event"] == "settings_changed").collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["body"]["after"]["risk"]["marac_score"], 17);
    s.manager(&["log", "verify"]).ok();

    for (bad, says) in [
        (r#"{"risk": {"marac_score": 25}}"#, "risk.marac_score"),
        (r#"{"risk": {"medium_from": 20}}"#, "medium_from"),
        (r#"{"risk": {"marac_score": -1}}"#, "risk.marac_score"),
        (r#"{"queue": {"meeting_within_days": 9999}}"#, "meeting_within_days"),
        (r#"{"risk": {"threshold": 3}}"#, "threshold"),
        (r#"not json"#, "not valid JSON"),
    ] {
        let f = s.file("bad-settings.json", bad);
        let e = s.manager(&["settings", "set", "--json", f.to_str().unwrap()]).refused();
        assert!(e.stderr.contains(says), "{bad}: {}", e.stderr);
    }
    assert_eq!(
        s.worker(&["settings", "show"]).ok().json()["risk"]["marac_score"],
        17,
        "refusals changed nothing"
    );
}

#[test]
fn referrals_repeats_meetings_actions_and_the_marac_export() {
    let s = Scratch::new();
    s.init_with_worker();
    s.manager(&["agency", "set", "Derby Outreach Service"]).ok();
    let judgement =
        r#", "professional_judgement": true, "judgement_reason": "Escalating threats after separation""#;
    let id = client_with_risk(
        &s,
        &[risk_entry("2024-05-01", 12, 2, judgement), risk_entry("2026-05-01", 15, 0, "")],
    );
    let refer = |on: &str| {
        let f = s.file(
            "ref.json",
            &format!(r#"{{"referred_on": "{on}", "reason": "Threats to kill after separation"}}"#),
        );
        s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()])
    };
    let first = refer("2024-06-01").ok().json();
    assert_eq!((first["referral"].as_u64(), first["repeat"].as_bool()), (Some(1), Some(false)));
    assert_eq!(first["criteria_met"], serde_json::json!(["professional_judgement"]));
    assert_eq!(first["score"], 12);
    let second = refer("2025-05-31").ok().json();
    assert_eq!(second["repeat"], true, "within 12 months of the last referral");
    let third = refer("2026-06-02").ok().json();
    assert_eq!(third["repeat"], false, "12 months and two days after the last referral");
    assert_eq!(
        (third["score"].as_u64(), third["criteria_met"][0].as_str()),
        (Some(15), Some("visible_high_risk"))
    );
    let e = refer("2026-06-01").refused();
    assert!(e.stderr.contains("date order"), "{}", e.stderr);
    let f = s.file("noreason.json", r#"{"referred_on": "2026-07-01"}"#);
    let e = s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("`reason` is required"), "{}", e.stderr);

    let f = s.file(
        "meeting.json",
        r#"{"referral": 3, "meeting_date": "2026-06-20", "agencies_present": ["Police", "Children's social care", "IDVA"],
            "actions": [{"agency": "Police", "owner": "DS Example", "description": "Flag the address", "due": "2026-06-27"},
                        {"agency": "Housing", "owner": "Sam Officer", "due": "2026-07-04", "done": true}]}"#,
    );
    let out = s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok().json();
    assert!(out["changed"].as_array().unwrap().iter().any(|c| c == "marac[].actions"), "{out}");
    let shown = s.worker(&["marac", "show", "--client", &id]).ok().json();
    let refs = shown["referrals"].as_array().unwrap();
    assert_eq!(refs.len(), 3);
    let repeats: Vec<bool> = refs.iter().map(|r| r["repeat"].as_bool().unwrap()).collect();
    assert_eq!(repeats, vec![false, true, false]);
    assert_eq!(refs[2]["actions"][0]["owner"], "DS Example");
    assert_eq!(refs[2]["referred_by"], "cara");
    let log = s.manager(&["log", "show", "--client", &id]).ok().json();
    let events: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events.iter().filter(|e| **e == "marac_referral_recorded").count(), 3);
    assert!(events.contains(&"marac_referral_changed"));

    // The MARAC export carries the score, the criteria met and the reason for referral.
    s.give_consent(&id, "marac");
    let share_with_marac = |format: &str| {
        let out = s.tmp.path().join(format!("marac.{format}"));
        s.worker(&[
            "share",
            "--client",
            &id,
            "--recipient",
            "marac",
            "--purpose",
            "MARAC referral",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
        out
    };
    let json_out = share_with_marac("json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let text = doc.to_string();
    for want in
        ["15 of 24", "visible high risk", "Threats to kill after separation", "DS Example", "2026-06-20"]
    {
        assert!(text.contains(want), "the MARAC JSON lacks {want}: {text}");
    }
    let pdf = share_with_marac("pdf");
    let text = pdftotext(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "15 of 24",
        "visible high risk",
        "Threats to kill after separation",
        "MARAC referral (latest)",
        "repeat: no",
    ] {
        assert!(text.contains(want), "the MARAC PDF lacks {want}: {text}");
    }
    // Police are not told the MARAC reason (their profile does not hold it).
    s.give_consent(&id, "police");
    let p = s
        .worker(&[
            "share",
            "--client",
            &id,
            "--recipient",
            "police",
            "--purpose",
            "Safety planning",
            "--preview",
        ])
        .ok();
    assert!(!p.stdout.contains("Threats to kill"), "{}", p.stdout);
    assert!(p.stdout.contains("marac[].reason"), "the preview says the reason is withheld: {}", p.stdout);
}

#[test]
fn the_work_queue_on_fixed_dates() {
    let s = Scratch::new();
    s.init_with_worker();
    // Dates of confirmation cannot be in the future, so the queue is read years ahead with
    // a re-confirmation period to match.
    let f = s.file("long.json", r#"{"queue": {"reconfirm_after_days": 1200}}"#);
    s.manager(&["settings", "set", "--json", f.to_str().unwrap()]).ok();
    let id = s.add_client(&format!(
        r#"{{"full_name": "Cleo Sentinelname", "case_reference": "Q-1",
            "contacts": [
              {{"channel": "phone", "value": "07700 900321", "last_confirmed": "2026-11-01", "review_due": "2029-12-01"}},
              {{"channel": "email", "value": "cleo@example.org", "last_confirmed": "2026-10-01"}},
              {{"channel": "phone", "value": "07700 900322", "do_not_use": true, "review_due": "2026-01-01"}}
            ],
            "risk": [{}]}}"#,
        risk_entry("2026-10-01", 16, 0, "")
    ));
    // A client with nothing due never appears.
    s.add_client(
        r#"{"full_name": "Dee Example", "contacts": [{"channel": "post", "review_due": "2031-01-01"}]}"#,
    );
    let f = s.file("ref.json", r#"{"referred_on": "2026-11-02", "reason": "Score 16"}"#);
    s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok();
    let f = s.file(
        "mtg.json",
        r#"{"referral": 1, "meeting_date": "2030-01-05",
            "actions": [{"agency": "Police", "owner": "DS Example", "due": "2030-01-03"},
                        {"agency": "Health", "owner": "Dr Example", "due": "2029-01-01", "done": true},
                        {"agency": "Housing", "owner": "Sam Officer", "due": "2030-03-01"}]}"#,
    );
    s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok();
    s.worker(&[
        "consent",
        "record",
        "--client",
        &id,
        "--recipient",
        "police",
        "--state",
        "given",
        "--method",
        "written",
        "--review-on",
        "2030-01-10",
    ])
    .ok();
    s.worker(&[
        "consent",
        "record",
        "--client",
        &id,
        "--recipient",
        "housing",
        "--state",
        "refused",
        "--method",
        "verbal",
    ])
    .ok();

    let queue = |on: &str| -> Vec<(String, String, bool)> {
        let r = s.worker(&["queue", "--on", on]).ok();
        for secret in ["Sentinelname", "Cleo", "+447700900321", "cleo@example.org"] {
            assert!(!r.stdout.contains(secret), "the queue shows a record value: {}", r.stdout);
        }
        let v = r.json();
        assert_eq!(v["on"], on);
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                assert_eq!(i["case_reference"], "Q-1");
                assert_eq!(i["initials"], "C.S.");
                let kind = i["kind"].as_str().unwrap().to_string();
                (kind, i["due"].as_str().unwrap().to_string(), i["overdue"].as_bool().unwrap())
            })
            .collect()
    };
    let item = |k: &str, due: &str, overdue: bool| (k.to_string(), due.to_string(), overdue);

    assert_eq!(queue("2029-11-30"), vec![], "nothing is due yet");
    assert_eq!(
        queue("2029-12-01"),
        vec![item("safe_contact_review", "2029-12-01", false)],
        "review date reached"
    );
    assert_eq!(
        queue("2029-12-20"),
        vec![item("safe_contact_review", "2029-12-01", true)],
        "the meeting (2030-01-05) is more than 14 days away and the action not yet within 7 days"
    );
    assert_eq!(
        queue("2029-12-25"),
        vec![item("safe_contact_review", "2029-12-01", true), item("marac_meeting", "2030-01-05", false)]
    );
    assert_eq!(
        queue("2030-01-10"),
        vec![
            item("safe_contact_review", "2029-12-01", true),
            item("marac_action", "2030-01-03", true),
            item("consent_review", "2030-01-10", false),
        ],
        "the meeting is past, the done action never shows, the refused consent has no review"
    );
    assert_eq!(
        queue("2030-01-13"),
        vec![
            item("safe_contact_review", "2029-12-01", true),
            item("marac_action", "2030-01-03", true),
            item("consent_review", "2030-01-10", true),
            item("safe_contact_review", "2030-01-13", false),
        ],
        "contact 2 was last confirmed 1,200 days before"
    );
    let f = s.file("wide.json", r#"{"queue": {"meeting_within_days": 30, "reconfirm_after_days": 1100}}"#);
    s.manager(&["settings", "set", "--json", f.to_str().unwrap()]).ok();
    assert_eq!(
        queue("2029-12-20"),
        vec![
            item("safe_contact_review", "2029-10-05", true),
            item("safe_contact_review", "2029-11-05", true),
            item("marac_meeting", "2030-01-05", false),
        ],
        "a wider meeting window and a shorter re-confirmation period"
    );
    let e = s.worker(&["queue", "--on", "2029-13-01"]).refused();
    assert!(e.stderr.contains("YYYY-MM-DD"), "{}", e.stderr);
}

#[test]
fn emergency_shares_awaiting_approval_reach_managers_queues_only() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(r#"{"full_name": "Eve Example", "case_reference": "Q-2"}"#);
    let out = s.tmp.path().join("csc.json");
    s.worker(&[
        "share",
        "--client",
        &id,
        "--recipient",
        "childrens_social_care",
        "--purpose",
        "Child at risk tonight",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
        "--lawful-basis",
        "safeguarding_child",
        "--justification",
        "Child at immediate risk; duty manager unreachable.",
        "--emergency",
    ])
    .ok();
    let today = s.worker(&["queue"]).ok().json();
    assert_eq!(today["items"].as_array().unwrap().len(), 0, "a caseworker's queue holds no approvals");
    let m = s.manager(&["queue"]).ok().json();
    let items = m["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{m}");
    assert_eq!(
        (items[0]["kind"].as_str(), items[0]["case_reference"].as_str()),
        (Some("approval"), Some("Q-2"))
    );
    let decision = s
        .manager(&["log", "show"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "share")
        .unwrap()["seq"]
        .as_i64()
        .unwrap();
    s.manager(&["approve", "--decision", &decision.to_string()]).ok();
    assert_eq!(
        s.manager(&["queue"]).ok().json()["items"].as_array().unwrap().len(),
        0,
        "approved: off the queue"
    );
}

#[test]
fn the_demo_vault_shows_referrals_and_a_work_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    casekeep::demo::create(&dir).unwrap();
    let vault = casekeep::Vault::open(&dir).unwrap();
    let s = vault
        .unlock(casekeep::demo::DEMO_USER, &casekeep::Passphrase::new(casekeep::demo::DEMO_PASSPHRASE.into()))
        .unwrap();
    let q = s.queue(casekeep::record::Date::today()).unwrap();
    let kinds: Vec<&str> = q.items.iter().map(|i| i.kind.as_str()).collect();
    for k in ["safe_contact_review", "marac_meeting", "marac_action"] {
        assert!(kinds.contains(&k), "the demo queue has no {k}: {kinds:?}");
    }
    assert!(s.verify_log().unwrap().first_break.is_none());
}
