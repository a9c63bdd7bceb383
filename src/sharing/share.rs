//! Sharing and not sharing: the consent / lawful-basis gate, the export, and the signed
//! disclosure record written in the same transaction as the file. A share that needs a
//! manager's approval is asked for, approved and finished in [`request`].

mod request;

pub use request::{view_digest, ShareRequestStatus};

use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::casework::consent::{ConsentDecision, Purpose};
use crate::log::vocab::Format;
use crate::log::vocab::RecipientKind;
use crate::log::vocab::{Approval, LawfulBasis, Told};
use crate::log::{self, event, Event};
use crate::record::ClientId;
use crate::record::Date;
use crate::sharing::export::{self, Envelope};
use crate::sharing::policy::{self, RedactOptions, RedactedView};
use crate::support::crypto;
use crate::support::error::{Error, Result};
use crate::support::fsutil;
use crate::support::input::{text, Lines};
use crate::support::matcher::FIREWALL_VERSION;
use crate::vault::deliver;
use crate::vault::Session;

/// What the worker asks to share.
#[derive(Debug, Clone)]
pub struct ShareRequest {
    pub client: ClientId,
    pub recipient: RecipientKind,
    pub purpose: String,
    pub recipient_name: Option<String>,
    pub lawful_basis: Option<LawfulBasis>,
    pub justification: Option<String>,
    pub emergency: bool,
    pub told: Option<Told>,
    pub advice: Option<String>,
    pub excerpts: Vec<usize>,
}

/// What the share preview shows: what would leave, exactly as it will leave (the same view
/// `share` renders), what the firewall masked, what would not leave and why, and what the
/// gate says.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct SharePreview {
    pub recipient: RecipientKind,
    pub recipient_label: String,
    pub purpose: String,
    pub recipient_name: Option<String>,
    pub gate: GateReport,
    pub will_share: Vec<policy::SharedField>,
    /// Do-not-use contacts, each with its warning in words (first in every export).
    pub do_not_contact: Vec<policy::DoNotContact>,
    /// The safe route: each contact with its times and flags as instructions.
    pub safe_contacts: Vec<policy::SafeContact>,
    pub excerpts: Vec<policy::Excerpt>,
    pub masked: Vec<policy::firewall::Masking>,
    pub contact_through: Option<policy::ContactThrough>,
    /// Each field that will not leave: its path, its label in words, why.
    pub withheld: Vec<WithheldView>,
    /// For a MARAC referral: what a manager has still to set of the referrer block.
    pub referrer_missing: Option<String>,
}

/// What the gate says of a previewed share: allowed, and why (`outcome`), or not, and what
/// it needs (`needs`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields))]
#[derive(Debug, Serialize)]
pub struct GateReport {
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<GateOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}

/// A field that will not leave, for the preview: its path, its label in words, why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct WithheldView {
    pub path: String,
    pub label: String,
    pub reason: String,
}

/// Why the share may go ahead.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct GateOutcome {
    pub consent_state: String,
    pub consent_entry: Option<i64>,
    pub allowed_by: &'static str,
    pub approval: Approval,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct ShareReceipt {
    pub decision_id: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    pub sha256: String,
    pub approval: Approval,
    pub fields_shared: usize,
    pub fields_withheld: usize,
}

/// A share as every front end has it (the CLI's flags, the app's share form, whose
/// `ipc::ShareArgs` is these words and where the file goes): words as typed, read by the
/// one parser, [`ShareRequest::parse`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[derive(Debug, Clone, Deserialize)]
pub struct ShareWords {
    pub client: i64,
    pub recipient: String,
    pub purpose: String,
    pub recipient_name: Option<String>,
    pub lawful_basis: Option<String>,
    pub justification: Option<String>,
    pub emergency: bool,
    pub told: Option<String>,
    pub advice: Option<String>,
    /// Note numbers, from 1.
    pub excerpts: Vec<usize>,
}

impl ShareRequest {
    /// A plain share on the person's consent: no lawful basis, not an emergency, no note
    /// excerpts (the benchmarks' MARAC export; fields can be set after).
    pub fn on_consent(client: ClientId, recipient: RecipientKind, purpose: &str) -> ShareRequest {
        ShareRequest {
            client,
            recipient,
            purpose: purpose.to_string(),
            recipient_name: None,
            lawful_basis: None,
            justification: None,
            emergency: false,
            told: None,
            advice: None,
            excerpts: vec![],
        }
    }

