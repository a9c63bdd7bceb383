//! Need-to-know sharing through the real CLI: the gate, approvals, declines, the file and
//! its disclosure record.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use crate::common::*;

fn sha256_hex(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

/// The worker asks a manager to approve a share with the police on a lawful basis (told:
/// not safe; advice taken); returns the request's id.
fn ask_to_share_with_police(s: &Scratch, id: &str) -> String {
    let r = s
        .share(id, "police", "Crime report")
        .opt("--lawful-basis", "prevent_detect_crime")
        .opt("--justification", "Serious assault reported; police need it now.")
        .opt("--told", "not_safe")
        .opt("--advice", "Discussed with the team lead")
        .flag("--request")
        .by_worker()
        .ok()
        .json();
    r["request_id"].as_i64().unwrap().to_string()
}

fn setup() -> (Scratch, String) {
    team_with_ada()
}

#[test]
fn share_with_marac_on_consent_writes_the_file_and_a_matching_signed_record() {
    let (s, id) = setup();
    let pdf = s.tmp.path().join("marac.pdf");
    let r = s.share(&id, "marac", "MARAC referral").to(&pdf).opt("--told", "yes").by_worker().ok().json();
    let decision_id = r["decision_id"].as_i64().unwrap();
    assert_eq!(r["sha256"].as_str().unwrap(), sha256_hex(&pdf));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o777, 0o600);

    let d = decisions(&s);
    assert_eq!(d.len(), 1);
    let body = &d[0]["body"];
    assert_eq!(d[0]["seq"].as_i64().unwrap(), decision_id);
    assert_eq!(d[0]["actor"], "cara");
    assert_eq!(body["sha256"], r["sha256"]);
    assert_eq!(body["consent_state"], "given");
    assert_eq!(body["allowed_by"], "consent");
    assert_eq!(body["told"], "yes");
    assert!(body["fields_shared"].as_array().unwrap().iter().any(|p| p == "client.full_name"));
    let withheld: Vec<&str> =
        body["fields_withheld"].as_array().unwrap().iter().map(|w| w["path"].as_str().unwrap()).collect();
    assert!(withheld.contains(&"client.address") && withheld.contains(&"contact[1].code_word"));
    // The signed record keeps the path and the reason only (the preview's label is not in it).
    assert!(body["fields_withheld"].as_array().unwrap().iter().all(|w| w.get("label").is_none()));

    // The PDF reads as a MARAC summary and names neither the refuge nor the code word.
    let text = pdftotext(&pdf);
    for needed in [
        "OFFICIAL-SENSITIVE",
        "Ada Example",
        "Sam Example",
        "Lee Example",
        "contact them through cara, the referrer",
        "Derby Outreach Service",
        "0113 496 0123",
        &format!("Disclosure record {decision_id}"),
    ] {
        assert!(text.contains(needed), "{needed} missing from the PDF");
    }
    for never in ["Example Road", "bluebell", "900123", "900999", "DE1 1AA", "settled"] {
        assert!(!text.contains(never), "{never} leaked into the PDF");
    }
    assert!(
        text.contains(body["chain_head_at_export"].as_str().unwrap()),
        "the chain head is not in the PDF"
    );
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Page size:") && info.contains("A4"), "{info}");
    assert!(!info.contains("Ada") && !info.contains("cara"), "personal data in the PDF metadata: {info}");

    // JSON: the documented schema, the same rules.
    let json = s.tmp.path().join("marac.json");
    let r = s.share(&id, "marac", "MARAC referral").to(&json).by_worker().ok().json();
    let raw = std::fs::read_to_string(&json).unwrap();
    assert_eq!(r["sha256"].as_str().unwrap(), sha256_hex(&json));
    let doc: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(doc["schema"], "casekeep.disclosure.v2");
    assert_eq!(doc["marking"], "OFFICIAL-SENSITIVE");
    assert_eq!(doc["disclosure_id"], r["decision_id"]);
    assert_eq!(doc["contact_through"]["caseworker"], "cara");
    for never in ["Example Road", "bluebell", "+447700900123", "refuge", "withheld"] {
        assert!(!raw.contains(never), "{never} in the JSON export");
    }
    s.manager(&["log", "verify"]).ok();
}

