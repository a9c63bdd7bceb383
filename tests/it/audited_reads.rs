//! Reads that show record data are recorded: a share preview, a copied safe number, a
//! revealed code word and names shown (on the caseload or a record). Each writes one
//! signed audit entry naming the kind of read and the client, never a value; the record
//! as the app receives it carries no code word, and with names hidden nothing that says who
//! the person is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use casekeep::casework::clients::Names;
use casekeep::log::Entry;
use casekeep::{ClientId, Session};
use serde_json::{json, Value};

/// Values of [`ADA`] that no audit entry may hold (nor a view with names hidden, except the
/// safe-contact card's own number and times).
const IDENTIFYING: [&str; 10] = [
    "Ada Example",
    "\"Ada\"",
    "Sam Example",
    "Lee Example",
    "Flat 2",
    "Example Road",
    "DE1 1AA",
    "Example Primary",
    "outreach clinic",
    "settled",
];
const CODE_WORD: &str = "bluebell";
const NUMBER_DIGITS: &str = "900123";

fn session() -> (tempfile::TempDir, Session, ClientId) {
    session_with_client(ADA)
}

/// Exactly one audit entry of `event` for `client`, whose body says `read`.
fn one_read<'a>(new: &'a [Entry], event: &str, read: &str, client: Option<ClientId>) -> &'a Value {
    assert_eq!(new.len(), 1, "expected one entry for the {read} read, got {}", new.len());
    let e = &new[0];
    assert_eq!((e.kind.as_str(), e.event.as_str()), ("audit", event), "kind and event of the {read} read");
    assert_eq!(e.client_id, client.map(|c| c.0), "client of the {read} read");
    assert_eq!(e.body["read"], read);
    assert_eq!(e.actor.as_deref(), Some("cara"), "the read is attributed to the reader");
    &e.body
}

fn assert_holds_none(text: &str, values: &[&str], what: &str) {
    for v in values {
        assert!(
            !text.contains(v),
            "{what} holds a record value (the one at {:?})",
            values.iter().position(|x| x == v)
        );
    }
}