    /// The one reading of a share from its words, for every front end: the recipient, the
    /// lawful basis and `told` parsed against their closed lists (empty optional words count
    /// as absent), the purpose against the recipient's. Whether `told` must be answered is
    /// the caller's to say ([`ShareRequest::require_told`]).
    pub fn parse(w: &ShareWords) -> Result<ShareRequest> {
        fn word(v: Option<&str>) -> Option<&str> {
            v.filter(|t| !t.trim().is_empty())
        }
        let req = ShareRequest {
            client: ClientId(w.client),
            recipient: w.recipient.parse::<RecipientKind>()?,
            purpose: w.purpose.clone(),
            recipient_name: w.recipient_name.clone(),
            lawful_basis: word(w.lawful_basis.as_deref()).map(str::parse::<LawfulBasis>).transpose()?,
            justification: w.justification.clone(),
            emergency: w.emergency,
            told: word(w.told.as_deref()).map(str::parse::<Told>).transpose()?,
            advice: w.advice.clone(),
            excerpts: w.excerpts.clone(),
        };
        req.purpose()?;
        Ok(req)
    }

    /// Refuses a request that does not say whether the person was told. The app's signed
    /// shares (`share`, `request_share`) never answer it for the worker, so an absent answer
    /// is refused there rather than signed as unknown.
    pub fn require_told(self) -> Result<ShareRequest> {
        if self.told.is_none() {
            return Err(Error::invalid(
                "Say whether the person was told about the share (yes, no, or not safe to tell).",
            ));
        }
        Ok(self)
    }

    fn normalised(&self) -> Result<ShareRequest> {
        let mut r = self.clone();
        r.purpose = self.purpose()?.label();
        r.recipient_name = text("recipient_name", self.recipient_name.as_deref(), 200, Lines::Breaks)?;
        r.justification = text("justification", self.justification.as_deref(), 4000, Lines::Breaks)?;
        r.advice = text("advice", self.advice.as_deref(), 2000, Lines::Breaks)?;
        if r.excerpts.len() > 50 {
            return Err(Error::invalid("at most 50 note excerpts can be shared at once"));
        }
        Ok(r)
    }
}

