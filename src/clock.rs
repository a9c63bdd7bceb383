//! The one clock that "today" and the safe-contact gate read.
//!
//! Dates that matter to a caseworker (an entry dated today, review dates, the work queue,
//! safe times) are the laptop's local dates: [`record::Date::on`](crate::record::Date::on)
//! turns this instant into a date in a time zone, and `Date::today` uses the laptop's
//! (`chrono::Local`, which reads `TZ` and /etc/localtime), so British Summer Time is
//! followed across both clock changes.

use chrono::{DateTime, Utc};

/// The instant now. In a build with the `test-hooks` feature (tests only, never a shipped
/// build) `CASEKEEP_TEST_NOW` (RFC 3339) stands in for the system clock, so that a test can
/// run the real CLI at, say, 00:30 BST on the night the clocks go back.
pub fn now() -> DateTime<Utc> {
    #[cfg(feature = "test-hooks")]
    #[allow(clippy::disallowed_methods)] // a test hook: the test sets the clock in the CLI's environment
    if let Some(t) =
        std::env::var("CASEKEEP_TEST_NOW").ok().and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
    {
        return t.with_timezone(&Utc);
    }
    Utc::now()
}
