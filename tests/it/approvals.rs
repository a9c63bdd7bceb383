//! A share that needs approval, approved in the manager's own session: asked for with
//! `share --request`, approved (`approve --request`) or rejected (`reject --request`) by
//! another manager, finished once by the worker who asked (`share --request ID`), and only
//! while what would leave is what was approved.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;

const ANN: &str = "ann manager passphrase";
const DEV: &str = "dev caseworker passphrase";

fn setup() -> (Scratch, String) {
    team_with_ada()
}

/// The share flags of a police share on a lawful basis, with note 1 as an excerpt.
fn police(id: &str) -> Vec<String> {
    [
        "share",
        "--client",
        id,
        "--recipient",
        "police",
        "--purpose",
        "criminal_investigation",
        "--recipient-name",
        "Derby CID",
        "--lawful-basis",
        "prevent_detect_crime",
        "--justification",
        "Serious assault reported; police need it now.",
        "--told",
        "not_safe",
        "--excerpt",
        "1",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect()
}

fn args<'a>(base: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().map(String::as_str).chain(extra.iter().copied()).collect()
}

/// Cara asks; returns the request id.
fn ask(s: &Scratch, id: &str) -> String {
    let base = police(id);
    let r = s.worker(&args(&base, &["--request"])).ok().json();
    assert_eq!(r["state"], "pending");
    r["request_id"].as_i64().unwrap().to_string()
}

fn finish(s: &Scratch, who: &str, pass: &str, request: &str, out: &std::path::Path) -> Run {
    s.as_user(who, pass, &["share", "--request", request, "--format", "json", "--out", out.to_str().unwrap()])
}

fn queue_of(s: &Scratch, who: &str, pass: &str) -> Vec<serde_json::Value> {
    s.as_user(who, pass, &["queue"]).ok().json()["items"].as_array().unwrap().clone()
}

fn request_items(items: &[serde_json::Value]) -> Vec<(String, i64)> {
    items
        .iter()
        .filter(|i| i["request"].is_i64())
        .map(|i| (i["kind"].as_str().unwrap().to_string(), i["request"].as_i64().unwrap()))
        .collect()
}

