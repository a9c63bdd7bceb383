//! The safe-contact gate's closed list of cautions and the refusal that carries them
//! (`Error::AcknowledgementRequired`): why reaching a
//! contact now may be unsafe. Which cautions apply to a contact is worked out by the
//! record's `safe_times::cautions`; they are here, below the record, because the error
//! type every layer uses names them.

use serde::{Deserialize, Serialize};

/// Shortest and longest reason accepted with an acknowledgement, in characters.
pub const REASON_MIN: usize = 10;
pub const REASON_MAX: usize = 500;

/// Why reaching a contact now may be unsafe. Each needs an acknowledgement with a reason
/// before the number is copied.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caution {
    /// The contact is marked do-not-use.
    DoNotUse,
    /// Now (local time) is outside every one of its safe windows.
    OutsideSafeTimes,
    /// No safe times are recorded, or they could not be read: it is not known when a call
    /// is safe, so it is treated like a time outside them.
    NoKnownSafeTime,
    /// Its review date has passed.
    ReviewOverdue,
    /// Never confirmed, or last confirmed at least the vault's re-confirmation window ago.
    Unconfirmed,
}

impl Caution {
    pub fn code(self) -> &'static str {
        match self {
            Caution::DoNotUse => "do_not_use",
            Caution::OutsideSafeTimes => "outside_safe_times",
            Caution::NoKnownSafeTime => "no_known_safe_time",
            Caution::ReviewOverdue => "review_overdue",
            Caution::Unconfirmed => "unconfirmed",
        }
    }

    /// In words, for the refusal and the card.
    pub fn words(self) -> &'static str {
        match self {
            Caution::DoNotUse => "marked do-not-use",
            Caution::OutsideSafeTimes => "outside its safe times now",
            Caution::NoKnownSafeTime => "no known safe time",
            Caution::ReviewOverdue => "review date passed",
            Caution::Unconfirmed => "not confirmed within the re-confirmation window",
        }
    }
}

/// The refusal's sentence (also used by `Error`'s display).
pub fn refusal_text(cautions: &[Caution]) -> String {
    let why: Vec<&str> = cautions.iter().map(|c| c.words()).collect();
    format!(
        "acknowledgement required before this contact is used (a reason of at least {REASON_MIN} characters, which is recorded): {} [{}]",
        why.join("; "),
        cautions.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
    )
}
