//! Crypto-shredding of staff free text in the log (src/log/shred.rs), through the real
//! API: the free text of entries about a client is stored only sealed under the client's
//! key, reads back while the key exists, and is gone for good once a purge destroys the
//! key — while every entry, and so `log verify`, stays as it was. An insider holding the
//! vault key (the test hook's raw connection) plays the reader of the raw database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;

use std::path::Path;

use casekeep::casework::consent::ConsentInput;
use casekeep::log::shred::{ERASED, FIELDS, UNREADABLE};
use casekeep::log::vocab::Format;
use casekeep::log::vocab::{ConsentMethod, ConsentState, RecipientKind};
use casekeep::log::vocab::{LawfulBasis, Told};
use casekeep::log::Kind;
use casekeep::record::ClientId;
use casekeep::record::Date;
use casekeep::sharing::share::ShareRequest;
use casekeep::Session;
use data_encoding::{BASE64, HEXLOWER};
use rusqlite::types::ValueRef;
use serde_json::{json, Value};

/// Free text about client A, one distinctive word in each (written by the real API or, for
/// the approvals' new entries, as those entries will write them).
const A_CONSENT_REASON: &str = "She said Bramblewick must not hear of it yet";
const A_CONSENT_PURPOSE: &str = "Quarrytoad tenancy move";
const A_DECLINE_REASON: &str = "Declined: the Glimmerfoss address is not safe to give";
const A_DECLINE_PURPOSE: &str = "Velvetorchid school place";
const A_HOLD_REASON: &str = "Family court case Saltmarrow pending";
const A_JUSTIFICATION: &str = "Immediate danger: Thornplume threats reported today";
const A_ADVICE: &str = "Advised to stay at Copperwren overnight";
const A_RECIPIENT: &str = "Officer Nimbleheath";
const A_SHARE_PURPOSE: &str = "Lanternmoss welfare visit";
/// Free text given as other JSON shapes than a string (an array, an object).
const A_ARRAY_TEXT: &str = "Quillfeather first";
const A_OBJECT_TEXT: &str = "Harrowdune note";
/// Free text about client B, who is not purged.
const B_REASON: &str = "Client B asked us to wait Fenwhistle";
/// Free text in an entry about no client.
const NO_CLIENT_REASON: &str = "Monthly review Hollowgrange";

const A_TEXTS: &[&str] = &[
    A_CONSENT_REASON,
    A_CONSENT_PURPOSE,
    A_DECLINE_REASON,
    A_DECLINE_PURPOSE,
    A_HOLD_REASON,
    A_JUSTIFICATION,
    A_ADVICE,
    A_RECIPIENT,
    A_SHARE_PURPOSE,
    A_ARRAY_TEXT,
    A_OBJECT_TEXT,
];

/// The made-up word in each text of A's (the one no other stored value has).
const A_WORDS: &[&str] = &[
    "Bramblewick",
    "Quarrytoad",
    "Glimmerfoss",
    "Velvetorchid",
    "Saltmarrow",
    "Thornplume",
    "Copperwren",
    "Nimbleheath",
    "Lanternmoss",
    "Quillfeather",
    "Harrowdune",
];
const B_WORD: &str = "Fenwhistle";
const NO_CLIENT_WORD: &str = "Hollowgrange";

/// Every way a word might sit in stored bytes: as typed, lower and upper case, JSON- and
/// SQL-escaped alike, as hex and as base64 (at each of the three alignments).
fn forms(word: &str) -> Vec<Vec<u8>> {
    let mut out = vec![
        word.as_bytes().to_vec(),
        word.to_lowercase().into_bytes(),
        word.to_uppercase().into_bytes(),
        HEXLOWER.encode(word.as_bytes()).into_bytes(),
        HEXLOWER.encode(word.as_bytes()).to_uppercase().into_bytes(),
    ];
    for pad in 0..3 {
        // The base64 of the word after `pad` other bytes, without the chunks the pad and the
        // end share with their neighbours.
        let mut bytes = vec![b' '; pad];
        bytes.extend_from_slice(word.as_bytes());
        let enc = BASE64.encode(&bytes);
        let start = if pad == 0 { 0 } else { 4 };
        let end = enc.len().saturating_sub(4);
        if end > start + 4 {
            out.push(enc.as_bytes()[start..end].to_vec());
        }
    }
    out
}

