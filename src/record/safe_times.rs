//! Safe times as structured windows, and the safe-contact gate (issue 14, item 7).
//!
//! A contact's `safe_times` is what the client said, in words ("Mon–Fri 10:00–12:00",
//! "weekdays 10-12", "after 6pm"). [`parse`] reads the common forms into
//! [`SafeWindow`]s (days of the week and a time range, local time), which are stored beside
//! the text (`safe_windows`) and can be edited as such; the text is always kept. Text that
//! cannot be read is kept as it is and the contact has *no known safe window*.
//!
//! [`cautions`] says why reaching a contact now may be unsafe: it is marked do-not-use, it is
//! outside its safe windows, it has no known safe window, its review date has passed, or it
//! was not confirmed within the vault's re-confirmation window. Copying the number then
//! needs an [`Acknowledgement`] with a reason (`Session::safe_contact_value`).

use std::fmt;

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::record::{Contact, Date};
use crate::support::caution::{Caution, REASON_MAX, REASON_MIN};
use crate::support::error::{Error, Result};
use crate::support::input::{text, Lines};

/// A day of the week, as stored (`"mon"` … `"sun"`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

pub const ALL_DAYS: [Day; 7] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun];

impl Day {
    fn index(self) -> usize {
        self as usize
    }

    fn from_index(i: usize) -> Day {
        ALL_DAYS.get(i % 7).copied().unwrap_or(Day::Mon)
    }

    fn next(self) -> Day {
        Day::from_index(self.index() + 1)
    }

    pub fn of(w: Weekday) -> Day {
        Day::from_index(w.num_days_from_monday() as usize)
    }
}

/// Some days of the week and a time range on each of them, in the laptop's local time.
/// `from` and `to` are written `HH:MM`; `to` is after `from` and may be `24:00` (midnight at
/// the end of the day). A range over midnight is two windows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeWindow {
    pub days: Vec<Day>,
    pub from: String,
    pub to: String,
}

impl fmt::Debug for SafeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SafeWindow{..}")
    }
}

