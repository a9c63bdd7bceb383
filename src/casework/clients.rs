//! Clients: add, change, show and list records. Each call is one transaction that also
//! writes its audit event (field paths, never values).

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::{json, Value};

use crate::log::event::{self, ClientViewed, DoNotUseLifted, NamesShown, RecordChanged, SafeNumberCopied};
use crate::log::{self, Event};
use crate::record::catalogue;
use crate::record::referrals::referral_views;
use crate::record::risk::{self, RiskConfig, RiskLevel};
use crate::record::safe_times::{self, Acknowledgement};
use crate::record::ClientId;
use crate::record::{check_case_reference, initials_of, Channel, ClientPatch, ClientRecord, Contact, Date};
use crate::record::{
    ClientDetails, ClientDetailsOwn, ClientOverview, ClientView, ContactView, ContactViewOwn, NoteView,
    RiskView,
};
use crate::support::caution::Caution;
use crate::support::error::{Error, Result};
use crate::support::input;
use crate::vault::record_anchor;
use crate::vault::{Session, SessionCtx};

/// Whether a read may show who a client is. Names are hidden unless asked for, and
/// every read that shows them is recorded in the audit trail.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Names {
    /// Case reference, initials, risk and the safe-contact card only.
    Hidden,
    /// Everything (an audited `names_shown` read).
    Shown,
}

/// One line of the caseload. `full_name` is there only when names were asked for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct ClientSummary {
    pub id: i64,
    pub case_reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub full_name: Option<String>,
    pub initials: String,
    pub risk_level: Option<RiskLevel>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub safe_contact_review_due: Option<Date>,
    pub updated_at: String,
    /// The enquiry tripwire has an alert about an enquiry linked to this client (enquiry.rs).
    pub enquiry_alert: bool,
}

fn encode(rec: &ClientRecord) -> Result<String> {
    serde_json::to_string(rec).map_err(|_| Error::Storage("could not encode a client record".into()))
}

pub(crate) fn decode(s: &str) -> Result<ClientRecord> {
    serde_json::from_str(s).map_err(|_| Error::Integrity("a stored client record is malformed".into()))
}

fn latest_level(rec: &ClientRecord, cfg: &RiskConfig) -> Option<RiskLevel> {
    risk::latest(rec).map(|r| risk::assess(r, cfg).level)
}

/// The earliest review date of a safe contact that may be used (derived on every save).
fn review_due(rec: &ClientRecord) -> Option<String> {
    rec.contacts.iter().filter(|c| !c.do_not_use).filter_map(|c| c.review_due).min().map(|d| d.to_string())
}

/// A nullable text column, read in place.
fn text_ref<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<Option<&'r str>> {
    r.get_ref(i)?
        .as_str_or_null()
        .map_err(|_| Error::Integrity("a stored caseload column is malformed".into()))
}

fn parse_level(s: Option<&str>) -> Result<Option<RiskLevel>> {
    s.map(|s| match s {
        "standard" => Ok(RiskLevel::Standard),
        "medium" => Ok(RiskLevel::Medium),
        "high" => Ok(RiskLevel::High),
        _ => Err(Error::Integrity("a stored risk level is malformed".into())),
    })
    .transpose()
}

fn level_str(l: Option<RiskLevel>) -> Option<&'static str> {
    l.map(|l| match l {
        RiskLevel::Standard => "standard",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
    })
}

fn index(tx: &Transaction<'_>, id: i64, rec: &ClientRecord) -> Result<()> {
    tx.execute("DELETE FROM client_search WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO client_search (rowid, full_name, preferred_name, case_reference) VALUES (?1, ?2, ?3, ?4)",
        params![id, rec.full_name, rec.preferred_name.as_deref().unwrap_or(""), rec.case_reference],
    )?;
    Ok(())
}

