//! Sharing and not sharing: the consent / lawful-basis gate, manager approval, the
//! export, and the signed disclosure record written in the same transaction as the file.

use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};

use crate::clients::ClientId;
use crate::consent::{ConsentDecision, Purpose, RecipientKind};
use crate::crypto;
use crate::error::{Error, Result};
use crate::export::{self, deliver, Envelope, Format};
use crate::fsutil;
use crate::log::{self, Kind, Signer};
use crate::policy::matcher::FIREWALL_VERSION;
use crate::policy::{self, RedactOptions, RedactedView};
use crate::record::Date;
use crate::slots::Passphrase;
use crate::vault::{Role, Session, Vault};

word_enum!(
    /// Lawful bases for sharing without consent.
    LawfulBasis, "the lawful basis" {
        SafeguardingChild => "safeguarding_child",
        SafeguardingAdult => "safeguarding_adult",
        PreventDetectCrime => "prevent_detect_crime",
        LegalDuty => "legal_duty",
        VitalInterests => "vital_interests",
        PublicInterest => "public_interest",
    }
);

word_enum!(
    /// Whether the person was told about the share.
    Told, "--told" {
        Yes => "yes",
        No => "no",
        NotSafe => "not_safe",
    }
);

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

/// A manager whose credentials were checked just now. Only [`Session::approver`] makes one.
#[derive(Debug)]
pub struct Approver {
    name: String,
    signer: Signer,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    NotRequired,
    Approved,
    Awaiting,
}

/// Why the share may go ahead.
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

