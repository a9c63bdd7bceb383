//! The app's IPC contract, declared once: every command the UI may call, with its name, its
//! typed argument struct, its result type, the role it needs and whether it may run while
//! the app is locked ([`for_each_command!`]).
//!
//! Everything else is derived from the table:
//! - the argument structs ([`UnlockArgs`], …) with their TypeScript twins (feature `ts`);
//! - the shell's handler registration and its one gate for role and lock
//!   (`src-tauri/src/main.rs` calls `casekeep::for_each_command!` with its own macro);
//! - `src-tauri/commands.json`, the list of names `src-tauri/build.rs` turns into `allow-…`
//!   permissions (written by this module's tests, checked for drift by `make test`);
//! - the check that `src-tauri/capabilities/main.json` grants exactly those;
//! - `ui/src/commands.ts`, one typed function per command (written by the tests with
//!   feature `ts`), and the `ErrorCode` union of every code a refusal may carry.
//!
//! To add a command: one line in the table, its handler in the shell's `handlers` module,
//! then `cargo test -p casekeep --features ts --lib ipc::contract` regenerates the rest.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The role a command needs; a manager-only command is refused (`forbidden`) for anyone
/// else before its handler runs (the core checks again where it acts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Anyone,
    Manager,
}

/// Whether a command may run while the app is locked (no session); otherwise it is refused
/// with `locked` before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenLocked {
    Allowed,
    Refused,
}

/// One row of the table, as data.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub needs: Needs,
    pub when_locked: WhenLocked,
}

/// A secret the UI sends or receives (a passphrase, a recovery key, a code word): zeroised
/// when dropped and without `Debug`, so it never reaches a log by accident. A string on the
/// TypeScript side.
#[allow(missing_debug_implementations, reason = "a secret is never formatted")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Secret(#[cfg_attr(feature = "ts", ts(type = "string"))] Zeroizing<String>);

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(Zeroizing::new(s))
    }

    /// The secret's text, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret as a passphrase (moved, not copied).
    pub fn into_passphrase(mut self) -> crate::Passphrase {
        crate::Passphrase::new(std::mem::take(&mut *self.0))
    }
}

/// A file chosen in one of the shell's native dialogs: a one-use token to send back, and
/// the file's name to show (never its path).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Serialize)]
pub struct ChosenFile {
    pub token: String,
    pub name: String,
}

pub use crate::support::error::ErrorCode;

/// A command's arguments, decoded from the object the UI sent one argument at a time, as
/// Tauri decodes plain arguments (an absent key is `None` for an optional one and a refusal
/// otherwise). A failure names the argument's key, never the value.
pub trait CommandArgs: Sized {
    fn decode(payload: &serde_json::Value) -> Result<Self, &'static str>;
}

/// The arguments of a command that takes none (whatever is sent is ignored).
#[derive(Debug)]
pub struct NoArgs;

impl CommandArgs for NoArgs {
    fn decode(_: &serde_json::Value) -> Result<Self, &'static str> {
        Ok(NoArgs)
    }
}

/// Decodes one argument: `None` (absent key) decodes as serde's missing field does: `None`
/// for an `Option`, an error for anything else.
pub fn decode_arg<T: serde::de::DeserializeOwned>(
    value: Option<&serde_json::Value>,
    key: &'static str,
) -> Result<T, &'static str> {
    match value {
        Some(v) => T::deserialize(v).map_err(|_| key),
        None => T::deserialize(Missing).map_err(|_| key),
    }
}

/// A deserializer for an absent argument.
struct Missing;

impl<'de> serde::Deserializer<'de> for Missing {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("missing"))
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A JSON document the UI sends (a record, a change, a referral, settings, a draft's
/// body): read by the core's strict, size-bounded readers, not here. An object on the
/// TypeScript side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug)]
pub struct Document(#[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))] pub serde_json::Value);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(Document)
    }
}

