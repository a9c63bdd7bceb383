//! The app's state: where the vaults are, the unlocked session (if any), and the idle
//! timer that locks it.

use casekeep::ipc::contract::ErrorCode;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use casekeep::log::vocab::Format;
use casekeep::Session;
use tauri::{Emitter, Manager};

use crate::chosen::Chosen;
use crate::clipboard::Clipboard;
use crate::clock;
use crate::lockwatch::{self, LockCause};

pub const DEFAULT_IDLE: Duration =
    Duration::from_secs(casekeep::record::settings::DEFAULT_IDLE_MINUTES as u64 * 60);

/// The longest warning before the idle lock (GOV.UK's timeout warning; WCAG 2.2.1 asks for
/// at least 20 seconds to answer it).
pub const WARNING_LEAD: Duration = Duration::from_secs(60);

/// The event that tells the page the idle lock is near: its payload is the whole seconds
/// left. The shell keeps the time; the page only shows it.
pub const IDLE_WARNING_EVENT: &str = "idle-warning";
/// The event that tells the page the warning is over without a lock (activity came).
pub const IDLE_WARNING_OVER_EVENT: &str = "idle-warning-over";

/// How long before the idle lock the warning comes: 60 seconds, or a third of a shorter
/// idle time (20 s for the shortest setting, one minute; 5 s for a 15 s test run).
pub fn warning_lead(idle: Duration) -> Duration {
    (idle / 3).min(WARNING_LEAD)
}

/// What one tick of the idle timer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleStep {
    /// Nothing to do.
    Wait,
    /// Show the warning: this many whole seconds are left (rounded up).
    Warn(u64),
    /// Take the warning down: there was activity since it was shown.
    Clear,
    /// Lock now.
    Lock,
}

/// One tick's decision, from the idle time, how long since the last activity and whether
/// the warning is up.
pub fn idle_step(idle: Duration, idle_for: Duration, warned: bool) -> IdleStep {
    let warn_from = idle.saturating_sub(warning_lead(idle));
    if idle_for >= idle {
        IdleStep::Lock
    } else if idle_for >= warn_from {
        if warned {
            IdleStep::Wait
        } else {
            let left = idle.saturating_sub(idle_for);
            IdleStep::Warn(left.as_secs() + u64::from(left.subsec_nanos() > 0))
        }
    } else if warned {
        IdleStep::Clear
    } else {
        IdleStep::Wait
    }
}

/// What the UI receives when a command is refused (declared in the core, so that its
/// TypeScript type is generated).
pub use casekeep::ipc::CmdError;

pub type CmdResult<T> = Result<T, CmdError>;

/// The refusal of a command that needs an unlocked session.
pub fn locked() -> CmdError {
    CmdError::new(ErrorCode::Locked, "Casekeep is locked. Unlock it to go on.")
}

pub struct Inner {
    pub session: Option<Session>,
    pub demo: bool,
    /// This session's idle time: the vault's (`lock.idle_minutes`, signed by a manager) or
    /// a shorter one the worker chose for this session.
    pub idle: Duration,
    /// The vault's idle time, the longest a worker may choose.
    pub vault_idle: Duration,
    /// Debug and test runs only: a shorter idle time that overrides the vault's
    /// (`CASEKEEP_IDLE_SECONDS`).
    test_idle: Option<Duration>,
    /// On `clock::now()`, which counts time asleep.
    last_activity: Duration,
    /// The idle warning has been sent and not yet taken down.
    warned: bool,
    clipboard: Clipboard,
}

impl Inner {
    pub fn new(test_idle: Option<Duration>, clipboard: Clipboard) -> Inner {
        let idle = test_idle.map_or(DEFAULT_IDLE, |t| t.min(DEFAULT_IDLE));
        Inner {
            session: None,
            demo: false,
            idle,
            vault_idle: DEFAULT_IDLE,
            test_idle,
            last_activity: clock::now(),
            warned: false,
            clipboard,
        }
    }

