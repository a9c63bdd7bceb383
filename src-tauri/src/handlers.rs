//! The commands' bodies: each checks its arguments, calls the core and maps the error. The
//! table in the core (`casekeep::ipc::contract`) declares them; `main.rs` registers one
//! Tauri command per row, which checks the row's role and lock rule and then calls the
//! function of the same name here.

use std::path::PathBuf;

use casekeep::casework::clients::Names;
use casekeep::casework::drafts::DraftKind;
use casekeep::ipc::contract::*;
use casekeep::ipc::{AppStatus, Created, Unlocked};
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::record::ClientView;
use casekeep::ClientId;

use crate::chosen::Purpose;
use crate::clock;
use crate::state::{AppState, CmdError, CmdResult};

pub fn app_status(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<AppStatus> {
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

pub fn create_vault(_app: &tauri::AppHandle, state: &AppState, args: CreateVaultArgs) -> CmdResult<Created> {
    let CreateVaultArgs { user, passphrase } = args;
    let mut g = state.guard()?;
    let (session, recovery) =
        casekeep::Vault::create(&state.vault_dir, &user, &passphrase.into_passphrase())?;
    g.start(session, false);
    Ok(Created { recovery_key: Secret::new(recovery.to_display().to_string()) })
}

pub fn open_demo(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<()> {
    let _g = state.guard()?;
    if !state.demo_dir.join(casekeep::vault::HEADER_FILE).exists() {
        casekeep::casework::demo::create(&state.demo_dir)?;
    }
    Ok(())
}

pub fn unlock(_app: &tauri::AppHandle, state: &AppState, args: UnlockArgs) -> CmdResult<Unlocked> {
    let UnlockArgs { user, passphrase, demo } = args;
    let mut g = state.guard()?;
    let dir = if demo { &state.demo_dir } else { &state.vault_dir };
    if demo && !casekeep::casework::demo::is_demo(dir) {
        return Err(CmdError::new(ErrorCode::NotFound, "There is no demo vault."));
    }
    let vault = casekeep::Vault::open(dir)?;
    let session = vault.unlock(&user, &passphrase.into_passphrase())?;
    let out = Unlocked {
        user: session.user().name.clone(),
        role: session.user().role,
        failed_attempts: session.failed_attempts_since_last_unlock(),
    };
    g.start(session, demo);
    Ok(out)
}

/// Resets `user`'s passphrase with the recovery key and unlocks.
pub fn recover(_app: &tauri::AppHandle, state: &AppState, args: RecoverArgs) -> CmdResult<Unlocked> {
    let RecoverArgs { user, recovery_key, passphrase } = args;
    let mut g = state.guard()?;
    let key = casekeep::RecoveryKey::parse(recovery_key.expose())?;
    let vault = casekeep::Vault::open(&state.vault_dir)?;
    let session = vault.unlock_with_recovery(&user, &key, &passphrase.into_passphrase())?;
    let out = Unlocked {
        user: session.user().name.clone(),
        role: session.user().role,
        failed_attempts: session.failed_attempts_since_last_unlock(),
    };
    g.start(session, false);
    Ok(out)
}

pub fn lock(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<()> {
    state.guard()?.lock();
    Ok(())
}

pub fn touch(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<()> {
    state.guard()?.session_mut()?;
    Ok(())
}

/// A shorter idle time for this session only (the vault's, set by a manager, is the
/// longest; each unlock starts from it again).
pub fn set_idle_minutes(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: SetIdleMinutesArgs,
) -> CmdResult<()> {
    let SetIdleMinutesArgs { minutes } = args;
    let mut g = state.guard()?;
    g.session_mut()?;
    let most = (g.vault_idle.as_secs() / 60).max(1);
    if !(1..=most).contains(&minutes) {
        return Err(CmdError::new(
            ErrorCode::InvalidInput,
            &format!("Choose an idle time between 1 and {most} minutes (the longest this vault allows)."),
        ));
    }
    g.idle = std::time::Duration::from_secs(minutes * 60);
    Ok(())
}

/// Keeps the page's half-finished form (`kind`, see `DraftKind`) for `client` (null for an
/// enquiry) as this user's signed draft, in the vault. Not counted as activity.
pub fn save_draft(_app: &tauri::AppHandle, state: &AppState, args: SaveDraftArgs) -> CmdResult<()> {
    let SaveDraftArgs { kind, client, body } = args;
    let kind = kind.parse::<DraftKind>()?;
    let bytes = json_bytes(&body)?;
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.save_draft(kind, client.map(ClientId), &bytes)?)
}

/// This user's drafts, to offer back after unlocking, and how many could not be trusted
/// (removed). Not counted as activity.
pub fn list_drafts(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<casekeep::casework::drafts::DraftOffer> {
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.draft_offer()?)
}

/// Deletes this user's draft (used or discarded). Not counted as activity.
pub fn discard_draft(_app: &tauri::AppHandle, state: &AppState, args: DiscardDraftArgs) -> CmdResult<bool> {
    let DiscardDraftArgs { kind, client } = args;
    let kind = kind.parse::<DraftKind>()?;
    let mut g = state.guard()?;
    Ok(g.session_quiet()?.discard_draft(kind, client.map(ClientId))?)
}

pub fn list_clients(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ListClientsArgs,
) -> CmdResult<Vec<casekeep::casework::clients::ClientSummary>> {
    let ListClientsArgs { search, names } = args;
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    let search = search.filter(|s| !s.trim().is_empty());
    Ok(s.list_clients(search.as_deref(), names_asked(names))?)
}

/// A client's record: with `names` false, only what the hidden-names screen shows.
pub fn show_client(_app: &tauri::AppHandle, state: &AppState, args: ShowClientArgs) -> CmdResult<ClientView> {
    let ShowClientArgs { id, names } = args;
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
pub fn reveal_code_word(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: RevealCodeWordArgs,
) -> CmdResult<Secret> {
    let RevealCodeWordArgs { client, contact } = args;
    let mut g = state.guard()?;
    Ok(Secret::new(g.session_mut()?.reveal_code_word(ClientId(client), contact)?))
}

/// Puts a client's safe number on the clipboard, excluded from clipboard history where the
/// platform allows, and takes it off again 10 seconds later, on lock and on quit (each time
/// only if it is still there: `clipboard.rs`). Done here, not in the page: WebKit lets a
/// page write the clipboard only in direct answer to a click, so the page could not clear
/// it. The core's
/// safe-contact gate refuses (`acknowledgement_required`) unless `reason` acknowledges a
/// do-not-use, out-of-hours or stale contact; the card asks for it first.
pub fn copy_safe_number(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: CopySafeNumberArgs,
) -> CmdResult<()> {
    let CopySafeNumberArgs { client, contact, reason } = args;
    let ack = reason.as_deref().map(casekeep::record::safe_times::Acknowledgement::new).transpose()?;
    let mut g = state.guard()?;
    let value = g.session_mut()?.safe_contact_value(ClientId(client), contact, ack.as_ref())?;
    state.clipboard.copy(value)
}

pub fn add_client(_app: &tauri::AppHandle, state: &AppState, args: AddClientArgs) -> CmdResult<i64> {
    let AddClientArgs { record } = args;
    let mut g = state.guard()?;
    let bytes = json_bytes(&record)?;
    Ok(g.session_mut()?.add_client(&bytes)?.0)
}

/// A change of a client. `lift_reason` is needed when the change makes a contact marked
/// do-not-use usable (the core refuses it otherwise and records the reason, sealed).
pub fn update_client(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: UpdateClientArgs,
) -> CmdResult<Vec<String>> {
    let UpdateClientArgs { id, patch, lift_reason } = args;
    let lift = lift_reason.as_deref().map(casekeep::record::safe_times::Acknowledgement::new).transpose()?;
    let mut g = state.guard()?;
    let bytes = json_bytes(&patch)?;
    Ok(g.session_mut()?.update_client_lifting(ClientId(id), &bytes, lift.as_ref())?)
}

/// "Confirmed with them today" on the card: one signed step.
pub fn confirm_safe_contact(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ConfirmSafeContactArgs,
) -> CmdResult<casekeep::casework::contact_log::Confirmation> {
    let ConfirmSafeContactArgs { client, contact } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.confirm_safe_contact(ClientId(client), contact)?)
}

/// "Log a contact attempt": an outcome from the closed list and an optional short note.
pub fn log_contact_attempt(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: LogContactAttemptArgs,
) -> CmdResult<i64> {
    let LogContactAttemptArgs { client, contact, outcome, note } = args;
    let outcome = casekeep::log::vocab::AttemptOutcome::parse(&outcome)?;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.log_contact_attempt(ClientId(client), contact, outcome, note.as_deref())?)
}

/// The card's contact history (signed entries only); notes only with `names`.
pub fn contact_history(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ContactHistoryArgs,
) -> CmdResult<Vec<casekeep::casework::contact_log::ContactEvent>> {
    let ContactHistoryArgs { client, names } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.contact_history(ClientId(client), names_asked(names))?)
}

/// Clients who may be the new client about to be added (case references only).
pub fn possible_duplicates(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: PossibleDuplicatesArgs,
) -> CmdResult<Vec<casekeep::casework::contact_log::PossibleDuplicate>> {
    let PossibleDuplicatesArgs { record } = args;
    let mut g = state.guard()?;
    let bytes = json_bytes(&record)?;
    Ok(g.session_mut()?.possible_duplicates(&bytes)?)
}

pub fn consent_report(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ConsentReportArgs,
) -> CmdResult<casekeep::casework::consent::ConsentReport> {
    let ConsentReportArgs { client } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.consent_report(ClientId(client))?)
}

pub fn record_consent(_app: &tauri::AppHandle, state: &AppState, args: RecordConsentArgs) -> CmdResult<i64> {
    let RecordConsentArgs { consent } = args;
    let mut g = state.guard()?;
    let (client, input) = consent.into_input()?;
    Ok(g.session_mut()?.record_consent(client, input)?)
}

pub fn log_entries(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: LogEntriesArgs,
) -> CmdResult<Vec<casekeep::log::Entry>> {
    let LogEntriesArgs { client } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.log_entries(client.map(ClientId))?)
}

