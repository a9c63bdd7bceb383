//! Casekeep's desktop shell: thin commands over the `casekeep` core. No SQL here, no
//! record logic: each command checks the session, calls the core, maps the error.
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
mod lockwatch;
mod quiet_panic;
mod state;

use std::path::PathBuf;

use arg::Arg;
use casekeep::casework::clients::Names;
use casekeep::casework::drafts::DraftKind;
use casekeep::ipc::{AppStatus, ConsentArgs, Created, FinishArgs, ShareArgs, Unlocked};
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::{ClientId, Passphrase, Role};
use chosen::{ChosenFile, Purpose};
use serde_json::Value;
use state::{AppState, CmdError, CmdResult};
use tauri::State;

#[tauri::command(async)]
fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    // The page asks for the status first and draws the unlock screen from the answer.
    bench_mark("status");
    let g = state.guard()?;
    Ok(AppStatus {
        vault_exists: state.vault_dir.join(casekeep::vault::HEADER_FILE).exists(),
        demo_exists: state.demo_dir.join(casekeep::vault::HEADER_FILE).exists(),
        unlocked: g.session.is_some(),
        demo: g.demo,
        user: g.session.as_ref().map(|s| s.user().name.clone()),
        role: g.session.as_ref().map(|s| s.user().role),
        idle_minutes: g.idle.as_secs() / 60,
        demo_passphrase: casekeep::casework::demo::DEMO_PASSPHRASE.to_string(),
        demo_user: casekeep::casework::demo::DEMO_USER.to_string(),
        fixed_export_dir: state.fixed_export_dir,
    })
}

#[tauri::command(async)]
fn create_vault(
    state: State<'_, AppState>,
    user: Arg<String>,
    passphrase: Arg<String>,
) -> CmdResult<Created> {
    let Arg(user) = user;
    let Arg(passphrase) = passphrase;
    let mut g = state.guard()?;
    let (session, recovery) = casekeep::Vault::create(&state.vault_dir, &user, &Passphrase::new(passphrase))?;
    g.start(session, false);
    Ok(Created { recovery_key: recovery.to_display().to_string() })
}

#[tauri::command(async)]
fn open_demo(state: State<'_, AppState>) -> CmdResult<()> {
    let _g = state.guard()?;
    if !state.demo_dir.join(casekeep::vault::HEADER_FILE).exists() {
        casekeep::casework::demo::create(&state.demo_dir)?;
    }
    Ok(())
}

#[tauri::command(async)]
fn unlock(
    state: State<'_, AppState>,
    user: Arg<String>,
    passphrase: Arg<String>,
    demo: Arg<bool>,
) -> CmdResult<Unlocked> {
    let Arg(user) = user;
    let Arg(passphrase) = passphrase;
    let Arg(demo) = demo;
    let mut g = state.guard()?;
    let dir = if demo { &state.demo_dir } else { &state.vault_dir };
    if demo && !casekeep::casework::demo::is_demo(dir) {
        return Err(CmdError::new("not_found", "There is no demo vault."));
    }
    let vault = casekeep::Vault::open(dir)?;
    let session = vault.unlock(&user, &Passphrase::new(passphrase))?;
    let out = Unlocked {
        user: session.user().name.clone(),
        role: session.user().role,
        failed_attempts: session.failed_attempts_since_last_unlock(),
    };
    g.start(session, demo);
    Ok(out)
}

/// Resets `user`'s passphrase with the recovery key and unlocks.
#[tauri::command(async)]
fn recover(
    state: State<'_, AppState>,
    user: Arg<String>,
    recovery_key: Arg<String>,
    passphrase: Arg<String>,
) -> CmdResult<Unlocked> {
    let Arg(user) = user;
    let Arg(recovery_key) = recovery_key;
    let Arg(passphrase) = passphrase;
    let mut g = state.guard()?;
    let key = casekeep::RecoveryKey::parse(&recovery_key)?;
    let vault = casekeep::Vault::open(&state.vault_dir)?;
    let session = vault.unlock_with_recovery(&user, &key, &Passphrase::new(passphrase))?;
    let out = Unlocked {
        user: session.user().name.clone(),
        role: session.user().role,
        failed_attempts: session.failed_attempts_since_last_unlock(),
    };
    g.start(session, false);
    Ok(out)
}

