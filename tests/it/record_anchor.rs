//! Record anchors (src/vault/record_anchor.rs): the insider holds the vault key and writes to the
//! `clients` table directly (test builds open the database with their own key:
//! `raw_connection`). Each edit — a contact's dates made fresh, a do-not-use mark unticked,
//! an older genuine version put back, another client's bytes copied in, an anchor deleted
//! or forged — is refused on read and named by `log verify`; a change made through
//! Casekeep still works. Then the upgrade of a vault written before anchors existed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods)]

use crate::common::*;
use casekeep::casework::clients::Names;
use casekeep::{ClientId, Error, Session};
use serde_json::json;

const MISMATCH: &str = "this client's record was changed outside Casekeep; ask your manager to check the log";

const BEA: &str = r#"{"full_name": "Bea Sample", "date_of_birth": "1988-02-03",
  "contacts": [{"channel": "phone", "value": "07700 900321", "safe_times": "any time",
                "last_confirmed": "2026-10-01", "review_due": "2026-11-01"}]}"#;

fn stored(s: &mut Session, id: ClientId) -> String {
    edited(s, id, "record")
}

/// The client's stored record as an insider would rewrite it: `edit` is an SQLite
/// expression over `record` (`json_set(record, …)`).
fn edited(s: &mut Session, id: ClientId, edit: &str) -> String {
    let sql = format!("SELECT {edit} FROM clients WHERE id = ?1");
    s.raw_connection().query_row(&sql, [id.0], |r| r.get(0)).unwrap()
}

/// The perpetrator's number (Ada's second contact) unticked as do-not-use.
const UNTICK_DO_NOT_USE: &str = "json_set(record, '$.contacts[1].do_not_use', json('false'))";

fn put(s: &mut Session, id: ClientId, record: &str) {
    s.raw_connection().execute("UPDATE clients SET record = ?1 WHERE id = ?2", (record, id.0)).unwrap();
}

/// An integrity refusal that says what happened and carries no record value.
fn assert_refused<T: std::fmt::Debug>(r: casekeep::Result<T>, what: &str) {
    let e = r.expect_err(what);
    assert!(matches!(e, Error::Integrity(_)), "{what}: {e:?}");
    let text = e.to_string();
    assert!(
        text.contains("was changed outside Casekeep; ask your manager to check the log"),
        "{what}: {text}"
    );
    for value in ["Ada", "Example", "07700", "2026-", "bluebell", "Derby"] {
        assert!(!text.contains(value), "{what}: the refusal shows a record value: {text}");
    }
}