pub fn verify_log(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<casekeep::log::VerifyReport> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.verify_log()?)
}

pub fn share_preview(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: SharePreviewArgs,
) -> CmdResult<casekeep::sharing::share::SharePreview> {
    let SharePreviewArgs { share } = args;
    let mut g = state.guard()?;
    let req = share.request()?;
    Ok(g.session_mut()?.preview_share(&req)?)
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
        ErrorCode::InvalidInput,
        "This app was started with a fixed exports folder (CASEKEEP_EXPORT_DIR) and opens no file dialog.",
    )
}

/// Opens the native save dialog (from here, not from the page) for a shared file (`ext`
/// `pdf` or `json`) or a backup (`ckbackup`), suggesting `name`. Returns a one-use token
/// for the chosen path and the file's name, or nothing if the dialog was closed. Run off the
/// main thread; the session is not held while the dialog is open.
pub fn choose_save_file(
    app: &tauri::AppHandle,
    state: &AppState,
    args: ChooseSaveFileArgs,
) -> CmdResult<Option<ChosenFile>> {
    let ChooseSaveFileArgs { name, ext } = args;
    state.guard()?.session_mut()?;
    if state.fixed_export_dir {
        return Err(no_dialog());
    }
    let (ext, title, kind): (&'static str, &str, &str) = match ext.as_str() {
        "pdf" => ("pdf", "Save the shared file", "PDF"),
        "json" => ("json", "Save the shared file", "JSON"),
        "ckbackup" => ("ckbackup", "Save the backup", "Casekeep backup"),
        _ => return Err(CmdError::new(ErrorCode::InvalidInput, "Unknown kind of file to save.")),
    };
    let plain = !name.is_empty()
        && name.chars().count() <= 200
        && !name.contains(['/', '\\', '\0'])
        && name != "."
        && name != "..";
    if !plain {
        return Err(CmdError::new(
            ErrorCode::InvalidInput,
            "The suggested file name must be a plain file name.",
        ));
    }
    let answer = file_dialog(app, title).set_file_name(name).add_filter(kind, &[ext]).blocking_save_file();
    remember(state, Purpose::Save(ext), answer)
}

