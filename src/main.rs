//! `casekeep`: see docs/CLI.md.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // No core dump, ever: an unlocked process holds the vault key (casekeep::support::hardening).
    if let Err(e) = casekeep::support::hardening::no_core_dumps() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("casekeep: {e}");
        }
        return ExitCode::from(1);
    }
    // A panic is a bug; its message could carry data, so only its location is shown.
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        #[allow(clippy::print_stderr)]
        {
            eprintln!("casekeep: internal error{place}; nothing was half-written (the transaction was rolled back). Please report this.");
        }
    }));
    match std::panic::catch_unwind(cli::main) {
        Ok(code) => code,
        Err(_) => ExitCode::from(1),
    }
}
