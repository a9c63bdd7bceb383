//! The disclosure firewall against an adversarial corpus (issue 12).
//!
//! A seeded generator builds a random synthetic record, works out — independently of the
//! firewall, from `policy::profiles()` and the documented hard rules — which of its values
//! must not leave to each recipient, and plants every one of them, written in many ways,
//! into every free-text field, the note excerpts, the purpose and the recipient's name.
//! Then for every profile it runs the production path (`policy::redact` and
//! `export::render_checked`, exactly what `Session::share` runs) and checks with this
//! test's OWN simple normaliser that no protected value is in what leaves: the JSON's
//! strings, the PDF's bytes and its text as `pdftotext` extracts it. A refused share must
//! name no value. Where a value was planted into an included field and the share went
//! ahead, the view must record a masking at that path.
//!
//! `CASEKEEP_FIREWALL_CASES=N` runs N JSON cases and no PDF (the documented 1,000,000 run,
//! in release: docs/SECURITY.md), `CASEKEEP_FIREWALL_PDF_CASES=N` sets the PDF cases, and
//! `CASEKEEP_FIREWALL_SEED=S` replays a run. Failures print the seed,
//! the case number, the profile and the kind of value, never the value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;
use casekeep::log::vocab::Format;
use casekeep::log::vocab::RecipientKind;
use casekeep::record::{ClientRecord, Date};
use casekeep::sharing::export::{self, Envelope};
use casekeep::sharing::policy::{self, RedactOptions, Treatment};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// The generator's pools (synthetic; none of them shares a word with another pool)

const FIRST: &[&str] = &["Ada", "Bea", "Cleo", "Dina", "Esme", "Fern", "Gita", "Hana", "Iris", "Juno"];
const LAST: &[&str] = &["Example", "Sample", "Testwell", "Placeholder", "Fictional", "Madeup"];
const KIDS: &[&str] = &["Sam", "Tom", "Kit", "Rory", "Noor", "Ezra"];
const PERPS: &[&str] = &["Lee", "Max", "Dale", "Ross", "Gary", "Neil"];
const STREETS: &[&str] = &[
    "Wrenfield",
    "Quillmoor",
    "Hartsdale",
    "Brackenhurst",
    "Thornbury",
    "Larkspire",
    "Oxcombe",
    "Fennimore",
];
const PERP_STREETS: &[&str] = &["Gullwing", "Tarnside", "Elderwick", "Marrowby"];
const SUFFIXES: &[(&str, &str)] = &[
    ("Road", "Rd"),
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Crescent", "Cres"),
    ("Close", "Cl"),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
    ("Court", "Ct"),
    ("Gardens", "Gdns"),
    ("Place", "Pl"),
    ("Terrace", "Tce"),
    ("Square", "Sq"),
    ("Grove", "Gr"),
];
const LOCALITIES: &[&str] = &["Allestree", "Littleover", "Chaddesden", "Alvaston", "Mickleover", "Spondon"];
const OUTWARD: &[&str] = &["DE1", "DE21", "DE22", "DE23", "DE24", "DE3"];
const PERP_OUTWARD: &[&str] = &["NG7", "NG9", "S10", "LE2"];
const CODE_WORDS: &[(&str, &str)] = &[
    ("blue", "bell"),
    ("fox", "glove"),
    ("snow", "drop"),
    ("moon", "stone"),
    ("marsh", "mallow"),
    ("sun", "flower"),
    ("lime", "kiln"),
];
const MAIL_WORDS: &[&str] = &["moonrise", "quillpen", "starling", "ravenhill", "copperleaf"];
const IMMIGRATION: &[&str] =
    &["spouse visa pending", "asylum claim lodged", "pre-settled status", "no leave to remain"];
const HEALTH: &[&str] = &[
    "type one diabetes; generalised anxiety",
    "epilepsy. migraine",
    "chronic asthma, depression",
    "hepatitis treatment; insomnia",
];
const ETHNICITY: &[&str] = &["Black British Caribbean", "White Irish Traveller", "Mixed White and Asian"];
const SCHOOLS: &[&str] = &["Oakfield Primary School", "Birchwood Infants", "Hollowmead Academy"];
const FILLER: &[&str] = &[
    "spoke",
    "with",
    "about",
    "the",
    "plan",
    "agreed",
    "review",
    "next",
    "week",
    "support",
    "worker",
    "visit",
    "safety",
    "called",
    "court",
    "hearing",
    "mentioned",
    "again",
    "worried",
    "calmer",
];

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len() as u64) as usize]
}

