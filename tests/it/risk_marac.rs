//! The risk checklist, MARAC referrals and the work queue through the real CLI: scores at
//! the thresholds, per-vault criteria, repeat referrals, the MARAC export and the queue on
//! fixed dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use serde_json::Value;

/// A client with the given risk entries (and nothing else sensitive).
fn client_with_risk(s: &Scratch, entries: &[String]) -> String {
    s.add_client(&format!(r#"{{"full_name": "Bea Example", "risk": [{}]}}"#, entries.join(",")))
}

/// A PDF's text in layout order (a table's label and value on one line), spaces collapsed.
fn layout_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
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
            &format!(r#"{{"referred_on": "{on}", "reason": "Threats to kill after separation", "victim_aware": false}}"#),
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
        s.share(&id, "marac", "MARAC referral").to(&out).by_worker().ok();
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
    let text = layout_text(&pdf);
    for want in [
        "15 of 24",
        "visible high risk",
        "Threats to kill after separation",
        "Repeat referral no",
        "Victim aware of referral No",
    ] {
        assert!(text.contains(want), "the MARAC PDF lacks {want}: {text}");
    }
    // Police are not told the MARAC reason (their profile does not hold it).
    s.give_consent(&id, "police");
    let p = s.share(&id, "police", "Safety planning").flag("--preview").by_worker().ok();
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
    let f =
        s.file("ref.json", r#"{"referred_on": "2026-11-02", "reason": "Score 16", "victim_aware": true}"#);
    s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok();
    let f = s.file(
        "mtg.json",
        r#"{"referral": 1, "meeting_date": "2030-01-05",
            "actions": [{"agency": "Police", "owner": "DS Example", "due": "2030-01-03"},
                        {"agency": "Health", "owner": "Dr Example", "due": "2029-01-01", "done": true},
                        {"agency": "Housing", "owner": "Sam Officer", "due": "2030-03-01"}]}"#,
    );
    s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok();
    s.consent(&id, "police", "given")
        .opt("--method", "written")
        .opt("--review-on", "2030-01-10")
        .by_worker()
        .ok();
    s.consent(&id, "housing", "refused").opt("--method", "verbal").by_worker().ok();

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
    s.share(&id, "childrens_social_care", "Child at risk tonight")
        .to(&out)
        .opt("--lawful-basis", "safeguarding_child")
        .opt("--justification", "Child at immediate risk; duty manager unreachable.")
        .flag("--emergency")
        .by_worker()
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
    casekeep::casework::demo::create(&dir).unwrap();
    let vault = casekeep::Vault::open(&dir).unwrap();
    let s = vault
        .unlock(
            casekeep::casework::demo::DEMO_USER,
            &casekeep::Passphrase::new(casekeep::casework::demo::DEMO_PASSPHRASE.into()),
        )
        .unwrap();
    let q = s.queue(casekeep::record::Date::today()).unwrap();
    let kinds: Vec<&str> = q.items.iter().map(|i| i.kind.as_str()).collect();
    for k in ["safe_contact_review", "marac_meeting", "marac_action"] {
        assert!(kinds.contains(&k), "the demo queue has no {k}: {kinds:?}");
    }
    assert!(s.verify_log().unwrap().first_break.is_none());
}

/// The MARAC referral a coordinator can act on (issue 17 item 9): the referrer block from
/// the agency's signed details (never "agency not set": what is missing is said plainly),
/// whether the person knows of the referral, the indicators answered "yes" named and the
/// full checklist only where the vault's MARAC setting sends them, the person, children
/// and person causing harm as tables without repeated group prefixes. Other recipients
/// still never receive the answers.
#[test]
fn the_marac_referral_names_its_referrer_and_indicators_as_the_vault_decides() {
    let s = Scratch::new();
    s.init_with_worker();
    let mut ada: Value = serde_json::from_str(ADA).unwrap();
    ada["risk"] = serde_json::from_str(&format!("[{}]", risk_entry("2026-11-01", 15, 1, ""))).unwrap();
    let id = s.add_client(&ada.to_string());
    let f =
        s.file("ref.json", r#"{"referred_on": "2026-11-02", "reason": "Threats to kill after separation"}"#);
    let e = s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).refused();
    assert!(e.stderr.contains("`victim_aware` is required"), "no answer is assumed: {}", e.stderr);
    let f = s.file(
        "ref.json",
        r#"{"referred_on": "2026-11-02", "reason": "Threats to kill after separation", "victim_aware": false}"#,
    );
    s.worker(&["marac", "record", "--client", &id, "--json", f.to_str().unwrap()]).ok();
    s.give_consent(&id, "marac");
    let n = std::cell::Cell::new(0);
    let share = |format: &str| {
        n.set(n.get() + 1);
        let out = s.tmp.path().join(format!("marac-{}.{format}", n.get()));
        s.share_on_consent(&id, "marac", "MARAC referral", &out).by_worker().ok();
        out
    };
    let flat = |pdf: &std::path::Path| layout_text(pdf);

    let set = |json: &str| {
        let f = s.file("settings.json", json);
        s.manager(&["settings", "set", "--json", f.to_str().unwrap()]).ok();
    };
    // A new vault names the indicators answered "yes" (what a coordinator acts on).
    let settings = s.worker(&["settings", "show"]).ok().json();
    assert_eq!(settings["marac"]["checklist"], "indicators", "{settings}");

    // Nothing set, and a manager chose "none": the referrer block says so plainly, and the
    // answers do not leave.
    set(r#"{"marac": {"checklist": "none"}}"#);
    let text = flat(&share("pdf"));
    assert!(!text.contains("agency not set"), "{text}");
    assert!(text.contains("Role Not set in Casekeep: ask the referrer"), "{text}");
    assert!(text.contains("a manager sets them in Casekeep's Settings"), "{text}");
    assert!(text.contains("Victim aware of referral No"), "{text}");
    assert!(text.contains("Not attached: this vault sends the score"), "{text}");
    assert!(!text.contains("Did the latest incident leave you injured?"), "{text}");

    // Set by a manager: the whole block, and the indicators named.
    let r = s.manager(&["agency", "set", "Derby Outreach Service", "--phone", "12345"]).refused();
    assert!(r.stderr.contains("UK phone number"), "{}", r.stderr);
    s.set_agency_details();
    let shown = s.worker(&["agency", "show"]).ok().json();
    assert_eq!(shown["phone"], "0113 496 0123");
    set(r#"{"marac": {"checklist": "indicators"}}"#);
    let pdf = share("pdf");
    let text = flat(&pdf);
    for want in [
        "MARAC referral",
        "Referrer Name cara Role IDVA Agency Derby Outreach Service Phone 0113 496 0123 \
         Secure e-mail referrals@derby-outreach.example.org",
        "High-risk indicators answered yes",
        "• Did the latest incident leave you injured?",
        "• Have they ever strangled, choked, suffocated or tried to drown you?",
        "Reason for referral Threats to kill after separation",
        "Score 15 of 24",
        "Criteria met visible high risk",
        "Children Child 1 Full name Sam Example",
        "Person causing harm Full name Lee Example",
    ] {
        assert!(text.contains(want), "the MARAC PDF lacks {want:?}: {text}");
    }
    // The 16th question was answered "not known": not an indicator.
    assert!(!text.contains("• Do they do or say sexual things"), "{text}");
    for prefix in ["Risk: ", "Child 1: ", "Person causing harm: ", "MARAC referral: ", "agency not set"] {
        assert!(!text.contains(prefix), "a repeated group prefix {prefix:?}: {text}");
    }
    assert!(!text.contains("All 24 answers"), "{text}");
    // As a picture, for people to look at.
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/export-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let png = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(shots.join("marac-referral"))
        .status()
        .unwrap();
    assert!(png.success());

    let doc: Value = serde_json::from_slice(&std::fs::read(share("json")).unwrap()).unwrap();
    assert_eq!(doc["referrer"]["secure_email"], "referrals@derby-outreach.example.org");
    assert_eq!(doc["referrer"]["missing"], Value::Null);

    // Full: every answer attached; police still receive none of them.
    set(r#"{"marac": {"checklist": "full"}}"#);
    let text = flat(&share("pdf"));
    assert!(text.contains("The full risk checklist (all 24 answers)"), "{text}");
    assert!(
        text.contains("16. Do they do or say sexual things that hurt you or make you feel bad? — not known"),
        "{text}"
    );
    s.give_consent(&id, "police");
    let p = s.share(&id, "police", "Safety planning").flag("--preview").by_worker().ok();
    assert!(!p.stdout.contains("Did the latest incident"), "{}", p.stdout);
    assert!(p.stdout.contains("risk[].answers"), "withheld from the police: {}", p.stdout);
}