#[tauri::command(async)]
fn lock(state: State<'_, AppState>) -> CmdResult<()> {
    state.guard()?.lock();
    Ok(())
}

#[tauri::command(async)]
fn touch(state: State<'_, AppState>) -> CmdResult<()> {
    state.guard()?.session_mut()?;
    Ok(())
}

/// A shorter idle time for this session only (the vault's, set by a manager, is the
/// longest; each unlock starts from it again).
#[tauri::command(async)]
fn set_idle_minutes(state: State<'_, AppState>, minutes: Arg<u64>) -> CmdResult<()> {
    let Arg(minutes) = minutes;
    let mut g = state.guard()?;
    g.session_mut()?;
    let most = (g.vault_idle.as_secs() / 60).max(1);
    if !(1..=most).contains(&minutes) {
        return Err(CmdError::new(
            "invalid_input",
            &format!("Choose an idle time between 1 and {most} minutes (the longest this vault allows)."),
        ));
    }
    g.idle = std::time::Duration::from_secs(minutes * 60);
    Ok(())
}

/// Keeps the page's half-finished form (`kind`, see `DraftKind`) for `client` (null for an
/// enquiry) as this user's signed draft, in the vault. Not counted as activity.
#[tauri::command(async)]
fn save_draft(
    state: State<'_, AppState>,
    kind: Arg<String>,
    client: Arg<Option<i64>>,
    body: Arg<Value>,
) -> CmdResult<()> {
    let Arg(kind) = kind;
    let Arg(client) = client;
    let Arg(body) = body;
    let kind = kind.parse::<DraftKind>()?;
    let bytes = json_bytes(&body)?;
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.save_draft(kind, client.map(ClientId), &bytes)?)
}

/// This user's drafts, to offer back after unlocking, and how many could not be trusted
/// (removed). Not counted as activity.
#[tauri::command(async)]
fn list_drafts(state: State<'_, AppState>) -> CmdResult<casekeep::casework::drafts::DraftOffer> {
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.draft_offer()?)
}

/// Deletes this user's draft (used or discarded). Not counted as activity.
#[tauri::command(async)]
fn discard_draft(state: State<'_, AppState>, kind: Arg<String>, client: Arg<Option<i64>>) -> CmdResult<bool> {
    let Arg(kind) = kind;
    let Arg(client) = client;
    let kind = kind.parse::<DraftKind>()?;
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.discard_draft(kind, client.map(ClientId))?)
}

#[tauri::command(async)]
fn list_clients(
    state: State<'_, AppState>,
    search: Arg<Option<String>>,
    names: Arg<bool>,
) -> CmdResult<Vec<casekeep::casework::clients::ClientSummary>> {
    let Arg(search) = search;
    let Arg(names) = names;
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    let search = search.filter(|s| !s.trim().is_empty());
    Ok(s.list_clients(search.as_deref(), names_asked(names))?)
}

/// A client's record: with `names` false, only what the hidden-names screen shows.
#[tauri::command(async)]
fn show_client(state: State<'_, AppState>, id: Arg<i64>, names: Arg<bool>) -> CmdResult<Value> {
    let Arg(id) = id;
    let Arg(names) = names;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.show_client(ClientId(id), names_asked(names))?)
}

fn names_asked(names: bool) -> Names {
    if names {
        Names::Shown
    } else {
        Names::Hidden
    }
}

/// A contact's code word, on request (the record never carries it); recorded as a read.
#[tauri::command(async)]
fn reveal_code_word(state: State<'_, AppState>, client: Arg<i64>, contact: Arg<usize>) -> CmdResult<String> {
    let Arg(client) = client;
    let Arg(contact) = contact;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.reveal_code_word(ClientId(client), contact)?)
}

