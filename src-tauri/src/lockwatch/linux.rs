//! Linux: D-Bus signals, over zbus's blocking API, one thread per bus.
//!
//! - System bus (logind): `org.freedesktop.login1.Manager.PrepareForSleep(true)` (about to
//!   suspend or hibernate), `org.freedesktop.login1.Session.Lock` (`loginctl lock-session`,
//!   the desktop's lock shortcut on most desktops) and `PropertiesChanged` on
//!   `org.freedesktop.login1.Session` with `Active` false (the session was switched away).
//! - Session bus: `org.freedesktop.ScreenSaver.ActiveChanged(true)` (KDE, Xfce and others) and
//!   `org.gnome.ScreenSaver.ActiveChanged(true)` (GNOME).
//!
//! On the system bus Casekeep also holds a logind "delay" inhibitor for sleep (released as
//! soon as it has locked on `PrepareForSleep(true)`, taken again on `PrepareForSleep(false)`),
//! so that the key is dropped before the laptop sleeps rather than on waking. logind waits
//! for it at most `InhibitDelayMaxSec` (5 s by default). No logind: no inhibitor, and the lock
//! comes as soon as the process runs again.
//!
//! Signals are matched by interface and member, from any sender and for any session path:
//! anyone on the bus can send them, and all a forged one can do is lock Casekeep, which is
//! the safe direction (docs/SECURITY.md). Nothing here ever unlocks.
//!
//! The buses are found the usual way (`DBUS_SYSTEM_BUS_ADDRESS`, `DBUS_SESSION_BUS_ADDRESS`,
//! else the standard places); the e2e run points both at private buses. Without a bus the
//! watcher says so once on stderr and stops; the idle timer goes on locking.

use std::collections::HashMap;

use zbus::blocking::fdo::DBusProxy;
use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type;
use zbus::zvariant::{OwnedFd, OwnedValue, Value};
use zbus::{MatchRule, Message};

use super::{lock_now, LockCause};

const LOGIN_MANAGER: &str = "org.freedesktop.login1.Manager";
const LOGIN_SESSION: &str = "org.freedesktop.login1.Session";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
const SCREEN_SAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];

#[derive(Clone, Copy, Debug)]
enum Bus {
    System,
    Session,
}

/// A signal watched for: interface, member, and the first argument it must carry (for
/// `PropertiesChanged`, the interface whose properties changed).
type Watched = (&'static str, &'static str, Option<&'static str>);

impl Bus {
    fn name(self) -> &'static str {
        match self {
            Bus::System => "system",
            Bus::Session => "session",
        }
    }

    fn signals(self) -> &'static [Watched] {
        match self {
            Bus::System => &[
                (LOGIN_MANAGER, "PrepareForSleep", None),
                (LOGIN_SESSION, "Lock", None),
                (PROPERTIES, "PropertiesChanged", Some(LOGIN_SESSION)),
            ],
            Bus::Session => {
                &[(SCREEN_SAVERS[0], "ActiveChanged", None), (SCREEN_SAVERS[1], "ActiveChanged", None)]
            }
        }
    }

    /// What stops working without this bus (said once, on stderr).
    fn without(self) -> &'static str {
        match self {
            Bus::System => {
                "Casekeep will not lock when the laptop goes to sleep or the session is locked or switched"
            }
            Bus::Session => "Casekeep will not lock when the screen saver locks the screen",
        }
    }
}

/// Starts one watcher thread per bus. Never fails: a bus that cannot be reached is reported
/// and left alone.
pub fn start(app: &tauri::AppHandle) {
    for bus in [Bus::System, Bus::Session] {
        let app = app.clone();
        let spawned =
            std::thread::Builder::new().name(format!("lockwatch-{}", bus.name())).spawn(move || {
                let how = match watch(&app, bus) {
                    Ok(()) => "closed".to_string(),
                    Err(e) => format!("cannot be used ({e})"),
                };
                eprintln!(
                    "casekeep-app: the {} D-Bus {how}: {}; the idle lock still works and counts time asleep.",
                    bus.name(),
                    bus.without()
                );
            });
        if spawned.is_err() {
            eprintln!("casekeep-app: could not start the {} D-Bus watcher: {}.", bus.name(), bus.without());
        }
    }
}

/// Connects and locks on each watched signal that calls for it, until the bus goes away.
fn watch(app: &tauri::AppHandle, bus: Bus) -> zbus::Result<()> {
    let conn = match bus {
        Bus::System => Connection::system()?,
        Bus::Session => Connection::session()?,
    };
    listen(&conn, bus, |cause| lock_now(app, cause))
}

