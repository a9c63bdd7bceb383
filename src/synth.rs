//! A deterministic, seeded generator of synthetic caseloads, for benchmarks at scale.
//!
//! Every value is made up: names are drawn from short lists of common given names and
//! surnames, addresses from invented streets, phone numbers only from Ofcom's drama range
//! 07700 900000–900999, e-mail addresses only at `example.org`. Client `i` of seed `s` is
//! the same on every machine and in every run (its own PRNG stream, seeded from `s` and
//! `i`), whatever else was generated before it.
//!
//! Shapes per client: 1–3 safe contacts (the first always a phone), 0–4 children, a
//! perpetrator most of the time, 1–3 risk assessments, 1–6 notes; 1–4 consent entries,
//! [`DECISIONS_PER_CLIENT`] decisions and [`AUDITS_PER_CLIENT`] audit events in the log.

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};

use crate::casework::consent::GENERAL_PURPOSE;
use crate::log::event::Consent;
use crate::log::vocab::{ConsentMethod, ConsentState, RecipientKind};
use crate::log::Kind;
use crate::record::Date;

pub const DECISIONS_PER_CLIENT: usize = 10;
pub const AUDITS_PER_CLIENT: usize = 100;

/// SplitMix64: tiny, fast, and good enough to shape synthetic data (never for secrets).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len() as u64) as usize).copied().unwrap_or("")
    }

    /// An index drawn with the given relative weights.
    pub fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        0
    }
}

const GIVEN: &[&str] = &[
    "Ada", "Alice", "Amara", "Amy", "Anna", "Aisha", "Beth", "Bea", "Carla", "Chloe", "Cleo", "Dina", "Ella",
    "Emma", "Eve", "Fatima", "Fay", "Gemma", "Gita", "Grace", "Hana", "Hannah", "Holly", "Iris", "Jade",
    "Jess", "Jo", "Kemi", "Kate", "Laura", "Lena", "Lucy", "Maya", "Megan", "Mia", "Nadia", "Nina", "Olivia",
    "Priya", "Rosa", "Ruth", "Sara", "Sophie", "Tara", "Una", "Vera", "Zoe", "Zara", "Sam", "Alex",
];
const SURNAMES: &[&str] = &[
    "Example",
    "Sample",
    "Specimen",
    "Testcase",
    "Placeholder",
    "Fictional",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Lewis",
    "Hughes",
    "Edwards",
    "Turner",
    "Hill",
    "Moore",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Harris",
];
const CHILD_GIVEN: &[&str] = &[
    "Sam", "Leo", "Mia", "Noah", "Lily", "Theo", "Isla", "Finn", "Ava", "Oscar", "Ruby", "Max", "Evie",
    "Jack", "Poppy", "Alfie", "Freya", "Ollie", "Rosie", "Zain",
];
const PERP_GIVEN: &[&str] =
    &["Lee", "Dan", "Mark", "Chris", "Paul", "Gary", "Ryan", "Jay", "Tom", "Kyle", "Dean", "Scott"];
const STREETS: &[&str] = &[
    "Example Road",
    "Sample Street",
    "Placeholder Lane",
    "Fictional Avenue",
    "Specimen Close",
    "Testcase Way",
    "Imaginary Crescent",
    "Notreal Terrace",
    "Madeup Grove",
    "Synthetic Drive",
];
/// (town, postcode outward codes)
const TOWNS: &[(&str, &[&str])] = &[
    ("Derby", &["DE1", "DE22", "DE23", "DE24"]),
    ("Nottingham", &["NG1", "NG5", "NG7", "NG9"]),
    ("Leicester", &["LE1", "LE2", "LE3", "LE4"]),
    ("Sheffield", &["S1", "S2", "S10", "S11"]),
    ("Leeds", &["LS1", "LS6", "LS8", "LS11"]),
];
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const RELATIONSHIPS: &[&str] =
    &["ex-partner", "partner", "husband", "ex-husband", "son", "father", "brother"];
const SCHOOLS: &[&str] = &["Example Primary", "Sample Academy", "Placeholder Infants", "Fictional High"];
const SAFE_TIMES: &[&str] =
    &["Mon-Fri 10:00-12:00", "weekday mornings", "after 19:00", "Tue and Thu 13:00-15:00", "any time"];