fn filler(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| *pick(rng, FILLER)).collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------
// The values of one random record that could be protected, and how each may be written

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Phone,
    Email,
    Postcode,
    Outward,
    Street,
    Locality,
    CodeWord,
    Immigration,
    Health,
    Ethnicity,
    School,
    Reference,
}

/// A value the test will look for, with its source path, in the test's own normal form.
#[derive(Clone, Debug)]
struct Secret {
    kind: Kind,
    /// The catalogue path whose treatment decides whether it is protected.
    path: &'static str,
    /// Normal form: digits (phone, the national significant number), upper-case letters
    /// and digits (postcode, outward code, reference), folded words (street, locality,
    /// special categories, school), letters only (code word), letters and digits (the
    /// e-mail's local part).
    norm: String,
    /// Ways to write it into text.
    forms: Vec<String>,
    /// Raw strings that must not be in the PDF's bytes.
    raw: Vec<String>,
}

fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let d = c as u32;
            let v = if c.is_ascii_digit() {
                d - '0' as u32
            } else if (0x0660..=0x0669).contains(&d) {
                d - 0x0660
            } else if (0x06F0..=0x06F9).contains(&d) {
                d - 0x06F0
            } else if (0xFF10..=0xFF19).contains(&d) {
                d - 0xFF10
            } else {
                return None;
            };
            char::from_digit(v, 10)
        })
        .collect()
}

fn deaccent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

/// Lower case, accents off, zero-width characters gone, fullwidth letters and Unicode
/// digits to ASCII.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}') {
            continue;
        }
        let d = digits(c.encode_utf8(&mut [0; 4]));
        if !d.is_empty() {
            out.push_str(&d);
            continue;
        }
        let c = match c as u32 {
            0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        out.extend(c.to_lowercase().map(deaccent));
    }
    out
}

fn alnum_upper(s: &str) -> String {
    fold(s).chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
}

/// " word word … " with the street abbreviations spelt out.
fn folded_words(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    for w in folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let long = SUFFIXES.iter().find(|(_, short)| short.eq_ignore_ascii_case(w)).map(|(l, _)| l);
        match long {
            Some(l) => out.extend(l.chars().map(|c| c.to_ascii_lowercase())),
            None => out.push_str(w),
        }
        out.push(' ');
    }
    out
}

/// One text in every normal form the checks use, computed once.
struct Normal {
    digits: String,
    alnum: String,
    letters: String,
    words: String,
}

impl Normal {
    fn of(text: &str) -> Normal {
        let folded = fold(text);
        Normal {
            digits: folded.chars().filter(char::is_ascii_digit).collect(),
            alnum: folded.chars().filter(char::is_ascii_alphanumeric).collect(),
            letters: folded.chars().filter(char::is_ascii_alphabetic).collect(),
            words: folded_words(text),
        }
    }

    /// Whether the text holds the secret, by the test's own normaliser.
    fn holds(&self, s: &Secret) -> bool {
        match s.kind {
            Kind::Phone => self.digits.contains(&s.norm),
            Kind::Postcode | Kind::Reference | Kind::Email => self.alnum.contains(&s.norm),
            Kind::CodeWord => self.letters.contains(&s.norm),
            // Outward code, street, locality, special categories, school: folded words.
            _ => self.words.contains(&s.norm),
        }
    }
}

fn holds(text: &str, s: &Secret) -> bool {
    Normal::of(text).holds(s)
}

fn with_digits(s: &str, zero: u32) -> String {
    s.chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32(zero + d)).unwrap_or(c)).collect()
}

fn phone_secret(path: &'static str, n: u32) -> Secret {
    let tail = format!("{n:03}");
    let nat = format!("07700 900{tail}");
    let forms = vec![
        nat.clone(),
        format!("07700 900 {tail}"),
        format!("+44 (0)7700 900{tail}"),
        format!("+44 7700 900{tail}"),
        format!("(07700) 900{tail}"),
        format!("07700\u{2013}900{tail}"),
        format!("07700\u{2014}900{tail}"),
        format!("07700.900.{tail}"),
        format!("07700/900/{tail}"),
        format!("tel07700900{tail}"),
        format!("07700  900{tail}"),
        format!("0044 7700 900{tail}"),
        with_digits(&nat, 0x0660),
        with_digits(&nat, 0xFF10),
    ];
    Secret {
        kind: Kind::Phone,
        path,
        norm: format!("7700900{tail}"),
        forms,
        raw: vec![format!("7700900{tail}"), nat],
    }
}

/// One random record's candidate secrets and the record itself (JSON, stored shape).
struct World {
    secrets: Vec<Secret>,
    record: ClientRecord,
    refuge: bool,
}

