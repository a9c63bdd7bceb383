//! The enquiry log and its tripwire (issue 14, item 6).
//!
//! Anyone who asks about a client, or whether someone is a client, is recorded: when, by
//! which channel, who they said they were and for which organisation, their call-back,
//! what they asked, what they were told and whether their identity was verified. An
//! enquiry is a signed log entry (`enquiry_recorded`) with no client id: the form never
//! looks a client up while the call is going on. Afterwards the worker links it to the
//! client it was about by a deliberate step, a second signed entry (`enquiry_linked`,
//! with the client id). Linking tells the caller nothing; it is what lets the tripwire see
//! patterns.
//!
//! The tripwire ([`Session::enquiry_alerts`]) is worked out from the log whenever it is
//! asked for, so it cannot drift from what was recorded:
//! - the same caller (the same phone number however written, e-mail address or name,
//!   folded) asking about two or more clients, or three or more times about one;
//! - a "professional" (an enquiry naming an organisation) whose call-back is not one of
//!   that organisation's switchboard numbers on the vault's list (managers keep it,
//!   [`Session::set_switchboard`]) — including an organisation not on the list at all.
//!
//! Each alert is an `enquiry_alert` item on managers' work queues and a flag
//! (`enquiry_alert`) on each client linked to it. Alerts name enquiry ids and case
//! references only, never what a caller said or gave.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Local, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Deserializer, Serialize};

use crate::casework::consent::fold;
use crate::log::event::{AlertReviewed, EnquiryStored, Switchboard};
use crate::log::vocab::{AlertReason, EnquiryChannel};
use crate::log::{self, event, Event};
use crate::record::ClientId;
use crate::record::{clean, normalise_phone, Date, MEDIUM, SHORT};
use crate::support::error::{Error, Result};
use crate::support::input;
use crate::support::matcher::fold_tokens;
use crate::vault::Session;

/// The signed entry of an enquiry (no client id).
pub const RECORDED: &str = "enquiry_recorded";
/// The signed entry that links an enquiry to a client (with the client id).
pub const LINKED: &str = "enquiry_linked";
/// The signed entry of a manager's review of an alert (it leaves the queue).
pub const ALERT_REVIEWED: &str = "enquiry_alert_reviewed";
/// The signed entry of a change to the switchboard list.
pub const SWITCHBOARD_CHANGED: &str = "switchboard_changed";

/// What the app shows before the form, and docs/CLI.md repeats.
pub const SCRIPT: &str = "We can neither confirm nor deny whether we are working with anyone. \
I can take your name, your organisation, a number or address to reach you and your question, \
and pass it on.";

/// An enquiry JSON file larger than this is refused before it is parsed.
pub const ENQUIRY_JSON_LIMIT: usize = 64 * 1024;

/// At most this many numbers per organisation, and organisations, on the switchboard list.
pub const MAX_NUMBERS: usize = 20;
pub const MAX_ORGANISATIONS: usize = 500;

/// A key that must be present, whose value may be `null`.
fn nullable<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// What `enquiry record --json` reads. Every key but `at` is required (`claimed_organisation`
/// and `callback` may be `null`: none given); unknown keys are refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnquiryInput {
    pub channel: EnquiryChannel,
    pub caller_name: String,
    #[serde(deserialize_with = "nullable")]
    pub claimed_organisation: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub callback: Option<String>,
    pub asked: String,
    pub response: String,
    pub verified: bool,
    /// When the enquiry was made (RFC 3339, or `YYYY-MM-DDTHH:MM` in the laptop's time
    /// zone); default now.
    #[serde(default)]
    pub at: Option<String>,
}

impl std::fmt::Debug for EnquiryInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnquiryInput{..}")
    }
}