#[test]
fn request_approved_in_the_managers_session_then_finished_once_writes_the_file_and_record() {
    let (s, id) = setup();
    let request = ask(&s, &id);
    let rid: i64 = request.parse().unwrap();

    // The request: signed by cara, what would leave (paths only) and its digest.
    let d = decisions(&s);
    assert_eq!(d.len(), 1, "asking writes the request and nothing else");
    assert_eq!(d[0]["event"], "share_requested");
    assert_eq!(d[0]["actor"], "cara");
    let body = &d[0]["body"];
    assert_eq!(d[0]["seq"].as_i64().unwrap(), rid);
    assert_eq!(body["recipient"], "police");
    assert_eq!(body["purpose"], "criminal_investigation");
    assert_eq!(body["recipient_name"], "Derby CID");
    assert_eq!(body["lawful_basis"], "prevent_detect_crime");
    assert_eq!(body["excerpts"], serde_json::json!([1]));
    assert_eq!(body["requested_by"], "cara");
    let digest = body["digest"].as_str().unwrap().to_string();
    assert_eq!(digest.len(), 64);
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
    let raw = serde_json::to_string(body).unwrap();
    assert!(!raw.contains("Ada Example") && !raw.contains("outreach clinic"), "no record value: {raw}");

    // The managers see it (ann and mo); the workers do not; nothing is ready for cara.
    assert_eq!(request_items(&queue_of(&s, "ann", ANN)), [("share_request".to_string(), rid)]);
    assert_eq!(request_items(&queue_of(&s, "mo", MANAGER_PASS)), [("share_request".to_string(), rid)]);
    assert!(request_items(&queue_of(&s, "dev", DEV)).is_empty());
    assert!(request_items(&queue_of(&s, "cara", WORKER_PASS)).is_empty());

    // Not finished before it is approved; a caseworker cannot approve.
    let out = s.tmp.path().join("police.json");
    let r = finish(&s, "cara", WORKER_PASS, &request, &out).refused();
    assert!(r.stderr.contains("awaits a manager's approval"), "{}", r.stderr);
    let r = s.as_user("dev", DEV, &["approve", "--request", &request]).refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);
    let r = s.worker(&["approve", "--request", &request]).refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);

    // Ann approves in her own session.
    let r = s.as_user("ann", ANN, &["approve", "--request", &request]).ok().json();
    let approval_entry = r["approval_entry"].as_i64().unwrap();
    let r = s.manager(&["approve", "--request", &request]).refused();
    assert!(r.stderr.contains("already approved"), "{}", r.stderr);
    let d = decisions(&s);
    assert_eq!(d[1]["event"], "share_request_approved");
    assert_eq!(d[1]["actor"], "ann");
    assert_eq!(d[1]["body"]["request"].as_i64(), Some(rid));
    assert_eq!(d[1]["body"]["digest"], digest.as_str());
    assert_eq!(d[1]["body"]["approved_by"], "ann");

    // Now it is cara's to finish, and off the managers' queue.
    assert_eq!(request_items(&queue_of(&s, "cara", WORKER_PASS)), [("request_approved".to_string(), rid)]);
    assert!(request_items(&queue_of(&s, "ann", ANN)).is_empty());

    // Only cara finishes it.
    let r = finish(&s, "dev", DEV, &request, &out).refused();
    assert!(r.stderr.contains("only the caseworker who asked"), "{}", r.stderr);
    let r = finish(&s, "ann", ANN, &request, &out).refused();
    assert!(r.stderr.contains("only the caseworker who asked"), "{}", r.stderr);
    assert!(!out.exists());

    let r = finish(&s, "cara", WORKER_PASS, &request, &out).ok().json();
    assert_eq!(r["approval"], "approved");
    let file = std::fs::read_to_string(&out).unwrap();
    assert!(file.contains("Ada Example") && file.contains("outreach clinic") && file.contains("Derby CID"));
    assert!(!file.contains("bluebell") && !file.contains("Example Road"));
    let d = decisions(&s);
    assert_eq!(d.len(), 3);
    let share = &d[2];
    assert_eq!(share["event"], "share");
    assert_eq!(share["actor"], "cara");
    assert_eq!(share["seq"], r["decision_id"]);
    assert_eq!(share["body"]["approval"], "approved");
    assert_eq!(share["body"]["approved_by"], "ann");
    assert_eq!(share["body"]["request"].as_i64(), Some(rid));
    assert_eq!(share["body"]["approval_entry"].as_i64(), Some(approval_entry));
    assert_eq!(share["body"]["allowed_by"], "lawful_basis");
    assert_eq!(share["body"]["lawful_basis"], "prevent_detect_crime");
    assert_eq!(share["body"]["told"], "not_safe");
    assert_eq!(share["body"]["sha256"], r["sha256"]);

    // Once.
    let out2 = s.tmp.path().join("again.json");
    let r = finish(&s, "cara", WORKER_PASS, &request, &out2).refused();
    assert!(r.stderr.contains("already shared"), "{}", r.stderr);
    assert!(!out2.exists());
    assert!(request_items(&queue_of(&s, "cara", WORKER_PASS)).is_empty());
    assert_eq!(decisions(&s).len(), 3);

    let v = s.manager(&["log", "verify"]).ok().json();
    assert!(v["first_break"].is_null());
    s.manager(&["check"]).ok();
}

