//! The one clock that "today" and the safe-contact gate read.
//!
//! Dates that matter to a caseworker (an entry dated today, review dates, the work queue,
//! safe times) are the laptop's local dates: `record::Date::on`
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

/// Test support: runs test `name` of this test binary in a child process once per way of
/// naming UK time in `TZ` (the POSIX rule always; `Europe/London` where tzdata has it), with
/// `child_var` set so the child does its work, and checks it printed `done` (a skipped child
/// prints nothing). `TZ` is read once per process, hence the child.
#[cfg(test)]
pub(crate) fn in_uk_zones(name: &str, child_var: &str, done: &str) {
    let mut zones = vec!["GMT0BST,M3.5.0/1,M10.5.0"];
    if std::path::Path::new("/usr/share/zoneinfo/Europe/London").exists() {
        zones.push("Europe/London");
    }
    for tz in zones {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env("TZ", tz)
            .env(child_var, "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "TZ={tz}: {text}");
        assert!(text.contains(done), "TZ={tz}: the child did not run: {text}");
    }
}