const CODE_WORDS: &[&str] = &["bluebell", "lantern", "harbour", "teapot", "meadow", "violet"];
const NOTE_PARTS: &[&str] = &[
    "Spoke with the client by phone at the agreed safe time.",
    "Client attended the outreach clinic.",
    "Safety plan reviewed together; no changes needed.",
    "Client reports increased contact from the perpetrator via social media.",
    "Referred to the housing options team.",
    "Discussed the non-molestation order process.",
    "Children are attending school regularly.",
    "Client declined a refuge space for now.",
    "Agreed to speak again next week.",
    "Police attended an incident at the address.",
    "Client would like support with benefits.",
    "Code word confirmed; voicemail is not safe.",
];
const CHANGED_FIELDS: &[&str] = &[
    "client.address",
    "client.postcode",
    "contact[].value",
    "contact[].review_due",
    "contact[].last_confirmed",
    "note[]",
    "risk[]",
    "child[].school",
    "perpetrator.orders",
];

/// The generator: a seed and the day the caseload is built around.
#[derive(Clone, Debug)]
pub struct Synth {
    seed: u64,
    today: NaiveDate,
}

/// A log entry the generator wants written for a client.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthEvent {
    pub kind: Kind,
    pub event: &'static str,
    pub body: Value,
}

impl Synth {
    pub fn new(seed: u64, today: Date) -> Synth {
        Synth { seed, today: today.0 }
    }

