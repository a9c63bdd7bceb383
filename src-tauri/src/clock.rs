//! The idle timer's clock: time that goes on counting while the laptop sleeps.
//!
//! `Instant` is `CLOCK_MONOTONIC` on Linux, which stops during suspend: measured with it,
//! a laptop shut for an hour would wake with the records on screen for up to the idle time.
//! On Linux this is `CLOCK_BOOTTIME` (counts suspend); elsewhere the further of `Instant`
//! and the wall clock since start (a wall clock set forward locks early, never late).
//!
//! Debug builds only: `CASEKEEP_TEST_CLOCK_FILE` names a file holding a number of seconds
//! added to this clock, read at each tick. The e2e run writes it to simulate a sleep. A
//! release build (what ships) has no such code.
//!
//! [`local_now`] is the wall clock the Today view and the card's "safe now" badge read: the
//! core's clock in the laptop's time zone. Debug builds only: `CASEKEEP_TEST_NOW_FILE` names
//! a file that, while it holds a local time written `YYYY-MM-DDTHH:MM`, stands in for it, so
//! the e2e run can show the badge at a fixed time.

use std::time::Duration;

/// Now, on a clock that counts time asleep; only differences between two readings mean
/// anything.
pub fn now() -> Duration {
    base().saturating_add(test_offset())
}

#[cfg(target_os = "linux")]
fn base() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(t.tv_nsec).unwrap_or(0);
    Duration::new(secs, 0).saturating_add(Duration::from_nanos(u64::from(nanos)))
}

#[cfg(not(target_os = "linux"))]
fn base() -> Duration {
    use std::sync::OnceLock;
    use std::time::{Instant, SystemTime};
    static START: OnceLock<(Instant, SystemTime)> = OnceLock::new();
    let (mono, wall) = START.get_or_init(|| (Instant::now(), SystemTime::now()));
    let by_wall = SystemTime::now().duration_since(*wall).unwrap_or(Duration::ZERO);
    mono.elapsed().max(by_wall)
}

#[cfg(debug_assertions)]
fn test_offset() -> Duration {
    std::env::var_os("CASEKEEP_TEST_CLOCK_FILE")
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::ZERO)
}

#[cfg(not(debug_assertions))]
fn test_offset() -> Duration {
    Duration::ZERO
}

/// The laptop's local wall-clock time now (see the module's note on the debug-only pin).
pub fn local_now() -> chrono::NaiveDateTime {
    pinned_local().unwrap_or_else(casekeep::record::safe_times::now_local)
}

#[cfg(debug_assertions)]
fn pinned_local() -> Option<chrono::NaiveDateTime> {
    let file = std::env::var_os("CASEKEEP_TEST_NOW_FILE")?;
    let text = std::fs::read_to_string(file).ok()?;
    chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()
}

#[cfg(not(debug_assertions))]
fn pinned_local() -> Option<chrono::NaiveDateTime> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_forward_with_real_time() {
        let a = now();
        std::thread::sleep(Duration::from_millis(30));
        let b = now();
        assert!(b.saturating_sub(a) >= Duration::from_millis(30), "{a:?} then {b:?}");
    }

    #[test]
    fn local_now_is_pinned_only_by_a_well_formed_file() {
        // Without the variable (as in every run but the e2e's) it is the real local time.
        if std::env::var_os("CASEKEEP_TEST_NOW_FILE").is_none() {
            let real = casekeep::record::safe_times::now_local();
            let ours = local_now();
            assert!((ours - real).num_seconds().abs() < 5, "{ours} vs {real}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn is_the_boot_time_clock_on_linux() {
        // CLOCK_BOOTTIME is never behind CLOCK_MONOTONIC (they differ by the time suspended).
        let mono = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let boot = base();
        assert!(boot.as_secs() >= u64::try_from(mono.tv_sec).unwrap_or(u64::MAX));
    }
}
