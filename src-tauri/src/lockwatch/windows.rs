//! Windows: written down for the Windows port; starts nothing yet, so only the idle timer
//! locks (clock.rs counts sleep by the wall clock there when `Instant` ran less far).
//!
//! What to build, on a hidden message-only window (or the main window's subclass):
//! - `WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION)`, then in the window
//!   procedure `WM_WTSSESSION_CHANGE` with `wParam` `WTS_SESSION_LOCK` (Win+L, the screen
//!   saver's lock) → `LockCause::ScreenLocked`; `WTS_CONSOLE_DISCONNECT` or
//!   `WTS_REMOTE_DISCONNECT` (fast user switching, a dropped remote session) →
//!   `LockCause::SessionSwitched`. `WTSUnRegisterSessionNotification` on exit.
//! - `WM_POWERBROADCAST` with `wParam` `PBT_APMSUSPEND` → `LockCause::Sleep` (sent before
//!   suspend; `PBT_APMRESUMEAUTOMATIC` needs nothing: the idle timer catches a long sleep).
//!   On Modern Standby machines `PBT_APMSUSPEND` may not come: register
//!   `RegisterSuspendResumeNotification` too, or rely on the session lock that follows.
//!
//! Each handler calls `super::lock_now(app, cause)` and returns at once (the lock waits for a
//! command in progress; do it on a worker thread, not in the window procedure). A forged
//! message can only lock, as on Linux.

pub fn start(_app: &tauri::AppHandle) {}