    fn rng(&self, i: usize, stream: u64) -> Rng {
        let mut r =
            Rng::new(self.seed ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03) ^ stream.rotate_left(32));
        r.next_u64();
        r
    }

    fn day(&self, offset: i64) -> String {
        let d = if offset >= 0 {
            self.today.checked_add_days(Days::new(offset as u64))
        } else {
            self.today.checked_sub_days(Days::new(offset.unsigned_abs()))
        };
        d.unwrap_or(self.today).format("%Y-%m-%d").to_string()
    }

    /// Client `i` as the JSON that `client add` takes.
    pub fn client(&self, i: usize) -> Value {
        let mut r = self.rng(i, 1);
        let given = r.pick(GIVEN);
        let surname = r.pick(SURNAMES);
        let (town, districts) =
            TOWNS.get(r.below(TOWNS.len() as u64) as usize).copied().unwrap_or(("Derby", &["DE1"]));
        let inward = |r: &mut Rng| {
            let a =
                INWARD_LETTERS.get(r.below(INWARD_LETTERS.len() as u64) as usize).copied().unwrap_or(b'A');
            let b =
                INWARD_LETTERS.get(r.below(INWARD_LETTERS.len() as u64) as usize).copied().unwrap_or(b'A');
            format!("{}{}{}", r.below(10), a as char, b as char)
        };
        let postcode = format!("{} {}", r.pick(districts), inward(&mut r));
        let date_of_birth = self.day(-r.range(18 * 365, 70 * 365));
        let gender =
            ["female", "male", "non-binary"].get(r.weighted(&[90, 8, 2])).copied().unwrap_or("female");
        let mut rec = json!({
            "full_name": format!("{given} {surname}"),
            "date_of_birth": date_of_birth,
            "gender": gender,
            "address": format!("{} {}, {town}", r.range(1, 250), r.pick(STREETS)),
            "postcode": postcode,
            "address_is_refuge": r.chance(10),
        });
        let obj = match rec.as_object_mut() {
            Some(o) => o,
            None => return rec,
        };
        if r.chance(30) {
            obj.insert("preferred_name".into(), json!(given));
        }
        if r.chance(20) {
            obj.insert(
                "immigration_status".into(),
                json!(r.pick(&["settled", "pre-settled", "visa", "not known"])),
            );
        }
        if r.chance(8) {
            obj.insert("pregnant".into(), json!(true));
        }
        if r.chance(15) {
            obj.insert("disabilities".into(), json!("Synthetic: uses a hearing aid."));
        }
        if r.chance(40) {
            obj.insert("agencies_involved".into(), json!("Children's social care; housing options"));
        }

        let n_contacts = 1 + r.weighted(&[45, 40, 15]);
        let contacts: Vec<Value> = (0..n_contacts)
            .map(|k| {
                let channel = if k == 0 {
                    "phone"
                } else {
                    ["phone", "sms", "email"].get(r.weighted(&[50, 25, 25])).copied().unwrap_or("phone")
                };
                let value = match channel {
                    "email" => format!("client{}.{k}@example.org", i),
                    _ => format!("07700 900{:03}", r.below(1000)),
                };
                let confirmed = r.range(1, 180);
                let mut c = json!({
                    "channel": channel,
                    "value": value,
                    "safe_times": r.pick(SAFE_TIMES),
                    "voicemail_ok": r.chance(30),
                    "may_identify_agency": r.chance(40),
                    "last_confirmed": self.day(-confirmed),
                    "review_due": self.day(-confirmed + r.range(28, 120)),
                });
                if let Some(o) = c.as_object_mut() {
                    if k == 0 || r.chance(50) {
                        o.insert("code_word".into(), json!(r.pick(CODE_WORDS)));
                    }
                    if k > 0 && r.chance(20) {
                        o.insert("do_not_use".into(), json!(true));
                        o.insert("notes".into(), json!("Synthetic: the perpetrator may see this channel."));
                    }
                }
                c
            })
            .collect();
        obj.insert("contacts".into(), Value::Array(contacts));

        let n_children = r.weighted(&[30, 30, 25, 10, 5]);
        let children: Vec<Value> = (0..n_children)
            .map(|_| {
                let mut c = json!({
                    "full_name": format!("{} {surname}", r.pick(CHILD_GIVEN)),
                    "date_of_birth": self.day(-r.range(30, 17 * 365)),
                    "lives_with_client": r.chance(85),
                });
                if let Some(o) = c.as_object_mut() {
                    if r.chance(70) {
                        o.insert("school".into(), json!(r.pick(SCHOOLS)));
                    }
                    if r.chance(10) {
                        o.insert("protection_plan".into(), json!(true));
                    }
                }
                c
            })
            .collect();
        obj.insert("children".into(), Value::Array(children));

        if r.chance(85) {
            obj.insert(
                "perpetrator".into(),
                json!({
                    "full_name": format!("{} {}", r.pick(PERP_GIVEN), r.pick(SURNAMES)),
                    "relationship": r.pick(RELATIONSHIPS),
                }),
            );
        }

        let n_risk = 1 + r.weighted(&[50, 35, 15]);
        let risk: Vec<Value> = (0..n_risk)
            .map(|_| {
                let yes = r.range(2, 20) as u64;
                let answers: Vec<&str> = (0..24u64)
                    .map(|_| {
                        let roll = r.below(24);
                        if roll < yes {
                            "yes"
                        } else if roll == 23 {
                            "not_known"
                        } else {
                            "no"
                        }
                    })
                    .collect();
                let judgement = r.chance(5);
                let mut e = json!({
                    "date": self.day(-r.range(0, 700)),
                    "answers": answers,
                    "professional_judgement": judgement,
                    "police_incidents_12m": r.range(0, 5),
                });
                if judgement {
                    if let Some(o) = e.as_object_mut() {
                        o.insert("judgement_reason".into(), json!("Synthetic: escalating threats."));
                    }
                }
                e
            })
            .collect();
        obj.insert("risk".into(), Value::Array(risk));

        let n_notes = 1 + r.below(6);
        let notes: Vec<Value> = (0..n_notes)
            .map(|_| {
                let parts = 1 + r.below(3);
                let text: Vec<&str> = (0..parts).map(|_| r.pick(NOTE_PARTS)).collect();
                json!({ "date": self.day(-r.range(0, 700)), "text": text.join(" ") })
            })
            .collect();
        obj.insert("notes".into(), Value::Array(notes));
        rec
    }

    /// The log entries for client `i` besides its `client_added`: consents, then
    /// decisions and audit events in the order they are to be written.
    pub fn events(&self, i: usize, user: &str) -> Vec<SynthEvent> {
        let mut r = self.rng(i, 2);
        let mut out = Vec::with_capacity(4 + DECISIONS_PER_CLIENT + AUDITS_PER_CLIENT);
        let n_consents = 1 + r.below(4);
        for k in 0..n_consents {
            // The first consent is always for MARAC (so a MARAC export is usually possible).
            let recipient = if k == 0 {
                RecipientKind::Marac
            } else {
                RecipientKind::ALL
                    .get(r.below(RecipientKind::ALL.len() as u64) as usize)
                    .copied()
                    .unwrap_or(RecipientKind::Marac)
            };
            let state = [ConsentState::Given, ConsentState::Refused, ConsentState::NotSought]
                .get(r.weighted(&[75, 15, 10]))
                .copied()
                .unwrap_or(ConsentState::Given);
            let consent = Consent {
                recipient,
                purpose: GENERAL_PURPOSE.into(),
                purpose_text: None,
                state,
                method: if r.chance(70) { ConsentMethod::Verbal } else { ConsentMethod::Written },
                reason: (state == ConsentState::NotSought)
                    .then(|| "Synthetic: not safe to ask today.".into()),
                review_on: (state == ConsentState::Given)
                    .then(|| self.today.checked_add_days(Days::new(r.range(1, 91) as u64)).map(Date))
                    .flatten(),
                recorded_by: user.into(),
            };
            out.push(SynthEvent {
                kind: Kind::Consent,
                event: "consent_recorded",
                body: serde_json::to_value(&consent).unwrap_or(Value::Null),
            });
        }
        let mut decisions = 0;
        let mut audits = 0;
        while decisions < DECISIONS_PER_CLIENT || audits < AUDITS_PER_CLIENT {
            let left_d = (DECISIONS_PER_CLIENT - decisions) as u64;
            let left_a = (AUDITS_PER_CLIENT - audits) as u64;
            if r.below(left_d + left_a) < left_d {
                decisions += 1;
                out.push(self.decision(&mut r, user));
            } else {
                audits += 1;
                out.push(if r.chance(80) {
                    SynthEvent {
                        kind: Kind::Audit,
                        event: "client_viewed",
                        body: json!({ "read": "summary" }),
                    }
                } else {
                    let n = 1 + r.below(3);
                    let mut fields: Vec<&str> = (0..n).map(|_| r.pick(CHANGED_FIELDS)).collect();
                    fields.sort_unstable();
                    fields.dedup();
                    SynthEvent {
                        kind: Kind::Audit,
                        event: "client_changed",
                        body: json!({ "fields": fields }),
                    }
                });
            }
        }
        out
    }

    fn decision(&self, r: &mut Rng, user: &str) -> SynthEvent {
        let recipient = RecipientKind::ALL
            .get(r.below(RecipientKind::ALL.len() as u64) as usize)
            .copied()
            .unwrap_or(RecipientKind::Marac);
        if r.chance(25) {
            return SynthEvent {
                kind: Kind::Decision,
                event: "decline",
                body: json!({
                    "decision": "decline",
                    "recipient": recipient,
                    "purpose": "information request",
                    "reason": "Synthetic: the request did not show a need to know.",
                    "consent_state": "refused",
                    "made_by": user,
                }),
            };
        }
        let sha: String = (0..4).map(|_| format!("{:016x}", r.next_u64())).collect();
        SynthEvent {
            kind: Kind::Decision,
            event: "share",
            body: json!({
                "decision": "share",
                "recipient": recipient,
                "recipient_name": null,
                "purpose": if recipient == RecipientKind::Marac { "MARAC referral" } else { "safeguarding" },
                "consent_state": "given",
                "consent_entry": null,
                "allowed_by": "consent",
                "lawful_basis": null,
                "justification": null,
                "emergency": false,
                "approval": "not_required",
                "approved_by": null,
                "told": "yes",
                "advice": null,
                "fields_shared": ["client.full_name", "client.date_of_birth", "contact[].value"],
                "fields_withheld": [{"path": "client.health_notes", "reason": "not needed by this recipient"}],
                "excerpts": [],
                "masked": [],
                "firewall_version": crate::support::matcher::FIREWALL_VERSION,
                "format": if r.chance(70) { "pdf" } else { "json" },
                "method": "file export",
                "sha256": sha,
                "chain_head_at_export": "synthetic",
                "profile_version": 1,
                "made_by": user,
                "made_at": self.day(-r.range(0, 700)),
            }),
        }
    }
}

