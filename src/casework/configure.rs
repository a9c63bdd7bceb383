//! Per-vault settings, as kept: a manager changes them and each change is a signed audit
//! entry holding the new settings (no personal data); the settings *are* the latest such
//! entry (`log::latest_by_manager`), so there is no copy an insider could edit instead. The
//! same for the agency's details (`agency_set`). The settings themselves (sections,
//! defaults, checks, merging) are `record::settings`.

use crate::log::event::SettingsChanged;
use crate::log::{self, Event};
use crate::record::settings::{AgencyDetails, Settings};
use crate::support::error::{Error, Result};
use crate::vault::Session;

/// The signed entry of a change of settings.
const SETTINGS_CHANGED: &str = "settings_changed";

impl Session {
    /// This vault's settings: those of the latest change a manager signed (the defaults
    /// until a manager changes them).
    pub fn settings(&self) -> Result<Settings> {
        match log::latest_by_manager(self.conn(), self.identities(), SETTINGS_CHANGED)? {
            None => Ok(Settings::default()),
            Some(body) => match Event::parse_str(SETTINGS_CHANGED, &body) {
                Ok(Event::SettingsChanged(c)) => Some(c.after),
                _ => None,
            }
            .filter(|s| s.validate().is_ok())
            .ok_or_else(|| {
                Error::Integrity("the latest signed change of the vault settings is malformed".into())
            }),
        }
    }

    /// Changes settings from a partial JSON document (managers only); returns the result.
    pub fn set_settings(&mut self, patch: &[u8]) -> Result<Settings> {
        self.require_manager()?;
        let before = self.settings()?;
        let after = before.merged(patch)?;
        if after == before {
            return Ok(after);
        }
        let event = Event::SettingsChanged(SettingsChanged { before, after });
        self.write(|tx, s| {
            if after.risk != before.risk {
                crate::casework::clients::relevel_all(tx, s, &after.risk)?;
            }
            s.append(tx, None, &event)?;
            Ok(())
        })?;
        Ok(after)
    }
}

/// The signed entry of the agency's details.
pub(crate) const AGENCY_SET: &str = "agency_set";

impl Session {
    /// The agency's details as the latest `agency_set` entry a manager signed says (all
    /// empty until a manager sets them).
    pub fn agency_details(&self) -> Result<AgencyDetails> {
        match log::latest_by_manager(self.conn(), self.identities(), AGENCY_SET)? {
            None => Ok(AgencyDetails::default()),
            Some(body) => match Event::parse_str(AGENCY_SET, &body) {
                Ok(Event::AgencySet(d)) => Some(d),
                _ => None,
            }
            .filter(|d| d.agency.is_some())
            .ok_or_else(|| Error::Integrity("the latest signed agency name is malformed".into())),
        }
    }

    /// Sets the agency's details (managers only): a signed `agency_set` entry.
    pub fn set_agency_details(&mut self, details: &AgencyDetails) -> Result<AgencyDetails> {
        self.require_manager()?;
        let details = details.checked()?;
        let event = Event::AgencySet(details.clone());
        self.write(|tx, s| s.append(tx, None, &event).map(|_| ()))?;
        Ok(details)
    }
}
