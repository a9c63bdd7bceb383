//! Command arguments decoded by Casekeep, not by Tauri.
//!
//! Tauri decodes a plain `T: Deserialize` argument itself, and when that fails (a key
//! missing, a string where a number belongs, a body that is not an object) it refuses the
//! call with its own text, which names the value serde saw. Every data argument of every
//! command is an [`Arg<T>`] instead: the same decoding, but a failure becomes a
//! `{code: "invalid_input", message}` like every other refusal, and the message names the
//! argument, never the value that was sent.

use serde::de::DeserializeOwned;
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::Runtime;

use crate::state::CmdError;

/// One decoded command argument (`T` is the type the command wants).
pub struct Arg<T>(pub T);

impl<'de, R: Runtime, T: DeserializeOwned> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let (name, key) = (command.name, command.key);
        T::deserialize(command).map(Arg).map_err(|_| InvokeError::from(refusal(name, key)))
    }
}

/// The refusal for an argument that is missing or cannot be decoded. Command and argument
/// names are fixed strings in this binary; the value sent is never repeated.
fn refusal(command: &str, key: &str) -> CmdError {
    CmdError {
        code: "invalid_input".to_string(),
        message: format!("The {key} given to {command} is missing or is not the right kind of value."),
    }
}
