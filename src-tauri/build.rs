fn main() {
    // Keep the bundled SQLCipher's sqlite3_* symbols private to this binary, so that the
    // system libsqlite3 WebKitGTK loads and our SQLCipher never share one namespace
    // (PLATFORM.md; sqlcipher/sqlcipher#385). A GNU ld flag for an ELF binary: on Windows an
    // .exe exports nothing unless asked, and WebView2 runs in processes of its own.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
    }
    let manifest = tauri_build::AppManifest::new().commands(casekeep_commands());
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}

/// Every command the UI may call; each gets an `allow-…` permission, granted in
/// capabilities/main.json. Keep in step with `invoke_handler` in src/main.rs.
fn casekeep_commands() -> &'static [&'static str] {
    &[
        "app_status",
        "create_vault",
        "open_demo",
        "unlock",
        "recover",
        "lock",
        "touch",
        "set_idle_minutes",
        "save_draft",
        "list_drafts",
        "discard_draft",
        "list_clients",
        "show_client",
        "reveal_code_word",
        "copy_safe_number",
        "add_client",
        "update_client",
        "confirm_safe_contact",
        "log_contact_attempt",
        "contact_history",
        "possible_duplicates",
        "consent_report",
        "record_consent",
        "log_entries",
        "verify_log",
        "share_preview",
        "share",
        "request_share",
        "approve_request",
        "reject_request",
        "finish_request",
        "decline",
        "change_passphrase",
        "add_user",
        "remove_user",
        "list_users",
        "risk_form",
        "record_marac",
        "work_queue",
        "today",
        "safe_now",
        "enquiry_script",
        "record_enquiry",
        "list_enquiries",
        "link_enquiry",
        "set_vault_settings",
        "decisions",
        "decision",
        "agency_details",
        "set_agency_details",
        "replace_recovery_key",
        "case_status",
        "change_case",
        "purge",
        "backup_vault",
        "restore_vault",
        "choose_save_file",
        "choose_backup_file",
    ]
}
