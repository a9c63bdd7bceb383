//! The core's layers (docs/ARCHITECTURE.md, "Code map"): the library's folders read bottom-up,
//! and a lower layer never names a higher one. This test reads the src/ tree and fails on
//! any `crate::<higher layer>` in a lower layer's file (in code, in `use` groups and in doc
//! links alike) and on a root module that is in no layer. There are no exceptions: a type
//! two layers share lives in the lower one (docs/ARCHITECTURE.md, "The layers").

use std::path::{Path, PathBuf};

/// The layers, bottom first: the one declaration of their order.
const LAYERS: &[&str] = &["support", "record", "log", "vault", "casework", "sharing", "ipc"];

/// Root modules outside the layers: behind features (benchmarks, fuzzing), above every
/// layer. They may name any layer; no layer may name them.
const ABOVE: &[&str] = &["bench", "synth", "fuzzing"];

/// Files of the `casekeep` binary (the CLI), which is not the library.
const BINARY: &[&str] = &["main.rs", "cli.rs", "bin"];

fn layer_index(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn ident_len(s: &str) -> usize {
    s.char_indices().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_')).map_or(s.len(), |(i, _)| i)
}

/// The first two segments of each path `text` names through `crate::` (`casework::clients`),
/// grouped imports (`crate::{log::Event, vault::Session}`) included.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push(first_two(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(first_two(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(first_two(rest));
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn first_two(path: &str) -> String {
    let path = path.trim_start();
    let a = ident_len(path);
    let first = &path[..a];
    match path[a..].strip_prefix("::") {
        Some(rest) if ident_len(rest) > 0 => format!("{first}::{}", &rest[..ident_len(rest)]),
        _ => first.to_string(),
    }
}

#[test]
fn a_lower_layer_never_names_a_higher_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for path in rust_files(&src) {
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_str().unwrap();
        let module = top.strip_suffix(".rs").unwrap_or(top);
        if top == "lib.rs" || BINARY.contains(&top) || ABOVE.contains(&module) {
            continue;
        }
        let Some(own) = layer_index(module) else {
            problems.push(format!(
                "src/{} is in no layer: add it to a layer's folder (or to LAYERS)",
                rel.display()
            ));
            continue;
        };
        files += 1;
        let shown = format!("src/{}", rel.display());
        let text = std::fs::read_to_string(&path).unwrap();
        for named in crate_paths(&text) {
            let first = named.split("::").next().unwrap();
            let higher = match layer_index(first) {
                Some(i) => i > own,
                None => ABOVE.contains(&first),
            };
            if !higher {
                continue;
            }
            problems.push(format!("{shown} ({}) names crate::{named} ({first})", LAYERS[own]));
        }
    }
    assert!(files >= 40, "the scan read only {files} files of the library");
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

#[test]
fn the_scan_sees_grouped_and_plain_paths() {
    let text =
        "use crate::{log::Event, vault::{self, Session}};\nlet x = crate::casework::clients::load();\n\
                /// [`y`](crate::sharing::policy::redact)\n$crate::support::error::Error";
    assert_eq!(
        crate_paths(text),
        ["log::Event", "vault", "casework::clients", "sharing::policy", "support::error"]
            .map(String::from)
            .to_vec()
    );
    // a path whose first segment only looks like a layer is not one
    assert!(crate_paths("my_crate::casework::x").is_empty());
}