/// Puts a client's safe number on the clipboard, excluded from clipboard history where the
/// platform allows, and takes it off again 10 seconds later, on lock and on quit (each time
/// only if it is still there: `clipboard.rs`). Done here, not in the page: WebKit lets a
/// page write the clipboard only in direct answer to a click, so the page could not clear
/// it. The core's
/// safe-contact gate refuses (`acknowledgement_required`) unless `reason` acknowledges a
/// do-not-use, out-of-hours or stale contact; the card asks for it first.
#[tauri::command(async)]
fn copy_safe_number(
    state: State<'_, AppState>,
    client: Arg<i64>,
    contact: Arg<usize>,
    reason: Arg<Option<String>>,
) -> CmdResult<()> {
    let Arg(client) = client;
    let Arg(contact) = contact;
    let Arg(reason) = reason;
    let ack = reason.as_deref().map(casekeep::record::safe_times::Acknowledgement::new).transpose()?;
    let mut g = state.guard()?;
    let value = g.session_mut()?.safe_contact_value(ClientId(client), contact, ack.as_ref())?;
    state.clipboard.copy(value)
}

#[tauri::command(async)]
fn add_client(state: State<'_, AppState>, record: Arg<Value>) -> CmdResult<i64> {
    let Arg(record) = record;
    let mut g = state.guard()?;
    let bytes = json_bytes(&record)?;
    Ok(g.session_mut()?.add_client(&bytes)?.0)
}

/// A change of a client. `lift_reason` is needed when the change makes a contact marked
/// do-not-use usable (the core refuses it otherwise and records the reason, sealed).
#[tauri::command(async)]
fn update_client(
    state: State<'_, AppState>,
    id: Arg<i64>,
    patch: Arg<Value>,
    lift_reason: Arg<Option<String>>,
) -> CmdResult<Vec<String>> {
    let Arg(id) = id;
    let Arg(patch) = patch;
    let Arg(lift_reason) = lift_reason;
    let lift = lift_reason.as_deref().map(casekeep::record::safe_times::Acknowledgement::new).transpose()?;
    let mut g = state.guard()?;
    let bytes = json_bytes(&patch)?;
    Ok(g.session_mut()?.update_client_lifting(ClientId(id), &bytes, lift.as_ref())?)
}

/// "Confirmed with them today" on the card: one signed step.
#[tauri::command(async)]
fn confirm_safe_contact(
    state: State<'_, AppState>,
    client: Arg<i64>,
    contact: Arg<usize>,
) -> CmdResult<casekeep::casework::contact_log::Confirmation> {
    let Arg(client) = client;
    let Arg(contact) = contact;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.confirm_safe_contact(ClientId(client), contact)?)
}

/// "Log a contact attempt": an outcome from the closed list and an optional short note.
#[tauri::command(async)]
fn log_contact_attempt(
    state: State<'_, AppState>,
    client: Arg<i64>,
    contact: Arg<usize>,
    outcome: Arg<String>,
    note: Arg<Option<String>>,
) -> CmdResult<i64> {
    let Arg(client) = client;
    let Arg(contact) = contact;
    let Arg(outcome) = outcome;
    let Arg(note) = note;
    let outcome = casekeep::log::vocab::AttemptOutcome::parse(&outcome)?;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.log_contact_attempt(ClientId(client), contact, outcome, note.as_deref())?)
}

/// The card's contact history (signed entries only); notes only with `names`.
#[tauri::command(async)]
fn contact_history(
    state: State<'_, AppState>,
    client: Arg<i64>,
    names: Arg<bool>,
) -> CmdResult<Vec<casekeep::casework::contact_log::ContactEvent>> {
    let Arg(client) = client;
    let Arg(names) = names;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.contact_history(ClientId(client), names_asked(names))?)
}

/// Clients who may be the new client about to be added (case references only).
#[tauri::command(async)]
fn possible_duplicates(
    state: State<'_, AppState>,
    record: Arg<Value>,
) -> CmdResult<Vec<casekeep::casework::contact_log::PossibleDuplicate>> {
    let Arg(record) = record;
    let mut g = state.guard()?;
    let bytes = json_bytes(&record)?;
    Ok(g.session_mut()?.possible_duplicates(&bytes)?)
}

