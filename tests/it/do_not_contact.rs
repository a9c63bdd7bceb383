//! Issue 17 item 1: a "do not use" number is never exported as a safe contact. For every
//! recipient whose profile shares contacts (children's social care, police, health,
//! housing), through the real CLI: the PDF shows it only inside the "DO NOT CONTACT ON
//! THESE" block, first on the page and before "How to contact safely", in UK national
//! format; the genuine number is under the safe route with its times and flags as
//! instructions; the JSON has the two lists apart. The police PDF is rendered to a PNG
//! (target/export-shots; the e2e run empties target/e2e-shots when it starts) and checked by text position (`pdftotext -bbox`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

use crate::common::*;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::record::{ClientRecord, Date};
use casekeep::sharing::export::{self};
use casekeep::sharing::policy::{self, RedactOptions};

const DNU: &str = "07700 900999";
const SAFE: &str = "07700 900123";

/// The recipients whose profiles share contacts, with a purpose each.
const RECIPIENTS: &[(&str, &str)] = &[
    ("childrens_social_care", "Safeguarding a child"),
    ("police", "Criminal investigation"),
    ("health", "Health care"),
    ("housing", "Housing application"),
];

fn pdftotext_layout(path: &Path) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().expect("pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn at(text: &str, needle: &str, what: &str) -> usize {
    text.find(needle).unwrap_or_else(|| panic!("{what}: {needle:?} is not in the PDF:\n{text}"))
}

#[test]
fn every_contact_sharing_pdf_shows_the_do_not_use_number_only_in_its_own_block_first() {
    let (s, id) = team_with_ada();
    for (recipient, purpose) in RECIPIENTS {
        s.give_consent(&id, recipient);
        let pdf = s.tmp.path().join(format!("{recipient}.pdf"));
        s.share_on_consent(&id, recipient, purpose, &pdf).by_worker().ok();
        let text = pdftotext_layout(&pdf);
        let what = *recipient;

        let block = at(&text, "DO NOT CONTACT ON THESE", what);
        let safe_heading = at(&text, "How to contact safely", what);
        let about = at(&text, "About the person", what);
        assert!(block < safe_heading && safe_heading < about, "{what}: the blocks are not first, in order");
        assert!(block < at(&text, "Purpose:", what), "{what}: the block is not first on the page");

        // The do-not-use number: once, inside the block, as a warning, in national format.
        assert_eq!(text.matches(DNU).count(), 1, "{what}: the do-not-use number is not there exactly once");
        let dnu = at(&text, DNU, what);
        assert!(block < dnu && dnu < safe_heading, "{what}: the do-not-use number is outside its block");
        let warning =
            "DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 900999 — the person causing harm may see it";
        let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squashed.contains(warning), "{what}: the warning is not written out whole:\n{text}");
        // The contact's notes ("shared landline") leave to none of these recipients.
        assert!(!text.contains("shared landline"), "{what}: the reason left though its profile withholds it");

        // The genuine number: under the safe route, with its times and flags as instructions.
        assert_eq!(text.matches(SAFE).count(), 1, "{what}");
        let safe = at(&text, SAFE, what);
        assert!(safe_heading < safe && safe < about, "{what}: the safe number is not under the safe route");
        assert!(text.contains("Safe contact 1: 07700 900123 (phone)"), "{what}:\n{text}");
        for instruction in [
            "Only contact at these times: Mon-Fri 10:00-12:00.",
            "Do not leave a voicemail or message.",
            "Do not say who you are or which agency you are from.",
        ] {
            let i = at(&text, instruction, what);
            assert!(safe < i && i < about, "{what}: {instruction:?} is not with the safe number");
        }

        // Never the old shape: no "do not use: yes/no" line, no second "safe contact", no E.164.
        let lower = text.to_lowercase();
        assert!(!lower.contains("do not use:"), "{what}: a do-not-use line is back:\n{text}");
        assert!(!text.contains("Safe contact 2") && !text.contains("Contact 2"), "{what}");
        assert!(!text.contains("+44"), "{what}: a number in E.164 is in the PDF");
        assert!(!lower.contains("voicemail ok") && !lower.contains("may identify agency"), "{what}");
    }
}

