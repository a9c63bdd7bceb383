//! Issue 16 item 2: the PDF exports are tagged (a structure tree with headings, lists and,
//! in the MARAC referral, label/value tables; the document language; a generic title with
//! no record value) and no text runs past the right margin, whatever the script or the
//! shape of a value (an all-capitals address line, a long unbroken token). The script
//! samples compared as pictures are unit tests in src/sharing/export/pdf.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::record::{ClientRecord, Date};
use casekeep::sharing::export::{self};
use casekeep::sharing::policy::{self, RedactOptions};

/// Synthetic names in the scripts of UK casework.
const NAMES: &[&str] = &[
    "أمينة حسن",
    "מרים לוי",
    "عائشہ خان",
    "শ্রাবন্তী দত্ত",
    "ક્રિષ્ના પટેલ",
    "ਪ੍ਰੀਤ ਕੌਰ ਸੰਧੂ",
    "Zofia Łęcka-Wójcik",
    "Ioana Ștefănescu-Țurcanu",
];
const CAPITALS: &str = "NOT TO ENTER WOLVERHAMPTON HOUSE, 1234 MIDDLESBROUGH ROAD, WWWWWW MMMMMM QQQQQQ \
                        WESTMINSTER BRIDGE ROAD, MANCHESTER MMMM WWWW";
const TOKEN: &str =
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW";

fn record(name: &str) -> ClientRecord {
    let mut v: serde_json::Value = serde_json::from_str(ADA).unwrap();
    v["full_name"] = name.into();
    v["case_reference"] = "CK-0001".into();
    v["notes"] = serde_json::json!([]);
    v["perpetrator"]["orders"] = format!("{CAPITALS} {TOKEN} {name}").into();
    let mut rec: ClientRecord = serde_json::from_value(v).unwrap();
    rec.validate(Date::parse("2026-11-23").unwrap(), 0, 0).unwrap();
    rec
}

fn render(kind: RecipientKind, purpose: &str, rec: &ClientRecord, dir: &Path) -> PathBuf {
    let today = Date::parse("2026-11-23").unwrap();
    let opts = RedactOptions {
        caseworker: "cara".into(),
        agency: "Derby Outreach Service".into(),
        purpose: purpose.into(),
        ..Default::default()
    };
    let view = policy::redact(rec, kind, &opts, today).unwrap();
    let env = sample_envelope();
    let bytes = export::render_checked(Format::Pdf, &view, &env, "out.pdf").unwrap();
    let path = dir.join(format!("{kind:?}.pdf"));
    std::fs::write(&path, &bytes).unwrap();
    path
}

fn run(cmd: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(cmd)
        .args(args)
        .arg(pdf)
        .args(if cmd == "pdftotext" { &["-"][..] } else { &[] })
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn tagged_with_headings_lists_tables_a_language_and_a_generic_title() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record("Ada Example");
    for (kind, purpose) in
        [(RecipientKind::Police, "Criminal investigation"), (RecipientKind::Marac, "MARAC referral")]
    {
        let pdf = render(kind, purpose, &rec, dir.path());
        let info = run("pdfinfo", &[], &pdf);
        assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");
        let title = info.lines().find(|l| l.starts_with("Title:")).unwrap();
        assert_eq!(title.trim_start_matches("Title:").trim(), "Casekeep disclosure", "{info}");
        for never in ["Ada", "Example", "cara", "Derby", "07700"] {
            assert!(!info.contains(never), "{never} in the document information: {info}");
        }
        let bytes = std::fs::read(&pdf).unwrap();
        // `/Lang (en-GB)` or `/Lang(en-GB)`: PDF allows either (pdf-writer writes the second).
        let lang = bytes.windows(5).enumerate().filter(|(_, w)| *w == b"/Lang").any(|(i, _)| {
            let rest = bytes.get(i + 5..).unwrap_or_default();
            let start = rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len());
            rest.get(start..).is_some_and(|r| r.starts_with(b"(en-GB)"))
        });
        assert!(lang, "no document language");
        let tree = run("pdfinfo", &["-struct"], &pdf);
        let tags: Vec<&str> = tree.lines().map(str::trim).collect();
        let lists: &[&str] = if kind == RecipientKind::Police { &["L", "LI", "LBody"] } else { &[] };
        for needed in ["H1", "H2", "P"].iter().chain(lists) {
            assert!(
                tags.iter()
                    .any(|t| t.split_whitespace().next().map(|w| w.trim_end_matches(':')) == Some(*needed)),
                "{kind:?}: no {needed}: {tree}"
            );
        }
        if kind == RecipientKind::Police {
            // The do-not-contact block and the safe route: each a list after its heading.
            for heading in ["DO NOT CONTACT ON THESE", "How to contact safely"] {
                let at = tags
                    .iter()
                    .position(|t| t.contains(heading))
                    .unwrap_or_else(|| panic!("{heading}: {tree}"));
                assert!(
                    tags[at..].iter().take(4).any(|t| t
                        .split_whitespace()
                        .next()
                        .map(|w| w.trim_end_matches(':'))
                        == Some("L")),
                    "{heading}: {tree}"
                );
            }
        }
        if kind == RecipientKind::Marac {
            for needed in ["Table", "TR", "TH", "TD"] {
                assert!(tags.iter().any(|t| t.split_whitespace().next().map(|w| w.trim_end_matches(':')) == Some(needed)), "no {needed}: {tree}");
            }
        } else {
            assert!(!tags.iter().any(|t| t.starts_with("Table")), "a table where the layout is not one");
        }
    }
}

#[test]
fn no_text_runs_past_the_right_margin_in_any_script() {
    let dir = tempfile::tempdir().unwrap();
    let re = regex::Regex::new(
        r#"<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>"#,
    )
    .unwrap();
    let page_w = regex::Regex::new(r#"<page width="([\d.]+)""#).unwrap();
    for name in NAMES {
        let rec = record(name);
        for (kind, purpose) in
            [(RecipientKind::Police, "Criminal investigation"), (RecipientKind::Marac, "MARAC referral")]
        {
            let pdf = render(kind, purpose, &rec, dir.path());
            let html = run("pdftotext", &["-bbox"], &pdf);
            let width: f64 = page_w.captures(&html).unwrap()[1].parse().unwrap();
            let right = width - 20.0 * 72.0 / 25.4;
            let words: Vec<(f64, f64, String)> = re
                .captures_iter(&html)
                .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].to_string()))
                .collect();
            assert!(words.len() > 50, "{name}: too few words");
            for (x0, x1, w) in &words {
                assert!(*x1 <= right + 0.5, "{name} ({kind:?}): {w:?} ends at {x1} past the margin {right}");
                assert!(*x0 >= 20.0 * 72.0 / 25.4 - 0.5, "{name}: {w:?} starts left of the margin");
            }
            // The long lines were there to be broken: the capitals and the token's pieces.
            assert!(words.iter().any(|w| w.2.starts_with("MIDDLESBROUGH")), "{name} ({kind:?})");
            let token: usize =
                words.iter().filter(|w| w.2.chars().all(|c| c == 'W')).map(|w| w.2.len()).sum();
            assert!(token >= TOKEN.len(), "{name} ({kind:?}): the token is not all there");
            assert!(words.iter().filter(|w| !w.2.is_empty() && w.2.chars().all(|c| c == 'W')).count() >= 2);
        }
    }
}