fn reference_taken(tx: &Transaction<'_>, reference: &str, except: Option<i64>) -> Result<bool> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM clients WHERE case_reference = ?1 AND id IS NOT ?2",
        params![reference, except],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

pub(crate) fn parse_patch(json: &[u8]) -> Result<ClientPatch> {
    if json.len() as u64 > input::JSON_LIMIT {
        return Err(Error::invalid("the client JSON is too large (the limit is 1 MiB)"));
    }
    let patch = input::parse_json(json, "client JSON")?;
    check_shape(json)?;
    Ok(patch)
}

/// serde accepts a JSON array where a struct is expected (fields by position); a person's
/// input must say which field is which, so every record and item must be an object.
fn check_shape(json: &[u8]) -> Result<()> {
    let v: Value =
        serde_json::from_slice(json).map_err(|_| Error::invalid("the client JSON is not valid JSON"))?;
    let obj = v
        .as_object()
        .ok_or_else(|| Error::invalid("the client JSON has the wrong type of value (expected an object)"))?;
    for key in ["contacts", "children", "risk", "notes"] {
        if let Some(items) = obj.get(key).and_then(Value::as_array) {
            if let Some(i) = items.iter().position(|item| !item.is_object()) {
                return Err(Error::invalid(format!(
                    "`{key}[{i}]` in the client JSON has the wrong type of value (expected an object)"
                )));
            }
        }
    }
    if obj.get("perpetrator").is_some_and(|p| !p.is_object() && !p.is_null()) {
        return Err(Error::invalid(
            "`perpetrator` in the client JSON has the wrong type of value (expected an object)",
        ));
    }
    Ok(())
}

/// A client's stored record, read inside a write transaction and checked against its
/// anchor (`record_anchor.rs`).
pub(crate) fn load_in(tx: &Transaction<'_>, s: &SessionCtx<'_>, id: ClientId) -> Result<ClientRecord> {
    load_checked(tx, s.identities, None, s.vault_id, id)
}

/// A client's stored record, refused unless it is the version last anchored.
fn load_checked(
    conn: &rusqlite::Connection,
    ids: &crate::log::identity::Identities,
    cache: Option<&record_anchor::Cache>,
    vault_id: &str,
    id: ClientId,
) -> Result<ClientRecord> {
    let stored: Option<String> =
        conn.query_row("SELECT record FROM clients WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    let stored = stored.ok_or(Error::NotFound("client"))?;
    record_anchor::require(conn, ids, cache, vault_id, id.0, &stored)?;
    decode(&stored)
}

/// Saves a changed record with its derived columns and search index, and logs `event`
/// with the catalogue paths that changed (never values). Returns those paths; nothing is
/// written when none changed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn store_change(
    tx: &Transaction<'_>,
    vault_id: &str,
    signer: &log::Signer,
    id: ClientId,
    before: &ClientRecord,
    rec: &ClientRecord,
    cfg: &RiskConfig,
    event: fn(RecordChanged) -> Event,
) -> Result<Vec<String>> {
    let a = serde_json::to_value(before).map_err(|_| Error::Storage("encode".into()))?;
    let b = serde_json::to_value(rec).map_err(|_| Error::Storage("encode".into()))?;
    let changed = catalogue::changed_paths(&a, &b);
    if changed.is_empty() {
        return Ok(changed);
    }
    let stored = save_record(tx, id, rec, cfg)?;
    let record_digest = record_anchor::anchor(vault_id, id.0, Some(&stored));
    let event = event(RecordChanged { fields: changed.clone(), record_digest });
    log::append_event(tx, vault_id, signer, Some(id.0), &event)?;
    Ok(changed)
}

/// Saves a changed record with its derived columns and search index; returns the stored
/// bytes, which the caller anchors in the signed entry that says why (in the same
/// transaction, with [`record_anchor::anchor`]).
pub(crate) fn save_record(
    tx: &Transaction<'_>,
    id: ClientId,
    rec: &ClientRecord,
    cfg: &RiskConfig,
) -> Result<String> {
    let stored = encode(rec)?;
    tx.execute(
        "UPDATE clients SET case_reference = ?1, record = ?2, risk_level = ?3, updated_at = ?4,
                            full_name = ?6, safe_contact_review_due = ?7 WHERE id = ?5",
        params![
            rec.case_reference,
            stored,
            level_str(latest_level(rec, cfg)),
            log::now(),
            id.0,
            rec.full_name,
            review_due(rec)
        ],
    )?;
    index(tx, id.0, rec)?;
    Ok(stored)
}

/// Recomputes every client's stored risk level (after the vault's bands change), from
/// records checked against their anchors.
pub(crate) fn relevel_all(tx: &Transaction<'_>, s: &SessionCtx<'_>, cfg: &RiskConfig) -> Result<()> {
    let rows: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, record FROM clients")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let anchors = record_anchor::Anchors::load(tx, s.identities, None, s.vault_id)?;
    let mut up = tx.prepare("UPDATE clients SET risk_level = ?1 WHERE id = ?2")?;
    for (id, record) in rows {
        anchors.require(id, &record)?;
        let rec = decode(&record)?;
        up.execute(params![level_str(latest_level(&rec, cfg)), id])?;
    }
    Ok(())
}

impl Session {
    /// Adds a client from the catalogue-shaped JSON; returns the new id.
    pub fn add_client(&mut self, json: &[u8]) -> Result<ClientId> {
        let patch = parse_patch(json)?;
        let mut rec = ClientRecord::default();
        let author = self.user().name.clone();
        patch.apply(&mut rec, &author, Date::today())?;
        let cfg = self.settings()?.risk;
        self.write(|tx, s| {
            if rec.case_reference.is_empty() {
                let mut n: i64 =
                    tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM clients", [], |r| r.get(0))?;
                loop {
                    let candidate = format!("CK-{n:04}");
                    if !reference_taken(tx, &candidate, None)? {
                        rec.case_reference = candidate;
                        break;
                    }
                    n += 1;
                }
            } else if reference_taken(tx, &rec.case_reference, None)? {
                return Err(Error::invalid("another client already has that case reference"));
            }
            let now = log::now();
            let stored = encode(&rec)?;
            tx.execute(
                "INSERT INTO clients (case_reference, record, risk_level, created_at, updated_at, created_by,
                                      full_name, safe_contact_review_due)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                params![
                    rec.case_reference,
                    stored,
                    level_str(latest_level(&rec, &cfg)),
                    now,
                    s.user.id,
                    rec.full_name,
                    review_due(&rec)
                ],
            )?;
            let id = tx.last_insert_rowid();
            index(tx, id, &rec)?;
            let value = serde_json::to_value(&rec).map_err(|_| Error::Storage("encode".into()))?;
            let fields: Vec<String> = catalogue::paths_with_values(&value).into_keys().collect();
            let record_digest = record_anchor::anchor(s.vault_id, id, Some(&stored));
            s.append(tx, Some(id), &Event::ClientAdded(RecordChanged { fields, record_digest }))?;
            Ok(ClientId(id))
        })
    }

    /// Changes a client: absent keys stay, `null` clears, new risk entries and notes are
    /// added. Returns the catalogue paths that changed (empty when nothing did).
    pub fn update_client(&mut self, id: ClientId, json: &[u8]) -> Result<Vec<String>> {
        self.update_client_lifting(id, json, None)
    }

    /// [`Session::update_client`], where a contact marked do-not-use may become usable:
    /// that is refused unless `lift` gives the reason, and each such contact gets its own
    /// signed `do_not_use_lifted` entry (its number in the record and the reason, sealed;
    /// never the value). A contact counts as lifted when a usable contact of the change has
    /// the value of a stored do-not-use one (the flag unticked, or the number entered again).
    pub fn update_client_lifting(
        &mut self,
        id: ClientId,
        json: &[u8],
        lift: Option<&Acknowledgement>,
    ) -> Result<Vec<String>> {
        let patch = parse_patch(json)?;
        let author = self.user().name.clone();
        let cfg = self.settings()?.risk;
        self.write(|tx, s| {
            let before = load_in(tx, s, id)?;
            let mut rec = before.clone();
            patch.apply(&mut rec, &author, Date::today())?;
            if rec.case_reference.is_empty() {
                rec.case_reference = before.case_reference.clone();
            }
            if !check_case_reference(&rec.case_reference)
                || reference_taken(tx, &rec.case_reference, Some(id.0))?
            {
                return Err(Error::invalid("another client already has that case reference"));
            }
            let lifted = lifted_do_not_use(&before, &rec);
            let reason = match (lifted.first(), lift) {
                (None, _) => None,
                (Some(n), None) => return Err(lift_refusal(*n)),
                (Some(_), Some(a)) => Some(a.reason()),
            };
            let changed =
                store_change(tx, s.vault_id, s.signer, id, &before, &rec, &cfg, Event::ClientChanged)?;
            for n in lifted {
                let lifted = DoNotUseLifted { contact: n, reason: reason.map(str::to_string) };
                s.append(tx, Some(id.0), &Event::DoNotUseLifted(lifted))?;
            }
            Ok(changed)
        })
    }

    /// A client's record, refused unless it is the version last anchored in the log.
    pub(crate) fn load_client(&self, id: ClientId) -> Result<ClientRecord> {
        load_checked(self.conn(), self.identities(), Some(&self.record_anchors), self.vault_id(), id)
    }

    /// The value of a client's safe contact (numbered from 1), for copying, at the laptop's
    /// local time now. See [`Session::safe_contact_value_at`].
    pub fn safe_contact_value(
        &mut self,
        id: ClientId,
        contact: usize,
        ack: Option<&Acknowledgement>,
    ) -> Result<String> {
        self.safe_contact_value_at(id, contact, ack, safe_times::now_local())
    }

    /// The safe-contact gate. The value of contact `contact` (from 1) at `now` (local
    /// wall-clock time; injectable for tests). When the contact is marked do-not-use, `now`
    /// is outside its safe windows or it has none known, its review date has passed, or it
    /// was not confirmed within the vault's re-confirmation window, it is refused with
    /// [`Error::AcknowledgementRequired`] naming each situation unless `ack` is given. The
    /// read is recorded before the value is handed over (which contact, the situations,
    /// that they were acknowledged and the reason; never the value).
    pub fn safe_contact_value_at(
        &mut self,
        id: ClientId,
        contact: usize,
        ack: Option<&Acknowledgement>,
        now: NaiveDateTime,
    ) -> Result<String> {
        let rec = self.load_client(id)?;
        let c = contact.checked_sub(1).and_then(|i| rec.contacts.get(i)).ok_or(Error::NotFound("contact"))?;
        let value = c.value.clone().ok_or(Error::NotFound("contact value"))?;
        let window = self.settings()?.queue.reconfirm_after_days;
        let found = safe_times::cautions(c, now, window);
        let copied = match (found.is_empty(), ack) {
            (true, _) => SafeNumberCopied { contact, situations: None, acknowledged: None, reason: None },
            (false, None) => return Err(safe_times::refusal(&found)),
            (false, Some(ack)) => SafeNumberCopied {
                contact,
                situations: Some(found.iter().map(|c| c.code().to_string()).collect()),
                acknowledged: Some(true),
                reason: Some(ack.reason().to_string()),
            },
        };
        self.audit(Some(id.0), Event::SafeNumberCopied(copied))?;
        Ok(value)
    }

    /// Each contact's cautions at `now` (local time), in the record's order, for the card.
    pub fn safe_contact_cautions(&self, id: ClientId, now: NaiveDateTime) -> Result<Vec<Vec<Caution>>> {
        let rec = self.load_client(id)?;
        let window = self.settings()?.queue.reconfirm_after_days;
        Ok(rec.contacts.iter().map(|c| safe_times::cautions(c, now, window)).collect())
    }

    /// The code word of a client's contact (numbered from 1), on request: the record as
    /// shown carries only `code_word_set`. The read is recorded (never the word).
    pub fn reveal_code_word(&mut self, id: ClientId, contact: usize) -> Result<String> {
        let rec = self.load_client(id)?;
        let c = contact.checked_sub(1).and_then(|i| rec.contacts.get(i)).ok_or(Error::NotFound("contact"))?;
        let word = c.code_word.clone().ok_or(Error::NotFound("code word"))?;
        self.audit(Some(id.0), Event::CodeWordRevealed(event::CodeWordRevealed { contact }))?;
        Ok(word)
    }

    /// The record as the app is shown it ([`ClientView`]): with names shown, the whole
    /// record plus `id`, `initials` and derived values, code words replaced by
    /// `code_word_set`; with names hidden, only the case reference, initials, risk and the
    /// safe contacts. Each contact carries its safe-contact cautions as of now. Viewing is
    /// recorded in the audit trail, with `read: names_shown` when the details were shown.
    pub fn show_client(&mut self, id: ClientId, names: Names) -> Result<ClientView> {
        let rec = self.load_client(id)?;
        // Read once: the settings are a manager's latest signed change, signature checked.
        let settings = self.settings()?;
        let mut view = client_view(id, &rec, &settings.risk, names);
        let now = safe_times::now_local();
        for (v, c) in view.contacts_mut().iter_mut().zip(&rec.contacts) {
            v.cautions = Some(safe_times::cautions(c, now, settings.queue.reconfirm_after_days));
        }
        view.set_enquiry_alert(self.has_enquiry_alert(id)?);
        let read = match names {
            Names::Hidden => "summary",
            Names::Shown => "names_shown",
        };
        let viewed = ClientViewed { read: read.to_string(), code_words_revealed: None };
        self.audit(Some(id.0), Event::ClientViewed(viewed))?;
        Ok(view)
    }

    /// The whole record in the catalogue's shape, code words included (the CLI's `client
    /// show`, an administrator's full read): recorded as a `names_shown` read that also
    /// counts the code words it revealed (never the words).
    pub fn show_client_whole(&mut self, id: ClientId) -> Result<Value> {
        let rec = self.load_client(id)?;
        let cfg = self.settings()?.risk;
        let mut view = client_view(id, &rec, &cfg, Names::Shown);
        view.set_enquiry_alert(self.has_enquiry_alert(id)?);
        let mut view = serde_json::to_value(view)
            .map_err(|_| Error::Storage("could not encode a client record".into()))?;
        let mut revealed = 0;
        if let Some(Value::Array(contacts)) = view.get_mut("contacts") {
            for (c, stored) in contacts.iter_mut().zip(&rec.contacts) {
                if let (Some(o), Some(word)) = (c.as_object_mut(), &stored.code_word) {
                    o.insert("code_word".into(), json!(word));
                    revealed += 1;
                }
            }
        }
        let viewed = ClientViewed { read: "names_shown".into(), code_words_revealed: Some(revealed) };
        self.audit(Some(id.0), Event::ClientViewed(viewed))?;
        Ok(view)
    }

    /// Whether the enquiry tripwire has an alert about an enquiry linked to the client
    /// (enquiry.rs).
    fn has_enquiry_alert(&self, id: ClientId) -> Result<bool> {
        Ok(self.clients_with_enquiry_alerts()?.contains(&id.0))
    }

    /// The caseload, or the clients whose names or case reference match `search`.
    /// Names are in the list only with [`Names::Shown`], which is recorded as one
    /// `names_shown` read (how many clients, whether a search; never the search text).
    pub fn list_clients(&mut self, search: Option<&str>, names: Names) -> Result<Vec<ClientSummary>> {
        let out = self.caseload(search, names)?;
        if names == Names::Shown {
            let shown = NamesShown { list: "caseload".into(), clients: out.len(), search: search.is_some() };
            self.audit(None, Event::NamesShown(shown))?;
        }
        Ok(out)
    }

    fn caseload(&self, search: Option<&str>, names: Names) -> Result<Vec<ClientSummary>> {
        let query = match search {
            None => None,
            Some(s) => Some(fts_query(s)?),
        };
        // Read from the columns derived on every save (migration 0002): no record is read. The
        // columns are not anchored (an insider could change them as easily as the record), so
        // checking the records here would protect nothing the list shows, cost a read and a
        // hash of every record, and let one altered record take the whole caseload away from
        // everyone; each record is checked when it is opened, exported or queued
        // (record_anchor.rs), and `log verify` and `check` name any that fails.
        let sql = match query {
            None => {
                "SELECT id, case_reference, full_name, risk_level, safe_contact_review_due, updated_at
                   FROM clients ORDER BY id"
            }
            Some(_) => {
                "SELECT c.id, c.case_reference, c.full_name, c.risk_level, c.safe_contact_review_due, c.updated_at
                   FROM client_search f JOIN clients c ON c.id = f.rowid
                  WHERE client_search MATCH ?1 ORDER BY c.id"
            }
        };
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = match &query {
            None => stmt.query([])?,
            Some(q) => stmt.query([q])?,
        };
        let flagged = self.clients_with_enquiry_alerts()?;
        // One pass, reading the date and the level in place: four strings a row, no more.
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let safe_contact_review_due = match text_ref(r, 4)? {
                None => None,
                Some(d) => Some(
                    Date::parse(d)
                        .ok_or_else(|| Error::Integrity("a stored review date is malformed".into()))?,
                ),
            };
            let full_name: String = r.get(2)?;
            out.push(ClientSummary {
                id,
                initials: initials_of(&full_name),
                risk_level: parse_level(text_ref(r, 3)?)?,
                safe_contact_review_due,
                case_reference: r.get(1)?,
                full_name: (names == Names::Shown).then_some(full_name),
                updated_at: r.get(5)?,
                enquiry_alert: false,
            });
        }
        for c in &mut out {
            c.enquiry_alert = flagged.contains(&c.id);
        }
        Ok(out)
    }
}

