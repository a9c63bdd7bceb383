//! The disclosure firewall: which values must not leave to a recipient, and the two places
//! they are looked for — every text of the redacted view before rendering (masked, or the
//! share refused), and every string of the rendered file after (any hit refuses).
//!
//! Profiles and hard rules decide by field PATH; the firewall decides by VALUE, so that a
//! refuge address written into a court order's terms, or a code word in the referral
//! reason, does not leave because the field it was written into is included.
//! The rules are documented in docs/SHARING.md ("The firewall").

use std::collections::BTreeSet;

use serde::Serialize;

use super::{RawValue, Treatment};
use crate::record::{postcode_district, Channel, ClientRecord};
use crate::support::error::{Error, Result};
use crate::support::matcher::{outward_codes_in_address, Matcher, Protected, ValueKind};

/// One masking applied to what leaves: where, and what kind of value (never the value).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Masking {
    /// A field path with its item ("perpetrator.orders", "contact[2].safe_times"), an
    /// excerpt ("note[3].text"), "purpose" or "recipient_name".
    pub path: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub kind: ValueKind,
}

/// What became of one field of the record for this recipient.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Fate {
    /// Leaves as recorded.
    Included,
    /// Leaves only generalised or masked: its raw form must not leave.
    Treated,
    /// Does not leave (profile, hard rule, or a treatment that cannot apply).
    Withheld,
}

impl Fate {
    pub(super) fn of(shared: Option<Treatment>) -> Fate {
        match shared {
            Some(Treatment::Include) => Fate::Included,
            Some(_) => Fate::Treated,
            None => Fate::Withheld,
        }
    }
}

const NAME_PATHS: &[&str] =
    &["client.full_name", "client.preferred_name", "child[].full_name", "perpetrator.full_name"];

/// The words of a name that identify on their own: split at spaces and hyphens, ≥ 3
/// letters, folded to lower case.
fn name_words(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '\u{2010}')
        .map(str::trim)
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .map(str::to_lowercase)
}

