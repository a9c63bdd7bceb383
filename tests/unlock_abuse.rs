//! Unlock abuse: 1,000 wrong passphrases are each refused, the enforced delay grows to its
//! ceiling, and nothing — error, message, audit trail or time spent — tells an unknown user
//! from a wrong passphrase; attempts made in parallel are each counted, and one user's
//! unlock does not reset another's delay.
//!
//! The delay is observed with `Vault::set_delay_fn` (recorded, not slept: 1,000 attempts
//! would otherwise wait over eight hours). The 1,000 attempts run the real code path with a
//! 1 MiB Argon2 (`crypto::test_hooks::accept_small_kdf_memory`, this process only), so they
//! cost seconds, not minutes; the timing comparison runs separately at the real 64 MiB.
//! `CASEKEEP_UNLOCK_ATTEMPTS` changes the count (default 1,000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::cell::RefCell;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use casekeep::vault::attempts::{delay_for, AttemptLog, Attempts};
use casekeep::{Error, Passphrase, Vault};
use common::*;

/// The KDF test hooks are process-wide: the two tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

thread_local! {
    static DELAYS: RefCell<Vec<Duration>> = const { RefCell::new(Vec::new()) };
}

fn record_delay(d: Duration) {
    DELAYS.with(|v| v.borrow_mut().push(d));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    /// A real user (cara), wrong passphrase.
    KnownUser,
    /// Another real user (mo), wrong passphrase.
    OtherKnownUser,
    /// A well-formed name nobody has.
    UnknownUser,
    /// Something that is not a user name at all (say, a passphrase typed in the name field).
    NotAName,
}

const ALL: [Who; 4] = [Who::KnownUser, Who::OtherKnownUser, Who::UnknownUser, Who::NotAName];

fn attempt_for(who: Who, i: u64) -> (String, String) {
    let pass = format!("wrong guess number {i}");
    match who {
        Who::KnownUser => ("cara".into(), pass),
        Who::OtherKnownUser => ("mo".into(), pass),
        Who::UnknownUser => (format!("ghost{}", i % 7), pass),
        Who::NotAName => (format!("Correct Horse {i}!"), pass),
    }
}

fn attempts_file(dir: &std::path::Path) -> (Attempts, String) {
    let raw = std::fs::read_to_string(dir.join("attempts.json")).unwrap();
    (serde_json::from_str(&raw).unwrap(), raw)
}

