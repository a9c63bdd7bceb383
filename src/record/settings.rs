//! Per-vault settings as data: the MARAC referral criteria and risk bands (local MARACs
//! differ), the work queue's windows, retention, the idle lock, and the agency's details
//! exports print; their defaults, checks and the merging of a partial document. Pure: how
//! they are kept (the latest entry a manager signed) is `casework::configure`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::record::risk::RiskConfig;
use crate::support::error::{Error, Result};
use crate::support::input;

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

/// What a MARAC referral carries of the risk checklist beyond its score, level and criteria.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaracChecklist {
    /// No answers: the score, level and criteria only.
    None,
    /// The high-risk indicators answered "yes", named (the default: a coordinator acts on
    /// them, issue 17 item 9).
    #[default]
    Indicators,
    /// The indicators answered "yes", named, and all 24 answers attached.
    Full,
}

/// What the vault's MARAC referrals carry.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MaracConfig {
    pub checklist: MaracChecklist,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub risk: RiskConfig,
    pub queue: QueueConfig,
    pub retention: RetentionConfig,
    pub lock: LockConfig,
    pub marac: MaracConfig,
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
                    "the settings JSON has an unknown section (expected `risk`, `queue`, `retention`, `lock` or `marac`){}",
                    if crate::support::input::safe_key(&section).is_some() {
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

/// The agency and its referrer, as exports print them: the agency's name, the role of the
/// person who refers (an IDVA, an outreach worker), and the phone number and secure e-mail
/// address a MARAC coordinator answers to. A manager sets them; each change is a signed
/// `agency_set` entry holding all four (no personal data), and the latest one a manager
/// signed is what holds (`log::latest_by_manager`). Entries older than the referrer fields
/// hold the name only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgencyDetails {
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub agency: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub referrer_role: Option<String>,
    /// In E.164 as stored; [`AgencyDetails::phone_shown`] is the national form.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub email: Option<String>,
}

fn capitalised(s: &str) -> String {
    let mut out = s.to_string();
    if let Some(first) = out.get(..1) {
        let up = first.to_uppercase();
        out.replace_range(..1, &up);
    }
    out
}

impl AgencyDetails {
    /// Checks and tidies details as typed: the agency's name is required; the phone must be
    /// a UK number ("07700 900123", "020 7946 0000"), the e-mail address a whole address.
    pub fn checked(&self) -> Result<AgencyDetails> {
        use crate::support::input::{text, Lines};
        let agency = text("agency", self.agency.as_deref(), 200, Lines::Breaks)?
            .ok_or_else(|| Error::invalid("enter the agency's name, as exports should print it"))?;
        let referrer_role = text("referrer_role", self.referrer_role.as_deref(), 100, Lines::Breaks)?;
        let phone = match text("phone", self.phone.as_deref(), 40, Lines::Breaks)? {
            None => None,
            Some(p) => Some(crate::record::normalise_phone(&p).ok_or_else(|| {
                Error::invalid("enter the agency's phone number as a UK phone number, like 0300 123 4567")
            })?),
        };
        let email = match text("email", self.email.as_deref(), 254, Lines::Breaks)? {
            None => None,
            Some(e) if crate::record::check_email(&e) => Some(e),
            Some(_) => {
                return Err(Error::invalid(
                    "enter the secure e-mail address in the right form, like referrals@example.gov.uk",
                ))
            }
        };
        Ok(AgencyDetails { agency: Some(agency), referrer_role, phone, email })
    }

    /// The phone number as people read it.
    pub fn phone_shown(&self) -> Option<String> {
        self.phone.as_deref().map(crate::record::display_phone)
    }

    /// What a manager must still set before a MARAC referral can leave, in words (`None`
    /// when nothing is missing).
    pub fn missing_for_marac(&self) -> Option<String> {
        let mut missing = Vec::new();
        if self.agency.is_none() {
            missing.push("the agency's name");
        }
        if self.referrer_role.is_none() {
            missing.push("the referrer's role");
        }
        if self.phone.is_none() {
            missing.push("the agency's phone number");
        }
        if self.email.is_none() {
            missing.push("the secure e-mail address");
        }
        let (last, rest) = missing.split_last()?;
        let list =
            if rest.is_empty() { (*last).to_string() } else { format!("{} and {last}", rest.join(", ")) };
        Some(format!(
            "{} {} not set: a manager sets {} in Casekeep's Settings, under \"Agency and referrer\"",
            capitalised(&list),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" }
        ))
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
        assert!(msg(r#"{"marac": {"checklist": "some"}}"#).contains("marac.checklist"));
    }

    #[test]
    fn agency_details_are_checked_and_tidied() {
        let typed = |agency: &str, phone: &str, email: &str| AgencyDetails {
            agency: Some(agency.into()),
            referrer_role: Some(" IDVA ".into()),
            phone: Some(phone.into()),
            email: Some(email.into()),
        };
        let ok = typed("Derby Outreach", "07700 900123", "referrals@example.gov.uk").checked().unwrap();
        assert_eq!(ok.phone.as_deref(), Some("+447700900123"));
        assert_eq!(ok.phone_shown().as_deref(), Some("07700 900123"));
        assert_eq!(ok.referrer_role.as_deref(), Some("IDVA"));
        assert_eq!(ok.missing_for_marac(), None);
        let e = typed("", "07700 900123", "a@b.uk").checked().unwrap_err().to_string();
        assert!(e.contains("agency's name"), "{e}");
        let e = typed("X", "12345", "a@b.uk").checked().unwrap_err().to_string();
        assert!(e.contains("UK phone number"), "{e}");
        let e = typed("X", "07700 900123", "not an address").checked().unwrap_err().to_string();
        assert!(e.contains("e-mail address in the right form"), "{e}");
        let only_name = AgencyDetails { agency: Some("X".into()), ..Default::default() };
        let m = only_name.missing_for_marac().unwrap();
        assert!(
            m.starts_with(
                "The referrer's role, the agency's phone number and the secure e-mail address are not set"
            ),
            "{m}"
        );
        assert!(AgencyDetails::default().missing_for_marac().unwrap().starts_with("The agency's name, "));
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