#[cfg(feature = "bench")]
pub use populate::{populate, Populated};

#[cfg(feature = "bench")]
mod populate {
    use super::Synth;
    use crate::log::Event;
    use crate::support::error::Result;
    use crate::vault::Session;

    /// How many clients and log entries [`populate`] wrote.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Populated {
        pub clients: usize,
        pub log_entries: usize,
    }

    /// Clients added per batch; their log entries go in one transaction, interleaved.
    const BATCH: usize = 250;

    /// Fills an (empty) vault with clients `0..clients` of `synth`: each client through
    /// [`Session::add_client`], its consents, decisions and audit events each parsed into
    /// its [`Event`] and appended through the session ([`crate::log::append_event`]: every
    /// entry chained and signed by the session's user), many entries to a transaction. Synchronous commit is off while it runs and restored
    /// (`FULL`) afterwards: a crash can lose the synthetic data, nothing else. Bench
    /// builds only.
    pub fn populate(
        session: &mut Session,
        synth: &Synth,
        clients: usize,
        progress: &mut dyn FnMut(Populated),
    ) -> Result<Populated> {
        session.conn().execute_batch("PRAGMA synchronous = OFF;")?;
        let result = fill(session, synth, clients, progress);
        let restored =
            session.conn().execute_batch("PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE);");
        let done = result?;
        restored?;
        Ok(done)
    }

    fn fill(
        session: &mut Session,
        synth: &Synth,
        clients: usize,
        progress: &mut dyn FnMut(Populated),
    ) -> Result<Populated> {
        let user = session.user().name.clone();
        let mut done = Populated::default();
        let mut start = 0;
        while start < clients {
            let end = (start + BATCH).min(clients);
            let mut batch = Vec::with_capacity(end - start);
            for i in start..end {
                let id = session.add_client(synth.client(i).to_string().as_bytes())?;
                done.log_entries += 1;
                batch.push((id, synth.events(i, &user)));
            }
            done.log_entries += session.write(|tx, s| {
                let mut n = 0;
                let longest = batch.iter().map(|(_, e)| e.len()).max().unwrap_or(0);
                for k in 0..longest {
                    for (id, events) in &batch {
                        if let Some(e) = events.get(k) {
                            s.append(tx, Some(id.0), &Event::parse(e.event, &e.body)?)?;
                            n += 1;
                        }
                    }
                }
                Ok(n)
            })?;
            done.clients = end;
            start = end;
            progress(done);
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{is_drama_number, normalise_phone, ClientPatch, ClientRecord};

    fn synth(seed: u64) -> Synth {
        Synth::new(seed, Date::parse("2026-06-15").unwrap())
    }

    #[test]
    fn same_seed_same_caseload_other_seed_another() {
        let (a, b, c) = (synth(7), synth(7), synth(8));
        for i in [0, 1, 17, 999, 123_456] {
            assert_eq!(a.client(i), b.client(i));
            assert_eq!(a.events(i, "worker"), b.events(i, "worker"));
        }
        let differs = (0..20).filter(|i| a.client(*i) != c.client(*i)).count();
        assert!(differs >= 19, "another seed gives other clients");
        // A client does not depend on what was generated before it.
        let _ = a.client(5);
        assert_eq!(a.client(6), synth(7).client(6));
    }

    #[test]
    fn shapes_are_within_the_stated_ranges_and_every_record_validates() {
        let s = synth(42);
        let today = Date::parse("2026-06-15").unwrap();
        let mut children_seen = [0usize; 5];
        for i in 0..400 {
            let v = s.client(i);
            let contacts = v["contacts"].as_array().unwrap();
            assert!((1..=3).contains(&contacts.len()));
            let children = v["children"].as_array().unwrap().len();
            assert!(children <= 4);
            children_seen[children] += 1;
            for c in contacts {
                let value = c["value"].as_str().unwrap();
                match c["channel"].as_str().unwrap() {
                    "phone" | "sms" => {
                        assert!(value.starts_with("07700 900") && value.len() == 12, "{value}");
                        assert!(is_drama_number(&normalise_phone(value).unwrap()));
                    }
                    "email" => assert!(value.ends_with("@example.org")),
                    other => panic!("unexpected channel {other}"),
                }
            }
            // The record passes the same validation as a person's input.
            let patch: ClientPatch = serde_json::from_value(v).unwrap();
            patch.apply(&mut ClientRecord::default(), "worker", today).unwrap();

            let events = s.events(i, "worker");
            let count = |k: Kind| events.iter().filter(|e| e.kind == k).count();
            assert_eq!(count(Kind::Decision), DECISIONS_PER_CLIENT);
            assert_eq!(count(Kind::Audit), AUDITS_PER_CLIENT);
            assert!((1..=4).contains(&count(Kind::Consent)));
            for e in events.iter().filter(|e| e.kind == Kind::Consent) {
                let _: Consent = serde_json::from_value(e.body.clone()).unwrap();
            }
        }
        assert!(children_seen.iter().all(|n| *n > 0), "every number of children 0–4 occurs");
    }

    #[test]
    fn prng_is_uniform_enough() {
        let mut r = Rng::new(1);
        let mut buckets = [0u32; 10];
        for _ in 0..100_000 {
            buckets[r.below(10) as usize] += 1;
        }
        assert!(buckets.iter().all(|b| (9_000..11_000).contains(b)), "{buckets:?}");
    }
}
