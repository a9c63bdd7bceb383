//! Need-to-know: export profiles, the hard rules, and the redacted view.
//!
//! [`RedactedView`] has private fields and no public constructor: the only way to get one
//! is [`redact`], which applies the profile and then the hard rules. Exports (PDF, JSON),
//! the CLI and the UI receive a `RedactedView`, never a `ClientRecord`, so what they can
//! show is exactly what will leave.

pub mod firewall;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::log::vocab::RecipientKind;
use crate::record::catalogue;
use crate::record::risk::{self, RiskConfig};
use crate::record::settings::MaracChecklist;
use crate::record::{display_phone, postcode_district, Channel, ClientRecord, Date};
use crate::support::error::{Error, Result};
use crate::support::matcher::{self, Matcher, ValueKind};
use firewall::{Fate, Masking};

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Include,
    Generalise,
    Mask,
    Withhold,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    version: u32,
    profiles: BTreeMap<String, Profile>,
}

/// One recipient kind's treatments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub label: String,
    /// MARAC practice: the victim is contacted through the referring caseworker.
    pub contact_through: bool,
    fields: BTreeMap<String, Treatment>,
}

impl Profile {
    /// A path the profile does not name is withheld.
    pub fn treatment(&self, path: &str) -> Treatment {
        self.fields.get(path).copied().unwrap_or(Treatment::Withhold)
    }
}

/// The profiles, compiled into the binary from `profiles.toml`.
#[derive(Debug)]
pub struct Profiles {
    pub version: u32,
    by_kind: BTreeMap<String, Profile>,
}

impl Profiles {
    pub fn get(&self, kind: RecipientKind) -> Result<&Profile> {
        self.by_kind
            .get(kind.as_str())
            .ok_or(Error::Integrity("an export profile is missing from this build".into()))
    }
}

const PROFILES_TOML: &str = include_str!("profiles.toml");

/// Paths that `generalise` and `mask` know how to treat.
const GENERALISABLE: &[&str] = &[
    "client.date_of_birth",
    "child[].date_of_birth",
    "perpetrator.date_of_birth",
    "client.address",
    "client.postcode",
];
const MASKABLE: &[&str] = &["contact[].value", "client.postcode", "perpetrator.police_reference"];

fn load_profiles(text: &str) -> Result<Profiles> {
    let file: ProfileFile = toml::from_str(text)
        .map_err(|e| Error::Integrity(format!("the export profiles do not parse: {e}")))?;
    for kind in RecipientKind::ALL {
        if !file.profiles.contains_key(kind.as_str()) {
            return Err(Error::Integrity(format!("there is no export profile for {kind}")));
        }
    }
    for (name, p) in &file.profiles {
        if name.parse::<RecipientKind>().is_err() {
            return Err(Error::Integrity(format!("export profile {name} is for no known recipient")));
        }
        for (path, t) in &p.fields {
            if catalogue::class_of(path).is_none() {
                return Err(Error::Integrity(format!(
                    "profile {name} names {path}, which is not in the catalogue"
                )));
            }
            let ok = match t {
                Treatment::Generalise => GENERALISABLE.contains(&path.as_str()),
                Treatment::Mask => MASKABLE.contains(&path.as_str()),
                _ => true,
            };
            if !ok {
                return Err(Error::Integrity(format!(
                    "profile {name} asks for {t:?} on {path}, which cannot be"
                )));
            }
        }
        // A contact that leaves must leave with its do-not-use flag: a number the person
        // causing harm checks would otherwise read as a safe one.
        let shares_contact =
            p.fields.iter().any(|(path, t)| path.starts_with("contact[].") && *t != Treatment::Withhold);
        if shares_contact && p.treatment("contact[].do_not_use") != Treatment::Include {
            return Err(Error::Integrity(format!(
                "profile {name} shares contact details without contact[].do_not_use"
            )));
        }
    }
    Ok(Profiles { version: file.version, by_kind: file.profiles })
}

pub fn profiles() -> Result<&'static Profiles> {
    static CELL: OnceLock<std::result::Result<Profiles, String>> = OnceLock::new();
    CELL.get_or_init(|| load_profiles(PROFILES_TOML).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Integrity(e.clone()))
}

// ---------------------------------------------------------------------------------------
// Hard rules

/// Why a field is withheld whatever the profile says, if it is.
fn hard_rule(path: &str, rec: &ClientRecord) -> Option<&'static str> {
    match path {
        "contact[].code_word" => Some("code words are never disclosed"),
        "client.address_is_refuge" => Some("whether someone is in a refuge is never disclosed"),
        "client.address" | "client.postcode" if rec.address_is_refuge => {
            Some("a refuge address is never disclosed")
        }
        p if p.starts_with("note[].") => Some("notes leave only as excerpts picked one by one"),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The redacted view

/// One value that will leave.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct SharedField {
    pub path: &'static str,
    /// For list fields (`contact[]`, `child[]`): which item, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    pub label: String,
    pub value: String,
    pub treatment: Treatment,
}