pub(crate) fn clean(v: Option<&str>, what: &str, max: usize) -> Result<Option<String>> {
    let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if t.chars().count() > max {
        return Err(Error::invalid(format!("the {what} is too long (the limit is {max} characters)")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(format!("the {what} contains control characters")));
    }
    Ok(Some(t.to_string()))
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

    fn normalised(&self) -> Result<ShareRequest> {
        let mut r = self.clone();
        r.purpose = self.purpose()?.label();
        r.recipient_name = clean(self.recipient_name.as_deref(), "recipient name", 200)?;
        r.justification = clean(self.justification.as_deref(), "justification", 4000)?;
        r.advice = clean(self.advice.as_deref(), "advice", 2000)?;
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
            "say what the information is for (--purpose): one of {}, or other words",
            crate::consent::PurposeCode::of(recipient).map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
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

/// The gate: consent `given` and not past review allows the share; otherwise a lawful
/// basis, a justification and a manager's approval (or an emergency, approved later).
pub fn gate(consent: &ConsentDecision, req: &ShareRequest, has_approver: bool) -> Result<GateOutcome> {
    let state = consent.state_word().to_string();
    let consent_entry = consent.entry_seq();
    let approval_if_any = if has_approver { Approval::Approved } else { Approval::NotRequired };
    if consent.allows_share {
        return Ok(GateOutcome {
            consent_state: state,
            consent_entry,
            allowed_by: "consent",
            approval: approval_if_any,
        });
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
            "{why}: sharing without consent needs a lawful basis (--lawful-basis) and a justification, approved by a manager"
        )));
    }
    if req.justification.as_deref().is_none_or(|j| j.chars().count() < 10) {
        return Err(Error::invalid(format!(
            "{why}: a share on a lawful basis needs a justification of at least 10 characters (--justification)"
        )));
    }
    let approval = match (has_approver, req.emergency) {
        (true, _) => Approval::Approved,
        (false, true) => Approval::Awaiting,
        (false, false) => {
            return Err(Error::invalid(format!(
                "{why}: a share without consent needs a manager's approval (--approver NAME --approver-passphrase-file FILE), or --emergency to be approved afterwards"
            )))
        }
    };
    Ok(GateOutcome { consent_state: state, consent_entry, allowed_by: "lawful_basis", approval })
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
    /// The agency named in exports ("contact through …").
    pub fn agency(&self) -> Result<String> {
        let v: Option<String> = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = 'agency'", [], |r| r.get(0))
            .optional()?;
        Ok(v.unwrap_or_else(|| "agency not set".into()))
    }

    pub fn set_agency(&mut self, name: &str) -> Result<()> {
        self.require_manager()?;
        let name = clean(Some(name), "agency name", 200)?
            .ok_or_else(|| Error::invalid("the agency name is empty"))?;
        self.write(|tx, s| {
            tx.execute("INSERT INTO meta (key, value) VALUES ('agency', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1", [&name])?;
            log::append(tx, s.vault_id, s.signer, Kind::Audit, "agency_set", None, &json!({ "agency": name }))?;
            Ok(())
        })
    }

    /// Checks a manager's credentials for approving a share now. Refused uniformly for a
    /// wrong name or passphrase; refused for the worker themself and for non-managers.
    pub fn approver(&self, name: &str, passphrase: &Passphrase) -> Result<Approver> {
        let typed = name.trim().to_lowercase();
        if typed == self.user().name {
            return Err(Error::Forbidden("a caseworker cannot approve their own share"));
        }
        let vault = Vault::open(self.dir())?;
        let slots = vault.scan_slots()?;
        let attempts = vault.attempt_log(&slots)?;
        let wait = attempts.begin(&typed)?;
        std::thread::sleep(wait);
        let refused =
            Error::Forbidden("approval refused: the approver's user name or passphrase is not right");
        let Some((secrets, slot)) = vault.open_user_slot(&slots, &typed, &attempts, passphrase)? else {
            return Err(refused);
        };
        let found = self.users()?.into_iter().find(|u| u.name == slot.user).ok_or(refused)?;
        attempts.succeeded(&typed)?;
        if found.role != Role::Manager {
            return Err(Error::Forbidden("the approver must be a manager"));
        }
        let public = crypto::derive_public_key(&secrets.signing_seed)?;
        let key_id: i64 = self
            .conn()
            .query_row(
                "SELECT id FROM user_keys WHERE user_id = ?1 AND public_key = ?2 AND retired_at IS NULL",
                params![found.id, public],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                Error::Integrity("the approver's key slot does not hold their current signing key".into())
            })?;
        Ok(Approver {
            name: found.name,
            signer: Signer { user_id: found.id, key_id, seed: secrets.signing_seed },
        })
    }

    fn gate_and_view(&self, req: &ShareRequest, has_approver: bool) -> Result<(GateOutcome, RedactedView)> {
        let (gate, view) = self.gate_report_and_view(req, has_approver)?;
        Ok((gate?, view))
    }

    /// The gate's answer (kept as a result: a preview shows a refusal, a share stops on it)
    /// and the redacted view of the client for the recipient.
    fn gate_report_and_view(
        &self,
        req: &ShareRequest,
        has_approver: bool,
    ) -> Result<(Result<GateOutcome>, RedactedView)> {
        let rec = self.load_client(req.client)?;
        let consent = self.consent_decision(req.client, req.recipient, &req.purpose()?)?;
        let outcome = gate(&consent, req, has_approver);
        let opts = RedactOptions {
            excerpts: req.excerpts.clone(),
            caseworker: self.user().name.clone(),
            agency: self.agency()?,
            risk: self.settings()?.risk,
            purpose: req.purpose.clone(),
            recipient_name: req.recipient_name.clone(),
        };
        let view = policy::redact(&rec, req.recipient, &opts, Date::today())?;
        Ok((outcome, view))
    }

    /// What would leave, exactly as it will leave (the same view `share` renders: fields,
    /// excerpts, purpose and recipient name after the firewall), what the firewall masked,
    /// what would not leave and why, and what the gate says. Shows record values, so it is
    /// recorded as a `share_preview` read (recipient kind and excerpt numbers; never the
    /// purpose, the recipient's name or a value); nothing else is written.
    pub fn share_preview(&mut self, req: &ShareRequest) -> Result<Value> {
        let req = req.normalised()?;
        let read = json!({ "recipient": req.recipient, "excerpts": req.excerpts });
        let (outcome, view) = self.gate_report_and_view(&req, false)?;
        let gate_report = match outcome {
            Ok(g) => json!({ "allowed": true, "outcome": g }),
            Err(e) => json!({ "allowed": false, "needs": e.to_string() }),
        };
        self.audit_read("share_preview", Some(req.client), read)?;
        Ok(json!({
            "recipient": view.recipient(),
            "recipient_label": view.recipient_label(),
            "purpose": view.purpose(),
            "recipient_name": view.recipient_name(),
            "gate": gate_report,
            "will_share": view.fields(),
            "excerpts": view.excerpts(),
            "masked": view.masked(),
            "contact_through": view.contact_through(),
            "withheld": view.withheld(),
        }))
    }

    /// Shares: checks the gate, builds the export from the redacted view, writes the file
    /// and the signed disclosure record (and the approver's signed approval) together.
    pub fn share(
        &mut self,
        req: &ShareRequest,
        approver: Option<Approver>,
        format: Format,
        out: &Path,
    ) -> Result<ShareReceipt> {
        let req = req.normalised()?;
        let purpose = req.purpose()?;
        check_out_path(out)?;
        let (outcome, view) = self.gate_and_view(&req, approver.is_some())?;
        // The file name leaves with the file: the firewall scans it like the contents.
        let file_name = out
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::invalid("the output file needs a name in UTF-8"))?;
        view.scan("the file name", file_name)?;
        let agency = self.agency()?;
        let made_by = self.user().name.clone();
        let root_key = self.root_key().to_string();
        let withheld = view.withheld().to_vec();
        let shared = view.shared_paths();
        // The record (and a pending-export row) is committed first, then the file is
        // written: never a file without a record (export::deliver explains the rest).
        let (receipt, bytes) = self.write(|tx, s| {
            let (next_seq, head) = log::next(tx, s.vault_id)?;
            let env = Envelope {
                disclosure_id: next_seq,
                log_chain_head: head.clone(),
                vault_root_key: root_key.clone(),
                made_at: log::now(),
                made_by: made_by.clone(),
                agency: agency.clone(),
            };
            let bytes = export::render_checked(format, &view, &env, file_name)?;
            let sha256 = HEXLOWER.encode(&crypto::sha256(&[&bytes]));
            let body = json!({
                "decision": "share",
                "recipient": req.recipient,
                // As they left in the file: the firewall masked them like any other text.
                "recipient_name": view.recipient_name(),
                "purpose": purpose.code(),
                // The words of an `other` purpose as they left (after the firewall).
                "purpose_text": purpose.other_text().map(|_| view.purpose()),
                "consent_state": outcome.consent_state,
                "consent_entry": outcome.consent_entry,
                "allowed_by": outcome.allowed_by,
                "lawful_basis": req.lawful_basis,
                "justification": req.justification,
                "emergency": req.emergency,
                "approval": outcome.approval,
                "approved_by": approver.as_ref().map(|a| a.name.clone()),
                "told": req.told,
                "advice": req.advice,
                "fields_shared": shared,
                "fields_withheld": withheld,
                "excerpts": req.excerpts,
                "masked": view.masked(),
                "firewall_version": FIREWALL_VERSION,
                "format": format,
                "method": "file export",
                "sha256": sha256,
                "chain_head_at_export": head,
                "profile_version": view.profile_version(),
                "made_by": made_by,
                "made_at": env.made_at,
            });
            let seq =
                log::append(tx, s.vault_id, s.signer, Kind::Decision, "share", Some(req.client.0), &body)?;
            if seq != next_seq {
                return Err(Error::Storage("the log moved while the export was made".into()));
            }
            if let Some(a) = &approver {
                let approval =
                    json!({ "decision": seq, "approved_by": a.name, "sha256": sha256, "afterwards": false });
                log::append(
                    tx,
                    s.vault_id,
                    &a.signer,
                    Kind::Decision,
                    "approval",
                    Some(req.client.0),
                    &approval,
                )?;
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
        let reason =
            clean(Some(reason), "reason", 4000)?.filter(|r| r.chars().count() >= 10).ok_or_else(|| {
                Error::invalid("a decision not to share needs a reason of at least 10 characters (--reason)")
            })?;
        let consent = self.consent_decision(client, recipient, &purpose)?;
        let body = json!({
            "decision": "decline",
            "recipient": recipient,
            "purpose": purpose.code(),
            "purpose_text": purpose.other_text(),
            "reason": reason,
            "consent_state": consent.state_word(),
            "consent_entry": consent.entry_seq(),
            "made_by": self.user().name,
        });
        self.write(|tx, s| {
            log::append(tx, s.vault_id, s.signer, Kind::Decision, "decline", Some(client.0), &body)
        })
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
        let body: Value = serde_json::from_str(&body)
            .map_err(|_| Error::Integrity("a decision entry is malformed".into()))?;
        let field = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
        if field("approval") != "awaiting" {
            return Err(Error::invalid("that share does not await approval"));
        }
        if field("made_by") == self.user().name.as_str() {
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
        let approval = json!({
            "decision": decision,
            "approved_by": self.user().name,
            "sha256": field("sha256"),
            "afterwards": true,
        });
        self.write(|tx, s| {
            log::append(tx, s.vault_id, s.signer, Kind::Decision, "approval", client, &approval)
        })
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