#[test]
fn every_refusal_leaves_no_file_and_no_decision() {
    let (s, id) = setup();
    let out = s.tmp.path().join("police.pdf");
    let o = out.to_str().unwrap();
    let base = |extra: &[&str]| {
        let mut a = vec![
            "share",
            "--client",
            id.as_str(),
            "--recipient",
            "police",
            "--purpose",
            "Crime report",
            "--format",
            "pdf",
            "--out",
            o,
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |who: &str, pass: &str, args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        s.as_user(who, pass, &refs)
    };
    let lawful = [
        "--lawful-basis",
        "prevent_detect_crime",
        "--justification",
        "Serious assault reported; police need it now.",
    ];

    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        ("no consent, no lawful basis", base(&[]), "needs a lawful basis"),
        (
            "lawful basis, no justification",
            base(&["--lawful-basis", "prevent_detect_crime"]),
            "justification",
        ),
        ("no approver", base(&lawful), "manager's approval"),
        (
            "bad lawful basis",
            base(&["--lawful-basis", "because", "--justification", "long enough text here"]),
            "lawful basis must be one of",
        ),
        ("no such note", base(&[&lawful[..], &["--emergency", "--excerpt", "9"]].concat()), "no note 9"),
    ];
    for (what, args, expect) in cases {
        let r = run("cara", WORKER_PASS, args).refused();
        assert!(r.stderr.contains(expect), "{what}: expected {expect:?} in {}", r.stderr);
        assert!(!out.exists(), "{what}: a file was written");
        assert!(decisions(&s).is_empty(), "{what}: a decision was logged");
    }

    // Consent past its review date does not allow a share.
    {
        let vault = casekeep::Vault::open(&s.vault()).unwrap();
        let mut session = vault.unlock("cara", &casekeep::Passphrase::new(WORKER_PASS.into())).unwrap();
        session
            .append_unchecked(
                casekeep::log::Kind::Consent,
                "consent_recorded",
                Some(id.parse().unwrap()),
                serde_json::json!({"recipient": "police", "purpose": "general", "state": "given", "method": "verbal", "review_on": "2020-01-01", "recorded_by": "cara"}),
            )
            .unwrap();
    }
    let r = run("cara", WORKER_PASS, base(&[])).refused();
    assert!(r.stderr.contains("past its review date"), "{}", r.stderr);
    assert!(!out.exists());
    assert!(decisions(&s).is_empty());

    // An existing file is never overwritten.
    std::fs::write(&out, b"precious").unwrap();
    let r = s.share(&id, "marac", "MARAC").opt("--format", "pdf").opt("--out", o).by_worker().refused();
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert!(decisions(&s).is_empty());
}

#[test]
fn lawful_basis_with_approval_emergency_approved_later_and_declines_all_verify() {
    let (s, id) = setup();
    let out1 = s.tmp.path().join("police.json");
    // A share on a lawful basis is asked for, approved by a manager in their own session,
    // then finished by the worker.
    let request = ask_to_share_with_police(&s, &id);
    s.manager(&["approve", "--request", &request]).ok();
    let r = s
        .worker(&["share", "--request", &request, "--format", "json", "--out", out1.to_str().unwrap()])
        .ok()
        .json();
    assert_eq!(r["approval"], "approved");
    let d = decisions(&s);
    assert_eq!(d.len(), 3, "a request, its approval and the share");
    assert_eq!(d[1]["event"], "share_request_approved");
    assert_eq!(d[1]["actor"], "mo", "the approval is signed by the approver");
    assert_eq!(d[2]["event"], "share");
    assert_eq!(d[2]["actor"], "cara");
    assert_eq!(d[2]["body"]["lawful_basis"], "prevent_detect_crime");
    assert_eq!(d[2]["body"]["told"], "not_safe");
    assert_eq!(d[2]["body"]["approved_by"], "mo");

    // Emergency: shared now, awaiting approval; only another manager can approve it.
    let out2 = s.tmp.path().join("csc.pdf");
    let r = s
        .share(&id, "childrens_social_care", "Child at risk tonight")
        .to(&out2)
        .opt("--lawful-basis", "safeguarding_child")
        .opt("--justification", "Child at immediate risk; duty manager unreachable.")
        .flag("--emergency")
        .by_worker()
        .ok()
        .json();
    assert_eq!(r["approval"], "awaiting");
    let emergency = r["decision_id"].as_i64().unwrap().to_string();
    let r = s.worker(&["approve", "--decision", &emergency]).refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);
    s.as_user("dev", "dev caseworker passphrase", &["approve", "--decision", &emergency]).refused();
    s.manager(&["approve", "--decision", &emergency]).ok();
    let r = s.as_user("ann", "ann manager passphrase", &["approve", "--decision", &emergency]).refused();
    assert!(r.stderr.contains("already approved"), "{}", r.stderr);
    s.manager(&["approve", "--decision", "1"]).refused();

    // A decision not to share is recorded and signed the same way.
    let r = s
        .decline(&id, "housing", "Housing enquiry")
        .opt("--reason", "Caller could not be verified; risk of disclosure to the ex-partner.")
        .by_worker()
        .ok()
        .json();
    assert_eq!(r["decision"], "decline");
    let r = s.decline(&id, "housing", "x").opt("--reason", "no").by_worker().refused();
    assert!(r.stderr.contains("reason"), "{}", r.stderr);

    let events: Vec<String> =
        decisions(&s).iter().map(|e| e["event"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        events,
        ["share_requested", "share_request_approved", "share", "share", "approval", "decline"]
    );
    let v = s.manager(&["log", "verify"]).ok().json();
    assert!(v["first_break"].is_null());
    s.manager(&["check"]).ok();
}