#[test]
fn the_requester_never_approves_not_even_a_manager() {
    let (s, id) = setup();
    let base = police(&id);
    let r = s.manager(&args(&base, &["--request"])).ok().json();
    let request = r["request_id"].as_i64().unwrap().to_string();
    let r = s.manager(&["approve", "--request", &request]).refused();
    assert!(r.stderr.contains("their own share request"), "{}", r.stderr);
    let r = s.manager(&["reject", "--request", &request, "--reason", "I changed my mind about it"]).refused();
    assert!(r.stderr.contains("their own share request"), "{}", r.stderr);
    // Never on the requester's own queue to approve; on the other manager's.
    let mine = request_items(&queue_of(&s, "mo", MANAGER_PASS));
    assert!(mine.is_empty(), "{mine:?}");
    assert_eq!(request_items(&queue_of(&s, "ann", ANN)).len(), 1);
    s.as_user("ann", ANN, &["approve", "--request", &request]).ok();
    let out = s.tmp.path().join("mo.json");
    finish(&s, "mo", MANAGER_PASS, &request, &out).ok();
    assert!(out.exists());
}

#[test]
fn a_rejected_request_is_never_finished() {
    let (s, id) = setup();
    let request = ask(&s, &id);
    let r = s.as_user("ann", ANN, &["reject", "--request", &request, "--reason", "too short"]).refused();
    assert!(r.stderr.contains("at least 10 characters"), "{}", r.stderr);
    let r = s
        .as_user("dev", DEV, &["reject", "--request", &request, "--reason", "Not needed for the inquiry."])
        .refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);
    let r = s
        .as_user(
            "ann",
            ANN,
            &["reject", "--request", &request, "--reason", "Police have not asked; talk to Ada first."],
        )
        .ok()
        .json();
    assert_eq!(r["state"], "rejected");
    let d = decisions(&s);
    assert_eq!(d.last().unwrap()["event"], "share_request_rejected");
    assert_eq!(d.last().unwrap()["actor"], "ann");
    assert_eq!(d.last().unwrap()["body"]["rejected_by"], "ann");

    let rid: i64 = request.parse().unwrap();
    let items = queue_of(&s, "cara", WORKER_PASS);
    assert_eq!(request_items(&items), [("request_rejected".to_string(), rid)]);
    let what =
        items.iter().find(|i| i["kind"] == "request_rejected").unwrap()["what"].as_str().unwrap().to_string();
    assert!(what.contains("rejected") && !what.contains("Ada"), "{what}");

    let out = s.tmp.path().join("police.json");
    let r = finish(&s, "cara", WORKER_PASS, &request, &out).refused();
    assert!(r.stderr.contains("was rejected"), "{}", r.stderr);
    assert!(!out.exists());
    let r = s.manager(&["approve", "--request", &request]).refused();
    assert!(r.stderr.contains("already rejected"), "{}", r.stderr);
    assert_eq!(decisions(&s).len(), 2, "the request and its rejection only");
    s.manager(&["log", "verify"]).ok();
}

