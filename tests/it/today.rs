//! The Today view (issue 17, item 3): the queue a week ahead in groups, the worker's own
//! cases marked, each row with the "safe now" badge of the contact it is about, at a local
//! time the test chooses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use casekeep::casework::today::{SafeState, Today, TodayGroup};
use casekeep::ClientId;
use chrono::{NaiveDate, NaiveDateTime};

/// Monday 2 March 2026, 14:20 local.
fn monday_1420() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(14, 20, 0).unwrap()
}

/// Review overdue (due Sunday), safe on weekday mornings. Added by cara.
const ANNA: &str = r#"{"full_name": "Anna Example", "case_reference": "T-1",
  "contacts": [{"channel": "phone", "value": "07700 900301", "safe_times": "Mon-Fri 10:00-12:00",
                "last_confirmed": "2026-02-01", "review_due": "2026-03-01"}]}"#;
/// Review due today; the first contact is do-not-use, the usable one has no safe times.
const CAL: &str = r#"{"full_name": "Cal Example", "case_reference": "T-3",
  "contacts": [{"channel": "phone", "value": "07700 900303", "do_not_use": true, "last_confirmed": "2026-02-01"},
               {"channel": "email", "value": "cal@example.org",
                "last_confirmed": "2026-02-20", "review_due": "2026-03-02"}]}"#;
/// Review due Wednesday, safe Wednesday mornings. Added by mo.
const BEA: &str = r#"{"full_name": "Bea Example", "case_reference": "T-2",
  "contacts": [{"channel": "phone", "value": "07700 900302", "safe_times": "Wed 09:30-10:00",
                "last_confirmed": "2026-02-20", "review_due": "2026-03-04"}]}"#;

fn row<'a>(t: &'a Today, reference: &str) -> &'a casekeep::casework::today::TodayRow {
    t.rows.iter().find(|r| r.item.case_reference.as_deref() == Some(reference)).unwrap()
}

#[test]
fn today_groups_marks_my_cases_and_badges_each_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let anna = cara.add_client(ANNA.as_bytes()).unwrap();
    let cal = cara.add_client(CAL.as_bytes()).unwrap();
    drop(cara);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.add_client(BEA.as_bytes()).unwrap();

    let t = mo.today(monday_1420()).unwrap();
    assert_eq!(t.on.to_string(), "2026-03-02");
    assert_eq!(t.at, "14:20");
    assert!(row(&t, "T-2").mine, "mo added Bea");
    assert!(!row(&t, "T-1").mine, "cara added Anna");
    drop(mo);

    let cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let t = cara.today(monday_1420()).unwrap();
    let a = row(&t, "T-1");
    assert_eq!((a.group, a.mine), (TodayGroup::Overdue, true));
    assert!(a.item.overdue);
    assert_eq!(a.channel.map(|c| c.word()), Some("phone"));
    let badge = a.badge.as_ref().unwrap();
    assert_eq!(badge.state, SafeState::NotSafe);
    assert_eq!(badge.words, "Not safe now — next tomorrow 10:00");

    let c = row(&t, "T-3");
    assert_eq!((c.group, c.mine), (TodayGroup::Today, true));
    assert_eq!(c.channel.map(|c| c.word()), Some("e-mail"), "the usable contact is the one reviewed");
    assert_eq!(c.badge.as_ref().unwrap().words, "No safe times recorded");

    let b = row(&t, "T-2");
    assert_eq!((b.group, b.mine), (TodayGroup::ThisWeek, false));
    assert!(!b.item.overdue);
    assert_eq!(b.badge.as_ref().unwrap().words, "Not safe now — next Wed 09:30");

    // The plain queue of the day is as before: Wednesday's review is not on it.
    let q = cara.queue(casekeep::record::Date(monday_1420().date())).unwrap();
    assert!(q.items.iter().all(|i| i.case_reference.as_deref() != Some("T-2")));
    assert_eq!(q.items.len(), 2);

    // No contact value travels with the view.
    let json = serde_json::to_string(&t).unwrap();
    for value in ["07700", "900301", "cal@example.org", "Example"] {
        assert!(!json.contains(value), "the Today view carries {value}");
    }

    // The card's badges: one per contact, none for the do-not-use one.
    let card = cara.safe_now(cal, monday_1420()).unwrap();
    assert_eq!(card.len(), 2);
    assert!(card[0].is_none());
    assert_eq!(card[1].as_ref().unwrap().state, SafeState::Unknown);
    let at_11 = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(11, 0, 0).unwrap();
    assert_eq!(cara.safe_now(anna, at_11).unwrap()[0].as_ref().unwrap().words, "Safe now until 12:00");
    assert!(cara.safe_now(ClientId(9999), at_11).is_err(), "an unknown client is refused");
}

/// The CLI's `today --at`: the same view as JSON, the badge at the time asked; a malformed
/// time is refused with the option named.
#[test]
fn the_cli_shows_today_at_a_given_local_time() {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_client(ANNA);
    let t = s.worker(&["today", "--at", "2026-03-02T14:20"]).ok().json();
    assert_eq!(t["on"], "2026-03-02");
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["group"], "overdue");
    assert_eq!(rows[0]["mine"], true);
    assert_eq!(rows[0]["badge"]["words"], "Not safe now — next tomorrow 10:00");
    let at_11 = s.worker(&["today", "--at", "2026-03-02T11:00"]).ok().json();
    assert_eq!(at_11["rows"][0]["badge"]["words"], "Safe now until 12:00");
    for bad in ["2026-03-02 14:20", "2026-02-30T10:00", "14:20", "2026-03-02T25:00"] {
        let r = s.worker(&["today", "--at", bad]).refused();
        assert!(r.stderr.contains("--at must be a real local time"), "{bad}: {}", r.stderr);
    }
}
