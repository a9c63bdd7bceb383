fn main() {
    // Keep the bundled SQLCipher's sqlite3_* symbols private to this binary, so that the
    // system libsqlite3 WebKitGTK loads and our SQLCipher never share one namespace
    // (PLATFORM.md; sqlcipher/sqlcipher#385). A GNU ld flag for an ELF binary: on Windows an
    // .exe exports nothing unless asked, and WebView2 runs in processes of its own.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
    }
    // tauri-build keeps the names for the whole (short) run of this script.
    let names: Vec<&'static str> = casekeep_commands().into_iter().map(|n| &*n.leak()).collect();
    let manifest = tauri_build::AppManifest::new().commands(names.leak());
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}

/// Every command the UI may call; each gets an `allow-…` permission, granted in
/// capabilities/main.json. The list is the core's IPC contract (src/ipc/contract.rs), written
/// to commands.json by the core's tests (which also check the capability file); this build
/// script only reads it, so that it never compiles the core.
fn casekeep_commands() -> Vec<String> {
    println!("cargo:rerun-if-changed=commands.json");
    let text = match std::fs::read_to_string("commands.json") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read src-tauri/commands.json: {e}");
            std::process::exit(1);
        }
    };
    // One JSON string a line: `"name",`.
    text.lines()
        .map(|l| l.trim().trim_end_matches(',').trim_matches('"'))
        .filter(|l| !l.is_empty() && *l != "[" && *l != "]")
        .map(str::to_string)
        .collect()
}
