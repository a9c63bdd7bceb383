//! The safe-contact card's own acts (issue 17, item 5): re-confirming a safe contact in one
//! step, logging a contact attempt, lifting a do-not-use mark with a reason, and the check
//! for a possible duplicate client before a new one is added.
//!
//! Each act is one transaction: the record's change (if any) and one signed entry that
//! says what was done — the contact's number in the record, an outcome code, a note sealed
//! under the client's key (`log/shred.rs`); never a contact's value. The card's history is
//! read back from the log with each entry's signature checked
//! ([`log::signed_client_events`]), so a row an insider wrote into the table without its
//! author's key shows nowhere (and `log verify` names it).

use std::collections::BTreeSet;

use chrono::Days;
use serde::Serialize;

use crate::casework::clients::{self, Names};
use crate::log::event::{self, SafeContactConfirmed};
use crate::log::vocab::AttemptOutcome;
use crate::log::{self, Event};
use crate::record::ClientId;
use crate::record::{Channel, ClientRecord, Contact, Date};
use crate::support::error::{Error, Result};
use crate::support::input::{text, Lines};
use crate::vault::record_anchor;
use crate::vault::Session;

/// The longest note an attempt may carry (characters).
pub const NOTE_MAX: usize = 500;

/// The signed entries the card's history shows.
pub const CONFIRMED: &str = "safe_contact_confirmed";
pub const ATTEMPT: &str = "contact_attempt";
pub const LIFTED: &str = "do_not_use_lifted";

/// What a re-confirmation did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct Confirmation {
    pub contact: usize,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_confirmed: Date,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub review_due: Date,
    /// The vault's re-confirmation interval (settings `queue.reconfirm_after_days`).
    pub review_after_days: u32,
}

/// One line of a client's contact history, from a signed entry.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct ContactEvent {
    pub seq: i64,
    pub at: String,
    pub by: Option<String>,
    /// `safe_contact_confirmed`, `contact_attempt` or `do_not_use_lifted`.
    pub event: String,
    /// The contact's number in the record when the entry was written (from 1).
    pub contact: Option<u64>,
    pub outcome: Option<AttemptOutcome>,
    /// The attempt's note (only when names are shown).
    pub note: Option<String>,
    /// A "number not working" attempt set the contact's review date to that day.
    pub flagged_for_review: bool,
}

/// A client who may be the person being added.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct PossibleDuplicate {
    pub id: i64,
    pub case_reference: String,
    /// `date_of_birth_and_name` and/or `phone`.
    pub because: Vec<String>,
}

fn plus(d: Date, days: u32) -> Result<Date> {
    d.0.checked_add_days(Days::new(u64::from(days)))
        .map(Date)
        .ok_or_else(|| Error::invalid("the review date would be outside the calendar"))
}

/// The contact numbered `n` (from 1).
fn contact_mut(rec: &mut ClientRecord, n: usize) -> Result<&mut Contact> {
    n.checked_sub(1).and_then(|i| rec.contacts.get_mut(i)).ok_or(Error::NotFound("contact"))
}

fn refuse_do_not_use(n: usize, what: &str) -> Error {
    Error::invalid(format!("contact {n} is marked do not use: {what}"))
}

/// Checks an attempt's note: trimmed, at most [`NOTE_MAX`] characters, one line. The
/// error names the field, never the text.
pub fn check_note(note: Option<&str>) -> Result<Option<String>> {
    text("note", note, NOTE_MAX, Lines::One)
}

/// A name as compared: lower case, letters and digits only, one space between words.
fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = usize::from(ca != *cb);
            let v = (prev + cost).min(above.saturating_add(1)).min(left.saturating_add(1));
            prev = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = v;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Whether two names may be one person's: the same words in any order, the same first and