/// Opens the native open dialog for a backup to restore (while locked). Returns a one-use
/// token for the chosen file and its name, or nothing if the dialog was closed.
pub fn choose_backup_file(
    app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<Option<ChosenFile>> {
    if state.guard()?.session.is_some() {
        return Err(CmdError::new(ErrorCode::InvalidInput, "Lock the open vault before restoring a backup."));
    }
    if state.fixed_export_dir {
        return Err(no_dialog());
    }
    let answer = file_dialog(app, "Choose the backup")
        .add_filter("Casekeep backup", &["ckbackup"])
        .blocking_pick_file();
    remember(state, Purpose::Restore, answer)
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
    let path = p
        .into_path()
        .map_err(|_| CmdError::new(ErrorCode::InvalidInput, "Choose a file on this computer."))?;
    Ok(Some(state.chosen.remember(purpose, path)?))
}

pub fn share(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ShareCommandArgs,
) -> CmdResult<casekeep::sharing::share::ShareReceipt> {
    let ShareCommandArgs { share } = args;
    let req = share.signed_request()?;
    let format = share.format()?;
    let mut g = state.guard()?;
    let out = export_out(state, share.out.as_deref(), &share.words.recipient, format)?;
    Ok(g.session_mut()?.share(&req, format, &out)?)
}

/// Asks a manager to approve a share that needs approval; returns the request id.
pub fn request_share(_app: &tauri::AppHandle, state: &AppState, args: RequestShareArgs) -> CmdResult<i64> {
    let RequestShareArgs { share } = args;
    let req = share.signed_request()?;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.request_share(&req)?)
}

