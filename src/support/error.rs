//! Typed errors with stable codes.
//!
//! Every message is written by us and names no record value: never a name, a number, an
//! address, a passphrase, nor a piece of the input that was refused. The UI and the CLI
//! show `message`; programs match on `code`.

use std::io;

/// The message of a database that does not open with its key (`db::is_wrong_key` tells it
/// apart from other refusals).
pub(crate) const WRONG_KEY: &str = "the database file is damaged or does not match its key";

word_enum!(
    /// Every code a refused command may carry: the core's ([`Error::error_code`]), then the
    /// shell's own (`locked`: the command needs an unlocked session; `clipboard`: the
    /// clipboard could not be used) and the UI's (`internal`: anything that is not a refusal,
    /// a bug; nothing was half-saved). A closed list like every other (`word_enum!`); its
    /// TypeScript twin is the UI's `ErrorCode` union.
    ErrorCode, "an error code" {
        UnlockFailed => "unlock_failed",
        NoVault => "no_vault",
        VaultExists => "vault_exists",
        VaultTooNew => "vault_too_new",
        InvalidInput => "invalid_input",
        Forbidden => "forbidden",
        NotFound => "not_found",
        Integrity => "integrity",
        Storage => "storage",
        Io => "io",
        Crypto => "crypto",
        AcknowledgementRequired => "acknowledgement_required",
        Locked => "locked",
        Clipboard => "clipboard",
        Internal => "internal",
    }
);

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Deliberately uniform: never says whether the user or the passphrase was wrong.
    #[error("unlock refused: the user name or passphrase is not right")]
    UnlockFailed,
    #[error("no Casekeep vault in this directory")]
    NoVault,
    #[error("a vault or other files already exist in this directory; choose an empty or new directory")]
    VaultExists,
    #[error("this vault was written by a newer version of Casekeep ({what} version {found}; this build reads up to {supported}); update Casekeep to open it")]
    TooNew { what: &'static str, found: u64, supported: u64 },
    #[error("{0}")]
    Invalid(String),
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("the vault's database refused the operation: {0}")]
    Storage(String),
    #[error("could not {context}: {source}")]
    Io {
        context: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("cryptographic failure: {0}")]
    Crypto(&'static str),
    /// The safe-contact gate: the situations that need an acknowledgement with a reason.
    #[error("{}", crate::support::caution::refusal_text(.0))]
    AcknowledgementRequired(Vec<crate::support::caution::Caution>),
}

impl Error {
    /// A stable machine-readable code (the UI maps codes to sentences).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code, as a word of [`ErrorCode`].
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::UnlockFailed => ErrorCode::UnlockFailed,
            Error::NoVault => ErrorCode::NoVault,
            Error::VaultExists => ErrorCode::VaultExists,
            Error::TooNew { .. } => ErrorCode::VaultTooNew,
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Integrity(_) => ErrorCode::Integrity,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Io { .. } => ErrorCode::Io,
            Error::Crypto(_) => ErrorCode::Crypto,
            Error::AcknowledgementRequired(_) => ErrorCode::AcknowledgementRequired,
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn io(context: &'static str) -> impl FnOnce(io::Error) -> Error {
        move |source| Error::Io { context, source }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // SQLite's own messages name tables, columns and constraints, never bound values;
        // rusqlite's conversion errors name column indexes. Neither carries SQL text.
        match e {
            rusqlite::Error::SqliteFailure(code, msg) => {
                if code.code == rusqlite::ErrorCode::NotADatabase {
                    return Error::Integrity(WRONG_KEY.into());
                }
                if code.code == rusqlite::ErrorCode::DatabaseCorrupt {
                    return Error::Integrity("the database file is damaged".into());
                }
                Error::Storage(msg.unwrap_or_else(|| code.to_string()))
            }
            rusqlite::Error::QueryReturnedNoRows => Error::Storage("an expected row is missing".into()),
            other => Error::Storage(kind_of(&other).to_string()),
        }
    }
}

fn kind_of(e: &rusqlite::Error) -> &'static str {
    match e {
        rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..) => {
            "a stored value has an unexpected type"
        }
        rusqlite::Error::IntegralValueOutOfRange(..) => "a stored number is out of range",
        rusqlite::Error::Utf8Error(..) => "a stored text is not valid UTF-8",
        _ => "unexpected database error",
    }
}