/// Minutes after midnight of `HH:MM` (24-hour; `24:00` only where `end_of_day` is allowed).
fn minutes_of(s: &str, end_of_day: bool) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    match (h, m) {
        (24, 0) if end_of_day => Some(24 * 60),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// At most this many windows per contact.
pub const MAX_WINDOWS: usize = 21;

impl SafeWindow {
    fn new(days: Vec<Day>, from: u32, to: u32) -> SafeWindow {
        SafeWindow { days, from: hhmm(from), to: hhmm(to) }
    }

    pub(crate) fn range(&self) -> Option<(u32, u32)> {
        Some((minutes_of(&self.from, false)?, minutes_of(&self.to, true)?))
    }

    /// Whether `now` (local wall-clock time) falls in this window: from `from` up to, not
    /// including, `to`.
    pub fn contains(&self, now: NaiveDateTime) -> bool {
        let Some((from, to)) = self.range() else { return false };
        let minute = now.hour() * 60 + now.minute();
        self.days.contains(&Day::of(now.weekday())) && from <= minute && minute < to
    }
}

/// Checks and normalises stored or edited windows (days sorted, each once; times real,
/// `from` before `to`). `path` names the field in errors; values are never repeated.
pub fn validate(path: &str, windows: &mut [SafeWindow]) -> Result<()> {
    if windows.len() > MAX_WINDOWS {
        return Err(Error::invalid(format!("`{path}` has more than {MAX_WINDOWS} windows")));
    }
    for (i, w) in windows.iter_mut().enumerate() {
        let p = format!("{path}[{i}]");
        w.days.sort_unstable();
        w.days.dedup();
        if w.days.is_empty() {
            return Err(Error::invalid(format!("`{p}.days` needs at least one day (\"mon\" … \"sun\")")));
        }
        let from = minutes_of(w.from.trim(), false).ok_or_else(|| {
            Error::invalid(format!("`{p}.from` must be a time written HH:MM (00:00 to 23:59)"))
        })?;
        let to = minutes_of(w.to.trim(), true).ok_or_else(|| {
            Error::invalid(format!("`{p}.to` must be a time written HH:MM (00:01 to 24:00)"))
        })?;
        if to <= from {
            return Err(Error::invalid(format!(
                "`{p}.to` must be after `{p}.from` (a range over midnight is two windows: until 24:00, and from 00:00 the next day)"
            )));
        }
        w.from = hhmm(from);
        w.to = hhmm(to);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The parser

#[derive(Clone, Copy, PartialEq, Debug)]
enum Meridiem {
    Am,
    Pm,
}

#[derive(Clone, PartialEq, Debug)]
enum Tok {
    Days(Vec<Day>),
    /// A time of day: hour, minute, am/pm if said.
    At(u32, u32, Option<Meridiem>),
    Dash,
    After,
    Before,
    /// Any time of day.
    AllDay,
}

fn day_word(w: &str) -> Option<Vec<Day>> {
    let w = w.trim_end_matches('.');
    let one = |d: Day| Some(vec![d]);
    match w {
        "mon" | "monday" | "mondays" => one(Day::Mon),
        "tue" | "tues" | "tuesday" | "tuesdays" => one(Day::Tue),
        "wed" | "weds" | "wednesday" | "wednesdays" => one(Day::Wed),
        "thu" | "thur" | "thurs" | "thursday" | "thursdays" => one(Day::Thu),
        "fri" | "friday" | "fridays" => one(Day::Fri),
        "sat" | "saturday" | "saturdays" => one(Day::Sat),
        "sun" | "sunday" | "sundays" => one(Day::Sun),
        "weekday" | "weekdays" => Some(ALL_DAYS.iter().copied().take(5).collect()),
        "weekend" | "weekends" => Some(vec![Day::Sat, Day::Sun]),
        "daily" | "everyday" => Some(ALL_DAYS.to_vec()),
        _ => None,
    }
}

/// "10", "10:30", "10.30", "6pm", "10:30am", "noon", "midnight".
fn time_word(w: &str) -> Option<Tok> {
    match w {
        "noon" | "midday" => return Some(Tok::At(12, 0, None)),
        "midnight" => return Some(Tok::At(0, 0, Some(Meridiem::Am))),
        _ => {}
    }
    let (digits, meridiem) = if let Some(d) = w.strip_suffix("am").or_else(|| w.strip_suffix("a.m.")) {
        (d, Some(Meridiem::Am))
    } else if let Some(d) = w.strip_suffix("pm").or_else(|| w.strip_suffix("p.m.")) {
        (d, Some(Meridiem::Pm))
    } else {
        (w, None)
    };
    let (h, m) = match digits.split_once([':', '.']) {
        Some((h, m)) => (h, Some(m)),
        None => (digits, None),
    };
    let num = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let hour = num(h, 2)?;
    let minute = match m {
        Some(m) if m.len() == 2 => num(m, 2)?,
        Some(_) => return None,
        None => 0,
    };
    let ok = minute < 60
        && match meridiem {
            Some(_) => (1..=12).contains(&hour),
            None => hour <= 24 && (hour < 24 || minute == 0),
        };
    ok.then_some(Tok::At(hour, minute, meridiem))
}

fn tokens(text: &str) -> Option<Vec<Tok>> {
    let mut s = text.to_lowercase();
    for (from, to) in
        [("any time", "anytime"), ("all day", "anytime"), ("every day", "daily"), ("7 days", "daily")]
    {
        s = s.replace(from, to);
    }
    // Any dash (hyphen, en, em, minus, figure dash) is a range; commas, semicolons, "/" and
    // "&" only separate.
    let mut spaced = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '-' | '–' | '—' | '‐' | '‑' | '‒' | '−' | '~' => spaced.push_str(" - "),
            ',' | ';' | '/' | '&' | '(' | ')' => spaced.push(' '),
            c => spaced.push(c),
        }
    }
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&w) = words.get(i) {
        i += 1;
        // "10 am": the suffix written apart.
        let joined;
        let w = match words.get(i) {
            Some(&next) if matches!(next, "am" | "pm" | "a.m." | "p.m.") && time_word(w).is_some() => {
                i += 1;
                joined = format!("{w}{next}");
                joined.as_str()
            }
            _ => w,
        };
        let tok = match w {
            "-" | "to" | "till" | "til" | "until" => Tok::Dash,
            "after" => Tok::After,
            "before" => Tok::Before,
            "anytime" => Tok::AllDay,
            // Words that carry no meaning here.
            "only" | "on" | "between" | "from" | "and" | "or" | "at" | "every" | "each" | "safe" | "hrs" => {
                continue
            }
            _ => match day_word(w) {
                Some(days) => Tok::Days(days),
                None => time_word(w)?,
            },
        };
        out.push(tok);
    }
    Some(out)
}