#[tauri::command(async)]
fn consent_report(
    state: State<'_, AppState>,
    client: Arg<i64>,
) -> CmdResult<casekeep::casework::consent::ConsentReport> {
    let Arg(client) = client;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.consent_report(ClientId(client))?)
}

#[tauri::command(async)]
fn record_consent(state: State<'_, AppState>, consent: Arg<ConsentArgs>) -> CmdResult<i64> {
    let Arg(consent) = consent;
    let mut g = state.guard()?;
    let (client, input) = consent.into_input()?;
    Ok(g.session_mut()?.record_consent(client, input)?)
}

#[tauri::command(async)]
fn log_entries(state: State<'_, AppState>, client: Arg<Option<i64>>) -> CmdResult<Vec<casekeep::log::Entry>> {
    let Arg(client) = client;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.log_entries(client.map(ClientId))?)
}

#[tauri::command(async)]
fn verify_log(state: State<'_, AppState>) -> CmdResult<casekeep::log::VerifyReport> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.verify_log()?)
}

#[tauri::command(async)]
fn share_preview(state: State<'_, AppState>, share: Arg<ShareArgs>) -> CmdResult<Value> {
    let Arg(share) = share;
    let mut g = state.guard()?;
    let req = share.request()?;
    Ok(g.session_mut()?.share_preview(&req)?)
}

/// Where a shared file goes: the file the person chose in the shell's save dialog (`out` is
/// the token `choose_save_file` gave, used once), or with no token a fresh name
/// (`casekeep-{name}-…`) in the exports folder. Never a path the page wrote, never an
/// existing file.
fn export_out(state: &AppState, token: Option<&str>, name: &str, format: Format) -> CmdResult<PathBuf> {
    match token.filter(|o| !o.is_empty()) {
        Some(token) => state.chosen.take(Purpose::Save(extension(format)), token),
        None => state.export_path(name, format),
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Pdf => "pdf",
        Format::Json => "json",
    }
}

/// The refusal of a dialog when the app saves to a fixed folder (CASEKEEP_EXPORT_DIR: the
/// end-to-end run, where WebDriver cannot drive a native dialog).
fn no_dialog() -> CmdError {
    CmdError::new(
        "invalid_input",
        "This app was started with a fixed exports folder (CASEKEEP_EXPORT_DIR) and opens no file dialog.",
    )
}

/// Opens the native save dialog (from here, not from the page) for a shared file (`ext`
/// `pdf` or `json`) or a backup (`ckbackup`), suggesting `name`. Returns a one-use token
/// for the chosen path and the file's name, or nothing if the dialog was closed. Run off the
/// main thread; the session is not held while the dialog is open.
#[tauri::command(async)]
fn choose_save_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    name: Arg<String>,
    ext: Arg<String>,
) -> CmdResult<Option<ChosenFile>> {
    let Arg(name) = name;
    let Arg(ext) = ext;
    state.guard()?.session_mut()?;
    if state.fixed_export_dir {
        return Err(no_dialog());
    }
    let (ext, title, kind): (&'static str, &str, &str) = match ext.as_str() {
        "pdf" => ("pdf", "Save the shared file", "PDF"),
        "json" => ("json", "Save the shared file", "JSON"),
        "ckbackup" => ("ckbackup", "Save the backup", "Casekeep backup"),
        _ => return Err(CmdError::new("invalid_input", "Unknown kind of file to save.")),
    };
    let plain = !name.is_empty()
        && name.chars().count() <= 200
        && !name.contains(['/', '\\', '\0'])
        && name != "."
        && name != "..";
    if !plain {
        return Err(CmdError::new("invalid_input", "The suggested file name must be a plain file name."));
    }
    let answer = file_dialog(&app, title).set_file_name(name).add_filter(kind, &[ext]).blocking_save_file();
    remember(&state, Purpose::Save(ext), answer)
}