/// The table. Each row: `name(ArgsStruct { key: Type, … }) -> Result, Needs, WhenLocked;`
/// (`NoArgs` for none; `field as "jsKey"` where the UI's key differs from the field's
/// name). Calls `$callback!` with the rows, so that each front end derives what it needs.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            app_status(NoArgs) -> $crate::ipc::AppStatus, Anyone, Allowed;
            create_vault(CreateVaultArgs { user: String, passphrase: $crate::ipc::contract::Secret })
                -> $crate::ipc::Created, Anyone, Allowed;
            open_demo(NoArgs) -> (), Anyone, Allowed;
            unlock(UnlockArgs { user: String, passphrase: $crate::ipc::contract::Secret, demo: bool })
                -> $crate::ipc::Unlocked, Anyone, Allowed;
            recover(RecoverArgs {
                user: String,
                recovery_key as "recoveryKey": $crate::ipc::contract::Secret,
                passphrase: $crate::ipc::contract::Secret,
            }) -> $crate::ipc::Unlocked, Anyone, Allowed;
            lock(NoArgs) -> (), Anyone, Allowed;
            touch(NoArgs) -> (), Anyone, Refused;
            set_idle_minutes(SetIdleMinutesArgs { minutes: u64 }) -> (), Anyone, Refused;
            save_draft(SaveDraftArgs {
                kind: String,
                client: Option<i64>,
                body: $crate::ipc::contract::Document,
            }) -> (), Anyone, Refused;
            list_drafts(NoArgs) -> $crate::casework::drafts::DraftOffer, Anyone, Refused;
            discard_draft(DiscardDraftArgs { kind: String, client: Option<i64> })
                -> bool, Anyone, Refused;
            list_clients(ListClientsArgs { search: Option<String>, names: bool })
                -> Vec<$crate::casework::clients::ClientSummary>, Anyone, Refused;
            show_client(ShowClientArgs { id: i64, names: bool })
                -> $crate::record::ClientView, Anyone, Refused;
            reveal_code_word(RevealCodeWordArgs { client: i64, contact: usize })
                -> $crate::ipc::contract::Secret, Anyone, Refused;
            copy_safe_number(CopySafeNumberArgs { client: i64, contact: usize, reason: Option<String> })
                -> (), Anyone, Refused;
            add_client(AddClientArgs { record: $crate::ipc::contract::Document }) -> i64, Anyone, Refused;
            update_client(UpdateClientArgs {
                id: i64,
                patch: $crate::ipc::contract::Document,
                lift_reason as "liftReason": Option<String>,
            }) -> Vec<String>, Anyone, Refused;
            confirm_safe_contact(ConfirmSafeContactArgs { client: i64, contact: usize })
                -> $crate::casework::contact_log::Confirmation, Anyone, Refused;
            log_contact_attempt(LogContactAttemptArgs {
                client: i64,
                contact: usize,
                outcome: String,
                note: Option<String>,
            }) -> i64, Anyone, Refused;
            contact_history(ContactHistoryArgs { client: i64, names: bool })
                -> Vec<$crate::casework::contact_log::ContactEvent>, Anyone, Refused;
            possible_duplicates(PossibleDuplicatesArgs { record: $crate::ipc::contract::Document })
                -> Vec<$crate::casework::contact_log::PossibleDuplicate>, Anyone, Refused;
            consent_report(ConsentReportArgs { client: i64 })
                -> $crate::casework::consent::ConsentReport, Anyone, Refused;
            record_consent(RecordConsentArgs { consent: $crate::ipc::ConsentArgs }) -> i64, Anyone, Refused;
            log_entries(LogEntriesArgs { client: Option<i64> }) -> Vec<$crate::log::Entry>, Anyone, Refused;
            verify_log(NoArgs) -> $crate::log::VerifyReport, Anyone, Refused;
            share_preview(SharePreviewArgs { share: $crate::ipc::ShareArgs })
                -> $crate::sharing::share::SharePreview, Anyone, Refused;
            share(ShareCommandArgs { share: $crate::ipc::ShareArgs })
                -> $crate::sharing::share::ShareReceipt, Anyone, Refused;
            request_share(RequestShareArgs { share: $crate::ipc::ShareArgs }) -> i64, Anyone, Refused;
            approve_request(ApproveRequestArgs { request: i64 }) -> i64, Manager, Refused;
            reject_request(RejectRequestArgs { request: i64, reason: String }) -> i64, Manager, Refused;
            finish_request(FinishRequestArgs { finish: $crate::ipc::FinishArgs })
                -> $crate::sharing::share::ShareReceipt, Anyone, Refused;
            decline(DeclineArgs { client: i64, recipient: String, purpose: String, reason: String })
                -> i64, Anyone, Refused;
            change_passphrase(ChangePassphraseArgs { passphrase: $crate::ipc::contract::Secret })
                -> (), Anyone, Refused;
            add_user(AddUserArgs {
                name: String,
                role: $crate::log::identity::Role,
                passphrase: $crate::ipc::contract::Secret,
            }) -> (), Manager, Refused;
            remove_user(RemoveUserArgs { name: String }) -> (), Manager, Refused;
            list_users(NoArgs) -> Vec<$crate::log::identity::User>, Anyone, Refused;
            risk_form(NoArgs) -> $crate::ipc::RiskForm, Anyone, Refused;
            record_marac(RecordMaracArgs { client: i64, referral: $crate::ipc::contract::Document })
                -> $crate::casework::marac::MaracOutcome, Anyone, Refused;
            work_queue(NoArgs) -> $crate::casework::queue::Queue, Anyone, Refused;
            today(NoArgs) -> $crate::casework::today::Today, Anyone, Refused;
            safe_now(SafeNowArgs { client: i64 }) -> Vec<Option<$crate::casework::today::Badge>>, Anyone, Refused;
            enquiry_script(NoArgs) -> String, Anyone, Refused;
            record_enquiry(RecordEnquiryArgs { enquiry: $crate::ipc::contract::Document })
                -> i64, Anyone, Refused;
            list_enquiries(ListEnquiriesArgs { client: Option<i64> })
                -> Vec<$crate::casework::enquiry::Enquiry>, Anyone, Refused;
            link_enquiry(LinkEnquiryArgs { enquiry: i64, client: i64 }) -> i64, Anyone, Refused;
            set_vault_settings(SetVaultSettingsArgs { patch: $crate::ipc::contract::Document })
                -> $crate::record::settings::Settings, Manager, Refused;
            decisions(DecisionsArgs { filter: $crate::sharing::decisions::DecisionFilter })
                -> Vec<$crate::sharing::decisions::DecisionRow>, Anyone, Refused;
            decision(DecisionArgs { id: i64 }) -> $crate::sharing::decisions::DecisionDetail, Anyone, Refused;
            agency_details(NoArgs) -> $crate::record::settings::AgencyDetails, Anyone, Refused;
            set_agency_details(SetAgencyDetailsArgs { details: $crate::record::settings::AgencyDetails })
                -> $crate::record::settings::AgencyDetails, Manager, Refused;
            replace_recovery_key(NoArgs) -> $crate::ipc::Created, Manager, Refused;
            case_status(CaseStatusArgs { client: i64 }) -> $crate::casework::retention::CaseStatus, Anyone, Refused;
            change_case(ChangeCaseArgs { client: i64, action: String, reason: Option<String> })
                -> $crate::casework::retention::CaseStatus, Anyone, Refused;
            purge(PurgeArgs { reason: String, dry_run as "dryRun": bool })
                -> $crate::casework::retention::PurgeReport, Manager, Refused;
            backup_vault(BackupVaultArgs { out: Option<String> })
                -> $crate::vault::backup::BackupReceipt, Anyone, Refused;
            restore_vault(RestoreVaultArgs {
                from: String,
                user: String,
                passphrase: $crate::ipc::contract::Secret,
            }) -> $crate::vault::backup::RestoreReport, Anyone, Allowed;
            choose_save_file(ChooseSaveFileArgs { name: String, ext: String })
                -> Option<$crate::ipc::contract::ChosenFile>, Anyone, Refused;
            choose_backup_file(NoArgs) -> Option<$crate::ipc::contract::ChosenFile>, Anyone, Allowed;
        }
    };
}

