//! Per-vault settings: the MARAC referral criteria and risk bands (local MARACs differ) and
//! the work queue's windows. A manager changes them and each change is a signed audit entry
//! holding the new settings (no personal data); the settings *are* the latest such entry
//! (`log::latest_by_manager`), so there is no copy an insider could edit instead.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::input;
use crate::log::{self, Kind};
use crate::risk::RiskConfig;
use crate::vault::Session;

/// How far ahead the work queue looks.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueConfig {
    /// A safe-contact arrangement last confirmed this many days ago (or more) is due for
    /// re-confirmation, whatever its review date says.
    pub reconfirm_after_days: u32,
    /// MARAC meetings within this many days are listed.
    pub meeting_within_days: u32,
    /// Open MARAC actions due within this many days (or overdue) are listed.
    pub action_within_days: u32,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig { reconfirm_after_days: 90, meeting_within_days: 14, action_within_days: 7 }
    }
}

impl QueueConfig {
    fn validate(&self) -> Result<()> {
        if !(1..=3650).contains(&self.reconfirm_after_days) {
            return Err(Error::invalid("`queue.reconfirm_after_days` must be between 1 and 3650"));
        }
        if self.meeting_within_days > 365 || self.action_within_days > 365 {
            return Err(Error::invalid(
                "`queue.meeting_within_days` and `queue.action_within_days` must be between 0 and 365",
            ));
        }
        Ok(())
    }
}

/// How long a closed case is kept.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// A closed case may be purged this many years after it closed (default 6).
    pub years_after_closure: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig { years_after_closure: 6 }
    }
}

/// The default idle time, in minutes (the desktop app's lock without use).
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
/// The longest idle time a manager may set: twelve times the default.
pub const MAX_IDLE_MINUTES: u32 = 60;

/// When the desktop app locks by itself.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LockConfig {
    /// Minutes without use after which the app locks (a warning comes first). Each worker
    /// may choose a shorter time for their own session, never a longer one.
    pub idle_minutes: u32,
}

impl Default for LockConfig {
    fn default() -> Self {
        LockConfig { idle_minutes: DEFAULT_IDLE_MINUTES }
    }
}

impl LockConfig {
    fn validate(&self) -> Result<()> {
        if !(1..=MAX_IDLE_MINUTES).contains(&self.idle_minutes) {
            return Err(Error::invalid(format!(
                "`lock.idle_minutes` must be a whole number of minutes between 1 and {MAX_IDLE_MINUTES}"
            )));
        }
        Ok(())
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub risk: RiskConfig,
    pub queue: QueueConfig,
    pub retention: RetentionConfig,
    pub lock: LockConfig,
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        self.risk.validate()?;
        self.queue.validate()?;
        self.lock.validate()?;
        if !(1..=100).contains(&self.retention.years_after_closure) {
            return Err(Error::invalid("`retention.years_after_closure` must be between 1 and 100"));
        }
        Ok(())
    }

    /// Applies a partial settings document (`{"risk": {"marac_score": 17}}`) to these.
    pub fn merged(&self, patch: &[u8]) -> Result<Settings> {
        if patch.len() > 64 * 1024 {
            return Err(Error::invalid("the settings JSON is too large (the limit is 64 KiB)"));
        }
        let patch: Value = input::parse_json(patch, "settings JSON")?;
        let Value::Object(patch) = patch else {
            return Err(Error::invalid("the settings JSON has the wrong type of value (expected an object)"));
        };
        let mut current =
            serde_json::to_value(self).map_err(|_| Error::Storage("could not encode the settings".into()))?;
        for (section, fields) in patch {
            let Some(target) = current.get_mut(&section).and_then(Value::as_object_mut) else {
                return Err(Error::invalid(format!(
                    "the settings JSON has an unknown section (expected `risk`, `queue`, `retention` or `lock`){}",
                    if crate::input::safe_key(&section).is_some() {
                        format!(": `{section}`")
                    } else {
                        String::new()
                    }
                )));
            };
            let Value::Object(fields) = fields else {
                return Err(Error::invalid(format!("`{section}` in the settings JSON must be an object")));
            };
            for (k, v) in fields {
                target.insert(k, v);
            }
        }
        let bytes = serde_json::to_vec(&current)
            .map_err(|_| Error::Storage("could not encode the settings".into()))?;
        let out: Settings = input::parse_json(&bytes, "settings JSON")?;
        out.validate()?;
        Ok(out)
    }
}