#[test]
fn a_record_changed_after_approval_is_not_shared() {
    let (s, id) = setup();
    let request = ask(&s, &id);
    s.as_user("ann", ANN, &["approve", "--request", &request]).ok();

    // A note that does not leave changes nothing that was approved.
    let f = s.file("note.json", r#"{"notes": [{"text": "Second visit, nothing new."}]}"#);
    s.worker(&["client", "update", &id, "--json", f.to_str().unwrap()]).ok();
    let other = request_approved_other(&s, &id);

    // A field that leaves for the police changes: what would leave is not what was approved.
    let f = s.file("name.json", r#"{"preferred_name": "Addie"}"#);
    s.worker(&["client", "update", &id, "--json", f.to_str().unwrap()]).ok();
    let out = s.tmp.path().join("police.json");
    let r = finish(&s, "cara", WORKER_PASS, &request, &out).refused();
    assert!(r.stderr.contains("differs from what was approved"), "{}", r.stderr);
    assert!(!r.stderr.contains("Addie"), "no record value in the refusal");
    assert!(!out.exists());
    let shares = decisions(&s).iter().filter(|d| d["event"] == "share").count();
    assert_eq!(shares, 1, "the other request's share only");

    // Asked again, approved again, it leaves as it now is.
    let again = ask(&s, &id);
    s.as_user("ann", ANN, &["approve", "--request", &again]).ok();
    finish(&s, "cara", WORKER_PASS, &again, &out).ok();
    assert!(std::fs::read_to_string(&out).unwrap().contains("Addie"));
    assert!(other.exists());
    s.manager(&["log", "verify"]).ok();
}

/// A second request (for a different excerpt-free share) approved and finished after a
/// note was added that it does not carry: returns its file.
fn request_approved_other(s: &Scratch, id: &str) -> std::path::PathBuf {
    let base = police(id);
    let base: Vec<String> = base[..base.len() - 2].to_vec(); // without --excerpt 1
    let r = s.worker(&args(&base, &["--request"])).ok().json();
    let request = r["request_id"].as_i64().unwrap().to_string();
    s.as_user("ann", ANN, &["approve", "--request", &request]).ok();
    let f = s.file("note2.json", r#"{"notes": [{"text": "Third visit, still nothing new."}]}"#);
    s.worker(&["client", "update", id, "--json", f.to_str().unwrap()]).ok();
    let out = s.tmp.path().join("other.json");
    finish(s, "cara", WORKER_PASS, &request, &out).ok();
    out
}

#[test]
fn a_share_that_needs_no_approval_is_not_asked_for_and_the_old_flags_are_gone() {
    let (s, id) = setup();
    let bare = |recipient: &str, purpose: &str| {
        s.share(&id, recipient, purpose).flag("--request").by_worker().refused()
    };
    // Consent given for MARAC: share it directly.
    let r = bare("marac", "marac_referral");
    assert!(r.stderr.contains("needs no approval; share it directly"), "{}", r.stderr);
    // No lawful basis: the gate refuses the request as it refuses the share.
    let r = bare("police", "criminal_investigation");
    assert!(r.stderr.contains("needs a lawful basis"), "{}", r.stderr);
    // A recipient name the firewall would mask (it holds the code word) is not asked for:
    // the request is rebuilt from the words as they leave.
    let mut masked = police(&id);
    let at = masked.iter().position(|a| a == "Derby CID").unwrap();
    masked[at] = "Bluebell unit, Derby CID".into();
    let r = s.worker(&args(&masked, &["--request"])).refused();
    assert!(r.stderr.contains("recipient name would leave masked"), "{}", r.stderr);
    assert!(!r.stderr.to_lowercase().contains("bluebell"), "no value in the refusal: {}", r.stderr);
    // The refusal of a share on a lawful basis points at --request and --emergency.
    let out = s.tmp.path().join("police.json");
    let base = police(&id);
    let r = s.worker(&args(&base, &["--format", "json", "--out", out.to_str().unwrap()])).refused();
    assert!(r.stderr.contains("--request") && r.stderr.contains("--emergency"), "{}", r.stderr);
    // --request with --emergency is a usage error; so is a finish with share flags.
    let r = s.worker(&args(&base, &["--request", "--emergency"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = s.worker(&[
        "share",
        "--request",
        "1",
        "--client",
        &id,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("takes only --format and --out"), "{}", r.stderr);
    // No such request; an entry that is not a request.
    let r = finish(&s, "cara", WORKER_PASS, "999", &out).refused();
    assert!(r.stderr.contains("not found") || r.stderr.contains("no such"), "{}", r.stderr);
    let consent_entry = s.manager(&["log", "show"]).ok().json()[0]["seq"].as_i64().unwrap().to_string();
    let r = s.manager(&["approve", "--request", &consent_entry]).refused();
    assert!(r.stderr.contains("share request"), "{}", r.stderr);
    let r = s.manager(&["approve", "--request", "0"]).refused();
    assert!(r.stderr.contains("positive whole number"), "{}", r.stderr);
    // The approver's passphrase is never typed into the worker's process.
    let mp = s.file("mp", &format!("{MANAGER_PASS}\n"));
    let r = s.worker(&args(&base, &["--approver", "mo", "--approver-passphrase-file", mp.to_str().unwrap()]));
    assert_eq!(r.code, 2, "clap refuses the old flag: {}", r.stderr);
    assert!(r.stderr.contains("--approver"), "{}", r.stderr);
    assert!(!out.exists());
    assert!(decisions(&s).is_empty(), "nothing was recorded");
}

#[test]
fn through_the_api_a_finished_request_is_the_approved_view() {
    use casekeep::log::vocab::Format;
    use casekeep::log::vocab::LawfulBasis;
    use casekeep::log::vocab::RecipientKind;
    use casekeep::sharing::share::ShareRequest;
    let (s, id) = setup();
    let mut req = ShareRequest::on_consent(
        casekeep::ClientId::parse(&id).unwrap(),
        RecipientKind::Police,
        "criminal_investigation",
    );
    req.lawful_basis = Some(LawfulBasis::PreventDetectCrime);
    req.justification = Some("Serious assault reported; police need it now.".into());
    req.excerpts = vec![1];
    let mut cara = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let request = cara.request_share(&req).unwrap();
    drop(cara);
    let mut ann = unlock_now(&s.vault(), "ann", ANN).unwrap();
    ann.approve_request(request).unwrap();
    assert_eq!(ann.approve_request(request).unwrap_err().code(), "invalid_input");
    drop(ann);
    let mut cara = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    assert_eq!(cara.approve_request(request).unwrap_err().code(), "forbidden");
    let out = s.tmp.path().join("api.json");
    let receipt = cara.finish_request(request, Format::Json, &out).unwrap();
    assert_eq!(receipt.approval, casekeep::log::vocab::Approval::Approved);
    // The file holds the view whose digest was approved.
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["recipient_name"], serde_json::Value::Null);
    assert!(doc.to_string().contains("outreach clinic"));
    assert_eq!(
        cara.finish_request(request, Format::Json, &s.tmp.path().join("b.json")).unwrap_err().code(),
        "invalid_input"
    );
    assert!(cara.verify_log().unwrap().first_break.is_none());
}

#[test]
fn an_approval_signed_by_the_requester_or_a_caseworker_does_not_count() {
    use casekeep::log::Kind;
    let (s, id) = setup();
    let request = ask(&s, &id);
    let rid: i64 = request.parse().unwrap();
    let digest = decisions(&s)[0]["body"]["digest"].as_str().unwrap().to_string();
    // A well-formed approval naming the manager, signed by whoever holds `session`.
    let approve = |session: &mut casekeep::Session| {
        session
            .append_unchecked(
                Kind::Decision,
                "share_request_approved",
                Some(id.parse::<i64>().unwrap()),
                serde_json::json!({ "request": rid, "digest": digest, "approved_by": "mo" }),
            )
            .unwrap()
    };
    // Every user holds the database key: cara (the requester) and dev (a caseworker) each
    // append one signed by themself.
    for (who, pass) in [("cara", WORKER_PASS), ("dev", DEV)] {
        approve(&mut unlock_now(&s.vault(), who, pass).unwrap());
    }
    // And one she re-attributes to the manager in the table (the author column changed
    // after signing): the approval names mo and its author is mo, but mo never signed it.
    let mut cara = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let mo = cara.users().unwrap().into_iter().find(|u| u.name == "mo").unwrap().id;
    let forged = approve(&mut cara);
    let conn = cara.raw_connection();
    conn.execute_batch("DROP TRIGGER log_entries_no_update;").unwrap();
    conn.execute("UPDATE log_entries SET actor_id = ?1 WHERE seq = ?2", [mo, forged]).unwrap();
    drop(cara);
    let out = s.tmp.path().join("forged.json");
    let r = finish(&s, "cara", WORKER_PASS, &request, &out).refused();
    assert!(r.stderr.contains("awaits a manager's approval"), "{}", r.stderr);
    assert!(!out.exists());
    // Still pending for the managers, who can decide it.
    assert_eq!(request_items(&queue_of(&s, "ann", ANN)), [("share_request".to_string(), rid)]);
    s.as_user("ann", ANN, &["approve", "--request", &request]).ok();
    let r = finish(&s, "cara", WORKER_PASS, &request, &out).ok().json();
    assert_eq!(decisions(&s).last().unwrap()["body"]["approved_by"], "ann");
    assert_eq!(r["approval"], "approved");
}