#[test]
fn hard_rules_hold_whatever_the_profile_says() {
    let (s, id) = setup();
    // Housing's profile includes the address: a refuge address still never leaves, and a
    // code word never does.
    let out = s.tmp.path().join("housing.json");
    s.share(&id, "housing", "Rehousing")
        .to(&out)
        .opt("--lawful-basis", "vital_interests")
        .opt("--justification", "Homeless tonight; needs emergency housing.")
        .flag("--emergency")
        .opt("--excerpt", "1")
        .by_worker()
        .ok();
    let raw = std::fs::read_to_string(&out).unwrap();
    assert!(!raw.contains("Example Road") && !raw.contains("DE1") && !raw.contains("bluebell"), "{raw}");
    assert!(raw.contains("+447700900123"), "housing gets the safe contact number");
    assert!(raw.contains("outreach clinic"), "the picked excerpt is there");

    // Not a refuge: housing gets the address.
    let f = s.file("not-refuge.json", r#"{"address_is_refuge": false}"#);
    s.worker(&["client", "update", &id, "--json", f.to_str().unwrap()]).ok();
    let out2 = s.tmp.path().join("housing2.json");
    s.share(&id, "housing", "Rehousing")
        .to(&out2)
        .opt("--lawful-basis", "vital_interests")
        .opt("--justification", "Homeless tonight; needs emergency housing.")
        .flag("--emergency")
        .by_worker()
        .ok();
    let raw = std::fs::read_to_string(&out2).unwrap();
    assert!(raw.contains("Example Road") && raw.contains("DE1 1AA"));
    assert!(!raw.contains("bluebell"));
}

#[test]
fn preview_shows_what_leaves_and_why_the_rest_does_not_and_writes_nothing() {
    let (s, id) = setup();
    let p = s.share(&id, "police", "Report").opt("--excerpt", "1").flag("--preview").by_worker().ok().json();
    assert_eq!(p["gate"]["allowed"], false);
    assert!(p["gate"]["needs"].as_str().unwrap().contains("lawful basis"));
    let shared: Vec<&str> =
        p["will_share"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(shared.contains(&"contact[].value"));
    let withheld = p["withheld"].as_array().unwrap();
    let reason = |path: &str| {
        withheld.iter().find(|w| w["path"] == path).map(|w| w["reason"].as_str().unwrap().to_string())
    };
    assert!(reason("client.address").unwrap().contains("refuge"));
    assert!(reason("contact[1].code_word").unwrap().contains("code words"));
    assert!(reason("client.immigration_status").unwrap().contains("not in the police profile"));
    // Each withheld field also comes with its label in words, which the preview shows.
    let label = |path: &str| {
        withheld.iter().find(|w| w["path"] == path).and_then(|w| w["label"].as_str()).map(str::to_string)
    };
    assert_eq!(label("contact[1].code_word").as_deref(), Some("Contact 1: code word"));
    assert_eq!(label("client.address").as_deref(), Some("Address"));
    assert!(decisions(&s).is_empty());
}

/// An address written with its postcode ("…, Derby DE1 1AA", as most are) must not stop a
/// share whose profile sends the postcode district: the district leaves, the full postcode
/// and the street do not. For a refuge, the district is withheld too, even in a note.
#[test]
fn an_address_written_with_its_postcode_still_shares_its_district_unless_a_refuge() {
    let s = Scratch::new();
    s.init_with_worker();
    let plain = s.add_client(
        r#"{"full_name": "Bea Example", "address": "Flat 2, 10 Wrenfield Road, Littleover, Derby DE1 1AA",
            "postcode": "DE1 1AA", "notes": [{"text": "Lives near 10 Wrenfield Rd, DE1 1AA."}]}"#,
    );
    let refuge = s.add_client(
        r#"{"full_name": "Cleo Example", "address": "Rose House, 4 Quillmoor Close, Derby DE22 3ZZ",
            "address_is_refuge": true, "notes": [{"text": "Moved to the DE22 area this week."}]}"#,
    );
    for (id, district, leaves) in [(&plain, "DE1", true), (&refuge, "DE22", false)] {
        s.give_consent(id, "marac");
        let out = s.tmp.path().join(format!("marac-{id}.json"));
        s.share_on_consent(id, "marac", "MARAC referral", &out).opt("--excerpt", "1").by_worker().ok();
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let text = doc.to_string();
        let postcode = doc["fields"].as_array().unwrap().iter().find(|f| f["path"] == "client.postcode");
        if leaves {
            assert_eq!(postcode.unwrap()["value"], format!("{district} district"));
        } else {
            assert!(postcode.is_none(), "a refuge's postcode never leaves");
            assert!(!text.contains(district), "a refuge's district left in the file");
        }
        assert!(
            !text.contains("Wrenfield") && !text.contains("Quillmoor") && !text.contains("1AA"),
            "the street or postcode left"
        );
    }
}

