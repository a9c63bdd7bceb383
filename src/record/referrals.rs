//! A record's MARAC referrals as they are read: repeat detection (a referral within 12
//! months of the one before it) and the numbered view the record's readers show. Pure
//! functions of the stored record; recording and changing referrals is
//! `casework::marac`'s.

use chrono::Months;
use serde_json::Value;

use crate::record::{ClientRecord, Date, ReferralView};
use crate::support::error::{Error, Result};

/// True when `later` is within 12 months of `earlier` (exactly 12 months counts).
pub fn within_twelve_months(earlier: Date, later: Date) -> bool {
    earlier.0.checked_add_months(Months::new(12)).is_some_and(|limit| later.0 <= limit)
}

/// Whether each referral (in stored order, which is date order) is a repeat: made within
/// 12 months of the referral before it.
pub fn repeats(rec: &ClientRecord) -> Vec<bool> {
    let mut out = Vec::with_capacity(rec.marac.len());
    let mut prev: Option<Date> = None;
    for r in &rec.marac {
        out.push(prev.is_some_and(|p| within_twelve_months(p, r.referred_on)));
        prev = Some(r.referred_on);
    }
    out
}

/// The referrals as shown: each numbered from 1 with its `repeat` flag.
pub fn referral_views(rec: &ClientRecord) -> Vec<ReferralView> {
    rec.marac
        .iter()
        .zip(repeats(rec))
        .enumerate()
        .map(|(i, (r, repeat))| ReferralView { referral: i + 1, entry: r.clone(), repeat })
        .collect()
}

/// [`referral_views`] as JSON (the CLI's `marac list`).
pub fn referrals_view(rec: &ClientRecord) -> Result<Value> {
    serde_json::to_value(referral_views(rec))
        .map_err(|_| Error::Storage("could not encode a MARAC referral".into()))
}
