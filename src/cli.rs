//! The `casekeep` command line: administrators' tool and the way every capability is
//! tested without a window. The contract is documented in docs/CLI.md.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use casekeep::casework::clients::Names;
use casekeep::casework::consent::{ConsentInput, ConsentWords};
use casekeep::log::identity::Role;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::record::safe_times::Acknowledgement;
use casekeep::record::ClientId;
use casekeep::record::Date;
use casekeep::sharing::share::{ShareRequest, ShareWords};
use casekeep::support::error::{Error, Result};
use casekeep::support::fsutil;
use casekeep::support::input::JSON_LIMIT;
use casekeep::vault::slots::{Passphrase, RecoveryKey};
use casekeep::vault::{self, Session, Vault};

const PASSPHRASE_FILE_LIMIT: u64 = 4096;

#[derive(Parser, Debug)]
#[command(
    name = "casekeep",
    version,
    about = "Casekeep: an encrypted record keeper for domestic-abuse caseworkers"
)]
struct Cli {
    /// Vault directory (default: the platform's data directory, e.g. ~/.local/share/casekeep/vault)
    #[arg(long, global = true, value_name = "DIR")]
    vault: Option<PathBuf>,
    /// User name to unlock as
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,
    /// File whose first line is the passphrase (otherwise it is asked for on the terminal)
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a vault; --user becomes its first manager; prints the recovery key once
    Init,
    /// Manage users
    #[command(subcommand)]
    User(UserCmd),
    /// Change your passphrase
    #[command(subcommand)]
    Passphrase(PassphraseCmd),
    /// Reset --user's passphrase with the recovery key (asked for on the terminal, or read
    /// from --recovery-key-file)
    UnlockWithRecovery {
        #[command(flatten)]
        key: RecoveryKeyArg,
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
    /// Replace the vault's recovery key (managers); prints the new key once
    #[command(subcommand)]
    RecoveryKey(RecoveryKeyCmd),
    /// Add, change, show and list clients
    #[command(subcommand)]
    Client(ClientCmd),
    /// Re-confirm a safe contact, log a contact attempt, show the contact history
    #[command(subcommand)]
    Contact(ContactCmd),
    /// Record and show consent
    #[command(subcommand)]
    Consent(ConsentCmd),
    /// Show and verify the decision log and audit trail
    #[command(subcommand)]
    Log(LogCmd),
    /// A manager's review of decisions: consents, shares, decisions not to share and
    /// requests, in plain words, from their signed entries
    #[command(subcommand)]
    Decision(DecisionCmd),
    /// Check the integrity of the database, the key slots and the log
    Check,
    /// Share a client's information with a recipient (or preview what would leave)
    Share(ShareArgs),
    /// Record a decision not to share, with its reason
    Decline {
        #[arg(long, value_name = "ID")]
        client: String,
        #[arg(long, value_name = "KIND")]
        recipient: String,
        /// What was asked for: a purpose code of the recipient (or its label), or other words
        #[arg(long, value_name = "CODE|TEXT")]
        purpose: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Approve a share request, or an emergency share afterwards (managers; never your own)
    #[command(group(clap::ArgGroup::new("what").required(true).args(["decision", "request"])))]
    Approve {
        /// An emergency share (its decision id) to approve afterwards
        #[arg(long, value_name = "ID")]
        decision: Option<String>,
        /// A share request (its id, as `share --request` printed it) to approve
        #[arg(long, value_name = "ID")]
        request: Option<String>,
    },
    /// Reject a share request, with a reason (managers; never your own)
    Reject {
        #[arg(long, value_name = "ID")]
        request: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// The agency named in exports (managers set it)
    #[command(subcommand)]
    Agency(AgencyCmd),
    /// Record and show MARAC referrals, meetings and actions
    #[command(subcommand)]
    Marac(MaracCmd),
    /// Record enquiries about clients, link them, and keep the switchboard list
    #[command(subcommand)]
    Enquiry(EnquiryCmd),
    /// The work queue (JSON): reviews, consents, meetings and actions due
    Queue {
        /// The day to build the queue for (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<String>,
    },
    /// The Today view (JSON): the queue a week ahead in groups, with "safe now" badges
    Today {
        /// The local time to work the badges and the day out at (default now)
        #[arg(long, value_name = "YYYY-MM-DDTHH:MM")]
        at: Option<String>,
    },
    /// This vault's MARAC referral criteria, risk bands, queue windows and retention
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Close or reopen a case; put it under legal hold or release it (managers)
    #[command(subcommand)]
    Case(CaseCmd),
    /// Delete closed cases past their retention date, not under legal hold (managers)
    Purge {
        /// Why (recorded in each signed tombstone)
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// List what would be purged; delete nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Write an encrypted, self-verifying backup of the vault to FILE (which must not exist)
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into a new, empty vault directory (--vault), checking it first
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Unlock with the recovery key instead of a passphrase: the file whose first line is
        /// the key (needs --new-passphrase-file)
        #[arg(long, value_name = "FILE", requires = "new_passphrase_file")]
        recovery_key_file: Option<PathBuf>,
        /// --user's new passphrase in the restored vault (with the recovery key)
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

/// Where the recovery key comes from: a file or the terminal (hidden). Never the command
/// line: it is kept in the shell's history and seen by other processes while it runs.
#[derive(Args, Debug)]
struct RecoveryKeyArg {
    /// File whose first line is the recovery key (otherwise it is asked for on the terminal)
    #[arg(long, value_name = "FILE")]
    recovery_key_file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum CaseCmd {
    /// Close a case (default today); it is kept for the vault's retention period
    Close {
        #[arg(long, value_name = "ID")]
        client: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<String>,
    },
    /// Reopen a closed case
    Reopen {
        #[arg(long, value_name = "ID")]
        client: String,
    },
    /// Put a case under legal hold (managers): it is never purged while held
    Hold {
        #[arg(long, value_name = "ID")]
        client: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Release a legal hold (managers)
    Release {
        #[arg(long, value_name = "ID")]
        client: String,
    },
    /// The case's state as JSON
    Show {
        #[arg(long, value_name = "ID")]
        client: String,
    },
}

#[derive(Subcommand, Debug)]
enum RecoveryKeyCmd {
    /// Make a new recovery key; the old one stops working at once
    Replace,
}

#[derive(Subcommand, Debug)]
enum MaracCmd {
    /// Record a referral, or (with "referral": N in the JSON) its meeting, agencies and actions
    Record {
        #[arg(long, value_name = "ID")]
        client: String,
        #[command(flatten)]
        json: JsonArg,
    },
    /// A client's referrals as JSON, each with its repeat flag
    Show {
        #[arg(long, value_name = "ID")]
        client: String,
    },
}

#[derive(Subcommand, Debug)]
enum EnquiryCmd {
    /// Record an enquiry from JSON (no client is named); prints its id alone
    Record(JsonArg),
    /// Enquiries as JSON, newest first (recorded as an `enquiries_shown` read)
    List {
        /// Only the enquiries linked to this client
        #[arg(long, value_name = "ID")]
        client: Option<String>,
    },
    /// Link an enquiry to the client it was about (a signed entry; tells the caller nothing)
    Link {
        #[arg(long, value_name = "ID")]
        enquiry: String,
        #[arg(long, value_name = "ID")]
        client: String,
    },
    /// Review the open alert that holds an enquiry (managers): it leaves the queue; the
    /// flag on its clients stays; prints the alert reviewed
    Review {
        #[arg(long, value_name = "ID")]
        enquiry: String,
    },
    /// The organisations' known switchboard numbers (managers change the list)
    #[command(subcommand)]
    Switchboard(SwitchboardCmd),
}

#[derive(Subcommand, Debug)]
enum SwitchboardCmd {
    /// Add a known switchboard number of an organisation (managers)
    Set {
        #[arg(long, value_name = "NAME")]
        organisation: String,
        #[arg(long, value_name = "NUMBER")]
        number: String,
    },
    /// The list as JSON
    List,
    /// Remove one number of an organisation, or the organisation (managers)
    Remove {
        #[arg(long, value_name = "NAME")]
        organisation: String,
        #[arg(long, value_name = "NUMBER")]
        number: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum SettingsCmd {
    /// Show the settings as JSON
    Show,
    /// Change settings from a partial JSON document (managers only)
    Set(JsonArg),
}

#[derive(Subcommand, Debug)]
enum AgencyCmd {
    /// Set the agency's name and, optionally, its referrer's role, phone number and secure
    /// e-mail address (what a MARAC referral prints); an option left out keeps its value
    Set {
        name: String,
        /// The referrer's role, e.g. "IDVA"
        #[arg(long, value_name = "TEXT")]
        role: Option<String>,
        /// A UK phone number, e.g. "0300 123 4567"
        #[arg(long, value_name = "NUMBER")]
        phone: Option<String>,
        /// The secure e-mail address a MARAC coordinator writes to
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
    },
    /// Show the agency's details as JSON
    Show,
}

#[derive(Args, Debug)]
struct ShareArgs {
    /// Needed, except when finishing a request
    #[arg(long, value_name = "ID")]
    client: Option<String>,
    /// Needed, except when finishing a request
    #[arg(long, value_name = "KIND")]
    recipient: Option<String>,
    /// What it is for: a purpose code of the recipient (or its label), or other words
    /// (needed, except when finishing a request)
    #[arg(long, value_name = "CODE|TEXT")]
    purpose: Option<String>,
    /// pdf or json (not needed with --preview, nor when asking with --request)
    #[arg(long, value_name = "pdf|json")]
    format: Option<String>,
    /// The file to write; it must not exist (not needed with --preview, nor when asking with
    /// --request)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The organisation or person receiving it
    #[arg(long, value_name = "TEXT")]
    recipient_name: Option<String>,
    #[arg(long, value_name = "BASIS")]
    lawful_basis: Option<String>,
    #[arg(long, value_name = "TEXT")]
    justification: Option<String>,
    /// Share now; a manager approves afterwards (`approve --decision ID`)
    #[arg(long, conflicts_with = "request")]
    emergency: bool,
    #[arg(long, value_name = "yes|no|not_safe")]
    told: Option<String>,
    #[arg(long, value_name = "TEXT")]
    advice: Option<String>,
    /// A note (numbered from 1 in `client show`) to include as an excerpt; repeatable
    #[arg(long = "excerpt", value_name = "NOTE_ID")]
    excerpts: Vec<String>,
    /// Show what would leave and what would not, and why; write nothing
    #[arg(long, conflicts_with = "request")]
    preview: bool,
    /// Alone: ask a manager to approve this share (prints the request id; nothing leaves
    /// yet). With an id: finish that approved request (only --format and --out besides)
    #[arg(long, value_name = "ID", num_args = 0..=1)]
    request: Option<Option<String>>,
}

#[derive(Subcommand, Debug)]
enum UserCmd {
    /// Add a user (managers only)
    Add {
        name: String,
        #[arg(long, value_parser = ["caseworker", "manager"])]
        role: String,
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
    /// List users and roles (as the signed log records them)
    List,
    /// Remove a user (managers; never yourself or the last manager): signed in the log, the
    /// vault key rotated to everyone else, their key slot deleted
    Remove { name: String },
}

#[derive(Subcommand, Debug)]
enum PassphraseCmd {
    /// Change the passphrase of --user
    Change {
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ClientCmd {
    /// Add a client from JSON; prints the new id alone
    Add(JsonArg),
    /// Change a client from JSON (absent keys stay, null clears, risk and notes are added)
    Update {
        id: String,
        #[command(flatten)]
        json: JsonArg,
        /// Needed when the change makes a contact marked do-not-use usable: why (at least 10
        /// characters; recorded, sealed, in a signed `do_not_use_lifted` entry)
        #[arg(long, value_name = "TEXT")]
        lift_do_not_use_reason: Option<String>,
    },
    /// The clients who may be the person in this JSON (a new client, as for `add`): same
    /// date of birth and a similar name, or a phone number in common; JSON, `[]` if none
    Duplicates(JsonArg),
    /// Show a client's whole record as JSON, code words included (recorded as a
    /// `names_shown` read that counts the code words shown)
    Show { id: String },
    /// Print the code word of a client's contact (numbered from 1); recorded as a read
    CodeWord {
        id: String,
        #[arg(long, value_name = "N")]
        contact: usize,
    },
    /// Print the number (value) of a client's safe contact (numbered from 1), for a call;
    /// recorded as a `safe_number_copied` read. Refused, naming why, when the contact is
    /// do-not-use, outside its safe times (or has none known) or stale, unless acknowledged
    SafeNumber {
        id: String,
        #[arg(long, value_name = "N")]
        contact: usize,
        /// Go ahead despite the situations the refusal named, and why (at least 10
        /// characters; recorded, sealed, in the audit entry)
        #[arg(long, value_name = "TEXT")]
        acknowledge_reason: Option<String>,
    },
    /// List clients as a JSON array of summaries with full names (recorded as a
    /// `names_shown` read), or initials only with --initials
    List {
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Initials only: no full name, and no read recorded
        #[arg(long)]
        initials: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ContactCmd {
    /// "Confirmed with them today": the contact's review date moves on by the vault's
    /// interval (settings `queue.reconfirm_after_days`); prints what was set, as JSON
    Confirm {
        #[arg(long, value_name = "ID")]
        client: String,
        /// The contact's number in the record (from 1)
        #[arg(long, value_name = "N")]
        contact: usize,
    },
    /// Log an attempt to reach the client; `number-not-working` also brings the contact's
    /// review date forward to today. Prints the entry's sequence number
    Attempt {
        #[arg(long, value_name = "ID")]
        client: String,
        #[arg(long, value_name = "N")]
        contact: usize,
        #[arg(long, value_name = "spoke|no-answer|not-safe-to-talk|number-not-working")]
        outcome: String,
        /// A short note (one line, at most 500 characters; sealed in the entry)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Confirmations, attempts (with their notes) and lifted do-not-use marks, as JSON, from
    /// signed entries only (recorded as a `contact_history_shown` read)
    History {
        #[arg(long, value_name = "ID")]
        client: String,
    },
}

#[derive(Args, Debug)]
struct JsonArg {
    /// JSON file ('-' for standard input)
    #[arg(long, value_name = "FILE")]
    json: PathBuf,
}

#[derive(Subcommand, Debug)]
enum ConsentCmd {
    /// Record consent, its refusal or withdrawal
    Record {
        #[arg(long, value_name = "ID")]
        client: String,
        #[arg(long, value_name = "KIND")]
        recipient: String,
        #[arg(long, value_name = "STATE")]
        state: String,
        #[arg(long, value_name = "verbal|written|other")]
        method: String,
        /// A purpose code of the recipient (or its label), or other words; omit (or
        /// "general") for every purpose
        #[arg(long, value_name = "CODE|TEXT")]
        purpose: Option<String>,
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        review_on: Option<String>,
    },
    /// Current consent per recipient and the full history, as JSON
    Show {
        #[arg(long, value_name = "ID")]
        client: String,
    },
}

#[derive(Subcommand, Debug)]
enum DecisionCmd {
    /// The decisions the filters select, newest first, as JSON (an audited read)
    List {
        #[arg(long, value_name = "ID")]
        client: Option<String>,
        #[arg(long, value_name = "KIND")]
        recipient: Option<String>,
        /// share, decline, consent_given, consent_refused, consent_other or request
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Only shares and requests still awaiting a manager's approval
        #[arg(long)]
        awaiting_approval: bool,
    },
    /// One decision in full, as JSON (an audited read)
    Show {
        /// The decision's number (`id` in `decision list`)
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum LogCmd {
    /// Decisions, consents and audit events as JSON
    Show {
        #[arg(long, value_name = "ID")]
        client: Option<String>,
    },
    /// Recompute the chain and every signature; exit 1 naming the first bad entry
    Verify {
        /// Also prove the log still holds this chain head (an export's `log_chain_head`);
        /// exit 1 if it does not (rolled back, forked, or another vault's export)
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
    },
}

/// Why a command stopped: a usage mistake (exit 2) or a refusal (exit 1).
enum Stop {
    Usage(String),
    Refused(Error),
    /// Whoever reads the output stopped reading (`casekeep log show | head`): everything
    /// was already committed, so this is not a failure.
    OutputClosed,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Refused(e)
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(Stop::Usage(msg)) => {
            eprintln!("casekeep: {msg}");
            ExitCode::from(2)
        }
        Err(Stop::Refused(e)) => {
            eprintln!("casekeep: {}", in_cli_words(&e.to_string()));
            ExitCode::from(1)
        }
        Err(Stop::OutputClosed) => ExitCode::SUCCESS,
    }
}

/// The core names a request's fields (`reason`, `lawful_basis`), as every front end sees
/// them; on the command line they are flags. Each field the core's messages name, with the
/// flag that gives it.
const FIELD_FLAGS: [(&str, &str); 10] = [
    ("reason", "--reason"),
    ("purpose", "--purpose"),
    ("lawful_basis", "--lawful-basis"),
    ("justification", "--justification"),
    ("told", "--told"),
    ("number", "--number"),
    ("organisation", "--organisation"),
    ("request", "--request"),
    ("emergency", "--emergency"),
    ("vault", "--vault DIR"),
];

/// A core message in the command line's words: a field the message names as the field of
/// the request, in brackets ("(`reason`)"), becomes its flag. Leading a sentence ("`number`
/// is …"), only a field that no JSON input has becomes a flag: "`reason` is required" from
/// a MARAC referral's JSON file is about that file's `reason`. A path into a JSON file
/// (`contacts[0].value`) stays a path, and a field named elsewhere in the sentence stays as
/// written unless only the command line gives it (`request`, `emergency`, `vault`).
fn in_cli_words(message: &str) -> String {
    let mut out = message.to_string();
    for (field, flag) in FIELD_FLAGS {
        let quoted = format!("`{field}`");
        out = out.replace(&format!("({quoted})"), &format!("({flag})"));
        if matches!(field, "number" | "organisation" | "told") {
            if let Some(rest) = out.strip_prefix(&format!("{quoted} ")) {
                out = format!("{flag} {rest}");
            }
        }
        if matches!(field, "request" | "emergency" | "vault") {
            out = out.replace(&quoted, flag);
        }
    }
    out
}

/// Prints one line on standard output. Rust ignores SIGPIPE, so a reader that stops early
/// makes the write fail with "broken pipe": that ends the command quietly (`println!`
/// would panic). Output is only ever printed after the commit.
fn out(line: &str) -> std::result::Result<(), Stop> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Stop::OutputClosed),
        Err(e) => Err(Stop::Refused(Error::Io { context: "write the output", source: e })),
    }
}

fn emit<T: Serialize>(v: &T) -> std::result::Result<(), Stop> {
    let s =
        serde_json::to_string_pretty(v).map_err(|_| Error::Storage("could not encode the output".into()))?;
    out(&s)
}

fn run(cli: Cli) -> std::result::Result<ExitCode, Stop> {
    let dir = match &cli.vault {
        Some(d) => d.clone(),
        None => vault::default_dir()?,
    };
    let user = || cli.user.clone().ok_or_else(|| Stop::Usage("this command needs --user NAME".into()));

    if let Command::Init = cli.command {
        let name = user()?;
        let pass = match &cli.passphrase_file {
            Some(f) => read_passphrase_file(f)?,
            None => prompt_new_passphrase(&format!("New passphrase for {name}"))?,
        };
        let (session, recovery) = Vault::create(&dir, &name, &pass)?;
        drop(session);
        eprintln!("Vault created. Below is its recovery key. It is shown this once and stored nowhere:");
        eprintln!("write it down and keep it somewhere safe, away from this laptop.");
        out(recovery.to_display().as_str())?;
        return Ok(ExitCode::SUCCESS);
    }

    if let Command::Restore { from, recovery_key_file, new_passphrase_file } = &cli.command {
        let target = cli
            .vault
            .clone()
            .ok_or_else(|| Stop::Usage("restore needs --vault NEWDIR (a new, empty directory)".into()))?;
        let name = user()?;
        let with_key = recovery_key_file.is_some();
        if new_passphrase_file.is_some() && !with_key {
            return Err(Stop::Usage("--new-passphrase-file goes with --recovery-key-file".into()));
        }
        let report = match (with_key, new_passphrase_file) {
            (true, Some(file)) => {
                let key = recovery_key_from(recovery_key_file.as_deref())?;
                let new = read_passphrase_file(file)?;
                let creds =
                    casekeep::vault::backup::Credentials::Recovery { key: &key, new_passphrase: &new };
                casekeep::vault::backup::restore_with(from, &target, &name, creds)?
            }
            _ => {
                let pass = match &cli.passphrase_file {
                    Some(f) => read_passphrase_file(f)?,
                    None => prompt_passphrase(&format!("Passphrase for {name}"))?,
                };
                casekeep::vault::backup::restore(from, &target, &name, &pass)?
            }
        };
        emit(&report)?;
        return Ok(ExitCode::SUCCESS);
    }

    let vault = Vault::open(&dir)?;

    if let Command::UnlockWithRecovery { key, new_passphrase_file } = &cli.command {
        let name = user()?;
        let key = recovery_key_from(key.recovery_key_file.as_deref())?;
        let new = read_passphrase_file(new_passphrase_file)?;
        let session = vault.unlock_with_recovery(&name, &key, &new)?;
        report_failures(&session);
        eprintln!("Passphrase reset for {}; a new signing key was made.", session.user().name);
        return Ok(ExitCode::SUCCESS);
    }

    let name = user()?;
    let pass = match &cli.passphrase_file {
        Some(f) => read_passphrase_file(f)?,
        None => prompt_passphrase(&format!("Passphrase for {name}"))?,
    };
    let mut session = vault.unlock(&name, &pass)?;
    drop(pass);
    report_failures(&session);

    match cli.command {
        Command::Init | Command::UnlockWithRecovery { .. } | Command::Restore { .. } => Ok(ExitCode::SUCCESS),
        Command::Backup { out } => {
            emit(&session.backup(&out)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::Add { name, role, new_passphrase_file }) => {
            session.require_manager()?;
            let role = if role == "manager" { Role::Manager } else { Role::Caseworker };
            let new = read_passphrase_file(&new_passphrase_file)?;
            let u = session.add_user(&name, role, &new)?;
            eprintln!("User {} added as {}.", u.name, u.role.as_str());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::List) => {
            emit(&session.users()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::Remove { name }) => {
            session.remove_user(&name)?;
            emit(&serde_json::json!({ "removed": name.trim().to_lowercase(), "vault_key_rotated": true }))?;
            eprintln!(
                "User removed; the vault key was rotated. Backups made before now still open with their old passphrase: make a fresh backup and destroy the old ones."
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Passphrase(PassphraseCmd::Change { new_passphrase_file }) => {
            let new = read_passphrase_file(&new_passphrase_file)?;
            session.change_passphrase(&new)?;
            eprintln!("Passphrase changed; new keys were made and the vault key was rotated.");
            Ok(ExitCode::SUCCESS)
        }
        Command::RecoveryKey(RecoveryKeyCmd::Replace) => {
            let key = session.replace_recovery_key()?;
            eprintln!("The old recovery key no longer opens this vault. Below is the new one. It is shown");
            eprintln!("this once and stored nowhere: write it down and keep it away from this laptop.");
            out(key.to_display().as_str())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::Add(JsonArg { json })) => {
            let bytes = read_json(&json)?;
            let id = session.add_client(&bytes)?;
            out(&id.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::Update { id, json, lift_do_not_use_reason }) => {
            let id = ClientId::parse(&id)?;
            let lift = lift_do_not_use_reason.as_deref().map(Acknowledgement::new).transpose()?;
            let bytes = read_json(&json.json)?;
            let changed = session.update_client_lifting(id, &bytes, lift.as_ref())?;
            emit(&serde_json::json!({ "id": id.0, "changed": changed }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::Duplicates(JsonArg { json })) => {
            let bytes = read_json(&json)?;
            emit(&session.possible_duplicates(&bytes)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Contact(ContactCmd::Confirm { client, contact }) => {
            let id = ClientId::parse(&client)?;
            emit(&session.confirm_safe_contact(id, contact)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Contact(ContactCmd::Attempt { client, contact, outcome, note }) => {
            let id = ClientId::parse(&client)?;
            let outcome = casekeep::log::vocab::AttemptOutcome::parse(&outcome)?;
            out(&session.log_contact_attempt(id, contact, outcome, note.as_deref())?.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Contact(ContactCmd::History { client }) => {
            let id = ClientId::parse(&client)?;
            emit(&session.contact_history(id, Names::Shown)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::Show { id }) => {
            let id = ClientId::parse(&id)?;
            emit(&session.show_client_whole(id)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::CodeWord { id, contact }) => {
            let id = ClientId::parse(&id)?;
            out(&session.reveal_code_word(id, contact)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::SafeNumber { id, contact, acknowledge_reason }) => {
            let id = ClientId::parse(&id)?;
            let ack = acknowledge_reason.as_deref().map(Acknowledgement::new).transpose()?;
            out(&session.safe_contact_value(id, contact, ack.as_ref())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(ClientCmd::List { search, initials }) => {
            let names = if initials { Names::Hidden } else { Names::Shown };
            emit(&session.list_clients(search.as_deref(), names)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Consent(ConsentCmd::Record {
            client,
            recipient,
            state,
            method,
            purpose,
            reason,
            review_on,
        }) => {
            let client = ClientId::parse(&client)?;
            let input =
                ConsentInput::parse(&ConsentWords { recipient, state, method, purpose, reason, review_on })?;
            let seq = session.record_consent(client, input)?;
            emit(&serde_json::json!({ "recorded": true, "log_entry": seq }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Consent(ConsentCmd::Show { client }) => {
            let client = ClientId::parse(&client)?;
            emit(&session.consent_report(client)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Decision(DecisionCmd::List { client, recipient, kind, awaiting_approval }) => {
            let filter = casekeep::sharing::decisions::DecisionFilter {
                client: client.map(|c| ClientId::parse(&c)).transpose()?.map(|c| c.0),
                recipient: recipient.map(|r| r.parse::<RecipientKind>()).transpose()?,
                kind: kind.map(|k| k.parse::<casekeep::log::vocab::DecisionKind>()).transpose()?,
                awaiting_approval,
            };
            emit(&session.decisions(&filter)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Decision(DecisionCmd::Show { id }) => {
            emit(&session.decision(positive_id(&id, "a decision's number")?)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Log(LogCmd::Show { client }) => {
            let client = client.map(|c| ClientId::parse(&c)).transpose()?;
            emit(&session.log_entries(client)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Log(LogCmd::Verify { expect_head }) => {
            let report = session.verify_log()?;
            // Each client's stored record against its last signed version (ids only).
            let records = session.verify_records()?;
            let mut out = serde_json::to_value(&report)
                .map_err(|_| Error::Storage("could not encode the output".into()))?;
            if let Some(o) = out.as_object_mut() {
                o.insert("records".into(), serde_json::json!(records));
            }
            let record_problems = records.problems();
            for p in &record_problems {
                eprintln!("casekeep: {p}");
            }
            if let Some(b) = &report.first_break {
                emit(&out)?;
                eprintln!("casekeep: {b}");
                return Ok(ExitCode::from(1));
            }
            let held = match expect_head {
                None => true,
                Some(head) => {
                    let found = session.find_head(&head)?;
                    if let Some(o) = out.as_object_mut() {
                        o.insert("expected_head".into(), serde_json::json!(found));
                    }
                    found.entry.is_some()
                }
            };
            emit(&out)?;
            if !held {
                eprintln!(
                    "casekeep: the log does not hold the expected head: it was rolled back or forked since the export was made, or the export is from another vault"
                );
            }
            Ok(if held && record_problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Share(a) => share(&mut session, a),
        Command::Decline { client, recipient, purpose, reason } => {
            let client = ClientId::parse(&client)?;
            let seq = session.decline(client, recipient.parse::<RecipientKind>()?, &purpose, &reason)?;
            emit(&serde_json::json!({ "decision_id": seq, "decision": "decline" }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Approve { decision, request } => {
            if let Some(request) = request {
                let id = positive_id(&request, "a request id")?;
                let seq = session.approve_request(id)?;
                emit(&serde_json::json!({ "request_id": id, "approval_entry": seq, "state": "approved" }))?;
                return Ok(ExitCode::SUCCESS);
            }
            let decision =
                decision.ok_or_else(|| Stop::Usage("approve needs --decision ID or --request ID".into()))?;
            let id = positive_id(&decision, "a decision id")?;
            let seq = session.approve(id)?;
            emit(&serde_json::json!({ "decision_id": id, "approval_entry": seq }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reject { request, reason } => {
            let id = positive_id(&request, "a request id")?;
            let seq = session.reject_request(id, &reason)?;
            emit(&serde_json::json!({ "request_id": id, "rejection_entry": seq, "state": "rejected" }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Agency(AgencyCmd::Set { name, role, phone, email }) => {
            let now = session.agency_details()?;
            let details = casekeep::record::settings::AgencyDetails {
                agency: Some(name),
                referrer_role: role.or(now.referrer_role),
                phone: phone.or(now.phone),
                email: email.or(now.email),
            };
            session.set_agency_details(&details)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Agency(AgencyCmd::Show) => {
            let d = session.agency_details()?;
            emit(&serde_json::json!({
                "agency": d.agency, "referrer_role": d.referrer_role, "phone": d.phone_shown(), "email": d.email,
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Marac(MaracCmd::Record { client, json }) => {
            let client = ClientId::parse(&client)?;
            let bytes = read_json(&json.json)?;
            emit(&session.record_marac(client, &bytes)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Marac(MaracCmd::Show { client }) => {
            let client = ClientId::parse(&client)?;
            emit(&session.marac_referrals(client)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Enquiry(EnquiryCmd::Record(JsonArg { json })) => {
            let bytes = read_json(&json)?;
            let id = session.record_enquiry(&bytes)?;
            out(&id.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Enquiry(EnquiryCmd::List { client }) => {
            let client = client.map(|c| ClientId::parse(&c)).transpose()?;
            emit(&session.enquiries(client)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Enquiry(EnquiryCmd::Link { enquiry, client }) => {
            let id = enquiry_id(&enquiry)?;
            let client = ClientId::parse(&client)?;
            let seq = session.link_enquiry(id, client)?;
            emit(&serde_json::json!({ "enquiry": id, "client_id": client.0, "log_entry": seq }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Enquiry(EnquiryCmd::Review { enquiry }) => {
            emit(&session.review_enquiry_alert(enquiry_id(&enquiry)?)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Enquiry(EnquiryCmd::Switchboard(cmd)) => {
            let list = match cmd {
                SwitchboardCmd::Set { organisation, number } => {
                    session.set_switchboard(&organisation, &number)?
                }
                SwitchboardCmd::List => session.switchboards()?,
                SwitchboardCmd::Remove { organisation, number } => {
                    session.remove_switchboard(&organisation, number.as_deref())?
                }
            };
            emit(&list)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Queue { on } => {
            let on = match on {
                None => Date::today(),
                Some(d) => Date::parse(&d)
                    .ok_or_else(|| Error::invalid("--on must be a real date written YYYY-MM-DD"))?,
            };
            emit(&session.queue(on)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Today { at } => {
            let at = match at {
                None => casekeep::record::safe_times::now_local(),
                Some(t) => chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M").map_err(|_| {
                    Error::invalid("--at must be a real local time written YYYY-MM-DDTHH:MM (24-hour)")
                })?,
            };
            emit(&session.today(at)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Case(cmd) => {
            let status = match cmd {
                CaseCmd::Close { client, on } => {
                    let on = on
                        .map(|d| {
                            Date::parse(&d)
                                .ok_or_else(|| Error::invalid("--on must be a real date written YYYY-MM-DD"))
                        })
                        .transpose()?;
                    session.close_case(ClientId::parse(&client)?, on)?
                }
                CaseCmd::Reopen { client } => session.reopen_case(ClientId::parse(&client)?)?,
                CaseCmd::Hold { client, reason } => session.hold_case(ClientId::parse(&client)?, &reason)?,
                CaseCmd::Release { client } => session.release_case(ClientId::parse(&client)?)?,
                CaseCmd::Show { client } => session.case_status(ClientId::parse(&client)?)?,
            };
            emit(&status)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { reason, dry_run } => {
            emit(&session.purge(&reason, dry_run)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings(SettingsCmd::Show) => {
            emit(&session.settings()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings(SettingsCmd::Set(JsonArg { json })) => {
            let bytes = read_json(&json)?;
            emit(&session.set_settings(&bytes)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let report = session.check()?;
            emit(&report)?;
            if report.ok {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("casekeep: the vault failed its integrity check: {}", report.problems.join("; "));
                Ok(ExitCode::from(1))
            }
        }
    }
}

fn positive_id(typed: &str, what: &str) -> Result<i64> {
    typed
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::invalid(format!("{what} is a positive whole number")))
}

fn enquiry_id(s: &str) -> Result<i64> {
    positive_id(s, "an enquiry id (as `enquiry record` prints it)")
}

fn share(session: &mut Session, a: ShareArgs) -> std::result::Result<ExitCode, Stop> {
    if let Some(Some(id)) = a.request.clone() {
        return finish_request(session, &id, a);
    }
    let excerpts = a
        .excerpts
        .iter()
        .map(|e| {
            e.trim().parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                Error::invalid("--excerpt takes a note number (from 1, as `client show` numbers them)")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (Some(client), Some(recipient), Some(purpose)) = (a.client, a.recipient, a.purpose) else {
        return Err(Stop::Usage(
            "share needs --client ID, --recipient KIND and --purpose (or --request ID to finish an approved request)"
                .into(),
        ));
    };
    let req = ShareRequest::parse(&ShareWords {
        client: ClientId::parse(&client)?.0,
        recipient,
        purpose,
        recipient_name: a.recipient_name,
        lawful_basis: a.lawful_basis,
        justification: a.justification,
        emergency: a.emergency,
        told: a.told,
        advice: a.advice,
        excerpts,
    })?;
    if a.preview {
        emit(&session.share_preview(&req)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if a.request.is_some() {
        let id = session.request_share(&req)?;
        emit(&serde_json::json!({ "request_id": id, "state": "pending" }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let (format, out) = format_and_out(a.format, a.out, "(or --preview, or --request)")?;
    let receipt = session.share(&req, format, &out)?;
    emit(&receipt)?;
    Ok(ExitCode::SUCCESS)
}

fn format_and_out(
    format: Option<String>,
    out: Option<PathBuf>,
    or: &str,
) -> std::result::Result<(Format, PathBuf), Stop> {
    let format = format
        .ok_or_else(|| Stop::Usage(format!("share needs --format pdf|json {or}")))?
        .parse::<Format>()?;
    let out = out.ok_or_else(|| Stop::Usage(format!("share needs --out FILE {or}")))?;
    Ok((format, out))
}

/// `share --request ID --format pdf|json --out FILE`: every other share flag comes from
/// the approved request, so none may be given.
fn finish_request(session: &mut Session, id: &str, a: ShareArgs) -> std::result::Result<ExitCode, Stop> {
    let others = a.client.is_some()
        || a.recipient.is_some()
        || a.purpose.is_some()
        || a.recipient_name.is_some()
        || a.lawful_basis.is_some()
        || a.justification.is_some()
        || a.emergency
        || a.told.is_some()
        || a.advice.is_some()
        || !a.excerpts.is_empty()
        || a.preview;
    if others {
        return Err(Stop::Usage(
            "finishing a request (--request ID) takes only --format and --out: the rest is the approved request's"
                .into(),
        ));
    }
    let id = positive_id(id, "a request id")?;
    let (format, out) = format_and_out(a.format, a.out, "to finish a request")?;
    let receipt = session.finish_request(id, format, &out)?;
    emit(&receipt)?;
    Ok(ExitCode::SUCCESS)
}

fn report_failures(session: &Session) {
    let lost = session.incomplete_exports_found();
    if lost > 0 {
        eprintln!(
            "Warning: {lost} export{} did not complete before Casekeep stopped; the log records {}. Make the share again if it is still needed.",
            if lost == 1 { "" } else { "s" },
            if lost == 1 { "it" } else { "them" }
        );
    }
    let n = session.failed_attempts_since_last_unlock();
    if n > 0 {
        eprintln!(
            "Warning: {n} failed unlock attempt{} for {} since the last successful unlock. If this was not you, tell your manager.",
            if n == 1 { "" } else { "s" },
            session.user().name
        );
    }
}

/// The first line of the file, newline stripped.
/// The first line of a small secret file (a passphrase, the recovery key), without its
/// line ending; refused when it is not text or is empty.
fn read_first_line(path: &Path, what: &str) -> Result<zeroize::Zeroizing<String>> {
    let bytes =
        zeroize::Zeroizing::new(fsutil::read_bounded(path, PASSPHRASE_FILE_LIMIT, &format!("{what} file"))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::invalid(format!("the {what} file is not UTF-8 text")))?;
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(Error::invalid(format!("the {what} file's first line is empty")));
    }
    Ok(zeroize::Zeroizing::new(line.to_string()))
}

fn read_passphrase_file(path: &Path) -> Result<Passphrase> {
    Ok(Passphrase::new(read_first_line(path, "passphrase")?.to_string()))
}

/// The recovery key from its file (first line) or the terminal.
fn recovery_key_from(file: Option<&Path>) -> Result<RecoveryKey> {
    match file {
        Some(path) => RecoveryKey::parse(&read_first_line(path, "recovery key")?),
        None => {
            if !std::io::stdin().is_terminal() {
                return Err(Error::invalid(
                    "no recovery key: give --recovery-key-file FILE or run in a terminal",
                ));
            }
            let typed = zeroize::Zeroizing::new(
                rpassword::prompt_password("Recovery key: ")
                    .map_err(|_| Error::invalid("could not read the recovery key from the terminal"))?,
            );
            RecoveryKey::parse(&typed)
        }
    }
}

fn prompt_passphrase(prompt: &str) -> Result<Passphrase> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid("no passphrase: give --passphrase-file FILE or run in a terminal"));
    }
    let _ = std::io::stderr().flush();
    rpassword::prompt_password(format!("{prompt}: "))
        .map(Passphrase::new)
        .map_err(|_| Error::invalid("could not read the passphrase from the terminal"))
}

fn prompt_new_passphrase(prompt: &str) -> Result<Passphrase> {
    let first = prompt_passphrase(prompt)?;
    first.check_new()?;
    let again = prompt_passphrase("Type it again")?;
    if first.expose() != again.expose() {
        return Err(Error::invalid("the two passphrases differ"));
    }
    Ok(first)
}

fn read_json(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        return fsutil::read_bounded_from(
            std::io::stdin().lock().take(JSON_LIMIT + 1),
            JSON_LIMIT,
            "JSON input",
        );
    }
    fsutil::read_bounded(path, JSON_LIMIT, "JSON file")
}

#[cfg(test)]
mod tests {
    use super::in_cli_words;

    #[test]
    fn the_cores_field_names_become_flags_and_paths_stay_paths() {
        assert_eq!(
            in_cli_words("a decision not to share needs a reason of at least 10 characters (`reason`)"),
            "a decision not to share needs a reason of at least 10 characters (--reason)"
        );
        assert_eq!(
            in_cli_words("no consent: sharing without consent needs a lawful basis (`lawful_basis`) and a justification"),
            "no consent: sharing without consent needs a lawful basis (--lawful-basis) and a justification"
        );
        assert_eq!(in_cli_words("`number` is not a phone number"), "--number is not a phone number");
        assert_eq!(
            in_cli_words("ask for it with `request` (a manager approves it), or `emergency` to share now"),
            "ask for it with --request (a manager approves it), or --emergency to share now"
        );
        // A path into the person's JSON file, or a field named mid-sentence, is not a flag.
        assert_eq!(
            in_cli_words("`contacts[0].value` is not a phone number"),
            "`contacts[0].value` is not a phone number"
        );
        assert_eq!(in_cli_words("`channel` must be one of: `phone`"), "`channel` must be one of: `phone`");
        assert_eq!(in_cli_words("the `reason` of entry 3"), "the `reason` of entry 3");
        // A JSON file's own field (a MARAC referral's `reason`) is not the flag.
        assert_eq!(
            in_cli_words("`reason` is required: say why this person is being referred to MARAC"),
            "`reason` is required: say why this person is being referred to MARAC"
        );
    }
}