    /// Starts a session with the vault's idle time (its signed settings; the default if
    /// they cannot be read).
    pub fn start(&mut self, session: Session, demo: bool) {
        self.lock();
        let minutes = session
            .settings()
            .map(|s| s.lock.idle_minutes)
            .unwrap_or(casekeep::record::settings::DEFAULT_IDLE_MINUTES);
        self.set_vault_idle(Duration::from_secs(u64::from(minutes) * 60));
        self.session = Some(session);
        self.demo = demo;
        self.last_activity = clock::now();
        self.warned = false;
    }

    /// The vault's idle time changed (a manager's setting): this session follows it.
    pub fn set_vault_idle(&mut self, vault_idle: Duration) {
        self.vault_idle = vault_idle;
        self.idle = self.test_idle.map_or(vault_idle, |t| t.min(vault_idle));
    }

    /// The unlocked session, for the page's drafts: not counted as activity (a draft saved
    /// while the warning is up must not keep the app unlocked).
    pub fn session_quiet(&mut self) -> CmdResult<&mut Session> {
        self.session.as_mut().ok_or_else(locked)
    }

    /// Locks: records it, then drops the session (the key is zeroised, the database closed).
    /// Every lock (the button, the idle timer, the system's lock signals) also takes a
    /// copied safe number off the clipboard, if it is still there.
    pub fn lock(&mut self) {
        self.clipboard.clear();
        self.warned = false;
        if let Some(s) = self.session.take() {
            let _ = s.lock();
        }
        self.demo = false;
    }

    /// The unlocked session, counting the call as activity; `locked` otherwise.
    /// The session without counting as activity: the page's once-a-minute refresh of the
    /// "safe now" badges must not keep the vault unlocked.
    pub fn session_unattended(&self) -> CmdResult<&Session> {
        self.session.as_ref().ok_or_else(locked)
    }

    pub fn session_mut(&mut self) -> CmdResult<&mut Session> {
        self.last_activity = clock::now();
        self.session.as_mut().ok_or_else(locked)
    }
}

pub struct AppState {
    pub vault_dir: PathBuf,
    pub demo_dir: PathBuf,
    pub export_dir: PathBuf,
    pub fixed_export_dir: bool,
    /// The clipboard thread (also held by `Inner`, which clears it on every lock).
    pub clipboard: Clipboard,
    /// Paths the shell's file dialogs returned, each for one use.
    pub chosen: Chosen,
    inner: Mutex<Inner>,
}

impl AppState {
    /// Vault locations: `CASEKEEP_VAULT` / `CASEKEEP_DEMO_VAULT` / `CASEKEEP_EXPORT_DIR`, or
    /// the platform's data directory (the demo vault beside the real one, never inside it).
    pub fn from_env() -> CmdResult<AppState> {
        AppState::from_env_with(Clipboard::system())
    }