/// A victim still living with the person causing harm: his address is hers. MARAC gets
/// his details but not her address, so his address leaves masked and recorded — the
/// referral is not refused, and the address leaves in no form.
#[test]
fn a_shared_home_leaves_masked_in_the_perpetrators_address_not_refused() {
    let s = Scratch::new();
    s.init_with_worker();
    let home = "22 Hartsdale Avenue, Chaddesden, Derby DE21 6AB";
    let id = s.add_client(
        &serde_json::json!({"full_name": "Dina Sample", "address": home, "postcode": "DE21 6AB",
            "perpetrator": {"full_name": "Gary Sample", "address": home.to_uppercase()}})
        .to_string(),
    );
    s.give_consent(&id, "marac");
    let out = s.tmp.path().join("marac.json");
    s.share_on_consent(&id, "marac", "MARAC referral", &out).by_worker().ok();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let field = |p: &str| doc["fields"].as_array().unwrap().iter().find(|f| f["path"] == p).cloned();
    assert!(field("perpetrator.address").unwrap()["value"].as_str().unwrap().contains("withheld]"));
    assert_eq!(field("client.postcode").unwrap()["value"], "DE21 district");
    // Without the chain head: 64 random-looking hex digits hold "6ab" one run in seventy.
    let mut doc_without_head = doc.clone();
    doc_without_head["log_chain_head"] = serde_json::Value::Null;
    let text = doc_without_head.to_string().to_lowercase();
    assert!(!text.contains("hartsdale") && !text.contains("6ab"), "the shared home left in the file");
    let log = s.manager(&["log", "show"]).ok().json();
    let share = log.as_array().unwrap().iter().rfind(|e| e["event"] == "share").unwrap().clone();
    let masked = share["body"]["masked"].as_array().unwrap();
    assert!(masked.iter().any(|m| m["path"] == "perpetrator.address"), "{masked:?}");
}