fn holds(hay: &[u8], word: &str) -> bool {
    forms(word).iter().any(|f| contains(hay, f))
}

/// Every text and blob value in every row of every table (FTS shadow tables included),
/// as (table, bytes).
fn every_stored_value(session: &mut Session) -> Vec<(String, Vec<u8>)> {
    let conn = session.raw_connection();
    let tables: Vec<String> = {
        let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert!(tables.iter().any(|t| t == "client_keys"), "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    ValueRef::Text(t) => out.push((table.clone(), t.to_vec())),
                    ValueRef::Blob(b) => out.push((table.clone(), b.to_vec())),
                    _ => {}
                }
            }
        }
    }
    out
}

fn raw_bodies(session: &mut Session) -> Vec<(i64, Option<i64>, String)> {
    let conn = session.raw_connection();
    let mut stmt = conn.prepare("SELECT seq, client_id, body FROM log_entries ORDER BY seq").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn key_rows(session: &mut Session) -> Vec<(i64, i64, Vec<u8>)> {
    let conn = session.raw_connection();
    let mut stmt = conn.prepare("SELECT id, client_id, key FROM client_keys ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

fn body_of(session: &Session, event: &str, client: Option<i64>) -> Value {
    let entries = session.log_entries(None).unwrap();
    let e = entries
        .iter()
        .rev()
        .find(|e| e.event == event && e.client_id == client)
        .unwrap_or_else(|| panic!("no {event} entry"));
    e.body.clone()
}

fn add(session: &mut Session, name: &str, reference: &str) -> ClientId {
    let json = format!(r#"{{"full_name": "{name}", "case_reference": "{reference}"}}"#);
    session.add_client(json.as_bytes()).unwrap()
}

/// Client A's whole history of staff free text, written through the real API.
fn write_a(session: &mut Session, a: ClientId, out_dir: &Path) {
    session
        .record_consent(
            a,
            ConsentInput {
                recipient: RecipientKind::Police,
                state: ConsentState::NotSought,
                method: ConsentMethod::Verbal,
                purpose: Some(A_CONSENT_PURPOSE.into()),
                reason: Some(A_CONSENT_REASON.into()),
                review_on: None,
            },
        )
        .unwrap();
    session.decline(a, RecipientKind::Housing, A_DECLINE_PURPOSE, A_DECLINE_REASON).unwrap();
    session.hold_case(a, A_HOLD_REASON).unwrap();
    session.release_case(a).unwrap();
    let mut req = ShareRequest::on_consent(a, RecipientKind::Police, A_SHARE_PURPOSE);
    req.recipient_name = Some(A_RECIPIENT.into());
    req.lawful_basis = Some(LawfulBasis::PreventDetectCrime);
    req.justification = Some(A_JUSTIFICATION.into());
    req.emergency = true;
    req.told = Some(Told::NotSafe);
    req.advice = Some(A_ADVICE.into());
    session.share(&req, Format::Json, &out_dir.join("share.json")).unwrap();
    // Free text in other JSON shapes (an entry as the approvals will write one).
    session
        .append_unchecked(
            Kind::Decision,
            "share_request_rejected",
            Some(a.0),
            json!({ "request": 1, "advice": [A_ARRAY_TEXT, 2], "reason": { "note": A_OBJECT_TEXT }, "justification": null }),
        )
        .unwrap();
}

fn b_consent(session: &mut Session, b: ClientId) {
    session
        .record_consent(
            b,
            ConsentInput {
                recipient: RecipientKind::Health,
                state: ConsentState::Refused,
                method: ConsentMethod::Written,
                purpose: None,
                reason: Some(B_REASON.into()),
                review_on: None,
            },
        )
        .unwrap();
}

/// Makes `client` purgeable now: opened in 2017, closed in 2018 (retained until 2024).
fn make_due(session: &mut Session, client: ClientId) {
    session
        .raw_connection()
        .execute("UPDATE clients SET created_at = '2017-06-01T09:00:00Z' WHERE id = ?1", [client.0])
        .unwrap();
    session.close_case(client, Date::parse("2018-01-01")).unwrap();
}

#[test]
fn free_text_is_sealed_readable_until_the_purge_then_erased_while_the_log_still_verifies() {
    let s = Scratch::new();
    fast_vault(&s.vault());
    let mut session = unlock_now(&s.vault(), "mo", MANAGER_PASS).unwrap();
    let a = add(&mut session, "Ada Example", "SH-1");
    let b = add(&mut session, "Bea Example", "SH-2");
    // No key is made before there is free text to seal.
    assert!(key_rows(&mut session).is_empty());

    write_a(&mut session, a, s.tmp.path());
    b_consent(&mut session, b);
    session
        .append_unchecked(Kind::Audit, "reviewed", None, json!({ "reason": NO_CLIENT_REASON, "count": 3 }))
        .unwrap();

    // One key per client with free text, 32 random bytes each.
    let keys = key_rows(&mut session);
    assert_eq!(keys.iter().map(|k| k.1).collect::<Vec<_>>(), vec![a.0, b.0]);
    assert!(keys.iter().all(|k| k.2.len() == 32) && keys[0].2 != keys[1].2);
    let a_key = keys[0].2.clone();

    // The raw log holds none of the text, in any form; each free-text field of an entry
    // about a client is a sealed object naming its key.
    for (text, word) in A_TEXTS.iter().zip(A_WORDS) {
        assert!(text.contains(word), "{text}");
    }
    assert!(B_REASON.contains(B_WORD) && NO_CLIENT_REASON.contains(NO_CLIENT_WORD));
    let words: Vec<String> = A_WORDS.iter().map(|w| w.to_string()).collect();
    let b_word = &B_WORD.to_string();
    let no_client_word = NO_CLIENT_WORD;
    let bodies = raw_bodies(&mut session);
    for (seq, client, body) in &bodies {
        for w in words.iter().chain([b_word]) {
            assert!(!holds(body.as_bytes(), w), "entry {seq} holds {w} in the raw log: {body}");
        }
        let v: Value = serde_json::from_str(body).unwrap();
        for f in FIELDS {
            match (client, v.get(*f)) {
                (Some(c), Some(x)) if !x.is_null() => {
                    let key_id = keys.iter().find(|k| k.1 == *c).unwrap().0;
                    assert_eq!(x["key"], key_id, "entry {seq} field {f}: {body}");
                    assert!(x["sealed"].is_string(), "entry {seq} field {f}: {body}");
                }
                _ => {}
            }
        }
    }
    // An entry about no client is stored exactly as written.
    let plain = bodies.iter().find(|b| b.1.is_none() && b.2.contains(no_client_word)).unwrap();
    assert_eq!(plain.2, json!({ "reason": NO_CLIENT_REASON, "count": 3 }).to_string());
    let a_sealed = bodies.iter().filter(|b| b.1 == Some(a.0) && b.2.contains("\"sealed\"")).count();
    assert_eq!(a_sealed, 5, "consent, decline, hold, share and the rejected request");

    // Every reader sees the text while the key exists: `log show`, the consent history.
    let consent = body_of(&session, "consent_recorded", Some(a.0));
    assert_eq!(
        (consent["reason"].as_str(), consent["purpose_text"].as_str()),
        (Some(A_CONSENT_REASON), Some(A_CONSENT_PURPOSE))
    );
    assert_eq!(consent["purpose"], "other", "codes stay plain");
    let decline = body_of(&session, "decline", Some(a.0));
    assert_eq!(
        (decline["reason"].as_str(), decline["purpose_text"].as_str()),
        (Some(A_DECLINE_REASON), Some(A_DECLINE_PURPOSE))
    );
    assert_eq!(body_of(&session, "legal_hold_set", Some(a.0))["reason"], A_HOLD_REASON);
    let share = body_of(&session, "share", Some(a.0));
    assert_eq!(share["justification"], A_JUSTIFICATION);
    assert_eq!(share["advice"], A_ADVICE);
    assert_eq!(share["recipient_name"], A_RECIPIENT);
    assert_eq!(share["purpose_text"], A_SHARE_PURPOSE);
    assert_eq!(
        (share["approval"].as_str(), share["lawful_basis"].as_str()),
        (Some("awaiting"), Some("prevent_detect_crime"))
    );
    let rejected = body_of(&session, "share_request_rejected", Some(a.0));
    assert_eq!(rejected["advice"], json!([A_ARRAY_TEXT, 2]));
    assert_eq!(rejected["reason"], json!({ "note": A_OBJECT_TEXT }));
    assert_eq!(rejected["justification"], Value::Null);
    let history = session.consent_history(a).unwrap();
    assert_eq!(history[0].reason.as_deref(), Some(A_CONSENT_REASON));
    assert_eq!(history[0].purpose.text.as_deref(), Some(A_CONSENT_PURPOSE));
    // The emergency share still awaits approval (the SQL on plain fields still reads them).
    assert_eq!(session.awaiting_approval().unwrap().len(), 1);
    let before = session.verify_log().unwrap();
    assert_eq!(before.first_break, None);

    // The purge destroys A's key with the case, and says so in its tombstone.
    make_due(&mut session, a);
    let report = session.purge("Annual retention review", false).unwrap();
    assert_eq!(report.purged, vec![a.0]);
    let keys_after = key_rows(&mut session);
    assert_eq!(keys_after.iter().map(|k| k.1).collect::<Vec<_>>(), vec![b.0], "A's key is gone, B's stays");
    let tomb = body_of(&session, "case_purged", Some(a.0));
    assert_eq!(tomb["free_text_key"], "destroyed");
    assert_eq!(tomb["reason"], "Annual retention review", "the purge's own reason stays plain");

    // Nothing in the database can give the text back: no row of any table holds it, nor
    // A's key, in any form.
    let stored = every_stored_value(&mut session);
    for (table, value) in &stored {
        for w in &words {
            assert!(!holds(value, w), "table {table} still holds {w}");
        }
        for form in [a_key.clone(), HEXLOWER.encode(&a_key).into_bytes(), BASE64.encode(&a_key).into_bytes()]
        {
            assert!(!contains(value, &form), "table {table} still holds A's key");
        }
    }
    // (the scan does see text: B's reason stays, sealed, and the no-client entry's plain)
    assert!(stored.iter().any(|(t, v)| t == "log_entries" && holds(v, no_client_word)));

    // Every entry is still there, unchanged, and the chain verifies.
    assert_eq!(raw_bodies(&mut session)[..bodies.len()], bodies[..]);
    let after = session.verify_log().unwrap();
    assert_eq!((after.first_break, after.entries), (None, before.entries + 2), "close and tombstone");

    // A's free text reads as the marker; codes and numbers as they were; B's text and the
    // entry about no client are untouched.
    let share = body_of(&session, "share", Some(a.0));
    for f in ["justification", "advice", "recipient_name", "purpose_text"] {
        assert_eq!(share[f], ERASED, "{f}");
    }
    assert_eq!(share["lawful_basis"], "prevent_detect_crime");
    let rejected = body_of(&session, "share_request_rejected", Some(a.0));
    assert_eq!((&rejected["advice"], &rejected["reason"]), (&json!(ERASED), &json!(ERASED)));
    assert_eq!(rejected["request"], 1);
    assert_eq!(body_of(&session, "consent_recorded", Some(a.0))["reason"], ERASED);
    assert_eq!(body_of(&session, "decline", Some(a.0))["purpose_text"], ERASED);
    assert_eq!(body_of(&session, "legal_hold_set", Some(a.0))["reason"], ERASED);
    assert_eq!(body_of(&session, "consent_recorded", Some(b.0))["reason"], B_REASON);
    assert_eq!(session.consent_history(b).unwrap()[0].reason.as_deref(), Some(B_REASON));
    assert_eq!(body_of(&session, "reviewed", None)["reason"], NO_CLIENT_REASON);
    drop(session);

    // The CLI's `log show` and `log verify` say the same.
    let shown = s.manager(&["log", "show"]).ok().stdout;
    assert!(shown.contains(ERASED) && shown.contains(B_REASON), "{shown}");
    for w in &words {
        assert!(!shown.contains(w.as_str()), "log show holds {w}");
    }
    s.manager(&["log", "verify"]).ok();
}

#[test]
fn a_sealed_field_is_in_the_hash_so_changing_it_breaks_verify() {
    let s = Scratch::new();
    fast_vault(&s.vault());
    let mut session = unlock_now(&s.vault(), "mo", MANAGER_PASS).unwrap();
    let a = add(&mut session, "Ada Example", "SH-1");
    let b = add(&mut session, "Bea Example", "SH-2");
    let first = session.decline(a, RecipientKind::Housing, "housing_application", A_DECLINE_REASON).unwrap();
    let second =
        session.decline(a, RecipientKind::Housing, "housing_application", "Another reason, not yet").unwrap();
    b_consent(&mut session, b);
    assert_eq!(session.verify_log().unwrap().first_break, None);

    let bodies = raw_bodies(&mut session);
    let raw = |seq: i64| bodies.iter().find(|b| b.0 == seq).unwrap().2.clone();
    let sealed = |seq: i64| {
        serde_json::from_str::<Value>(&raw(seq)).unwrap()["reason"]["sealed"].as_str().unwrap().to_string()
    };
    let conn = session.raw_connection();
    conn.execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;").unwrap();
    let set = |conn: &rusqlite::Connection, seq: i64, body: &str| {
        assert_eq!(
            conn.execute("UPDATE log_entries SET body = ?1 WHERE seq = ?2", rusqlite::params![body, seq])
                .unwrap(),
            1
        );
    };

    // One character of the sealed text changed: it no longer opens, and verify names it.
    let s1 = sealed(first);
    let mut flipped = s1.clone().into_bytes();
    flipped[20] = if flipped[20] == b'A' { b'B' } else { b'A' };
    set(conn, first, &raw(first).replace(&s1, std::str::from_utf8(&flipped).unwrap()));
    assert_eq!(session.verify_log().unwrap().first_break.map(|b| b.seq), Some(first));
    assert_eq!(body_of(&session, "decline", Some(a.0))["reason"], "Another reason, not yet");
    let shown = session.log_entries(Some(a)).unwrap();
    assert_eq!(shown.iter().find(|e| e.seq == first).unwrap().body["reason"], UNREADABLE);

    // A sealed text that does open (the client's other reason) put in its place: it reads,
    // but the hash does not hold.
    set(session.raw_connection(), first, &raw(first).replace(&s1, &sealed(second)));
    let shown = session.log_entries(Some(a)).unwrap();
    assert_eq!(shown.iter().find(|e| e.seq == first).unwrap().body["reason"], "Another reason, not yet");
    assert_eq!(session.verify_log().unwrap().first_break.map(|b| b.seq), Some(first));

    // Another client's sealed reason moved into A's entry does not open under A.
    let b_seq = bodies.iter().find(|x| x.1 == Some(b.0) && x.2.contains("sealed")).unwrap().0;
    let b_field = serde_json::from_str::<Value>(&raw(b_seq)).unwrap()["reason"].to_string();
    let a_field = serde_json::from_str::<Value>(&raw(first)).unwrap()["reason"].to_string();
    set(session.raw_connection(), first, &raw(first).replace(&a_field, &b_field));
    let shown = session.log_entries(Some(a)).unwrap();
    assert_eq!(shown.iter().find(|e| e.seq == first).unwrap().body["reason"], UNREADABLE);
    assert_eq!(session.verify_log().unwrap().first_break.map(|b| b.seq), Some(first));

    // Restored, the chain holds again.
    set(session.raw_connection(), first, &raw(first));
    assert_eq!(session.verify_log().unwrap().first_break, None);
}

#[test]
fn free_text_about_a_client_not_in_the_vault_is_refused_and_nothing_is_written() {
    let s = Scratch::new();
    fast_vault(&s.vault());
    let mut session = unlock_now(&s.vault(), "mo", MANAGER_PASS).unwrap();
    let before = session.log_entries(None).unwrap().len();
    let e = session
        .append_unchecked(Kind::Decision, "decline", Some(4242), json!({ "reason": A_DECLINE_REASON }))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("not in the vault"), "{e}");
    assert!(!e.to_string().contains("Glimmerfoss"), "{e}");
    assert_eq!(session.log_entries(None).unwrap().len(), before);
    assert!(key_rows(&mut session).is_empty());
    // An entry about such a client without free text is written as before.
    session.append_unchecked(Kind::Audit, "client_viewed", Some(4242), json!({ "read": "summary" })).unwrap();
    assert_eq!(session.log_entries(None).unwrap().len(), before + 1);
}
