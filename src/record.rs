//! The client record (DESIGN.md §2, §6): its stored shape, the input that changes it, and
//! the validation every input passes before anything is written.

pub mod catalogue;
pub mod referrals;
pub mod risk;
pub mod safe_times;
pub mod settings;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::safe_times::SafeWindow;
use crate::support::caution::Caution;
use crate::support::error::{Error, Result};
use crate::support::input::{self, Lines, OWN};

/// A client's id in this vault.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct ClientId(pub i64);

impl ClientId {
    pub fn parse(s: &str) -> Result<ClientId> {
        s.trim().parse::<i64>().ok().filter(|n| *n > 0).map(ClientId).ok_or_else(|| {
            Error::invalid(
                "a client id is a positive whole number (as printed by `client add` or `client list`)",
            )
        })
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

// ---------------------------------------------------------------------------------------
// Scalars

/// A calendar date written `YYYY-MM-DD`, nothing else.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Today where the laptop is (its time zone: British Summer Time in summer), not in
    /// UTC: from 00:00 to 01:00 BST a UTC "today" is still yesterday, so an entry dated
    /// today was refused as "in the future" and review dates turned an hour late.
    pub fn today() -> Date {
        Date::on(crate::support::clock::now(), &chrono::Local)
    }

    /// The date at `instant` in time zone `tz` (what [`Date::today`] is, for the laptop's
    /// zone and the clock's instant).
    pub fn on<Tz: chrono::TimeZone>(instant: chrono::DateTime<chrono::Utc>, tz: &Tz) -> Date {
        Date(instant.with_timezone(tz).date_naive())
    }

    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return None;
        }
        // Digits only from here (checked above): read them by hand, then let chrono say
        // whether the day exists. (parse_from_str was most of the caseload list's time.)
        let num = |r: std::ops::Range<usize>| {
            b.get(r).map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d).map(Date)
    }

    pub fn years_since(&self, on: Date) -> i32 {
        let (a, b) = (self.0, on.0);
        let mut years = b.year() - a.year();
        if (b.month(), b.day()) < (a.month(), a.day()) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Dates of birth are personal data: keep them out of debug output.
        f.write_str("Date(..)")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("{OWN}must be a real calendar date written YYYY-MM-DD"))
        })
    }
}

/// Distinguishes a key that is absent (leave as is) from one set to `null` (clear it).
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

// ---------------------------------------------------------------------------------------
// Stored shapes

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Sms,
    Email,
    Post,
    InPerson,
    Other,
}

impl Channel {
    /// The channel in words, for people (exports, the work queue).
    pub fn word(&self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Sms => "SMS",
            Channel::Email => "e-mail",
            Channel::Post => "post",
            Channel::InPerson => "in person",
            Channel::Other => "other",
        }
    }
}

twin! {
    stored {
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        #[derive(Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Contact;
    }
    view {
        /// A contact as the app is shown it: without its code word.
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        #[derive(Clone, PartialEq, Serialize)]
        pub struct ContactView;
        own
        /// What a [`ContactView`] has that a [`Contact`] has not.
        pub struct ContactViewOwn;
    }
    fields {
        both
        pub channel: Channel,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub safe_times: Option<String>,
        both
        /// `safe_times` read as windows (days and local times). Absent in a change: derived
        /// from the text when it is understood (otherwise left absent: no known safe window).
        /// Given: checked and kept as given (the app edits them as such); `[]` says no window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        pub safe_windows: Option<Vec<SafeWindow>>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub voicemail_ok: Option<bool>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub may_identify_agency: Option<bool>,
        stored
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_word: Option<String>,
        view
        /// Whether a code word is set: the word itself is never shown with the record
        /// (`reveal_code_word` fetches it on request, and that is recorded).
        pub code_word_set: bool,
        both
        #[serde(default)]
        pub do_not_use: bool,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(type = "string", optional))]
        pub last_confirmed: Option<Date>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(type = "string", optional))]
        pub review_due: Option<Date>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub notes: Option<String>,
        stored
        /// In a change only: keep the code word of the stored contact with this number (from
        /// 1). The app never receives code words with the record, so its edit form sends this
        /// instead of the word. Resolved when the change is applied; never stored.
        #[serde(default, skip_serializing)]
        #[cfg_attr(feature = "ts", ts(skip))]
        pub keep_code_word_of: Option<usize>,
        view
        /// The safe-contact gate's situations when the record was shown (`show_client`):
        /// the card shows them and asks for an acknowledgement with a reason before a copy.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        pub cautions: Option<Vec<Caution>>,
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub date_of_birth: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lives_with_client: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protection_plan: Option<bool>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perpetrator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub date_of_birth: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<String>,
}

