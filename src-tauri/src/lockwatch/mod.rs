//! Locks Casekeep with the laptop: when it is about to sleep, when its screen locks and when
//! the desktop session is switched away, as well as after the idle time (state.rs).
//!
//! Each platform has its own source of these events, started once by `start`:
//! - Linux (`linux.rs`): D-Bus signals from logind (system bus) and the screen saver
//!   (session bus). No D-Bus at all: the app still runs and the idle timer still locks.
//! - Windows (`windows.rs`) and macOS (`macos.rs`): written down, not built yet; they start
//!   nothing, so on those platforms only the idle timer locks.
//!
//! Whatever the source, a lock goes through `lock_now`: the same `Inner::lock()` as the idle
//! timer and the Lock button, then the `locked` event, on which the page clears itself.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "windows")]
mod windows;

use tauri::{Emitter, Manager};

use crate::state::{AppState, Inner};

/// Why the shell locked without being asked by the page. (Until the Windows and macOS
/// sources are built, only Linux makes the causes other than the idle ones.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub enum LockCause {
    /// No command or activity for the idle time.
    Idle,
    /// The laptop was asleep for longer than the idle time (seen on waking).
    Slept,
    /// The laptop is about to sleep (logind `PrepareForSleep(true)`).
    Sleep,
    /// The screen locked (logind `Session.Lock`, a screen saver's `ActiveChanged(true)`).
    ScreenLocked,
    /// The desktop session was switched away (logind `Session.Active` turned false).
    SessionSwitched,
}

impl LockCause {
    /// What the page says on its unlock screen (no record data, ever).
    pub fn message(self) -> &'static str {
        match self {
            LockCause::Idle => "Locked after a period without use.",
            LockCause::Slept => "Locked: the laptop was asleep for longer than the idle time.",
            LockCause::Sleep => "Locked because the laptop went to sleep.",
            LockCause::ScreenLocked => "Locked because the screen was locked.",
            LockCause::SessionSwitched => "Locked because the session was switched.",
        }
    }
}

/// The event the page listens for: its payload is `LockCause::message`.
pub const LOCKED_EVENT: &str = "locked";

/// Locks `inner` if it is unlocked and tells the page, which clears everything it shows.
/// Called with the state's lock held, so that the page's status poll cannot see the locked
/// state before the event is sent.
pub fn lock_held(app: &tauri::AppHandle, inner: &mut Inner, cause: LockCause) {
    if inner.session.is_some() {
        inner.lock();
        let _ = app.emit(LOCKED_EVENT, cause.message());
    }
}

/// Locks now (waiting for a command in progress to finish: it holds the session).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn lock_now(app: &tauri::AppHandle, cause: LockCause) {
    let state = app.state::<AppState>();
    let guard = state.guard();
    if let Ok(mut g) = guard {
        lock_held(app, &mut g, cause);
    }
}

/// Starts this platform's lock sources (on Linux, two watcher threads).
pub fn start(app: &tauri::AppHandle) {
    #[cfg(target_os = "linux")]
    linux::start(app);
    #[cfg(target_os = "windows")]
    windows::start(app);
    #[cfg(target_os = "macos")]
    macos::start(app);
    #[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
    let _ = app;
}
