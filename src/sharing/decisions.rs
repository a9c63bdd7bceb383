//! A manager's view of decisions: every consent, share, decision not to share and share
//! request, read from the signed log (each entry's hash, certified key and signature
//! checked; an entry that does not hold is left out of the list and refused as a detail),
//! in plain words — the case reference and initials, never an internal id; "Consent
//! refused", never an event name; fields as labels, never paths. Approvals count only when
//! a manager signed them (as `share::request` reads them). Reading these shows record data,
//! so each read is an audited read (`decisions_viewed`, `decision_viewed`).

use chrono::DateTime;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::casework::consent::Purpose;
use crate::log::vocab::DecisionKind;
use crate::log::vocab::Format;
use crate::log::vocab::RecipientKind;
use crate::log::vocab::{Approval, RequestState};
use crate::log::{self, event, Entry, Event, Kind};
use crate::record::initials_of;
use crate::record::ClientId;
use crate::sharing::policy;
use crate::support::error::{Error, Result};
use crate::vault::Session;

/// Which decisions to list; every filter given must hold.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DecisionFilter {
    pub client: Option<i64>,
    pub recipient: Option<RecipientKind>,
    pub kind: Option<DecisionKind>,
    /// Only shares and requests still awaiting a manager's approval.
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>"))]
    pub awaiting_approval: bool,
}

/// One decision as a row of the list, in plain words.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    /// The entry's number in the log (for the detail page; not shown as a client id).
    pub id: i64,
    /// When, as people read it: "Tue 1 Dec 2026, 14:20" (the laptop's time zone).
    pub when: String,
    pub kind: DecisionKind,
    /// "Shared with Police", "Decided not to share with Housing", "Consent refused: MARAC".
    pub what: String,
    pub client: Option<i64>,
    /// The client's case reference and initials ("a purged case" when purged).
    pub case: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub recipient: Option<RecipientKind>,
    /// Who decided (the entry's signer, as the log certified them).
    pub by: String,
    pub awaiting_approval: bool,
}

/// A field that did not leave, and why, in words.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct WithheldLabel {
    pub label: String,
    pub reason: String,
}

/// One decision with everything the record holds, in plain words (the ICO data-sharing
/// code of practice's list: what, to whom, why, on what basis, who decided, who approved,
/// whether the person was told, what was shared and what was not).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct DecisionDetail {
    pub row: DecisionRow,
    pub recipient_label: Option<String>,
    pub recipient_name: Option<String>,
    pub purpose: Option<String>,
    /// "Consent given", "Consent refused", "No consent recorded", …
    pub consent: Option<String>,
    pub lawful_basis: Option<String>,
    pub justification: Option<String>,
    /// The reason given (a decision not to share, a consent, a rejection).
    pub reason: Option<String>,
    /// "Yes", "No", "No — telling them would not be safe".
    pub told: Option<String>,
    pub advice: Option<String>,
    pub emergency: bool,
    /// For a consent: how it was given and when it is to be reviewed.
    pub method: Option<String>,
    pub review_on: Option<String>,
    pub fields_shared: Vec<String>,
    pub fields_withheld: Vec<WithheldLabel>,
    /// "Not needed: shared on the person's consent", "Approved by dana, Tue 1 Dec 2026, 14:20",
    /// "Awaiting a manager's approval", "Rejected by dana: …"; none for a consent.
    pub approval: Option<String>,
    pub approved_by: Option<String>,
    pub approved_when: Option<String>,
    /// Technical details: the exported file's SHA-256, its format, the log's chain head at
    /// the export.
    pub file_sha256: Option<String>,
    pub file_format: Option<String>,
    pub chain_head: Option<String>,
}

/// "Tue 1 Dec 2026, 14:20" in the laptop's time zone (the RFC 3339 text if it does not parse).
pub fn when_text(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%a %-d %b %Y, %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn recipient_words(r: RecipientKind) -> &'static str {
    match r {
        RecipientKind::Marac => "MARAC",
        RecipientKind::ChildrensSocialCare => "children's social care",
        RecipientKind::Police => "the police",
        RecipientKind::Health => "health",
        RecipientKind::Housing => "housing",
    }
}

