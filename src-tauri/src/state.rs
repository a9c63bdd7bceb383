//! The app's state: where the vaults are, the unlocked session (if any), and the idle
//! timer that locks it.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use casekeep::export::Format;
use casekeep::Session;
use tauri::Manager;

use crate::chosen::Chosen;
use crate::clipboard::Clipboard;
use crate::clock;
use crate::lockwatch::{self, LockCause};

pub const DEFAULT_IDLE: Duration = Duration::from_secs(5 * 60);

/// What the UI receives when a command is refused (declared in the core, so that its
/// TypeScript type is generated).
pub use casekeep::ipc::CmdError;

pub type CmdResult<T> = Result<T, CmdError>;

pub struct Inner {
    pub session: Option<Session>,
    pub demo: bool,
    pub idle: Duration,
    /// On `clock::now()`, which counts time asleep.
    last_activity: Duration,
    clipboard: Clipboard,
}

impl Inner {
    pub fn new(idle: Duration, clipboard: Clipboard) -> Inner {
        Inner { session: None, demo: false, idle, last_activity: clock::now(), clipboard }
    }

    pub fn start(&mut self, session: Session, demo: bool) {
        self.lock();
        self.session = Some(session);
        self.demo = demo;
        self.last_activity = clock::now();
    }

    /// Locks: records it, then drops the session (the key is zeroised, the database closed).
    /// Every lock (the button, the idle timer, the system's lock signals) also takes a
    /// copied safe number off the clipboard, if it is still there.
    pub fn lock(&mut self) {
        self.clipboard.clear();
        if let Some(s) = self.session.take() {
            let _ = s.lock();
        }
        self.demo = false;
    }

    /// The unlocked session, counting the call as activity; `locked` otherwise.
    /// The session without counting as activity: the page's once-a-minute refresh of the
    /// "safe now" badges must not keep the vault unlocked.
    pub fn session_unattended(&self) -> CmdResult<&Session> {
        self.session
            .as_ref()
            .ok_or_else(|| CmdError::new("locked", "Casekeep is locked. Unlock it to go on."))
    }

    pub fn session_mut(&mut self) -> CmdResult<&mut Session> {
        self.last_activity = clock::now();
        self.session
            .as_mut()
            .ok_or_else(|| CmdError::new("locked", "Casekeep is locked. Unlock it to go on."))
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
        let idle = std::env::var("CASEKEEP_IDLE_SECONDS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.max(2)))
            .filter(|d| *d < DEFAULT_IDLE)
            .unwrap_or(DEFAULT_IDLE);
        Ok(AppState {
            vault_dir,
            demo_dir,
            export_dir,
            fixed_export_dir,
            clipboard: clipboard.clone(),
            chosen: Chosen::default(),
            inner: Mutex::new(Inner::new(idle, clipboard)),
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
        casekeep::fsutil::create_private_dir(&self.export_dir)?;
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
        Err(CmdError::new("io", "Could not find a free file name in the exports folder."))
    }

    /// A fresh backup file name in the fixed exports folder.
    pub fn backup_path(&self) -> CmdResult<PathBuf> {
        casekeep::fsutil::create_private_dir(&self.export_dir)?;
        let stamp = chrono_stamp();
        for n in 0..1000 {
            let p = self.export_dir.join(format!("casekeep-backup-{stamp}-{n}.ckbackup"));
            if !p.exists() {
                return Ok(p);
            }
        }
        Err(CmdError::new("io", "Could not find a free file name in the exports folder."))
    }
}

fn chrono_stamp() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    secs.to_string()
}

/// Locks the session after the idle time without a command (the UI sends `touch` on
/// keyboard and pointer activity). A command counts from its start; one that held the
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
                } else if g.session.is_some() && clock::now().saturating_sub(g.last_activity) >= g.idle {
                    lockwatch::lock_held(&app, &mut g, cause);
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
        let mut inner = Inner::new(DEFAULT_IDLE, clip.clone());
        clip.copy(NUMBER.into()).unwrap();
        assert_eq!(board.now().as_deref(), Some(NUMBER));
        inner.lock();
        assert!(cleared_soon(&board), "the number is still on the clipboard after a lock");
    }

    #[test]
    fn a_lock_leaves_something_copied_since_alone() {
        let (board, clip) = fake();
        let mut inner = Inner::new(DEFAULT_IDLE, clip.clone());
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
}