fn world(rng: &mut Rng) -> World {
    let mut secrets = Vec::new();
    let refuge = rng.below(10) < 7;
    // Client's address and postcode.
    let street = *pick(rng, STREETS);
    let (suffix, short) = *pick(rng, SUFFIXES);
    let locality = *pick(rng, LOCALITIES);
    let house = 1 + rng.below(98);
    let address = format!("Flat {}, {house} {street} {suffix}, {locality}, Derby", 1 + rng.below(9));
    let street_forms = vec![
        address.clone(),
        format!("{house} {street} {suffix}"),
        format!("{street} {suffix}"),
        format!("{street} {short}"),
        format!("{house} {} {}", street.to_uppercase(), short.to_uppercase()),
        format!("{}, {locality}", format!("{street} {suffix}").to_lowercase()),
    ];
    secrets.push(Secret {
        kind: Kind::Street,
        path: "client.address",
        norm: folded_words(&format!("{street} {suffix}")),
        forms: street_forms,
        raw: vec![format!("{street} {suffix}")],
    });
    secrets.push(Secret {
        kind: Kind::Locality,
        path: "client.address",
        norm: folded_words(locality),
        forms: vec![locality.to_string(), locality.to_uppercase()],
        raw: vec![locality.to_string()],
    });
    let outward = *pick(rng, OUTWARD);
    let inward = format!(
        "{}{}{}",
        1 + rng.below(9),
        (b'A' + rng.below(26) as u8) as char,
        (b'A' + rng.below(26) as u8) as char
    );
    let postcode = format!("{outward} {inward}");
    secrets.push(Secret {
        kind: Kind::Postcode,
        path: "client.postcode",
        norm: alnum_upper(&postcode).to_lowercase(),
        forms: vec![
            postcode.clone(),
            format!("{outward}{inward}"),
            format!("{outward}-{inward}"),
            postcode.to_lowercase(),
            format!("{outward}  {inward}"),
        ],
        raw: vec![postcode.clone(), format!("{outward}{inward}")],
    });
    secrets.push(Secret {
        kind: Kind::Outward,
        path: "client.postcode",
        norm: folded_words(outward),
        forms: vec![outward.to_string(), outward.to_lowercase()],
        raw: vec![],
    });
    // Safe contacts: a phone and an e-mail, each with a code word.
    let p1 = rng.below(1000) as u32;
    secrets.push(phone_secret("contact[].value", p1));
    let mail = format!("{}.{}{}", pick(rng, MAIL_WORDS), pick(rng, MAIL_WORDS), 10 + rng.below(89));
    let email = format!("{mail}@example.org");
    secrets.push(Secret {
        kind: Kind::Email,
        path: "contact[].value",
        norm: mail.replace('.', "").to_lowercase(),
        forms: vec![
            email.clone(),
            format!("{mail} at example.org"),
            format!("{mail} [at] example (dot) org"),
            format!("{mail} @ example . org"),
            format!("{mail}(at)example[dot]org"),
            email.to_uppercase(),
        ],
        raw: vec![email.clone()],
    });
    let (a, b) = *pick(rng, CODE_WORDS);
    let code = format!("{a}{b}");
    secrets.push(Secret {
        kind: Kind::CodeWord,
        path: "contact[].code_word",
        norm: code.clone(),
        forms: vec![
            code.clone(),
            format!("{code}s"),
            format!("{code}'s"),
            format!("{}{}", code[..1].to_uppercase(), &code[1..]),
            code.to_uppercase(),
            format!("{a} {b}"),
            format!("{a}-{b}"),
            format!("{a}\u{200B}{b}"),
        ],
        raw: vec![code.clone()],
    });
    // Special categories, school, police reference.
    let special = |kind: Kind, path: &'static str, value: &str| -> Vec<Secret> {
        let mut parts: Vec<String> =
            value.split([';', '.', ',']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        if parts.len() > 1 {
            parts.insert(0, value.to_string());
        }
        parts
            .into_iter()
            .map(|v| Secret {
                kind: kind.clone(),
                path,
                norm: folded_words(&v),
                forms: vec![
                    v.clone(),
                    v.to_uppercase(),
                    v.replace(' ', "  "),
                    v.replace('e', "é").replace('a', "á"),
                ],
                raw: vec![v.clone()],
            })
            .collect()
    };
    let immigration = *pick(rng, IMMIGRATION);
    let health = *pick(rng, HEALTH);
    let ethnicity = *pick(rng, ETHNICITY);
    // One record in 40 has a school named after the code word: an identifier holding a
    // protected value, which must refuse the share where the school is included.
    let school = if rng.below(40) == 0 {
        let capital = code.get(..1).unwrap_or("").to_uppercase();
        format!("{capital}{} Academy", code.get(1..).unwrap_or(""))
    } else {
        pick(rng, SCHOOLS).to_string()
    };
    let school = school.as_str();
    secrets.extend(special(Kind::Immigration, "client.immigration_status", immigration));
    secrets.extend(special(Kind::Health, "client.health_notes", health));
    secrets.extend(special(Kind::Ethnicity, "client.ethnicity", ethnicity));
    secrets.extend(special(Kind::School, "child[].school", school));
    let reference = format!("DP/{}/{}", 10000 + rng.below(89999), 20 + rng.below(7));
    secrets.push(Secret {
        kind: Kind::Reference,
        path: "perpetrator.police_reference",
        norm: alnum_upper(&reference).to_lowercase(),
        forms: vec![reference.clone(), reference.to_lowercase()],
        raw: vec![reference.clone()],
    });

    // Free text, each with at least one planted secret among neutral words.
    let plant = |rng: &mut Rng, n: usize| -> String {
        let mut parts = vec![filler(rng, 2)];
        for _ in 0..n {
            let s = &secrets[rng.below(secrets.len() as u64) as usize];
            parts.push(pick(rng, &s.forms).clone());
            let k = 1 + rng.below(2) as usize;
            parts.push(filler(rng, k));
        }
        parts.join(" ")
    };
    let perp_address = format!(
        "{} {} {}, Nottingham {} {}AB; {}",
        1 + rng.below(90),
        pick(rng, PERP_STREETS),
        pick(rng, SUFFIXES).0,
        pick(rng, PERP_OUTWARD),
        1 + rng.below(9),
        plant(rng, 1)
    );
    let notes: Vec<Value> =
        (0..3).map(|_| json!({"date": "2026-10-01", "author": "cara", "text": plant(rng, 3)})).collect();
    let answers: Vec<&str> = (0..24).map(|i| if i < 12 { "yes" } else { "no" }).collect();
    // One record in 40 has a relationship that is nothing but a planted value: a text
    // masking would leave empty, which must refuse the share where it is protected.
    let relationship = if rng.below(40) == 0 {
        let s = &secrets[rng.below(secrets.len() as u64) as usize];
        pick(rng, &s.forms).clone()
    } else {
        plant(rng, 1)
    };
    let first = *pick(rng, FIRST);
    let last = *pick(rng, LAST);
    let record = json!({
        "case_reference": format!("CK-{}", rng.below(9999)),
        "full_name": format!("{first} {last}"),
        "preferred_name": first,
        "date_of_birth": "1990-04-12",
        "gender": "female",
        "address": address,
        "postcode": postcode,
        "address_is_refuge": refuge,
        "ethnicity": ethnicity,
        "disabilities": plant(rng, 2),
        "health_notes": health,
        "immigration_status": immigration,
        "agencies_involved": plant(rng, 1),
        "contacts": [
            {"channel": "phone", "value": format!("+447700900{p1:03}"), "safe_times": plant(rng, 2),
             "code_word": code, "notes": plant(rng, 1), "last_confirmed": "2026-11-01"},
            {"channel": "email", "value": email, "safe_times": plant(rng, 1), "code_word": code}
        ],
        "children": [{"full_name": format!("{} {last}", pick(rng, KIDS)), "date_of_birth": "2018-06-01",
                      "school": school, "lives_with_client": true}],
        "perpetrator": {"full_name": format!("{} Other", pick(rng, PERPS)), "date_of_birth": "1985-01-01",
                        "address": perp_address, "relationship": relationship,
                        "police_reference": reference, "orders": plant(rng, 3)},
        "risk": [{"date": "2026-10-01", "answers": answers, "professional_judgement": true,
                  "judgement_reason": plant(rng, 3), "assessed_by": "cara"}],
        "marac": [{"referred_on": "2026-10-02", "reason": plant(rng, 2), "criteria_met": ["visible_high_risk"],
                   "score": 12, "assessment_date": "2026-10-01", "agencies_present": ["Police"],
                   "actions": [{"agency": "Police", "owner": "DC Example", "description": plant(rng, 2),
                                "due": "2026-12-01"}],
                   "referred_by": "cara"}],
        "notes": notes,
    });
    World { secrets, record: serde_json::from_value(record).unwrap(), refuge }
}