/// 24-hour minutes of a time said with or without am/pm.
fn clock(h: u32, m: u32, meridiem: Option<Meridiem>) -> u32 {
    let h = match meridiem {
        Some(Meridiem::Am) => h % 12,
        Some(Meridiem::Pm) => h % 12 + 12,
        None => h,
    };
    h * 60 + m
}

/// A range "A-B": an unmarked start takes the end's am/pm where that makes a forward range
/// ("6-8pm" is 18:00–20:00); an unmarked end before the start is afternoon when the start
/// reads as a 12-hour time ("10-2" is 10:00–14:00). Returns minutes; `to` may be before
/// `from` for a range over midnight ("22:00-02:00").
fn range(a: (u32, u32, Option<Meridiem>), b: (u32, u32, Option<Meridiem>)) -> (u32, u32) {
    let to = if b.2.is_none() && b.0 == 24 { 24 * 60 } else { clock(b.0, b.1, b.2) };
    let from = match (a.2, b.2) {
        (None, Some(Meridiem::Pm)) if clock(a.0, a.1, Some(Meridiem::Pm)) < to && a.0 <= 12 => {
            clock(a.0, a.1, Some(Meridiem::Pm))
        }
        _ => clock(a.0, a.1, a.2),
    };
    let to = match (a.2, b.2) {
        (None, None) if to <= from && a.0 <= 12 && b.0 < 12 && from < to + 12 * 60 => to + 12 * 60,
        _ => to,
    };
    (from, to)
}

#[derive(Default)]
struct Group {
    days: Vec<Day>,
    times: Vec<(u32, u32)>,
    times_first: bool,
}

impl Group {
    fn flush(&mut self, out: &mut Vec<SafeWindow>) {
        let g = std::mem::take(self);
        if g.days.is_empty() && g.times.is_empty() {
            return;
        }
        let mut days = if g.days.is_empty() { ALL_DAYS.to_vec() } else { g.days };
        days.sort_unstable();
        days.dedup();
        let times = if g.times.is_empty() { vec![(0, 24 * 60)] } else { g.times };
        for (from, to) in times {
            if from < to {
                out.push(SafeWindow::new(days.clone(), from, to));
            } else {
                // Over midnight: the evening on these days, the small hours on the next.
                if from < 24 * 60 {
                    out.push(SafeWindow::new(days.clone(), from, 24 * 60));
                }
                if to > 0 {
                    let mut next: Vec<Day> = days.iter().map(|d| d.next()).collect();
                    next.sort_unstable();
                    out.push(SafeWindow::new(next, 0, to));
                }
            }
        }
    }

    fn add_days(&mut self, days: Vec<Day>, out: &mut Vec<SafeWindow>) {
        // Days after times that already have their days start a new group; days after
        // times that came first ("10-12 weekdays") are those times' days.
        let waiting_for_days = self.times_first && self.days.is_empty();
        if !self.times.is_empty() && !waiting_for_days {
            self.flush(out);
        }
        self.days.extend(days);
    }