/// One enquiry, with its link (if any) and the alerts it is part of.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Serialize)]
pub struct Enquiry {
    /// The sequence number of its `enquiry_recorded` entry.
    pub id: i64,
    /// When it was recorded (the log's time).
    pub recorded_at: String,
    /// When the enquiry was made (RFC 3339, UTC).
    pub at: String,
    pub channel: EnquiryChannel,
    pub caller_name: String,
    pub claimed_organisation: Option<String>,
    pub callback: Option<String>,
    pub asked: String,
    pub response: String,
    pub verified: bool,
    pub recorded_by: String,
    /// The client it was linked to, with the link's log entry and who made it.
    pub client_id: Option<i64>,
    pub case_reference: Option<String>,
    pub linked_by: Option<String>,
    pub link_entry: Option<i64>,
    /// Whether it is part of an alert of the tripwire.
    pub alert: bool,
}

impl std::fmt::Debug for Enquiry {
    // Never the caller's details: a Debug print can reach a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enquiry")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl AlertReason {
    fn words(self) -> &'static str {
        match self {
            AlertReason::SeveralClients => "the same caller asked about two or more clients",
            AlertReason::Repeated => "the same caller asked three or more times about one client",
            AlertReason::NotSwitchboard => {
                "a caller for an organisation gave a call-back that is not its known switchboard"
            }
            AlertReason::UnknownOrganisation => {
                "a caller for an organisation with no switchboard on the vault's list (verify before telling them anything)"
            }
        }
    }
}

/// One alert of the tripwire: the enquiries and clients it concerns, never a value.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Alert {
    pub reasons: Vec<AlertReason>,
    /// How the enquiries were found to be the same caller: `phone`, `email`, `address`,
    /// `name` (empty for a single enquiry's alert).
    pub matched_by: Vec<String>,
    pub enquiries: Vec<i64>,
    pub clients: Vec<i64>,
    /// The log time of the latest enquiry the alert rests on.
    pub last_at: String,
}

impl Alert {
    /// What the queue item says: reasons and enquiry ids (the item names the clients).
    pub fn what(&self, references: &[String]) -> String {
        let reasons: Vec<&str> = self.reasons.iter().map(|r| r.words()).collect();
        let ids: Vec<String> = self.enquiries.iter().map(i64::to_string).collect();
        let mut s = format!("Enquiry alert: {}", reasons.join("; "));
        if !self.matched_by.is_empty() {
            s.push_str(&format!(" (same {})", self.matched_by.join(", ")));
        }
        s.push_str(&format!(" — enquir{} {}", if ids.len() == 1 { "y" } else { "ies" }, ids.join(", ")));
        if !references.is_empty() {
            s.push_str(&format!("; clients {}", references.join(", ")));
        }
        s
    }
}

/// An enquiry's link to a client: the client, the `enquiry_linked` entry, who made it.
struct Link {
    client: i64,
    entry: i64,
    by: Option<String>,
}

/// Names that say nothing about who called: never used to match callers.
const NO_NAME: &[&str] = &[
    "unknown",
    "anonymous",
    "anon",
    "not given",
    "no name",
    "no name given",
    "name not given",
    "withheld",
    "refused",
    "declined",
    "would not say",
    "did not say",
    "none",
    "n a",
    "na",
    "not known",
    "caller",
];

/// Organisations that make no one a professional.
const NO_ORGANISATION: &[&str] = &[
    "none",
    "n a",
    "na",
    "no",
    "private",
    "private individual",
    "self",
    "family",
    "friend",
    "member of the public",
    "public",
    "not given",
    "unknown",
    "withheld",
    "refused",
];

/// How a caller is recognised again: (kind, folded key).
fn caller_keys(name: &str, callback: Option<&str>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let n = fold(name);
    if n.chars().filter(|c| c.is_alphanumeric()).count() >= 2 && !NO_NAME.contains(&n.as_str()) {
        out.push(("name", n));
    }
    if let Some(cb) = callback {
        if let Some(p) = phone_in(cb) {
            out.push(("phone", p));
        } else if let Some(e) = email_in(cb) {
            out.push(("email", e));
        } else {
            let t = fold_tokens(cb).join(" ");
            if t.chars().count() >= 5 {
                out.push(("address", t));
            }
        }
    }
    out
}