/// The key an argument has on the UI's side: the field's name unless the row says otherwise.
#[doc(hidden)]
#[macro_export]
macro_rules! __arg_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $key:literal) => {
        $key
    };
}

/// Declares the argument structs and the table as data ([`COMMANDS`]).
macro_rules! declare {
    ($( $name:ident ( $args:ident $({ $($field:ident $(as $key:literal)? : $fty:ty),* $(,)? })? )
        -> $res:ty, $needs:ident, $locked:ident; )*) => {
        $($(
            #[doc = concat!(" The arguments of `", stringify!($name), "`.")]
            #[allow(missing_debug_implementations, reason = "some hold a secret, never formatted")]
            #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields = nullable))]
            #[derive(Deserialize)]
            pub struct $args {
                $( $(#[serde(rename = $key)])? pub $field: $fty, )*
            }

            impl CommandArgs for $args {
                fn decode(payload: &serde_json::Value) -> Result<Self, &'static str> {
                    Ok($args {
                        $( $field: decode_arg(
                            payload.get($crate::__arg_key!($field $($key)?)),
                            $crate::__arg_key!($field $($key)?),
                        )?, )*
                    })
                }
            }
        )?)*

        /// Decodes `payload` as every command's arguments, as the shell would (for the fuzz
        /// target `ipc_args`); how many commands accepted it.
        pub fn decode_for_every_command(payload: &serde_json::Value) -> usize {
            let mut accepted = 0;
            $( accepted += usize::from(<$args as CommandArgs>::decode(payload).is_ok()); )*
            accepted
        }

        /// Every command, in the table's order.
        pub const COMMANDS: &[Command] = &[
            $( Command { name: stringify!($name), needs: Needs::$needs, when_locked: WhenLocked::$locked }, )*
        ];

        /// Per command (feature `ts`): its name, its arguments' and its result's TypeScript
        /// names and the types they use.
        #[cfg(all(feature = "ts", test))]
        fn ts_signatures(cfg: &ts_rs::Config) -> Vec<ts::Signature> {
            vec![
                $( ts::Signature::of::<$args, $res>(stringify!($name), cfg), )*
            ]
        }
    };
}

for_each_command!(declare);

/// The permissions the main window has besides one `allow-…` per command.
pub const OTHER_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:webview:allow-set-webview-zoom"];

/// A command's permission name, as `tauri-build` derives it from the command's name.
pub fn permission(name: &str) -> String {
    format!("allow-{}", name.replace('_', "-"))
}

/// The manifest `src-tauri/build.rs` reads: the names, one JSON string a line.
pub fn manifest() -> String {
    let names: Vec<String> = COMMANDS.iter().map(|c| format!("  \"{}\"", c.name)).collect();
    format!("[\n{}\n]\n", names.join(",\n"))
}

#[cfg(all(feature = "ts", test))]
mod ts {
    use ts_rs::{Dependency, TypeVisitor, TS};

    use super::NoArgs;

    /// A command's TypeScript signature.
    pub struct Signature {
        pub name: &'static str,
        pub args: Option<String>,
        pub result: String,
        /// The named types it uses (name, file under the bindings folder).
        pub uses: Vec<(String, std::path::PathBuf)>,
    }

    /// `NoArgs` has no TypeScript side: the generated function takes no argument.
    pub trait ArgsTs {
        fn ts_name(cfg: &ts_rs::Config) -> Option<String>;
        fn ts_uses(cfg: &ts_rs::Config) -> Vec<Dependency>;
    }

    impl ArgsTs for NoArgs {
        fn ts_name(_: &ts_rs::Config) -> Option<String> {
            None
        }
        fn ts_uses(_: &ts_rs::Config) -> Vec<Dependency> {
            Vec::new()
        }
    }

    impl<T: TS + 'static> ArgsTs for T {
        fn ts_name(cfg: &ts_rs::Config) -> Option<String> {
            Some(T::name(cfg))
        }
        fn ts_uses(cfg: &ts_rs::Config) -> Vec<Dependency> {
            Dependency::from_ty::<T>(cfg).into_iter().collect()
        }
    }

    /// Collects every exported type a type names, its generic arguments included.
    struct Named<'a>(&'a ts_rs::Config, Vec<Dependency>);

    impl ts_rs::TypeVisitor for Named<'_> {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            self.1.extend(Dependency::from_ty::<T>(self.0));
            T::visit_generics(self);
        }
    }

    impl Signature {
        pub fn of<A: ArgsTs, R: TS + 'static>(name: &'static str, cfg: &ts_rs::Config) -> Signature {
            let mut uses = A::ts_uses(cfg);
            let mut named = Named(cfg, Vec::new());
            named.visit::<R>();
            R::visit_dependencies(&mut named);
            uses.extend(named.1);
            let uses = uses.into_iter().map(|d| (d.ts_name, d.output_path)).collect();
            Signature { name, args: A::ts_name(cfg), result: R::name(cfg), uses }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Writes a generated file (the tests keep it up to date; `make test` fails when the
    /// committed copy differs, as for ui/src/bindings).
    #[allow(clippy::disallowed_methods, reason = "a generated source file of the repository, not vault data")]
    fn regenerate(relative: &str, text: &str) {
        let path = root().join(relative);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).unwrap_or_else(|e| unreachable!("write {relative}: {e}"));
        }
    }

    #[test]
    fn the_names_are_unique_and_the_manifest_lists_them() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "a command is declared twice");
        regenerate("src-tauri/commands.json", &manifest());
        let written: Vec<String> = serde_json::from_str(&manifest()).unwrap_or_default();
        assert_eq!(written.len(), COMMANDS.len());
        assert!(written.iter().zip(COMMANDS).all(|(w, c)| w == c.name));
    }

    #[test]
    fn the_capability_grants_exactly_the_commands_and_the_listed_others() {
        let text = std::fs::read_to_string(root().join("src-tauri/capabilities/main.json"))
            .unwrap_or_else(|e| unreachable!("read the capability: {e}"));
        let cap: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{e}"));
        let mut granted: Vec<String> = cap["permissions"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let mut wanted: Vec<String> = COMMANDS.iter().map(|c| permission(c.name)).collect();
        wanted.extend(OTHER_PERMISSIONS.iter().map(|p| (*p).to_string()));
        granted.sort();
        wanted.sort();
        assert_eq!(granted, wanted, "src-tauri/capabilities/main.json and the command table differ");
        assert_eq!(permission("set_idle_minutes"), "allow-set-idle-minutes");
    }

    #[test]
    fn the_policy_matches_what_the_core_and_the_shell_enforce() {
        let of = |needs: Needs| {
            let mut n: Vec<&str> = COMMANDS.iter().filter(|c| c.needs == needs).map(|c| c.name).collect();
            n.sort_unstable();
            n
        };
        assert_eq!(
            of(Needs::Manager),
            [
                "add_user",
                "approve_request",
                "purge",
                "reject_request",
                "remove_user",
                "replace_recovery_key",
                "set_agency_details",
                "set_vault_settings"
            ]
        );
        let locked: Vec<&str> =
            COMMANDS.iter().filter(|c| c.when_locked == WhenLocked::Allowed).map(|c| c.name).collect();
        assert_eq!(
            locked,
            [
                "app_status",
                "create_vault",
                "open_demo",
                "unlock",
                "recover",
                "lock",
                "restore_vault",
                "choose_backup_file"
            ]
        );
        assert!(COMMANDS
            .iter()
            .all(|c| !(c.needs == Needs::Manager && c.when_locked == WhenLocked::Allowed)));
    }

    #[test]
    fn error_codes_cross_the_boundary_as_their_words() {
        // Every core error's code is an ErrorCode by type (`Error::error_code`); what the UI
        // receives is its word, which reads back as the same code.
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
            assert_eq!(c.as_str().parse::<ErrorCode>().ok(), Some(*c));
        }
        let refusal = crate::ipc::CmdError::from(crate::Error::invalid("x"));
        assert_eq!(refusal.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn arguments_decode_by_key_and_a_refusal_names_the_key_only() {
        let ok = RecoverArgs::decode(
            &serde_json::json!({"user": "sam", "recoveryKey": "ABCD-EFGH", "passphrase": "a long passphrase"}),
        );
        assert!(ok.as_ref().is_ok_and(|a| a.user == "sam" && a.recovery_key.expose() == "ABCD-EFGH"));
        // The field's Rust name is not the key the UI sends.
        let wrong =
            RecoverArgs::decode(&serde_json::json!({"user": "sam", "recovery_key": "x", "passphrase": "p"}));
        assert_eq!(wrong.err(), Some("recoveryKey"));
        // An absent optional argument is None; an absent required one is refused by name.
        let drafts = DiscardDraftArgs::decode(&serde_json::json!({"kind": "consent"}));
        assert!(drafts.is_ok_and(|d| d.client.is_none() && d.kind == "consent"));
        assert_eq!(
            UnlockArgs::decode(&serde_json::json!({"user": "sam", "passphrase": "p"})).err(),
            Some("demo")
        );
        // A wrong kind of value: the key, never the value.
        assert_eq!(
            ShowClientArgs::decode(&serde_json::json!({"id": "07700 900123", "names": true})).err(),
            Some("id")
        );
        // A JSON document must be there, even if null is sent for it.
        assert_eq!(AddClientArgs::decode(&serde_json::json!({})).err(), Some("record"));
        assert!(NoArgs::decode(&serde_json::json!({"anything": 1})).is_ok());
        // An unknown key alone: the 14 commands without arguments and the 3 whose every
        // argument is optional (log_entries, list_enquiries, backup_vault).
        assert_eq!(decode_for_every_command(&serde_json::json!({"x": 1})), 17);
        // With an id and names: also show_client, decision and list_clients (its search is
        // optional), and nothing that needs more.
        assert_eq!(decode_for_every_command(&serde_json::json!({"id": 3, "names": true})), 20);
    }

    #[cfg(feature = "ts")]
    #[test]
    fn the_typed_commands_for_the_ui_are_generated() {
        let cfg = ts_rs::Config::from_env();
        let mut imports = std::collections::BTreeMap::new();
        let mut functions = String::new();
        for sig in ts_signatures(&cfg) {
            let text = format!("{} {}", sig.args.as_deref().unwrap_or(""), sig.result);
            let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric() && c != '_').collect();
            for (name, path) in sig.uses.iter().filter(|(n, _)| words.contains(&n.as_str())) {
                let path = path.to_string_lossy().trim_end_matches(".ts").to_string();
                imports.insert(name.clone(), format!("./bindings/{path}"));
            }
            let command = COMMANDS.iter().find(|c| c.name == sig.name);
            let manager = command.is_some_and(|c| c.needs == Needs::Manager);
            let locked = command.is_some_and(|c| c.when_locked == WhenLocked::Allowed);
            let note = match (manager, locked) {
                (true, _) => " A manager's command.",
                (false, true) => " May run while locked.",
                (false, false) => "",
            };
            let (params, pass) = match &sig.args {
                Some(a) => (format!("args: {a}"), ", args"),
                None => (String::new(), ""),
            };
            functions.push_str(&format!(
                "\n/** `{name}`.{note} */\nexport function {name}({params}): Promise<{result}> {{\n  return call(\"{name}\"{pass});\n}}\n",
                name = sig.name,
                result = sig.result,
            ));
        }
        let mut out = String::from(
            "// Generated from the core's IPC contract (src/ipc/contract.rs) by\n\
             // `cargo test -p casekeep --features ts --lib`. Do not edit this file manually.\n\
             import { call } from \"./api\";\n",
        );
        for (name, path) in &imports {
            out.push_str(&format!("import type {{ {name} }} from \"{path}\";\n"));
        }
        out.push_str(&functions);
        regenerate("ui/src/commands.ts", &out);
        assert!(out.contains("export function unlock(args: UnlockArgs): Promise<Unlocked>"), "{out}");
        assert!(out.contains("export function app_status(): Promise<AppStatus>"));
        assert_eq!(out.matches("  return call(\"").count(), COMMANDS.len());
        // No command answers untyped JSON: every result is a generated type.
        assert!(!out.contains("JsonValue") && !out.contains(": unknown"), "{out}");
    }
}