fn consent_words(state: &str) -> String {
    match state {
        "given" => "Consent given",
        "refused" => "Consent refused",
        "withdrawn" => "Consent withdrawn",
        "not_sought" => "Consent not sought",
        "lacks_capacity" => "The person lacks capacity to consent",
        "not_recorded" => "No consent recorded",
        _ => "Consent state not recognised",
    }
    .to_string()
}

fn basis_words(basis: &str) -> String {
    match basis {
        "safeguarding_child" => "Safeguarding a child",
        "safeguarding_adult" => "Safeguarding an adult at risk",
        "prevent_detect_crime" => "Preventing or detecting crime",
        "legal_duty" => "A legal duty",
        "vital_interests" => "Vital interests (a risk to life)",
        "public_interest" => "The public interest",
        _ => "A basis not recognised",
    }
    .to_string()
}

fn told_words(told: &str) -> String {
    match told {
        "yes" => "Yes",
        "no" => "No",
        "not_safe" => "No — telling them would not be safe",
        _ => "Not recorded",
    }
    .to_string()
}

/// What a consent or decision entry says, from its [`Event`] (an entry that does not read
/// as one says nothing); words that are empty read as absent. Codes stay words here: the
/// views put them into sentences.
#[derive(Default)]
struct Said {
    recipient: Option<RecipientKind>,
    /// A consent's state.
    state: Option<String>,
    purpose: Option<String>,
    purpose_text: Option<String>,
    recipient_name: Option<String>,
    /// The consent a share or decline relied on or met.
    consent_state: Option<String>,
    lawful_basis: Option<String>,
    justification: Option<String>,
    reason: Option<String>,
    told: Option<String>,
    advice: Option<String>,
    emergency: bool,
    method: Option<String>,
    review_on: Option<String>,
    fields_shared: Vec<String>,
    fields_withheld: Vec<(String, String)>,
    sha256: Option<String>,
    format: Option<String>,
    chain_head: Option<String>,
}

fn words(s: &str) -> Option<String> {
    Some(s.to_string()).filter(|s| !s.is_empty())
}

fn some_words(s: Option<&str>) -> Option<String> {
    s.and_then(words)
}

impl Said {
    fn of(e: &Entry) -> Said {
        let asked = |a: &log::event::Asked| Said {
            recipient: Some(a.recipient),
            purpose: words(&a.purpose),
            purpose_text: some_words(a.purpose_text.as_deref()),
            recipient_name: some_words(a.recipient_name.as_deref()),
            consent_state: words(&a.consent_state),
            lawful_basis: a.lawful_basis.map(|b| b.as_str().to_string()),
            justification: some_words(a.justification.as_deref()),
            told: a.told.map(|t| t.as_str().to_string()),
            advice: some_words(a.advice.as_deref()),
            ..Said::default()
        };
        match Event::parse(&e.event, &e.body) {
            Ok(Event::ConsentRecorded(c)) => Said {
                recipient: Some(c.recipient),
                state: Some(c.state.as_str().to_string()),
                purpose: words(&c.purpose),
                purpose_text: some_words(c.purpose_text.as_deref()),
                reason: some_words(c.reason.as_deref()),
                method: Some(c.method.as_str().to_string()),
                review_on: c.review_on.map(|d| d.to_string()),
                ..Said::default()
            },
            Ok(Event::Share(s)) => Said {
                emergency: s.emergency,
                fields_shared: s.fields_shared,
                fields_withheld: withheld_of(&s.fields_withheld),
                sha256: words(&s.sha256),
                format: Some(match s.format {
                    Format::Pdf => "pdf".to_string(),
                    Format::Json => "json".to_string(),
                }),
                chain_head: words(&s.chain_head_at_export),
                ..asked(&s.asked)
            },
            Ok(Event::ShareRequested(r)) => Said { fields_shared: r.fields_shared, ..asked(&r.asked) },
            Ok(Event::Decline(d)) => Said {
                recipient: Some(d.recipient),
                purpose: words(&d.purpose),
                purpose_text: some_words(d.purpose_text.as_deref()),
                consent_state: words(&d.consent_state),
                reason: words(&d.reason),
                ..Said::default()
            },
            _ => Said::default(),
        }
    }