/// Asks the bus for the watched signals and calls `lock` with the cause of each one that
/// calls for a lock, until the bus goes away.
fn listen(conn: &Connection, bus: Bus, mut lock: impl FnMut(LockCause)) -> zbus::Result<()> {
    // Listening starts before the match rules are added, so no signal slips between them.
    let messages = MessageIterator::from(conn);
    let dbus = DBusProxy::new(conn)?;
    for (interface, member, arg0) in bus.signals() {
        let mut rule = MatchRule::builder().msg_type(Type::Signal).interface(*interface)?.member(*member)?;
        if let Some(arg0) = arg0 {
            rule = rule.arg(0, *arg0)?;
        }
        dbus.add_match_rule(rule.build())?;
    }
    let mut inhibitor = match bus {
        Bus::System => delay_sleep(conn),
        Bus::Session => None,
    };
    for message in messages {
        // A message that cannot be read is skipped: it cannot be one of ours.
        let Ok(message) = message else { continue };
        if let Some(cause) = cause_of(&message) {
            lock(cause);
            if cause == LockCause::Sleep {
                // Locked: closing the descriptor lets logind go on with the sleep.
                inhibitor = None;
            }
        } else if matches!(bus, Bus::System) && is_wake(&message) && inhibitor.is_none() {
            inhibitor = delay_sleep(conn);
        }
    }
    Ok(())
}

/// A logind delay inhibitor for sleep: logind waits (up to `InhibitDelayMaxSec`) until the
/// descriptor is closed. `None` without logind (a private bus, a machine without systemd):
/// the lock then happens when the process runs again after waking.
fn delay_sleep(conn: &Connection) -> Option<OwnedFd> {
    let reply = conn
        .call_method(
            Some("org.freedesktop.login1"),
            "/org/freedesktop/login1",
            Some(LOGIN_MANAGER),
            "Inhibit",
            &("sleep", "Casekeep", "Casekeep locks before the laptop sleeps", "delay"),
        )
        .ok()?;
    reply.body().deserialize::<OwnedFd>().ok()
}

/// `PrepareForSleep(false)`: the laptop woke up (time to take the inhibitor again).
fn is_wake(message: &Message) -> bool {
    let header = message.header();
    header.message_type() == Type::Signal
        && header.interface().map(|i| i.as_str()) == Some(LOGIN_MANAGER)
        && header.member().map(|m| m.as_str()) == Some("PrepareForSleep")
        && message.body().deserialize::<bool>().ok() == Some(false)
}