/// A field that will not leave, and why (for the preview and the disclosure record only:
/// never in the export, where even "withheld because refuge" would say too much).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WithheldField {
    pub path: String,
    /// The field in words ("Contact 1: code word"), for the preview; not part of the
    /// disclosure record, whose body keeps the path and the reason only.
    #[serde(skip)]
    pub label: String,
    pub reason: String,
}

/// A note excerpt picked by the worker, after masking.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct Excerpt {
    pub note_id: usize,
    pub date: String,
    pub text: String,
}

/// "Contact through" the referring caseworker and agency (MARAC practice).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct ContactThrough {
    pub caseworker: String,
    pub agency: String,
}

/// A channel the recipient must never use: a contact marked "do not use" (the person
/// causing harm may see or answer it). Built from the contact's fields that leave, after
/// the firewall; listed apart from, and before, every safe contact.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct DoNotContact {
    /// Which contact of the record (from 1), as in `fields_shared` (`contact[N].…`).
    pub item: usize,
    /// The channel in words, when it leaves.
    pub channel: Option<String>,
    /// The number or address as people read it (a UK phone in national format), when it leaves.
    pub value: Option<String>,
    /// The phone number in E.164, for systems (only for a phone number that leaves whole).
    pub value_e164: Option<String>,
    /// The warning in words: "DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 900789 — the
    /// person causing harm may see it".
    pub warning: String,
    /// Why, when the contact's notes leave to this recipient (as the firewall left them).
    pub reason: Option<String>,
}

/// A way to reach the person safely, with its safe times and its flags as instructions.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, Serialize)]
pub struct SafeContact {
    /// Which contact of the record (from 1), as in `fields_shared` (`contact[N].…`).
    pub item: usize,
    pub channel: Option<String>,
    /// The number or address as people read it (a UK phone in national format).
    pub value: Option<String>,
    /// The phone number in E.164, for systems (only for a phone number that leaves whole).
    pub value_e164: Option<String>,
    /// The safe times as recorded (after the firewall), when they leave.
    pub safe_times: Option<String>,
    /// Whether a voicemail may be left, when it leaves and is recorded.
    pub voicemail_ok: Option<bool>,
    /// Whether the caller may say who they are, when it leaves and is recorded.
    pub may_identify_agency: Option<bool>,
    /// The times and flags in words, in order: "Do not leave a voicemail.", …
    pub instructions: Vec<String>,
    pub last_confirmed: Option<String>,
}

/// Exactly what will leave for one recipient, after the firewall masked every protected
/// value in it. Only [`redact`] makes one.
pub struct RedactedView {
    recipient: RecipientKind,
    recipient_label: String,
    profile_version: u32,
    purpose: String,
    recipient_name: Option<String>,
    fields: Vec<SharedField>,
    do_not_contact: Vec<DoNotContact>,
    safe_contacts: Vec<SafeContact>,
    excerpts: Vec<Excerpt>,
    contact_through: Option<ContactThrough>,
    withheld: Vec<WithheldField>,
    masked: Vec<Masking>,
    /// The protected values of this record for this recipient, for the scan after rendering.
    matcher: Matcher,
}

impl std::fmt::Debug for RedactedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedactedView {{ recipient: {}, .. }}", self.recipient)
    }
}

impl RedactedView {
    pub fn recipient(&self) -> RecipientKind {
        self.recipient
    }
    pub fn recipient_label(&self) -> &str {
        &self.recipient_label
    }
    pub fn profile_version(&self) -> u32 {
        self.profile_version
    }
    /// Every field that leaves, contacts included (their paths are what `fields_shared`
    /// records); exports show contacts only as [`Self::do_not_contact`] and
    /// [`Self::safe_contacts`], and the rest with [`Self::fields_besides_contacts`].
    pub fn fields(&self) -> &[SharedField] {
        &self.fields
    }
    /// The fields that leave, except the contacts' (shown as the two lists below).
    pub fn fields_besides_contacts(&self) -> impl Iterator<Item = &SharedField> {
        self.fields.iter().filter(|f| !is_contact_path(f.path))
    }
    /// The channels never to use, to be shown first and apart.
    pub fn do_not_contact(&self) -> &[DoNotContact] {
        &self.do_not_contact
    }
    /// The safe ways to reach the person, with their times and flags as instructions.
    pub fn safe_contacts(&self) -> &[SafeContact] {
        &self.safe_contacts
    }
    pub fn excerpts(&self) -> &[Excerpt] {
        &self.excerpts
    }
    pub fn contact_through(&self) -> Option<&ContactThrough> {
        self.contact_through.as_ref()
    }
    pub fn withheld(&self) -> &[WithheldField] {
        &self.withheld
    }
    /// The purpose, as it will leave (masked by the firewall).
    pub fn purpose(&self) -> &str {
        &self.purpose
    }
    /// The recipient's name, as it will leave (masked by the firewall).
    pub fn recipient_name(&self) -> Option<&str> {
        self.recipient_name.as_deref()
    }
    /// Every masking the firewall applied: path and kind of value, never the value.
    pub fn masked(&self) -> &[Masking] {
        &self.masked
    }
    /// Refuses if any protected value is in `text` (the scan after rendering).
    pub fn scan(&self, place: &str, text: &str) -> Result<()> {
        firewall::scan(&self.matcher, place, text)
    }
    /// The catalogue paths (with item numbers) that will leave.
    pub fn shared_paths(&self) -> Vec<String> {
        self.fields
            .iter()
            .map(|f| match f.item {
                Some(i) => f.path.replacen("[]", &format!("[{i}]"), 1),
                None => f.path.to_string(),
            })
            .collect()
    }
}