/// The manager's decision views (issue 17 item 6), read from the signed log: a consent
/// refusal reads "Consent refused", the approver and the fields withheld are named in
/// words, the filters select, the case is its reference and initials, and each read is
/// audited.
#[test]
fn the_cli_lists_and_shows_decisions_in_the_apps_words() {
    let (s, id) = setup();
    s.consent(&id, "housing", "refused").opt("--method", "verbal").by_worker().ok();
    s.decline(&id, "housing", "Housing enquiry")
        .opt("--reason", "Caller could not be verified; risk of disclosure to the ex-partner.")
        .by_worker()
        .ok();
    let all = s.manager(&["decision", "list"]).ok().json();
    let what: Vec<&str> = all.as_array().unwrap().iter().map(|r| r["what"].as_str().unwrap()).collect();
    assert_eq!(
        what,
        ["Decided not to share with housing", "Consent refused: housing", "Consent given: MARAC"]
    );
    let housing = s.manager(&["decision", "list", "--recipient", "housing", "--kind", "decline"]).ok().json();
    let rows = housing.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{housing}");
    let n = rows[0]["id"].as_i64().unwrap().to_string();
    let d = s.manager(&["decision", "show", &n]).ok().json();
    assert!(d["reason"].as_str().unwrap().contains("could not be verified"), "{d}");
    assert_eq!(d["consent"], "Consent refused");
    // Each filter is checked, and a number that is not a decision is refused, in words.
    let by_client = s.manager(&["decision", "list", "--client", &id, "--awaiting-approval"]).ok().json();
    assert_eq!(by_client, serde_json::json!([]));
    let r = s.manager(&["decision", "list", "--recipient", "the neighbours"]).refused();
    assert!(r.stderr.contains("recipient"), "{}", r.stderr);
    let r = s.manager(&["decision", "list", "--kind", "everything"]).refused();
    assert!(r.stderr.contains("kind of decision"), "{}", r.stderr);
    let r = s.manager(&["decision", "show", "0"]).refused();
    assert!(r.stderr.contains("positive whole number"), "{}", r.stderr);
    s.manager(&["decision", "show", "1"]).refused();
    // Both reads are audited.
    let log = s.manager(&["log", "show"]).ok().json();
    let events: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(events.contains(&"decisions_viewed") && events.contains(&"decision_viewed"), "{events:?}");
}