/// A phone number in `s` (E.164), written in any of the usual forms: the whole text, or
/// the first run of digits, spaces and `+-().` that reads as one.
pub fn phone_in(s: &str) -> Option<String> {
    if let Some(p) = normalise_phone(s.trim()) {
        return Some(p);
    }
    let mut run = String::new();
    let mut runs = Vec::new();
    for c in s.chars() {
        if c.is_ascii_digit() || " +-().".contains(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs.push(run);
    runs.iter()
        .filter(|r| r.chars().filter(char::is_ascii_digit).count() >= 7)
        .find_map(|r| normalise_phone(r.trim()))
}

/// An e-mail address in `s`, folded (case, and the `[at]`/`(dot)` forms): its tokens
/// joined by `.`; `None` unless it has an `@` or both an "at" and a "dot" word.
fn email_in(s: &str) -> Option<String> {
    let toks = fold_tokens(s);
    let spelled = toks.iter().any(|t| t == "at") && toks.iter().any(|t| t == "dot");
    if !s.contains('@') && !s.contains('＠') && !spelled {
        return None;
    }
    let parts: Vec<String> = toks.into_iter().filter(|t| t != "at" && t != "dot").collect();
    (parts.len() >= 2).then(|| parts.join("."))
}

fn is_professional(org: Option<&str>) -> Option<String> {
    let f = fold(org?);
    (!f.is_empty() && !NO_ORGANISATION.contains(&f.as_str())).then_some(f)
}

/// When the enquiry was made: RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` (or with a space) in
/// the laptop's time zone; not in the future, not before 2000.
fn parse_at(s: &str, now: DateTime<Utc>) -> Result<String> {
    let s = s.trim();
    let when = match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(_) => {
            let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .ok_or_else(|| {
                    Error::invalid(
                        "`at` in the enquiry JSON must be a date and time, e.g. 2026-12-01T14:30 (the laptop's time zone) or 2026-12-01T14:30:00Z",
                    )
                })?;
            Local
                .from_local_datetime(&local)
                .earliest()
                .ok_or_else(|| Error::invalid("`at` in the enquiry JSON is a time the clocks skipped"))?
                .with_timezone(&Utc)
        }
    };
    if when > now + chrono::Duration::minutes(5) {
        return Err(Error::invalid("`at` in the enquiry JSON is in the future"));
    }
    if chrono::Datelike::year(&when) < 2000 {
        return Err(Error::invalid("`at` in the enquiry JSON is before the year 2000"));
    }
    Ok(when.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Validates an enquiry: trimmed texts within their limits, without control characters
/// (`asked` and `response` may have line breaks); errors name the key, never the value.
fn validate(input: EnquiryInput, recorded_by: &str, now: DateTime<Utc>) -> Result<EnquiryStored> {
    let required = |path: &str, v: String, max: usize, multiline: bool| -> Result<String> {
        let mut o = Some(v);
        clean(path, &mut o, max, multiline)?;
        o.ok_or_else(|| Error::invalid(format!("`{path}` in the enquiry JSON may not be empty")))
    };
    let optional = |path: &str, v: Option<String>| -> Result<Option<String>> {
        let mut o = v;
        clean(path, &mut o, SHORT, false)?;
        Ok(o)
    };
    Ok(EnquiryStored {
        channel: input.channel,
        caller_name: required("caller_name", input.caller_name, SHORT, false)?,
        claimed_organisation: optional("claimed_organisation", input.claimed_organisation)?,
        callback: optional("callback", input.callback)?,
        asked: required("asked", input.asked, MEDIUM, true)?,
        response: required("response", input.response, MEDIUM, true)?,
        verified: input.verified,
        at: match input.at {
            Some(a) => parse_at(&a, now)?,
            None => now.to_rfc3339_opts(SecondsFormat::Secs, true),
        },
        recorded_by: recorded_by.to_string(),
    })
}

/// Parses and validates `enquiry record`'s JSON (the app's form sends the same shape).
pub fn parse(bytes: &[u8]) -> Result<EnquiryInput> {
    if bytes.len() > ENQUIRY_JSON_LIMIT {
        return Err(Error::invalid("the enquiry JSON is too large (the limit is 64 KiB)"));
    }
    input::parse_json(bytes, "enquiry JSON")
}

/// The tripwire over `enquiries` (in id order) and the switchboard list.
pub fn tripwire(enquiries: &[Enquiry], switchboards: &[Switchboard]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    // Same caller: linked enquiries joined (union-find) when they share a key.
    let linked: Vec<&Enquiry> = enquiries.iter().filter(|e| e.client_id.is_some()).collect();
    let mut parent: Vec<usize> = (0..linked.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let gp = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = gp;
            }
            i = p;
        }
        i
    }
    let mut first_with: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    let mut shared: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    for (i, e) in linked.iter().enumerate() {
        for key in caller_keys(&e.caller_name, e.callback.as_deref()) {
            *shared.entry(key.clone()).or_default() += 1;
            match first_with.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if let Some(slot) = parent.get_mut(a) {
                        *slot = b;
                    }
                }
                None => {
                    first_with.insert(key, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..linked.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    for members in groups.values() {
        let group: Vec<&Enquiry> = members.iter().filter_map(|&i| linked.get(i).copied()).collect();
        let mut per_client: BTreeMap<i64, usize> = BTreeMap::new();
        for e in &group {
            if let Some(c) = e.client_id {
                *per_client.entry(c).or_default() += 1;
            }
        }
        let mut reasons = Vec::new();
        if per_client.len() >= 2 {
            reasons.push(AlertReason::SeveralClients);
        }
        if per_client.values().any(|n| *n >= 3) {
            reasons.push(AlertReason::Repeated);
        }
        if reasons.is_empty() {
            continue;
        }
        let mut matched_by: BTreeSet<&str> = BTreeSet::new();
        for e in &group {
            for (kind, key) in caller_keys(&e.caller_name, e.callback.as_deref()) {
                if shared.get(&(kind, key)).is_some_and(|n| *n >= 2) {
                    matched_by.insert(kind);
                }
            }
        }
        alerts.push(Alert {
            reasons,
            matched_by: matched_by.into_iter().map(str::to_string).collect(),
            enquiries: group.iter().map(|e| e.id).collect(),
            clients: per_client.keys().copied().collect(),
            last_at: group.iter().map(|e| e.recorded_at.clone()).max().unwrap_or_default(),
        });
    }
    // A professional whose call-back is not the organisation's known switchboard.
    for e in enquiries {
        let Some(org) = is_professional(e.claimed_organisation.as_deref()) else { continue };
        let known = switchboards.iter().find(|s| fold(&s.organisation) == org);
        let reason = match known {
            None => AlertReason::UnknownOrganisation,
            Some(s) => {
                let number = e.callback.as_deref().and_then(phone_in);
                if number.is_some_and(|n| s.numbers.contains(&n)) {
                    continue;
                }
                AlertReason::NotSwitchboard
            }
        };
        alerts.push(Alert {
            reasons: vec![reason],
            matched_by: Vec::new(),
            enquiries: vec![e.id],
            clients: e.client_id.into_iter().collect(),
            last_at: e.recorded_at.clone(),
        });
    }
    alerts
}

impl Session {
    /// Records an enquiry from its JSON; returns its id (the signed entry's number).
    pub fn record_enquiry(&mut self, json: &[u8]) -> Result<i64> {
        let input = parse(json)?;
        let stored = validate(input, &self.user().name, Utc::now())?;
        let event = Event::EnquiryRecorded(stored);
        self.write(|tx, s| s.append(tx, None, &event))
    }

    /// Links an enquiry to the client it was about (a signed entry with the client id);
    /// returns that entry's number. An enquiry is linked once.
    pub fn link_enquiry(&mut self, enquiry: i64, client: ClientId) -> Result<i64> {
        let event: Option<String> = self
            .conn()
            .query_row("SELECT event FROM log_entries WHERE seq = ?1", [enquiry], |r| r.get(0))
            .optional()?;
        if event.as_deref() != Some(RECORDED) {
            return Err(Error::NotFound("enquiry"));
        }
        let exists = self
            .conn()
            .query_row("SELECT 1 FROM clients WHERE id = ?1", [client.0], |_| Ok(()))
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound("client"));
        }
        if self.links()?.contains_key(&enquiry) {
            return Err(Error::invalid(
                "this enquiry is already linked to a client (an enquiry is linked once; `enquiry list` shows the link)",
            ));
        }
        let event = Event::EnquiryLinked(event::EnquiryLinked { enquiry });
        self.write(|tx, s| s.append(tx, Some(client.0), &event))
    }

    /// enquiry id → its link.
    fn links(&self) -> Result<BTreeMap<i64, Link>> {
        let mut stmt = self.conn().prepare(
            "SELECT e.seq, e.client_id, e.body, u.name FROM log_entries e LEFT JOIN users u ON u.id = e.actor_id
              WHERE e.event = ?1 ORDER BY e.seq",
        )?;
        let mut rows = stmt.query([LINKED])?;
        let mut out = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let Some(client) = r.get::<_, Option<i64>>(1)? else { continue };
            let body: String = r.get(2)?;
            let Ok(Event::EnquiryLinked(event::EnquiryLinked { enquiry })) = Event::parse_str(LINKED, &body)
            else {
                return Err(Error::Integrity("a stored enquiry link is malformed".into()));
            };
            out.entry(enquiry).or_insert(Link { client, entry: seq, by: r.get(3)? });
        }
        Ok(out)
    }

    /// Every enquiry in id order, with its link; `alert` is left false.
    fn all_enquiries(&self) -> Result<Vec<Enquiry>> {
        let links = self.links()?;
        let mut reference = self.conn().prepare_cached("SELECT case_reference FROM clients WHERE id = ?1")?;
        let mut refs: BTreeMap<i64, String> = BTreeMap::new();
        for link in links.values() {
            if let Some(r) = reference.query_row([link.client], |r| r.get(0)).optional()? {
                refs.insert(link.client, r);
            }
        }
        let mut stmt =
            self.conn().prepare("SELECT seq, at, body FROM log_entries WHERE event = ?1 ORDER BY seq")?;
        let mut rows = stmt.query([RECORDED])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let body: String = r.get(2)?;
            let Ok(Event::EnquiryRecorded(s)) = Event::parse_str(RECORDED, &body) else {
                return Err(Error::Integrity("a stored enquiry is malformed".into()));
            };
            let link = links.get(&id);
            out.push(Enquiry {
                id,
                recorded_at: r.get(1)?,
                at: s.at,
                channel: s.channel,
                caller_name: s.caller_name,
                claimed_organisation: s.claimed_organisation,
                callback: s.callback,
                asked: s.asked,
                response: s.response,
                verified: s.verified,
                recorded_by: s.recorded_by,
                client_id: link.map(|l| l.client),
                case_reference: link.and_then(|l| refs.get(&l.client).cloned()),
                link_entry: link.map(|l| l.entry),
                linked_by: link.and_then(|l| l.by.clone()),
                alert: false,
            });
        }
        Ok(out)
    }

    /// The tripwire's alerts now (see the module's documentation).
    pub fn enquiry_alerts(&self) -> Result<Vec<Alert>> {
        Ok(tripwire(&self.all_enquiries()?, &self.switchboards()?))
    }

    /// The alerts no manager has reviewed: those not covered by a review of the same
    /// reasons over the same enquiries (or more). A new enquiry from the same caller makes
    /// a new alert, which is open again.
    pub fn open_enquiry_alerts(&self) -> Result<Vec<Alert>> {
        // Only a manager's signed review closes an alert (`log::by_managers`): a review an
        // insider signed themself, or wrote under a manager's name, does not silence the
        // tripwire.
        let mut reviews: Vec<(BTreeSet<i64>, BTreeSet<AlertReason>)> = Vec::new();
        for body in log::by_managers(self.conn(), self.identities(), ALERT_REVIEWED, false)? {
            let Ok(Event::EnquiryAlertReviewed(review)) = Event::parse_str(ALERT_REVIEWED, &body) else {
                return Err(Error::Integrity("a stored alert review is malformed".into()));
            };
            reviews.push((review.enquiries.into_iter().collect(), review.reasons.into_iter().collect()));
        }
        let covered = |a: &Alert| {
            reviews.iter().any(|(enquiries, reasons)| {
                a.enquiries.iter().all(|e| enquiries.contains(e))
                    && a.reasons.iter().all(|r| reasons.contains(r))
            })
        };
        Ok(self.enquiry_alerts()?.into_iter().filter(|a| !covered(a)).collect())
    }

    /// A manager reviews the open alert that holds `enquiry` (the first, if there are
    /// several): a signed entry, and the alert leaves the queue. The flag on its clients
    /// stays. Returns the alert reviewed.
    pub fn review_enquiry_alert(&mut self, enquiry: i64) -> Result<Alert> {
        self.require_manager()?;
        let alert = self
            .open_enquiry_alerts()?
            .into_iter()
            .find(|a| a.enquiries.contains(&enquiry))
            .ok_or(Error::NotFound("open enquiry alert with that enquiry"))?;
        let event = Event::EnquiryAlertReviewed(AlertReviewed {
            enquiries: alert.enquiries.clone(),
            reasons: alert.reasons.clone(),
        });
        self.write(|tx, s| s.append(tx, None, &event))?;
        Ok(alert)
    }

    /// The clients linked to an alert.
    pub fn clients_with_enquiry_alerts(&self) -> Result<BTreeSet<i64>> {
        Ok(self.enquiry_alerts()?.into_iter().flat_map(|a| a.clients).collect())
    }

    /// The enquiries (those linked to `client`, or all), newest first; recorded as an
    /// `enquiries_shown` read (how many; never what).
    pub fn enquiries(&mut self, client: Option<ClientId>) -> Result<Vec<Enquiry>> {
        if let Some(c) = client {
            let exists =
                self.conn().query_row("SELECT 1 FROM clients WHERE id = ?1", [c.0], |_| Ok(())).optional()?;
            if exists.is_none() {
                return Err(Error::NotFound("client"));
            }
        }
        let mut all = self.all_enquiries()?;
        let alerts = tripwire(&all, &self.switchboards()?);
        let flagged: BTreeSet<i64> = alerts.iter().flat_map(|a| a.enquiries.iter().copied()).collect();
        for e in &mut all {
            e.alert = flagged.contains(&e.id);
        }
        all.retain(|e| client.is_none_or(|c| e.client_id == Some(c.0)));
        all.reverse();
        let shown = event::EnquiriesShown { enquiries: all.len() };
        self.audit(client.map(|c| c.0), Event::EnquiriesShown(shown))?;
        Ok(all)
    }

    /// The switchboard list, by organisation, as the latest change a manager signed left
    /// it (`log::latest_by_manager`; there is no other copy): an insider who signs a change
    /// of her own, or copies an old one to the end, cannot silence the tripwire.
    pub fn switchboards(&self) -> Result<Vec<Switchboard>> {
        let Some(body) = log::latest_by_manager(self.conn(), self.identities(), SWITCHBOARD_CHANGED)? else {
            return Ok(Vec::new());
        };
        match Event::parse_str(SWITCHBOARD_CHANGED, &body) {
            Ok(Event::SwitchboardChanged(c)) => Ok(c.list),
            _ => Err(Error::Integrity("a switchboard change entry is malformed".into())),
        }
    }

    /// Writes the `change` (`added`, `removed`) with the list as it is after it.
    fn save_switchboards(
        &mut self,
        list: &[Switchboard],
        change: &str,
        organisation: &str,
        number: Option<String>,
    ) -> Result<()> {
        let event = Event::SwitchboardChanged(event::SwitchboardChanged {
            change: change.to_string(),
            organisation: organisation.to_string(),
            number,
            list: list.to_vec(),
        });
        self.write(|tx, s| s.append(tx, None, &event).map(|_| ()))
    }

    /// Adds a known switchboard number of an organisation (managers); returns the list.
    pub fn set_switchboard(&mut self, organisation: &str, number: &str) -> Result<Vec<Switchboard>> {
        self.require_manager()?;
        let organisation = organisation_name(organisation)?;
        let number = normalise_phone(number).ok_or_else(|| {
            Error::invalid(
                "`number` is not a phone number Casekeep can read (a UK number, or an international one starting with +)",
            )
        })?;
        let mut list = self.switchboards()?;
        let key = fold(&organisation);
        let full = list.len() >= MAX_ORGANISATIONS;
        match list.iter_mut().find(|s| fold(&s.organisation) == key) {
            Some(s) if s.numbers.contains(&number) => return Ok(list),
            Some(s) if s.numbers.len() >= MAX_NUMBERS => {
                return Err(Error::invalid(format!("an organisation can have at most {MAX_NUMBERS} numbers")))
            }
            Some(s) => s.numbers.push(number.clone()),
            None if full => {
                return Err(Error::invalid(format!(
                    "the switchboard list is full (at most {MAX_ORGANISATIONS} organisations)"
                )))
            }
            None => {
                list.push(Switchboard { organisation: organisation.clone(), numbers: vec![number.clone()] })
            }
        }
        list.sort_by_key(|s| fold(&s.organisation));
        self.save_switchboards(&list, "added", &organisation, Some(number))?;
        Ok(list)
    }

    /// Removes one number of an organisation, or (without a number) the organisation
    /// (managers); returns the list.
    pub fn remove_switchboard(
        &mut self,
        organisation: &str,
        number: Option<&str>,
    ) -> Result<Vec<Switchboard>> {
        self.require_manager()?;
        let organisation = organisation_name(organisation)?;
        let key = fold(&organisation);
        let mut list = self.switchboards()?;
        let at = list
            .iter()
            .position(|s| fold(&s.organisation) == key)
            .ok_or(Error::NotFound("organisation on the switchboard list"))?;
        let number = match number {
            None => {
                list.remove(at);
                None
            }
            Some(n) => {
                let n = normalise_phone(n).ok_or_else(|| {
                    Error::invalid("`number` is not a phone number Casekeep can read (a UK number, or an international one starting with +)")
                })?;
                let entry =
                    list.get_mut(at).ok_or(Error::NotFound("organisation on the switchboard list"))?;
                let before = entry.numbers.len();
                entry.numbers.retain(|x| *x != n);
                if entry.numbers.len() == before {
                    return Err(Error::NotFound("number of that organisation on the switchboard list"));
                }
                if entry.numbers.is_empty() {
                    list.remove(at);
                }
                Some(n)
            }
        };
        self.save_switchboards(&list, "removed", &organisation, number)?;
        Ok(list)
    }
}