/// What the worker asks for beyond the profile.
#[derive(Debug, Clone, Default)]
pub struct RedactOptions {
    /// Note ids (from 1, as `client show` numbers them) to excerpt.
    pub excerpts: Vec<usize>,
    pub caseworker: String,
    pub agency: String,
    /// The vault's risk bands and referral criteria.
    pub risk: RiskConfig,
    /// The purpose and the recipient's name as the worker typed them: they leave in the
    /// file, so the firewall masks them like any other text.
    pub purpose: String,
    pub recipient_name: Option<String>,
    /// What a MARAC referral carries of the checklist (the vault's MARAC setting): with
    /// `indicators` or `full`, `risk[].answers` leaves to MARAC (and to no one else) as the
    /// questions answered "yes", named (and, with `full`, every answer).
    pub marac_checklist: MaracChecklist,
}

/// The label of a field as a disclosure record names it (`contact[2].code_word` →
/// "Contact 2: code word"), for people reading the record.
pub fn label_of_shown(shown: &str) -> String {
    if let Some((head, rest)) = shown.split_once('[') {
        if let Some((num, tail)) = rest.split_once(']') {
            if let Ok(n) = num.parse::<usize>() {
                return label_of(&format!("{head}[]{tail}"), Some(n));
            }
        }
    }
    label_of(shown, None)
}

fn label_of(path: &str, item: Option<usize>) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let mut s = field.replace('_', " ");
    if let Some(first) = s.get(..1) {
        let up = first.to_uppercase();
        s.replace_range(..1, &up);
    }
    let section = match path.split('.').next().unwrap_or("") {
        "contact[]" => "Contact",
        "child[]" => "Child",
        "perpetrator" => "Person causing harm",
        "risk[]" => "Risk",
        "marac[]" => "MARAC referral",
        "note[]" => "Note",
        _ => "",
    };
    match (section.is_empty(), item) {
        (true, _) => s,
        (false, Some(i)) => format!("{section} {i}: {}", s.to_lowercase()),
        (false, None) => format!("{section}: {}", s.to_lowercase()),
    }
}

/// The heading of the named "yes" indicators in `risk[].answers` (the PDF splits on it).
pub const INDICATORS_HEAD: &str = "Answered yes:";
/// The heading of the full answers in `risk[].answers`.
pub const ALL_ANSWERS_HEAD: &str = "All 24 answers:";