#[test]
fn every_contact_sharing_json_has_the_two_lists_apart() {
    let (s, id) = team_with_ada();
    for (recipient, purpose) in RECIPIENTS {
        s.give_consent(&id, recipient);
        let out = s.tmp.path().join(format!("{recipient}.json"));
        s.share_on_consent(&id, recipient, purpose, &out).by_worker().ok();
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let what = *recipient;
        assert_eq!(doc["schema"], "casekeep.disclosure.v2", "{what}");

        let dnc = doc["do_not_contact"].as_array().unwrap();
        assert_eq!(dnc.len(), 1, "{what}: {dnc:?}");
        assert_eq!(dnc[0]["item"], 2);
        assert_eq!(dnc[0]["channel"], "phone");
        assert_eq!(dnc[0]["value"], DNU);
        assert_eq!(dnc[0]["value_e164"], "+447700900999");
        assert_eq!(
            dnc[0]["warning"],
            "DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 900999 — the person causing harm may see it"
        );
        assert_eq!(dnc[0]["reason"], serde_json::Value::Null, "{what}: the notes are not shared");

        let safe = doc["safe_contacts"].as_array().unwrap();
        assert_eq!(safe.len(), 1, "{what}: {safe:?}");
        assert_eq!(safe[0]["item"], 1);
        assert_eq!(safe[0]["value"], SAFE);
        assert_eq!(safe[0]["value_e164"], "+447700900123");
        assert_eq!(safe[0]["safe_times"], "Mon-Fri 10:00-12:00");
        assert_eq!(safe[0]["voicemail_ok"], false);
        assert_eq!(safe[0]["may_identify_agency"], false);
        let instructions: Vec<&str> =
            safe[0]["instructions"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
        assert_eq!(
            instructions,
            [
                "Only contact at these times: Mon-Fri 10:00-12:00.",
                "Do not leave a voicemail or message.",
                "Do not say who you are or which agency you are from."
            ],
            "{what}"
        );

        // Contacts are not fields any more, and nothing says "do not use: no".
        let fields = doc["fields"].as_array().unwrap();
        assert!(fields.iter().all(|f| !f["path"].as_str().unwrap().starts_with("contact[]")), "{what}");
        let raw = std::fs::read_to_string(&out).unwrap();
        // In the list only: its value, its E.164 form and its warning.
        assert_eq!(raw.matches("900999").count(), 3, "{what}: the do-not-use number is outside its list");
        assert!(!raw.contains("do_not_use"), "{what}");

        // The disclosure record still names every contact path that left.
        let d = decisions(&s);
        let shared = d.last().unwrap()["body"]["fields_shared"].as_array().unwrap().clone();
        for p in ["contact[1].value", "contact[2].value", "contact[2].do_not_use"] {
            assert!(shared.iter().any(|x| x == p), "{what}: {p} not recorded as shared");
        }
    }
}

#[test]
fn marac_gets_no_contact_lists() {
    let (s, id) = team_with_ada();
    let out = s.tmp.path().join("marac.json");
    s.share_on_consent(&id, "marac", "MARAC referral", &out).by_worker().ok();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["do_not_contact"], serde_json::json!([]));
    assert_eq!(doc["safe_contacts"], serde_json::json!([]));
    let pdf = s.tmp.path().join("marac.pdf");
    s.share_on_consent(&id, "marac", "MARAC referral", &pdf).by_worker().ok();
    let text = pdftotext_layout(&pdf);
    assert!(!text.contains("DO NOT CONTACT ON THESE") && !text.contains("How to contact safely"));
    assert!(text.contains("contact them through cara, the referrer"));
}

fn ada(extra_safe_times: &str) -> ClientRecord {
    let mut v: serde_json::Value = serde_json::from_str(ADA).unwrap();
    v["case_reference"] = "CK-0001".into();
    v["notes"] = serde_json::json!([]);
    v["contacts"][0]["safe_times"] = extra_safe_times.into();
    let mut rec: ClientRecord = serde_json::from_value(v).unwrap();
    rec.validate(Date::parse("2026-11-23").unwrap(), 0, 0).unwrap();
    rec
}

fn opts() -> RedactOptions {
    RedactOptions {
        caseworker: "cara".into(),
        agency: "Derby Outreach Service".into(),
        purpose: "Criminal investigation".into(),
        ..Default::default()
    }
}