/// How many questions the risk checklist has (`risk::QUESTIONS`, in DASH order).
pub const ANSWER_COUNT: usize = 24;

// One answer of the risk checklist, as stored. The questions, the score and the level are
// `risk`'s; the record holds only the answers. (A `//` comment: ts-rs copies doc comments.)
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskAnswer {
    Yes,
    No,
    NotKnown,
}

/// A risk assessment as entered (DASH order, 24 answers).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    pub date: Date,
    pub answers: Vec<RiskAnswer>,
    #[serde(default)]
    pub professional_judgement: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_incidents_12m: Option<u32>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
/// A stored risk assessment: the input plus who made it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskEntry {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: Date,
    pub answers: Vec<RiskAnswer>,
    #[serde(default)]
    pub professional_judgement: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_incidents_12m: Option<u32>,
    pub assessed_by: String,
}

/// One action agreed at a MARAC meeting.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaracAction {
    /// The agency that owns the action.
    pub agency: String,
    /// The person at that agency responsible.
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub due: Date,
    #[serde(default)]
    pub done: bool,
}

/// A referral to MARAC. The criteria, score and assessment date are copied from the
/// assessment that supported the referral when it was made, and never change after.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaracReferral {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub referred_on: Date,
    pub reason: String,
    pub criteria_met: Vec<String>,
    pub score: u32,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub assessment_date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub meeting_date: Option<Date>,
    #[serde(default)]
    pub agencies_present: Vec<String>,
    #[serde(default)]
    pub actions: Vec<MaracAction>,
    pub referred_by: String,
    /// Whether the person knows of the referral (asked on the referral form; absent on
    /// referrals recorded before the question was asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub victim_aware: Option<bool>,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[serde(default)]
    pub date: Option<Date>,
    pub text: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: Date,
    pub author: String,
    pub text: String,
}

twin! {
    stored {
        // TS is derived (the fields' `ts` attributes are the view's too) but never exported:
        // the stored record never crosses the IPC boundary; the app is shown views.
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        /// A client's record as stored (one JSON document per client).
        #[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ClientRecord;
    }
    view {
        /// What the app is shown of a record with names shown (`show_client`): the stored
        /// record with its id and initials, code words replaced by whether one is set, each
        /// risk assessment with its score, notes and referrals numbered.
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        #[derive(Clone, PartialEq, Serialize)]
        pub struct ClientDetails;
        own
        /// What a [`ClientDetails`] has that a [`ClientRecord`] has not.
        pub struct ClientDetailsOwn;
    }
    fields {
        view
        pub id: i64,
        view
        pub initials: String,
        view
        /// `true`: the whole record, names shown (a [`ClientOverview`] says `false`).
        #[cfg_attr(feature = "ts", ts(type = "true"))]
        pub details: bool,
        both
        pub case_reference: String,
        both
        pub full_name: String,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_name: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(type = "string", optional))]
        pub date_of_birth: Option<Date>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gender: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pronouns: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub postcode: Option<String>,
        both
        #[serde(default)]
        pub address_is_refuge: bool,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ethnicity: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub disabilities: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub health_notes: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pregnant: Option<bool>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub immigration_status: Option<String>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub no_recourse_to_public_funds: Option<bool>,
        both
        /// Other agencies working with the person (for MARAC: "agencies involved").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub agencies_involved: Option<String>,
        stored
        #[serde(default)]
        pub contacts: Vec<Contact>,
        view
        pub contacts: Vec<ContactView>,
        both
        #[serde(default)]
        pub children: Vec<Child>,
        both
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub perpetrator: Option<Perpetrator>,
        stored
        #[serde(default)]
        pub risk: Vec<RiskEntry>,
        view
        /// Each assessment with what is derived from it.
        pub risk: Vec<RiskView>,
        stored
        /// MARAC referrals in date order (changed only through `marac record`).
        #[serde(default)]
        pub marac: Vec<MaracReferral>,
        view
        /// MARAC referrals in date order, each numbered from 1 with its repeat flag.
        pub marac: Vec<ReferralView>,
        stored
        #[serde(default)]
        pub notes: Vec<Note>,
        view
        /// Notes numbered from 1 (they are only ever appended): `share --excerpt N` picks one.
        pub notes: Vec<NoteView>,
        view
        /// The enquiry tripwire has an alert about an enquiry linked to this client.
        pub enquiry_alert: bool,
    }
}

/// A stored risk assessment as shown: with what is derived from it (never stored).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize)]
pub struct RiskView {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub entry: RiskEntry,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub derived: risk::RiskDerived,
}

/// A note as shown: numbered from 1 in the order written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize)]
pub struct NoteView {
    pub id: usize,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub note: Note,
}