fn organisation_name(s: &str) -> Result<String> {
    let mut o = Some(s.to_string());
    clean("organisation", &mut o, SHORT, false)
        .map_err(|_| Error::invalid("`organisation` is too long or contains control characters"))?;
    let o = o.ok_or_else(|| Error::invalid("`organisation` may not be empty"))?;
    if fold(&o).is_empty() {
        return Err(Error::invalid("`organisation` needs at least one letter or digit"));
    }
    Ok(o)
}

/// The date of a log time, for the queue.
pub fn day_of(at: &str) -> Option<Date> {
    at.get(..10).and_then(Date::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: i64, name: &str, org: Option<&str>, callback: Option<&str>, client: Option<i64>) -> Enquiry {
        Enquiry {
            id,
            recorded_at: format!("2026-11-0{id}T10:00:00Z"),
            at: String::new(),
            channel: EnquiryChannel::Phone,
            caller_name: name.into(),
            claimed_organisation: org.map(str::to_string),
            callback: callback.map(str::to_string),
            asked: "x".into(),
            response: "y".into(),
            verified: false,
            recorded_by: "cara".into(),
            client_id: client,
            case_reference: None,
            linked_by: None,
            link_entry: None,
            alert: false,
        }
    }

    #[test]
    fn phone_numbers_in_every_form_are_one_caller() {
        for form in [
            "07700 900123",
            "+44 7700 900123",
            "0044 7700-900-123",
            "+44 (0)7700 900123",
            "(07700) 900 123",
            "call on 07700 900123 after 5",
        ] {
            assert_eq!(phone_in(form).as_deref(), Some("+447700900123"), "{form}");
        }
        assert_eq!(phone_in("12 Example Road"), None);
    }

    #[test]
    fn emails_names_fold() {
        assert_eq!(email_in("Ada.Smith@Example.org"), email_in("ada.smith [at] example (dot) org"));
        assert_eq!(email_in("12 Example Road"), None);
        let a = caller_keys("  ZOË   Example ", None);
        let b = caller_keys("zoe example", None);
        assert_eq!(a, b);
        assert!(caller_keys("Unknown", None).is_empty());
    }

    #[test]
    fn the_tripwire_sees_patterns_and_nothing_else() {
        let same = [
            e(1, "Lee", None, Some("07700 900123"), Some(1)),
            e(2, "L. Example", None, Some("+44 7700 900123"), Some(2)),
        ];
        let a = tripwire(&same, &[]);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].reasons, vec![AlertReason::SeveralClients]);
        assert_eq!(a[0].clients, vec![1, 2]);
        assert_eq!(a[0].matched_by, vec!["phone".to_string()]);
        let unrelated = [
            e(1, "Pat One", None, Some("07700 900111"), Some(1)),
            e(2, "Sam Two", None, Some("07700 900222"), Some(2)),
            e(3, "Pat One", None, Some("07700 900111"), None),
        ];
        assert!(tripwire(&unrelated, &[]).is_empty());
        let sb =
            [Switchboard { organisation: "Example Police".into(), numbers: vec!["+447700900500".into()] }];
        let pro = [e(1, "PC Example", Some("example  POLICE"), Some("07700 900500"), None)];
        assert!(tripwire(&pro, &sb).is_empty());
        let pro = [e(1, "PC Example", Some("Example Police"), Some("07700 900501"), None)];
        assert_eq!(tripwire(&pro, &sb)[0].reasons, vec![AlertReason::NotSwitchboard]);
    }

    #[test]
    fn at_is_checked() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        assert_eq!(parse_at("2026-12-01T10:00:00+01:00", now).unwrap(), "2026-12-01T09:00:00Z");
        assert!(parse_at("2026-12-01T10:00", now).is_ok());
        assert!(parse_at("2026-12-01T12:30:00Z", now).unwrap_err().to_string().contains("future"));
        assert!(parse_at("1999-01-01T10:00:00Z", now).unwrap_err().to_string().contains("2000"));
        assert!(parse_at("yesterday", now).unwrap_err().to_string().contains("date and time"));
    }
}