/// The firewall protects only what a recipient may not see; the police may see the
/// do-not-use number (they must know not to ring it). But written into the safe route's
/// own words it would read as a way to reach her: refused, naming the field, never the value.
#[test]
fn a_do_not_use_number_written_into_the_safe_route_is_refused() {
    let today = Date::parse("2026-11-23").unwrap();
    for written in ["07700 900999", "+44 7700 900999", "077009-00999", "(07700) 900 999"] {
        let rec = ada(&format!("Mon-Fri 10:00-12:00, or ring {written} after six"));
        for (kind, _) in RECIPIENTS {
            let kind: RecipientKind = kind.parse().unwrap();
            let err = policy::redact(&rec, kind, &opts(), today).unwrap_err().to_string();
            assert!(err.contains("contact[1].safe_times") && err.contains("do not use"), "{written}: {err}");
            assert!(!err.contains("900999"), "the refusal names the value: {err}");
        }
    }
    // The same number recorded both as a safe contact and as a do-not-use one: refused.
    let mut rec = ada("Mon-Fri 10:00-12:00");
    rec.contacts[0].value = rec.contacts[1].value.clone();
    let err = policy::redact(&rec, RecipientKind::Police, &opts(), today).unwrap_err().to_string();
    assert!(err.contains("contact[1].value") && err.contains("do not use"), "{err}");
    // Elsewhere (a court order's terms, the purpose), in any form, it leaves only masked:
    // outside the do-not-contact block it would have no warning beside it.
    for written in ["07700 900999", "+44 7700 900999", "077009-00999", "(07700) 900 999"] {
        let mut rec = ada("Mon-Fri 10:00-12:00.");
        rec.perpetrator.as_mut().unwrap().orders =
            Some(format!("Not to contact her, including on {written}"));
        let mut o = opts();
        o.purpose = format!("Criminal investigation (calls to {written})");
        let view = policy::redact(&rec, RecipientKind::Police, &o, today).unwrap();
        assert_eq!(view.do_not_contact().len(), 1);
        assert_eq!(view.safe_contacts().len(), 1);
        let orders = view.fields().iter().find(|f| f.path == "perpetrator.orders").unwrap();
        for text in [orders.value.as_str(), view.purpose()] {
            assert!(
                !text.contains("900999") && !text.contains("900 999") && !text.contains("00999"),
                "{written}: {text}"
            );
        }
        assert!(orders.value.starts_with("Not to contact her, including on "), "{}", orders.value);
        let masked: Vec<&str> = view.masked().iter().map(|m| m.path.as_str()).collect();
        assert!(
            masked.contains(&"perpetrator.orders") && masked.contains(&"purpose"),
            "{written}: {masked:?}"
        );
    }
    let rec = ada("Mon-Fri 10:00-12:00.");
    let view = policy::redact(&rec, RecipientKind::Police, &opts(), today).unwrap();
    // Times written with a full stop get one, not two.
    assert_eq!(view.safe_contacts()[0].instructions[0], "Only contact at these times: Mon-Fri 10:00-12:00.");
}

/// The police PDF as a picture and by text position: every word of the do-not-use number
/// lies between the block's heading and the safe route's heading.
#[test]
fn the_police_pdf_by_position_and_as_a_picture() {
    let today = Date::parse("2026-11-23").unwrap();
    let view = policy::redact(&ada("Mon-Fri 10:00-12:00"), RecipientKind::Police, &opts(), today).unwrap();
    let env = sample_envelope();
    let bytes = export::render_checked(Format::Pdf, &view, &env, "police.pdf").unwrap();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/export-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let pdf = shots.join("police-do-not-contact.pdf");
    std::fs::write(&pdf, &bytes).unwrap();

    let out =
        Command::new("pdftotext").args(["-bbox", "-f", "1", "-l", "1"]).arg(&pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let re = regex::Regex::new(
        r#"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>"#,
    )
    .unwrap();
    let words: Vec<(f64, f64, String)> = re
        .captures_iter(&html)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap(), c[4].to_string()))
        .collect();
    assert!(words.len() > 50, "pdftotext -bbox found too few words");
    let y_of = |seq: &[&str]| -> Vec<f64> {
        words
            .windows(seq.len())
            .filter(|w| w.iter().zip(seq).all(|(a, b)| a.2 == *b))
            .map(|w| w[0].1)
            .collect()
    };
    let heading = y_of(&["DO", "NOT", "CONTACT", "ON", "THESE"]);
    let safe_heading = y_of(&["How", "to", "contact", "safely"]);
    assert_eq!((heading.len(), safe_heading.len()), (1, 1), "each heading once");
    let (top, bottom) = (heading[0], safe_heading[0]);
    let first_other = words.iter().filter(|w| w.2 == "Information").map(|w| w.1).next().unwrap();
    assert!(first_other < top, "the title comes first");
    let dnu: Vec<&(f64, f64, String)> = words.iter().filter(|w| w.2 == "900999").collect();
    assert_eq!(dnu.len(), 1, "the do-not-use number is on the page once");
    assert!(top < dnu[0].1 && dnu[0].1 < bottom, "the do-not-use number is outside its block");
    // Every word above the safe-route heading and below the title belongs to the block.
    let in_block: Vec<&str> =
        words.iter().filter(|w| w.1 > first_other + 1.0 && w.1 < bottom).map(|w| w.2.as_str()).collect();
    let block_text = in_block.join(" ");
    assert!(
        block_text
            .starts_with("DO NOT CONTACT ON THESE ✖ DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 900999"),
        "{block_text}"
    );
    let safe: Vec<&(f64, f64, String)> = words.iter().filter(|w| w.2 == "900123").collect();
    assert_eq!(safe.len(), 1);
    assert!(safe[0].1 > bottom, "the safe number is above the safe route");
    // The number is never broken over two lines: both halves on one line, side by side.
    let half = words.iter().position(|w| w.2 == "900999").unwrap();
    assert_eq!(words[half - 1].2, "07700");
    assert!((words[half - 1].1 - words[half].1).abs() < 0.5 && words[half - 1].0 < words[half].0);

    let png = shots.join("police-do-not-contact");
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(shots.join("police-do-not-contact.png").metadata().unwrap().len() > 10_000);
}