// ---------------------------------------------------------------------------------------
// Which secrets are protected for a recipient: from the profile and the documented hard
// rules (docs/SHARING.md), never from the firewall's own derivation

fn treatment(kind: RecipientKind, path: &str, refuge: bool) -> Treatment {
    let hard = path == "contact[].code_word"
        || path == "client.address_is_refuge"
        || path.starts_with("note[].")
        || (refuge && (path == "client.address" || path == "client.postcode"));
    if hard {
        Treatment::Withhold
    } else {
        policy::profiles().unwrap().get(kind).unwrap().treatment(path)
    }
}

fn protected_for(kind: RecipientKind, w: &World) -> Vec<&Secret> {
    w.secrets
        .iter()
        .filter(|s| {
            let t = treatment(kind, s.path, w.refuge);
            match s.kind {
                // A district that leaves generalised is not protected; a withheld one is.
                Kind::Outward => t == Treatment::Withhold,
                _ => t != Treatment::Include,
            }
        })
        .collect()
}

/// Included free-text paths a secret was planted into (as the view names them).
const PLANTED: &[&str] = &[
    "client.disabilities",
    "client.agencies_involved",
    "contact[1].safe_times",
    "contact[1].notes",
    "contact[2].safe_times",
    "perpetrator.address",
    "perpetrator.relationship",
    "perpetrator.orders",
    "risk[].judgement_reason",
    "marac[].reason",
    "marac[].actions",
];