/// Builds an FTS5 query that matches every word as a prefix; the person's text never
/// reaches FTS5's query syntax (each word is quoted).
fn fts_query(s: &str) -> Result<String> {
    if s.chars().count() > 200 {
        return Err(Error::invalid("the search text is too long (the limit is 200 characters)"));
    }
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(10)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if words.is_empty() {
        return Err(Error::invalid("the search text needs at least one letter or digit"));
    }
    Ok(words.join(" "))
}

/// The record as the app is shown it (see [`ClientView`]): each risk entry with its score,
/// level and threshold, notes and referrals numbered, each contact's code word replaced by
/// `code_word_set` (revealed only on request). With [`Names::Hidden`], the
/// [`ClientOverview`]: no risk entry's free-text reason and no notes on a contact that may
/// be used (the card shows only why one must not be). No cautions and no enquiry alert
/// yet: [`Session::show_client`] adds them.
pub fn client_view(id: ClientId, rec: &ClientRecord, cfg: &RiskConfig, names: Names) -> ClientView {
    // One copy of the record; its lists are moved into their views, not copied again.
    let mut rec = rec.clone();
    let mut risk: Vec<RiskView> = std::mem::take(&mut rec.risk)
        .into_iter()
        .map(|entry| {
            let derived = risk::assess(&entry, cfg);
            RiskView { entry, derived }
        })
        .collect();
    let mut contacts: Vec<ContactView> = std::mem::take(&mut rec.contacts)
        .into_iter()
        .map(|c| {
            let code_word_set = c.code_word.is_some();
            ContactView::new(c, ContactViewOwn { code_word_set, cautions: None })
        })
        .collect();
    let initials = initials_of(&rec.full_name);
    match names {
        Names::Shown => {
            let marac = referral_views(&rec);
            let notes = std::mem::take(&mut rec.notes);
            let own = ClientDetailsOwn {
                id: id.0,
                initials,
                details: true,
                contacts,
                risk,
                marac,
                notes: notes.into_iter().enumerate().map(|(i, note)| NoteView { id: i + 1, note }).collect(),
                enquiry_alert: false,
            };
            ClientView::Details(Box::new(ClientDetails::new(rec, own)))
        }
        Names::Hidden => {
            for r in &mut risk {
                r.entry.judgement_reason = None;
            }
            // The card shows why a channel must not be used; other contacts' notes wait.
            for c in contacts.iter_mut().filter(|c| !c.do_not_use) {
                c.notes = None;
            }
            ClientView::Overview(ClientOverview {
                id: id.0,
                case_reference: rec.case_reference,
                initials,
                details: false,
                risk,
                contacts,
                enquiry_alert: false,
            })
        }
    }
}

/// The values of usable contacts in `after` that a stored do-not-use contact of `before`
/// has: the numbers (from 1, in `after`) of contacts whose do-not-use mark is lifted.
fn lifted_do_not_use(before: &ClientRecord, after: &ClientRecord) -> Vec<usize> {
    let barred: BTreeSet<String> =
        before.contacts.iter().filter(|c| c.do_not_use).filter_map(comparable).collect();
    after
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.do_not_use)
        .filter(|(_, c)| comparable(c).is_some_and(|v| barred.contains(&v)))
        .map(|(i, _)| i + 1)
        .collect()
}

/// A contact's value as compared: phone numbers are stored in E.164 already (so "07700
/// 900123" and "+44 7700 900123" are one number); other values without case.
fn comparable(c: &Contact) -> Option<String> {
    let v = c.value.as_deref()?.trim();
    Some(match c.channel {
        Channel::Phone | Channel::Sms => v.to_string(),
        _ => v.to_lowercase(),
    })
}

fn lift_refusal(n: usize) -> Error {
    Error::invalid(format!(
        "contact {n} has a number marked do not use: making it usable needs a confirmation with a reason"
    ))
}