/// A MARAC referral as shown: numbered from 1, with whether it is a repeat (within 12
/// months of the one before).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize)]
pub struct ReferralView {
    pub referral: usize,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub entry: MaracReferral,
    pub repeat: bool,
}

/// What the app is shown of a record with names hidden: enough to contact the person
/// safely and see their risk, nothing that says who they are or where they live. Risk
/// entries come without their free-text reason, and only a do-not-use contact keeps its
/// notes (the card shows why it must not be used).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize)]
pub struct ClientOverview {
    pub id: i64,
    pub case_reference: String,
    pub initials: String,
    /// `false`: names hidden (a [`ClientDetails`] says `true`).
    #[cfg_attr(feature = "ts", ts(type = "false"))]
    pub details: bool,
    pub risk: Vec<RiskView>,
    pub contacts: Vec<ContactView>,
    pub enquiry_alert: bool,
}

/// A record as `show_client` gives it: the whole of it with names shown, or the overview.
/// The two are told apart by `details`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ClientView {
    Details(Box<ClientDetails>),
    Overview(ClientOverview),
}

impl ClientView {
    /// The view's contacts, in the stored order.
    pub fn contacts_mut(&mut self) -> &mut Vec<ContactView> {
        match self {
            ClientView::Details(d) => &mut d.contacts,
            ClientView::Overview(o) => &mut o.contacts,
        }
    }

    pub fn set_enquiry_alert(&mut self, flagged: bool) {
        match self {
            ClientView::Details(d) => d.enquiry_alert = flagged,
            ClientView::Overview(o) => o.enquiry_alert = flagged,
        }
    }
}

macro_rules! no_values_in_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), "{..}"))
            }
        }
    )*};
}
no_values_in_debug!(
    Contact,
    Child,
    Perpetrator,
    RiskInput,
    RiskEntry,
    MaracAction,
    MaracReferral,
    NoteInput,
    Note,
    ClientRecord,
    ClientPatch,
    ContactView,
    ContactViewOwn,
    ClientDetails,
    ClientDetailsOwn,
    RiskView,
    NoteView,
    ReferralView,
    ClientOverview,
    ClientView
);

// ---------------------------------------------------------------------------------------
// Input: one shape for `client add` and `client update`

/// The JSON a person gives to add or change a client. For an update, an absent key leaves
/// the field as it is, `null` clears it, and `risk` and `notes` entries are *added* to the
/// chronology (a past assessment or note is never rewritten).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    #[serde(default, deserialize_with = "present")]
    pub case_reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub preferred_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub date_of_birth: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    pub gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub pronouns: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub postcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub address_is_refuge: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub ethnicity: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub disabilities: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub health_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub pregnant: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub immigration_status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub no_recourse_to_public_funds: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    pub agencies_involved: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub contacts: Option<Option<Vec<Contact>>>,
    #[serde(default, deserialize_with = "present")]
    pub children: Option<Option<Vec<Child>>>,
    #[serde(default, deserialize_with = "present")]
    pub perpetrator: Option<Option<Perpetrator>>,
    #[serde(default)]
    pub risk: Vec<RiskInput>,
    #[serde(default)]
    pub notes: Vec<NoteInput>,
}

pub const MAX_CONTACTS: usize = 20;
pub const MAX_CHILDREN: usize = 30;
pub const MAX_NEW_ENTRIES: usize = 100;
pub const MAX_NOTES: usize = 20_000;
pub const MAX_RISK: usize = 1_000;

pub(crate) const SHORT: usize = 200;
pub(crate) const MEDIUM: usize = 2_000;
const LONG: usize = 20_000;