fn catalogue_path(shown: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in shown.chars() {
        match c {
            '[' => {
                skipping = true;
                out.push('[');
            }
            ']' => {
                skipping = false;
                out.push(']');
            }
            _ if skipping => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default, Debug)]
struct Counts {
    cases: u64,
    pdf: u64,
    shared: u64,
    refused: u64,
    maskings: u64,
}

fn hex(rng: &mut Rng) -> String {
    (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect()
}

/// The texts of a parsed JSON document: every string value and key.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// Runs one case through the production path and checks it; `pdf_dir` set = PDF.
fn run_case(seed: u64, case: u64, kind: RecipientKind, w: &World, pdf_dir: Option<&Path>, n: &mut Counts) {
    let mut rng = Rng::new(seed ^ case.wrapping_mul(0x9E37_79B9));
    let rec = &w.record;
    let protected = protected_for(kind, w);
    let plant_one = |rng: &mut Rng| -> String {
        let s = &w.secrets[rng.below(w.secrets.len() as u64) as usize];
        pick(rng, &s.forms).clone()
    };
    let purpose = format!("{} {}", filler(&mut rng, 2), plant_one(&mut rng));
    let recipient_name = format!("DC {} {}", plant_one(&mut rng), filler(&mut rng, 1));
    let excerpts: Vec<usize> = (1..=3).filter(|_| rng.below(3) > 0).collect();
    let file_name = if rng.below(50) == 0 {
        format!("{}.json", plant_one(&mut rng).replace('/', "-"))
    } else {
        format!("disclosure-{case}.json")
    };
    let opts = RedactOptions {
        excerpts: excerpts.clone(),
        caseworker: "cara".into(),
        agency: "Derby Outreach Service".into(),
        risk: Default::default(),
        purpose: purpose.clone(),
        recipient_name: Some(recipient_name.clone()),
        ..Default::default()
    };
    let today = Date::parse("2026-11-23").unwrap();
    let env = Envelope {
        disclosure_id: case as i64 + 1,
        log_chain_head: hex(&mut rng),
        vault_root_key: hex(&mut rng),
        made_at: "2026-11-23T10:00:00Z".into(),
        made_by: "cara".into(),
        agency: "Derby Outreach Service".into(),
        referrer: None,
    };
    let format = if pdf_dir.is_some() { Format::Pdf } else { Format::Json };
    let what =
        |s: &Secret| format!("seed {seed:#x} case {case} {kind} {format:?}: {:?} from {}", s.kind, s.path);
    n.cases += 1;
    n.pdf += u64::from(pdf_dir.is_some());
    let result = policy::redact(rec, kind, &opts, today)
        .and_then(|view| export::render_checked(format, &view, &env, &file_name).map(|bytes| (view, bytes)));
    let (view, bytes) = match result {
        Err(e) => {
            n.refused += 1;
            let msg = e.to_string();
            for s in &protected {
                assert!(!holds(&msg, s), "a refusal names a protected value: {}", what(s));
            }
            return;
        }
        Ok(x) => x,
    };
    n.shared += 1;
    n.maskings += view.masked().len() as u64;
    if let Some(dir) = pdf_dir {
        let path = dir.join(format!("case-{case}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        let text = pdftotext(&path);
        std::fs::remove_file(&path).unwrap();
        let one_line = Normal::of(&text.split_whitespace().collect::<Vec<_>>().join(" "));
        // The bytes, lower-cased once (std's search is fast even in a debug build).
        let bytes_lower = String::from_utf8_lossy(&bytes).to_lowercase();
        for s in &protected {
            assert!(!one_line.holds(s), "in the PDF's text: {}", what(s));
            for raw in &s.raw {
                assert!(!bytes_lower.contains(&raw.to_lowercase()), "in the PDF's bytes: {}", what(s));
            }
        }
    } else {
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let mut texts = Vec::new();
        strings(&doc, &mut texts);
        let normal: Vec<Normal> = texts.iter().map(|t| Normal::of(t)).collect();
        for s in &protected {
            assert!(!normal.iter().any(|t| t.holds(s)), "in the JSON: {}", what(s));
        }
    }
    // Every included text that had a protected value planted in it records a masking.
    if !protected.is_empty() {
        let masked: BTreeSet<&str> = view.masked().iter().map(|m| m.path.as_str()).collect();
        let raw_texts: BTreeMap<String, String> = [
            ("purpose".to_string(), purpose.clone()),
            ("recipient_name".to_string(), recipient_name.clone()),
        ]
        .into_iter()
        .chain(excerpts.iter().map(|id| (format!("note[{id}].text"), rec.notes[id - 1].text.clone())))
        .chain(PLANTED.iter().filter_map(|p| planted_text(rec, p).map(|t| (p.to_string(), t))))
        .collect();
        for (path, raw) in &raw_texts {
            let included = path == "purpose"
                || path == "recipient_name"
                || path.starts_with("note[")
                || treatment(kind, &catalogue_path(path), w.refuge) == Treatment::Include;
            let raw = Normal::of(raw);
            if let (true, Some(s)) = (included, protected.iter().find(|s| raw.holds(s))) {
                assert!(masked.contains(path.as_str()), "no masking recorded at {path}: {}", what(s));
            }
        }
    }
}

fn planted_text(rec: &ClientRecord, path: &str) -> Option<String> {
    let perp = rec.perpetrator.as_ref();
    match path {
        "client.disabilities" => rec.disabilities.clone(),
        "client.agencies_involved" => rec.agencies_involved.clone(),
        "contact[1].safe_times" => rec.contacts.first().and_then(|c| c.safe_times.clone()),
        "contact[1].notes" => rec.contacts.first().and_then(|c| c.notes.clone()),
        "contact[2].safe_times" => rec.contacts.get(1).and_then(|c| c.safe_times.clone()),
        "perpetrator.address" => perp.and_then(|p| p.address.clone()),
        "perpetrator.relationship" => perp.and_then(|p| p.relationship.clone()),
        "perpetrator.orders" => perp.and_then(|p| p.orders.clone()),
        "risk[].judgement_reason" => rec.risk.last().and_then(|r| r.judgement_reason.clone()),
        "marac[].reason" => rec.marac.last().map(|m| m.reason.clone()),
        "marac[].actions" => {
            rec.marac.last().and_then(|m| m.actions.first()).and_then(|a| a.description.clone())
        }
        _ => None,
    }
}

#[test]
fn no_protected_value_leaves_in_any_written_form() {
    let seed = env_u64("CASEKEEP_FIREWALL_SEED", 0x000F_1BE5);
    // 9,500 JSON and 500 PDF cases: 10,000 in CI.
    let json_cases = env_u64("CASEKEEP_FIREWALL_CASES", 9_500);
    let pdf_default = if std::env::var("CASEKEEP_FIREWALL_CASES").is_ok() { 0 } else { 500 };
    let pdf_cases = env_u64("CASEKEEP_FIREWALL_PDF_CASES", pdf_default);
    let kinds = RecipientKind::ALL;
    let per_world = kinds.len() as u64;
    let json_worlds = json_cases.div_ceil(per_world);
    let worlds = json_worlds + pdf_cases.div_ceil(per_world);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u64).min(8);
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    // Each record comes from its own seeded stream, so a case replays alone from
    // (seed, case) whatever the number of threads.
    let n = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let dir = tmp.path();
                scope.spawn(move || {
                    let mut n = Counts::default();
                    for wi in (t..worlds).step_by(threads as usize) {
                        let w = world(&mut Rng::new(seed ^ (wi + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
                        let pdf = (wi >= json_worlds).then_some(dir);
                        for (k, kind) in kinds.iter().enumerate() {
                            run_case(seed, wi * per_world + k as u64, *kind, &w, pdf, &mut n);
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).fold(Counts::default(), |a, b| Counts {
            cases: a.cases + b.cases,
            pdf: a.pdf + b.pdf,
            shared: a.shared + b.shared,
            refused: a.refused + b.refused,
            maskings: a.maskings + b.maskings,
        })
    });
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "firewall corpus: seed {seed:#x}, {threads} threads: {} cases ({} PDF) in {secs:.1} s ({:.0} cases/s): {} shared, {} refused, {} maskings",
        n.cases,
        n.pdf,
        n.cases as f64 / secs,
        n.shared,
        n.refused,
        n.maskings
    );
    assert!(n.cases >= json_cases + pdf_cases && n.pdf >= pdf_cases, "{n:?}");
    // The corpus must exercise both outcomes, or it tests nothing.
    assert!(n.shared > n.cases / 2, "most shares should go ahead masked: {n:?}");
    assert!(n.cases < 1000 || n.refused > 0, "some shares should be refused: {n:?}");
    assert!(n.maskings > n.shared, "shares should carry maskings: {n:?}");
}

// ---------------------------------------------------------------------------------------
// Through a real vault and `Session::share`, for each profile × consent state

/// A refuge client whose protected values (refuge street, postcode, code word, phone,
/// immigration status) are also written into included free text.
const PLANTED_CLIENT: &str = r#"{
  "full_name": "Bea Sample",
  "date_of_birth": "1991-02-03",
  "address": "Flat 4, 12 Wrenfield Road, Allestree, Derby",
  "postcode": "DE22 2QX",
  "address_is_refuge": true,
  "immigration_status": "spouse visa pending",
  "disabilities": "hearing loss; the code word is foxglove",
  "contacts": [
    {"channel": "phone", "value": "07700 900417", "code_word": "foxglove",
     "safe_times": "weekday mornings, not at 12 Wrenfield Rd"}
  ],
  "perpetrator": {"full_name": "Dale Other", "relationship": "ex-partner",
                  "orders": "non-molestation order: keep away from Wrenfield Road and DE22 2QX; no calls to 07700 900417"},
  "notes": [{"text": "Moved in; code word foxglove; her number is 07700 900417; status spouse visa pending."}]
}"#;

/// (kind, normal form) of the values above that must never leave to MARAC, and which
/// must never be in the log body either.
fn planted_client_secrets() -> Vec<Secret> {
    vec![
        Secret {
            kind: Kind::Street,
            path: "client.address",
            norm: folded_words("Wrenfield Road"),
            forms: vec![],
            raw: vec![],
        },
        Secret {
            kind: Kind::Postcode,
            path: "client.postcode",
            norm: "DE222QX".into(),
            forms: vec![],
            raw: vec![],
        },
        Secret {
            kind: Kind::Outward,
            path: "client.postcode",
            norm: "DE22".into(),
            forms: vec![],
            raw: vec![],
        },
        Secret {
            kind: Kind::CodeWord,
            path: "contact[].code_word",
            norm: "foxglove".into(),
            forms: vec![],
            raw: vec![],
        },
        Secret {
            kind: Kind::Immigration,
            path: "client.immigration_status",
            norm: folded_words("spouse visa pending"),
            forms: vec![],
            raw: vec![],
        },
        Secret {
            kind: Kind::Phone,
            path: "contact[].value",
            norm: "7700900417".into(),
            forms: vec![],
            raw: vec![],
        },
    ]
}

#[test]
fn every_profile_and_consent_state_masks_and_records_or_refuses_with_nothing_written() {
    use casekeep::casework::consent::ConsentInput;
    use casekeep::log::vocab::LawfulBasis;
    use casekeep::log::vocab::{ConsentMethod, ConsentState};
    use casekeep::log::{self, Kind as LogKind};
    use casekeep::sharing::share::ShareRequest;

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    fast_vault(&dir);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.set_agency("Derby Outreach Service").unwrap();
    drop(mo);
    let mut s = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let client = s.add_client(PLANTED_CLIENT.as_bytes()).unwrap();
    let secrets = planted_client_secrets();
    let states: [Option<ConsentState>; 6] = [
        None,
        Some(ConsentState::Given),
        Some(ConsentState::Refused),
        Some(ConsentState::Withdrawn),
        Some(ConsentState::NotSought),
        Some(ConsentState::LacksCapacity),
    ];
    let entries = |s: &mut casekeep::Session| log::list(s.raw_connection(), None, None).unwrap().len();
    let mut n = 0;
    for kind in RecipientKind::ALL {
        let protected: Vec<&Secret> = secrets
            .iter()
            .filter(|x| match x.kind {
                Kind::Outward => treatment(*kind, x.path, true) == Treatment::Withhold,
                _ => treatment(*kind, x.path, true) != Treatment::Include,
            })
            .collect();
        for state in states {
            n += 1;
            if let Some(state) = state {
                let reason =
                    (state == ConsentState::NotSought).then(|| "not safe to ask at this time".to_string());
                s.record_consent(
                    client,
                    ConsentInput {
                        recipient: *kind,
                        state,
                        method: ConsentMethod::Verbal,
                        purpose: None,
                        reason,
                        review_on: None,
                    },
                )
                .unwrap();
            }
            let mut req =
                ShareRequest::on_consent(client, *kind, "safety planning, see foxglove arrangements");
            req.recipient_name = Some("duty officer for Wrenfield Road area".into());
            req.excerpts = vec![1];
            if state != Some(ConsentState::Given) {
                req.lawful_basis = Some(LawfulBasis::SafeguardingAdult);
                req.justification = Some("risk of serious harm is high and imminent".into());
                req.emergency = true;
            }
            let what = format!("{kind} with consent {state:?}");
            // A file name holding the code word: refused, no file, no log entry.
            let before = entries(&mut s);
            let bad = tmp.path().join(format!("foxglove-{n}.json"));
            let e = s.share(&req, Format::Json, &bad).unwrap_err();
            assert!(e.to_string().contains("the file name"), "{what}: {e}");
            assert!(!bad.exists(), "{what}: a refused share left a file");
            assert_eq!(entries(&mut s), before, "{what}: a refused share wrote to the log");

            // The same share to a plain name: masked, and the maskings recorded.
            let out = tmp.path().join(format!("share-{n}.json"));
            let receipt = s.share(&req, Format::Json, &out).unwrap();
            let doc: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
            let mut texts = Vec::new();
            strings(&doc, &mut texts);
            let decision = log::list(s.raw_connection(), Some(client.0), Some(LogKind::Decision))
                .unwrap()
                .into_iter()
                .find(|e| e.seq == receipt.decision_id)
                .unwrap();
            let body = decision.body.to_string();
            for x in &protected {
                for t in &texts {
                    assert!(!holds(t, x), "{what}: {:?} in the file", x.kind);
                }
                assert!(!holds(&body, x), "{what}: {:?} in the disclosure record", x.kind);
            }
            let masked = decision.body["masked"].as_array().unwrap();
            let has = |path: &str, k: &str| masked.iter().any(|m| m["path"] == path && m["kind"] == k);
            assert!(has("purpose", "code_word"), "{what}: purpose masking not recorded: {masked:?}");
            assert!(has("note[1].text", "code_word"), "{what}: excerpt masking not recorded");
            if treatment(*kind, "perpetrator.orders", true) == Treatment::Include {
                assert!(has("perpetrator.orders", "address"), "{what}: orders masking not recorded");
            }
            assert!(masked.iter().all(|m| m.as_object().unwrap().len() == 2), "{what}: a masking holds more");
            assert!(decision.body["firewall_version"].is_u64(), "{what}");

            // The preview shows exactly what left: fields, excerpts, purpose, name, maskings.
            let preview = s.share_preview(&req).unwrap();
            let row = |f: &Value| {
                json!([
                    f["path"],
                    f.get("item").cloned().unwrap_or(Value::Null),
                    f["label"],
                    f["value"],
                    f["treatment"]
                ])
            };
            // (The file lists contacts apart, as `do_not_contact` and `safe_contacts`.)
            let shown: Vec<Value> = preview["will_share"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| !f["path"].as_str().unwrap().starts_with("contact[]"))
                .map(row)
                .collect();
            let sent: Vec<Value> = doc["fields"].as_array().unwrap().iter().map(row).collect();
            assert_eq!(shown, sent, "{what}: the preview's fields differ from the file's");
            assert_eq!(preview["do_not_contact"], doc["do_not_contact"], "{what}: do-not-contact differs");
            assert_eq!(preview["safe_contacts"], doc["safe_contacts"], "{what}: safe contacts differ");
            assert_eq!(preview["excerpts"], doc["excerpts"], "{what}: excerpts differ");
            assert_eq!(preview["purpose"], doc["purpose"], "{what}: purpose differs");
            assert_eq!(preview["recipient_name"], doc["recipient_name"], "{what}: recipient name differs");
            assert_eq!(preview["masked"], decision.body["masked"], "{what}: maskings differ");
        }
    }
}