#[test]
fn each_read_writes_one_signed_entry_naming_the_kind_and_the_client_never_a_value() {
    let (_dir, mut s, id) = session();
    // A note on the usable contact (the card does not show it; the hidden view drops it).
    // Safe at any time and confirmed today, so that the safe-contact gate asks nothing
    // (tests/safe_contact.rs tests the gate).
    let today = casekeep::record::Date::today().to_string();
    let contacts = json!({"contacts": [
        {"channel": "phone", "value": "07700 900123", "keep_code_word_of": 1, "notes": "via her sister",
         "safe_times": "any time", "last_confirmed": today},
        {"channel": "phone", "value": "07700 900999", "do_not_use": true, "notes": "shared landline"}]});
    s.update_client(id, contacts.to_string().as_bytes()).unwrap();

    // A copied safe number: the value is handed over and the read recorded.
    let (number, new) = entries_of(&mut s, |s| s.safe_contact_value(id, 1, None));
    assert_eq!(number.unwrap(), "+447700900123");
    assert_eq!(one_read(&new, "safe_number_copied", "safe_number_copied", Some(id))["contact"], 1);
    // A do-not-use number is refused, and a refused read writes nothing.
    let (refused, new) = entries_of(&mut s, |s| s.safe_contact_value(id, 2, None));
    assert!(refused.is_err() && new.is_empty(), "a do-not-use number is refused without a read entry");

    // A revealed code word.
    let (word, new) = entries_of(&mut s, |s| s.reveal_code_word(id, 1));
    assert_eq!(word.unwrap(), CODE_WORD);
    assert_eq!(one_read(&new, "code_word_revealed", "code_word_revealed", Some(id))["contact"], 1);
    let (none, new) = entries_of(&mut s, |s| s.reveal_code_word(id, 2));
    assert!(none.is_err() && new.is_empty(), "no code word, nothing revealed, nothing written");
    let (none, new) = entries_of(&mut s, |s| s.reveal_code_word(ClientId(99), 1));
    assert!(none.is_err() && new.is_empty());

    // The record with names hidden: the overview only, and no code word.
    let (view, new) = entries_of(&mut s, |s| s.show_client(id, Names::Hidden).map(wire));
    let view = view.unwrap();
    one_read(&new, "client_viewed", "summary", Some(id));
    let mut keys: Vec<&str> = view.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["case_reference", "contacts", "details", "enquiry_alert", "id", "initials", "risk"]);
    assert_eq!(view["details"], false);
    let text = view.to_string();
    assert_holds_none(&text, &IDENTIFYING, "the view with names hidden");
    assert_holds_none(&text, &[CODE_WORD, "sister"], "the view with names hidden");
    assert!(text.contains("+447700900123"), "the safe-contact card is there");
    assert_eq!(view["contacts"][1]["notes"], "shared landline", "with why a number must not be used");

    // The record with names shown: a `names_shown` read; still no code word, only markers.
    let (view, new) = entries_of(&mut s, |s| s.show_client(id, Names::Shown).map(wire));
    let view = view.unwrap();
    one_read(&new, "client_viewed", "names_shown", Some(id));
    assert_eq!(view["full_name"], "Ada Example");
    assert_eq!(view["details"], true);
    assert_eq!(view["contacts"][0]["code_word_set"], true);
    assert_eq!(view["contacts"][1]["code_word_set"], false);
    assert_holds_none(&view.to_string(), &[CODE_WORD], "the view with names shown");

    // The caseload: names only when asked for, and that is one `names_shown` read.
    let (list, new) = entries_of(&mut s, |s| s.list_clients(None, Names::Hidden));
    assert!(new.is_empty(), "a list without names is not a read of names");
    let list = serde_json::to_string(&list.unwrap()).unwrap();
    assert!(list.contains("A.E.") && !list.contains("full_name"), "initials only");
    let (list, new) = entries_of(&mut s, |s| s.list_clients(Some("ada"), Names::Shown));
    assert_eq!(list.unwrap()[0].full_name.as_deref(), Some("Ada Example"));
    let body = one_read(&new, "names_shown", "names_shown", None);
    assert_eq!((body["clients"].clone(), body["search"].clone()), (json!(1), json!(true)));
    assert!(!body.to_string().to_lowercase().contains("ada"), "the search text is not recorded");

    // A share preview: recipient kind and excerpt numbers; not the purpose or the name.
    let args: casekeep::ipc::ShareArgs = serde_json::from_value(json!({
        "client": id.0, "recipient": "marac", "purpose": "MARAC referral QZXV",
        "recipient_name": "Coordinator QZXV", "emergency": false, "excerpts": [1]
    }))
    .unwrap();
    let (preview, new) = entries_of(&mut s, |s| s.share_preview(&args.request().unwrap()));
    assert!(preview.unwrap()["will_share"].is_array());
    let body = one_read(&new, "share_preview", "share_preview", Some(id));
    assert_eq!((body["recipient"].clone(), body["excerpts"].clone()), (json!("marac"), json!([1])));
    assert!(!body.to_string().contains("QZXV"), "neither the purpose nor the recipient's name");

    // Nothing in the whole log is a record value, and every entry is signed and chained.
    let log = serde_json::to_string(&s.log_entries(None).unwrap()).unwrap();
    assert_holds_none(&log, &IDENTIFYING, "the log");
    assert_holds_none(&log, &[CODE_WORD, NUMBER_DIGITS, "7700900123"], "the log");
    let report = s.verify_log().unwrap();
    assert!(report.first_break.is_none(), "the log verifies");
}