/// Opens the native open dialog for a backup to restore (while locked). Returns a one-use
/// token for the chosen file and its name, or nothing if the dialog was closed.
#[tauri::command(async)]
fn choose_backup_file(app: tauri::AppHandle, state: State<'_, AppState>) -> CmdResult<Option<ChosenFile>> {
    if state.guard()?.session.is_some() {
        return Err(CmdError::new("invalid_input", "Lock the open vault before restoring a backup."));
    }
    if state.fixed_export_dir {
        return Err(no_dialog());
    }
    let answer = file_dialog(&app, "Choose the backup")
        .add_filter("Casekeep backup", &["ckbackup"])
        .blocking_pick_file();
    remember(&state, Purpose::Restore, answer)
}

/// A native file dialog with `title`, over the main window.
fn file_dialog(app: &tauri::AppHandle, title: &str) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file().set_title(title);
    match tauri::Manager::get_webview_window(app, "main") {
        Some(w) => dialog.set_parent(&w),
        None => dialog,
    }
}

/// Keeps a dialog's answer (nothing if it was closed) for one use; the page gets its token.
fn remember(
    state: &AppState,
    purpose: Purpose,
    answer: Option<tauri_plugin_dialog::FilePath>,
) -> CmdResult<Option<ChosenFile>> {
    let Some(p) = answer else { return Ok(None) };
    let path =
        p.into_path().map_err(|_| CmdError::new("invalid_input", "Choose a file on this computer."))?;
    Ok(Some(state.chosen.remember(purpose, path)?))
}

#[tauri::command(async)]
fn share(
    state: State<'_, AppState>,
    share: Arg<ShareArgs>,
) -> CmdResult<casekeep::sharing::share::ShareReceipt> {
    let Arg(share) = share;
    let req = share.signed_request()?;
    let format = share.format()?;
    let mut g = state.guard()?;
    let out = export_out(&state, share.out.as_deref(), &share.recipient, format)?;
    Ok(g.session_mut()?.share(&req, format, &out)?)
}

/// Asks a manager to approve a share that needs approval; returns the request id.
#[tauri::command(async)]
fn request_share(state: State<'_, AppState>, share: Arg<ShareArgs>) -> CmdResult<i64> {
    let Arg(share) = share;
    let req = share.signed_request()?;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.request_share(&req)?)
}

/// A manager approves a share request in their own session.
#[tauri::command(async)]
fn approve_request(state: State<'_, AppState>, request: Arg<i64>) -> CmdResult<i64> {
    let Arg(request) = request;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.approve_request(request)?)
}

/// A manager rejects a share request, with a reason.
#[tauri::command(async)]
fn reject_request(state: State<'_, AppState>, request: Arg<i64>, reason: Arg<String>) -> CmdResult<i64> {
    let Arg(request) = request;
    let Arg(reason) = reason;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.reject_request(request, &reason)?)
}

/// The worker who asked finishes their approved request.
#[tauri::command(async)]
fn finish_request(
    state: State<'_, AppState>,
    finish: Arg<FinishArgs>,
) -> CmdResult<casekeep::sharing::share::ShareReceipt> {
    let Arg(finish) = finish;
    let (request, format) = finish.checked()?;
    let mut g = state.guard()?;
    let out = export_out(&state, finish.out.as_deref(), &format!("request-{request}"), format)?;
    Ok(g.session_mut()?.finish_request(request, format, &out)?)
}

#[tauri::command(async)]
fn decline(
    state: State<'_, AppState>,
    client: Arg<i64>,
    recipient: Arg<String>,
    purpose: Arg<String>,
    reason: Arg<String>,
) -> CmdResult<i64> {
    let Arg(client) = client;
    let Arg(recipient) = recipient;
    let Arg(purpose) = purpose;
    let Arg(reason) = reason;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decline(ClientId(client), recipient.parse::<RecipientKind>()?, &purpose, &reason)?)
}