/// Issue 17 item 5: a number marked do-not-use becomes usable only with a reason, in a
/// signed `do_not_use_lifted` entry that names the contact and never the number — whether
/// the mark is unticked or the number entered again as a new safe contact.
#[test]
fn lifting_a_do_not_use_mark_needs_a_reason_and_is_audited_without_the_number() {
    use serde_json::{json, Value};
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(
        &json!({"full_name": "Ida Example", "contacts": [
            {"channel": "phone", "value": SAFE, "voicemail_ok": false},
            {"channel": "phone", "value": DNU, "do_not_use": true, "notes": "his phone"}]})
        .to_string(),
    );
    let patch = |name: &str, contacts: Value| s.file(name, &json!({ "contacts": contacts }).to_string());
    let unticked = patch(
        "unticked.json",
        json!([
        {"channel": "phone", "value": SAFE, "voicemail_ok": false},
        {"channel": "phone", "value": DNU, "notes": "his phone"}]),
    );
    // The number written another way, as a new safe contact, beside the marked one.
    let again = patch(
        "again.json",
        json!([
        {"channel": "phone", "value": SAFE, "voicemail_ok": false},
        {"channel": "phone", "value": DNU, "do_not_use": true, "notes": "his phone"},
        {"channel": "sms", "value": "+44 7700 900 999"}]),
    );
    let lifts = || -> Vec<Value> {
        let log = s.manager(&["log", "show", "--client", &id]).ok().json();
        log.as_array().unwrap().iter().filter(|e| e["event"] == "do_not_use_lifted").cloned().collect()
    };
    for p in [&again, &unticked] {
        let r = s.worker(&["client", "update", &id, "--json", p.to_str().unwrap()]).refused();
        assert!(r.stderr.contains("do not use") && r.stderr.contains("reason"), "{}", r.stderr);
        assert!(!r.stderr.contains("900999"), "{}", r.stderr);
        let r = s
            .worker(&[
                "client",
                "update",
                &id,
                "--json",
                p.to_str().unwrap(),
                "--lift-do-not-use-reason",
                "ok",
            ])
            .refused();
        assert!(r.stderr.contains("too short"), "{}", r.stderr);
    }
    assert!(lifts().is_empty(), "refusals write nothing");
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(shown["contacts"][1]["do_not_use"], true, "still marked");

    let reason = "She took the phone over after he moved out";
    s.worker(&[
        "client",
        "update",
        &id,
        "--json",
        unticked.to_str().unwrap(),
        "--lift-do-not-use-reason",
        reason,
    ])
    .ok();
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(shown["contacts"][1]["do_not_use"], false);
    let l = lifts();
    assert_eq!(l.len(), 1);
    assert_eq!(l[0]["body"], json!({"contact": 2, "reason": reason}));
    assert_eq!(l[0]["actor"], "cara");
    // The stored entry holds neither the number nor the reason in clear.
    let raw = serde_json::to_string(&l).unwrap();
    assert!(!raw.contains("900999") && !raw.contains("+447700900999"));
    // Marking it again needs no reason; a change that lifts nothing ignores none.
    let marked = patch(
        "marked.json",
        json!([
        {"channel": "phone", "value": SAFE, "voicemail_ok": false},
        {"channel": "phone", "value": DNU, "do_not_use": true}]),
    );
    s.worker(&["client", "update", &id, "--json", marked.to_str().unwrap()]).ok();
    assert_eq!(lifts().len(), 1);
    s.manager(&["log", "verify"]).ok();
}
