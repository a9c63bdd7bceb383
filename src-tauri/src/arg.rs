//! Command arguments decoded by Casekeep, not by Tauri.
//!
//! Tauri decodes a plain `T: Deserialize` argument itself, and when that fails (a key
//! missing, a string where a number belongs, a body that is not an object) it refuses the
//! call with its own text, which names the value serde saw. Every command takes one
//! [`Arg<T>`] instead, `T` its argument struct from the core's contract: each argument is
//! decoded by its key as Tauri would (`CommandArgs::decode`), but a failure becomes a
//! `{code: "invalid_input", message}` like every other refusal, and the message names the
//! argument, never the value that was sent.

use casekeep::ipc::contract::{CommandArgs, ErrorCode};
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};
use tauri::Runtime;

use crate::state::CmdError;

/// A command's decoded arguments (`T` is the row's argument struct).
pub struct Arg<T>(pub T);

impl<'de, R: Runtime, T: CommandArgs> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let name = command.name;
        let empty = serde_json::Value::Object(serde_json::Map::new());
        let payload = match command.message.payload() {
            InvokeBody::Json(v) => v,
            // Bytes instead of JSON: no key can be read from it.
            InvokeBody::Raw(_) => &empty,
        };
        T::decode(payload).map(Arg).map_err(|key| InvokeError::from(refusal(name, key)))
    }
}

/// The refusal for an argument that is missing or cannot be decoded. Command and argument
/// names are fixed strings in this binary; the value sent is never repeated.
fn refusal(command: &str, key: &str) -> CmdError {
    CmdError::new(
        ErrorCode::InvalidInput,
        &format!("The {key} given to {command} is missing or is not the right kind of value."),
    )
}