/// last words (a middle name added or left out), or at most two letters apart (a typo).
pub fn similar_names(a: &str, b: &str) -> bool {
    let (wa, wb) = (name_words(a), name_words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (mut sa, mut sb) = (wa.clone(), wb.clone());
    sa.sort();
    sb.sort();
    if sa == sb || (wa.first() == wb.first() && wa.last() == wb.last()) {
        return true;
    }
    edit_distance(&wa.join(" "), &wb.join(" ")) <= 2
}

/// The usable phone numbers of a record (E.164).
fn phones(rec: &ClientRecord) -> BTreeSet<&str> {
    rec.contacts
        .iter()
        .filter(|c| !c.do_not_use && matches!(c.channel, Channel::Phone | Channel::Sms))
        .filter_map(|c| c.value.as_deref())
        .collect()
}

/// Why `stored` may be the person `new` describes (empty: no reason to think so).
pub fn duplicate_reasons(new: &ClientRecord, stored: &ClientRecord) -> Vec<String> {
    let mut why = Vec::new();
    if new.date_of_birth.is_some()
        && new.date_of_birth == stored.date_of_birth
        && (similar_names(&new.full_name, &stored.full_name)
            || stored.preferred_name.as_deref().is_some_and(|p| similar_names(&new.full_name, p)))
    {
        why.push("date_of_birth_and_name".to_string());
    }
    if !phones(new).is_disjoint(&phones(stored)) {
        why.push("phone".to_string());
    }
    why
}

impl Session {
    /// "Confirmed with them today": contact `contact` (from 1) was confirmed today; its
    /// review date moves on by the vault's interval (`queue.reconfirm_after_days`), so its
    /// work-queue item goes. One signed `safe_contact_confirmed` entry (the contact's
    /// number and the interval). Refused for a contact marked do-not-use.
    pub fn confirm_safe_contact(&mut self, id: ClientId, contact: usize) -> Result<Confirmation> {
        let settings = self.settings()?;
        let days = settings.queue.reconfirm_after_days;
        let today = Date::today();
        let review_due = plus(today, days)?;
        self.write(|tx, s| {
            let mut rec = clients::load_in(tx, s, id)?;
            let c = contact_mut(&mut rec, contact)?;
            if c.do_not_use {
                return Err(refuse_do_not_use(contact, "it cannot be confirmed as a safe contact"));
            }
            c.last_confirmed = Some(today);
            c.review_due = Some(review_due);
            let stored = clients::save_record(tx, id, &rec, &settings.risk)?;
            let record_digest = record_anchor::anchor(s.vault_id, id.0, Some(&stored));
            let confirmed = SafeContactConfirmed { contact, review_after_days: days, record_digest };
            s.append(tx, Some(id.0), &Event::SafeContactConfirmed(confirmed))?;
            Ok(Confirmation { contact, last_confirmed: today, review_due, review_after_days: days })
        })
    }

    /// Logs an attempt to reach the client on contact `contact` (from 1): its outcome and
    /// an optional short note (sealed in the entry). "Number not working" also brings the
    /// contact's review date forward to today, so it is on the work queue now. Returns the
    /// entry's sequence number. Refused for a contact marked do-not-use.
    pub fn log_contact_attempt(
        &mut self,
        id: ClientId,
        contact: usize,
        outcome: AttemptOutcome,
        note: Option<&str>,
    ) -> Result<i64> {
        let note = check_note(note)?;
        let risk = self.settings()?.risk;
        let today = Date::today();
        self.write(|tx, s| {
            let mut rec = clients::load_in(tx, s, id)?;
            let c = contact_mut(&mut rec, contact)?;
            if c.do_not_use {
                return Err(refuse_do_not_use(contact, "no attempt should be made on it"));
            }
            let flag = outcome == AttemptOutcome::NumberNotWorking && c.review_due.is_none_or(|r| r > today);
            let stored = if flag {
                c.review_due = Some(today);
                Some(clients::save_record(tx, id, &rec, &risk)?)
            } else {
                None
            };
            let record_digest =
                stored.and_then(|stored| record_anchor::anchor(s.vault_id, id.0, Some(&stored)));
            let attempt =
                event::ContactAttempt { contact, outcome, note, flagged_for_review: flag, record_digest };
            s.append(tx, Some(id.0), &Event::ContactAttempt(attempt))
        })
    }

    /// The client's contact history, oldest first: confirmations, attempts and lifted
    /// do-not-use marks, each from a signed entry whose signature holds. Attempt notes only
    /// with [`Names::Shown`] (as the card keeps other notes of usable contacts back).
    /// Showing the notes is recorded as a `contact_history_shown` read.
    pub fn contact_history(&mut self, id: ClientId, names: Names) -> Result<Vec<ContactEvent>> {
        self.load_client(id)?;
        let entries =
            log::signed_client_events(self.conn(), self.identities(), id.0, &[CONFIRMED, ATTEMPT, LIFTED])?;
        if names == Names::Shown {
            let shown = event::ContactHistoryShown { entries: entries.len() };
            self.audit(Some(id.0), Event::ContactHistoryShown(shown))?;
        }
        Ok(entries
            .into_iter()
            .map(|e| {
                let (contact, outcome, note, flagged_for_review) = match Event::parse(&e.event, &e.body) {
                    Ok(Event::SafeContactConfirmed(c)) => (Some(c.contact), None, None, false),
                    Ok(Event::ContactAttempt(a)) => {
                        (Some(a.contact), Some(a.outcome), a.note, a.flagged_for_review)
                    }
                    Ok(Event::DoNotUseLifted(l)) => (Some(l.contact), None, None, false),
                    _ => (None, None, None, false),
                };
                ContactEvent {
                    seq: e.seq,
                    at: e.at,
                    by: e.actor,
                    contact: contact.and_then(|c| u64::try_from(c).ok()),
                    outcome,
                    note: note.filter(|_| names == Names::Shown),
                    flagged_for_review,
                    event: e.event,
                }
            })
            .collect())
    }

    /// The clients who may be the person `json` (a new client, as for `add_client`)
    /// describes: the same date of birth and a similar name, or a usable phone number in
    /// common (numbers compared in E.164, however written). Writes nothing but an audit
    /// entry counting the matches (never a name). Closed cases are included.
    pub fn possible_duplicates(&mut self, json: &[u8]) -> Result<Vec<PossibleDuplicate>> {
        let patch = clients::parse_patch(json)?;
        let mut new = ClientRecord::default();
        let author = self.user().name.clone();
        patch.apply(&mut new, &author, Date::today())?;
        let mut out = Vec::new();
        {
            let mut stmt =
                self.conn().prepare("SELECT id, case_reference, record FROM clients ORDER BY id")?;
            let mut rows = stmt.query([])?;
            let anchors = self.record_anchors_now()?;
            while let Some(r) = rows.next()? {
                let record: String = r.get(2)?;
                anchors.require(r.get(0)?, &record)?;
                let stored = clients::decode(&record)?;
                let because = duplicate_reasons(&new, &stored);
                if !because.is_empty() {
                    out.push(PossibleDuplicate { id: r.get(0)?, case_reference: r.get(1)?, because });
                }
            }
        }
        self.audit(None, Event::DuplicateCheck(event::DuplicateCheck { matches: out.len() }))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_may_be_one_persons() {
        assert!(similar_names("Ada Example", "ada  example"));
        assert!(similar_names("Ada Example", "Example, Ada"));
        assert!(similar_names("Ada Mary Example", "Ada Example"));
        assert!(similar_names("Ada Example", "Ada Exampel"));
        assert!(similar_names("Zoë Example", "Zoe Example"));
        assert!(!similar_names("Ada Example", "Bea Sample"));
        assert!(!similar_names("Ada Example", ""));
        assert!(!similar_names("Ada Example", "Ada Otherperson"));
    }

    #[test]
    fn edit_distance_counts_letters() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn outcomes_read_with_hyphens_or_underscores_and_nothing_else() {
        assert_eq!(AttemptOutcome::parse("no-answer").unwrap(), AttemptOutcome::NoAnswer);
        assert_eq!(AttemptOutcome::parse("not_safe_to_talk").unwrap(), AttemptOutcome::NotSafeToTalk);
        let e = AttemptOutcome::parse("voicemail").unwrap_err().to_string();
        assert!(e.contains("spoke") && e.contains("number_not_working"), "{e}");
        assert!(AttemptOutcome::parse("").is_err());
    }

    #[test]
    fn a_note_is_short_and_one_line() {
        assert_eq!(check_note(Some("  ")).unwrap(), None);
        assert_eq!(check_note(Some(" rang twice ")).unwrap().as_deref(), Some("rang twice"));
        let long = "x".repeat(NOTE_MAX + 1);
        let e = check_note(Some(&long)).unwrap_err().to_string();
        assert!(e.contains("too long") && !e.contains("xxx"), "{e}");
        assert!(check_note(Some("a\nb")).is_err());
    }
}
