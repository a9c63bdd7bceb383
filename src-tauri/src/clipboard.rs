//! The clipboard, for the one thing Casekeep puts on it: a client's safe number.
//!
//! The number is marked as excluded from clipboard history where the platform has a way
//! (on Linux, X11 and Wayland, the `x-kde-passwordManagerHint` type that Klipper, GNOME's
//! history extensions and most managers honour; on Windows, the
//! `ExcludeClipboardContentFromMonitorProcessing` format; on macOS,
//! `org.nspasteboard.ConcealedType`), and taken off again 10 seconds later, when Casekeep
//! locks (every lock goes through `state::Inner::lock`) and when it quits — each time only
//! if the clipboard still holds that number: something copied since is never cleared.
//!
//! One thread owns the platform clipboard (on X11 the owner must stay alive to serve the
//! text, and reading it from the main thread can deadlock with the webview); commands send
//! it messages. The rules live in [`Keeper`], which tests drive with a fake [`Board`].

use casekeep::ipc::contract::ErrorCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::state::{CmdError, CmdResult};

/// How long a copied number stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(10);

/// The platform clipboard as the keeper uses it.
pub trait Board {
    /// Puts `text` on the clipboard, excluded from clipboard history where possible.
    fn put_excluded(&mut self, text: &str) -> bool;
    /// The text on the clipboard now (`None` if there is none or it cannot be read).
    fn text(&mut self) -> Option<String>;
    /// Empties the clipboard.
    fn clear(&mut self) -> bool;
}

/// The rules: what we put, until when, and never clearing what is no longer ours.
pub struct Keeper<B: Board> {
    board: Option<B>,
    ours: Option<(String, Instant)>,
}

impl<B: Board> Keeper<B> {
    /// `board` is `None` where there is no clipboard (no display): copying is refused.
    pub fn new(board: Option<B>) -> Keeper<B> {
        Keeper { board, ours: None }
    }

    /// Puts `value` on the clipboard until `now` + [`CLEAR_AFTER`].
    pub fn copy(&mut self, value: String, now: Instant) -> CmdResult<()> {
        let refused =
            || CmdError::new(ErrorCode::Clipboard, "Could not copy: select the number and copy it by hand.");
        let board = self.board.as_mut().ok_or_else(refused)?;
        // A number copied before and still there goes first (the new one replaces it anyway).
        self.ours = None;
        if !board.put_excluded(&value) {
            return Err(refused());
        }
        self.ours = Some((value, now + CLEAR_AFTER));
        Ok(())
    }

    /// Takes our number off the clipboard if it is still there; forgets it either way.
    pub fn clear(&mut self) {
        let Some((value, _)) = self.ours.take() else { return };
        if let Some(board) = self.board.as_mut() {
            if board.text().as_deref() == Some(value.as_str()) {
                let _ = board.clear();
            }
        }
    }

    /// Clears once the number's time is up.
    pub fn tick(&mut self, now: Instant) {
        if self.deadline().is_some_and(|d| now >= d) {
            self.clear();
        }
    }

    /// When our number is due to be cleared, if one is on the clipboard.
    pub fn deadline(&self) -> Option<Instant> {
        self.ours.as_ref().map(|(_, d)| *d)
    }
}

enum Msg {
    Copy(String, Sender<CmdResult<()>>),
    /// Clear our number; answer on the channel (if any) once done.
    Clear(Option<Sender<()>>),
}

/// A handle on the clipboard thread: cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct Clipboard {
    tx: Sender<Msg>,
}

impl Clipboard {
    /// Starts the clipboard thread; `open` makes the board on that thread.
    pub fn start<B: Board + 'static>(open: impl FnOnce() -> Option<B> + Send + 'static) -> Clipboard {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || serve(Keeper::new(open()), rx));
        Clipboard { tx }
    }

    /// The platform's clipboard (arboard).
    pub fn system() -> Clipboard {
        Clipboard::start(|| arboard::Clipboard::new().ok().map(System))
    }

    /// Copies `value` (waits for the clipboard thread's answer).
    pub fn copy(&self, value: String) -> CmdResult<()> {
        let (tx, rx) = mpsc::channel();
        let gone =
            || CmdError::new(ErrorCode::Clipboard, "Could not copy: select the number and copy it by hand.");
        self.tx.send(Msg::Copy(value, tx)).map_err(|_| gone())?;
        rx.recv_timeout(Duration::from_secs(5)).map_err(|_| gone())?
    }

    /// Asks for our number to be cleared (if still there), without waiting: a lock.
    pub fn clear(&self) {
        let _ = self.tx.send(Msg::Clear(None));
    }

    /// Clears our number (if still there) and waits up to `limit` for it: on quit.
    pub fn clear_now(&self, limit: Duration) -> bool {
        let (tx, rx) = mpsc::channel();
        self.tx.send(Msg::Clear(Some(tx))).is_ok() && rx.recv_timeout(limit).is_ok()
    }
}

