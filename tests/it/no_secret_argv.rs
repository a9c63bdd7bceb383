//! No secret on a command line (issue 14, item 4): a command line stays in the shell's
//! history and is visible to other processes while it runs, so no command takes a
//! passphrase or a recovery key as an argument value. Every command's `--help` is walked
//! and every flag that names a secret must take a FILE; the first CLI's `--recovery-key KEY`
//! is refused as an unknown argument.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::process::Command;

fn casekeep(args: &[&str]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_casekeep"))
        .args(args)
        .env("HOME", tmp.path())
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The lines of one section of clap's help (`Commands:` or `Options:`).
fn section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines().skip_while(|l| l.trim() != title).skip(1).take_while(|l| !l.trim().is_empty()).collect()
}

/// The subcommand names a help text lists (not `help` itself).
fn subcommands(help: &str) -> Vec<String> {
    section(help, "Commands:")
        .into_iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect()
}

/// Every `(flag, value name)` a help text lists; the value name is empty for a switch.
fn flags(help: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in section(help, "Options:") {
        let t = line.trim_start();
        let Some(start) = t.find("--") else { continue };
        if !(t.starts_with("--") || t.starts_with('-')) {
            continue;
        }
        let rest = &t[start..];
        let flag: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '=').collect();
        let after = rest[flag.len()..].trim_start();
        let value = if after.starts_with('<') {
            after.trim_start_matches('<').split('>').next().unwrap_or("").to_string()
        } else {
            String::new()
        };
        out.push((flag, value));
    }
    out
}

/// `casekeep [PATH...] --help` for every command and subcommand, depth first.
fn every_help() -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let (code, stdout, stderr) = casekeep(&args);
        assert_eq!(code, 0, "`casekeep {}` failed: {stderr}", args.join(" "));
        for sub in subcommands(&stdout) {
            let mut p = path.clone();
            p.push(sub);
            todo.push(p);
        }
        out.push((path, stdout));
    }
    out
}

#[test]
fn no_command_takes_a_passphrase_or_recovery_key_as_an_argument_value() {
    let helps = every_help();
    // The walk found the commands (so the checks below ran on something real).
    let names: Vec<String> = helps.iter().map(|(p, _)| p.join(" ")).collect();
    for expected in ["unlock-with-recovery", "restore", "passphrase change", "client code-word", "share"] {
        assert!(names.iter().any(|n| n == expected), "the walk missed `{expected}`: {names:?}");
    }
    let mut secret_flags = 0;
    for (path, help) in &helps {
        let listed = flags(help);
        assert!(!listed.is_empty(), "no options parsed from `{}` --help", path.join(" "));
        for (flag, value) in listed {
            let lower = flag.to_lowercase();
            assert_ne!(lower, "--recovery-key", "`{}` lists --recovery-key", path.join(" "));
            let names_secret = ["passphrase", "password", "recovery-key", "secret", "code-word"]
                .iter()
                .any(|w| lower.contains(w));
            if names_secret {
                secret_flags += 1;
                assert_eq!(
                    value,
                    "FILE",
                    "`casekeep {} {flag}` takes a value that is not a file name",
                    path.join(" ")
                );
            }
        }
    }
    assert!(secret_flags >= 5, "expected the *-file flags to be seen, found {secret_flags}");
}

#[test]
fn clap_refuses_an_inline_recovery_key() {
    let key = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH-IJKLM-NOPQR-STUVW";
    for args in [
        vec!["--user", "cara", "unlock-with-recovery", "--recovery-key", key, "--new-passphrase-file", "p"],
        vec!["--user", "cara", "restore", "--from", "b", "--recovery-key", key, "--new-passphrase-file", "p"],
        vec!["--user", "cara", "--recovery-key", key, "check"],
        vec!["--user", "cara", "--passphrase", "hunter2 hunter2", "check"],
    ] {
        let (code, stdout, stderr) = casekeep(&args);
        assert_eq!(code, 2, "{args:?} was not refused as a usage error: {stderr}");
        assert!(stderr.contains("unexpected argument"), "{args:?}: {stderr}");
        assert!(!stderr.contains(key) && !stdout.contains(key), "the refusal repeats the key");
    }
}