    fn add_time(&mut self, t: (u32, u32), out: &mut Vec<SafeWindow>) {
        if self.times_first && !self.days.is_empty() {
            self.flush(out);
        }
        if self.days.is_empty() && self.times.is_empty() {
            self.times_first = true;
        }
        self.times.push(t);
    }
}

/// Reads the common ways safe times are written into windows, or `None` when the text is
/// not understood (it is then kept as it is, and the contact has no known safe window).
/// Days: "Mon", "Monday(s)", "Mon–Fri" (any dash, or "to"), "weekdays", "weekends",
/// "daily"/"every day". Times: "10:00–12:00", "10-12", "10am-12pm", "6-8pm", "10.30–12",
/// "after 6pm" (to midnight), "before 9am" (from midnight), "any time". Days without a time
/// are the whole day; a time without days is every day. Anything else (a "not", "except",
/// "mornings", a typo) makes the whole text not understood: guessing would be worse.
pub fn parse(text: &str) -> Option<Vec<SafeWindow>> {
    let toks = tokens(text)?;
    let mut out = Vec::new();
    let mut g = Group::default();
    let mut i = 0;
    let at = |i: usize| match toks.get(i) {
        Some(Tok::At(h, m, mer)) => Some((*h, *m, *mer)),
        _ => None,
    };
    while let Some(t) = toks.get(i) {
        match t {
            Tok::Days(a) => {
                if let (Some(Tok::Dash), Some(Tok::Days(b))) = (toks.get(i + 1), toks.get(i + 2)) {
                    let (&[first], &[last]) = (a.as_slice(), b.as_slice()) else { return None };
                    let mut days = vec![first];
                    let mut d = first;
                    while d != last {
                        d = d.next();
                        days.push(d);
                    }
                    g.add_days(days, &mut out);
                    i += 3;
                } else {
                    g.add_days(a.clone(), &mut out);
                    i += 1;
                }
            }
            Tok::At(..) => {
                let a = at(i).filter(|a| a.0 < 24)?;
                if toks.get(i + 1) != Some(&Tok::Dash) {
                    return None;
                }
                let b = at(i + 2)?;
                g.add_time(range(a, b), &mut out);
                i += 3;
            }
            Tok::After => {
                let (h, m, mer) = at(i + 1)?;
                let from = clock(h, m, mer.or((1..12).contains(&h).then_some(Meridiem::Pm)));
                if from >= 24 * 60 {
                    return None;
                }
                g.add_time((from, 24 * 60), &mut out);
                i += 2;
            }
            Tok::Before => {
                let (h, m, mer) = at(i + 1)?;
                let to = clock(h, m, mer);
                if to == 0 {
                    return None;
                }
                g.add_time((0, to), &mut out);
                i += 2;
            }
            Tok::AllDay => {
                g.add_time((0, 24 * 60), &mut out);
                i += 1;
            }
            Tok::Dash => return None,
        }
    }
    g.flush(&mut out);
    if out.is_empty() || out.len() > MAX_WINDOWS {
        return None;
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// The gate

/// The local wall-clock time at `instant` in time zone `tz` (the gate's "now").
pub fn local_time<Tz: TimeZone>(instant: DateTime<Utc>, tz: &Tz) -> NaiveDateTime {
    instant.with_timezone(tz).naive_local()
}

/// The laptop's local wall-clock time now (its time zone: British Summer Time in summer).
pub fn now_local() -> NaiveDateTime {
    local_time(crate::support::clock::now(), &Local)
}

/// A contact's safe windows, when it has any.
pub fn windows_of(c: &Contact) -> Option<&[SafeWindow]> {
    c.safe_windows.as_deref().filter(|w| !w.is_empty())
}

/// The cautions for reaching contact `c` at `now` (the laptop's local wall-clock time),
/// with the vault's re-confirmation window in days. Empty: safe to copy without asking.
pub fn cautions(c: &Contact, now: NaiveDateTime, reconfirm_after_days: u32) -> Vec<Caution> {
    let today = Date(now.date());
    let mut out = Vec::new();
    if c.do_not_use {
        out.push(Caution::DoNotUse);
    }
    match windows_of(c) {
        None => out.push(Caution::NoKnownSafeTime),
        Some(ws) if !ws.iter().any(|w| w.contains(now)) => out.push(Caution::OutsideSafeTimes),
        Some(_) => {}
    }
    if c.review_due.is_some_and(|d| d < today) {
        out.push(Caution::ReviewOverdue);
    }
    let stale = match c.last_confirmed {
        None => true,
        Some(d) => days_between(d.0, today.0) >= i64::from(reconfirm_after_days),
    };
    if stale {
        out.push(Caution::Unconfirmed);
    }
    out
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    b.signed_duration_since(a).num_days()
}

/// A worker's explicit acknowledgement of the cautions, with why the contact is needed now.
/// The reason is staff free text: it goes into the audit entry as `reason`, which the log
/// seals under the client's key.
#[derive(Clone)]
pub struct Acknowledgement {
    reason: String,
}

impl fmt::Debug for Acknowledgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Acknowledgement{..}")
    }
}

