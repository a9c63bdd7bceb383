//! A record's MARAC referrals as they are read: repeat detection (a referral within 12
//! months of the one before it) and the numbered view the record's readers show. Pure
//! functions of the stored record; recording and changing referrals is
//! `casework::marac`'s.

use chrono::Months;
use serde_json::{json, Value};

use crate::record::{ClientRecord, Date};
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
pub fn referrals_view(rec: &ClientRecord) -> Result<Value> {
    let flags = repeats(rec);
    let mut list = Vec::with_capacity(rec.marac.len());
    for (i, (r, repeat)) in rec.marac.iter().zip(flags).enumerate() {
        let mut v = serde_json::to_value(r)
            .map_err(|_| Error::Storage("could not encode a MARAC referral".into()))?;
        if let Some(o) = v.as_object_mut() {
            o.shift_insert(0, "referral".into(), json!(i + 1));
            o.insert("repeat".into(), json!(repeat));
        }
        list.push(v);
    }
    Ok(Value::Array(list))
}