/// Re-encrypts the vault under a new key (a rotation): run off the main thread so that the
/// window keeps drawing the page's progress indication.
#[tauri::command(async)]
fn change_passphrase(state: State<'_, AppState>, passphrase: Arg<String>) -> CmdResult<()> {
    let Arg(passphrase) = passphrase;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.change_passphrase(&Passphrase::new(passphrase))?)
}

#[tauri::command(async)]
fn add_user(
    state: State<'_, AppState>,
    name: Arg<String>,
    role: Arg<Role>,
    passphrase: Arg<String>,
) -> CmdResult<()> {
    let Arg(name) = name;
    let Arg(role) = role;
    let Arg(passphrase) = passphrase;
    let mut g = state.guard()?;
    g.session_mut()?.add_user(&name, role, &Passphrase::new(passphrase))?;
    Ok(())
}

/// Removes a user (managers): a signed entry, a rotation of the vault key (off the main
/// thread, like a passphrase change), their key slot deleted.
#[tauri::command(async)]
fn remove_user(state: State<'_, AppState>, name: Arg<String>) -> CmdResult<()> {
    let Arg(name) = name;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.remove_user(&name)?)
}

#[tauri::command(async)]
fn list_users(state: State<'_, AppState>) -> CmdResult<Vec<casekeep::log::identity::User>> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.users()?)
}

/// The checklist's questions with this vault's thresholds, for the risk form.
#[tauri::command(async)]
fn risk_form(state: State<'_, AppState>) -> CmdResult<casekeep::ipc::RiskForm> {
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    Ok(casekeep::ipc::RiskForm::new(s.settings()?))
}

#[tauri::command(async)]
fn record_marac(
    state: State<'_, AppState>,
    client: Arg<i64>,
    referral: Arg<Value>,
) -> CmdResult<casekeep::casework::marac::MaracOutcome> {
    let Arg(client) = client;
    let Arg(referral) = referral;
    let mut g = state.guard()?;
    let bytes = json_bytes(&referral)?;
    Ok(g.session_mut()?.record_marac(ClientId(client), &bytes)?)
}

/// The script the person taking an enquiry says first (for an unlocked session, as
/// every command but the few meant for a locked app).
#[tauri::command(async)]
fn enquiry_script(state: State<'_, AppState>) -> CmdResult<String> {
    let mut g = state.guard()?;
    g.session_mut()?;
    Ok(casekeep::casework::enquiry::SCRIPT.to_string())
}

/// Records an enquiry (the form's JSON, read by the same strict reader as the CLI's file).
/// No client is named: linking is a later, separate step.
#[tauri::command(async)]
fn record_enquiry(state: State<'_, AppState>, enquiry: Arg<Value>) -> CmdResult<i64> {
    let Arg(enquiry) = enquiry;
    let mut g = state.guard()?;
    let bytes = json_bytes(&enquiry)?;
    Ok(g.session_mut()?.record_enquiry(&bytes)?)
}

#[tauri::command(async)]
fn list_enquiries(
    state: State<'_, AppState>,
    client: Arg<Option<i64>>,
) -> CmdResult<Vec<casekeep::casework::enquiry::Enquiry>> {
    let Arg(client) = client;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.enquiries(client.map(ClientId))?)
}

#[tauri::command(async)]
fn link_enquiry(state: State<'_, AppState>, enquiry: Arg<i64>, client: Arg<i64>) -> CmdResult<i64> {
    let Arg(enquiry) = enquiry;
    let Arg(client) = client;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.link_enquiry(enquiry, ClientId(client))?)
}

/// Today's work queue.
#[tauri::command(async)]
fn work_queue(state: State<'_, AppState>) -> CmdResult<casekeep::casework::queue::Queue> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.queue(casekeep::record::Date::today())?)
}

/// The Today view: the work queue a week ahead in groups, with each row's "safe now" badge
/// at the laptop's local time (a debug build's e2e can pin it: src/clock.rs). The page
/// calls it again each minute, so it does not count as activity for the idle lock.
#[tauri::command(async)]
fn today(state: State<'_, AppState>) -> CmdResult<casekeep::casework::today::Today> {
    let g = state.guard()?;
    Ok(g.session_unattended()?.today(clock::local_now())?)
}