impl Acknowledgement {
    /// Checks the reason: at least [`REASON_MIN`] characters once trimmed, at most
    /// [`REASON_MAX`], one line without control characters.
    pub fn new(reason: &str) -> Result<Acknowledgement> {
        let t = reason.trim();
        let n = t.chars().count();
        if n < REASON_MIN {
            return Err(Error::invalid(format!(
                "the acknowledgement's reason is too short ({n} characters; say why, in at least {REASON_MIN})"
            )));
        }
        let reason = text("reason", Some(t), REASON_MAX, Lines::One)?.unwrap_or_default();
        Ok(Acknowledgement { reason })
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// The refusal when cautions apply and nothing acknowledged them: names every situation.
pub fn refusal(cautions: &[Caution]) -> Error {
    Error::AcknowledgementRequired(cautions.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(days: &[Day], from: &str, to: &str) -> SafeWindow {
        SafeWindow { days: days.to_vec(), from: from.into(), to: to.into() }
    }
    const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    #[test]
    fn the_common_forms_parse() {
        let ten_twelve = Some(vec![w(&WEEKDAYS, "10:00", "12:00")]);
        for text in [
            "Mon–Fri 10:00–12:00",
            "Mon-Fri 10:00-12:00",
            "mon — fri 10–12",
            "Monday to Friday 10am-12pm",
            "weekdays 10-12",
            "Weekdays, 10 am – 12 pm only",
            "10-12 weekdays",
            "from 10 to 12 on weekdays",
        ] {
            assert_eq!(parse(text), ten_twelve, "{text}");
        }
        // "between 10 and 12": "and" makes no range, so it is not understood.
        assert_eq!(parse("weekdays between 10 and 12"), None);
        assert_eq!(parse("after 6pm"), Some(vec![w(&ALL_DAYS, "18:00", "24:00")]));
        assert_eq!(parse("after 18:00"), Some(vec![w(&ALL_DAYS, "18:00", "24:00")]));
        assert_eq!(parse("after 6"), Some(vec![w(&ALL_DAYS, "18:00", "24:00")]));
        assert_eq!(parse("before 9am"), Some(vec![w(&ALL_DAYS, "00:00", "09:00")]));
        assert_eq!(parse("Sat 6-8pm"), Some(vec![w(&[Day::Sat], "18:00", "20:00")]));
        assert_eq!(parse("Tue 10.30-2"), Some(vec![w(&[Day::Tue], "10:30", "14:00")]));
        assert_eq!(parse("weekends"), Some(vec![w(&[Day::Sat, Day::Sun], "00:00", "24:00")]));
        assert_eq!(parse("any time"), Some(vec![w(&ALL_DAYS, "00:00", "24:00")]));
        assert_eq!(
            parse("Mon-Fri 10-12 and 14:00-15:30, Sat 9-11"),
            Some(vec![
                w(&WEEKDAYS, "10:00", "12:00"),
                w(&WEEKDAYS, "14:00", "15:30"),
                w(&[Day::Sat], "09:00", "11:00")
            ])
        );
        assert_eq!(
            parse("10-12 weekdays; 14-16 weekends"),
            Some(vec![w(&WEEKDAYS, "10:00", "12:00"), w(&[Day::Sat, Day::Sun], "14:00", "16:00")])
        );
        assert_eq!(
            parse("Fri-Mon 9-5"),
            Some(vec![w(&[Day::Mon, Day::Fri, Day::Sat, Day::Sun], "09:00", "17:00")])
        );
        // Over midnight: two windows.
        assert_eq!(
            parse("Fri 22:00-02:00"),
            Some(vec![w(&[Day::Fri], "22:00", "24:00"), w(&[Day::Sat], "00:00", "02:00")])
        );
    }

    #[test]
    fn what_is_not_understood_is_none_never_a_guess() {
        for text in [
            "",
            "not after 6pm",
            "mornings",
            "any time except Tuesdays",
            "ask her sister first",
            "10-",
            "25:00-26:00",
            "13pm-2pm",
            "Mon-",
            "10:7-12",
            "weekdays 10-12 unless he is home",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn windows_contain_from_up_to_not_including_to() {
        let win = w(&[Day::Mon], "10:00", "12:00");
        // 2027-03-01 is a Monday.
        let at = |d: u32, h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2027, 3, d).unwrap().and_hms_opt(h, m, 0).unwrap()
        };
        assert!(!win.contains(at(1, 9, 59)));
        assert!(win.contains(at(1, 10, 0)));
        assert!(win.contains(at(1, 11, 59)));
        assert!(!win.contains(at(1, 12, 0)));
        assert!(!win.contains(at(2, 10, 30)), "Tuesday");
        let late = w(&[Day::Mon], "18:00", "24:00");
        assert!(late.contains(at(1, 23, 59)));
        assert!(!late.contains(at(2, 0, 0)));
    }

    #[test]
    fn bad_windows_are_refused_with_the_field_named() {
        let msg =
            |mut v: Vec<SafeWindow>| validate("contacts[0].safe_windows", &mut v).unwrap_err().to_string();
        assert!(msg(vec![w(&[], "10:00", "12:00")]).contains("contacts[0].safe_windows[0].days"));
        assert!(msg(vec![w(&[Day::Mon], "10", "12:00")]).contains("[0].from"));
        assert!(msg(vec![w(&[Day::Mon], "10:00", "24:01")]).contains("[0].to"));
        assert!(msg(vec![w(&[Day::Mon], "24:00", "24:00")]).contains("[0].from"));
        assert!(msg(vec![w(&[Day::Mon], "12:00", "10:00")]).contains("after"));
        assert!(msg(vec![w(&[Day::Mon], "10:00", "12:00"); 22]).contains("more than"));
        let mut ok = vec![w(&[Day::Fri, Day::Mon, Day::Mon], " 09:00", "24:00")];
        validate("x", &mut ok).unwrap();
        assert_eq!(ok, vec![w(&[Day::Mon, Day::Fri], "09:00", "24:00")]);
    }

    #[test]
    fn acknowledgement_reasons_are_checked() {
        assert!(Acknowledgement::new("  ten chars! ").is_ok(), "10 characters once trimmed");
        assert!(Acknowledgement::new("  too short ").is_err(), "9 characters once trimmed");
        assert!(Acknowledgement::new("short").unwrap_err().to_string().contains("too short"));
        assert!(Acknowledgement::new(&"x".repeat(501)).unwrap_err().to_string().contains("too long"));
        assert!(Acknowledgement::new("line one\nline two").unwrap_err().to_string().contains("control"));
        assert_eq!(
            Acknowledgement::new("  she asked us to ring  ").unwrap().reason(),
            "she asked us to ring"
        );
    }
}