#[test]
fn an_edit_without_the_code_word_keeps_it_and_can_still_change_or_remove_it() {
    let (_dir, mut s, id) = session();
    let update = |s: &mut Session, contacts: Value| {
        s.update_client(id, json!({ "contacts": contacts }).to_string().as_bytes())
    };
    let first = json!({"channel": "phone", "value": "07700 900123", "safe_times": "Tue 10:00-11:00"});
    let second = json!({"channel": "phone", "value": "07700 900999", "do_not_use": true});

    // The edit form sends the contacts back without the word it never had: with
    // `keep_code_word_of` the stored word stays, even when the contacts are reordered.
    let mut kept = first.clone();
    kept["keep_code_word_of"] = json!(1);
    let changed = update(&mut s, json!([second, kept])).unwrap();
    assert!(changed.contains(&"contact[].safe_times".to_string()), "{changed:?}");
    assert_eq!(s.reveal_code_word(id, 2).unwrap(), CODE_WORD, "the word moved with its contact");
    assert!(s.reveal_code_word(id, 1).is_err());
    let stored = wire(s.show_client(id, Names::Shown).unwrap());
    assert!(stored["contacts"][1].get("keep_code_word_of").is_none(), "the reference is never stored");

    // A reference to a contact that is not there, or with a new word as well, is refused.
    let mut bad = first.clone();
    bad["keep_code_word_of"] = json!(5);
    let e = update(&mut s, json!([bad])).unwrap_err().to_string();
    assert!(e.contains("`contacts[0].keep_code_word_of`"), "{e}");
    let mut both = first.clone();
    both["keep_code_word_of"] = json!(2);
    both["code_word"] = json!("primrose");
    let e = update(&mut s, json!([both])).unwrap_err().to_string();
    assert!(e.contains("both") && !e.contains("primrose"), "{e}");
    assert_eq!(s.reveal_code_word(id, 2).unwrap(), CODE_WORD, "refused changes changed nothing");

    // A new word replaces it; a contact sent without word or reference has none.
    let mut replaced = first.clone();
    replaced["code_word"] = json!("primrose");
    update(&mut s, json!([replaced, second])).unwrap();
    assert_eq!(s.reveal_code_word(id, 1).unwrap(), "primrose");
    update(&mut s, json!([first, second])).unwrap();
    assert!(s.reveal_code_word(id, 1).is_err(), "removed on purpose");

    // A new client has no stored contact to keep a word from.
    let new = json!({"full_name": "Bea Example", "contacts": [{"channel": "phone", "value": "07700 900200", "keep_code_word_of": 1}]});
    assert!(s.add_client(new.to_string().as_bytes()).is_err());
}

#[test]
fn the_cli_reads_are_audited_and_show_what_its_contract_says() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    // The CLI's contract (docs/CLI.md): `client list` names clients, `client show` is the
    // whole record in the catalogue's shape; each is a recorded read. `--initials` hides.
    let list = s.worker(&["client", "list", "--initials"]).ok();
    assert_holds_none(&list.stdout, &["Ada Example", "full_name"], "client list --initials");
    let named = s.worker(&["client", "list"]).ok();
    assert!(named.stdout.contains("Ada Example"));
    let word = s.worker(&["client", "code-word", &id, "--contact", "1"]).ok();
    assert_eq!(word.stdout.trim(), CODE_WORD);
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(shown["contacts"][0]["code_word"], CODE_WORD);
    assert_eq!(shown["full_name"], "Ada Example");
    s.share(&id, "marac", "Referral").flag("--preview").by_worker().ok();

    let log = s.manager(&["log", "show"]).ok();
    let entries = log.json();
    let reads: Vec<(String, Option<i64>)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["body"]["read"].as_str().map(|r| (r.to_string(), e["client_id"].as_i64())))
        .collect();
    let cid: i64 = id.parse().unwrap();
    for want in [
        ("names_shown".to_string(), None),
        ("code_word_revealed".to_string(), Some(cid)),
        ("names_shown".to_string(), Some(cid)),
        ("share_preview".to_string(), Some(cid)),
    ] {
        assert!(reads.contains(&want), "no {want:?} read in the log: {reads:?}");
    }
    assert_holds_none(&log.stdout, &IDENTIFYING, "log show");
    assert_holds_none(&log.stdout, &[CODE_WORD, NUMBER_DIGITS], "log show");
}