/// A long free-text value, also cut into its clauses (at , ; . and line ends), so that
/// "asthma" is found when "Asthma; anxiety." was recorded. Clauses with fewer than three
/// letters or digits are too generic to look for.
fn clauses(value: &str) -> Vec<String> {
    let parts: Vec<String> = value
        .split([',', ';', '.', '\n', '\r'])
        .map(str::trim)
        .filter(|p| p.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .map(str::to_string)
        .collect();
    if parts.len() > 1 {
        parts
    } else {
        Vec::new()
    }
}

fn looks_like_phone(value: &str) -> bool {
    value.chars().filter(char::is_ascii_digit).count() >= 7
        && value.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Every value of `rec` that must not leave, given what became of each field for this
/// recipient: each withheld identifying or special-category value (for the client and the
/// people linked to the record), and the raw form of every value that leaves only
/// generalised or masked. `fields` is (path, item, raw value, fate) for every field.
pub(super) fn protected_values(
    rec: &ClientRecord,
    fields: &[(&'static str, Option<usize>, RawValue, Fate)],
) -> Vec<Protected> {
    // Words of names that leave: a withheld name's word that is also one of these (a
    // shared surname) would mask the included name itself.
    let included_name_words: BTreeSet<String> = fields
        .iter()
        .filter(|(p, _, _, f)| *f == Fate::Included && NAME_PATHS.contains(p))
        .filter_map(|(_, _, raw, _)| match raw {
            RawValue::Text(s) => Some(name_words(s).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut out = Vec::new();
    for (path, item, raw, fate) in fields {
        let (RawValue::Text(value), false) = (raw, *fate == Fate::Included) else { continue };
        let source = match item {
            Some(i) => path.replacen("[]", &format!("[{i}]"), 1),
            None => path.to_string(),
        };
        let mut push = |kind: ValueKind, value: &str| {
            out.push(Protected { kind, source: source.clone(), value: value.to_string() })
        };
        match *path {
            p if NAME_PATHS.contains(&p) => {
                push(ValueKind::Name, value);
                for w in name_words(value).filter(|w| !included_name_words.contains(w)) {
                    push(ValueKind::NamePart, &w);
                }
            }
            "client.address" | "perpetrator.address" => {
                push(ValueKind::Address, value);
                // Also the whole value as plain text: the matcher looks for the parts of
                // an address that locate a place, and a value it cannot read as an address
                // ("Unit 0 0") would otherwise not be looked for at all.
                push(ValueKind::Text, value);
                // A refuge's district is withheld too (its postcode field is, by the hard
                // rule); any other address's district may leave as the client's district, so
                // only its full postcode (found by the matcher in the value) is protected.
                if *path == "client.address" && rec.address_is_refuge {
                    for outward in outward_codes_in_address(value) {
                        push(ValueKind::OutwardCode, &outward);
                    }
                }
            }
            "client.postcode" => {
                push(ValueKind::Postcode, value);
                // A district that leaves generalised is not protected; a withheld one is.
                if *fate == Fate::Withheld {
                    if let Some(d) = postcode_district(value) {
                        push(ValueKind::OutwardCode, d);
                    }
                }
            }
            "contact[].value" => {
                let channel = item.and_then(|i| i.checked_sub(1)).and_then(|i| rec.contacts.get(i));
                let kind = if value.contains('@') {
                    ValueKind::Email
                } else if looks_like_phone(value) {
                    ValueKind::Phone
                } else if channel.is_some_and(|c| c.channel == Channel::Post) {
                    ValueKind::Address
                } else {
                    ValueKind::Text
                };
                push(kind, value);
            }
            "contact[].code_word" => push(ValueKind::CodeWord, value),
            "child[].school" => push(ValueKind::School, value),
            "perpetrator.police_reference" | "client.case_reference" => push(ValueKind::Reference, value),
            "client.immigration_status"
            | "client.health_notes"
            | "client.disabilities"
            | "client.ethnicity" => {
                let kind = match *path {
                    "client.immigration_status" => ValueKind::Immigration,
                    "client.ethnicity" => ValueKind::Ethnicity,
                    _ => ValueKind::Health,
                };
                push(kind, value);
                for c in clauses(value) {
                    push(kind, &c);
                }
            }
            // Generic text (safe times, relationship, orders, notes' own fields): not looked
            // for elsewhere; see docs/SHARING.md for why.
            _ => {}
        }
    }
    out
}

/// Fields that identify: a partly masked name, number, postcode, reference or school
/// would mislead, so any protected value found in one refuses the share.
pub(super) fn is_identifier(path: &str) -> bool {
    matches!(
        path,
        "client.full_name"
            | "client.preferred_name"
            | "client.case_reference"
            | "client.postcode"
            | "client.date_of_birth"
            | "contact[].value"
            | "contact[].last_confirmed"
            | "contact[].review_due"
            | "child[].full_name"
            | "child[].date_of_birth"
            | "child[].school"
            | "perpetrator.full_name"
            | "perpetrator.date_of_birth"
            | "perpetrator.police_reference"
    )
}

fn refusal(place: &str, kind: ValueKind, why: &str) -> Error {
    Error::invalid(format!(
        "the share is refused: {place} contains a withheld {} ({why}); change what is shared and preview again",
        kind.label()
    ))
}

/// Masks every protected value in one text that will leave, recording each masking.
/// `identifier` texts are refused on any hit, and a free text left with nothing but masks
/// is refused too (it would tell the reader only that something was hidden there).
pub(super) fn mask_text(
    matcher: &Matcher,
    path: &str,
    text: &str,
    identifier: bool,
    masked: &mut Vec<Masking>,
) -> Result<String> {
    let out = matcher.mask(text);
    let Some(first) = out.hits.first() else { return Ok(text.to_string()) };
    if identifier {
        return Err(refusal(path, first.kind, "a partly masked identifier would mislead"));
    }
    let mut rest = String::new();
    let mut at = 0;
    for h in &out.hits {
        rest.push_str(text.get(at..h.start.max(at)).unwrap_or(""));
        at = at.max(h.end);
    }
    rest.push_str(text.get(at..).unwrap_or(""));
    if !rest.chars().any(char::is_alphanumeric) && !may_leave_wholly_masked(path) {
        return Err(refusal(path, first.kind, "nothing but withheld values would be left"));
    }
    let kinds: BTreeSet<ValueKind> = out.hits.iter().map(|h| h.kind).collect();
    masked.extend(kinds.into_iter().map(|kind| Masking { path: path.to_string(), kind }));
    Ok(out.text)
}

/// Fields that may leave as nothing but a mask: the person causing harm's address, when it
/// is the client's own withheld address (they live together) — "[address withheld]" tells
/// the recipient there is an address and that it cannot be given, which misleads no one,
/// and refusing would stop a MARAC referral for every victim still living with him.
fn may_leave_wholly_masked(path: &str) -> bool {
    path == "perpetrator.address"
}

/// The scan after rendering: any protected value in `text` refuses the share, naming
/// `place` and the kind, never the value.
pub fn scan(matcher: &Matcher, place: &str, text: &str) -> Result<()> {
    match matcher.find(text).first() {
        None => Ok(()),
        Some(h) => Err(refusal(place, h.kind, "found after rendering; nothing was written")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_long_text_and_skip_short_bits() {
        assert_eq!(clauses("Asthma; anxiety. on"), vec!["Asthma".to_string(), "anxiety".to_string()]);
        assert!(clauses("Asthma").is_empty());
    }

    #[test]
    fn name_words_are_three_letters_or_more() {
        let w: Vec<String> = name_words("Jo Smith-Jones").collect();
        assert_eq!(w, vec!["smith".to_string(), "jones".to_string()]);
    }

    fn derived(fields: &[(&'static str, &str, Fate)]) -> Vec<(ValueKind, String)> {
        let rows: Vec<_> =
            fields.iter().map(|(p, v, f)| (*p, None, RawValue::Text((*v).to_string()), *f)).collect();
        protected_values(&ClientRecord::default(), &rows).into_iter().map(|p| (p.kind, p.value)).collect()
    }

    #[test]
    fn a_generalised_postcode_protects_the_full_postcode_and_a_withheld_one_its_district_too() {
        let generalised = derived(&[("client.postcode", "DE1 1AA", Fate::Treated)]);
        assert_eq!(generalised, vec![(ValueKind::Postcode, "DE1 1AA".to_string())]);
        let withheld = derived(&[("client.postcode", "DE1 1AA", Fate::Withheld)]);
        assert!(withheld.contains(&(ValueKind::OutwardCode, "DE1".to_string())), "{withheld:?}");
        assert!(derived(&[("client.postcode", "DE1 1AA", Fate::Included)]).is_empty());
    }

    #[test]
    fn an_address_protects_its_postcode_and_only_a_refuges_protects_the_district() {
        let address = "Flat 2, 10 Example Road, Derby DE1 1AA";
        let rows = [("client.address", None, RawValue::Text(address.to_string()), Fate::Treated)];
        let plain = protected_values(&ClientRecord::default(), &rows);
        assert!(!plain.iter().any(|p| p.kind == ValueKind::OutwardCode), "{plain:?}");
        // The generalised district ("DE1 district") is not masked by the address's matcher.
        let m = Matcher::new(&plain);
        assert!(m.find("DE1 district").is_empty());
        assert!(!m.find("DE1 1AA").is_empty());
        let refuge = ClientRecord { address_is_refuge: true, ..ClientRecord::default() };
        let rows = [("client.address", None, RawValue::Text(address.to_string()), Fate::Withheld)];
        let hidden = protected_values(&refuge, &rows);
        assert!(hidden.iter().any(|p| p.kind == ValueKind::OutwardCode && p.value == "de1"), "{hidden:?}");
    }

    #[test]
    fn a_withheld_name_protects_its_words_except_those_of_shared_names() {
        let p = derived(&[
            ("client.full_name", "Ada Example", Fate::Included),
            ("perpetrator.full_name", "Lee Example", Fate::Withheld),
        ]);
        assert!(p.contains(&(ValueKind::Name, "Lee Example".to_string())), "{p:?}");
        assert!(p.contains(&(ValueKind::NamePart, "lee".to_string())), "{p:?}");
        assert!(!p.iter().any(|(_, v)| v == "example"), "a shared surname must not be protected: {p:?}");
    }

    #[test]
    fn special_categories_are_protected_whole_and_by_clause_and_generic_text_is_not() {
        let p = derived(&[
            ("client.health_notes", "Asthma; anxiety", Fate::Withheld),
            ("contact[].safe_times", "after six", Fate::Withheld),
        ]);
        let health: Vec<&str> =
            p.iter().filter(|(k, _)| *k == ValueKind::Health).map(|(_, v)| v.as_str()).collect();
        assert_eq!(health, vec!["Asthma; anxiety", "Asthma", "anxiety"]);
        assert_eq!(p.len(), 3, "{p:?}");
    }

    #[test]
    fn identifiers_refuse_and_free_text_masks() {
        let m = Matcher::new(&[Protected {
            kind: ValueKind::CodeWord,
            source: "contact[1].code_word".into(),
            value: "bluebell".into(),
        }]);
        let mut masked = Vec::new();
        let t = mask_text(&m, "perpetrator.orders", "Order says bluebell here", false, &mut masked).unwrap();
        assert!(!t.to_lowercase().contains("bluebell"));
        assert_eq!(masked, vec![Masking { path: "perpetrator.orders".into(), kind: ValueKind::CodeWord }]);
        let e = mask_text(&m, "child[1].school", "Bluebell Primary", true, &mut masked).unwrap_err();
        assert!(
            e.to_string().contains("child[1].school") && !e.to_string().to_lowercase().contains("bluebell")
        );
        let e = mask_text(&m, "perpetrator.orders", " Bluebell. ", false, &mut masked).unwrap_err();
        assert!(e.to_string().contains("nothing but withheld"));
        // His address, when it is nothing but a withheld value (hers), leaves masked.
        let t = mask_text(&m, "perpetrator.address", "Bluebell", false, &mut masked).unwrap();
        assert!(t.contains("withheld]") && !t.to_lowercase().contains("bluebell"), "{t}");
    }
}
