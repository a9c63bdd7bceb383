//! The Today view (issue 17, item 3): who to call today, and whether it is safe now.
//!
//! [`badge`] says, from a contact's structured safe times ([`SafeWindow`]) and the laptop's
//! local wall-clock time, whether a call is safe now and until when, or when it next is:
//! "Safe now until 11:00", "Not safe now — next at 10:00 today", "Not safe now — next
//! tomorrow 09:30", "Not safe now — next Wed 09:30", "No safe times recorded". It is
//! pure (the caller passes the local time: `safe_times::now_local()`, or the desktop
//! shell's clock, which a debug build can pin for the end-to-end test).
//!
//! [`Session::today`] is the work queue looked at a week ahead, each item placed in a group
//! (overdue, today, this week, later), marked as the signed-in worker's own case or not,
//! and given the badge of the contact it is about (or the client's first usable contact).
//! A case is a worker's own when they added the client: the vault has no other allocation.
//! Like the queue, it carries case references and initials, never a contact value.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDateTime, Timelike};
use serde::Serialize;

use crate::casework::queue::{contact_due, QueueItem, QueueKind};
use crate::record::safe_times::{self, Day, SafeWindow};
use crate::record::{Channel, ClientRecord, Contact, Date};
use crate::support::error::Result;
use crate::vault::Session;
use crate::ClientId;

const DAY: u32 = 24 * 60;
/// How many days ahead the badge looks (today and a week more: every window recurs
/// weekly, so a next safe time, if there is one, is within it).
const LOOK_AHEAD: u32 = 8;

word_enum!(
    /// Whether a call is safe now.
    SafeState, "the safe-now state" {
        Safe => "safe",
        NotSafe => "not_safe",
        Unknown => "unknown",
    }
);

/// A contact's "safe now" badge: the state, and the words the screen shows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Badge {
    pub state: SafeState,
    pub words: String,
}

fn day_name(d: Day) -> &'static str {
    match d {
        Day::Mon => "Mon",
        Day::Tue => "Tue",
        Day::Wed => "Wed",
        Day::Thu => "Thu",
        Day::Fri => "Fri",
        Day::Sat => "Sat",
        Day::Sun => "Sun",
    }
}