/// A manager approves a share request in their own session.
pub fn approve_request(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ApproveRequestArgs,
) -> CmdResult<i64> {
    let ApproveRequestArgs { request } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.approve_request(request)?)
}

/// A manager rejects a share request, with a reason.
pub fn reject_request(_app: &tauri::AppHandle, state: &AppState, args: RejectRequestArgs) -> CmdResult<i64> {
    let RejectRequestArgs { request, reason } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.reject_request(request, &reason)?)
}

/// The worker who asked finishes their approved request.
pub fn finish_request(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: FinishRequestArgs,
) -> CmdResult<casekeep::sharing::share::ShareReceipt> {
    let FinishRequestArgs { finish } = args;
    let (request, format) = finish.checked()?;
    let mut g = state.guard()?;
    let out = export_out(state, finish.out.as_deref(), &format!("request-{request}"), format)?;
    Ok(g.session_mut()?.finish_request(request, format, &out)?)
}

pub fn decline(_app: &tauri::AppHandle, state: &AppState, args: DeclineArgs) -> CmdResult<i64> {
    let DeclineArgs { client, recipient, purpose, reason } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decline(ClientId(client), recipient.parse::<RecipientKind>()?, &purpose, &reason)?)
}

/// Re-encrypts the vault under a new key (a rotation): run off the main thread so that the
/// window keeps drawing the page's progress indication.
pub fn change_passphrase(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ChangePassphraseArgs,
) -> CmdResult<()> {
    let ChangePassphraseArgs { passphrase } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.change_passphrase(&passphrase.into_passphrase())?)
}

pub fn add_user(_app: &tauri::AppHandle, state: &AppState, args: AddUserArgs) -> CmdResult<()> {
    let AddUserArgs { name, role, passphrase } = args;
    let mut g = state.guard()?;
    g.session_mut()?.add_user(&name, role, &passphrase.into_passphrase())?;
    Ok(())
}

/// Removes a user (managers): a signed entry, a rotation of the vault key (off the main
/// thread, like a passphrase change), their key slot deleted.
pub fn remove_user(_app: &tauri::AppHandle, state: &AppState, args: RemoveUserArgs) -> CmdResult<()> {
    let RemoveUserArgs { name } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.remove_user(&name)?)
}

pub fn list_users(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<Vec<casekeep::log::identity::User>> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.users()?)
}

