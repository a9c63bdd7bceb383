//! macOS: written down for a macOS port; starts nothing yet, so only the idle timer locks.
//! (`Instant` is `mach_absolute_time` there, which stops during sleep; clock.rs falls back to
//! the wall clock when it ran further. A port can use `clock_gettime(CLOCK_MONOTONIC)`, which
//! counts sleep on macOS, as Linux uses `CLOCK_BOOTTIME`.)
//!
//! What to build, on the main thread's run loop (objc2 / objc2-app-kit):
//! - `NSWorkspace.sharedWorkspace.notificationCenter`, observer for
//!   `NSWorkspaceWillSleepNotification` → `LockCause::Sleep`, and for
//!   `NSWorkspaceSessionDidResignActiveNotification` (fast user switching) →
//!   `LockCause::SessionSwitched`; `NSWorkspaceScreensDidSleepNotification` → `ScreenLocked`.
//! - `NSDistributedNotificationCenter.defaultCenter`, observer for `com.apple.screenIsLocked`
//!   → `LockCause::ScreenLocked` (`com.apple.screenIsUnlocked` needs nothing: never unlock).
//!
//! Each observer hands the cause to a worker thread that calls `super::lock_now(app, cause)`
//! (the lock waits for a command in progress). Distributed notifications can be posted by
//! any process: a forged one can only lock, as on Linux.

pub fn start(_app: &tauri::AppHandle) {}