fn serve<B: Board>(mut keeper: Keeper<B>, rx: Receiver<Msg>) {
    loop {
        let msg = match keeper.deadline() {
            Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match msg {
            Ok(Msg::Copy(value, answer)) => {
                let _ = answer.send(keeper.copy(value, Instant::now()));
            }
            Ok(Msg::Clear(answer)) => {
                keeper.clear();
                if let Some(a) = answer {
                    let _ = a.send(());
                }
            }
            Err(RecvTimeoutError::Timeout) => keeper.tick(Instant::now()),
            Err(RecvTimeoutError::Disconnected) => {
                keeper.clear();
                return;
            }
        }
    }
}

/// arboard's clipboard, with its history-exclusion switch for each platform.
struct System(arboard::Clipboard);

impl Board for System {
    fn put_excluded(&mut self, text: &str) -> bool {
        #[allow(unused_mut)]
        let mut set = self.0.set();
        #[cfg(all(unix, not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))))]
        {
            use arboard::SetExtLinux;
            set = set.exclude_from_history();
        }
        #[cfg(windows)]
        {
            use arboard::SetExtWindows;
            set = set.exclude_from_history().exclude_from_cloud();
        }
        #[cfg(target_os = "macos")]
        {
            use arboard::SetExtApple;
            set = set.exclude_from_history();
        }
        set.text(text.to_string()).is_ok()
    }

    fn text(&mut self) -> Option<String> {
        self.0.get_text().ok()
    }

    fn clear(&mut self) -> bool {
        self.0.clear().is_ok()
    }
}

#[cfg(test)]
pub mod fake {
    //! A clipboard in memory, shared with the test that looks at it.

    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    pub struct FakeBoard {
        pub text: Arc<Mutex<Option<String>>>,
        pub excluded: Arc<Mutex<bool>>,
    }

    impl FakeBoard {
        pub fn now(&self) -> Option<String> {
            self.text.lock().unwrap_or_else(|e| e.into_inner()).clone()
        }

        /// Someone else copies something.
        pub fn other_copy(&self, text: &str) {
            *self.text.lock().unwrap_or_else(|e| e.into_inner()) = Some(text.to_string());
            *self.excluded.lock().unwrap_or_else(|e| e.into_inner()) = false;
        }
    }

    impl super::Board for FakeBoard {
        fn put_excluded(&mut self, text: &str) -> bool {
            *self.text.lock().unwrap_or_else(|e| e.into_inner()) = Some(text.to_string());
            *self.excluded.lock().unwrap_or_else(|e| e.into_inner()) = true;
            true
        }
        fn text(&mut self) -> Option<String> {
            self.now()
        }
        fn clear(&mut self) -> bool {
            *self.text.lock().unwrap_or_else(|e| e.into_inner()) = None;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::fake::FakeBoard;
    use super::*;

    const NUMBER: &str = "+447700900123";

    #[test]
    fn the_number_is_excluded_from_history_and_cleared_after_ten_seconds() {
        let board = FakeBoard::default();
        let mut k = Keeper::new(Some(board.clone()));
        let t0 = Instant::now();
        k.copy(NUMBER.into(), t0).unwrap();
        assert_eq!(board.now().as_deref(), Some(NUMBER));
        assert!(*board.excluded.lock().unwrap());
        k.tick(t0 + Duration::from_secs(9));
        assert_eq!(board.now().as_deref(), Some(NUMBER), "not before 10 seconds");
        k.tick(t0 + CLEAR_AFTER);
        assert_eq!(board.now(), None);
        assert_eq!(k.deadline(), None);
    }

    #[test]
    fn something_copied_since_is_never_cleared() {
        let board = FakeBoard::default();
        let mut k = Keeper::new(Some(board.clone()));
        let t0 = Instant::now();
        k.copy(NUMBER.into(), t0).unwrap();
        board.other_copy("the worker's own note");
        k.clear();
        assert_eq!(board.now().as_deref(), Some("the worker's own note"));
        k.copy(NUMBER.into(), t0).unwrap();
        board.other_copy("another note");
        k.tick(t0 + CLEAR_AFTER);
        assert_eq!(board.now().as_deref(), Some("another note"));
    }

    #[test]
    fn no_clipboard_refuses_the_copy_with_a_coded_error() {
        let mut k: Keeper<FakeBoard> = Keeper::new(None);
        let e = k.copy(NUMBER.into(), Instant::now()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Clipboard);
        assert!(!e.message.contains("900123"));
    }

    #[test]
    fn the_thread_clears_on_quit_and_leaves_a_later_copy_alone() {
        let board = FakeBoard::default();
        let given = board.clone();
        let clip = Clipboard::start(move || Some(given));
        clip.copy(NUMBER.into()).unwrap();
        assert_eq!(board.now().as_deref(), Some(NUMBER));
        assert!(clip.clear_now(Duration::from_secs(5)), "quit waits for the clear");
        assert_eq!(board.now(), None);
        // A second clear (nothing of ours there) leaves another copy alone.
        board.other_copy("mine");
        assert!(clip.clear_now(Duration::from_secs(5)));
        assert_eq!(board.now().as_deref(), Some("mine"));
    }
}