impl ClientPatch {
    /// Applies the patch to `rec` (a fresh default for a new client), validating every
    /// field it touches and then the record as a whole.
    pub fn apply(self, rec: &mut ClientRecord, author: &str, today: Date) -> Result<()> {
        fn set<T>(slot: &mut Option<T>, v: Option<Option<T>>) {
            if let Some(v) = v {
                *slot = v;
            }
        }
        if let Some(v) = self.full_name {
            rec.full_name = v.unwrap_or_default();
        }
        if let Some(v) = self.case_reference {
            rec.case_reference = v.unwrap_or_default();
        }
        set(&mut rec.preferred_name, self.preferred_name);
        set(&mut rec.date_of_birth, self.date_of_birth);
        set(&mut rec.gender, self.gender);
        set(&mut rec.pronouns, self.pronouns);
        set(&mut rec.address, self.address);
        set(&mut rec.postcode, self.postcode);
        if let Some(v) = self.address_is_refuge {
            rec.address_is_refuge = v.unwrap_or(false);
        }
        set(&mut rec.ethnicity, self.ethnicity);
        set(&mut rec.disabilities, self.disabilities);
        set(&mut rec.health_notes, self.health_notes);
        set(&mut rec.pregnant, self.pregnant);
        set(&mut rec.immigration_status, self.immigration_status);
        set(&mut rec.no_recourse_to_public_funds, self.no_recourse_to_public_funds);
        set(&mut rec.agencies_involved, self.agencies_involved);
        if let Some(v) = self.contacts {
            rec.contacts = keep_code_words(&rec.contacts, v.unwrap_or_default())?;
        }
        if let Some(v) = self.children {
            rec.children = v.unwrap_or_default();
        }
        set(&mut rec.perpetrator, self.perpetrator);

        if self.risk.len() > MAX_NEW_ENTRIES || self.notes.len() > MAX_NEW_ENTRIES {
            return Err(Error::invalid(format!(
                "at most {MAX_NEW_ENTRIES} new risk entries and {MAX_NEW_ENTRIES} new notes can be added at once"
            )));
        }
        let first_new_risk = rec.risk.len();
        for r in self.risk {
            rec.risk.push(RiskEntry {
                date: r.date,
                answers: r.answers,
                professional_judgement: r.professional_judgement,
                judgement_reason: r.judgement_reason,
                police_incidents_12m: r.police_incidents_12m,
                assessed_by: author.to_string(),
            });
        }
        let first_new_note = rec.notes.len();
        for n in self.notes {
            rec.notes.push(Note { date: n.date.unwrap_or(today), author: author.to_string(), text: n.text });
        }
        rec.validate(today, first_new_risk, first_new_note)
    }
}

/// The new contacts, each `keep_code_word_of: N` replaced by the code word of stored
/// contact N (a reference to a contact that is not there, or one given with a new code word
/// as well, is refused).
fn keep_code_words(stored: &[Contact], mut new: Vec<Contact>) -> Result<Vec<Contact>> {
    for (i, c) in new.iter_mut().enumerate() {
        let Some(n) = c.keep_code_word_of.take() else { continue };
        if c.code_word.is_some() {
            return Err(Error::invalid(format!(
                "`contacts[{i}]` has both a new `code_word` and `keep_code_word_of`: give one"
            )));
        }
        let kept = n.checked_sub(1).and_then(|j| stored.get(j)).ok_or_else(|| {
            Error::invalid(format!(
                "`contacts[{i}].keep_code_word_of` names a contact the record does not have (they are numbered from 1)"
            ))
        })?;
        c.code_word = kept.code_word.clone();
    }
    Ok(new)
}

// ---------------------------------------------------------------------------------------
// Validation

/// Trims `v`, clears it when empty, and refuses over-long text or control characters
/// ([`input::text`], the one text check), in place.
pub(crate) fn clean(path: &str, v: &mut Option<String>, max: usize, multiline: bool) -> Result<()> {
    let lines = if multiline { Lines::Many } else { Lines::One };
    *v = input::text(path, v.as_deref(), max, lines)?;
    Ok(())
}

pub(crate) fn clean_required(path: &str, v: &mut String, max: usize) -> Result<()> {
    let mut o = Some(std::mem::take(v));
    clean(path, &mut o, max, false)?;
    *v = o.ok_or_else(|| Error::invalid(format!("`{path}` is required and may not be empty")))?;
    Ok(())
}

pub(crate) fn check_date(path: &str, d: Option<Date>, past_only: bool, today: Date) -> Result<()> {
    if let Some(d) = d {
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).map(Date);
        let latest = NaiveDate::from_ymd_opt(2200, 1, 1).map(Date);
        if Some(d) < earliest || Some(d) > latest {
            return Err(Error::invalid(format!("`{path}` is outside the years 1900–2200")));
        }
        if past_only && d > today {
            return Err(Error::invalid(format!("`{path}` is in the future")));
        }
    }
    Ok(())
}

/// Normalises a UK postcode to `OUTWARD INWARD` in capitals, or refuses it.
pub fn normalise_postcode(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    let (out, inw) = compact.split_at(compact.len() - 3);
    let ib = inw.as_bytes();
    let inward_ok =
        matches!(ib, [d, a, b] if d.is_ascii_digit() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic());
    let ob = out.as_bytes();
    let outward_ok = ob.first().is_some_and(|c| c.is_ascii_alphabetic())
        && ob.iter().all(|c| c.is_ascii_alphanumeric())
        && ob.iter().any(|c| c.is_ascii_digit());
    (inward_ok && outward_ok).then(|| format!("{out} {inw}"))
}