fn clock_text(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A time `at` minutes from the start of `now`'s day, as the badge says it: "11:00" today,
/// "midnight" at the end of today, "tomorrow 02:00" the next day, "Sat 02:00" a day after.
/// The first of the pair is the number of days ahead.
fn when(at: u32, now: NaiveDateTime) -> (u32, String) {
    let (days, minute) = (at / DAY, at % DAY);
    let weekday = now.date().checked_add_days(Days::new(u64::from(days))).map(|d| Day::of(d.weekday()));
    let text = match (days, minute, weekday) {
        (0, m, _) => clock_text(m),
        (1, 0, _) => "midnight".to_string(),
        (1, m, _) => format!("tomorrow {}", clock_text(m)),
        (_, m, Some(d)) => format!("{} {}", day_name(d), clock_text(m)),
        (_, m, None) => clock_text(m),
    };
    (days, text)
}

/// The badge for a contact with `windows` at `now` (local wall-clock time). Windows are
/// wall-clock times, so across a clock change "10:00" stays 10:00 on the clock.
pub fn badge(windows: Option<&[SafeWindow]>, now: NaiveDateTime) -> Badge {
    let unknown = || Badge { state: SafeState::Unknown, words: "No safe times recorded".to_string() };
    let Some(windows) = windows.filter(|w| !w.is_empty()) else { return unknown() };
    // Every window's occurrences from the start of today, in minutes from then.
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for k in 0..LOOK_AHEAD {
        let Some(date) = now.date().checked_add_days(Days::new(u64::from(k))) else { continue };
        let day = Day::of(date.weekday());
        for w in windows.iter().filter(|w| w.days.contains(&day)) {
            if let Some((from, to)) = w.range() {
                spans.push((k * DAY + from, k * DAY + to));
            }
        }
    }
    if spans.is_empty() {
        return unknown();
    }
    spans.sort_unstable();
    let minute = now.hour() * 60 + now.minute();
    if spans.iter().any(|&(from, to)| from <= minute && minute < to) {
        // Safe until the end of this run of windows (touching or overlapping ones join).
        let mut end = minute;
        for &(from, to) in &spans {
            if from <= end && to > end {
                end = to;
            }
        }
        if end >= LOOK_AHEAD * DAY - DAY {
            return Badge { state: SafeState::Safe, words: "Safe now — at any time".to_string() };
        }
        let (_, until) = when(end, now);
        return Badge { state: SafeState::Safe, words: format!("Safe now until {until}") };
    }
    match spans.iter().map(|s| s.0).find(|&from| from > minute) {
        Some(next) => {
            // "at 10:00 today", "at midnight", "tomorrow 09:30", "Wed 09:30".
            let (days, at) = when(next, now);
            let at = match days {
                0 => format!("at {at} today"),
                _ if at == "midnight" => format!("at {at}"),
                _ => at,
            };
            Badge { state: SafeState::NotSafe, words: format!("Not safe now — next {at}") }
        }
        None => unknown(),
    }
}

/// A contact's badge, or none for a do-not-use contact (it is never safe to use).
pub fn contact_badge(c: &Contact, now: NaiveDateTime) -> Option<Badge> {
    (!c.do_not_use).then(|| badge(safe_times::windows_of(c), now))
}

word_enum!(
    /// Where a Today item goes.
    TodayGroup, "the Today group" {
        Overdue => "overdue",
        Today => "today",
        ThisWeek => "this_week",
        Later => "later",
    }
);

/// One item on the Today view.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct TodayRow {
    pub group: TodayGroup,
    /// The signed-in worker's own case (they added the client), or an item addressed to
    /// them (their share requests; a manager's approvals and alerts).
    pub mine: bool,
    pub item: QueueItem,
    /// For a safe-contact review: the contact's channel.
    pub channel: Option<Channel>,
    /// The badge of the contact the item is about (a safe-contact review), or of the
    /// client's first usable contact; none without a client or a usable contact.
    pub badge: Option<Badge>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct Today {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on: Date,
    /// The local time the badges were worked out at, `HH:MM`.
    pub at: String,
    pub rows: Vec<TodayRow>,
}

/// The group of an item due on `due` seen on `on`.
pub fn group_of(due: Date, on: Date) -> TodayGroup {
    let week = on.0.checked_add_days(Days::new(6)).unwrap_or(on.0);
    match due.0 {
        d if d < on.0 => TodayGroup::Overdue,
        d if d == on.0 => TodayGroup::Today,
        d if d <= week => TodayGroup::ThisWeek,
        _ => TodayGroup::Later,
    }
}

impl Session {
    /// The Today view at `now` (the laptop's local wall-clock time): the queue from today
    /// to six days ahead, grouped, marked, with badges.
    pub fn today(&self, now: NaiveDateTime) -> Result<Today> {
        let on = Date(now.date());
        let until = Date(on.0.checked_add_days(Days::new(6)).unwrap_or(on.0));
        let cfg = self.settings()?.queue;
        let queue = self.queue_until(on, until)?;
        let mine: BTreeSet<i64> = {
            let mut stmt = self.conn().prepare("SELECT id FROM clients WHERE created_by = ?1")?;
            let ids = stmt.query_map([self.user().id], |r| r.get::<_, i64>(0))?;
            ids.collect::<std::result::Result<_, _>>()?
        };
        let mut records: std::collections::BTreeMap<i64, ClientRecord> = Default::default();
        for id in queue.items.iter().filter_map(|i| i.client_id) {
            if let std::collections::btree_map::Entry::Vacant(e) = records.entry(id) {
                e.insert(self.load_client(ClientId(id))?);
            }
        }
        let mut rows = Vec::with_capacity(queue.items.len());
        for item in queue.items {
            let rec = item.client_id.and_then(|id| records.get(&id));
            // The contact a review is about: the first usable one due that day.
            let reviewed = match (item.kind, rec) {
                (QueueKind::SafeContactReview, Some(r)) => {
                    r.contacts.iter().find(|c| !c.do_not_use && contact_due(c, &cfg) == Some(item.due))
                }
                _ => None,
            };
            let shown = reviewed.or_else(|| rec.and_then(|r| r.contacts.iter().find(|c| !c.do_not_use)));
            let by_role = matches!(
                item.kind,
                QueueKind::Approval
                    | QueueKind::ShareRequest
                    | QueueKind::RequestApproved
                    | QueueKind::RequestRejected
                    | QueueKind::EnquiryAlert
            );
            rows.push(TodayRow {
                group: group_of(item.due, on),
                mine: item.client_id.is_some_and(|c| mine.contains(&c)) || by_role,
                channel: reviewed.map(|c| c.channel),
                badge: shown.and_then(|c| contact_badge(c, now)),
                item,
            });
        }
        Ok(Today { on, at: clock_text(now.hour() * 60 + now.minute()), rows })
    }

    /// Each contact's badge at `now` (local time), in the record's order, for the card;
    /// none for a do-not-use contact.
    pub fn safe_now(&self, id: ClientId, now: NaiveDateTime) -> Result<Vec<Option<Badge>>> {
        let rec = self.load_client(id)?;
        Ok(rec.contacts.iter().map(|c| contact_badge(c, now)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn w(days: &[Day], from: &str, to: &str) -> SafeWindow {
        SafeWindow { days: days.to_vec(), from: from.into(), to: to.into() }
    }
    const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    /// 2027-03-01 is a Monday.
    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 3, day).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn words(ws: &[SafeWindow], now: NaiveDateTime) -> String {
        badge(Some(ws), now).words
    }

    #[test]
    fn a_weekday_morning_window_across_the_week() {
        let ws = [w(&WEEKDAYS, "10:00", "12:00")];
        assert_eq!(words(&ws, at(1, 9, 59)), "Not safe now — next at 10:00 today");
        assert_eq!(badge(Some(&ws), at(1, 9, 59)).state, SafeState::NotSafe);
        assert_eq!(words(&ws, at(1, 10, 0)), "Safe now until 12:00");
        assert_eq!(badge(Some(&ws), at(1, 10, 0)).state, SafeState::Safe);
        assert_eq!(words(&ws, at(1, 11, 59)), "Safe now until 12:00");
        // At 14:20 on a Monday: the next is tomorrow (Tuesday) morning.
        assert_eq!(words(&ws, at(1, 14, 20)), "Not safe now — next tomorrow 10:00");
        // Friday afternoon and Saturday: Monday by name; on Sunday, tomorrow.
        assert_eq!(words(&ws, at(5, 12, 0)), "Not safe now — next Mon 10:00");
        assert_eq!(words(&ws, at(6, 10, 30)), "Not safe now — next Mon 10:00");
        assert_eq!(words(&ws, at(7, 23, 59)), "Not safe now — next tomorrow 10:00");
    }

    #[test]
    fn one_day_a_week_is_found_a_week_ahead() {
        let ws = [w(&[Day::Wed], "09:30", "10:00")];
        // Wednesday 2027-03-03 at 10:00: the window has just closed; next Wednesday.
        assert_eq!(words(&ws, at(3, 10, 0)), "Not safe now — next Wed 09:30");
        assert_eq!(words(&ws, at(3, 9, 45)), "Safe now until 10:00");
        assert_eq!(words(&ws, at(2, 20, 0)), "Not safe now — next tomorrow 09:30");
        assert_eq!(words(&ws, at(1, 20, 0)), "Not safe now — next Wed 09:30");
        let from_midnight = [w(&[Day::Tue], "00:00", "06:00")];
        assert_eq!(words(&from_midnight, at(1, 20, 0)), "Not safe now — next at midnight");
        assert_eq!(words(&from_midnight, at(7, 20, 0)), "Not safe now — next Tue 00:00");
    }

    #[test]
    fn windows_that_touch_join_and_run_over_midnight() {
        // "Fri 22:00-02:00" is stored as two windows.
        let ws = [w(&[Day::Fri], "22:00", "24:00"), w(&[Day::Sat], "00:00", "02:00")];
        assert_eq!(words(&ws, at(5, 23, 0)), "Safe now until tomorrow 02:00");
        assert_eq!(words(&ws, at(6, 1, 0)), "Safe now until 02:00");
        let to_sunday = [w(&[Day::Fri, Day::Sat], "00:00", "24:00"), w(&[Day::Sun], "00:00", "02:00")];
        assert_eq!(words(&to_sunday, at(5, 23, 0)), "Safe now until Sun 02:00");
        let evening = [w(&[Day::Mon], "18:00", "24:00")];
        assert_eq!(words(&evening, at(1, 20, 0)), "Safe now until midnight");
        let back_to_back = [w(&[Day::Mon], "10:00", "11:00"), w(&[Day::Mon], "11:00", "12:30")];
        assert_eq!(words(&back_to_back, at(1, 10, 15)), "Safe now until 12:30");
        let all_week = [w(&safe_times::ALL_DAYS, "00:00", "24:00")];
        assert_eq!(words(&all_week, at(3, 3, 0)), "Safe now — at any time");
    }

    #[test]
    fn no_windows_is_no_safe_times_recorded() {
        assert_eq!(badge(None, at(1, 10, 0)).words, "No safe times recorded");
        assert_eq!(badge(Some(&[]), at(1, 10, 0)).state, SafeState::Unknown);
        // A stored window that does not read as times counts for nothing.
        assert_eq!(badge(Some(&[w(&[Day::Mon], "ten", "12:00")]), at(1, 11, 0)).state, SafeState::Unknown);
    }

    #[test]
    fn do_not_use_contacts_have_no_badge() {
        let mut c: Contact = serde_json::from_value(serde_json::json!({
            "channel": "phone", "value": "07700 900123", "safe_windows": [{"days": ["mon"], "from": "10:00", "to": "12:00"}]
        }))
        .unwrap();
        assert_eq!(contact_badge(&c, at(1, 10, 0)).map(|b| b.state), Some(SafeState::Safe));
        c.do_not_use = true;
        assert_eq!(contact_badge(&c, at(1, 10, 0)), None);
    }

    #[test]
    fn groups_by_due_date() {
        let on = Date(NaiveDate::from_ymd_opt(2027, 3, 3).unwrap());
        let d = |day: u32| Date(NaiveDate::from_ymd_opt(2027, 3, day).unwrap());
        assert_eq!(group_of(d(2), on), TodayGroup::Overdue);
        assert_eq!(group_of(d(3), on), TodayGroup::Today);
        assert_eq!(group_of(d(4), on), TodayGroup::ThisWeek);
        assert_eq!(group_of(d(9), on), TodayGroup::ThisWeek);
        assert_eq!(group_of(d(10), on), TodayGroup::Later);
    }

    /// Instants around the 2027 UK clock changes (BST from 2027-03-28 01:00 UTC to
    /// 2027-10-31 01:00 UTC), for a contact safe on Sundays 02:30–04:00 and 09:00–10:00,
    /// with the badge the laptop's local time gives.
    const AROUND_CHANGES: [(&str, &str); 7] = [
        ("2027-03-28T00:59:00Z", "Not safe now — next at 02:30 today"),
        // 01:30 UTC is 02:30 BST: safe, although 01:30 is not in the window.
        ("2027-03-28T01:30:00Z", "Safe now until 04:00"),
        ("2027-03-28T03:00:00Z", "Not safe now — next at 09:00 today"),
        ("2027-03-28T08:30:00Z", "Safe now until 10:00"),
        // The clocks went back at 02:00 BST: 01:45 UTC is 01:45 GMT.
        ("2027-10-31T01:45:00Z", "Not safe now — next at 02:30 today"),
        ("2027-10-31T09:30:00Z", "Safe now until 10:00"),
        ("2027-10-31T10:30:00Z", "Not safe now — next Sun 02:30"),
    ];

    fn sundays() -> Vec<SafeWindow> {
        vec![w(&[Day::Sun], "02:30", "04:00"), w(&[Day::Sun], "09:00", "10:00")]
    }

    fn instant(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
    }

    /// The badge at the laptop's local time (`chrono::Local`, from `TZ`), in a child process
    /// of this test binary per way of naming UK time, as `record`'s local-date test does.
    #[test]
    fn the_badge_follows_the_laptops_clock_across_the_2027_changes() {
        crate::support::clock::in_uk_zones(
            "casework::today::tests::badges_in_this_process",
            "CASEKEEP_TODAY_CHILD",
            "badges checked: 7",
        );
        // The cases discriminate: read in UTC, the summer ones would be an hour out.
        let utc = safe_times::local_time(instant("2027-03-28T08:30:00Z"), &chrono::Utc);
        assert_eq!(badge(Some(&sundays()), utc).words, "Not safe now — next at 09:00 today");
    }

    /// The child of the test above (does nothing unless asked).
    #[test]
    #[allow(clippy::disallowed_methods)] // the parent test asks through the environment
    fn badges_in_this_process() {
        if std::env::var_os("CASEKEEP_TODAY_CHILD").is_none() {
            return;
        }
        for (at, expected) in AROUND_CHANGES {
            let local = safe_times::local_time(instant(at), &chrono::Local);
            assert_eq!(badge(Some(&sundays()), local).words, expected, "{at}");
        }
        // The parent looks for this line (a skipped child would print nothing).
        #[allow(clippy::print_stdout)]
        {
            println!("badges checked: {}", AROUND_CHANGES.len());
        }
    }
}