/// A purpose for sharing or not sharing, parsed by the one parser ([`Purpose::parse`]):
/// it must say what the information is for ("general" is a consent's, never a share's).
pub fn share_purpose(recipient: RecipientKind, typed: &str) -> Result<Purpose> {
    match Purpose::parse(recipient, Some(typed))? {
        Purpose::General => Err(Error::invalid(format!(
            "say what the information is for (`purpose`): one of {}, or other words",
            crate::casework::consent::PurposeCode::of(recipient)
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        p => Ok(p),
    }
}

impl ShareRequest {
    /// The request's purpose, parsed ([`share_purpose`]).
    pub fn purpose(&self) -> Result<Purpose> {
        share_purpose(self.recipient, &self.purpose)
    }
}

/// The consent / lawful-basis part of the gate: consent allows the share (`approval:
/// not_required`), or a lawful basis and a justification stand and a manager must approve
/// it (`approval: awaiting`, with the sentence saying why consent does not allow it).
fn basis(consent: &ConsentDecision, req: &ShareRequest) -> Result<(GateOutcome, String)> {
    let state = consent.state_word().to_string();
    let consent_entry = consent.entry_seq();
    if consent.allows_share {
        let outcome = GateOutcome {
            consent_state: state,
            consent_entry,
            allowed_by: "consent",
            approval: Approval::NotRequired,
        };
        return Ok((outcome, String::new()));
    }
    let why = match consent.state {
        Some(_) if consent.review_overdue => format!(
            "consent for {} is past its review date ({}): record it again, or share on a lawful basis",
            req.recipient,
            consent.review_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        Some(s) => format!("consent for {} ({}) is {s}", req.recipient, consent.purpose.code),
        None => format!("no consent is recorded for {} ({})", req.recipient, consent.purpose.code),
    };
    if req.lawful_basis.is_none() {
        return Err(Error::invalid(format!(
            "{why}: sharing without consent needs a lawful basis (`lawful_basis`) and a justification, approved by a manager"
        )));
    }
    if req.justification.as_deref().is_none_or(|j| j.chars().count() < 10) {
        return Err(Error::invalid(format!(
            "{why}: a share on a lawful basis needs a justification of at least 10 characters (`justification`)"
        )));
    }
    let outcome = GateOutcome {
        consent_state: state,
        consent_entry,
        allowed_by: "lawful_basis",
        approval: Approval::Awaiting,
    };
    Ok((outcome, why))
}

/// The gate: consent `given` and not past review allows the share; otherwise a lawful
/// basis, a justification and a manager's approval, given in the manager's own session to
/// a request (`approved`), or an emergency, approved afterwards.
pub fn gate(consent: &ConsentDecision, req: &ShareRequest, approved: bool) -> Result<GateOutcome> {
    let (mut outcome, why) = basis(consent, req)?;
    outcome.approval = match (outcome.approval, approved, req.emergency) {
        (_, true, _) => Approval::Approved,
        (Approval::Awaiting, false, false) => {
            return Err(Error::invalid(format!(
                "{why}: a share without consent needs a manager's approval: ask for it with `request` (a manager approves it in their own session, then you finish the share), or `emergency` to share now and be approved afterwards"
            )))
        }
        (a, false, _) => a,
    };
    Ok(outcome)
}

/// What a share and a share request both record of what was asked and what would leave:
/// the recipient, its name and the purpose's words as they leave (after the firewall: masked
/// like any other text), the consent state, the basis, what the person was told, the
/// advice, the excerpts, the maskings and the versions of the rules.
fn asked(
    req: &ShareRequest,
    purpose: &Purpose,
    view: &RedactedView,
    outcome: &GateOutcome,
    decision: &str,
) -> Result<event::Asked> {
    Ok(event::Asked {
        decision: decision.to_string(),
        recipient: req.recipient,
        recipient_name: view.recipient_name().map(str::to_string),
        purpose: purpose.code().to_string(),
        // The words of an `other` purpose as they leave.
        purpose_text: purpose.other_text().map(|_| view.purpose().to_string()),
        consent_state: outcome.consent_state.clone(),
        consent_entry: outcome.consent_entry,
        lawful_basis: req.lawful_basis,
        justification: req.justification.clone(),
        told: req.told,
        advice: req.advice.clone(),
        excerpts: req.excerpts.clone(),
        masked: encoded(view.masked())?,
        firewall_version: FIREWALL_VERSION,
        profile_version: view.profile_version(),
    })
}

/// A part of an entry's body that is kept as JSON (what the firewall masked, withheld).
pub(crate) fn encoded<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|_| Error::Storage("could not encode a log entry".into()))
}

fn check_out_path(out: &Path) -> Result<()> {
    if out.exists() {
        return Err(Error::invalid("the output file already exists; choose a new name"));
    }
    if !fsutil::parent_dir(out).is_dir() {
        return Err(Error::invalid("the output file's folder does not exist"));
    }
    Ok(())
}

impl Session {
    /// The agency named in exports ("contact through …"): its name as the latest
    /// `agency_set` entry a manager signed says (`Session::agency_details`; there is no
    /// other copy), or "agency not set".
    pub fn agency(&self) -> Result<String> {
        Ok(self.agency_details()?.agency.unwrap_or_else(|| "agency not set".into()))
    }

    /// Sets the agency's name, keeping its referrer's role, phone and e-mail (managers only).
    pub fn set_agency(&mut self, name: &str) -> Result<()> {
        let details = crate::record::settings::AgencyDetails {
            agency: Some(name.to_string()),
            ..self.agency_details()?
        };
        self.set_agency_details(&details).map(|_| ())
    }

    fn gate_and_view(&self, req: &ShareRequest, approved: bool) -> Result<(GateOutcome, RedactedView)> {
        let (consent, view) = self.consent_and_view(req)?;
        Ok((gate(&consent, req, approved)?, view))
    }

    /// The consent decision that applies to the share and the redacted view of the client
    /// for the recipient.
    fn consent_and_view(&self, req: &ShareRequest) -> Result<(ConsentDecision, RedactedView)> {
        let rec = self.load_client(req.client)?;
        let consent = self.consent_decision(req.client, req.recipient, &req.purpose()?)?;
        let settings = self.settings()?;
        let opts = RedactOptions {
            excerpts: req.excerpts.clone(),
            caseworker: self.user().name.clone(),
            agency: self.agency()?,
            risk: settings.risk,
            purpose: req.purpose.clone(),
            recipient_name: req.recipient_name.clone(),
            marac_checklist: settings.marac.checklist,
        };
        let view = policy::redact(&rec, req.recipient, &opts, Date::today())?;
        Ok((consent, view))
    }

    /// What would leave, exactly as it will leave (the same view `share` renders: fields,
    /// excerpts, purpose and recipient name after the firewall), what the firewall masked,
    /// what would not leave and why, and what the gate says. Shows record values, so it is
    /// recorded as a `share_preview` read (recipient kind and excerpt numbers; never the
    /// purpose, the recipient's name or a value); nothing else is written.
    pub fn share_preview(&mut self, req: &ShareRequest) -> Result<Value> {
        serde_json::to_value(self.preview_share(req)?)
            .map_err(|_| Error::Storage("could not encode the preview".into()))
    }

    /// [`Session::share_preview`] as its type (what the app's `share_preview` answers).
    pub fn preview_share(&mut self, req: &ShareRequest) -> Result<SharePreview> {
        let req = req.normalised()?;
        let read = event::SharePreview { recipient: req.recipient, excerpts: req.excerpts.clone() };
        let (consent, view) = self.consent_and_view(&req)?;
        let gate_report = match gate(&consent, &req, false) {
            Ok(g) => GateReport { allowed: true, outcome: Some(g), needs: None },
            Err(e) => GateReport { allowed: false, outcome: None, needs: Some(e.to_string()) },
        };
        self.audit(Some(req.client.0), Event::SharePreview(read))?;
        Ok(SharePreview {
            recipient: view.recipient(),
            recipient_label: view.recipient_label().to_string(),
            purpose: view.purpose().to_string(),
            recipient_name: view.recipient_name().map(str::to_string),
            gate: gate_report,
            will_share: view.fields().to_vec(),
            do_not_contact: view.do_not_contact().to_vec(),
            safe_contacts: view.safe_contacts().to_vec(),
            excerpts: view.excerpts().to_vec(),
            masked: view.masked().to_vec(),
            contact_through: view.contact_through().cloned(),
            // Each with its label in words, which the preview shows instead of the path.
            withheld: view
                .withheld()
                .iter()
                .map(|w| WithheldView {
                    path: w.path.clone(),
                    label: w.label.clone(),
                    reason: w.reason.clone(),
                })
                .collect(),
            // For a MARAC referral: what a manager has still to set of the referrer block
            // (the file says so plainly where it would print them).
            referrer_missing: match req.recipient {
                RecipientKind::Marac => self.agency_details()?.missing_for_marac(),
                _ => None,
            },
        })
    }

    /// Shares: checks the gate, builds the export from the redacted view, writes the file
    /// and the signed disclosure record together.
    pub fn share(&mut self, req: &ShareRequest, format: Format, out: &Path) -> Result<ShareReceipt> {
        let req = req.normalised()?;
        check_out_path(out)?;
        let (outcome, view) = self.gate_and_view(&req, false)?;
        self.export(&req, &outcome, &view, format, out, None)
    }

    /// Renders `view` to `out` and records the disclosure (with the approval it rests on, for
    /// a finished request): the record is committed first, then the file is written.
    fn export(
        &mut self,
        req: &ShareRequest,
        outcome: &GateOutcome,
        view: &RedactedView,
        format: Format,
        out: &Path,
        approved: Option<&request::Approved>,
    ) -> Result<ShareReceipt> {
        let purpose = req.purpose()?;
        // The file name leaves with the file: the firewall scans it like the contents.
        let file_name = out
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::invalid("the output file needs a name in UTF-8"))?;
        view.scan("the file name", file_name)?;
        let agency = self.agency()?;
        let made_by = self.user().name.clone();
        let referrer = match req.recipient {
            RecipientKind::Marac => Some(export::Referrer::from_details(&made_by, &self.agency_details()?)),
            _ => None,
        };
        let root_key = self.root_key().to_string();
        let withheld = view.withheld().to_vec();
        let shared = view.shared_paths();
        // The record (and a pending-export row) is committed first, then the file is
        // written: never a file without a record (vault::deliver explains the rest).
        let (receipt, bytes) = self.write(|tx, s| {
            let (next_seq, head) = log::next(tx, s.vault_id)?;
            let env = Envelope {
                disclosure_id: next_seq,
                log_chain_head: head.clone(),
                vault_root_key: root_key.clone(),
                made_at: log::now(),
                made_by: made_by.clone(),
                agency: agency.clone(),
                referrer: referrer.clone(),
            };
            let bytes = export::render_checked(format, view, &env, file_name)?;
            let sha256 = HEXLOWER.encode(&crypto::sha256(&[&bytes]));
            let event = Event::Share(event::Share {
                asked: asked(req, &purpose, view, outcome, "share")?,
                allowed_by: outcome.allowed_by.to_string(),
                emergency: req.emergency,
                approval: outcome.approval,
                approved_by: approved.map(|a| a.by.clone()),
                request: approved.map(|a| a.request),
                approval_entry: approved.map(|a| a.entry),
                fields_shared: shared.clone(),
                fields_withheld: encoded(&withheld)?,
                format,
                method: "file export".into(),
                sha256: sha256.clone(),
                chain_head_at_export: head.clone(),
                made_by: made_by.clone(),
                made_at: env.made_at.clone(),
            });
            let seq = s.append(tx, Some(req.client.0), &event)?;
            if seq != next_seq {
                return Err(Error::Storage("the log moved while the export was made".into()));
            }
            deliver::stage(tx, seq, out, &sha256)?;
            let receipt = ShareReceipt {
                decision_id: seq,
                file: out.to_path_buf(),
                sha256,
                approval: outcome.approval,
                fields_shared: shared.len(),
                fields_withheld: withheld.len(),
            };
            Ok((receipt, bytes))
        })?;
        let seq = receipt.decision_id;
        let written = deliver::write_file(self.conn(), seq, out, &bytes);
        let failed = written.is_err();
        let finished =
            self.write(|tx, s| deliver::finish(tx, s.vault_id, s.signer, seq, Some(req.client.0), failed));
        written?;
        finished?;
        Ok(receipt)
    }

    /// Records a decision not to share, with its reason, signed by the worker.
    pub fn decline(
        &mut self,
        client: ClientId,
        recipient: RecipientKind,
        purpose: &str,
        reason: &str,
    ) -> Result<i64> {
        let purpose = share_purpose(recipient, purpose)?;
        let reason = text("reason", Some(reason), 4000, Lines::Breaks)?
            .filter(|r| r.chars().count() >= 10)
            .ok_or_else(|| {
            Error::invalid("a decision not to share needs a reason of at least 10 characters (`reason`)")
        })?;
        let consent = self.consent_decision(client, recipient, &purpose)?;
        let event = Event::Decline(event::Decline {
            decision: "decline".into(),
            recipient,
            purpose: purpose.code().to_string(),
            purpose_text: purpose.other_text().map(str::to_string),
            reason,
            consent_state: consent.state_word().to_string(),
            consent_entry: consent.entry_seq(),
            made_by: self.user().name.clone(),
        });
        self.write(|tx, s| s.append(tx, Some(client.0), &event))
    }

    /// A manager approves an emergency share afterwards.
    pub fn approve(&mut self, decision: i64) -> Result<i64> {
        self.require_manager()?;
        let row: Option<(String, String, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT event, body, client_id FROM log_entries WHERE seq = ?1 AND kind = 'decision'",
                [decision],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (event, body, client) = row.ok_or(Error::NotFound("decision"))?;
        if event != "share" {
            return Err(Error::invalid("only a share can be approved"));
        }
        let mut body: Value = serde_json::from_str(&body)
            .map_err(|_| Error::Integrity("a decision entry is malformed".into()))?;
        log::shred::open_body(self.conn(), client, &mut body)?;
        // A share that does not read as one written since approvals existed awaits none.
        let Ok(Event::Share(share)) = Event::parse(&event, &body) else {
            return Err(Error::invalid("that share does not await approval"));
        };
        if share.approval != Approval::Awaiting {
            return Err(Error::invalid("that share does not await approval"));
        }
        if share.made_by == self.user().name {
            return Err(Error::Forbidden("a caseworker cannot approve their own share"));
        }
        let already: i64 = self.conn().query_row(
            "SELECT count(*) FROM log_entries WHERE kind = 'decision' AND event = 'approval' AND json_extract(body, '$.decision') = ?1",
            [decision],
            |r| r.get(0),
        )?;
        if already > 0 {
            return Err(Error::invalid("that share is already approved"));
        }
        let approval = Event::Approval(event::Approval {
            decision,
            approved_by: self.user().name.clone(),
            sha256: Some(share.sha256),
            afterwards: true,
        });
        self.write(|tx, s| s.append(tx, client, &approval))
    }

    /// Emergency shares still awaiting a manager's approval: (decision id, client id).
    pub fn awaiting_approval(&self) -> Result<Vec<(i64, Option<i64>)>> {
        let mut stmt = self.conn().prepare(
            "SELECT s.seq, s.client_id FROM log_entries s
              WHERE s.kind = 'decision' AND s.event = 'share' AND json_extract(s.body, '$.approval') = 'awaiting'
                AND NOT EXISTS (SELECT 1 FROM log_entries a WHERE a.kind = 'decision' AND a.event = 'approval'
                                AND json_extract(a.body, '$.decision') = s.seq)
              ORDER BY s.seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Into::into)
    }
}