    fn purpose(&self) -> Option<String> {
        let recipient = self.recipient?;
        let code = self.purpose.as_deref()?;
        Some(Purpose::from_stored(recipient, code, self.purpose_text.as_deref()).label())
    }
}

/// A share's withheld fields (path, reason), as its body lists them.
fn withheld_of(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| {
                    let path = w.get("path").and_then(Value::as_str)?;
                    Some((
                        path.to_string(),
                        w.get("reason").and_then(Value::as_str).unwrap_or("").to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The kind of a consent entry by its state.
fn consent_kind(state: &str) -> DecisionKind {
    match state {
        "given" => DecisionKind::ConsentGiven,
        "refused" | "withdrawn" => DecisionKind::ConsentRefused,
        _ => DecisionKind::ConsentOther,
    }
}

/// The kind of a listed entry, or `None` for the entries that are not rows (approvals and
/// rejections are shown on the decision they decide).
fn kind_of(e: &Entry) -> Option<DecisionKind> {
    match (e.kind.as_str(), e.event.as_str()) {
        ("consent", "consent_recorded") => Some(consent_kind(&Said::of(e).state.unwrap_or_default())),
        ("decision", "share") => Some(DecisionKind::Share),
        ("decision", "decline") => Some(DecisionKind::Decline),
        ("decision", "share_requested") => Some(DecisionKind::Request),
        _ => None,
    }
}

fn what_of(kind: DecisionKind, said: &Said, awaiting: bool) -> String {
    let to = said.recipient.map_or("an unknown recipient", recipient_words);
    let mut words = match kind {
        DecisionKind::Share => format!("Shared with {to}"),
        DecisionKind::Decline => format!("Decided not to share with {to}"),
        DecisionKind::Request => format!("Asked a manager to approve sharing with {to}"),
        DecisionKind::ConsentGiven | DecisionKind::ConsentRefused | DecisionKind::ConsentOther => {
            format!("{}: {to}", consent_words(said.state.as_deref().unwrap_or_default()))
        }
    };
    if awaiting {
        words.push_str(" — awaiting a manager's approval");
    }
    words
}

impl Session {
    /// The case reference and initials of a client ("a purged case" once purged).
    fn case_words(&self, client: Option<i64>) -> Result<String> {
        let Some(id) = client else { return Ok("no client".into()) };
        let row: Option<(String, String)> = self
            .conn()
            .query_row("SELECT case_reference, full_name FROM clients WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(match row {
            Some((reference, name)) => format!("{reference} · {}", initials_of(&name)),
            None => "a purged case".into(),
        })
    }

    /// The entry's signer as the log certified them, or `None` if the entry does not hold.
    fn signer_name(&self, seq: i64) -> Result<Option<String>> {
        let author = log::signed_author(self.conn(), self.identities(), seq)?;
        Ok(author.and_then(|a| self.identities().member(a)).map(|m| m.name.clone()))
    }

    /// Whether share or request `e` still awaits a manager's approval.
    fn awaits(&self, e: &Entry, kind: DecisionKind, awaiting_shares: &[i64]) -> Result<bool> {
        Ok(match kind {
            DecisionKind::Share => awaiting_shares.contains(&e.seq),
            DecisionKind::Request => self.request_state(e.seq)? == RequestState::Pending,
            _ => false,
        })
    }

    fn rows(&self, filter: &DecisionFilter) -> Result<Vec<(DecisionRow, Entry)>> {
        let mut entries = log::list(self.conn(), filter.client, Some(Kind::Decision))?;
        entries.extend(log::list(self.conn(), filter.client, Some(Kind::Consent))?);
        entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
        let awaiting_shares: Vec<i64> = self.awaiting_approval()?.into_iter().map(|(seq, _)| seq).collect();
        let mut out = Vec::new();
        for e in entries {
            let Some(kind) = kind_of(&e) else { continue };
            let said = Said::of(&e);
            if filter.kind.is_some_and(|k| k != kind)
                || filter.recipient.is_some_and(|r| Some(r) != said.recipient)
            {
                continue;
            }
            let awaiting = self.awaits(&e, kind, &awaiting_shares)?;
            if filter.awaiting_approval && !awaiting {
                continue;
            }
            let Some(by) = self.signer_name(e.seq)? else { continue };
            let row = DecisionRow {
                id: e.seq,
                when: when_text(&e.at),
                kind,
                what: what_of(kind, &said, awaiting),
                client: e.client_id,
                case: self.case_words(e.client_id)?,
                recipient: said.recipient,
                by,
                awaiting_approval: awaiting,
            };
            out.push((row, e));
        }
        Ok(out)
    }

    /// The decisions that `filter` selects, newest first, each from a signed entry (one that
    /// does not hold is left out). An audited read (`decisions_viewed`: how many, which
    /// filters; never a value).
    pub fn decisions(&mut self, filter: &DecisionFilter) -> Result<Vec<DecisionRow>> {
        if let Some(c) = filter.client {
            self.load_client(ClientId(c))?;
        }
        let rows: Vec<DecisionRow> = self.rows(filter)?.into_iter().map(|(r, _)| r).collect();
        let viewed = event::DecisionsViewed {
            decisions: rows.len(),
            recipient: filter.recipient,
            kind: filter.kind,
            awaiting_approval: filter.awaiting_approval,
        };
        self.audit(filter.client, Event::DecisionsViewed(viewed))?;
        Ok(rows)
    }

    /// One decision in full, from its signed entry (refused if the entry does not hold). An
    /// audited read (`decision_viewed`, naming the entry).
    pub fn decision(&mut self, id: i64) -> Result<DecisionDetail> {
        if id <= 0 {
            return Err(Error::invalid("a decision's number is a positive whole number"));
        }
        let client: Option<Option<i64>> = self
            .conn()
            .query_row("SELECT client_id FROM log_entries WHERE seq = ?1", [id], |r| r.get(0))
            .optional()?;
        let client = client.ok_or(Error::NotFound("decision"))?;
        let filter = DecisionFilter { client, ..Default::default() };
        let (row, e) =
            self.rows(&filter)?.into_iter().find(|(r, _)| r.id == id).ok_or(Error::NotFound("decision"))?;
        let detail = self.detail(row, &e)?;
        self.audit(client, Event::DecisionViewed(event::DecisionViewed { decision: id }))?;
        Ok(detail)
    }

    fn detail(&self, row: DecisionRow, e: &Entry) -> Result<DecisionDetail> {
        let said = Said::of(e);
        let withheld = said
            .fields_withheld
            .iter()
            .map(|(path, reason)| WithheldLabel {
                label: policy::label_of_shown(path),
                reason: reason.clone(),
            })
            .collect();
        let is_consent = e.kind == "consent";
        let consent = if is_consent { said.state.clone() } else { said.consent_state.clone() };
        let (approval, approved_by, approved_when) = self.approval_words(row.kind, e)?;
        let recipient = said.recipient;
        Ok(DecisionDetail {
            recipient_label: recipient.map(|r| {
                policy::profiles()
                    .ok()
                    .and_then(|p| p.get(r).ok())
                    .map_or_else(|| recipient_words(r).to_string(), |p| p.label.clone())
            }),
            recipient_name: said.recipient_name.clone(),
            purpose: said.purpose(),
            consent: consent.map(|c| consent_words(&c)),
            lawful_basis: said.lawful_basis.as_deref().map(basis_words),
            justification: said.justification.clone(),
            reason: said.reason.clone(),
            told: match row.kind {
                DecisionKind::Share | DecisionKind::Request => {
                    Some(said.told.as_deref().map_or_else(|| "Not recorded".to_string(), told_words))
                }
                _ => None,
            },
            advice: said.advice.clone(),
            emergency: said.emergency,
            method: if is_consent { said.method.as_deref().map(|m| m.replace('_', " ")) } else { None },
            review_on: if is_consent { said.review_on.clone() } else { None },
            fields_shared: said.fields_shared.iter().map(|p| policy::label_of_shown(p)).collect(),
            fields_withheld: withheld,
            approval,
            approved_by,
            approved_when,
            file_sha256: said.sha256.clone(),
            file_format: said.format.as_deref().map(str::to_uppercase),
            chain_head: said.chain_head.clone(),
            row,
        })
    }

    /// The approval of a share or a request in words, with the approver and when, counting
    /// only approvals a manager signed.
    #[allow(clippy::type_complexity)]
    fn approval_words(
        &self,
        kind: DecisionKind,
        e: &Entry,
    ) -> Result<(Option<String>, Option<String>, Option<String>)> {
        let at_of = |seq: i64| -> Result<Option<String>> {
            Ok(self
                .conn()
                .query_row("SELECT at FROM log_entries WHERE seq = ?1", [seq], |r| r.get::<_, String>(0))
                .optional()?
                .map(|at| when_text(&at)))
        };
        let approved = |by: String,
                        seq: i64,
                        afterwards: bool|
         -> Result<(Option<String>, Option<String>, Option<String>)> {
            let when = at_of(seq)?;
            let words = format!(
                "Approved{} by {by}{}",
                if afterwards { " afterwards" } else { "" },
                when.as_deref().map(|w| format!(", {w}")).unwrap_or_default()
            );
            Ok((Some(words), Some(by), when))
        };
        let share = match Event::parse(&e.event, &e.body) {
            Ok(Event::Share(share)) => Some(share),
            _ => None,
        };
        match kind {
            DecisionKind::Share => match share.as_ref().map(|s| s.approval) {
                Some(Approval::NotRequired) => {
                    Ok((Some("Not needed: shared on the person's consent".into()), None, None))
                }
                Some(Approval::Approved) => {
                    // The approver is the certified signer of the manager's approval of
                    // this share's request, never a name the share's own body states.
                    let entry = share.as_ref().and_then(|s| s.approval_entry);
                    let request = share.as_ref().and_then(|s| s.request);
                    let approves: Option<i64> = match (entry, request) {
                        (Some(seq), Some(request)) => self
                            .conn()
                            .query_row(
                                "SELECT seq FROM log_entries WHERE seq = ?1 AND kind = 'decision'
                                    AND event = 'share_request_approved' AND json_extract(body, '$.request') = ?2",
                                [seq, request],
                                |r| r.get(0),
                            )
                            .optional()?,
                        _ => None,
                    };
                    let by = match approves {
                        Some(seq) if log::is_signed_by_manager(self.conn(), self.identities(), seq)? => {
                            self.signer_name(seq)?.map(|by| (by, seq))
                        }
                        _ => None,
                    };
                    match by {
                        Some((by, seq)) => approved(by, seq, false),
                        None => Ok((Some("Approval not found in the signed log".into()), None, None)),
                    }
                }
                _ => {
                    // An emergency share: approved afterwards by a manager's signed `approval`
                    // (the approver named as the log certified its signer).
                    let mut stmt = self.conn().prepare(
                        "SELECT seq FROM log_entries
                          WHERE kind = 'decision' AND event = 'approval' AND json_extract(body, '$.decision') = ?1
                          ORDER BY seq",
                    )?;
                    let found = stmt
                        .query_map([e.seq], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    for seq in found {
                        if log::is_signed_by_manager(self.conn(), self.identities(), seq)? {
                            if let Some(by) = self.signer_name(seq)? {
                                return approved(by, seq, true);
                            }
                        }
                    }
                    Ok((Some("Awaiting a manager's approval (shared in an emergency)".into()), None, None))
                }
            },
            DecisionKind::Request => {
                let requester = log::signed_author(self.conn(), self.identities(), e.seq)?;
                match self.request_state(e.seq)? {
                    RequestState::Pending => Ok((Some("Awaiting a manager's approval".into()), None, None)),
                    RequestState::Rejected => {
                        let rejections =
                            self.decisions_by_managers(e.seq, "share_request_rejected", requester)?;
                        let Some(seq) = rejections.first().copied() else {
                            return Ok((Some("Rejected".into()), None, None));
                        };
                        let body: Option<String> = self
                            .conn()
                            .query_row("SELECT body FROM log_entries WHERE seq = ?1", [seq], |r| r.get(0))
                            .optional()?;
                        let mut body: Value =
                            body.and_then(|b| serde_json::from_str(&b).ok()).unwrap_or(Value::Null);
                        crate::log::shred::open_body(self.conn(), e.client_id, &mut body)?;
                        let (by, reason) = match Event::parse("share_request_rejected", &body) {
                            Ok(Event::ShareRequestRejected(r)) => (r.rejected_by, words(&r.reason)),
                            _ => (String::new(), None),
                        };
                        let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
                        let when = at_of(seq)?.map(|w| format!(", {w}")).unwrap_or_default();
                        Ok((Some(format!("Rejected by {by}{when}{reason}")), None, None))
                    }
                    RequestState::Approved | RequestState::Finished => {
                        match self.approval_of(e.seq, requester)? {
                            Some((seq, by, _)) => approved(by, seq, false),
                            None => Ok((Some("Approval not found in the signed log".into()), None, None)),
                        }
                    }
                }
            }
            _ => Ok((None, None, None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_for_people_not_event_names() {
        assert_eq!(consent_words("refused"), "Consent refused");
        assert_eq!(consent_kind("withdrawn"), DecisionKind::ConsentRefused);
        assert_eq!(told_words("not_safe"), "No — telling them would not be safe");
        let entry = |kind: &str, event: &str, body| Entry {
            seq: 1,
            at: "2030-05-01T10:00:00Z".into(),
            kind: kind.into(),
            event: event.into(),
            actor: None,
            client_id: Some(1),
            body,
            hash: String::new(),
        };
        let consent = entry(
            "consent",
            "consent_recorded",
            json!({"recipient": "police", "purpose": "general", "state": "refused", "method": "verbal", "recorded_by": "cara"}),
        );
        assert_eq!(kind_of(&consent), Some(DecisionKind::ConsentRefused));
        assert_eq!(
            what_of(DecisionKind::ConsentRefused, &Said::of(&consent), false),
            "Consent refused: the police"
        );
        let decline = entry(
            "decision",
            "decline",
            json!({"decision": "decline", "recipient": "marac", "purpose": "general", "purpose_text": null,
                   "reason": "no need to know shown", "consent_state": "refused", "consent_entry": null, "made_by": "cara"}),
        );
        assert_eq!(
            what_of(DecisionKind::Share, &Said::of(&decline), true),
            "Shared with MARAC — awaiting a manager's approval"
        );
        // An entry that does not read as its event says nothing.
        let odd = entry("decision", "decline", json!({"recipient": "marac"}));
        assert_eq!(
            what_of(DecisionKind::Decline, &Said::of(&odd), false),
            "Decided not to share with an unknown recipient"
        );
        assert_eq!(when_text("not a time"), "not a time");
        assert_eq!(policy::label_of_shown("contact[2].code_word"), "Contact 2: code word");
        assert_eq!(policy::label_of_shown("client.full_name"), "Full name");
        assert_eq!(policy::label_of_shown("note[2].text"), "Note 2: text");
    }
}