/// The checklist's questions with this vault's thresholds, for the risk form.
pub fn risk_form(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<casekeep::ipc::RiskForm> {
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    Ok(casekeep::ipc::RiskForm::new(s.settings()?))
}

pub fn record_marac(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: RecordMaracArgs,
) -> CmdResult<casekeep::casework::marac::MaracOutcome> {
    let RecordMaracArgs { client, referral } = args;
    let mut g = state.guard()?;
    let bytes = json_bytes(&referral)?;
    Ok(g.session_mut()?.record_marac(ClientId(client), &bytes)?)
}

/// The script the person taking an enquiry says first (for an unlocked session, as
/// every command but the few meant for a locked app).
pub fn enquiry_script(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<String> {
    let mut g = state.guard()?;
    g.session_mut()?;
    Ok(casekeep::casework::enquiry::SCRIPT.to_string())
}

/// Records an enquiry (the form's JSON, read by the same strict reader as the CLI's file).
/// No client is named: linking is a later, separate step.
pub fn record_enquiry(_app: &tauri::AppHandle, state: &AppState, args: RecordEnquiryArgs) -> CmdResult<i64> {
    let RecordEnquiryArgs { enquiry } = args;
    let mut g = state.guard()?;
    let bytes = json_bytes(&enquiry)?;
    Ok(g.session_mut()?.record_enquiry(&bytes)?)
}

pub fn list_enquiries(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ListEnquiriesArgs,
) -> CmdResult<Vec<casekeep::casework::enquiry::Enquiry>> {
    let ListEnquiriesArgs { client } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.enquiries(client.map(ClientId))?)
}

pub fn link_enquiry(_app: &tauri::AppHandle, state: &AppState, args: LinkEnquiryArgs) -> CmdResult<i64> {
    let LinkEnquiryArgs { enquiry, client } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.link_enquiry(enquiry, ClientId(client))?)
}

/// Today's work queue.
pub fn work_queue(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<casekeep::casework::queue::Queue> {
    let mut g = state.guard()?;
    Ok(g.session_mut()?.queue(casekeep::record::Date::today())?)
}

/// The Today view: the work queue a week ahead in groups, with each row's "safe now" badge
/// at the laptop's local time (a debug build's e2e can pin it: src/clock.rs). The page
/// calls it again each minute, so it does not count as activity for the idle lock.
pub fn today(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<casekeep::casework::today::Today> {
    let g = state.guard()?;
    Ok(g.session_unattended()?.today(clock::local_now())?)
}

/// Each contact's "safe now" badge for the card (none for a do-not-use contact); refreshed
/// each minute, so not counted as activity either.
pub fn safe_now(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: SafeNowArgs,
) -> CmdResult<Vec<Option<casekeep::casework::today::Badge>>> {
    let SafeNowArgs { client } = args;
    let g = state.guard()?;
    Ok(g.session_unattended()?.safe_now(ClientId(client), clock::local_now())?)
}

pub fn set_vault_settings(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: SetVaultSettingsArgs,
) -> CmdResult<casekeep::record::settings::Settings> {
    let SetVaultSettingsArgs { patch } = args;
    let mut g = state.guard()?;
    let bytes = json_bytes(&patch)?;
    let settings = g.session_mut()?.set_settings(&bytes)?;
    g.set_vault_idle(std::time::Duration::from_secs(u64::from(settings.lock.idle_minutes) * 60));
    Ok(settings)
}

/// The decisions a filter selects, newest first (an audited read).
pub fn decisions(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: DecisionsArgs,
) -> CmdResult<Vec<casekeep::sharing::decisions::DecisionRow>> {
    let DecisionsArgs { filter } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decisions(&filter)?)
}

/// One decision in full (an audited read).
pub fn decision(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: DecisionArgs,
) -> CmdResult<casekeep::sharing::decisions::DecisionDetail> {
    let DecisionArgs { id } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.decision(id)?)
}