/// Each contact's "safe now" badge for the card (none for a do-not-use contact); refreshed
/// each minute, so not counted as activity either.
#[tauri::command(async)]
fn safe_now(
    state: State<'_, AppState>,
    client: Arg<i64>,
) -> CmdResult<Vec<Option<casekeep::casework::today::Badge>>> {
    let Arg(client) = client;
    let g = state.guard()?;
    Ok(g.session_unattended()?.safe_now(ClientId(client), clock::local_now())?)
}

#[tauri::command(async)]
fn set_vault_settings(
    state: State<'_, AppState>,
    patch: Arg<Value>,
) -> CmdResult<casekeep::record::settings::Settings> {
    let Arg(patch) = patch;
    let mut g = state.guard()?;
    let bytes = json_bytes(&patch)?;
    let settings = g.session_mut()?.set_settings(&bytes)?;
    g.set_vault_idle(std::time::Duration::from_secs(u64::from(settings.lock.idle_minutes) * 60));
    Ok(settings)
}

/// The decisions a filter selects, newest first (an audited read).
#[tauri::command(async)]
fn decisions(
    state: State<'_, AppState>,
    filter: Arg<casekeep::sharing::decisions::DecisionFilter>,
) -> CmdResult<Vec<casekeep::sharing::decisions::DecisionRow>> {
    let Arg(filter) = filter;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decisions(&filter)?)
}

/// One decision in full (an audited read).
#[tauri::command(async)]
fn decision(
    state: State<'_, AppState>,
    id: Arg<i64>,
) -> CmdResult<casekeep::sharing::decisions::DecisionDetail> {
    let Arg(id) = id;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decision(id)?)
}

/// The agency and referrer details exports print.
#[tauri::command(async)]
fn agency_details(state: State<'_, AppState>) -> CmdResult<casekeep::record::settings::AgencyDetails> {
    let mut g = state.guard()?;
    let mut d = g.session_mut()?.agency_details()?;
    d.phone = d.phone_shown();
    Ok(d)
}

/// Sets the agency and referrer details (managers): a signed entry.
#[tauri::command(async)]
fn set_agency_details(
    state: State<'_, AppState>,
    details: Arg<casekeep::record::settings::AgencyDetails>,
) -> CmdResult<casekeep::record::settings::AgencyDetails> {
    let Arg(details) = details;
    let mut g = state.guard()?;
    let mut d = g.session_mut()?.set_agency_details(&details)?;
    d.phone = d.phone_shown();
    Ok(d)
}

/// A new recovery key (managers); the old one stops working. Shown once by the UI.
#[tauri::command(async)]
fn replace_recovery_key(state: State<'_, AppState>) -> CmdResult<Created> {
    let mut g = state.guard()?;
    let key = g.session_mut()?.replace_recovery_key()?;
    Ok(Created { recovery_key: key.to_display().to_string() })
}

#[tauri::command(async)]
fn case_status(
    state: State<'_, AppState>,
    client: Arg<i64>,
) -> CmdResult<casekeep::casework::retention::CaseStatus> {
    let Arg(client) = client;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.case_status(ClientId(client))?)
}

/// Closes (`close`), reopens (`reopen`), holds (`hold`, with a reason) or releases a case.
#[tauri::command(async)]
fn change_case(
    state: State<'_, AppState>,
    client: Arg<i64>,
    action: Arg<String>,
    reason: Arg<Option<String>>,
) -> CmdResult<casekeep::casework::retention::CaseStatus> {
    let Arg(client) = client;
    let Arg(action) = action;
    let Arg(reason) = reason;
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    let id = ClientId(client);
    Ok(match action.as_str() {
        "close" => s.close_case(id, None)?,
        "reopen" => s.reopen_case(id)?,
        "hold" => s.hold_case(id, reason.as_deref().unwrap_or(""))?,
        "release" => s.release_case(id)?,
        _ => return Err(CmdError::new("invalid_input", "Unknown case action.")),
    })
}