/// The outward part of a postcode ("DE1 1AA" → "DE1").
pub fn postcode_district(postcode: &str) -> Option<&str> {
    postcode.split(' ').next()
}

/// Validates a phone number (UK by default) and returns it in E.164.
///
/// Ofcom's ranges reserved for drama (07700 900000–900999 and the geographic ones) are
/// accepted although libphonenumber calls them unallocated: demos and tests use them so
/// that no real person's number is ever needed.
pub fn normalise_phone(s: &str) -> Option<String> {
    if s.chars().count() > 40 || !s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) {
        return None;
    }
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::GB), s).ok()?;
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    (phonenumber::is_valid(&parsed) || is_drama_number(&e164)).then_some(e164)
}

/// A phone number as people read it: a UK number (`+44…`) in national format with the
/// usual grouping — mobiles and other 07 numbers "07700 900123", London and the other 02
/// areas "020 7946 0000", the 011x and 01x1 cities "0113 496 0000", other geographic
/// areas "01632 960000", 03, 08 and 09 numbers "0300 123 4567" — and any other number left
/// in international form as stored. Anything that is not an E.164 number (an e-mail
/// address, a stored value of an older form) comes back unchanged.
pub fn display_phone(value: &str) -> String {
    let Some(n) = value.strip_prefix("+44") else {
        return value.to_string();
    };
    if !(9..=10).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
        return value.to_string();
    }
    // Digit strings: every split below is at a character boundary.
    let split = |cuts: &[usize]| -> String {
        let mut parts = Vec::new();
        let mut from = 0;
        for &cut in cuts {
            if let Some(part) = n.get(from..cut) {
                parts.push(part);
            }
            from = cut;
        }
        parts.push(n.get(from..).unwrap_or(""));
        format!("0{}", parts.join(" "))
    };
    let b = n.as_bytes();
    match (b.first(), b.get(1), b.get(2)) {
        (Some(b'2'), _, _) => split(&[2, 6]),
        (Some(b'1'), Some(b'1'), _) | (Some(b'1'), _, Some(b'1')) => split(&[3, 6]),
        (Some(b'3' | b'8' | b'9'), _, _) => split(&[3, 6]),
        _ => split(&[4]),
    }
}

/// Ofcom's numbers for TV and radio drama, in E.164: a prefix and a count of free digits.
const DRAMA_RANGES: &[(&str, usize)] = &[
    ("+447700900", 3),
    ("+442079460", 3),
    ("+441632960", 3),
    ("+441134960", 3),
    ("+441144960", 3),
    ("+441154960", 3),
    ("+441164960", 3),
    ("+441174960", 3),
    ("+441184960", 3),
    ("+441214960", 3),
    ("+441314960", 3),
    ("+441414960", 3),
    ("+441514960", 3),
    ("+441614960", 3),
    ("+441914980", 3),
    ("+448081570", 3),
    ("+443069990", 3),
];

pub fn is_drama_number(e164: &str) -> bool {
    DRAMA_RANGES.iter().any(|(prefix, free)| {
        e164.strip_prefix(prefix)
            .is_some_and(|rest| rest.len() == *free && rest.bytes().all(|b| b.is_ascii_digit()))
    })
}

pub(crate) fn check_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn check_case_reference(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
}

impl Contact {
    fn validate(&mut self, path: &str, today: Date) -> Result<()> {
        clean(&format!("{path}.value"), &mut self.value, SHORT, false)?;
        clean(&format!("{path}.safe_times"), &mut self.safe_times, SHORT, false)?;
        match &mut self.safe_windows {
            Some(windows) => safe_times::validate(&format!("{path}.safe_windows"), windows)?,
            None => self.safe_windows = self.safe_times.as_deref().and_then(safe_times::parse),
        }
        clean(&format!("{path}.code_word"), &mut self.code_word, 100, false)?;
        clean(&format!("{path}.notes"), &mut self.notes, MEDIUM, true)?;
        let vpath = format!("{path}.value");
        match self.channel {
            Channel::Phone | Channel::Sms => {
                let v = self.value.as_deref().ok_or_else(|| {
                    Error::invalid(format!("`{vpath}` is required for a phone or SMS contact"))
                })?;
                let e164 = normalise_phone(v).ok_or_else(|| {
                    Error::invalid(format!("`{vpath}` is not a valid phone number (UK numbers may be written 07700 900123; others need +country code)"))
                })?;
                self.value = Some(e164);
            }
            Channel::Email => {
                let v = self
                    .value
                    .as_deref()
                    .ok_or_else(|| Error::invalid(format!("`{vpath}` is required for an e-mail contact")))?;
                if !check_email(v) {
                    return Err(Error::invalid(format!("`{vpath}` is not a valid e-mail address")));
                }
            }
            Channel::Post | Channel::InPerson | Channel::Other => {}
        }
        check_date(&format!("{path}.last_confirmed"), self.last_confirmed, true, today)?;
        check_date(&format!("{path}.review_due"), self.review_due, false, today)?;
        if let (Some(c), Some(r)) = (self.last_confirmed, self.review_due) {
            if r < c {
                return Err(Error::invalid(format!("`{path}.review_due` is before `{path}.last_confirmed`")));
            }
        }
        Ok(())
    }
}