/// The agency and referrer details exports print.
pub fn agency_details(
    _app: &tauri::AppHandle,
    state: &AppState,
    _: NoArgs,
) -> CmdResult<casekeep::record::settings::AgencyDetails> {
    let mut g = state.guard()?;
    let mut d = g.session_mut()?.agency_details()?;
    d.phone = d.phone_shown();
    Ok(d)
}

/// Sets the agency and referrer details (managers): a signed entry.
pub fn set_agency_details(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: SetAgencyDetailsArgs,
) -> CmdResult<casekeep::record::settings::AgencyDetails> {
    let SetAgencyDetailsArgs { details } = args;
    let mut g = state.guard()?;
    let mut d = g.session_mut()?.set_agency_details(&details)?;
    d.phone = d.phone_shown();
    Ok(d)
}

/// A new recovery key (managers); the old one stops working. Shown once by the UI.
pub fn replace_recovery_key(_app: &tauri::AppHandle, state: &AppState, _: NoArgs) -> CmdResult<Created> {
    let mut g = state.guard()?;
    let key = g.session_mut()?.replace_recovery_key()?;
    Ok(Created { recovery_key: Secret::new(key.to_display().to_string()) })
}

pub fn case_status(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: CaseStatusArgs,
) -> CmdResult<casekeep::casework::retention::CaseStatus> {
    let CaseStatusArgs { client } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.case_status(ClientId(client))?)
}

/// Closes (`close`), reopens (`reopen`), holds (`hold`, with a reason) or releases a case.
pub fn change_case(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: ChangeCaseArgs,
) -> CmdResult<casekeep::casework::retention::CaseStatus> {
    let ChangeCaseArgs { client, action, reason } = args;
    let mut g = state.guard()?;
    let s = g.session_mut()?;
    let id = ClientId(client);
    Ok(match action.as_str() {
        "close" => s.close_case(id, None)?,
        "reopen" => s.reopen_case(id)?,
        "hold" => s.hold_case(id, reason.as_deref().unwrap_or(""))?,
        "release" => s.release_case(id)?,
        _ => return Err(CmdError::new(ErrorCode::InvalidInput, "Unknown case action.")),
    })
}

pub fn purge(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: PurgeArgs,
) -> CmdResult<casekeep::casework::retention::PurgeReport> {
    let PurgeArgs { reason, dry_run } = args;
    let mut g = state.guard()?;
    Ok(g.session_mut()?.purge(&reason, dry_run)?)
}

/// Writes an encrypted, self-verifying backup to the file chosen in the shell's save dialog
/// (`out`: the one-use token `choose_save_file` gave), or with no token to a fresh name in
/// the exports folder. Never a path the page wrote, never over an existing file.
pub fn backup_vault(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: BackupVaultArgs,
) -> CmdResult<casekeep::vault::backup::BackupReceipt> {
    let BackupVaultArgs { out } = args;
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
pub fn restore_vault(
    _app: &tauri::AppHandle,
    state: &AppState,
    args: RestoreVaultArgs,
) -> CmdResult<casekeep::vault::backup::RestoreReport> {
    let RestoreVaultArgs { from, user, passphrase } = args;
    let g = state.guard()?;
    if g.session.is_some() {
        return Err(CmdError::new(ErrorCode::InvalidInput, "Lock the open vault before restoring a backup."));
    }
    let from = state.chosen.take(Purpose::Restore, &from)?;
    Ok(casekeep::vault::backup::restore(&from, &state.vault_dir, &user, &passphrase.into_passphrase())?)
}

/// A JSON document the page sent (a record, a change, a referral, settings), as the bytes
/// the core's strict, size-bounded reader takes: the same reader as the CLI's files.
fn json_bytes(document: &Document) -> CmdResult<Vec<u8>> {
    serde_json::to_vec(&document.0)
        .map_err(|_| CmdError::new(ErrorCode::InvalidInput, "The document sent is not valid JSON."))
}

/// Start-up timing for scripts/bench-app.sh: with CASEKEEP_BENCH_STARTUP set, prints one
/// fixed line per event on stderr (no record data). Does nothing otherwise.
pub(crate) fn bench_mark(event: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("CASEKEEP_BENCH_STARTUP").is_some()) {
        eprintln!("casekeep-bench-startup: {event}");
    }
}