/// Whether a message calls for a lock, and why. Only signals count; only `true` for the
/// sleep and screen-saver signals (`false` is the wake-up or the screen saver ending, which
/// must not unlock and does not need to lock).
fn cause_of(message: &Message) -> Option<LockCause> {
    let header = message.header();
    if header.message_type() != Type::Signal {
        return None;
    }
    let interface = header.interface()?.as_str();
    let member = header.member()?.as_str();
    let when_true = |cause| message.body().deserialize::<bool>().ok().filter(|on| *on).map(|_| cause);
    match (interface, member) {
        (LOGIN_MANAGER, "PrepareForSleep") => when_true(LockCause::Sleep),
        (LOGIN_SESSION, "Lock") => Some(LockCause::ScreenLocked),
        (i, "ActiveChanged") if SCREEN_SAVERS.contains(&i) => when_true(LockCause::ScreenLocked),
        (PROPERTIES, "PropertiesChanged") => {
            let (changed_on, changed, _invalidated): (String, HashMap<String, OwnedValue>, Vec<String>) =
                message.body().deserialize().ok()?;
            match changed.get("Active").map(|v| &**v) {
                Some(Value::Bool(false)) if changed_on == LOGIN_SESSION => Some(LockCause::SessionSwitched),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn signal<B>(interface: &str, member: &str, body: &B) -> zbus::Result<Message>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        Message::signal("/org/freedesktop/login1/session/_31", interface, member)?.build(body)
    }

    fn properties(interface: &str, active: bool) -> zbus::Result<Message> {
        let mut changed: HashMap<&str, Value<'_>> = HashMap::new();
        changed.insert("Active", Value::Bool(active));
        changed.insert("IdleHint", Value::Bool(false));
        signal(PROPERTIES, "PropertiesChanged", &(interface, changed, Vec::<String>::new()))
    }

    #[test]
    fn sleep_and_screen_saver_lock_on_true_only() -> R {
        assert_eq!(cause_of(&signal(LOGIN_MANAGER, "PrepareForSleep", &true)?), Some(LockCause::Sleep));
        assert_eq!(cause_of(&signal(LOGIN_MANAGER, "PrepareForSleep", &false)?), None);
        for saver in SCREEN_SAVERS {
            assert_eq!(cause_of(&signal(saver, "ActiveChanged", &true)?), Some(LockCause::ScreenLocked));
            assert_eq!(cause_of(&signal(saver, "ActiveChanged", &false)?), None);
        }
        Ok(())
    }

    #[test]
    fn only_prepare_for_sleep_false_is_a_wake() -> R {
        assert!(is_wake(&signal(LOGIN_MANAGER, "PrepareForSleep", &false)?));
        assert!(!is_wake(&signal(LOGIN_MANAGER, "PrepareForSleep", &true)?));
        assert!(!is_wake(&signal(SCREEN_SAVERS[0], "ActiveChanged", &false)?));
        assert!(!is_wake(&signal(LOGIN_MANAGER, "PrepareForSleep", &())?));
        Ok(())
    }

    #[test]
    fn session_lock_and_switch_away_lock() -> R {
        assert_eq!(cause_of(&signal(LOGIN_SESSION, "Lock", &())?), Some(LockCause::ScreenLocked));
        assert_eq!(cause_of(&signal(LOGIN_SESSION, "Unlock", &())?), None);
        assert_eq!(cause_of(&properties(LOGIN_SESSION, false)?), Some(LockCause::SessionSwitched));
        assert_eq!(cause_of(&properties(LOGIN_SESSION, true)?), None);
        assert_eq!(cause_of(&properties("org.freedesktop.login1.Seat", false)?), None);
        Ok(())
    }

    #[test]
    fn wrong_shapes_and_other_signals_do_not_lock() -> R {
        // A body of the wrong type, the right member on another interface, a method call.
        assert_eq!(cause_of(&signal(LOGIN_MANAGER, "PrepareForSleep", &"true")?), None);
        assert_eq!(cause_of(&signal(LOGIN_MANAGER, "PrepareForSleep", &())?), None);
        assert_eq!(cause_of(&signal("org.example.Other", "ActiveChanged", &true)?), None);
        assert_eq!(cause_of(&signal(PROPERTIES, "PropertiesChanged", &true)?), None);
        let call = Message::method_call("/org/freedesktop/login1", "PrepareForSleep")?
            .interface(LOGIN_MANAGER)?
            .build(&true)?;
        assert_eq!(cause_of(&call), None);
        Ok(())
    }

    /// A private bus (`dbus-daemon`, as the e2e run uses), killed when dropped.
    struct PrivateBus {
        daemon: std::process::Child,
        address: String,
    }

    impl PrivateBus {
        fn start() -> Result<PrivateBus, Box<dyn std::error::Error>> {
            use std::io::BufRead;
            let mut daemon = std::process::Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()?;
            let mut address = String::new();
            if let Some(out) = daemon.stdout.take() {
                std::io::BufReader::new(out).read_line(&mut address)?;
            }
            let address = address.trim().to_string();
            if address.is_empty() {
                let _ = daemon.kill();
                return Err("dbus-daemon printed no address".into());
            }
            Ok(PrivateBus { daemon, address })
        }

        fn send(&self, path: &str, member: &str, args: &[&str]) -> Result<(), Box<dyn std::error::Error>> {
            let status = std::process::Command::new("dbus-send")
                .arg(format!("--bus={}", self.address))
                .args(["--type=signal", path, member])
                .args(args)
                .status()?;
            if !status.success() {
                return Err(format!("dbus-send {member} failed").into());
            }
            Ok(())
        }
    }

    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    /// The whole path on a real bus: the match rules reach the daemon, a signal sent by
    /// another process (`dbus-send`, as logind's or a screen saver's would be) arrives and
    /// is read. Needs dbus-daemon and dbus-send (scripts/setup.sh installs them).
    #[test]
    fn signals_sent_on_a_private_bus_lock() -> R {
        use std::sync::mpsc;
        use std::time::Duration;
        for (bus, sends) in [
            (
                Bus::System,
                vec![
                    (
                        "/org/freedesktop/login1",
                        "org.freedesktop.login1.Manager.PrepareForSleep",
                        "boolean:false",
                        None,
                    ),
                    (
                        "/org/freedesktop/login1",
                        "org.freedesktop.login1.Manager.PrepareForSleep",
                        "boolean:true",
                        Some(LockCause::Sleep),
                    ),
                    (
                        "/org/freedesktop/login1/session/_31",
                        "org.freedesktop.login1.Session.Lock",
                        "",
                        Some(LockCause::ScreenLocked),
                    ),
                ],
            ),
            (
                Bus::Session,
                vec![
                    (
                        "/org/freedesktop/ScreenSaver",
                        "org.freedesktop.ScreenSaver.ActiveChanged",
                        "boolean:false",
                        None,
                    ),
                    (
                        "/org/freedesktop/ScreenSaver",
                        "org.freedesktop.ScreenSaver.ActiveChanged",
                        "boolean:true",
                        Some(LockCause::ScreenLocked),
                    ),
                    (
                        "/org/gnome/ScreenSaver",
                        "org.gnome.ScreenSaver.ActiveChanged",
                        "boolean:true",
                        Some(LockCause::ScreenLocked),
                    ),
                    // Watched on the system bus only.
                    (
                        "/org/freedesktop/login1",
                        "org.freedesktop.login1.Manager.PrepareForSleep",
                        "boolean:true",
                        None,
                    ),
                ],
            ),
        ] {
            let private = PrivateBus::start()?;
            let conn = zbus::blocking::connection::Builder::address(private.address.as_str())?.build()?;
            let (tx, rx) = mpsc::channel();
            let listener = std::thread::spawn(move || {
                listen(&conn, bus, |cause| {
                    let _ = tx.send(cause);
                })
            });
            // The rules are in place once the listener has asked for them: until the first
            // lock comes back, send the bus's first locking signal again.
            let (path, member, arg, cause) =
                sends.iter().find(|s| s.3.is_some()).ok_or("no locking signal")?;
            let mut ready = false;
            for _ in 0..50 {
                private.send(path, member, &[arg])?;
                if rx.recv_timeout(Duration::from_millis(200)) == Ok(cause.ok_or("no cause")?) {
                    ready = true;
                    break;
                }
            }
            assert!(ready, "{bus:?}: no signal arrived");
            std::thread::sleep(Duration::from_millis(300));
            let _ = rx.try_iter().count();
            // Each signal once, in order: each locking one is the next lock to arrive (so no
            // signal before it locked), and nothing comes after the last.
            for (path, member, arg, expected) in &sends {
                let args: Vec<&str> = if arg.is_empty() { vec![] } else { vec![*arg] };
                private.send(path, member, &args)?;
                if let Some(cause) = expected {
                    assert_eq!(
                        rx.recv_timeout(Duration::from_secs(5)).ok(),
                        Some(*cause),
                        "{bus:?}: {member} {arg}"
                    );
                }
            }
            // The session switch: logind's PropertiesChanged carries a dictionary of variants,
            // which dbus-send cannot write; another client sends it instead.
            let sender = zbus::blocking::connection::Builder::address(private.address.as_str())?.build()?;
            for (on, active, expected) in [
                (LOGIN_SESSION, true, None),
                ("org.freedesktop.login1.Seat", false, None),
                (LOGIN_SESSION, false, Some(LockCause::SessionSwitched)),
            ] {
                let changed: HashMap<&str, Value<'_>> = HashMap::from([("Active", Value::Bool(active))]);
                sender.emit_signal(
                    None::<&str>,
                    "/org/freedesktop/login1/session/_31",
                    PROPERTIES,
                    "PropertiesChanged",
                    &(on, changed, Vec::<&str>::new()),
                )?;
                let want = if matches!(bus, Bus::System) { expected } else { None };
                if let Some(cause) = want {
                    assert_eq!(
                        rx.recv_timeout(Duration::from_secs(5)).ok(),
                        Some(cause),
                        "{bus:?}: {on} Active {active}"
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(300));
            assert_eq!(rx.try_iter().collect::<Vec<_>>(), vec![], "{bus:?}: a signal that must not lock did");
            drop(private);
            let _ = listener.join();
        }
        Ok(())
    }

    #[test]
    fn every_watched_signal_is_one_cause_of_knows() {
        for bus in [Bus::System, Bus::Session] {
            for (interface, member, _) in bus.signals() {
                assert!(
                    matches!(
                        (*interface, *member),
                        (LOGIN_MANAGER, "PrepareForSleep")
                            | (LOGIN_SESSION, "Lock")
                            | (PROPERTIES, "PropertiesChanged")
                    ) || (SCREEN_SAVERS.contains(interface) && *member == "ActiveChanged"),
                    "{interface}.{member}"
                );
            }
        }
    }
}
