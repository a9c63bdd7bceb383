//! The app's state: where the vaults are, the unlocked session (if any), and the idle
//! timer that locks it.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use casekeep::export::Format;
use casekeep::Session;
use tauri::Manager;

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
}

impl Inner {
    pub fn start(&mut self, session: Session, demo: bool) {
        self.lock();
        self.session = Some(session);
        self.demo = demo;
        self.last_activity = clock::now();
    }

    /// Locks: records it, then drops the session (the key is zeroised, the database closed).
    pub fn lock(&mut self) {
        if let Some(s) = self.session.take() {
            let _ = s.lock();
        }
        self.demo = false;
    }

    /// The unlocked session, counting the call as activity; `locked` otherwise.
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
    inner: Mutex<Inner>,
}

impl AppState {
    /// Vault locations: `CASEKEEP_VAULT` / `CASEKEEP_DEMO_VAULT` / `CASEKEEP_EXPORT_DIR`, or
    /// the platform's data directory (the demo vault beside the real one, never inside it).
    pub fn from_env() -> CmdResult<AppState> {
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
            inner: Mutex::new(Inner { session: None, demo: false, idle, last_activity: clock::now() }),
        })
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