    /// [`AppState::from_env`] with a given clipboard (tests give a fake one).
    pub fn from_env_with(clipboard: Clipboard) -> CmdResult<AppState> {
        let vault_dir = match std::env::var_os("CASEKEEP_VAULT") {
            Some(v) => PathBuf::from(v),
            None => casekeep::vault::default_dir()?,
        };
        let demo_dir = match std::env::var_os("CASEKEEP_DEMO_VAULT") {
            Some(v) => PathBuf::from(v),
            None => vault_dir.with_file_name("demo-vault"),
        };
        let fixed_export_dir = std::env::var_os("CASEKEEP_EXPORT_DIR").is_some();
        let export_dir = match std::env::var_os("CASEKEEP_EXPORT_DIR") {
            Some(v) => PathBuf::from(v),
            None => vault_dir.with_file_name("exports"),
        };
        // Tests may shorten (never lengthen) the idle time.
        let test_idle = std::env::var("CASEKEEP_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.max(2)))
            .filter(|d| *d < DEFAULT_IDLE);
        Ok(AppState {
            vault_dir,
            demo_dir,
            export_dir,
            fixed_export_dir,
            clipboard: clipboard.clone(),
            chosen: Chosen::default(),
            inner: Mutex::new(Inner::new(test_idle, clipboard)),
        })
    }

    /// On quit: takes a copied safe number off the clipboard (if still there), waiting a
    /// moment for it, before the process ends.
    pub fn quit(&self) {
        self.clipboard.clear_now(Duration::from_secs(2));
    }

    pub fn guard(&self) -> CmdResult<MutexGuard<'_, Inner>> {
        // A poisoned lock means a command panicked mid-way; the session is still sound
        // (every change is one transaction), so carry on with it.
        Ok(self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A new, owner-only file name in the exports folder: no record value in it.
    pub fn export_path(&self, recipient: &str, format: Format) -> CmdResult<PathBuf> {
        casekeep::support::fsutil::create_private_dir(&self.export_dir)?;
        let stamp = chrono_stamp();
        let ext = match format {
            Format::Pdf => "pdf",
            Format::Json => "json",
        };
        for n in 0..1000 {
            let p = self.export_dir.join(format!("casekeep-{recipient}-{stamp}-{n}.{ext}"));
            if !p.exists() {
                return Ok(p);
            }
        }
        Err(CmdError::new(ErrorCode::Io, "Could not find a free file name in the exports folder."))
    }

    /// A fresh backup file name in the fixed exports folder.
    pub fn backup_path(&self) -> CmdResult<PathBuf> {
        casekeep::support::fsutil::create_private_dir(&self.export_dir)?;
        let stamp = chrono_stamp();
        for n in 0..1000 {
            let p = self.export_dir.join(format!("casekeep-backup-{stamp}-{n}.ckbackup"));
            if !p.exists() {
                return Ok(p);
            }
        }
        Err(CmdError::new(ErrorCode::Io, "Could not find a free file name in the exports folder."))
    }
}

fn chrono_stamp() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    secs.to_string()
}

/// Locks the session after the idle time without a command (the UI sends `touch` on
/// keyboard, pointer, wheel, scroll and touch activity, at most every few seconds), after a
/// warning (`IDLE_WARNING_EVENT`, `warning_lead` before) that activity takes down again
/// (`IDLE_WARNING_OVER_EVENT`). The page shows the warning; this timer alone decides. A command counts from its start; one that held the
/// session for a while (an export on a slow machine, a re-encryption) counts until it
/// ends too: work in progress is not idleness. Time asleep counts (clock.rs): on waking
/// from a sleep longer than the idle time, the first tick locks.
pub fn start_idle_timer(app: tauri::AppHandle) {
    std::thread::spawn(move || {
        let mut last_tick = (clock::now(), Instant::now());
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let state = app.state::<AppState>();
            // The clock that counts sleep ran on further than the one that does not: the
            // laptop was asleep since the last tick (or, in a test, the clock was moved on).
            let asleep = clock::now().saturating_sub(last_tick.0).saturating_sub(last_tick.1.elapsed());
            let cause = if asleep >= Duration::from_secs(2) { LockCause::Slept } else { LockCause::Idle };
            let asked = Instant::now();
            let guard = state.guard();
            if let Ok(mut g) = guard {
                if asked.elapsed() >= Duration::from_millis(250) {
                    g.last_activity = clock::now();
                } else if g.session.is_some() {
                    let idle_for = clock::now().saturating_sub(g.last_activity);
                    match idle_step(g.idle, idle_for, g.warned) {
                        IdleStep::Lock => lockwatch::lock_held(&app, &mut g, cause),
                        IdleStep::Warn(left) => {
                            g.warned = true;
                            let _ = app.emit(IDLE_WARNING_EVENT, left);
                        }
                        IdleStep::Clear => {
                            g.warned = false;
                            let _ = app.emit(IDLE_WARNING_OVER_EVENT, ());
                        }
                        IdleStep::Wait => {}
                    }
                }
            }
            last_tick = (clock::now(), Instant::now());
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::clipboard::fake::FakeBoard;

    const NUMBER: &str = "+447700900123";

    fn fake() -> (FakeBoard, Clipboard) {
        let board = FakeBoard::default();
        let given = board.clone();
        (board, Clipboard::start(move || Some(given)))
    }

    /// Waits (up to 3 s, well under the 10 s timer) for the clipboard thread to empty it.
    fn cleared_soon(board: &FakeBoard) -> bool {
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            if board.now().is_none() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn a_lock_clears_the_copied_number() {
        let (board, clip) = fake();
        let mut inner = Inner::new(None, clip.clone());
        clip.copy(NUMBER.into()).unwrap();
        assert_eq!(board.now().as_deref(), Some(NUMBER));
        inner.lock();
        assert!(cleared_soon(&board), "the number is still on the clipboard after a lock");
    }

    #[test]
    fn a_lock_leaves_something_copied_since_alone() {
        let (board, clip) = fake();
        let mut inner = Inner::new(None, clip.clone());
        clip.copy(NUMBER.into()).unwrap();
        board.other_copy("the worker's own note");
        inner.lock();
        // The clear is done once a later request is answered (one thread, in order).
        assert!(clip.clear_now(Duration::from_secs(5)));
        assert_eq!(board.now().as_deref(), Some("the worker's own note"));
    }

    #[test]
    fn quitting_clears_the_copied_number_before_it_returns() {
        let (board, clip) = fake();
        let state = AppState::from_env_with(clip.clone()).unwrap();
        clip.copy(NUMBER.into()).unwrap();
        state.quit();
        assert_eq!(board.now(), None);
    }

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_warning_comes_a_minute_before_or_a_third_of_a_short_idle_time() {
        assert_eq!(warning_lead(DEFAULT_IDLE), secs(60));
        assert_eq!(warning_lead(secs(50 * 60)), secs(60));
        assert_eq!(warning_lead(secs(60)), secs(20), "WCAG 2.2.1: at least 20 s to answer");
        assert_eq!(warning_lead(secs(15)), secs(5));
    }

    #[test]
    fn a_tick_warns_once_then_locks_and_activity_takes_the_warning_down() {
        let idle = DEFAULT_IDLE;
        assert_eq!(idle_step(idle, secs(0), false), IdleStep::Wait);
        assert_eq!(idle_step(idle, secs(239), false), IdleStep::Wait);
        assert_eq!(idle_step(idle, secs(240), false), IdleStep::Warn(60));
        assert_eq!(idle_step(idle, Duration::from_millis(240_500), false), IdleStep::Warn(60), "rounded up");
        // Once sent, not again every tick.
        assert_eq!(idle_step(idle, secs(250), true), IdleStep::Wait);
        assert_eq!(idle_step(idle, secs(299), true), IdleStep::Wait);
        assert_eq!(idle_step(idle, secs(300), true), IdleStep::Lock);
        // A sleep past the whole idle time locks without a warning first.
        assert_eq!(idle_step(idle, secs(3600), false), IdleStep::Lock);
        // "Stay unlocked" (or any activity) during the warning: taken down.
        assert_eq!(idle_step(idle, secs(0), true), IdleStep::Clear);
        // A short test idle time: warned 5 s before.
        assert_eq!(idle_step(secs(15), secs(10), false), IdleStep::Warn(5));
        assert_eq!(idle_step(secs(15), secs(9), false), IdleStep::Wait);
    }

    #[test]
    fn a_worker_s_idle_time_follows_the_vault_s_and_a_test_run_only_shortens_it() {
        let (_board, clip) = fake();
        let mut inner = Inner::new(None, clip.clone());
        assert_eq!(inner.idle, DEFAULT_IDLE);
        inner.set_vault_idle(secs(50 * 60));
        assert_eq!((inner.idle, inner.vault_idle), (secs(50 * 60), secs(50 * 60)));
        let mut test = Inner::new(Some(secs(15)), clip);
        assert_eq!(test.idle, secs(15));
        test.set_vault_idle(secs(50 * 60));
        assert_eq!(test.idle, secs(15));
        test.set_vault_idle(secs(5));
        assert_eq!(test.idle, secs(5));
    }
}
