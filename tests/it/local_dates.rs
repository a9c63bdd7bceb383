//! "Today" is the laptop's date, British Summer Time included, across both 2027 clock
//! changes (BST from 2027-03-28 01:00 UTC to 2027-10-31 01:00 UTC): the real CLI, run with
//! `TZ` set to UK time and the test build's clock override (`CASEKEEP_TEST_NOW`, honoured
//! only with the `test-hooks` feature, never in a shipped build). An entry dated the local
//! today is accepted, the local tomorrow refused as in the future, and a review due the
//! local today is on the work queue without `--on`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::process::Command;

use crate::common::*;

/// The POSIX rule for UK time needs no zone database; Europe/London is tried too where the
/// system has it.
fn uk_zones() -> Vec<&'static str> {
    let mut zones = vec!["GMT0BST,M3.5.0/1,M10.5.0"];
    if std::path::Path::new("/usr/share/zoneinfo/Europe/London").exists() {
        zones.push("Europe/London");
    }
    zones
}

/// `casekeep --vault V --user cara … ARGS` at instant `now` in zone `tz`.
fn at(s: &Scratch, tz: &str, now: &str, args: &[&str]) -> Run {
    let pf = s.pass_file(WORKER_PASS);
    let out = Command::new(env!("CARGO_BIN_EXE_casekeep"))
        .arg("--vault")
        .arg(s.vault())
        .args(["--user", "cara", "--passphrase-file", pf.to_str().unwrap()])
        .args(args)
        .env("HOME", s.tmp.path())
        .env("TZ", tz)
        .env("CASEKEEP_TEST_NOW", now)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A client whose only contact was last confirmed on `confirmed` and is due for review on
/// `due`.
fn client(confirmed: &str, due: &str) -> String {
    serde_json::json!({
        "full_name": "Dora Example",
        "contacts": [{"channel": "phone", "value": "07700 900456", "safe_times": "any time",
                      "last_confirmed": confirmed, "review_due": due}],
        "notes": [{"text": "Seen at the clinic.", "date": confirmed}]
    })
    .to_string()
}

/// (instant, the local date there, the next local day) — each where the UTC date, or a
/// summer-time-all-year date, is another day.
const NIGHTS: [(&str, &str, &str); 4] = [
    ("2027-03-27T23:30:00Z", "2027-03-27", "2027-03-28"), // 23:30 GMT, the night before BST
    ("2027-03-28T23:30:00Z", "2027-03-29", "2027-03-30"), // 00:30 BST: UTC says the 28th
    ("2027-10-30T23:30:00Z", "2027-10-31", "2027-11-01"), // 00:30 BST, the night the clocks go back
    ("2027-10-31T23:30:00Z", "2027-10-31", "2027-11-01"), // 23:30 GMT: BST would say Nov 1
];

#[test]
fn today_is_the_laptops_date_across_the_2027_clock_changes() {
    for tz in uk_zones() {
        let s = Scratch::new();
        fast_vault(&s.vault());
        for (now, today, tomorrow) in NIGHTS {
            let ctx = format!("TZ={tz} at {now}");
            // Dated the local today: accepted (a UTC today a day behind would refuse it).
            let f = s.file("client.json", &client(today, today));
            let id = at(&s, tz, now, &["client", "add", "--json", f.to_str().unwrap()]);
            assert_eq!(id.code, 0, "{ctx}: an entry dated today was refused: {}", id.stderr);
            let id: i64 = id.stdout.trim().parse().unwrap();
            // Dated the local tomorrow: refused as in the future (a UTC or summer-time today
            // a day ahead would take it).
            let f = s.file("client.json", &client(tomorrow, tomorrow));
            let r = at(&s, tz, now, &["client", "add", "--json", f.to_str().unwrap()]).refused();
            assert!(r.stderr.contains("is in the future"), "{ctx}: {}", r.stderr);
            // The queue for today (no --on) holds the review due today, for this client.
            let q = at(&s, tz, now, &["queue"]).ok().json();
            let items = q["items"].as_array().unwrap_or_else(|| panic!("{ctx}: {q}"));
            let due_today = items.iter().any(|i| {
                i["client_id"] == id
                    && i["kind"] == "safe_contact_review"
                    && i["due"] == today
                    && i["overdue"] == false
            });
            assert!(due_today, "{ctx}: the review due {today} is not on today's queue: {q}");
        }
    }
}
