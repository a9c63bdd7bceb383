//! The value matcher: finds protected values in text.
//!
//! STAND-IN UNTIL THE MATCHER BRANCH LANDS: exact matching of case-folded values on word
//! boundaries, nothing more. The real matcher (branch `matcher`) replaces this file; the
//! API below is fixed and is all the firewall relies on.

use serde::Serialize;

/// The matcher's version, recorded in every disclosure record.
pub const FIREWALL_VERSION: u32 = 0;

/// What kind of value a protected value is (and so how it may be written).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Phone,
    Email,
    Postcode,
    OutwardCode,
    Address,
    CodeWord,
    Name,
    NamePart,
    Immigration,
    Health,
    Ethnicity,
    Sexuality,
    Religion,
    School,
    Reference,
    Text,
}

impl ValueKind {
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Phone => "phone number",
            ValueKind::Email => "e-mail address",
            ValueKind::Postcode => "postcode",
            ValueKind::OutwardCode => "postcode district",
            ValueKind::Address => "address",
            ValueKind::CodeWord => "code word",
            ValueKind::Name => "name",
            ValueKind::NamePart => "name",
            ValueKind::Immigration => "immigration status",
            ValueKind::Health => "health information",
            ValueKind::Ethnicity => "ethnicity",
            ValueKind::Sexuality => "sexuality",
            ValueKind::Religion => "religion",
            ValueKind::School => "school",
            ValueKind::Reference => "reference",
            ValueKind::Text => "withheld text",
        }
    }
}

/// One value that must not leave.
#[derive(Clone, PartialEq, Eq)]
pub struct Protected {
    pub kind: ValueKind,
    /// The catalogue path it comes from, with the item (e.g. "contact[2].value").
    pub source: String,
    pub value: String,
}

impl std::fmt::Debug for Protected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Protected {{ kind: {:?}, source: {:?}, value: .. }}", self.kind, self.source)
    }
}

/// A match: byte range in the text searched, the kind, and which protected value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub kind: ValueKind,
    pub protected: usize,
}

/// A text with every hit replaced by a marker naming its kind.
#[derive(Clone, Debug)]
pub struct Masked {
    pub text: String,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Debug)]
pub struct Matcher {
    /// (folded value, kind, index into the protected values)
    needles: Vec<(Vec<char>, ValueKind, usize)>,
}

fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase()
}

impl Matcher {
    pub fn new(values: &[Protected]) -> Matcher {
        let mut needles: Vec<(Vec<char>, ValueKind, usize)> = values
            .iter()
            .enumerate()
            .map(|(i, p)| (p.value.trim().chars().flat_map(fold).collect::<Vec<char>>(), p.kind, i))
            .filter(|(n, _, _)| n.iter().filter(|c| c.is_alphanumeric()).count() >= 2)
            .collect();
        needles.sort_by_key(|(n, _, _)| std::cmp::Reverse(n.len()));
        Matcher { needles }
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Non-overlapping hits, longest value first, in text order.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        // Folded characters, each with the byte range of the original character.
        let mut folded: Vec<(char, usize, usize)> = Vec::new();
        for (at, c) in text.char_indices() {
            for f in fold(c) {
                folded.push((f, at, at + c.len_utf8()));
            }
        }
        let word = |c: Option<&(char, usize, usize)>| c.is_some_and(|(c, _, _)| c.is_alphanumeric());
        let mut taken = vec![false; folded.len()];
        let mut hits = Vec::new();
        for (needle, kind, index) in &self.needles {
            let n = needle.len();
            let mut i = 0;
            while i + n <= folded.len() {
                let window = folded.get(i..i + n).unwrap_or(&[]);
                let same = window.iter().map(|(c, _, _)| c).eq(needle.iter());
                let free = taken.get(i..i + n).is_some_and(|t| t.iter().all(|t| !t));
                let bounded = (!needle.first().is_some_and(|c| c.is_alphanumeric())
                    || i == 0
                    || !word(folded.get(i - 1)))
                    && (!needle.last().is_some_and(|c| c.is_alphanumeric()) || !word(folded.get(i + n)));
                if same && free && bounded {
                    if let (Some(first), Some(last)) = (window.first(), window.last()) {
                        hits.push(Hit { start: first.1, end: last.2, kind: *kind, protected: *index });
                    }
                    for t in taken.iter_mut().skip(i).take(n) {
                        *t = true;
                    }
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
        hits.sort_by_key(|h| h.start);
        hits
    }

    pub fn mask(&self, text: &str) -> Masked {
        let hits = self.find(text);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for h in &hits {
            out.push_str(text.get(at..h.start).unwrap_or(""));
            out.push_str(&format!("[{} withheld]", h.kind.label()));
            at = h.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Masked { text: out, hits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_folded_values_on_word_boundaries() {
        let m = Matcher::new(&[Protected {
            kind: ValueKind::CodeWord,
            source: "contact[1].code_word".into(),
            value: "Bluebell".into(),
        }]);
        assert_eq!(m.find("the word is BLUEBELL.").len(), 1);
        assert!(m.find("bluebells2").is_empty());
        assert_eq!(m.mask("Bluebell").text, "[code word withheld]");
    }
}