impl ClientRecord {
    /// Validates and normalises the whole record. Entries of `risk` and `notes` before the
    /// given indexes were validated when they were added and are not checked again
    /// (so that, for example, an old note is not refused by today's "not in the future").
    pub fn validate(&mut self, today: Date, first_new_risk: usize, first_new_note: usize) -> Result<()> {
        clean_required("full_name", &mut self.full_name, SHORT)?;
        clean("preferred_name", &mut self.preferred_name, SHORT, false)?;
        for (p, v) in [
            ("gender", &mut self.gender),
            ("pronouns", &mut self.pronouns),
            ("ethnicity", &mut self.ethnicity),
            ("immigration_status", &mut self.immigration_status),
        ] {
            clean(p, v, SHORT, false)?;
        }
        clean("address", &mut self.address, MEDIUM, true)?;
        clean("disabilities", &mut self.disabilities, MEDIUM, true)?;
        clean("agencies_involved", &mut self.agencies_involved, MEDIUM, true)?;
        clean("health_notes", &mut self.health_notes, LONG, true)?;
        check_date("date_of_birth", self.date_of_birth, true, today)?;
        let mut pc = self.postcode.take();
        clean("postcode", &mut pc, 16, false)?;
        if let Some(p) = pc {
            self.postcode =
                Some(normalise_postcode(&p).ok_or_else(|| {
                    Error::invalid("`postcode` is not a UK postcode (for example DE1 1AA)")
                })?);
        }
        let cr = self.case_reference.trim().to_string();
        if !cr.is_empty() && !check_case_reference(&cr) {
            return Err(Error::invalid(
                "`case_reference` may hold only letters, digits, '-' and '/' (at most 32)",
            ));
        }
        self.case_reference = cr;

        if self.contacts.len() > MAX_CONTACTS {
            return Err(Error::invalid(format!("at most {MAX_CONTACTS} contacts per client")));
        }
        for (i, c) in self.contacts.iter_mut().enumerate() {
            c.validate(&format!("contacts[{i}]"), today)?;
        }
        if self.children.len() > MAX_CHILDREN {
            return Err(Error::invalid(format!("at most {MAX_CHILDREN} children per client")));
        }
        for (i, c) in self.children.iter_mut().enumerate() {
            let p = format!("children[{i}]");
            clean_required(&format!("{p}.full_name"), &mut c.full_name, SHORT)?;
            clean(&format!("{p}.school"), &mut c.school, SHORT, false)?;
            check_date(&format!("{p}.date_of_birth"), c.date_of_birth, true, today)?;
        }
        if let Some(perp) = &mut self.perpetrator {
            clean("perpetrator.full_name", &mut perp.full_name, SHORT, false)?;
            clean("perpetrator.address", &mut perp.address, MEDIUM, true)?;
            clean("perpetrator.relationship", &mut perp.relationship, SHORT, false)?;
            clean("perpetrator.police_reference", &mut perp.police_reference, SHORT, false)?;
            clean("perpetrator.orders", &mut perp.orders, MEDIUM, true)?;
            check_date("perpetrator.date_of_birth", perp.date_of_birth, true, today)?;
            if *perp == Perpetrator::default() {
                self.perpetrator = None;
            }
        }
        if self.risk.len() > MAX_RISK || self.notes.len() > MAX_NOTES {
            return Err(Error::invalid("this client's chronology is full"));
        }
        for (i, r) in self.risk.iter_mut().enumerate().skip(first_new_risk) {
            let p = format!("risk[{}]", i - first_new_risk);
            let inp = r;
            if inp.answers.len() != ANSWER_COUNT {
                return Err(Error::invalid(format!(
                    "`{p}.answers` must hold exactly {ANSWER_COUNT} answers, one per question (found {})",
                    inp.answers.len()
                )));
            }
            check_date(&format!("{p}.date"), Some(inp.date), true, today)?;
            clean(&format!("{p}.judgement_reason"), &mut inp.judgement_reason, MEDIUM, true)?;
            if inp.professional_judgement && inp.judgement_reason.is_none() {
                return Err(Error::invalid(format!(
                    "`{p}.judgement_reason` is required when `professional_judgement` is true"
                )));
            }
            if inp.police_incidents_12m.is_some_and(|n| n > 1000) {
                return Err(Error::invalid(format!("`{p}.police_incidents_12m` is implausibly large")));
            }
        }
        for (i, n) in self.notes.iter_mut().enumerate().skip(first_new_note) {
            let p = format!("notes[{}]", i - first_new_note);
            let mut t = Some(std::mem::take(&mut n.text));
            clean(&format!("{p}.text"), &mut t, LONG, true)?;
            n.text = t.ok_or_else(|| Error::invalid(format!("`{p}.text` may not be empty")))?;
            check_date(&format!("{p}.date"), Some(n.date), true, today)?;
        }
        Ok(())
    }