fn tag_log(dir: &std::path::Path) -> AttemptLog {
    attempt_log_of(dir)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// A vault (mo and cara) whose slots use a 1 MiB Argon2 (this process only), opened with
/// its delays recorded instead of slept. The caller holds `SERIAL`.
fn small_kdf_vault() -> (Scratch, Vault) {
    casekeep::support::crypto::test_hooks::accept_small_kdf_memory(1024);
    let s = Scratch::new();
    fast_vault(&s.vault());
    let mut vault = Vault::open(&s.vault()).unwrap();
    vault.set_delay_fn(record_delay);
    (s, vault)
}

#[test]
fn a_thousand_wrong_passphrases_are_refused_alike_and_slowed_down() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (s, vault) = small_kdf_vault();
    let dir = s.vault();
    let n = env_u64("CASEKEEP_UNLOCK_ATTEMPTS", 1000);
    let started = Instant::now();
    let expected_message = Error::UnlockFailed.to_string();
    let mut times: std::collections::BTreeMap<Who, Vec<Duration>> = Default::default();

    for i in 0..n {
        let who = ALL[(i % 4) as usize];
        let (user, pass) = attempt_for(who, i);
        let t = Instant::now();
        let err = match vault.unlock(&user, &Passphrase::new(pass)) {
            Ok(_) => panic!("attempt {i} ({who:?}) unlocked the vault"),
            Err(e) => e,
        };
        times.entry(who).or_default().push(t.elapsed());
        // Same code, same sentence, whoever was tried.
        assert_eq!(err.code(), "unlock_failed", "attempt {i} ({who:?}): {err}");
        assert_eq!(err.to_string(), expected_message, "attempt {i} ({who:?})");
    }

    // The delay before attempt k is delay_for(k): none, then 0.25 s doubling to 30 s.
    let delays = DELAYS.with(|v| v.borrow().clone());
    assert_eq!(delays.len() as u64, n);
    for (k, d) in delays.iter().enumerate() {
        assert_eq!(*d, delay_for(k as u32), "delay before attempt {k}");
    }
    assert!(delays.windows(2).all(|w| w[1] >= w[0]), "the delay shrank");
    let grows_until = delays.iter().position(|d| *d == Duration::from_secs(30)).unwrap();
    assert!(delays[..=grows_until].windows(2).skip(1).all(|w| w[1] > w[0]), "the delay did not grow");
    let total: Duration = delays.iter().sum();

    // Accounting: every attempt counted once, under a tag; nothing typed is written down.
    let (file, raw) = attempts_file(&dir);
    assert_eq!(u64::from(file.failures_since_success), n);
    let tags = tag_log(&dir);
    let count = |name: &str| {
        let tag = tags.tag(name);
        file.per_user.iter().find(|t| t.tag == tag).map(|t| u64::from(t.count)).unwrap_or(0)
    };
    assert_eq!(count("cara"), n.div_ceil(4));
    assert_eq!(count("mo"), (n + 2) / 4);
    // Names that are nobody's (a ghost, a passphrase typed as a name) share one bucket:
    // counted like users, with nothing derived from what was typed.
    let unknown = file.per_user.iter().find(|t| t.tag == casekeep::vault::attempts::UNKNOWN).unwrap();
    assert_eq!(u64::from(unknown.count), (n + 1) / 4 + n / 4, "unknown names are counted");
    assert_eq!(file.per_user.len(), 3, "one tag for each user and one for every unknown name");
    for i in 0..n {
        let (user, pass) = attempt_for(ALL[(i % 4) as usize], i);
        assert!(!raw.contains(&user) && !raw.contains(&pass), "attempts.json holds what was typed");
        assert!(
            !raw.contains(&tags.keyed_tag(&user.to_lowercase()))
                || tags.tag(&user) != casekeep::vault::attempts::UNKNOWN
        );
    }

    // (Time is compared at the real 64 MiB in the next test; here the 1 MiB KDF is cheap.)
    let mut medians = std::collections::BTreeMap::new();
    for (who, v) in &mut times {
        medians.insert(*who, median(v));
    }

    // The real user then unlocks: waits the ceiling, is told, and the trail has every attempt.
    let session = vault.unlock("cara", &Passphrase::new(WORKER_PASS.into())).unwrap();
    assert_eq!(DELAYS.with(|v| v.borrow().last().copied()), Some(Duration::from_secs(30)));
    let told = u64::from(session.failed_attempts_since_last_unlock());
    assert_eq!(told, n.div_ceil(4));
    let log = session.log_entries(None).unwrap();
    let failed: Vec<&serde_json::Value> =
        log.iter().filter(|e| e.event == "unlock_failed").map(|e| &e.body).collect();
    let mine = failed.iter().filter(|b| b["user"] == "this_user").count() as u64;
    let others = failed.iter().filter(|b| b["user"] == "other_or_unknown_user").count() as u64;
    let not_itemised: u64 = failed.iter().filter_map(|b| b["not_itemised"].as_u64()).sum();
    assert_eq!(mine + others + not_itemised, n, "every failed attempt is in the audit trail");
    // Bodies name no user: an unknown name and another user's wrong passphrase read alike.
    assert!(failed
        .iter()
        .all(|b| b.get("user").is_none_or(|u| u == "this_user" || u == "other_or_unknown_user")));
    assert!(session.check().unwrap().ok);
    drop(session);
    let (after, _) = attempts_file(&dir);
    assert_eq!(after.failures_since_success, 0);
    casekeep::support::crypto::test_hooks::accept_small_kdf_memory(0);

    eprintln!(
        "unlock abuse: {n} wrong attempts in {:.1} s; enforced delay reaches 30 s at attempt {grows_until}, \
         {:.1} h in total; median refusal time {:?}",
        started.elapsed().as_secs_f64(),
        total.as_secs_f64() / 3600.0,
        medians
    );
}