#[tauri::command(async)]
fn purge(
    state: State<'_, AppState>,
    reason: Arg<String>,
    dry_run: Arg<bool>,
) -> CmdResult<casekeep::casework::retention::PurgeReport> {
    let Arg(reason) = reason;
    let Arg(dry_run) = dry_run;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.purge(&reason, dry_run)?)
}

/// Writes an encrypted, self-verifying backup to the file chosen in the shell's save dialog
/// (`out`: the one-use token `choose_save_file` gave), or with no token to a fresh name in
/// the exports folder. Never a path the page wrote, never over an existing file.
#[tauri::command(async)]
fn backup_vault(
    state: State<'_, AppState>,
    out: Arg<Option<String>>,
) -> CmdResult<casekeep::vault::backup::BackupReceipt> {
    let Arg(out) = out;
    let mut g = state.guard()?;
    g.session_mut()?;
    let path = match out.filter(|o| !o.is_empty()) {
        Some(token) => state.chosen.take(Purpose::Save("ckbackup"), &token)?,
        None => state.backup_path()?,
    };
    Ok(g.session_mut()?.backup(&path)?)
}

/// Restores a backup into this app's vault location, which must be empty (first run).
/// `from` is the one-use token `choose_backup_file` gave for the file chosen in the shell's
/// open dialog, never a path. The backup is verified completely before anything is moved
/// into place.
#[tauri::command(async)]
fn restore_vault(
    state: State<'_, AppState>,
    from: Arg<String>,
    user: Arg<String>,
    passphrase: Arg<String>,
) -> CmdResult<casekeep::vault::backup::RestoreReport> {
    let Arg(from) = from;
    let Arg(user) = user;
    let Arg(passphrase) = passphrase;
    let g = state.guard()?;
    if g.session.is_some() {
        return Err(CmdError::new("invalid_input", "Lock the open vault before restoring a backup."));
    }
    let from = state.chosen.take(Purpose::Restore, &from)?;
    Ok(casekeep::vault::backup::restore(&from, &state.vault_dir, &user, &Passphrase::new(passphrase))?)
}

/// A JSON document the page sent (a record, a change, a referral, settings), as the bytes
/// the core's strict, size-bounded reader takes: the same reader as the CLI's files.
fn json_bytes(document: &Value) -> CmdResult<Vec<u8>> {
    serde_json::to_vec(document)
        .map_err(|_| CmdError::new("invalid_input", "The document sent is not valid JSON."))
}

/// Start-up timing for scripts/bench-app.sh: with CASEKEEP_BENCH_STARTUP set, prints one
/// fixed line per event on stderr (no record data). Does nothing otherwise.
fn bench_mark(event: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CASEKEEP_BENCH_STARTUP").is_some()) {
        eprintln!("casekeep-bench-startup: {event}");
    }
}

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
        .invoke_handler(tauri::generate_handler![
            app_status,
            create_vault,
            open_demo,
            unlock,
            recover,
            lock,
            touch,
            set_idle_minutes,
            save_draft,
            list_drafts,
            discard_draft,
            list_clients,
            show_client,
            reveal_code_word,
            copy_safe_number,
            add_client,
            update_client,
            confirm_safe_contact,
            log_contact_attempt,
            contact_history,
            possible_duplicates,
            consent_report,
            record_consent,
            log_entries,
            verify_log,
            share_preview,
            share,
            request_share,
            approve_request,
            reject_request,
            finish_request,
            decline,
            change_passphrase,
            add_user,
            remove_user,
            list_users,
            risk_form,
            record_marac,
            work_queue,
            today,
            safe_now,
            enquiry_script,
            record_enquiry,
            list_enquiries,
            link_enquiry,
            set_vault_settings,
            decisions,
            decision,
            agency_details,
            set_agency_details,
            replace_recovery_key,
            case_status,
            change_case,
            purge,
            backup_vault,
            restore_vault,
            choose_save_file,
            choose_backup_file,
        ])
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
