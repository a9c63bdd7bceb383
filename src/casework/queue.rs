//! The caseworker's work queue for a given day: safe-contact arrangements to re-confirm,
//! consents at their review date, MARAC meetings coming up, MARAC actions due, (for
//! managers) emergency shares awaiting approval, other workers' share requests to approve
//! or reject and the enquiry tripwire's alerts, and (for the worker who asked) their
//! approved requests to finish and their rejected ones. Items name the client by case
//! reference and initials only, and say what is due — never a contact value or a note.

use std::collections::BTreeMap;

use chrono::Days;
use serde::Serialize;

use crate::casework::consent::ConsentEntry;
use crate::log::identity::Role;
use crate::log::vocab::ConsentState;
use crate::log::vocab::RequestState;
use crate::log::{self, Kind};
use crate::record::settings::QueueConfig;
use crate::record::{ClientRecord, Date};
use crate::support::error::Result;
use crate::vault::Session;

word_enum!(
    /// What kind of work a queue item is.
    QueueKind, "the queue item kind" {
        SafeContactReview => "safe_contact_review",
        ConsentReview => "consent_review",
        MaracMeeting => "marac_meeting",
        MaracAction => "marac_action",
        Approval => "approval",
        ShareRequest => "share_request",
        RequestApproved => "request_approved",
        RequestRejected => "request_rejected",
        EnquiryAlert => "enquiry_alert",
    }
);

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueueItem {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: Date,
    pub overdue: bool,
    pub kind: QueueKind,
    pub client_id: Option<i64>,
    pub case_reference: Option<String>,
    pub initials: Option<String>,
    /// What to do, in words that carry no record value.
    pub what: String,
    /// The share request the item is about (kinds `share_request`, `request_approved`,
    /// `request_rejected`).
    pub request: Option<i64>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct Queue {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub on: Date,
    pub items: Vec<QueueItem>,
}

fn plus(d: Date, days: u32) -> Date {
    d.0.checked_add_days(Days::new(u64::from(days))).map(Date).unwrap_or(d)
}

/// When a usable contact is due for re-confirmation: its review date, or the end of the
/// vault's re-confirmation window after it was last confirmed, whichever is sooner.
pub fn contact_due(c: &crate::record::Contact, cfg: &QueueConfig) -> Option<Date> {
    let stale = c.last_confirmed.map(|l| plus(l, cfg.reconfirm_after_days));
    [c.review_due, stale].into_iter().flatten().min()
}

/// The items one client's record puts on the queue `on` a day.
pub fn record_items(id: i64, rec: &ClientRecord, cfg: &QueueConfig, on: Date) -> Vec<QueueItem> {
    record_items_until(id, rec, cfg, on, on)
}

/// As [`record_items`], looking ahead to `until` (the Today view's week): reviews due by
/// then, meetings and actions within the vault's windows of it. Overdue is still before `on`.
pub fn record_items_until(
    id: i64,
    rec: &ClientRecord,
    cfg: &QueueConfig,
    on: Date,
    until: Date,
) -> Vec<QueueItem> {
    let mut out = Vec::new();
    let item = |due: Date, kind: QueueKind, what: String| QueueItem {
        due,
        overdue: due < on,
        kind,
        client_id: Some(id),
        case_reference: Some(rec.case_reference.clone()),
        initials: Some(rec.initials()),
        what,
        request: None,
    };
    for (n, c) in rec.contacts.iter().enumerate() {
        if c.do_not_use {
            continue;
        }
        let stale = c.last_confirmed.map(|l| plus(l, cfg.reconfirm_after_days));
        if let Some(due) = contact_due(c, cfg).filter(|d| *d <= until) {
            let why = match (c.review_due, stale) {
                (Some(r), _) if r == due => format!("review date {r}"),
                _ => format!("last confirmed more than {} days ago", cfg.reconfirm_after_days),
            };
            out.push(item(
                due,
                QueueKind::SafeContactReview,
                format!("Re-confirm safe contact {} ({}): {why}", n + 1, c.channel.word()),
            ));
        }
    }
    for (n, m) in rec.marac.iter().enumerate() {
        if let Some(meeting) =
            m.meeting_date.filter(|d| *d >= on && *d <= plus(until, cfg.meeting_within_days))
        {
            out.push(item(meeting, QueueKind::MaracMeeting, format!("MARAC meeting for referral {}", n + 1)));
        }
        for (k, a) in m.actions.iter().enumerate() {
            if !a.done && a.due <= plus(until, cfg.action_within_days) {
                out.push(item(
                    a.due,
                    QueueKind::MaracAction,
                    format!("MARAC action {} of referral {} ({}, owner {})", k + 1, n + 1, a.agency, a.owner),
                ));
            }
        }
    }
    out
}

impl Session {
    /// A client's case reference and initials, closed cases included.
    fn reference_of(&self, client: i64) -> Result<Option<(String, String)>> {
        use rusqlite::OptionalExtension;
        let row: Option<(String, String)> = self
            .conn()
            .query_row("SELECT case_reference, full_name FROM clients WHERE id = ?1", [client], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(reference, name)| (reference, crate::record::initials_of(&name))))
    }

    /// The work queue on `on`, soonest first.
    pub fn queue(&self, on: Date) -> Result<Queue> {
        self.queue_until(on, on)
    }

    /// The work queue on `on` with what falls due up to `until` as well (the Today view's
    /// "this week"), soonest first.
    pub fn queue_until(&self, on: Date, until: Date) -> Result<Queue> {
        let cfg = self.settings()?.queue;
        let mut items = Vec::new();
        let mut people: BTreeMap<i64, (String, String)> = BTreeMap::new();
        {
            // Closed cases have nothing due.
            let mut stmt = self.conn().prepare(
                "SELECT id, record FROM clients
                  WHERE id NOT IN (SELECT client_id FROM case_status WHERE closed_on IS NOT NULL)
                  ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            let anchors = self.record_anchors_now()?;
            for row in rows {
                let (id, record) = row?;
                anchors.require(id, &record)?;
                let rec = crate::casework::clients::decode(&record)?;
                items.extend(record_items_until(id, &rec, &cfg, on, until));
                people.insert(id, (rec.case_reference.clone(), rec.initials()));
            }
        }
        // Consents: each client's current decisions (consent::current, as the consent
        // table shows them); a given one due for review is listed once per entry.
        let mut histories: BTreeMap<i64, Vec<ConsentEntry>> = BTreeMap::new();
        for e in log::list(self.conn(), None, Some(Kind::Consent))? {
            let Some(client) = e.client_id else { continue };
            histories.entry(client).or_default().push(ConsentEntry::from_log(e.seq, e.at, e.body, on)?);
        }
        for (client, history) in histories {
            let Some((reference, initials)) = people.get(&client).cloned() else {
                continue; // a closed (or purged) case
            };
            let mut seen = std::collections::BTreeSet::new();
            for d in crate::casework::consent::current(&history, on) {
                let Some(review) =
                    d.review_on.filter(|r| *r <= until && d.state == Some(ConsentState::Given))
                else {
                    continue;
                };
                let Some(entry) = d.entry.as_ref().filter(|e| seen.insert(e.seq)) else { continue };
                items.push(QueueItem {
                    due: review,
                    overdue: review < on,
                    kind: QueueKind::ConsentReview,
                    client_id: Some(client),
                    case_reference: Some(reference.clone()),
                    initials: Some(initials.clone()),
                    what: format!(
                        "Review consent to share with {} ({})",
                        d.recipient.as_str().replace('_', " "),
                        entry.purpose.label
                    ),
                    request: None,
                });
            }
        }
        if self.user().role == Role::Manager {
            for (decision, client) in self.awaiting_approval()? {
                let at: String =
                    self.conn()
                        .query_row("SELECT at FROM log_entries WHERE seq = ?1", [decision], |r| r.get(0))?;
                let due = at.get(..10).and_then(Date::parse).unwrap_or(on);
                let (reference, initials) = client.and_then(|c| people.get(&c).cloned()).unzip();
                items.push(QueueItem {
                    due,
                    overdue: due < on,
                    kind: QueueKind::Approval,
                    client_id: client,
                    case_reference: reference,
                    initials,
                    what: format!("Approve or question emergency share (decision {decision})"),
                    request: None,
                });
            }
            // The enquiry tripwire's alerts no manager has reviewed (enquiry.rs): enquiry
            // ids and case references only.
            for alert in self.open_enquiry_alerts()? {
                let due = crate::casework::enquiry::day_of(&alert.last_at).unwrap_or(on);
                // A closed case's client is named too (an alert about them still matters).
                let mut references = Vec::with_capacity(alert.clients.len());
                for c in &alert.clients {
                    references.push(match people.get(c) {
                        Some(p) => p.0.clone(),
                        None => self.reference_of(*c)?.map_or_else(|| format!("#{c}"), |p| p.0),
                    });
                }
                let single = match alert.clients.as_slice() {
                    [c] => Some(*c),
                    _ => None,
                };
                let (reference, initials) = match single {
                    None => (None, None),
                    Some(c) => match people.get(&c) {
                        Some((r, i)) => (Some(r.clone()), Some(i.clone())),
                        None => self.reference_of(c)?.unzip(),
                    },
                };
                items.push(QueueItem {
                    due,
                    overdue: due < on,
                    kind: QueueKind::EnquiryAlert,
                    client_id: single,
                    case_reference: reference,
                    initials,
                    what: alert.what(&references),
                    request: None,
                });
            }
        }
        items.extend(self.request_items(&people, on)?);
        items.sort_by_key(|i| (i.due, i.kind, i.client_id));
        Ok(Queue { on, items })
    }

    /// Share requests: for managers, the pending ones of other workers; for the worker who
    /// asked, their approved ones to finish and their rejected ones.
    fn request_items(&self, people: &BTreeMap<i64, (String, String)>, on: Date) -> Result<Vec<QueueItem>> {
        let me = self.user();
        let mut items = Vec::new();
        for r in self.share_requests()? {
            let mine = r.requested_by == Some(me.id);
            let (kind, what) = match r.state {
                RequestState::Pending if !mine && me.role == Role::Manager => {
                    (QueueKind::ShareRequest, format!("Approve or reject share request {}", r.id))
                }
                RequestState::Approved if mine => (
                    QueueKind::RequestApproved,
                    format!("Share request {} was approved: finish the share", r.id),
                ),
                RequestState::Rejected if mine => {
                    (QueueKind::RequestRejected, format!("Share request {} was rejected", r.id))
                }
                _ => continue,
            };
            let due = r.at.get(..10).and_then(Date::parse).unwrap_or(on);
            let (reference, initials) = r.client_id.and_then(|c| people.get(&c).cloned()).unzip();
            items.push(QueueItem {
                due,
                overdue: false,
                kind,
                client_id: r.client_id,
                case_reference: reference,
                initials,
                what,
                request: Some(r.id),
            });
        }
        Ok(items)
    }
}