/// `risk[].answers` as it leaves under the vault's MARAC setting: one line per question
/// answered "yes" ("none" if none) and, with `full`, one line per question with its answer.
fn checklist_text(r: &crate::record::RiskEntry, checklist: MaracChecklist) -> String {
    if checklist == MaracChecklist::None {
        return "(24 answers)".into();
    }
    let asked = || risk::QUESTIONS.iter().zip(r.answers.iter());
    let yes: Vec<&str> =
        asked().filter(|(_, a)| **a == crate::record::RiskAnswer::Yes).map(|(q, _)| *q).collect();
    let mut out = vec![INDICATORS_HEAD.to_string()];
    if yes.is_empty() {
        out.push("none".into());
    }
    out.extend(yes.iter().map(|q| format!("• {q}")));
    if checklist == MaracChecklist::Full {
        out.push(ALL_ANSWERS_HEAD.into());
        for (n, (q, a)) in asked().enumerate() {
            let a = match a {
                crate::record::RiskAnswer::Yes => "yes",
                crate::record::RiskAnswer::No => "no",
                crate::record::RiskAnswer::NotKnown => "not known",
            };
            out.push(format!("{}. {q} — {a}", n + 1));
        }
    }
    out.join("\n")
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn mask_phone(e164: &str) -> String {
    // +447700900123 -> 07700 9•••••
    let national = e164.strip_prefix("+44").map(|r| format!("0{r}")).unwrap_or_else(|| e164.to_string());
    let keep: String = national.chars().take(6).collect();
    let hidden = national.chars().count().saturating_sub(6);
    let (a, b) = keep.split_at(keep.len().min(5));
    format!("{a} {b}{}", "•".repeat(hidden))
}

fn mask_text(s: &str) -> String {
    let keep: String = s.chars().take(2).collect();
    format!("{keep}{}", "•".repeat(s.chars().count().saturating_sub(2).max(3)))
}

fn age(dob: Date, today: Date) -> String {
    format!("age {}", dob.years_since(today))
}

/// Applies `treatment` to one raw value; `None` when it cannot be generalised or masked.
fn treat(path: &str, t: Treatment, raw: &RawValue, rec: &ClientRecord, today: Date) -> Option<String> {
    match (t, raw) {
        (Treatment::Withhold, _) => None,
        (Treatment::Include, RawValue::Text(s)) => Some(s.clone()),
        (Treatment::Include, RawValue::Bool(true)) if path == "contact[].do_not_use" => {
            Some("yes: never contact on this (the person causing harm may see it)".into())
        }
        (Treatment::Include, RawValue::Bool(b)) => Some(yes_no(*b)),
        (Treatment::Include, RawValue::Date(d)) => Some(d.to_string()),
        (Treatment::Generalise, RawValue::Date(d)) => Some(age(*d, today)),
        (Treatment::Generalise, RawValue::Text(s)) => match path {
            "client.postcode" => postcode_district(s).map(|d| format!("{d} district")),
            "client.address" => {
                rec.postcode.as_deref().and_then(postcode_district).map(|d| format!("{d} district"))
            }
            _ => None,
        },
        (Treatment::Mask, RawValue::Text(s)) => match path {
            "contact[].value" if s.starts_with('+') => Some(mask_phone(s)),
            "client.postcode" => postcode_district(s).map(|d| format!("{d} •••")),
            _ => Some(mask_text(s)),
        },
        _ => None,
    }
}

#[derive(Debug, Clone)]
enum RawValue {
    Text(String),
    Bool(bool),
    Date(Date),
}

/// Every (path, item, value) the record holds, in catalogue order, the latest risk
/// assessment only (older ones are history, not a summary).
fn raw_fields(
    rec: &ClientRecord,
    cfg: &RiskConfig,
    checklist: MaracChecklist,
) -> Vec<(&'static str, Option<usize>, RawValue)> {
    use RawValue::{Bool, Date as D, Text};
    let mut out: Vec<(&'static str, Option<usize>, RawValue)> = Vec::new();
    let mut t = |p: &'static str, i: Option<usize>, v: Option<RawValue>| {
        if let Some(v) = v {
            out.push((p, i, v));
        }
    };
    t("client.full_name", None, Some(Text(rec.full_name.clone())));
    t("client.preferred_name", None, rec.preferred_name.clone().map(Text));
    t("client.date_of_birth", None, rec.date_of_birth.map(D));
    t("client.gender", None, rec.gender.clone().map(Text));
    t("client.pronouns", None, rec.pronouns.clone().map(Text));
    t("client.case_reference", None, Some(Text(rec.case_reference.clone())));
    t("client.address", None, rec.address.clone().map(Text));
    t("client.address_is_refuge", None, Some(Bool(rec.address_is_refuge)));
    t("client.postcode", None, rec.postcode.clone().map(Text));
    for (n, c) in rec.contacts.iter().enumerate() {
        let i = Some(n + 1);
        t("contact[].channel", i, Some(Text(c.channel.word().into())));
        t("contact[].value", i, c.value.clone().map(Text));
        t("contact[].safe_times", i, c.safe_times.clone().map(Text));
        t("contact[].voicemail_ok", i, c.voicemail_ok.map(Bool));
        t("contact[].may_identify_agency", i, c.may_identify_agency.map(Bool));
        t("contact[].code_word", i, c.code_word.clone().map(Text));
        t("contact[].do_not_use", i, Some(Bool(c.do_not_use)));
        t("contact[].last_confirmed", i, c.last_confirmed.map(D));
        t("contact[].review_due", i, c.review_due.map(D));
        t("contact[].notes", i, c.notes.clone().map(Text));
    }
    t("client.ethnicity", None, rec.ethnicity.clone().map(Text));
    t("client.disabilities", None, rec.disabilities.clone().map(Text));
    t("client.health_notes", None, rec.health_notes.clone().map(Text));
    t("client.pregnant", None, rec.pregnant.map(Bool));
    t("client.immigration_status", None, rec.immigration_status.clone().map(Text));
    t("client.no_recourse_to_public_funds", None, rec.no_recourse_to_public_funds.map(Bool));
    t("client.agencies_involved", None, rec.agencies_involved.clone().map(Text));
    for (n, c) in rec.children.iter().enumerate() {
        let i = Some(n + 1);
        t("child[].full_name", i, Some(Text(c.full_name.clone())));
        t("child[].date_of_birth", i, c.date_of_birth.map(D));
        t("child[].school", i, c.school.clone().map(Text));
        t("child[].lives_with_client", i, c.lives_with_client.map(Bool));
        t("child[].protection_plan", i, c.protection_plan.map(Bool));
    }
    if let Some(p) = &rec.perpetrator {
        t("perpetrator.full_name", None, p.full_name.clone().map(Text));
        t("perpetrator.date_of_birth", None, p.date_of_birth.map(D));
        t("perpetrator.address", None, p.address.clone().map(Text));
        t("perpetrator.relationship", None, p.relationship.clone().map(Text));
        t("perpetrator.police_reference", None, p.police_reference.clone().map(Text));
        t("perpetrator.orders", None, p.orders.clone().map(Text));
    }
    if let Some(r) = risk::latest(rec) {
        let d = risk::assess(r, cfg);
        t("risk[].date", None, Some(D(r.date)));
        t("risk[].score", None, Some(Text(format!("{} of 24", d.score))));
        let level = match d.level {
            risk::RiskLevel::Standard => "standard",
            risk::RiskLevel::Medium => "medium",
            risk::RiskLevel::High => "high",
        };
        t("risk[].level", None, Some(Text(level.to_string())));
        let criteria = if d.criteria_met.is_empty() {
            "none".to_string()
        } else {
            d.criteria_met.join(", ").replace('_', " ")
        };
        t("risk[].criteria_met", None, Some(Text(criteria)));
        t("risk[].professional_judgement", None, Some(Bool(r.professional_judgement)));
        t("risk[].judgement_reason", None, r.judgement_reason.clone().map(Text));
        t("risk[].police_incidents_12m", None, r.police_incidents_12m.map(|n| Text(n.to_string())));
        t("risk[].answers", None, Some(Text(checklist_text(r, checklist))));
        t("risk[].assessed_by", None, Some(Text(r.assessed_by.clone())));
    }
    // The latest referral only (earlier ones are history).
    let repeats = crate::record::referrals::repeats(rec);
    if let (Some(m), Some(repeat)) = (rec.marac.last(), repeats.last()) {
        t("marac[].referred_on", None, Some(D(m.referred_on)));
        t("marac[].reason", None, Some(Text(m.reason.clone())));
        t("marac[].criteria_met", None, Some(Text(m.criteria_met.join(", ").replace('_', " "))));
        t(
            "marac[].score",
            None,
            Some(Text(format!("{} of 24 (assessment of {})", m.score, m.assessment_date))),
        );
        t(
            "marac[].repeat",
            None,
            Some(Text(if *repeat { "yes: within 12 months of the previous referral" } else { "no" }.into())),
        );
        t("marac[].meeting_date", None, m.meeting_date.map(D));
        if !m.agencies_present.is_empty() {
            t("marac[].agencies_present", None, Some(Text(m.agencies_present.join(", "))));
        }
        if !m.actions.is_empty() {
            let list: Vec<String> = m
                .actions
                .iter()
                .map(|a| {
                    let what = a.description.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
                    let state = if a.done { "done" } else { "open" };
                    format!("{} ({}), due {}, {state}{what}", a.agency, a.owner, a.due)
                })
                .collect();
            t("marac[].actions", None, Some(Text(list.join("; "))));
        }
        t("marac[].referred_by", None, Some(Text(m.referred_by.clone())));
        t("marac[].victim_aware", None, m.victim_aware.map(Bool));
    }
    for (n, note) in rec.notes.iter().enumerate() {
        let i = Some(n + 1);
        t("note[].date", i, Some(D(note.date)));
        t("note[].author", i, Some(Text(note.author.clone())));
        t("note[].text", i, Some(Text(note.text.clone())));
    }
    out
}

/// Phone numbers, e-mail addresses and UK postcodes of anyone: masked in note excerpts
/// (after the firewall has masked the record's own protected values), since a note may
/// hold a friend's number or a new address the record does not know yet.
fn patterns() -> &'static [(Regex, &'static str, ValueKind)] {
    static CELL: OnceLock<Vec<(Regex, &'static str, ValueKind)>> = OnceLock::new();
    CELL.get_or_init(|| {
        [
            (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", "[e-mail withheld]", ValueKind::Email),
            (r"(?:\+|\b)(?:\d[\s\-().]?){9,14}\d\b", "[phone withheld]", ValueKind::Phone),
            (r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", "[postcode withheld]", ValueKind::Postcode),
        ]
        .into_iter()
        .filter_map(|(p, r, k)| Regex::new(p).ok().map(|re| (re, r, k)))
        .collect()
    })
}

/// Masks one picked note excerpt: the firewall's protected values first, then any phone
/// number, e-mail address or postcode.
fn mask_excerpt(matcher: &Matcher, path: &str, text: &str, masked: &mut Vec<Masking>) -> Result<String> {
    let mut out = firewall::mask_text(matcher, path, text, false, masked)?;
    for (re, replacement, kind) in patterns() {
        if re.is_match(&out) {
            out = re.replace_all(&out, *replacement).into_owned();
            masked.push(Masking { path: path.to_string(), kind: *kind });
        }
    }
    Ok(out)
}

fn is_contact_path(path: &str) -> bool {
    path.starts_with("contact[].")
}

/// The warning for a do-not-use contact, by what its value is.
fn do_not_contact_warning(channel: Option<Channel>, value: Option<&str>, phone: bool) -> String {
    let (verb, risk) = match channel {
        _ if phone => ("DO NOT CALL, TEXT OR LEAVE MESSAGES ON", "may see it"),
        Some(Channel::Phone | Channel::Sms) => ("DO NOT CALL, TEXT OR LEAVE MESSAGES ON", "may see it"),
        Some(Channel::Email) => ("DO NOT E-MAIL", "may see it"),
        Some(Channel::Post) => ("DO NOT WRITE TO", "may see it"),
        Some(Channel::InPerson) => ("DO NOT VISIT OR MEET AT", "may be there"),
        Some(Channel::Other) | None => ("DO NOT USE", "may see it"),
    };
    match value {
        Some(v) => format!("{verb} {v} — the person causing harm {risk}"),
        None => {
            let what = channel.map(|c| c.word()).unwrap_or("contact");
            format!("{verb} THE {} MARKED DO NOT USE — the person causing harm {risk}", what.to_uppercase())
        }
    }
}

/// The record's contacts as the two lists an export shows: the do-not-use ones apart, and
/// the safe ones with their flags as instructions. Text comes from `fields` (what leaves,
/// after the firewall); a flag is used only when its field leaves. Which list a contact is
/// in follows the record (a profile sharing any contact field must share `do_not_use`).
/// Refuses when a safe contact's own words give a do-not-use number or address as a way
/// to reach the person.
fn contact_lists(
    rec: &ClientRecord,
    profile: &Profile,
    fields: &[SharedField],
) -> Result<(Vec<DoNotContact>, Vec<SafeContact>)> {
    let mut dnc = Vec::new();
    let mut safe = Vec::new();
    let mut dnc_values = Vec::new();
    for (n, c) in rec.contacts.iter().enumerate() {
        let item = n + 1;
        let of = |path: &str| fields.iter().find(|f| f.item == Some(item) && f.path == path);
        if !fields.iter().any(|f| f.item == Some(item) && is_contact_path(f.path)) {
            continue;
        }
        let channel_shared = of("contact[].channel").is_some();
        let raw_value = of("contact[].value");
        let e164 = raw_value
            .filter(|f| f.treatment == Treatment::Include && f.value.starts_with('+'))
            .map(|f| f.value.clone());
        let value = raw_value.map(|f| display_phone(&f.value));
        let phone = e164.is_some();
        let channel_word = channel_shared.then(|| c.channel.word().to_string());
        if c.do_not_use {
            if let Some(v) = &c.value {
                dnc_values.push((format!("contact[{item}].value"), v.clone()));
            }
            dnc.push(DoNotContact {
                item,
                channel: channel_word,
                warning: do_not_contact_warning(channel_shared.then_some(c.channel), value.as_deref(), phone),
                value,
                value_e164: e164,
                reason: of("contact[].notes").map(|f| f.value.clone()),
            });
            continue;
        }
        let is_voice = phone || matches!(c.channel, Channel::Phone | Channel::Sms);
        let includes = |path: &str| profile.treatment(path) != Treatment::Withhold;
        let mut instructions = Vec::new();
        let safe_times = of("contact[].safe_times").map(|f| f.value.clone());
        match &safe_times {
            Some(t) => {
                instructions.push(format!("Only contact at these times: {}.", t.trim_end_matches(['.', ' '])))
            }
            None if includes("contact[].safe_times") => {
                instructions.push("No safe times are recorded: ask the sender before contacting.".into())
            }
            None => {}
        }
        let voicemail_ok = of("contact[].voicemail_ok").and(c.voicemail_ok);
        if is_voice && includes("contact[].voicemail_ok") {
            instructions.push(
                match voicemail_ok {
                    Some(true) => "A voicemail may be left.",
                    Some(false) => "Do not leave a voicemail or message.",
                    None => "Do not leave a voicemail or message (not known to be safe).",
                }
                .into(),
            );
        }
        let may_identify = of("contact[].may_identify_agency").and(c.may_identify_agency);
        if includes("contact[].may_identify_agency") {
            instructions.push(
                match may_identify {
                    Some(true) => "You may say who you are and which agency you are from.",
                    Some(false) => "Do not say who you are or which agency you are from.",
                    None => "Do not say who you are or which agency you are from (not known to be safe).",
                }
                .into(),
            );
        }
        safe.push(SafeContact {
            item,
            channel: channel_word,
            value,
            value_e164: e164,
            safe_times,
            voicemail_ok,
            may_identify_agency: may_identify,
            instructions,
            last_confirmed: of("contact[].last_confirmed").map(|f| f.value.clone()),
        });
    }
    refuse_do_not_use_in_safe_route(&dnc_values, fields, &safe)?;
    Ok((dnc, safe))
}

/// A do-not-use contact's value as the matcher looks for it.
fn do_not_use_value(source: &str, value: &str) -> matcher::Protected {
    let kind = if value.starts_with('+') {
        ValueKind::Phone
    } else if value.contains('@') {
        ValueKind::Email
    } else {
        ValueKind::Text
    };
    matcher::Protected { kind, source: source.to_string(), value: value.to_string() }
}

/// The values of the do-not-use contacts whose value leaves (in the do-not-contact block).
fn do_not_use_values_leaving(rec: &ClientRecord, fields: &[SharedField]) -> Vec<matcher::Protected> {
    rec.contacts
        .iter()
        .enumerate()
        .filter(|(n, c)| {
            c.do_not_use && fields.iter().any(|f| f.item == Some(n + 1) && f.path == "contact[].value")
        })
        .filter_map(|(n, c)| {
            c.value.as_deref().map(|v| do_not_use_value(&format!("contact[{}].value", n + 1), v))
        })
        .collect()
}

/// A do-not-use number or address written into a safe contact's own fields (its safe
/// times, its notes) would leave under "How to contact safely": refused, naming the field.
fn refuse_do_not_use_in_safe_route(
    dnc_values: &[(String, String)],
    fields: &[SharedField],
    safe: &[SafeContact],
) -> Result<()> {
    if dnc_values.is_empty() {
        return Ok(());
    }
    let protected: Vec<matcher::Protected> =
        dnc_values.iter().map(|(source, v)| do_not_use_value(source, v)).collect();
    let m = Matcher::new(&protected);
    for s in safe {
        for f in fields.iter().filter(|f| f.item == Some(s.item) && is_contact_path(f.path)) {
            if !m.find(&f.value).is_empty() {
                let shown = f.path.replacen("[]", &format!("[{}]", s.item), 1);
                return Err(Error::invalid(format!(
                    "{shown} gives a contact marked do not use as a way to reach the person: \
                     reword it before sharing"
                )));
            }
        }
    }
    Ok(())
}

/// Builds the view of `rec` that `recipient`'s profile and the hard rules allow to leave,
/// then runs the firewall over every text in it: protected values are masked (and the
/// masking recorded), or the share is refused where masking would mislead.
pub fn redact(
    rec: &ClientRecord,
    recipient: RecipientKind,
    opts: &RedactOptions,
    today: Date,
) -> Result<RedactedView> {
    let profiles = profiles()?;
    let profile = profiles.get(recipient)?;
    let cfg = opts.risk;
    let mut fields = Vec::new();
    let mut withheld = Vec::new();
    let mut fates = Vec::new();
    for (path, item, raw) in raw_fields(rec, &cfg, opts.marac_checklist) {
        let shown = match item {
            Some(i) => path.replacen("[]", &format!("[{i}]"), 1),
            None => path.to_string(),
        };
        let mut shared = None;
        let reason = if let Some(rule) = hard_rule(path, rec) {
            Some(rule.to_string())
        } else {
            let t = if path == "risk[].answers"
                && recipient == RecipientKind::Marac
                && opts.marac_checklist != MaracChecklist::None
            {
                Treatment::Include
            } else {
                profile.treatment(path)
            };
            match treat(path, t, &raw, rec, today) {
                Some(value) => {
                    let label = label_of(path, item);
                    fields.push(SharedField { path, item, label, value, treatment: t });
                    shared = Some(t);
                    None
                }
                None if t == Treatment::Withhold => {
                    Some(format!("not in the {recipient} profile: not needed by this recipient"))
                }
                None => Some("cannot be generalised or masked, so it is withheld".to_string()),
            }
        };
        if let Some(reason) = reason {
            withheld.push(WithheldField { path: shown, label: label_of(path, item), reason });
        }
        fates.push((path, item, raw, Fate::of(shared)));
    }

    // The firewall, over every text that will leave.
    let matcher = Matcher::new(&firewall::protected_values(rec, &fates));
    // A do-not-use number this recipient sees is not a protected value for them (it leaves
    // in the do-not-contact block, with its warning), but written into any other text — a
    // court order's terms, a MARAC action, an excerpt, the purpose — it would leave there
    // without the warning, read as a way to reach her: masked there (refused in an
    // identifier field), as a withheld value is.
    let do_not_use = Matcher::new(&do_not_use_values_leaving(rec, &fields));
    let mut masked = Vec::new();
    for f in &mut fields {
        let shown = match f.item {
            Some(i) => f.path.replacen("[]", &format!("[{i}]"), 1),
            None => f.path.to_string(),
        };
        let identifier = firewall::is_identifier(f.path);
        f.value = firewall::mask_text(&matcher, &shown, &f.value, identifier, &mut masked)?;
        if !is_contact_path(f.path) {
            f.value = firewall::mask_text(&do_not_use, &shown, &f.value, identifier, &mut masked)?;
        }
    }
    let mut excerpts = Vec::new();
    let mut picked = opts.excerpts.clone();
    picked.sort_unstable();
    picked.dedup();
    for id in picked {
        let note = id.checked_sub(1).and_then(|i| rec.notes.get(i)).ok_or_else(|| {
            Error::invalid(format!("this client has no note {id} (notes are numbered from 1)"))
        })?;
        let path = format!("note[{id}].text");
        let text = mask_excerpt(&matcher, &path, &note.text, &mut masked)?;
        let text = firewall::mask_text(&do_not_use, &path, &text, false, &mut masked)?;
        excerpts.push(Excerpt { note_id: id, date: note.date.to_string(), text });
    }
    let purpose = firewall::mask_text(&matcher, "purpose", &opts.purpose, false, &mut masked)?;
    let purpose = firewall::mask_text(&do_not_use, "purpose", &purpose, false, &mut masked)?;
    let recipient_name = match &opts.recipient_name {
        Some(n) => {
            let n = firewall::mask_text(&matcher, "recipient_name", n, false, &mut masked)?;
            Some(firewall::mask_text(&do_not_use, "recipient_name", &n, false, &mut masked)?)
        }
        None => None,
    };

    let (do_not_contact, safe_contacts) = contact_lists(rec, profile, &fields)?;

    let contact_through = profile
        .contact_through
        .then(|| ContactThrough { caseworker: opts.caseworker.clone(), agency: opts.agency.clone() });
    Ok(RedactedView {
        recipient,
        recipient_label: profile.label.clone(),
        profile_version: profiles.version,
        purpose,
        recipient_name,
        fields,
        do_not_contact,
        safe_contacts,
        excerpts,
        contact_through,
        withheld,
        masked,
        matcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profiles_load_and_name_only_catalogue_paths() {
        let p = profiles().unwrap();
        assert_eq!(p.version, 2);
        for kind in RecipientKind::ALL {
            let prof = p.get(*kind).unwrap();
            assert_eq!(prof.treatment("contact[].code_word"), Treatment::Withhold);
            assert_eq!(prof.treatment("no.such.path"), Treatment::Withhold);
        }
        assert!(p.get(RecipientKind::Marac).unwrap().contact_through);
    }

    #[test]
    fn bad_profiles_are_refused() {
        let base = PROFILES_TOML.to_string();
        let unknown_path =
            base.replace("\"client.gender\" = \"include\"", "\"client.shoe_size\" = \"include\"");
        assert!(load_profiles(&unknown_path).is_err());
        let bad_mask = base.replacen("\"client.gender\" = \"include\"", "\"client.gender\" = \"mask\"", 1);
        assert!(load_profiles(&bad_mask).is_err());
        let bad_word = base.replacen("\"client.gender\" = \"include\"", "\"client.gender\" = \"maybe\"", 1);
        assert!(load_profiles(&bad_word).is_err());
        // Contacts without their do-not-use flag would show a number the person causing
        // harm checks as a safe one.
        let no_flag = base.replacen(
            "\"contact[].do_not_use\" = \"include\"",
            "\"contact[].do_not_use\" = \"withhold\"",
            1,
        );
        let err = load_profiles(&no_flag).unwrap_err().to_string();
        assert!(err.contains("without contact[].do_not_use"), "{err}");
    }

    #[test]
    fn do_not_contact_warnings_say_what_not_to_do() {
        assert_eq!(
            do_not_contact_warning(Some(Channel::Phone), Some("07700 900789"), true),
            "DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 900789 — the person causing harm may see it"
        );
        assert_eq!(
            do_not_contact_warning(Some(Channel::Email), Some("ada@example.org"), false),
            "DO NOT E-MAIL ada@example.org — the person causing harm may see it"
        );
        assert_eq!(
            do_not_contact_warning(Some(Channel::InPerson), Some("the school gate"), false),
            "DO NOT VISIT OR MEET AT the school gate — the person causing harm may be there"
        );
        // A masked number is still a number: the warning follows the channel.
        assert!(do_not_contact_warning(Some(Channel::Sms), Some("07700 9•••••"), false)
            .starts_with("DO NOT CALL, TEXT OR LEAVE MESSAGES ON 07700 9•••••"));
        assert_eq!(
            do_not_contact_warning(None, None, false),
            "DO NOT USE THE CONTACT MARKED DO NOT USE — the person causing harm may see it"
        );
    }

    #[test]
    fn masks_and_generalisations() {
        assert_eq!(mask_phone("+447700900123"), "07700 9•••••");
        let d = Date::parse("1990-04-12").unwrap();
        assert_eq!(age(d, Date::parse("2026-11-23").unwrap()), "age 36");
    }

    #[test]
    fn excerpts_lose_phones_emails_postcodes_and_withheld_names() {
        use matcher::Protected;
        let p =
            |kind, source: &str, value: &str| Protected { kind, source: source.into(), value: value.into() };
        let matcher = Matcher::new(&[
            p(ValueKind::Name, "perpetrator.full_name", "Lee Example"),
            p(ValueKind::NamePart, "perpetrator.full_name", "lee"),
            p(ValueKind::CodeWord, "contact[1].code_word", "bluebell"),
        ]);
        let mut masked = Vec::new();
        let text = mask_excerpt(
            &matcher,
            "note[1].text",
            "Lee rang from 07700 900123, wrote to ada@example.org about DE1 1AA; the word is Bluebell.",
            &mut masked,
        )
        .unwrap();
        assert!(!text.contains("Lee"), "{text}");
        assert!(!text.contains("900123") && !text.contains("ada@") && !text.contains("DE1"), "{text}");
        assert!(!text.to_lowercase().contains("bluebell"), "{text}");
        let mut kinds: Vec<ValueKind> = masked.iter().map(|m| m.kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(
            kinds,
            vec![
                ValueKind::Phone,
                ValueKind::Email,
                ValueKind::Postcode,
                ValueKind::CodeWord,
                ValueKind::NamePart
            ]
        );
        assert!(masked.iter().all(|m| m.path == "note[1].text"));
    }
}
