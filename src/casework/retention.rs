//! Retention: closing a case gives it a date until which it is kept (by default six years
//! after closure); a manager's purge deletes the cases past that date — never one under
//! legal hold — and leaves a signed tombstone in the log (ids, dates, who, why: no
//! personal data). The purge also destroys the client's log key, so the staff free text
//! sealed in the log's entries about them can no longer be read (src/log/shred.rs). The
//! database runs with `secure_delete`, and a purge rebuilds the search index and truncates
//! the write-ahead log, so the deleted record's bytes are overwritten.

use chrono::Months;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::log::event::{self, Empty};
use crate::log::{self, Event};
use crate::record::ClientId;
use crate::record::Date;
use crate::support::error::{Error, Result};
use crate::support::input::{text, Lines};
use crate::vault::Session;

/// A case's lifecycle state.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CaseStatus {
    pub client_id: i64,
    pub open: bool,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub closed_on: Option<Date>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub retain_until: Option<Date>,
    pub legal_hold: bool,
    pub hold_reason: Option<String>,
}

/// What a purge did (or, dry, would do).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct PurgeReport {
    pub dry_run: bool,
    /// Client ids purged (or due).
    pub purged: Vec<i64>,
    /// Client ids past their retention date but under legal hold: kept.
    pub held: Vec<i64>,
    /// The tombstones' log entries.
    pub tombstones: Vec<i64>,
}

/// A `case_status` row: closed on, retain until, legal hold, hold reason.
type StatusRow = (Option<String>, Option<String>, i64, Option<String>);

fn reason_text(reason: &str) -> Result<String> {
    let n = reason.trim().chars().count();
    if n < 10 {
        return Err(Error::invalid(format!(
            "a reason of 10 to 2,000 characters is required ({n} given) (`reason`)"
        )));
    }
    Ok(text("reason", Some(reason), 2000, Lines::Breaks)?.unwrap_or_default())
}

fn parse_date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|s| Date::parse(&s).ok_or_else(|| Error::Integrity("a stored case date is malformed".into())))
        .transpose()
}