#[test]
fn the_decision_views_say_what_was_decided_in_plain_words() {
    use casekeep::log::vocab::DecisionKind;
    use casekeep::sharing::decisions::DecisionFilter;
    let (s, id) = setup();
    let request = ask_to_share_with_police(&s, &id);
    s.manager(&["approve", "--request", &request]).ok();
    let out = s.tmp.path().join("police.json");
    let shared = s
        .worker(&["share", "--request", &request, "--format", "json", "--out", out.to_str().unwrap()])
        .ok()
        .json();
    let share_id = shared["decision_id"].as_i64().unwrap();
    s.consent(&id, "housing", "refused").opt("--method", "verbal").by_worker().ok();
    s.decline(&id, "housing", "Housing enquiry")
        .opt("--reason", "Caller could not be verified; risk of disclosure to the ex-partner.")
        .by_worker()
        .ok();
    let csc = s.tmp.path().join("csc.json");
    let emergency = s
        .share(&id, "childrens_social_care", "Child at risk tonight")
        .to(&csc)
        .opt("--lawful-basis", "safeguarding_child")
        .opt("--justification", "Child at immediate risk; duty manager unreachable.")
        .opt("--told", "no")
        .flag("--emergency")
        .by_worker()
        .ok()
        .json()["decision_id"]
        .as_i64()
        .unwrap();

    let mut mo = unlock_now(&s.vault(), "mo", MANAGER_PASS).unwrap();
    let (all, written) = entries_of(&mut mo, |m| m.decisions(&DecisionFilter::default()).unwrap());
    assert!(
        written.iter().any(|e| e.event == "decisions_viewed" && e.body["decisions"] == all.len()),
        "the list is an audited read"
    );
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains("consent_recorded") && !text.contains("share_requested"), "{text}");
    // Newest first; consents, shares, declines and requests are rows, approvals are not.
    let what: Vec<&str> = all.iter().map(|r| r.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "Shared with children's social care — awaiting a manager's approval",
            "Decided not to share with housing",
            "Consent refused: housing",
            "Shared with the police",
            "Asked a manager to approve sharing with the police",
            "Consent given: MARAC",
        ],
        "{what:?}"
    );
    let reference =
        s.worker(&["client", "show", &id]).ok().json()["case_reference"].as_str().unwrap().to_string();
    assert!(all.iter().all(|r| r.case == format!("{reference} · A.E.")), "{text}");
    assert!(all.iter().all(|r| r.by == "cara"));
    // In words and local time ("Thu 3 Dec 2026, 02:16"), not an RFC 3339 stamp. (An earlier
    // check, "no 'T' in it", failed on every Tuesday and Thursday.)
    assert!(
        all.iter().all(|r| chrono::NaiveDateTime::parse_from_str(&r.when, "%a %-d %b %Y, %H:%M").is_ok()
            && chrono::DateTime::parse_from_rfc3339(&r.when).is_err()),
        "{text}"
    );

    let only = |f: DecisionFilter, m: &mut casekeep::Session| -> Vec<i64> {
        m.decisions(&f).unwrap().iter().map(|r| r.id).collect()
    };
    assert_eq!(only(DecisionFilter { awaiting_approval: true, ..Default::default() }, &mut mo), [emergency]);
    let refused = DecisionFilter { kind: Some(DecisionKind::ConsentRefused), ..Default::default() };
    assert_eq!(mo.decisions(&refused).unwrap().len(), 1);
    let housing = DecisionFilter { recipient: Some("housing".parse().unwrap()), ..Default::default() };
    assert_eq!(only(housing, &mut mo).len(), 2, "the refusal and the decision not to share");

    // The share's detail: basis, told, advice, approver, fields as labels, the fingerprint.
    let (d, written) = entries_of(&mut mo, |m| m.decision(share_id).unwrap());
    assert!(written.iter().any(|e| e.event == "decision_viewed" && e.body["decision"] == share_id));
    assert_eq!(d.lawful_basis.as_deref(), Some("Preventing or detecting crime"));
    assert_eq!(d.told.as_deref(), Some("No — telling them would not be safe"));
    assert_eq!(d.advice.as_deref(), Some("Discussed with the team lead"));
    assert_eq!(d.consent.as_deref(), Some("No consent recorded"));
    assert_eq!(d.approved_by.as_deref(), Some("mo"));
    assert!(d.approval.as_deref().unwrap().starts_with("Approved by mo, "), "{:?}", d.approval);
    assert_eq!(d.file_sha256.as_deref(), Some(sha256_hex(&out).as_str()));
    assert!(d.fields_shared.contains(&"Full name".to_string()), "{:?}", d.fields_shared);
    assert!(d.fields_withheld.iter().any(|w| w.label == "Contact 1: code word"), "{:?}", d.fields_withheld);
    for label in d.fields_shared.iter().chain(d.fields_withheld.iter().map(|w| &w.label)) {
        assert!(
            !label.contains('[') && !label.contains('.') && !label.contains('_'),
            "a path, not a label: {label}"
        );
    }

    // A refusal is a refusal; a decision not to share keeps its reason.
    let refusal = mo.decisions(&refused).unwrap()[0].id;
    assert_eq!(mo.decision(refusal).unwrap().consent.as_deref(), Some("Consent refused"));
    let decline =
        mo.decisions(&DecisionFilter { kind: Some(DecisionKind::Decline), ..Default::default() }).unwrap();
    let d = mo.decision(decline[0].id).unwrap();
    assert!(d.reason.as_deref().unwrap().contains("could not be verified"), "{:?}", d.reason);
    assert_eq!(d.consent.as_deref(), Some("Consent refused"));

    // The emergency share awaits approval, then names its approver.
    let d = mo.decision(emergency).unwrap();
    assert!(d.emergency && d.approval.as_deref().unwrap().starts_with("Awaiting"), "{:?}", d.approval);
    mo.approve(emergency).unwrap();
    let d = mo.decision(emergency).unwrap();
    assert!(d.approval.as_deref().unwrap().starts_with("Approved afterwards by mo"), "{:?}", d.approval);
    assert!(!d.row.awaiting_approval);
    assert!(mo.decision(1).is_err(), "the vault's creation is not a decision");
    drop(mo);

    // The insider: a caseworker holding the database key rewrites her decision not to share
    // so that it reads as a share. The entry no longer holds, so the views leave it out
    // rather than show what she wrote.
    let mut cara = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let before = cara.decisions(&DecisionFilter::default()).unwrap().len();
    cara.raw_connection()
        .execute_batch(
            "DROP TRIGGER log_entries_no_update;
             UPDATE log_entries SET event = 'share' WHERE kind = 'decision' AND event = 'decline';",
        )
        .unwrap();
    let after = cara.decisions(&DecisionFilter::default()).unwrap();
    assert_eq!(after.len(), before - 1, "the altered entry is not shown");
    assert!(after.iter().all(|r| r.id != decline[0].id));
    assert!(cara.decision(decline[0].id).is_err(), "nor its detail");
}

