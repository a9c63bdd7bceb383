//! Casekeep's desktop shell: thin commands over the `casekeep` core. No SQL here, no
//! record logic: each command checks the session, calls the core, maps the error.
//!
//! The commands are the rows of the core's one IPC contract (`casekeep::for_each_command!`,
//! src/ipc/contract.rs): for each row this file registers a Tauri command that decodes the
//! row's argument struct ([`Arg`]: a refusal names the argument, never the value), checks
//! the row's role and lock rule in one place ([`gate`]), then runs the body of the same name
//! in `handlers.rs`. The registration, build.rs's permissions and the UI's commands.ts all
//! come from that table.
//!
//! Every command is `#[tauri::command(async)]`: it runs on the async runtime's worker
//! threads, never on the main thread, which draws the window. A slow command (an unlock
//! behind the failed-attempt delay, a key derivation, a rotation, a backup, a restore, an
//! export) therefore never freezes the page, and a command that waits for the session
//! lock while another holds it waits off the main thread too (docs/ARCHITECTURE.md).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod arg;
mod chosen;
mod clipboard;
mod clock;
mod handlers;
mod lockwatch;
mod quiet_panic;
mod state;

use arg::Arg;
use casekeep::ipc::contract::{self, Needs, WhenLocked};
use handlers::bench_mark;
use state::{AppState, CmdResult};
use tauri::State;

/// The one check of a row's rule before its body runs: a command that may not run while
/// locked is refused with `locked` when there is no session, and a manager's command is
/// refused (`forbidden`) for anyone else. Not counted as activity.
fn gate(state: &AppState, needs: Needs, when_locked: WhenLocked) -> CmdResult<()> {
    let g = state.guard()?;
    match g.session.as_ref() {
        None if when_locked == WhenLocked::Refused => Err(state::locked()),
        Some(s) if needs == Needs::Manager => Ok(s.require_manager()?),
        _ => Ok(()),
    }
}

/// One Tauri command per row of the contract, and the handler that registers them all.
macro_rules! register {
    ($( $name:ident ( $args:ident $({ $($field:ident $(as $key:literal)? : $fty:ty),* $(,)? })? )
        -> $res:ty, $needs:ident, $locked:ident; )*) => {
        $(
            #[tauri::command(async)]
            fn $name(
                app: tauri::AppHandle,
                state: State<'_, AppState>,
                args: Arg<contract::$args>,
            ) -> CmdResult<$res> {
                gate(&state, Needs::$needs, WhenLocked::$locked)?;
                handlers::$name(&app, &state, args.0)
            }
        )*

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

casekeep::for_each_command!(register);

fn main() {
    // No core dump, ever: an unlocked app holds the vault key (casekeep::support::hardening).
    if let Err(e) = casekeep::support::hardening::no_core_dumps() {
        eprintln!("casekeep-app: {e}");
        std::process::exit(1);
    }
    // A panic is a bug; its message could carry a record value, so only its place is shown.
    quiet_panic::install();
    let state = match AppState::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("casekeep-app: {}", e.message);
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        // One running instance: a second start brings the first window forward instead.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = tauri::Manager::get_webview_window(app, "main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .on_page_load(|_, p| {
            if p.event() == tauri::webview::PageLoadEvent::Finished {
                bench_mark("page-loaded");
            }
        })
        .setup(|app| {
            state::start_idle_timer(app.handle().clone());
            lockwatch::start(app.handle());
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                tauri::Manager::state::<AppState>(app).quit();
            }
        }),
        Err(e) => {
            eprintln!("casekeep-app: the window could not start: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn locked_app() -> AppState {
        let board = clipboard::fake::FakeBoard::default();
        AppState::from_env_with(clipboard::Clipboard::start(move || Some(board.clone()))).unwrap()
    }

    #[test]
    fn the_gate_refuses_what_needs_a_session_while_locked_and_lets_the_rest_through() {
        let state = locked_app();
        for c in contract::COMMANDS {
            let answer = gate(&state, c.needs, c.when_locked);
            match c.when_locked {
                WhenLocked::Allowed => assert!(answer.is_ok(), "{}", c.name),
                WhenLocked::Refused => {
                    assert_eq!(
                        answer.err().map(|e| e.code),
                        Some(casekeep::ipc::contract::ErrorCode::Locked),
                        "{}",
                        c.name
                    )
                }
            }
        }
    }
}
