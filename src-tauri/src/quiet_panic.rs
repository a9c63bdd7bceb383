//! The app's panic hook: a panic is a bug, and its message could carry a record value (a
//! name, a number formatted into a string), so only its place in the source is printed.

use std::io::Write;
use std::panic::PanicHookInfo;

/// Installs [`report`] as the process's panic hook, writing to stderr.
pub fn install() {
    std::panic::set_hook(Box::new(|info| report(info, &mut std::io::stderr())));
}

/// Writes one line for a panic: where it happened, never its message or payload.
pub fn report(info: &PanicHookInfo<'_>, out: &mut dyn Write) {
    let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    let _ = writeln!(out, "casekeep-app: internal error{place}. Please report this.");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use std::sync::{Arc, Mutex};

    /// A panic whose payload holds a synthetic record value (a formatted String and a plain
    /// &str): the line printed names the place only.
    #[test]
    fn a_panic_prints_its_place_and_no_string() {
        let printed = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = Arc::clone(&printed);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let mut buf = Vec::new();
            super::report(info, &mut buf);
            sink.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&buf);
        }));
        let secret = "Sentinel Panic Person 07700 900123";
        let formatted = std::panic::catch_unwind(|| panic!("client {} failed", secret));
        let plain = std::panic::catch_unwind(|| std::panic::panic_any("Sentinel Panic Person 07700 900124"));
        std::panic::set_hook(previous);
        assert!(formatted.is_err() && plain.is_err());
        let text = String::from_utf8(printed.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for line in lines {
            assert!(line.starts_with("casekeep-app: internal error at "), "{line}");
            assert!(line.contains("quiet_panic.rs:"), "{line}");
        }
        for leak in ["Sentinel", "07700", "900123", "900124", "client"] {
            assert!(!text.contains(leak), "the panic line repeats {leak}: {text}");
        }
    }
}
