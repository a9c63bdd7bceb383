//! Drafts (issue 17 item 4): a half-finished form kept in the encrypted vault when the app
//! locks, for the user who wrote it only, offered back after unlocking, and deleted when
//! used, discarded, too old, or with its client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;

use casekeep::casework::drafts::{DraftKind, DRAFT_DAYS};
use casekeep::record::Date;
use casekeep::{ClientId, Session};
use serde_json::json;

/// A half-done checklist: three answers of 24, and a reason being typed.
fn half_done() -> Vec<u8> {
    let mut answers = vec![serde_json::Value::Null; 24];
    answers[0] = json!("yes");
    answers[1] = json!("no");
    answers[2] = json!("not_known");
    serde_json::to_vec(&json!({ "answers": answers, "judgement_reason": "Marigold threats by text" }))
        .unwrap()
}

fn stored_drafts(s: &mut Session) -> i64 {
    s.raw_connection().query_row("SELECT count(*) FROM drafts", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_draft_comes_back_to_its_writer_after_a_lock_and_is_gone_once_used() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    cara.save_draft(DraftKind::RiskChecklist, ada, &half_done()).unwrap();
    cara.lock().unwrap();

    let mut cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let drafts = cara.drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    let d = &drafts[0];
    assert_eq!(d.kind, DraftKind::RiskChecklist);
    assert_eq!(d.client_id, Some(ada.0));
    assert_eq!(d.initials.as_deref(), Some("A.E."));
    assert!(!d.case_reference.as_deref().unwrap_or_default().is_empty());
    assert_eq!(d.body["answers"][0], "yes");
    assert_eq!(d.body["answers"][3], serde_json::Value::Null);
    assert_eq!(d.body["judgement_reason"], "Marigold threats by text");

    // A later save replaces it: one draft per user, kind and client.
    cara.save_draft(DraftKind::RiskChecklist, ada, br#"{"answers": ["yes"]}"#).unwrap();
    cara.save_draft(DraftKind::Note, ada, br#"{"text": "Called back at 14:10"}"#).unwrap();
    let drafts = cara.drafts().unwrap();
    assert_eq!(drafts.len(), 2);
    let risk = drafts.iter().find(|d| d.kind == DraftKind::RiskChecklist).unwrap();
    assert_eq!(risk.body, json!({ "answers": ["yes"] }));

    // Used (the form was saved) or discarded: gone, and a second discard finds nothing.
    assert!(cara.discard_draft(DraftKind::RiskChecklist, ada).unwrap());
    assert!(!cara.discard_draft(DraftKind::RiskChecklist, ada).unwrap());
    assert!(cara.discard_draft(DraftKind::Note, ada).unwrap());
    assert!(cara.drafts().unwrap().is_empty());
    assert_eq!(stored_drafts(&mut cara), 0);
}

#[test]
fn another_user_can_neither_read_nor_discard_a_draft() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    cara.save_draft(DraftKind::Note, ada, br#"{"text": "She is moving on Friday"}"#).unwrap();
    cara.lock().unwrap();

    // mo is a manager of the same vault, with the same database key: still not his.
    let mut mo = unlock_now(&vault, "mo", MANAGER_PASS).unwrap();
    assert!(mo.drafts().unwrap().is_empty(), "a manager was shown another user's draft");
    assert!(!mo.discard_draft(DraftKind::Note, ada).unwrap());
    mo.save_draft(DraftKind::Note, ada, br#"{"text": "mo's own"}"#).unwrap();
    assert_eq!(mo.drafts().unwrap()[0].body["text"], "mo's own");
    mo.lock().unwrap();

    let mut cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let mine = cara.drafts().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].body["text"], "She is moving on Friday");
}

#[test]
fn a_draft_is_inside_the_encrypted_database_and_nowhere_else() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    let marker = "Zanzibar-quokka-draft";
    cara.save_draft(DraftKind::Note, ada, format!(r#"{{"text": "{marker}"}}"#).as_bytes()).unwrap();
    cara.lock().unwrap();
    // No file in the vault holds the text in the clear (SQLCipher encrypts every page).
    for e in walk(&vault) {
        let bytes = std::fs::read(&e).unwrap();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "{} holds the draft in the clear",
            e.display()
        );
    }
    let mut cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    assert_eq!(cara.drafts().unwrap()[0].body["text"], marker);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn every_form_s_draft_comes_back_as_entered_and_an_enquiry_s_has_no_client() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    let kinds =
        [DraftKind::Consent, DraftKind::Decline, DraftKind::Share, DraftKind::Marac, DraftKind::EditClient];
    for (i, k) in kinds.iter().enumerate() {
        let body = json!({ "form": k.as_str(), "consent-method": "verbal", "n": i });
        cara.save_draft(*k, ada, &serde_json::to_vec(&body).unwrap()).unwrap();
    }
    cara.save_draft(
        DraftKind::Enquiry,
        None,
        br#"{"enquiry-channel": "phone", "enquiry-asked": "asked about a named woman"}"#,
    )
    .unwrap();
    // A second enquiry draft replaces the first (one per user and kind, even with no client).
    cara.save_draft(DraftKind::Enquiry, None, br#"{"enquiry-channel": "email"}"#).unwrap();
    cara.lock().unwrap();

    let mut cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let offer = cara.draft_offer().unwrap();
    assert_eq!(offer.untrusted, 0);
    assert_eq!(offer.drafts.len(), kinds.len() + 1);
    for (i, k) in kinds.iter().enumerate() {
        let d = offer.drafts.iter().find(|d| d.kind == *k).unwrap();
        assert_eq!(d.client_id, Some(ada.0));
        assert_eq!(d.initials.as_deref(), Some("A.E."));
        assert_eq!(d.body, json!({ "form": k.as_str(), "consent-method": "verbal", "n": i }));
    }
    let enquiry = offer.drafts.iter().find(|d| d.kind == DraftKind::Enquiry).unwrap();
    assert_eq!((enquiry.client_id, enquiry.case_reference.as_deref()), (None, None));
    assert_eq!(enquiry.body, json!({ "enquiry-channel": "email" }));

    assert!(cara.discard_draft(DraftKind::Enquiry, None).unwrap());
    assert!(cara.discard_draft(DraftKind::Share, ada).unwrap());
    assert_eq!(cara.drafts().unwrap().len(), kinds.len() - 1);
    assert_eq!(stored_drafts(&mut cara), i64::try_from(kinds.len() - 1).unwrap());
}

/// The insider (anyone who can unlock has the database key and can write the drafts table)
/// plants drafts "for" cara: one signed by mo, one unsigned, one of hers with its body
/// changed after signing, one of hers copied under another kind. None is offered; each is
/// deleted and counted; her own draft still comes back.
#[test]
fn a_draft_not_signed_by_its_reader_is_removed_not_offered() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    let cara_id = cara.user().id;
    cara.save_draft(DraftKind::Note, ada, br#"{"text": "Called back at 14:10"}"#).unwrap();
    cara.save_draft(DraftKind::Consent, ada, br#"{"consent-state": "refused"}"#).unwrap();
    cara.lock().unwrap();

    let mut mo = unlock_now(&vault, "mo", MANAGER_PASS).unwrap();
    let mo_id = mo.user().id;
    mo.save_draft(DraftKind::Marac, ada, br#"{"reason": "planted by mo"}"#).unwrap();
    let raw = mo.raw_connection();
    // Signed by mo, relabelled as cara's.
    raw.execute("UPDATE drafts SET user_id = ?1 WHERE user_id = ?2", [cara_id, mo_id]).unwrap();
    // Unsigned (an empty signature under cara's key id).
    raw.execute(
        "INSERT INTO drafts (user_id, kind, client_id, body, saved_at, key_id, signature)
         SELECT user_id, 'decline', client_id, '{\"reason\": \"unsigned\"}', saved_at, key_id, x''
           FROM drafts WHERE user_id = ?1 AND kind = 'note'",
        [cara_id],
    )
    .unwrap();
    // Cara's own note copied, signature and all, as a share draft.
    raw.execute(
        "INSERT INTO drafts (user_id, kind, client_id, body, saved_at, key_id, signature)
         SELECT user_id, 'share', client_id, body, saved_at, key_id, signature
           FROM drafts WHERE user_id = ?1 AND kind = 'note'",
        [cara_id],
    )
    .unwrap();
    // Cara's consent draft, its answer changed after she signed it.
    let n = raw
        .execute(
            "UPDATE drafts SET body = '{\"consent-state\": \"given\"}' WHERE user_id = ?1 AND kind = 'consent'",
            [cara_id],
        )
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(stored_drafts(&mut mo), 5);
    mo.lock().unwrap();

    let mut cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let offer = cara.draft_offer().unwrap();
    assert_eq!(offer.untrusted, 4, "planted or changed drafts were not all removed");
    assert_eq!(offer.drafts.len(), 1);
    assert_eq!(offer.drafts[0].kind, DraftKind::Note);
    assert_eq!(offer.drafts[0].body["text"], "Called back at 14:10");
    assert_eq!(stored_drafts(&mut cara), 1, "an untrusted draft was kept");
    // Removed once: the next read offers the same and counts none.
    let again = cara.draft_offer().unwrap();
    assert_eq!((again.drafts.len(), again.untrusted), (1, 0));
}

/// A draft of cara's own, moved by the insider to another client, or its time moved on (to
/// keep an old draft from the 7-day sweep), no longer verifies: the signature binds both.
#[test]
fn a_draft_moved_to_another_client_or_made_younger_is_removed() {
    let (_dir, mut cara, ada) = session_with_client(ADA);
    let bea = cara.add_client(br#"{"full_name": "Bea Example"}"#).unwrap();
    cara.save_draft(DraftKind::Note, ada, br#"{"text": "for Ada"}"#).unwrap();
    cara.save_draft(DraftKind::Consent, ada, br#"{"values": {"0": "marac"}}"#).unwrap();
    let raw = cara.raw_connection();
    raw.execute("UPDATE drafts SET client_id = ?1 WHERE kind = 'note'", [bea.0]).unwrap();
    raw.execute("UPDATE drafts SET saved_at = '2099-01-01T00:00:00Z' WHERE kind = 'consent'", []).unwrap();
    let offer = cara.draft_offer().unwrap();
    assert_eq!((offer.drafts.len(), offer.untrusted), (0, 2));
    assert_eq!(stored_drafts(&mut cara), 0);
}

#[test]
fn bad_drafts_are_refused_with_a_clear_error_and_nothing_is_kept() {
    let (_dir, mut cara, ada) = session_with_client(ADA);
    let msg = |r: casekeep::Result<()>| r.unwrap_err().to_string();
    assert!(msg(cara.save_draft(DraftKind::Note, ada, b"[1, 2]")).contains("expected an object"));
    assert!(msg(cara.save_draft(DraftKind::Note, ada, b"{\"text\": ")).contains("draft"));
    assert!(msg(cara.save_draft(DraftKind::Note, ada, br#"{"a": 1, "a": 2}"#)).contains("twice"));
    let big = format!(r#"{{"text": "{}"}}"#, "x".repeat(70 * 1024));
    assert!(msg(cara.save_draft(DraftKind::Note, ada, big.as_bytes())).contains("too large"));
    let e = cara.save_draft(DraftKind::Note, ClientId(9999), b"{}").unwrap_err();
    assert_eq!(e.code(), "not_found");
    // An unknown kind is refused with the list of every kind there is.
    let e = "risk".parse::<DraftKind>().unwrap_err().to_string();
    assert!(
        DraftKind::ALL.iter().all(|k| e.contains(k.as_str())) && e.contains("edit_client, enquiry"),
        "{e}"
    );
    // Every kind but an enquiry is for one client; an enquiry has none.
    let e = cara.save_draft(DraftKind::Consent, None, b"{}").unwrap_err().to_string();
    assert!(e.contains("needs the client"), "{e}");
    let e = cara.save_draft(DraftKind::Enquiry, ada, b"{}").unwrap_err().to_string();
    assert!(e.contains("has no client"), "{e}");
    assert!(cara.drafts().unwrap().is_empty());
    assert_eq!(stored_drafts(&mut cara), 0);
}

#[test]
fn an_old_draft_is_deleted_and_a_purge_takes_the_client_s_drafts_with_it() {
    let (dir, mut cara, ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    cara.save_draft(DraftKind::Note, ada, br#"{"text": "old"}"#).unwrap();
    let old = (chrono::Utc::now() - chrono::Duration::days(DRAFT_DAYS + 1)).to_rfc3339();
    cara.raw_connection().execute("UPDATE drafts SET saved_at = ?1", [&old]).unwrap();
    assert!(cara.drafts().unwrap().is_empty(), "a draft older than {DRAFT_DAYS} days was offered");
    assert_eq!(stored_drafts(&mut cara), 0, "an old draft was kept");

    cara.save_draft(DraftKind::RiskChecklist, ada, &half_done()).unwrap();
    cara.raw_connection()
        .execute("UPDATE clients SET created_at = '2017-06-01T09:00:00Z' WHERE id = ?1", [ada.0])
        .unwrap();
    cara.close_case(ada, Date::parse("2018-01-01")).unwrap();
    cara.lock().unwrap();
    let mut mo = unlock_now(&vault, "mo", MANAGER_PASS).unwrap();
    assert_eq!(stored_drafts(&mut mo), 1);
    let report = mo.purge("Annual retention review", false).unwrap();
    assert_eq!(report.purged, vec![ada.0]);
    assert_eq!(stored_drafts(&mut mo), 0, "the purged client's draft was kept");
}

#[test]
fn the_idle_time_is_a_signed_setting_only_a_manager_changes() {
    let (dir, mut cara, _ada) = session_with_client(ADA);
    let vault = dir.path().join("vault");
    assert_eq!(cara.settings().unwrap().lock.idle_minutes, 5);
    assert_eq!(cara.set_settings(br#"{"lock": {"idle_minutes": 50}}"#).unwrap_err().code(), "forbidden");
    cara.lock().unwrap();
    let mut mo = unlock_now(&vault, "mo", MANAGER_PASS).unwrap();
    let e = mo.set_settings(br#"{"lock": {"idle_minutes": 61}}"#).unwrap_err().to_string();
    assert!(e.contains("`lock.idle_minutes` must be a whole number of minutes between 1 and 60"), "{e}");
    assert_eq!(mo.set_settings(br#"{"lock": {"idle_minutes": 50}}"#).unwrap().lock.idle_minutes, 50);
    mo.lock().unwrap();
    // Read back by another user from the signed entry.
    let cara = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    assert_eq!(cara.settings().unwrap().lock.idle_minutes, 50);
    let changed =
        cara.log_entries(None).unwrap().into_iter().filter(|e| e.event == "settings_changed").count();
    assert_eq!(changed, 1, "one signed settings entry");
}