fn best_of(n: usize, vault: &Vault, user: &str) -> Duration {
    (0..n)
        .map(|i| {
            let t = Instant::now();
            let r = vault.unlock(user, &Passphrase::new(format!("not the passphrase {i}")));
            assert_eq!(r.err().map(|e| e.code()), Some("unlock_failed"));
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// At the real 64 MiB floor, with two users whose slots cost different work (1 and 3
/// passes, as slots calibrated on different days would): every unknown name costs what one
/// of the real users costs — never a third, tell-tale amount — and names spread over both.
#[test]
fn an_unknown_name_costs_what_a_real_users_wrong_passphrase_costs() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    casekeep::support::crypto::test_hooks::accept_small_kdf_memory(0);
    let s = Scratch::new();
    let dir = s.vault();
    casekeep::support::crypto::test_hooks::use_fixed_kdf_passes(1);
    let (mut session, _) = Vault::create(&dir, "mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
    casekeep::support::crypto::test_hooks::use_fixed_kdf_passes(3);
    session.add_user("cara", casekeep::Role::Caseworker, &Passphrase::new(WORKER_PASS.into())).unwrap();
    drop(session);
    casekeep::support::crypto::test_hooks::use_fixed_kdf_passes(1);
    let mut vault = Vault::open(&dir).unwrap();
    vault.set_delay_fn(no_wait);

    let one = best_of(3, &vault, "mo");
    let three = best_of(3, &vault, "cara");
    assert!(three.as_secs_f64() > 1.5 * one.as_secs_f64(), "1 pass {one:?}, 3 passes {three:?}");
    let mut classes = [0usize; 2];
    let mut seen = Vec::new();
    for k in 0..16 {
        let name = format!("nobody{k}");
        let t = best_of(2, &vault, &name).as_secs_f64();
        // Nearest of the two real costs, on a log scale; and within the span of real costs.
        let class = usize::from((t / one.as_secs_f64()).ln().abs() > (t / three.as_secs_f64()).ln().abs());
        classes[class] += 1;
        seen.push(format!("{name}: {:.0} ms", t * 1000.0));
        assert!(
            t > 0.6 * one.as_secs_f64() && t < 1.6 * three.as_secs_f64(),
            "{name} took {t:.3} s; real users take {one:?} and {three:?}"
        );
    }
    eprintln!("unknown-name timing: mo (1 pass) {one:?}, cara (3 passes) {three:?}; {seen:?}");
    assert!(classes[0] > 0 && classes[1] > 0, "unknown names all cost the same: {seen:?}");
}

/// Wrong passphrases tried by several processes at once are each counted (the attempts
/// file is rewritten under a lock) and each delayed more than the one before; the real
/// user is told of every one.
#[test]
fn parallel_wrong_guesses_are_each_counted() {
    // The vault is made in this process (`init_with_worker`), so at the real memory floor:
    // the CLI children refuse the small slots the other tests make.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    casekeep::support::crypto::test_hooks::accept_small_kdf_memory(0);
    let s = Scratch::new();
    s.init_with_worker();
    let wrong = s.pass_file("not cara's passphrase at all");
    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_casekeep"))
                .args(["--vault", s.vault().to_str().unwrap(), "--user", "cara", "--passphrase-file"])
                .arg(&wrong)
                .args(["client", "list"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert_eq!(c.wait().unwrap().code(), Some(1));
    }
    let (file, _) = attempts_file(&s.vault());
    let tags = tag_log(&s.vault());
    let cara = file.per_user.iter().find(|t| t.tag == tags.tag("cara")).map_or(0, |t| t.count);
    assert_eq!(cara, 4, "four parallel guesses, four counted");
    assert_eq!(file.failures_since_success, 4);
    let told = s.worker(&["client", "list"]).ok();
    assert!(told.stderr.contains("4 failed unlock attempts"), "the user is told of all 4: {}", told.stderr);
}

/// Another user's successful unlock does not reset a user's delay.
#[test]
fn another_users_unlock_does_not_reset_a_users_delay() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_s, vault) = small_kdf_vault();
    DELAYS.with(|v| v.borrow_mut().clear());
    for i in 0..5 {
        assert!(vault.unlock("cara", &Passphrase::new(format!("wrong {i}"))).is_err());
    }
    // The manager unlocks (after waiting out the shared floor), which resets the floor...
    drop(vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap());
    // ...but cara's next attempt still waits for her own five failures.
    assert!(vault.unlock("cara", &Passphrase::new("wrong again".into())).is_err());
    let delays = DELAYS.with(|v| v.borrow().clone());
    assert_eq!(delays.last().copied(), Some(delay_for(5)), "cara's delay was reset: {delays:?}");
    // And mo, who has no failures of his own, is not slowed by hers once he has unlocked.
    drop(vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap());
    let delays = DELAYS.with(|v| v.borrow().clone());
    assert_eq!(
        delays.last().copied(),
        Some(delay_for(1)),
        "mo waits only the floor of cara's one new failure"
    );
    casekeep::support::crypto::test_hooks::accept_small_kdf_memory(0);
}
