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

    #[cfg(target_os = "linux")]
    #[test]
    fn is_the_boot_time_clock_on_linux() {
        // CLOCK_BOOTTIME is never behind CLOCK_MONOTONIC (they differ by the time suspended).
        let mono = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let boot = base();
        assert!(boot.as_secs() >= u64::try_from(mono.tv_sec).unwrap_or(u64::MAX));
    }
}