    pub fn initials(&self) -> String {
        initials_of(&self.full_name)
    }
}

/// "Ada Example" → "A.E.": the first letter of each word, upper-cased.
pub fn initials_of(full_name: &str) -> String {
    let mut out = String::with_capacity(8);
    for c in full_name.split_whitespace().filter_map(|w| w.chars().next()) {
        for u in c.to_uppercase() {
            out.push(u);
            out.push('.');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instants around both 2027 clock changes in the UK (BST from 2027-03-28 01:00 UTC to
    /// 2027-10-31 01:00 UTC) and the local date there; `true` where a UTC "today" is another
    /// day (the last is where one stuck in summer time is).
    const AROUND_2027_CHANGES: [(&str, &str, bool); 8] = [
        ("2027-03-27T23:30:00Z", "2027-03-27", false), // 23:30 GMT
        ("2027-03-28T00:30:00Z", "2027-03-28", false), // 00:30 GMT, half an hour before the change
        ("2027-03-28T01:30:00Z", "2027-03-28", false), // 02:30 BST
        ("2027-03-28T23:30:00Z", "2027-03-29", true),  // 00:30 BST: UTC still says the 28th
        ("2027-10-30T23:30:00Z", "2027-10-31", true),  // 00:30 BST on the night the clocks go back
        ("2027-10-31T00:30:00Z", "2027-10-31", false), // 01:30 BST, the first time
        ("2027-10-31T01:30:00Z", "2027-10-31", false), // 01:30 GMT, the second time
        ("2027-10-31T23:30:00Z", "2027-10-31", false), // 23:30 GMT: summer time would say Nov 1
    ];

    fn instant(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
    }

    /// `Date::on` with the laptop's zone (`chrono::Local`, read from `TZ`): run in a child
    /// process of this test binary for each way of naming UK time, since `TZ` is read per
    /// process. The zone database name needs tzdata; the POSIX rule does not.
    #[test]
    fn today_follows_the_laptops_time_zone_across_the_2027_clock_changes() {
        crate::support::clock::in_uk_zones(
            "record::tests::local_dates_in_this_process",
            "CASEKEEP_LOCAL_DATES_CHILD",
            "local dates checked: 8",
        );
        // The cases discriminate: in UTC the marked ones are another day.
        for (at, local, utc_differs) in AROUND_2027_CHANGES {
            assert_eq!(Date::on(instant(at), &chrono::Utc).to_string() != local, utc_differs, "{at}");
        }
        // And a fixed one-hour offset (summer time all year) is wrong in winter.
        let bst = chrono::FixedOffset::east_opt(3600).unwrap();
        assert_eq!(Date::on(instant("2027-10-31T23:30:00Z"), &bst).to_string(), "2027-11-01");
    }

    /// The child of the test above (does nothing unless asked).
    #[test]
    #[allow(clippy::disallowed_methods)] // the parent test asks through the environment
    fn local_dates_in_this_process() {
        if std::env::var_os("CASEKEEP_LOCAL_DATES_CHILD").is_none() {
            return;
        }
        for (at, local, _) in AROUND_2027_CHANGES {
            assert_eq!(Date::on(instant(at), &chrono::Local).to_string(), local, "{at}");
        }
        // The parent looks for this line (a skipped child would print nothing).
        #[allow(clippy::print_stdout)]
        {
            println!("local dates checked: {}", AROUND_2027_CHANGES.len());
        }
    }

    #[test]
    fn dates_must_be_written_exactly() {
        assert!(Date::parse("2026-11-01").is_some());
        for bad in ["2026-1-01", "2026-02-30", "01/11/2026", "2026-11-01T00:00", "", "２０２６-11-01"] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        for bad in
            ["2026-13-01", "2026-00-10", "2026-04-31", "2026-12-32", "2026-11-00", "2023-02-29", "+026-11-01"]
        {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        for good in ["2024-02-29", "2000-02-29", "1999-12-31", "2026-01-01"] {
            assert_eq!(Date::parse(good).map(|d| d.to_string()).as_deref(), Some(good));
        }
    }

    #[test]
    fn initials_are_upper_case_letters_with_stops() {
        assert_eq!(initials_of("ada  lovelace"), "A.L.");
        assert_eq!(initials_of(" Zoë  ÉLODIE o'Brien "), "Z.É.O.");
        assert_eq!(initials_of(""), "");
    }

    #[test]
    fn phones_display_in_uk_national_format() {
        for (e164, shown) in [
            ("+447700900789", "07700 900789"),
            ("+447911123456", "07911 123456"),
            ("+442079460000", "020 7946 0000"),
            ("+442920180000", "029 2018 0000"),
            ("+441134960000", "0113 496 0000"),
            ("+441214960123", "0121 496 0123"),
            ("+441614960000", "0161 496 0000"),
            ("+441632960000", "01632 960000"),
            ("+441332123456", "01332 123456"),
            ("+443069990000", "0306 999 0000"),
            ("+448081570123", "0808 157 0123"),
            ("+44800123456", "0800 123 456"),
            ("+441387123456", "01387 123456"),
        ] {
            assert_eq!(display_phone(e164), shown, "{e164}");
        }
        // Every number the validator accepts, shown nationally, reads back as itself.
        for e164 in ["+447700900789", "+442079460000", "+441134960000", "+441632960000"] {
            assert_eq!(normalise_phone(&display_phone(e164)).as_deref(), Some(e164));
        }
        // Not UK, not E.164, or not a number: left as it is.
        for other in
            ["+33123456789", "+12025550123", "ada@example.org", "07700 900789", "+44abc", "+44123", ""]
        {
            assert_eq!(display_phone(other), other);
        }
    }

    #[test]
    fn phones_normalise_to_e164_and_drama_numbers_are_valid() {
        assert_eq!(normalise_phone("07700 900123").as_deref(), Some("+447700900123"));
        assert_eq!(normalise_phone("+44 7700 900999").as_deref(), Some("+447700900999"));
        assert_eq!(normalise_phone("020 7946 0123").as_deref(), Some("+442079460123"));
        assert_eq!(normalise_phone("07700 9001234"), None);
        assert_eq!(normalise_phone("07700 900 12"), None);
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("not a number"), None);
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalise_postcode("de11aa").as_deref(), Some("DE1 1AA"));
        assert_eq!(normalise_postcode("SW1A 2AA").as_deref(), Some("SW1A 2AA"));
        assert_eq!(normalise_postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        assert_eq!(normalise_postcode("12345"), None);
        assert_eq!(normalise_postcode("DE1 1A"), None);
        assert_eq!(postcode_district("DE1 1AA"), Some("DE1"));
    }

    #[test]
    fn age_counts_whole_years() {
        let dob = Date::parse("1990-04-12").map(|d| d.years_since(Date::parse("2026-04-11").unwrap_or(d)));
        assert_eq!(dob, Some(35));
        let dob = Date::parse("1990-04-12").map(|d| d.years_since(Date::parse("2026-04-12").unwrap_or(d)));
        assert_eq!(dob, Some(36));
    }

    #[test]
    fn debug_never_prints_record_values() {
        let rec = ClientRecord { full_name: "Sentinel Person".into(), ..Default::default() };
        assert!(!format!("{rec:?}").contains("Sentinel"));
    }

    /// `input::parse_json` with a `Date` (whose failure is the record's own message) and a
    /// closed list: the message names the path, never the value (moved here from `input`,
    /// which is below the record).
    #[test]
    fn a_date_failure_uses_the_own_message_and_enum_lists_are_static() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(dead_code)]
        enum Kind {
            Phone,
            Email,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct D {
            date: Date,
            kinds: Option<Vec<Kind>>,
            count: Option<u8>,
        }
        let e = |j: &str| {
            crate::support::input::parse_json::<D>(j.as_bytes(), "t")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        let m = e(r#"{"date": "QZXV, expected at line 1 column 2"}"#);
        assert!(m.contains("`date` in the t must be a real calendar date") && !m.contains("QZXV"), "{m}");
        let m = e(r#"{"date": "2026-01-01", "kinds": ["phone", "QZXV`, expected `x"]}"#);
        assert!(m.contains("`kinds[1]`") && m.contains("must be one of `phone`, `email`"), "{m}");
        assert!(!m.contains("QZXV"), "{m}");
        let m = e(r#"{"date": "2026-01-01", "count": 300}"#);
        assert!(m.contains("`count`") && !m.contains("300"), "{m}");
        let m = e(r#"{"date": "2026-01-01", "kinds": {"phone": 1}}"#);
        assert!(m.contains("expected a list, found an object"), "{m}");
    }
}
