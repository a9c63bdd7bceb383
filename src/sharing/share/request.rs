//! A share that needs a manager's approval, approved in the manager's own session.
//!
//! 1. The caseworker asks ([`Session::request_share`]): the gate runs as for a share, the
//!    redacted view is built (firewall included), and a signed `share_requested` decision
//!    records the request with the [`view_digest`] of what would leave.
//! 2. A manager other than the requester approves it ([`Session::approve_request`]: a signed
//!    `share_request_approved` naming the digest) or rejects it with a reason
//!    ([`Session::reject_request`]: `share_request_rejected`).
//! 3. The requester finishes it ([`Session::finish_request`]): the view is rebuilt now from
//!    the request's stored parameters, the gate runs again, and the share goes ahead only if
//!    the view's digest is the approved one. Once.

use std::path::Path;

use data_encoding::HEXLOWER;
use rusqlite::OptionalExtension;
use serde_json::json;

use super::{asked, basis, check_out_path, Approval, ShareReceipt, ShareRequest};
use crate::log::event::{ShareRequestApproved, ShareRequestRejected, ShareRequested};
use crate::log::identity::Role;
use crate::log::vocab::Format;
use crate::log::vocab::RequestState;
use crate::log::{self, Event};
use crate::record::ClientId;
use crate::sharing::policy::RedactedView;
use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::support::input::{text, Lines};
use crate::support::matcher::FIREWALL_VERSION;
use crate::vault::Session;

/// The manager's approval a finished request rests on.
pub(super) struct Approved {
    pub by: String,
    pub request: i64,
    pub entry: i64,
}

/// One share request and where it stands (no record value).
#[derive(Debug, Clone)]
pub struct ShareRequestStatus {
    pub id: i64,
    pub client_id: Option<i64>,
    /// The user id of the caseworker who asked.
    pub requested_by: Option<i64>,
    /// When it was asked (RFC 3339).
    pub at: String,
    pub state: RequestState,
}

/// The SHA-256 (hex) of the canonical bytes of what would leave: the recipient, the
/// purpose and recipient name as they leave, every field and excerpt, the contact line,
/// every masking, and the profile and firewall versions. Not the export's envelope (the
/// disclosure id, the chain head, the time), which differs at every export.
pub fn view_digest(view: &RedactedView) -> Result<String> {
    let canonical = json!({
        "recipient": view.recipient(),
        "recipient_label": view.recipient_label(),
        "profile_version": view.profile_version(),
        "firewall_version": FIREWALL_VERSION,
        "purpose": view.purpose(),
        "recipient_name": view.recipient_name(),
        "fields": view.fields(),
        "excerpts": view.excerpts(),
        "contact_through": view.contact_through(),
        "masked": view.masked(),
    });
    let bytes = serde_json::to_vec(&canonical)
        .map_err(|_| Error::Storage("could not encode the view for its digest".into()))?;
    Ok(HEXLOWER.encode(&crypto::sha256(&[&bytes])))
}

/// A stored `share_requested` entry.
struct Stored {
    client: Option<i64>,
    actor: Option<i64>,
    request: ShareRequested,
}

fn parse_id(id: i64) -> Result<i64> {
    if id > 0 {
        Ok(id)
    } else {
        Err(Error::invalid("a request id is a positive whole number"))
    }
}

impl Stored {
    /// The share as it was asked, rebuilt from the signed entry: the purpose and recipient
    /// name as they would leave (a request never carries masked ones, so they are the
    /// words typed), every other word as recorded.
    fn share_request(&self) -> Result<ShareRequest> {
        let malformed = || Error::Integrity("a share request entry is malformed".into());
        let client = self.client.map(ClientId).ok_or_else(malformed)?;
        let asked = &self.request.asked;
        let purpose = asked.purpose_text.clone().unwrap_or_else(|| asked.purpose.clone());
        Ok(ShareRequest {
            client,
            recipient: asked.recipient,
            purpose,
            recipient_name: asked.recipient_name.clone(),
            lawful_basis: asked.lawful_basis,
            justification: asked.justification.clone(),
            emergency: false,
            told: asked.told,
            advice: asked.advice.clone(),
            excerpts: asked.excerpts.clone(),
        })
    }
}

impl Session {
    /// Asks a manager to approve a share that needs approval (no consent: a lawful basis
    /// and a justification). Runs the gate and builds the view exactly as `share` would,
    /// writes nothing but the signed `share_requested` entry, and returns its id.
    pub fn request_share(&mut self, req: &ShareRequest) -> Result<i64> {
        let req = req.normalised()?;
        if req.emergency {
            return Err(Error::invalid(
                "an emergency share is shared now and approved afterwards: use `emergency` or `request`, not both",
            ));
        }
        let purpose = req.purpose()?;
        let (consent, view) = self.consent_and_view(&req)?;
        let (outcome, _) = basis(&consent, &req)?;
        if outcome.approval != Approval::Awaiting {
            return Err(Error::invalid("this share needs no approval; share it directly"));
        }
        // The request is rebuilt from the words as they would leave: masked ones would not
        // rebuild the same view, and the approver should read what will leave.
        if let Some(m) = view.masked().iter().find(|m| m.path == "purpose" || m.path == "recipient_name") {
            return Err(Error::invalid(format!(
                "the {} would leave masked ({}): reword it before asking for approval",
                m.path.replace('_', " "),
                m.kind.label()
            )));
        }
        let digest = view_digest(&view)?;
        let event = Event::ShareRequested(ShareRequested {
            asked: asked(&req, &purpose, &view, &outcome, "share_requested")?,
            fields_shared: view.shared_paths(),
            digest,
            requested_by: self.user().name.clone(),
        });
        let client = req.client.0;
        self.write(|tx, s| s.append(tx, Some(client), &event))
    }