impl Session {
    pub fn case_status(&self, client: ClientId) -> Result<CaseStatus> {
        self.load_client(client)?;
        let row: Option<StatusRow> = self
            .conn()
            .query_row(
                "SELECT closed_on, retain_until, legal_hold, hold_reason FROM case_status WHERE client_id = ?1",
                [client.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (closed, until, hold, reason) = row.unwrap_or((None, None, 0, None));
        let closed_on = parse_date(closed)?;
        Ok(CaseStatus {
            client_id: client.0,
            open: closed_on.is_none(),
            closed_on,
            retain_until: parse_date(until)?,
            legal_hold: hold != 0,
            hold_reason: reason,
        })
    }

    /// Closes a case on `on` (default today; not in the future, not before the case was opened).
    pub fn close_case(&mut self, client: ClientId, on: Option<Date>) -> Result<CaseStatus> {
        let today = Date::today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(Error::invalid("a case cannot be closed on a future date"));
        }
        let status = self.case_status(client)?;
        // Not before the case was opened: a closure "in 1900" would make it purgeable at once.
        let created: String =
            self.conn()
                .query_row("SELECT created_at FROM clients WHERE id = ?1", [client.0], |r| r.get(0))?;
        // Stored in UTC; compared as the date it was here (as `on` and today are).
        let opened = chrono::DateTime::parse_from_rfc3339(&created)
            .map(|t| Date(t.with_timezone(&chrono::Local).date_naive()))
            .map_err(|_| Error::Integrity("a stored case date is malformed".into()))?;
        if on < opened {
            return Err(Error::invalid(format!(
                "a case cannot be closed before it was opened ({opened}): give a date from then to today"
            )));
        }
        if !status.open {
            return Err(Error::invalid("this case is already closed"));
        }
        let years = self.settings()?.retention.years_after_closure;
        let until =
            on.0.checked_add_months(Months::new(years.saturating_mul(12)))
                .map(Date)
                .ok_or_else(|| Error::invalid("the retention date is out of range"))?;
        self.change_case_status(
            client,
            "INSERT INTO case_status (client_id, closed_on, retain_until) VALUES (?1, ?2, ?3)
             ON CONFLICT(client_id) DO UPDATE SET closed_on = ?2, retain_until = ?3",
            params![client.0, on.to_string(), until.to_string()],
            Event::CaseClosed(event::CaseClosed { closed_on: on, retain_until: until }),
        )
    }

    /// Reopens a closed case (its retention date goes with it).
    pub fn reopen_case(&mut self, client: ClientId) -> Result<CaseStatus> {
        if self.case_status(client)?.open {
            return Err(Error::invalid("this case is open"));
        }
        self.change_case_status(
            client,
            "UPDATE case_status SET closed_on = NULL, retain_until = NULL WHERE client_id = ?1",
            [client.0],
            Event::CaseReopened(Empty {}),
        )
    }

    /// Puts a case under legal hold (managers): it is never purged while held.
    pub fn hold_case(&mut self, client: ClientId, reason: &str) -> Result<CaseStatus> {
        self.require_manager()?;
        let reason = reason_text(reason)?;
        if self.case_status(client)?.legal_hold {
            return Err(Error::invalid("this case is already under legal hold"));
        }
        self.change_case_status(
            client,
            "INSERT INTO case_status (client_id, legal_hold, hold_reason) VALUES (?1, 1, ?2)
             ON CONFLICT(client_id) DO UPDATE SET legal_hold = 1, hold_reason = ?2",
            params![client.0, reason],
            Event::LegalHoldSet(event::LegalHoldSet { reason: reason.clone() }),
        )
    }

    /// Releases a legal hold (managers).
    pub fn release_case(&mut self, client: ClientId) -> Result<CaseStatus> {
        self.require_manager()?;
        if !self.case_status(client)?.legal_hold {
            return Err(Error::invalid("this case is not under legal hold"));
        }
        self.change_case_status(
            client,
            "UPDATE case_status SET legal_hold = 0, hold_reason = NULL WHERE client_id = ?1",
            [client.0],
            Event::LegalHoldReleased(Empty {}),
        )
    }

    /// One change to a case's status row and its signed audit event, in one transaction;
    /// returns the status as it now stands.
    fn change_case_status(
        &mut self,
        client: ClientId,
        sql: &str,
        params: impl rusqlite::Params,
        event: Event,
    ) -> Result<CaseStatus> {
        self.write(|tx, s| {
            tx.execute(sql, params)?;
            s.append(tx, Some(client.0), &event)
        })?;
        self.case_status(client)
    }

    /// Deletes every closed case whose retention date has passed and which is not under
    /// legal hold (managers), each with a signed tombstone; all in one transaction.
    pub fn purge(&mut self, reason: &str, dry_run: bool) -> Result<PurgeReport> {
        self.require_manager()?;
        let reason = reason_text(reason)?;
        let today = Date::today().to_string();
        type Due = (i64, String, String, String);
        let due = |hold: i64| -> Result<Vec<Due>> {
            let mut stmt = self.conn().prepare(
                "SELECT s.client_id, c.case_reference, s.closed_on, s.retain_until
                   FROM case_status s JOIN clients c ON c.id = s.client_id
                  WHERE s.retain_until IS NOT NULL AND s.retain_until <= ?1 AND s.legal_hold = ?2
                  ORDER BY s.client_id",
            )?;
            let rows =
                stmt.query_map(params![today, hold], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(Into::into)
        };
        let purge = due(0)?;
        let held: Vec<i64> = due(1)?.into_iter().map(|r| r.0).collect();
        if dry_run || purge.is_empty() {
            return Ok(PurgeReport {
                dry_run,
                purged: purge.into_iter().map(|r| r.0).collect(),
                held,
                tombstones: vec![],
            });
        }
        let by = self.user().name.clone();
        let tombstones = self.write(|tx, s| {
            let mut entries = Vec::with_capacity(purge.len());
            for (id, reference, closed_on, retain_until) in &purge {
                tx.execute("DELETE FROM client_search WHERE rowid = ?1", [id])?;
                tx.execute("DELETE FROM case_status WHERE client_id = ?1", [id])?;
                // The key of the staff free text about the client in the log: with it
                // goes every word of it (the entries stay, signed, as they were).
                let key = if log::shred::destroy_key(tx, *id)? { "destroyed" } else { "none" };
                tx.execute("DELETE FROM clients WHERE id = ?1", [id])?;
                let purged = event::CasePurged {
                    client_id: *id,
                    case_reference: reference.clone(),
                    closed_on: closed_on.clone(),
                    retain_until: retain_until.clone(),
                    purged_on: today.clone(),
                    purged_by: by.clone(),
                    reason: reason.clone(),
                    free_text_key: key.into(),
                    // The record is gone: any record stored under this id from now on is refused.
                    record_digest: crate::vault::record_anchor::anchor(s.vault_id, *id, None),
                };
                entries.push(s.append(tx, Some(*id), &Event::CasePurged(purged))?);
            }
            // Rewrite the search index's segments so that no deleted name survives in them.
            tx.execute("INSERT INTO client_search (client_search) VALUES ('optimize')", [])?;
            Ok(entries)
        })?;
        // Old page images of the deleted rows may sit in the write-ahead log: fold it in
        // and truncate it (secure_delete has already zeroed the freed pages).
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(PurgeReport { dry_run, purged: purge.into_iter().map(|r| r.0).collect(), held, tombstones })
    }
}
