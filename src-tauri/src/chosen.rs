//! Files the person chose in a native dialog, each usable once.
//!
//! The page never sends a path: a path from the page could name any file the user can
//! write or read (a compromised or scripted page would pick its own). The shell opens the
//! save or open dialog itself (`choose_save_file`, `choose_backup_file`), remembers the path
//! the dialog returned under a random token, and gives the page only the token and the
//! file's name to show. `share`, `finish_request`, `backup_vault` and `restore_vault` take
//! the token; [`Chosen::take`] gives the path back once, for the use it was chosen for,
//! and refuses any other string.

use std::path::PathBuf;
use std::sync::Mutex;

use casekeep::ipc::contract::ErrorCode;

use crate::state::{CmdError, CmdResult};

/// What a dialog's answer may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A file to create, with this extension (`pdf`, `json`, `ckbackup`).
    Save(&'static str),
    /// A backup to restore from.
    Restore,
}

/// How many answers are remembered at once (older ones are forgotten).
const KEEP: usize = 8;

/// What the page receives: a token to send back, and the file's name to show (declared in
/// the core's IPC contract).
pub use casekeep::ipc::contract::ChosenFile;

#[derive(Default)]
pub struct Chosen {
    answers: Mutex<Vec<(String, Purpose, PathBuf)>>,
}

impl Chosen {
    /// Remembers a path a dialog returned, for one use.
    pub fn remember(&self, purpose: Purpose, path: PathBuf) -> CmdResult<ChosenFile> {
        if !path.is_absolute() {
            return Err(CmdError::new(
                ErrorCode::InvalidInput,
                "The dialog did not return a full path; choose again.",
            ));
        }
        let bytes = casekeep::support::crypto::make_random_bytes::<16>()?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if answers.len() >= KEEP {
            answers.remove(0);
        }
        answers.push((token.clone(), purpose, path));
        Ok(ChosenFile { token, name })
    }

    /// The path remembered under `token` for `purpose`, once; anything else is refused
    /// (a made-up path, a token already used or chosen for another use).
    pub fn take(&self, purpose: Purpose, token: &str) -> CmdResult<PathBuf> {
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let found = answers.iter().position(|(t, p, _)| t == token && *p == purpose);
        match found {
            Some(i) => Ok(answers.remove(i).2),
            None => Err(CmdError::new(
                ErrorCode::InvalidInput,
                "Casekeep uses only a file chosen in its own dialog, once: choose the file again.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_a_path_the_dialog_returned_is_used_and_only_once() {
        let chosen = Chosen::default();
        let path = PathBuf::from("/home/cara/Documents/referral.pdf");
        let answer = chosen.remember(Purpose::Save("pdf"), path.clone()).unwrap();
        assert_eq!(answer.name, "referral.pdf");
        assert_eq!(answer.token.len(), 32);

        // A made-up path, or any string that is not a token, is refused.
        for made_up in ["/tmp/evil.pdf", "/home/cara/Documents/referral.pdf", "", "../x"] {
            let e = chosen.take(Purpose::Save("pdf"), made_up).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{made_up}");
        }
        // The token for another use is refused (and not spent).
        assert!(chosen.take(Purpose::Restore, &answer.token).is_err());
        assert!(chosen.take(Purpose::Save("ckbackup"), &answer.token).is_err());
        // Once, for its own use.
        assert_eq!(chosen.take(Purpose::Save("pdf"), &answer.token).unwrap(), path);
        assert!(chosen.take(Purpose::Save("pdf"), &answer.token).is_err());
    }

    #[test]
    fn a_relative_answer_is_refused_and_old_answers_are_forgotten() {
        let chosen = Chosen::default();
        assert!(chosen.remember(Purpose::Restore, PathBuf::from("b.ckbackup")).is_err());
        let first = chosen.remember(Purpose::Restore, PathBuf::from("/b/0.ckbackup")).unwrap();
        let mut last = None;
        for n in 1..=KEEP {
            last =
                Some(chosen.remember(Purpose::Restore, PathBuf::from(format!("/b/{n}.ckbackup"))).unwrap());
        }
        assert!(chosen.take(Purpose::Restore, &first.token).is_err(), "the oldest answer is forgotten");
        assert!(chosen.take(Purpose::Restore, &last.unwrap().token).is_ok());
    }
}