/// The part of a refusal that names no field (from "must be" to the first field name), which
/// each front end words the same: the CLI names flags where the app names fields.
fn rule_of(message: &str) -> &str {
    let from = message.find("must be").unwrap_or_else(|| panic!("no rule in {message:?}"));
    message[from..].split(" (").next().unwrap_or_default()
}

#[test]
fn the_cli_and_the_app_read_a_share_and_a_consent_with_one_parser() {
    let (s, id) = setup();
    let client = casekeep::ClientId::parse(&id).unwrap().0;
    // A share's words, wrong one at a time: the app's arguments and the CLI's flags are
    // refused by the same rule, and nothing is written.
    for (key, flag, word) in [
        ("recipient", "--recipient", "neighbours"),
        ("lawful_basis", "--lawful-basis", "because"),
        ("told", "--told", "maybe"),
    ] {
        let mut args = serde_json::json!({"client": client, "recipient": "police", "purpose": "Crime report",
            "emergency": false, "excerpts": [], "lawful_basis": "prevent_detect_crime", "told": "yes"});
        args[key] = word.into();
        let app = serde_json::from_value::<casekeep::ipc::ShareArgs>(args).unwrap().request().unwrap_err();
        assert_eq!(app.code(), "invalid_input", "{key}");
        let recipient = if key == "recipient" { word } else { "police" };
        let mut cli = s.share(&id, recipient, "Crime report").flag("--preview");
        for (f, w) in [("--lawful-basis", "prevent_detect_crime"), ("--told", "yes")] {
            cli = cli.opt(f, if f == flag { word } else { w });
        }
        let r = cli.by_worker().refused();
        assert!(r.stderr.contains(rule_of(&app.to_string())), "{key}: {} / {app}", r.stderr);
    }
    // The purpose is read against the recipient's list by both: MARAC's code is not the police's.
    let args = serde_json::json!({"client": client, "recipient": "police", "purpose": "marac_referral",
        "emergency": false, "excerpts": []});
    let app = serde_json::from_value::<casekeep::ipc::ShareArgs>(args).unwrap().request().unwrap_err();
    let r = s.share(&id, "police", "marac_referral").flag("--preview").by_worker().refused();
    let app = app.to_string();
    assert!(app.contains("is for marac, not police"), "{app}");
    assert!(r.stderr.contains(&app), "the same words: {} / {app}", r.stderr);

    // A consent's words, wrong one at a time.
    for (key, word) in [("state", "maybe"), ("method", "telepathy"), ("review_on", "2027-02-30")] {
        let mut words = serde_json::json!({"client": client, "recipient": "police", "state": "given",
            "method": "verbal", "review_on": "2027-02-28"});
        words[key] = word.into();
        let app = serde_json::from_value::<casekeep::ipc::ConsentArgs>(words.clone())
            .unwrap()
            .into_input()
            .unwrap_err();
        assert_eq!(app.code(), "invalid_input", "{key}");
        let get = |k: &str| words[k].as_str().unwrap().to_string();
        let r = s
            .consent(&id, "police", &get("state"))
            .opt("--method", &get("method"))
            .opt("--review-on", &get("review_on"))
            .by_worker()
            .refused();
        assert!(r.stderr.contains(rule_of(&app.to_string())), "{key}: {} / {app}", r.stderr);
    }
    assert!(decisions(&s).is_empty(), "nothing refused was logged");
}