/// Every way the client's record is read refuses it.
fn every_read_refuses(s: &mut Session, id: ClientId, how: &str) {
    assert_refused(s.show_client(id, Names::Hidden), &format!("{how}: show"));
    assert_refused(s.show_client_whole(id), &format!("{how}: show whole"));
    assert_refused(s.safe_contact_value(id, 1, None), &format!("{how}: copy the number"));
    assert_refused(s.confirm_safe_contact(id, 1), &format!("{how}: confirm (a write)"));
    assert_refused(s.update_client(id, br#"{"postcode": "DE1 2AA"}"#), &format!("{how}: change"));
    // The caseload shows the stored columns and reads no record: it stays usable, and
    // opening the altered record is what refuses it.
    assert!(s.list_clients(None, Names::Hidden).unwrap().iter().any(|c| c.id == id.0), "{how}: caseload");
    assert_eq!(s.list_clients(Some("Ada"), Names::Shown).unwrap().len(), 1, "{how}: search");
    assert_refused(s.queue(casekeep::record::Date::today()), &format!("{how}: work queue"));
    let e = s.show_client(id, Names::Hidden).unwrap_err().to_string();
    assert!(e.ends_with(MISMATCH), "{how}: {e}");
}

fn log_verify_names(scratch: &Scratch, id: ClientId, problem: &str) {
    let run = scratch.worker(&["log", "verify"]);
    assert_eq!(run.code, 1, "log verify passed a changed record: {}{}", run.stdout, run.stderr);
    let expected = format!("client {id}'s record {problem}");
    assert!(run.stderr.contains(&expected), "log verify does not name client {id}: {}", run.stderr);
    for value in ["Ada", "07700", "Derby"] {
        assert!(!run.stdout.contains(value) && !run.stderr.contains(value), "log verify shows a value");
    }
}

fn log_verify_passes(scratch: &Scratch) -> serde_json::Value {
    let run = scratch.worker(&["log", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.json()
}

#[test]
fn an_insiders_direct_edits_are_refused_on_read_and_named_by_log_verify() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let ada = cara.add_client(ADA.as_bytes()).unwrap();
    let bea = cara.add_client(BEA.as_bytes()).unwrap();
    let first = stored(&mut cara, ada);
    // A genuine change through Casekeep works, and is the version now anchored.
    cara.update_client(ada, br#"{"address": "Flat 3, 12 Example Road, Derby"}"#).unwrap();
    let genuine = stored(&mut cara, ada);
    assert_ne!(first, genuine);
    assert_eq!(cara.show_client_whole(ada).unwrap()["address"], "Flat 3, 12 Example Road, Derby");
    let checked = cara.verify_records().unwrap();
    assert_eq!(checked.checked, 2);
    assert!(checked.problems().is_empty(), "{:?}", checked.problems());
    let report = log_verify_passes(&scratch);
    assert_eq!(report["records"]["changed_outside_casekeep"], json!([]));

    let bea_bytes = stored(&mut cara, bea);
    let attacks: Vec<(&str, String)> = vec![
        (
            "a stale safe contact made to look freshly confirmed",
            edited(
                &mut cara,
                ada,
                "json_set(record, '$.contacts[0].last_confirmed', date('now'),
                                  '$.contacts[0].review_due', date('now', '+90 days'))",
            ),
        ),
        ("the perpetrator's number unticked as do-not-use", edited(&mut cara, ada, UNTICK_DO_NOT_USE)),
        ("an older genuine version put back (a replay)", first.clone()),
        ("another client's record copied in", bea_bytes.clone()),
    ];
    for (how, bytes) in &attacks {
        assert_ne!(bytes, &genuine, "{how}: the attack changes nothing");
        put(&mut cara, ada, bytes);
        every_read_refuses(&mut cara, ada, how);
        let r = cara.verify_records().unwrap();
        assert_eq!(r.changed_outside_casekeep, vec![ada.0], "{how}");
        assert_eq!(r.problems().len(), 1, "{how}: only Ada's record is named");
        assert!(!cara.check().unwrap().ok, "{how}: check passed");
        log_verify_names(&scratch, ada, "does not match its last signed version");
        // Bea's own record still reads.
        cara.show_client(bea, Names::Hidden).unwrap();
        put(&mut cara, ada, &genuine);
        cara.show_client(ada, Names::Hidden).unwrap();
    }
    // Put back, everything reads and verifies again; a change through Casekeep still works.
    cara.list_clients(None, Names::Hidden).unwrap();
    cara.confirm_safe_contact(ada, 1).unwrap();
    cara.show_client(ada, Names::Hidden).unwrap();
    log_verify_passes(&scratch);
    // A genuine change through the CLI works, and the session reads the new version.
    let f = scratch.file("change.json", r#"{"postcode": "DE1 4AA"}"#);
    scratch.worker(&["client", "update", &ada.to_string(), "--json", f.to_str().unwrap()]).ok();
    let shown = scratch.worker(&["client", "show", &ada.to_string()]).ok().json();
    assert_eq!(shown["postcode"], "DE1 4AA");
    assert_eq!(cara.show_client_whole(ada).unwrap()["postcode"], "DE1 4AA");
    log_verify_passes(&scratch);
}

#[test]
fn deleting_or_forging_an_anchor_does_not_make_a_changed_record_trusted() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let ada = cara.add_client(ADA.as_bytes()).unwrap();
    cara.update_client(ada, br#"{"postcode": "DE1 2AA"}"#).unwrap();
    let changed = edited(&mut cara, ada, UNTICK_DO_NOT_USE);
    put(&mut cara, ada, &changed);
    cara.raw_connection()
        .execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;")
        .unwrap();

    // A forged anchor for the changed bytes: a copy of the latest anchoring entry with its
    // digest replaced (its hash no longer matches), appended at the end.
    let (latest, body): (i64, String) = cara
        .raw_connection()
        .query_row(
            "SELECT seq, body FROM log_entries WHERE client_id = ?1 AND body LIKE '%record_digest%' ORDER BY seq DESC LIMIT 1",
            [ada.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(&body).unwrap();
    forged["record_digest"] = json!("00".repeat(32));
    cara.raw_connection()
        .execute(
            "INSERT INTO log_entries (seq, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash)
             SELECT (SELECT max(seq) + 1 FROM log_entries), at, kind, event, actor_id, client_id, ?2, key_id,
                    signature, prev_hash, hash FROM log_entries WHERE seq = ?1",
            (latest, forged.to_string()),
        )
        .unwrap();
    every_read_refuses(&mut cara, ada, "a forged anchor");

    // Every anchor of the client deleted: the record has none, and the vault is anchored.
    cara.raw_connection()
        .execute("DELETE FROM log_entries WHERE client_id = ?1 AND body LIKE '%record_digest%'", [ada.0])
        .unwrap();
    assert_refused(cara.show_client(ada, Names::Hidden), "no anchor left");
    assert_refused(cara.queue(casekeep::record::Date::today()), "no anchor left: work queue");
    let r = cara.verify_records().unwrap();
    assert_eq!(r.unanchored, vec![ada.0]);
    assert!(r.vault_anchored);
    assert_eq!(r.problems(), vec![format!("client {ada}'s record has no signed anchor")]);

    // A client row inserted behind Casekeep's back has no anchor either.
    cara.raw_connection()
        .execute(
            "INSERT INTO clients (case_reference, record, created_at, updated_at, created_by)
             SELECT 'CK-0099', record, created_at, updated_at, created_by FROM clients WHERE id = ?1",
            [ada.0],
        )
        .unwrap();
    let r = cara.verify_records().unwrap();
    assert_eq!(r.unanchored.len(), 2);
}

#[test]
fn a_purged_record_put_back_is_refused() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    let ada = mo.add_client(ADA.as_bytes()).unwrap();
    let row: (String, String) = mo
        .raw_connection()
        .query_row("SELECT case_reference, record FROM clients WHERE id = ?1", [ada.0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    mo.close_case(ada, None).unwrap();
    mo.raw_connection()
        .execute("UPDATE case_status SET retain_until = '2000-01-01' WHERE client_id = ?1", [ada.0])
        .unwrap();
    let report = mo.purge("retention period over", false).unwrap();
    assert_eq!(report.purged, vec![ada.0]);
    mo.raw_connection()
        .execute(
            "INSERT INTO clients (id, case_reference, record, created_at, updated_at, created_by)
             VALUES (?1, ?2, ?3, 'x', 'x', 1)",
            (ada.0, &row.0, &row.1),
        )
        .unwrap();
    assert_refused(mo.show_client(ada, Names::Hidden), "a purged record put back");
    assert_eq!(mo.verify_records().unwrap().changed_outside_casekeep, vec![ada.0]);
}

#[test]
fn records_written_before_anchors_are_anchored_at_the_first_managers_unlock() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    // A vault as the versions before anchors wrote it: no digests, no upgrade marker.
    casekeep::vault::record_anchor::test_hooks::write_as_before_anchors(true);
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let ada = cara.add_client(ADA.as_bytes()).unwrap();
    let bea = cara.add_client(BEA.as_bytes()).unwrap();
    drop(cara);
    casekeep::vault::record_anchor::test_hooks::write_as_before_anchors(false);

    // Until a manager unlocks, the records read as before; log verify lists them.
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    cara.show_client(ada, Names::Hidden).unwrap();
    cara.list_clients(None, Names::Hidden).unwrap();
    let r = cara.verify_records().unwrap();
    assert_eq!((r.unanchored.clone(), r.vault_anchored), (vec![ada.0, bea.0], false));
    assert!(r.problems().is_empty());
    let report = log_verify_passes(&scratch);
    assert_eq!(report["records"]["unanchored"], json!([ada.0, bea.0]));
    // A change through Casekeep anchors the version it writes.
    cara.update_client(bea, br#"{"postcode": "DE1 3AA"}"#).unwrap();
    assert_eq!(cara.verify_records().unwrap().unanchored, vec![ada.0]);
    drop(cara);

    // The first manager unlock anchors what is there (trust on first use) and marks the vault.
    let mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    let entries = mo.log_entries(None).unwrap();
    let anchored: Vec<_> = entries.iter().filter(|e| e.event == "record_anchored").collect();
    assert_eq!(anchored.len(), 1);
    assert_eq!(anchored[0].client_id, Some(ada.0));
    assert_eq!(anchored[0].body["trust_on_first_use"], json!(true));
    let marker: Vec<_> = entries.iter().filter(|e| e.event == "records_anchored").collect();
    assert_eq!(marker.len(), 1);
    assert_eq!(marker[0].body, json!({"anchored": 1, "not_matching": 0}));
    let r = mo.verify_records().unwrap();
    assert!(r.vault_anchored && r.unanchored.is_empty() && r.problems().is_empty());
    drop(mo);
    // Once: the next manager unlock writes nothing more.
    let mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    assert_eq!(mo.log_entries(None).unwrap().iter().filter(|e| e.event == "records_anchored").count(), 1);
    drop(mo);

    // From now on an insider's edit is refused.
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let changed = edited(&mut cara, ada, UNTICK_DO_NOT_USE);
    put(&mut cara, ada, &changed);
    every_read_refuses(&mut cara, ada, "after the upgrade");
    log_verify_names(&scratch, ada, "does not match its last signed version");
}