    fn stored_request(&self, id: i64) -> Result<Stored> {
        let id = parse_id(id)?;
        let row: Option<(String, String, Option<i64>, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT event, body, client_id, actor_id FROM log_entries WHERE seq = ?1 AND kind = 'decision'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (event, body, client, actor) = row.ok_or(Error::NotFound("share request"))?;
        if event != "share_requested" {
            return Err(Error::invalid("that decision is not a share request"));
        }
        let mut body = serde_json::from_str(&body)
            .map_err(|_| Error::Integrity("a share request entry is malformed".into()))?;
        // Its free text (justification, advice, recipient name, purpose words) is sealed
        // under the client's key in the log (log::shred).
        crate::log::shred::open_body(self.conn(), client, &mut body)?;
        let Event::ShareRequested(request) = Event::parse(&event, &body)? else {
            return Err(Error::invalid("that decision is not a share request"));
        };
        Ok(Stored { client, actor, request })
    }

    /// The approval of request `id`, if any: (entry, approved_by, digest) — the first one
    /// a manager other than the requester signed (checked as [`log::is_signed_by_manager`]
    /// checks: hash, certified key, role, signature), and refused unless it names its signer.
    pub(crate) fn approval_of(
        &self,
        id: i64,
        requester: Option<i64>,
    ) -> Result<Option<(i64, String, String)>> {
        let Some(seq) =
            self.decisions_by_managers(id, "share_request_approved", requester)?.into_iter().next()
        else {
            return Ok(None);
        };
        let (body, actor): (String, Option<i64>) =
            self.conn().query_row("SELECT body, actor_id FROM log_entries WHERE seq = ?1", [seq], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let Event::ShareRequestApproved(ShareRequestApproved { approved_by: by, digest, .. }) =
            Event::parse_str("share_request_approved", &body)?
        else {
            return Err(Error::Integrity("an approval entry is malformed".into()));
        };
        let signer = self.users()?.into_iter().find(|u| Some(u.id) == actor);
        if !signer.is_some_and(|u| u.role == Role::Manager && u.name == by && Some(u.id) != requester) {
            return Err(Error::Integrity(
                "the approval of that share request does not name its signer".into(),
            ));
        }
        Ok(Some((seq, by, digest)))
    }

    /// The `event` entries (approvals or rejections) on request `id` that a manager other
    /// than the requester signed, oldest first. Every user holds the database key and can
    /// append an entry under any name; only a manager's own signature counts, checked on
    /// read (never the `users` table, a cache).
    pub(crate) fn decisions_by_managers(
        &self,
        id: i64,
        event: &str,
        requester: Option<i64>,
    ) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare(
            "SELECT seq FROM log_entries WHERE kind = 'decision' AND event = ?1
                AND json_extract(body, '$.request') = ?2 AND actor_id IS NOT ?3 ORDER BY seq",
        )?;
        let seqs = stmt
            .query_map(rusqlite::params![event, id, requester], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        let mut out = Vec::new();
        for seq in seqs {
            if log::is_signed_by_manager(self.conn(), self.identities(), seq)? {
                out.push(seq);
            }
        }
        Ok(out)
    }

    /// Where request `id` stands.
    pub(crate) fn request_state(&self, id: i64) -> Result<RequestState> {
        let requester: Option<i64> = self
            .conn()
            .query_row("SELECT actor_id FROM log_entries WHERE seq = ?1", [id], |r| r.get(0))
            .optional()?
            .flatten();
        let approved = self.decisions_by_managers(id, "share_request_approved", requester)?.len() as i64;
        let rejected = self.decisions_by_managers(id, "share_request_rejected", requester)?.len() as i64;
        let finished: i64 = self.conn().query_row(&format!("SELECT {FINISHED}"), [id], |r| r.get(0))?;
        Ok(state_of(approved, rejected, finished))
    }

    /// Checks that a manager other than the requester may decide on request `id` now.
    fn decidable(&self, id: i64) -> Result<Stored> {
        self.require_manager()?;
        let stored = self.stored_request(id)?;
        if stored.actor == Some(self.user().id) {
            return Err(Error::Forbidden("a caseworker cannot approve or reject their own share request"));
        }
        match self.request_state(id)? {
            RequestState::Pending => Ok(stored),
            RequestState::Rejected => Err(Error::invalid("that share request was already rejected")),
            RequestState::Approved | RequestState::Finished => {
                Err(Error::invalid("that share request was already approved"))
            }
        }
    }

    /// Appends a manager's signed decision `event` on request `id` (see [`Self::decidable`]),
    /// its body made from the stored request and the manager's name.
    fn decide(&mut self, id: i64, event: impl FnOnce(&Stored, &str) -> Event) -> Result<i64> {
        let stored = self.decidable(id)?;
        let event = event(&stored, &self.user().name);
        self.write(|tx, s| s.append(tx, stored.client, &event))
    }

    /// A manager (never the requester) approves share request `id`, in their own session:
    /// a signed `share_request_approved` entry naming the digest of what may leave.
    pub fn approve_request(&mut self, id: i64) -> Result<i64> {
        self.decide(id, |stored, me| {
            Event::ShareRequestApproved(ShareRequestApproved {
                request: id,
                digest: stored.request.digest.clone(),
                approved_by: me.to_string(),
            })
        })
    }

    /// A manager (never the requester) rejects share request `id`, with a reason of at
    /// least 10 characters: a signed `share_request_rejected` entry.
    pub fn reject_request(&mut self, id: i64, reason: &str) -> Result<i64> {
        let reason = text("reason", Some(reason), 4000, Lines::Breaks)?
            .filter(|r| r.chars().count() >= 10)
            .ok_or_else(|| {
            Error::invalid("rejecting a share request needs a reason of at least 10 characters (`reason`)")
        })?;
        self.decide(id, |_, me| {
            Event::ShareRequestRejected(ShareRequestRejected {
                request: id,
                reason,
                rejected_by: me.to_string(),
            })
        })
    }

    /// The requester finishes their approved request `id`: the view is rebuilt now, the gate
    /// runs again, and the share goes ahead (exactly as `share`) only if what would leave
    /// is what was approved. A request is finished once (a file that was never delivered
    /// may be tried again).
    pub fn finish_request(&mut self, id: i64, format: Format, out: &Path) -> Result<ShareReceipt> {
        let stored = self.stored_request(id)?;
        if stored.actor != Some(self.user().id) {
            return Err(Error::Forbidden("only the caseworker who asked can finish a share request"));
        }
        match self.request_state(id)? {
            RequestState::Approved => {}
            RequestState::Pending => {
                return Err(Error::invalid("that share request awaits a manager's approval"))
            }
            RequestState::Rejected => return Err(Error::invalid("that share request was rejected")),
            RequestState::Finished => return Err(Error::invalid("that share request was already shared")),
        }
        let (entry, by, digest) = self
            .approval_of(id, stored.actor)?
            .ok_or_else(|| Error::Integrity("an approved request has no approval".into()))?;
        let req = stored.share_request()?.normalised()?;
        check_out_path(out)?;
        let (outcome, view) = self.gate_and_view(&req, true)?;
        if view_digest(&view)? != digest {
            return Err(Error::invalid(
                "what would leave now differs from what was approved (the record or the consent changed since): ask again",
            ));
        }
        let approved = Approved { by, request: id, entry };
        self.export(&req, &outcome, &view, format, out, Some(&approved))
    }

    /// Every share request and where it stands, oldest first.
    pub fn share_requests(&self) -> Result<Vec<ShareRequestStatus>> {
        let mut stmt = self.conn().prepare(
            "SELECT r.seq, r.client_id, r.actor_id, r.at FROM log_entries r
              WHERE r.kind = 'decision' AND r.event = 'share_requested' ORDER BY r.seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<Vec<(i64, Option<i64>, Option<i64>, String)>>>()?;
        rows.into_iter()
            .map(|(id, client_id, requested_by, at)| {
                Ok(ShareRequestStatus { id, client_id, requested_by, at, state: self.request_state(id)? })
            })
            .collect()
    }
}

/// The count of a request's delivered shares: signed by the worker who asked (a share whose
/// file was never delivered — `export_failed` or `export_incomplete` — does not finish it).
/// `?1` is the request's seq. Approvals and rejections are counted apart, by signature
/// ([`Session::decisions_by_managers`]).
const FINISHED: &str = "
    (SELECT count(*) FROM log_entries f
      WHERE f.kind = 'decision' AND f.event = 'share' AND json_extract(f.body, '$.request') = ?1
        AND f.actor_id IS (SELECT q.actor_id FROM log_entries q WHERE q.seq = ?1)
        AND NOT EXISTS (SELECT 1 FROM log_entries x WHERE x.kind = 'audit'
            AND x.event IN ('export_failed', 'export_incomplete') AND json_extract(x.body, '$.decision') = f.seq))";

fn state_of(approved: i64, rejected: i64, finished: i64) -> RequestState {
    if rejected > 0 {
        RequestState::Rejected
    } else if finished > 0 {
        RequestState::Finished
    } else if approved > 0 {
        RequestState::Approved
    } else {
        RequestState::Pending
    }
}