/// The signed entry of a change of settings.
const SETTINGS_CHANGED: &str = "settings_changed";

#[derive(Deserialize)]
struct Changed {
    after: Settings,
}

impl Session {
    /// This vault's settings: those of the latest change a manager signed (the defaults
    /// until a manager changes them).
    pub fn settings(&self) -> Result<Settings> {
        match log::latest_by_manager(self.conn(), self.identities(), SETTINGS_CHANGED)? {
            None => Ok(Settings::default()),
            Some(body) => serde_json::from_str::<Changed>(&body)
                .ok()
                .map(|c| c.after)
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
        let body = json!({ "before": before, "after": after });
        self.write(|tx, s| {
            if after.risk != before.risk {
                crate::clients::relevel_all(tx, &after.risk)?;
            }
            log::append(tx, s.vault_id, s.signer, Kind::Audit, SETTINGS_CHANGED, None, &body)?;
            Ok(())
        })?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_document_changes_only_what_it_names() {
        let s = Settings::default().merged(br#"{"risk": {"marac_score": 17}}"#).unwrap();
        assert_eq!(s.risk.marac_score, 17);
        assert_eq!(s.risk.high_from, 14);
        assert_eq!(s.queue, QueueConfig::default());
    }

    #[test]
    fn bad_settings_are_refused_with_the_field_named() {
        let d = Settings::default();
        let msg = |j: &str| d.merged(j.as_bytes()).unwrap_err().to_string();
        assert!(msg(r#"{"risk": {"marac_score": 30}}"#).contains("risk.marac_score"));
        assert!(msg(r#"{"risk": {"marac_scor": 3}}"#).contains("marac_scor"));
        assert!(msg(r#"{"risk": {"marac_score": "x"}}"#).contains("risk.marac_score"));
        assert!(msg(r#"{"colour": {}}"#).contains("unknown section"));
        assert!(msg(r#"[1]"#).contains("expected an object"));
        assert!(msg(r#"{"queue": {"reconfirm_after_days": 0}}"#).contains("reconfirm_after_days"));
    }

    #[test]
    fn the_idle_time_is_five_minutes_until_set_and_at_most_an_hour() {
        let d = Settings::default();
        assert_eq!(d.lock.idle_minutes, 5);
        assert_eq!(d.merged(br#"{"lock": {"idle_minutes": 60}}"#).unwrap().lock.idle_minutes, 60);
        assert_eq!(d.merged(br#"{"lock": {"idle_minutes": 1}}"#).unwrap().lock.idle_minutes, 1);
        for bad in [r#"{"lock": {"idle_minutes": 0}}"#, r#"{"lock": {"idle_minutes": 61}}"#] {
            let msg = d.merged(bad.as_bytes()).unwrap_err().to_string();
            assert!(
                msg.contains("`lock.idle_minutes` must be a whole number of minutes between 1 and 60"),
                "{msg}"
            );
        }
        let msg = d.merged(br#"{"lock": {"idle_minutes": 2.5}}"#).unwrap_err().to_string();
        assert!(msg.contains("lock.idle_minutes"), "{msg}");
        // Settings signed before the lock section existed still read, with the default.
        let old: Settings = serde_json::from_str(r#"{"risk": {}, "queue": {}, "retention": {}}"#).unwrap();
        assert_eq!(old.lock.idle_minutes, 5);
    }
}
