//! The disclosure firewall's value matcher: finds protected values in any text however
//! people write them, and masks them (issue 12, item 2; docs/SHARING.md, "How the firewall
//! finds values").
//!
//! Nothing here uses a regular expression over the raw text. The text is first folded, one
//! character at a time and without context, into a stream of units, each keeping the byte
//! span of the original character it came from:
//!
//! - compatibility decomposition (NFKD: fullwidth, superscript, ligature and circled forms
//!   become their plain letters and digits), full lowercase, combining marks dropped (so
//!   diacritics fold: "É" is "e"), a few letters without a decomposition folded by hand
//!   ("ß" "ss", "ø" "o", "ł" "l", "æ" "ae", …);
//! - invisible format characters (zero-width space and joiners, word joiner, BOM, soft
//!   hyphen, bidirectional controls, variation selectors, tags) removed entirely, so they
//!   cannot split a value;
//! - every Unicode decimal digit (Arabic-Indic, Devanagari, Bengali, Thai, fullwidth, …)
//!   mapped to ASCII 0–9.
//!
//! Tokens are maximal runs of alphanumeric units (a character of a script written without
//! spaces between words, such as Chinese or Thai, is a token of its own); everything else
//! separates. A value's street types are matched in every spelling ("road", "rd"). Values
//! are folded the same way, and matched as concatenations of consecutive tokens that start
//! at a token start and end at a token end, so separators of any kind and number between
//! tokens do not matter ("Blue-Bell", "blue bell" and "BLUEBELL" are one code word) while
//! "ash" is never found inside "washing". Phone numbers are compared as digit sequences.
//!
//! Matching walks a trie of the folded values from each token start: O(tokens × depth),
//! where the depth is bounded by [`CHUNK`] (long values are split into chunks).

use std::fmt;

use serde::Serialize;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Version of the matching rules, recorded in each disclosure record. Raise it whenever
/// what the matcher finds changes.
/// 2: a postcode written in an address protects its outward code only for a refuge.
/// 3: the perpetrator's address may leave wholly masked (a home shared with the client).
pub const FIREWALL_VERSION: u32 = 3;

/// What a protected value is: decides how it is matched and what its mask says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    /// Words for people: the mask says `[<label> withheld]`.
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Phone => "phone number",
            ValueKind::Email => "email address",
            ValueKind::Postcode => "postcode",
            ValueKind::OutwardCode => "postcode district",
            ValueKind::Address => "address",
            ValueKind::CodeWord => "code word",
            ValueKind::Name | ValueKind::NamePart => "name",
            ValueKind::Immigration => "immigration status",
            ValueKind::Health => "health information",
            ValueKind::Ethnicity => "ethnicity",
            ValueKind::Sexuality => "sexuality",
            ValueKind::Religion => "religion",
            ValueKind::School => "school",
            ValueKind::Reference => "reference",
            ValueKind::Text => "detail",
        }
    }

    /// Every kind, for tests and the fuzz entry point.
    pub const ALL: [ValueKind; 16] = [
        ValueKind::Phone,
        ValueKind::Email,
        ValueKind::Postcode,
        ValueKind::OutwardCode,
        ValueKind::Address,
        ValueKind::CodeWord,
        ValueKind::Name,
        ValueKind::NamePart,
        ValueKind::Immigration,
        ValueKind::Health,
        ValueKind::Ethnicity,
        ValueKind::Sexuality,
        ValueKind::Religion,
        ValueKind::School,
        ValueKind::Reference,
        ValueKind::Text,
    ];

    /// Fewest alphanumeric characters (after folding) a value of this kind must have to be
    /// matched: shorter values would mask ordinary words and numbers all over a document.
    fn min_chars(self) -> usize {
        match self {
            // Outward codes are as short as "W1", "E1"; they match only as whole tokens.
            ValueKind::CodeWord | ValueKind::OutwardCode => 2,
            ValueKind::Postcode => 5,
            _ => 3,
        }
    }

    /// Whether plural forms ("+s", "+es", "y" to "ies") are matched too (possessives
    /// need nothing: "’" separates, so "bluebell’s" is "bluebell" then "s").
    fn plurals(self) -> bool {
        !matches!(
            self,
            ValueKind::Phone
                | ValueKind::Email
                | ValueKind::Postcode
                | ValueKind::OutwardCode
                | ValueKind::Address
                | ValueKind::Reference
        )
    }
}

/// One value that must not leave, with where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Protected {
    pub kind: ValueKind,
    /// Catalogue path with the item, e.g. `contact[2].value`.
    pub source: String,
    pub value: String,
}

impl fmt::Debug for Protected {
    // Never the value: a Debug print can reach a log or a panic message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protected")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Where a protected value was found: byte offsets into the original text (on character
/// boundaries), the kind of what was found, and the index of the protected value (into
/// the slice given to [`Matcher::new`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub kind: ValueKind,
    pub protected: usize,
}

/// A text with every hit replaced by its mask, and the hits (offsets into the original).
#[derive(Clone, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    pub hits: Vec<Hit>,
}

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Masked").field("chars", &self.text.chars().count()).field("hits", &self.hits).finish()
    }
}

// ---------------------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------------------

/// Invisible format characters: removed entirely (they neither join nor separate).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The code point of digit zero of each block of decimal digits (General_Category Nd);
/// compatibility decomposition already maps a few of them (fullwidth, mathematical).
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
    0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0,
    0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30,
    0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x116D0,
    0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16130, 0x16A60,
    0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0,
    0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// ASCII '0'–'9' for any Unicode decimal digit.
fn decimal_digit(c: char) -> Option<char> {
    let cp = u32::from(c);
    if c.is_ascii_digit() {
        return Some(c);
    }
    if cp < 0x0660 {
        return None;
    }
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    if d < 10 {
        char::from_digit(d, 10)
    } else {
        None
    }
}

/// A character of a script written without spaces between words: a token on its own, so
/// that a name in Chinese or Thai text is still found at token boundaries.
fn is_own_token(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}'
        | '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Folds one character (context-free, so that masking one part of a text never changes
/// how the rest folds) and passes each resulting unit to `emit`.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    if is_invisible(c) {
        return;
    }
    decompose_compatible(c, |d| {
        if is_combining_mark(d) || is_invisible(d) {
            return;
        }
        for l in d.to_lowercase() {
            decompose_compatible(l, |e| {
                if is_combining_mark(e) || is_invisible(e) {
                    return;
                }
                if let Some(digit) = decimal_digit(e) {
                    emit(digit);
                    return;
                }
                match e {
                    'ß' => {
                        emit('s');
                        emit('s');
                    }
                    'æ' => {
                        emit('a');
                        emit('e');
                    }
                    'œ' => {
                        emit('o');
                        emit('e');
                    }
                    'þ' => {
                        emit('t');
                        emit('h');
                    }
                    'ø' => emit('o'),
                    'đ' | 'ð' => emit('d'),
                    'ł' => emit('l'),
                    'ħ' => emit('h'),
                    'ŧ' => emit('t'),
                    'ı' => emit('i'),
                    'ς' => emit('σ'),
                    other => emit(homoglyph(other).unwrap_or(other)),
                }
            });
        }
    });
}

/// The Latin letter a Cyrillic or Greek letter is written to look like (in upper or lower
/// case), so that a value typed with look-alikes ("Ехаmple" with a Cyrillic "Е", "х",
/// "а") is still found. Genuine Cyrillic and Greek text folds the same way on both sides,
/// so it still matches itself.
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' | 'н' | 'η' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => 'l',
        'м' | 'μ' => 'm',
        'ν' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'у' | 'υ' => 'y',
        'ԝ' => 'w',
        'х' | 'χ' => 'x',
        'ζ' => 'z',
        _ => return None,
    })
}

/// Street-type words and their abbreviations: a value's street type matches any of them.
const STREET_TYPES: &[(&str, &[&str])] = &[
    ("road", &["rd"]),
    ("street", &["st"]),
    ("avenue", &["ave", "av"]),
    ("crescent", &["cres"]),
    ("close", &["cl"]),
    ("lane", &["ln"]),
    ("drive", &["dr"]),
    ("court", &["ct"]),
    ("gardens", &["gdns"]),
    ("place", &["pl"]),
    ("terrace", &["tce", "terr"]),
    ("square", &["sq"]),
    ("grove", &["gr", "gro"]),
];

fn canonical_street_type(token: &str) -> Option<&'static str> {
    STREET_TYPES.iter().find(|(_, aliases)| aliases.contains(&token)).map(|(canon, _)| *canon)
}

fn street_aliases(token: &str) -> Option<&'static [&'static str]> {
    STREET_TYPES.iter().find(|(canon, _)| *canon == token).map(|(_, aliases)| *aliases)
}

/// Whether a folded token is a street type ("road", "way", "mews", …).
fn is_street_type(token: &str) -> bool {
    street_aliases(token).is_some() || matches!(token, "way" | "walk" | "row" | "hill" | "mews")
}

/// One folded unit and the byte span of the original character it came from.
#[derive(Clone, Copy, Debug)]
struct Unit {
    c: char,
    start: usize,
    end: usize,
}

/// One token: `s..e` in the stream's characters, `start..end` in the original text.
#[derive(Clone, Copy, Debug)]
struct Tok {
    s: usize,
    e: usize,
    start: usize,
    end: usize,
}

/// Tokens laid end to end (no separators), for matching concatenations.
#[derive(Debug, Default)]
struct Stream {
    chars: Vec<char>,
    toks: Vec<Tok>,
}

impl Stream {
    fn push(&mut self, word: &str, start: usize, end: usize) {
        let s = self.chars.len();
        self.chars.extend(word.chars());
        self.toks.push(Tok { s, e: self.chars.len(), start, end });
    }
}

/// A text, folded: its units, its tokens, and the same tokens without standalone "at" and
/// "dot" (for e-mail addresses written out).
#[derive(Debug, Default)]
struct Folded {
    units: Vec<Unit>,
    words: Stream,
    mail: Stream,
}

fn fold(text: &str, want_mail: bool) -> Folded {
    let mut units = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        fold_char(c, &mut |f| units.push(Unit { c: f, start: i, end }));
    }
    let mut words = Stream::default();
    let mut mail = Stream::default();
    let mut word = String::new();
    let (mut start, mut end) = (0, 0);
    let mut flush = |word: &mut String, start: usize, end: usize| {
        if word.is_empty() {
            return;
        }
        let w = word.as_str();
        words.push(w, start, end);
        if want_mail && w != "at" && w != "dot" {
            mail.push(w, start, end);
        }
        word.clear();
    };
    // A token's span runs on over the invisible characters and combining marks that follow
    // it (up to the next unit), so that a mask leaves none of them behind.
    let next_start = |i: usize| units.get(i + 1).map_or(text.len(), |n| n.start);
    for (i, u) in units.iter().enumerate() {
        if !u.c.is_alphanumeric() {
            flush(&mut word, start, end);
            continue;
        }
        if is_own_token(u.c) {
            flush(&mut word, start, end);
            word.push(u.c);
            flush(&mut word, u.start, u.end.max(next_start(i)));
            continue;
        }
        if word.is_empty() {
            start = u.start;
        }
        word.push(u.c);
        end = u.end.max(next_start(i));
    }
    flush(&mut word, start, end);
    Folded { units, words, mail }
}

/// A text's folded tokens, as the matcher compares them: NFKD, lowercase, marks and
/// invisible characters dropped, look-alikes and digits mapped.
pub fn fold_tokens(value: &str) -> Vec<String> {
    let f = fold(value, false);
    f.words.toks.iter().filter_map(|t| f.words.chars.get(t.s..t.e).map(|cs| cs.iter().collect())).collect()
}

// ---------------------------------------------------------------------------------------
// Needles
// ---------------------------------------------------------------------------------------

/// Values that carry nothing identifying however they are written, compared folded and
/// joined: field defaults and placeholders ("none", "n/a", "not known", "other"). They
/// are all over every document (the disclosure record's own words included), so masking
/// them would only make the file unreadable; being generic, they say nothing either.
const STOPLIST: &[&str] = &[
    "none",
    "no",
    "yes",
    "na",
    "nk",
    "nil",
    "null",
    "ok",
    "true",
    "false",
    "unknown",
    "notknown",
    "noneknown",
    "other",
    "notapplicable",
    "tbc",
    "tba",
    "unk",
    "notsure",
    "notgiven",
    "notstated",
    "notrecorded",
    "notdisclosed",
    "prefernottosay",
    "declined",
    "nothing",
];

/// A value longer than this (in folded characters) is matched as consecutive chunks of
/// about this length, cut at token boundaries: it bounds the matcher's work per token.
pub const CHUNK: usize = 64;

/// Needles with fewer digits than this (after the country code) are not matched.
const MIN_PHONE_DIGITS: usize = 7;

/// Separator units allowed between two digits of one phone number.
const MAX_DIGIT_GAP: usize = 3;

/// A trie of folded strings; each terminal node names its needle.
#[derive(Debug, Default)]
struct Trie {
    nodes: Vec<Node>,
}

#[derive(Debug, Default)]
struct Node {
    next: Vec<(char, u32)>,
    needle: Option<u32>,
}

impl Trie {
    fn insert(&mut self, word: &[char], needle: u32) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut at = 0usize;
        for &c in word {
            let Some(node) = self.nodes.get(at) else { return };
            at = match node.next.binary_search_by_key(&c, |x| x.0) {
                Ok(i) => node.next.get(i).map_or(0, |x| x.1 as usize),
                Err(i) => {
                    let Ok(id) = u32::try_from(self.nodes.len()) else { return };
                    self.nodes.push(Node::default());
                    if let Some(node) = self.nodes.get_mut(at) {
                        node.next.insert(i, (c, id));
                    }
                    id as usize
                }
            };
        }
        if let Some(node) = self.nodes.get_mut(at) {
            node.needle.get_or_insert(needle);
        }
    }

    fn step(&self, at: usize, c: char) -> Option<usize> {
        let node = self.nodes.get(at)?;
        let i = node.next.binary_search_by_key(&c, |x| x.0).ok()?;
        node.next.get(i).map(|x| x.1 as usize)
    }

    fn needle(&self, at: usize) -> Option<u32> {
        self.nodes.get(at).and_then(|n| n.needle)
    }

    fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// What a needle stands for: the protected value and the kind its hits report.
#[derive(Clone, Copy, Debug)]
struct Needle {
    protected: usize,
    kind: ValueKind,
}

/// The compiled protected values.
pub struct Matcher {
    needles: Vec<Needle>,
    words: Trie,
    mail: Trie,
    digits: Trie,
    /// Every folded string in `words` and `mail`, to choose masks that cannot match.
    strings: Vec<String>,
    /// For each kind (by `ALL` index), whether `[<label> withheld]` is safe to write.
    label_safe: [bool; 16],
    /// The word of the generic mask, `[<word>]`.
    generic: String,
    /// Indices of the values that compiled to no needle (too short, a placeholder).
    unmatched: Vec<usize>,
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher").field("needles", &self.needles.len()).finish_non_exhaustive()
    }
}

/// Enough folded characters, and not a stoplisted placeholder.
fn worth_matching(joined: &str, kind: ValueKind) -> bool {
    let n = joined.chars().count();
    let min = if joined.chars().any(is_own_token) { 2 } else { kind.min_chars() };
    n >= min && !STOPLIST.contains(&joined)
}

/// Splits `tokens` into chunks of at least [`CHUNK`] characters (the last takes the rest).
fn chunks(tokens: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut len = 0;
    for t in tokens {
        len += t.chars().count();
        cur.push(t.clone());
        if len >= CHUNK {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
    }
    if !cur.is_empty() {
        match out.last_mut() {
            Some(last) if len < CHUNK / 2 => last.extend(cur),
            _ => out.push(cur),
        }
    }
    out
}

/// Street types read as their full word ("rd" is "road"), in values only: texts keep
/// their tokens, and values are matched in every spelling (see [`spellings`]).
fn canonical(tokens: &[String]) -> Vec<String> {
    tokens.iter().map(|t| canonical_street_type(t).map_or_else(|| t.clone(), str::to_string)).collect()
}

/// Most spellings of one needle; past it, further street types keep their full word.
const MAX_SPELLINGS: usize = 32;

/// Forms a (canonical) token sequence is matched in: the tokens joined, with each street
/// type written as its full word and as each of its abbreviations ("Example Rd",
/// "ExampleRoad", "example rd").
fn spellings(tokens: &[String]) -> Vec<String> {
    let mut out = vec![String::new()];
    for t in tokens {
        let forms: Vec<&str> =
            std::iter::once(t.as_str()).chain(street_aliases(t).unwrap_or(&[]).iter().copied()).collect();
        if out.len() * forms.len() > MAX_SPELLINGS {
            out.iter_mut().for_each(|o| o.push_str(t));
            continue;
        }
        out = out.iter().flat_map(|o| forms.iter().map(move |f| format!("{o}{f}"))).collect();
    }
    out
}

/// Plural forms of a joined token sequence.
fn plurals(joined: &str) -> Vec<String> {
    let mut out = vec![format!("{joined}s"), format!("{joined}es")];
    if let Some(stem) = joined.strip_suffix('y') {
        out.push(format!("{stem}ies"));
    }
    out
}

/// A UK postcode's length of outward code, for a folded joined string ("de11aa": 3).
fn uk_postcode(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let (outward, inward) = b.split_at(b.len() - 3);
    let inward_ok = matches!(inward, [d, x, y] if d.is_ascii_digit() && x.is_ascii_alphabetic() && y.is_ascii_alphabetic());
    let letters = outward.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = outward.get(letters..)?;
    let outward_ok = (1..=2).contains(&letters)
        && matches!(rest, [d] | [d, _] if d.is_ascii_digit())
        && rest.iter().all(u8::is_ascii_alphanumeric);
    (inward_ok && outward_ok).then_some(outward.len())
}

/// Words that make an address part a sub-building or floor ("Flat 2", "Ground Floor"):
/// not matched alone, only joined to the building or street that follows.
const SUB_BUILDING: &[&str] = &[
    "flat",
    "apartment",
    "apt",
    "unit",
    "room",
    "suite",
    "floor",
    "ground",
    "first",
    "second",
    "third",
    "top",
    "basement",
    "lower",
    "upper",
    "rear",
    "front",
    "annexe",
    "no",
    "number",
];

/// Whether an address part does not locate a place on its own: a house or flat number
/// ("10", "Flat 2", "2b", "Ground Floor").
fn is_sub_building(tokens: &[String]) -> bool {
    tokens.iter().all(|t| {
        SUB_BUILDING.contains(&t.as_str())
            || t.chars().all(|c| c.is_ascii_digit())
            || (t.chars().count() <= 4 && t.chars().any(|c| c.is_ascii_digit()))
            || t.chars().count() == 1
    })
}

/// The postcodes written at the end of an address's parts ("Derby DE1 1AA", "DE11AA"),
/// folded and joined, each with the length of its outward code.
fn postcodes_in_address(value: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for raw in value.split([',', ';', '\n', '\r']) {
        let toks = fold_tokens(raw);
        for n in (1..=3).rev() {
            let Some(cut) = toks.len().checked_sub(n) else { continue };
            let joined: String = toks.get(cut..).unwrap_or(&[]).concat();
            if let Some(outward) = uk_postcode(&joined) {
                found.push((joined, outward));
                break;
            }
        }
    }
    found
}

/// The outward codes ("de1") of the postcodes written in an address. The matcher does not
/// protect them for an address value (a district that leaves generalised is not withheld);
/// the firewall adds them where the whole place must stay hidden (a refuge).
pub fn outward_codes_in_address(value: &str) -> Vec<String> {
    postcodes_in_address(value).into_iter().map(|(p, outward)| p.chars().take(outward).collect()).collect()
}

/// The parts of an address that locate a place (docs/SHARING.md): every run of up to six
/// consecutive comma or line parts except the town alone (the last part, when there are
/// two or more) and a bare house or flat number; each part's street without its number;
/// and postcodes found in it, in full (their outward codes alone are the firewall's
/// decision: see [`outward_codes_in_address`]).
fn address_parts(value: &str) -> (Vec<Vec<String>>, Vec<(String, ValueKind)>) {
    let mut postcodes = Vec::new();
    let mut parts: Vec<Vec<String>> = Vec::new();
    for raw in value.split([',', ';', '\n', '\r']) {
        let mut toks = fold_tokens(raw);
        // A postcode at the end of a part ("Derby DE1 1AA", "DE11AA") comes out of it.
        for n in (1..=3).rev() {
            let Some(cut) = toks.len().checked_sub(n) else { continue };
            let joined: String = toks.get(cut..).unwrap_or(&[]).concat();
            if uk_postcode(&joined).is_some() {
                postcodes.push((joined, ValueKind::Postcode));
                toks.truncate(cut);
                break;
            }
        }
        if !toks.is_empty() {
            parts.push(canonical(&toks));
        }
    }
    // A country or county after the town ("…, Derby, Derbyshire, UK") is no part of the
    // place, and must not make the town look like a locality.
    while parts.len() >= 2 && parts.last().is_some_and(|p| is_region(p)) {
        parts.pop();
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    let town = if parts.len() >= 2 { parts.len() - 1 } else { usize::MAX };
    for i in 0..parts.len() {
        for j in i..parts.len().min(i + 6) {
            let Some(run) = parts.get(i..=j) else { continue };
            if i == j && (i == town || run.iter().all(|p| is_sub_building(p))) {
                continue;
            }
            out.push(run.concat());
        }
    }
    // The street without its house number, and the street when more follows it in one
    // part ("10 Example Road Littleover").
    for (i, p) in parts.iter().enumerate() {
        if i == town {
            continue;
        }
        let Some(last) = p.iter().rposition(|t| is_street_type(t)) else { continue };
        let street = p.get(..=last).unwrap_or(&[]);
        // The house number is the last token with a digit before the street type.
        let number = street.iter().rposition(|t| t.chars().any(|c| c.is_ascii_digit()));
        let name_from = match number {
            Some(n) => {
                out.push(street.get(n..).unwrap_or(&[]).to_vec());
                n + 1
            }
            None => street.iter().position(|t| !is_sub_building(std::slice::from_ref(t))).unwrap_or(0),
        };
        if let Some(name) = street.get(name_from..).filter(|n| n.len() >= 2) {
            out.push(name.to_vec());
        }
    }
    (out, postcodes)
}

/// A country of the UK, or a county named "…shire", as the last part of an address.
fn is_region(part: &[String]) -> bool {
    let joined = part.concat();
    matches!(
        joined.as_str(),
        "uk" | "unitedkingdom" | "gb" | "greatbritain" | "england" | "scotland" | "wales" | "northernireland"
    ) || (part.len() == 1 && joined.ends_with("shire"))
}

/// The digits a phone value is matched by: the national significant number (after the
/// country code; for "+44 7700 900123", "7700900123"), found inside any digit run.
fn phone_needles(value: &str) -> Vec<String> {
    let mut folded = String::new();
    for c in value.chars() {
        fold_char(c, &mut |f| folded.push(f));
    }
    let trimmed = folded.trim_start();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = trimmed.starts_with('+') || digits.starts_with("00");
    let mut out = Vec::new();
    if international {
        let d = if trimmed.starts_with('+') { digits.as_str() } else { digits.get(2..).unwrap_or("") };
        // The national number, without a trunk "0" written into it ("+44 (0)7700 …").
        let national = d.get(country_code_len(d)..).unwrap_or("");
        out.push(national.strip_prefix('0').unwrap_or(national).to_string());
    } else {
        out.push(digits.strip_prefix('0').unwrap_or(&digits).to_string());
        // Without a prefix it may be international all the same ("447700900123").
        if digits.len() > 10 {
            out.push(digits.get(digits.len() - 9..).unwrap_or("").to_string());
        }
    }
    out.retain(|d| d.len() >= MIN_PHONE_DIGITS);
    out
}

/// Length of the E.164 country code at the start of `digits` (codes are prefix-free).
fn country_code_len(digits: &str) -> usize {
    const TWO: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
        "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81",
        "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO.iter().any(|c| digits.starts_with(c)) {
        2
    } else {
        3
    }
}

/// Generic mask words, tried in order when a label's words could themselves match.
const GENERIC_WORDS: &[&str] = &["withheld", "redacted", "removed", "omitted", "hidden", "masked"];

impl Matcher {
    /// Compiles `values`. Values too short or generic to match safely are skipped (and
    /// listed by [`Matcher::unmatched`]): fewer than 3 folded letters or digits (2 for a
    /// code word or an outward code, 5 for a postcode, 2 in a script written without
    /// spaces), a placeholder on the stoplist (docs/SHARING.md), a phone number with fewer
    /// than 7 digits after its country code.
    pub fn new(values: &[Protected]) -> Matcher {
        let mut m = Matcher {
            needles: Vec::new(),
            words: Trie::default(),
            mail: Trie::default(),
            digits: Trie::default(),
            strings: Vec::new(),
            label_safe: [false; 16],
            generic: String::new(),
            unmatched: Vec::new(),
        };
        for (i, p) in values.iter().enumerate() {
            let before = m.needles.len();
            match p.kind {
                ValueKind::Phone => {
                    for d in phone_needles(&p.value) {
                        m.add_digits(&d, i);
                    }
                }
                ValueKind::Email => {
                    let toks: Vec<String> =
                        fold_tokens(&p.value).into_iter().filter(|t| t != "at" && t != "dot").collect();
                    m.add_tokens(&toks, i, ValueKind::Email, true);
                }
                ValueKind::Address => {
                    let (parts, postcodes) = address_parts(&p.value);
                    for part in parts {
                        m.add_tokens(&part, i, ValueKind::Address, false);
                    }
                    for (pc, kind) in postcodes {
                        m.add_tokens(&[pc], i, kind, false);
                    }
                }
                ValueKind::Name => {
                    let toks = fold_tokens(&p.value);
                    m.add_tokens(&toks, i, ValueKind::Name, false);
                    // Surname first, as lists and letters write it ("Example, Lee").
                    if let Some((last, rest)) = toks.split_last().filter(|(_, rest)| !rest.is_empty()) {
                        let mut reversed = vec![last.clone()];
                        reversed.extend_from_slice(rest);
                        m.add_tokens(&reversed, i, ValueKind::Name, false);
                    }
                }
                kind => m.add_tokens(&fold_tokens(&p.value), i, kind, false),
            }
            if m.needles.len() == before {
                m.unmatched.push(i);
            }
        }
        m.choose_masks();
        m
    }

    fn push_needle(&mut self, protected: usize, kind: ValueKind) -> Option<u32> {
        let id = u32::try_from(self.needles.len()).ok()?;
        self.needles.push(Needle { protected, kind });
        Some(id)
    }

    fn add_digits(&mut self, digits: &str, protected: usize) {
        if let Some(id) = self.push_needle(protected, ValueKind::Phone) {
            self.digits.insert(&digits.chars().collect::<Vec<_>>(), id);
        }
    }

    fn add_tokens(&mut self, tokens: &[String], protected: usize, kind: ValueKind, mail: bool) {
        if !worth_matching(&tokens.concat(), kind) {
            return;
        }
        let tokens = &canonical(tokens);
        let Some(id) = self.push_needle(protected, kind) else { return };
        let pieces =
            if tokens.concat().chars().count() > CHUNK { chunks(tokens) } else { vec![tokens.to_vec()] };
        let last = pieces.len().saturating_sub(1);
        for (n, piece) in pieces.iter().enumerate() {
            let mut forms = spellings(piece);
            if kind.plurals() && n == last {
                let base = forms.clone();
                forms.extend(base.iter().flat_map(|f| plurals(f)));
            }
            for f in forms {
                let chars: Vec<char> = f.chars().collect();
                if mail {
                    self.mail.insert(&chars, id);
                } else {
                    self.words.insert(&chars, id);
                }
                self.strings.push(f);
            }
        }
    }

    /// Chooses masks that can never be found again (docs/SHARING.md): a mask's words are
    /// tokens of their own in the masked text, bracketed by separators, so a match that
    /// touches a mask contains one of its words whole; a word that is part of no needle's
    /// string therefore ends every match at the mask. Labels carry no digits.
    fn choose_masks(&mut self) {
        let clean = |m: &Matcher, mask: &str| {
            fold_tokens(mask)
                .iter()
                .all(|w| w != "at" && w != "dot" && !m.strings.iter().any(|s| s.contains(w)))
        };
        for (i, kind) in ValueKind::ALL.iter().enumerate() {
            let safe = clean(self, &format!("{} withheld", kind.label()));
            if let Some(slot) = self.label_safe.get_mut(i) {
                *slot = safe;
            }
        }
        let found = GENERIC_WORDS.iter().find(|w| clean(self, w)).map(|w| (*w).to_string());
        self.generic = found.unwrap_or_else(|| self.unused_word());
    }

    /// A word of q, x, z and j that is part of no needle: for each length, the words of
    /// that length the needles contain are collected, and the first missing one is taken
    /// (some length always has fewer present than possible).
    fn unused_word(&self) -> String {
        const LETTERS: [char; 4] = ['q', 'x', 'z', 'j'];
        for len in 1..=32usize {
            let mut present = std::collections::HashSet::new();
            for s in &self.strings {
                let cs: Vec<char> = s.chars().collect();
                for w in cs.windows(len) {
                    if w.iter().all(|c| LETTERS.contains(c)) {
                        present.insert(w.iter().collect::<String>());
                    }
                }
            }
            let total = 4u64.saturating_pow(u32::try_from(len).unwrap_or(32));
            for n in 0..total.min(present.len() as u64 + 1) {
                let mut k = n;
                let w: String = (0..len)
                    .map(|_| {
                        let c = LETTERS.get((k % 4) as usize).copied().unwrap_or('q');
                        k /= 4;
                        c
                    })
                    .collect();
                if !present.contains(&w) {
                    return w;
                }
            }
        }
        "withheld".to_string()
    }

    /// Indices (into the values given to [`Matcher::new`]) of the values that are not
    /// matched at all, being too short or a placeholder (see [`Matcher::new`]).
    pub fn unmatched(&self) -> &[usize] {
        &self.unmatched
    }

    /// Whether no value is matched at all.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Every place a protected value occurs in `text`: sorted, overlaps merged (a merged
    /// hit reports the kind of its longest part), each widened to whole tokens.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        if self.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let f = fold(text, !self.mail.is_empty());
        let mut raw: Vec<Hit> = Vec::new();
        self.scan(&self.words, &f.words, &mut raw);
        self.scan(&self.mail, &f.mail, &mut raw);
        self.scan_digits(&f.units, &mut raw);
        for h in &mut raw {
            widen(h, &f.words.toks);
        }
        merge(raw, text)
    }

    /// Walks `trie` from each token start of `stream`; a match must end at a token end.
    fn scan(&self, trie: &Trie, stream: &Stream, out: &mut Vec<Hit>) {
        if trie.is_empty() {
            return;
        }
        for (ti, t) in stream.toks.iter().enumerate() {
            let mut at = 0usize;
            let mut k = ti;
            for (p, &c) in (t.s..).zip(stream.chars.get(t.s..).unwrap_or(&[])) {
                let Some(next) = trie.step(at, c) else { break };
                at = next;
                while stream.toks.get(k).is_some_and(|tk| tk.e <= p) {
                    k += 1;
                }
                let Some(id) = trie.needle(at) else { continue };
                let Some(end_tok) = stream.toks.get(k).filter(|tk| tk.e == p + 1) else { continue };
                if let Some(n) = self.needles.get(id as usize) {
                    out.push(Hit { start: t.start, end: end_tok.end, kind: n.kind, protected: n.protected });
                }
            }
        }
    }

    /// Phone numbers: digit runs (digits joined by at most [`MAX_DIGIT_GAP`] separators, a
    /// letter ends a run) that contain a needle anywhere; the whole run is the hit, with a
    /// "+" or "(" just before it.
    fn scan_digits(&self, units: &[Unit], out: &mut Vec<Hit>) {
        if self.digits.is_empty() {
            return;
        }
        let mut run: Vec<usize> = Vec::new();
        let mut gap = 0usize;
        let mut close = |run: &mut Vec<usize>| {
            if let Some(hit) = self.digit_run_hit(units, run) {
                out.push(hit);
            }
            run.clear();
        };
        for (i, u) in units.iter().enumerate() {
            if u.c.is_ascii_digit() {
                if gap > MAX_DIGIT_GAP {
                    close(&mut run);
                }
                run.push(i);
                gap = 0;
            } else if u.c.is_alphanumeric() {
                close(&mut run);
                gap = 0;
            } else {
                gap += 1;
            }
        }
        close(&mut run);
    }

    fn digit_run_hit(&self, units: &[Unit], run: &[usize]) -> Option<Hit> {
        let digits: Vec<char> = run.iter().filter_map(|&i| units.get(i).map(|u| u.c)).collect();
        let needle = (0..digits.len()).find_map(|s| {
            let mut at = 0usize;
            for &c in digits.get(s..)? {
                at = self.digits.step(at, c)?;
                if let Some(id) = self.digits.needle(at) {
                    return Some(id);
                }
            }
            None
        })?;
        let n = self.needles.get(needle as usize)?;
        let first = *run.first()?;
        let last = units.get(*run.last()?)?;
        let mut start = units.get(first)?.start;
        for back in 1..=2 {
            match first.checked_sub(back).and_then(|i| units.get(i)) {
                Some(u) if u.c == '+' || u.c == '(' => start = u.start,
                _ => break,
            }
        }
        Some(Hit { start, end: last.end, kind: n.kind, protected: n.protected })
    }

    /// The mask written in place of a hit of `kind`.
    pub fn mask_for(&self, kind: ValueKind) -> String {
        let i = ValueKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        if self.label_safe.get(i).copied().unwrap_or(false) {
            format!("[{} withheld]", kind.label())
        } else {
            format!("[{}]", self.generic)
        }
    }

    /// `text` with every hit replaced by `[<label> withheld]` (or, when a label's words
    /// could themselves match a protected value, by a generic mask that cannot). The
    /// result contains no hit of its own.
    pub fn mask(&self, text: &str) -> Masked {
        let hits = self.find(text);
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for h in &hits {
            out.push_str(text.get(pos..h.start).unwrap_or(""));
            out.push_str(&self.mask_for(h.kind));
            pos = h.end;
        }
        out.push_str(text.get(pos..).unwrap_or(""));
        Masked { text: out, hits }
    }
}

/// Widens a hit to every token whose original span it touches (one original character
/// can fold into several tokens: "½" is "1⁄2"), so that masking leaves whole tokens.
fn widen(h: &mut Hit, toks: &[Tok]) {
    loop {
        let (s, e) = (h.start, h.end);
        let from = toks.partition_point(|t| t.end <= h.start);
        for t in toks.iter().skip(from.saturating_sub(1)) {
            if t.start >= h.end {
                break;
            }
            if t.end > h.start {
                h.start = h.start.min(t.start);
                h.end = h.end.max(t.end);
            }
        }
        if (s, e) == (h.start, h.end) {
            return;
        }
    }
}

/// Whether `gap` folds to no letter or digit (only separators and invisible characters).
fn only_separators(gap: &str) -> bool {
    let mut alnum = false;
    for c in gap.chars() {
        fold_char(c, &mut |f| alnum |= f.is_alphanumeric());
    }
    !alnum
}

/// Sorts hits and merges overlapping ones, and neighbours of one value with only
/// separators between them (the chunks of a long value); the longest part names the
/// merged hit.
fn merge(mut raw: Vec<Hit>, text: &str) -> Vec<Hit> {
    raw.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<(Hit, usize)> = Vec::new();
    for h in raw {
        let joins = |cur: &Hit| {
            h.start < cur.end
                || (h.protected == cur.protected
                    && h.kind == cur.kind
                    && text.get(cur.end..h.start).is_some_and(only_separators))
        };
        match out.last_mut() {
            Some((cur, longest)) if joins(cur) => {
                if h.end - h.start > *longest {
                    *longest = h.end - h.start;
                    cur.kind = h.kind;
                    cur.protected = h.protected;
                }
                cur.end = cur.end.max(h.end);
            }
            _ => out.push((h, h.end - h.start)),
        }
    }
    out.into_iter().map(|(h, _)| h).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pv(kind: ValueKind, value: &str) -> Protected {
        Protected { kind, source: "test".into(), value: value.into() }
    }

    /// The substrings of `text` that a matcher of one value finds.
    fn found(kind: ValueKind, value: &str, text: &str) -> Vec<String> {
        let m = Matcher::new(&[pv(kind, value)]);
        m.find(text).iter().map(|h| text[h.start..h.end].to_string()).collect()
    }

    /// `form`, written inside a sentence, is found exactly (the hit is the form).
    #[track_caller]
    fn finds(kind: ValueKind, value: &str, form: &str) {
        let text = format!("Seen at {form} on Tuesday.");
        assert_eq!(found(kind, value, &text), vec![form.to_string()], "{kind:?} form {form:?}");
    }

    fn finds_all(kind: ValueKind, value: &str, forms: &[&str]) {
        for form in forms {
            finds(kind, value, form);
        }
    }

    #[track_caller]
    fn misses(kind: ValueKind, value: &str, text: &str) {
        assert_eq!(found(kind, value, text), Vec::<String>::new(), "{kind:?} near-miss {text:?}");
    }

    const PHONE: &str = "+447700900123";

    #[test]
    fn phone_numbers_in_every_written_form() {
        finds_all(
            ValueKind::Phone,
            PHONE,
            &[
                "07700 900123",
                "07700900123",
                "+44 7700 900123",
                "+44 (0)7700 900123",
                "+44(0)7700900123",
                "0044 7700 900123",
                "0044 7700900123",
                "447700900123",
                "+447700900123",
                "(07700) 900123",
                "(07700) 900/123",
                "07700-900-123",
                "07700 \u{2013} 900 123",
                "07700\u{2014}900123",
                "07700\u{2010}900123",
                "07700\u{2011}900123",
                "07700\u{2212}900123",
                "07700.900.123",
                "07700/900/123",
                "07700   900   123",
                "07700\u{00A0}900123",
                "07700\u{2009}900\u{202F}123",
                "0 7 7 0 0 9 0 0 1 2 3",
                "\u{0660}\u{0667}\u{0667}\u{0660}\u{0660}\u{0669}\u{0660}\u{0660}\u{0661}\u{0662}\u{0663}",
                "\u{06F0}\u{06F7}\u{06F7}\u{06F0}\u{06F0}\u{06F9}\u{06F0}\u{06F0}\u{06F1}\u{06F2}\u{06F3}",
                "\u{0966}\u{096D}\u{096D}\u{0966}\u{0966} \u{096F}\u{0966}\u{0966}\u{0967}\u{0968}\u{0969}",
                "\u{09E6}\u{09ED}\u{09ED}\u{09E6}\u{09E6}\u{09EF}\u{09E6}\u{09E6}\u{09E7}\u{09E8}\u{09E9}",
                "\u{FF10}\u{FF17}\u{FF17}\u{FF10}\u{FF10}\u{FF19}\u{FF10}\u{FF10}\u{FF11}\u{FF12}\u{FF13}",
                "0770\u{200B}0900\u{2060}123",
                "07700\u{00AD}900123",
                "tel07700900123",
                "mob07700 900123",
            ],
        );
        // A word glued on is masked with the number; a separate one is left.
        assert_eq!(found(ValueKind::Phone, PHONE, "mob:07700 900123"), vec!["07700 900123"]);
    }

    #[test]
    fn phone_near_misses() {
        misses(ValueKind::Phone, PHONE, "Call 07700 900124 or 07700 900999.");
        misses(ValueKind::Phone, PHONE, "Call 07700 90012 please.");
        misses(ValueKind::Phone, PHONE, "Call 07700 x 900123");
        misses(ValueKind::Phone, PHONE, "Call 07700 - - - - 900123");
        // Too short to match safely: skipped.
        assert!(Matcher::new(&[pv(ValueKind::Phone, "+44 123")]).is_empty());
    }

    #[test]
    fn phone_numbers_of_other_countries_and_without_a_plus() {
        finds(ValueKind::Phone, "+33612345678", "06 12 34 56 78");
        finds(ValueKind::Phone, "+33612345678", "+33 6 12 34 56 78");
        finds(ValueKind::Phone, "+390612345678", "06 1234 5678");
        finds(ValueKind::Phone, "+12025550123", "(202) 555-0123");
        finds(ValueKind::Phone, "07700 900123", "+44 7700 900123");
        finds(ValueKind::Phone, "447700900123", "07700 900123");
        finds(ValueKind::Phone, "+44 (0)7700 900123", "+44 7700 900123");
        finds(ValueKind::Phone, "+447700900123", "+44 7700\u{200F} 900123");
    }

    #[test]
    fn postcodes_with_or_without_space_or_hyphen() {
        finds_all(
            ValueKind::Postcode,
            "DE1 1AA",
            &["DE1 1AA", "de11aa", "DE11AA", "DE1-1AA", "D E 1 1 A A", "DE1  1AA", "de1\u{200B}1aa"],
        );
        finds(ValueKind::Postcode, "DE1 1AA", "\u{FF24}\u{FF25}\u{FF11} \u{FF11}\u{FF21}\u{FF21}");
        misses(ValueKind::Postcode, "DE1 1AA", "DE1 1AB");
        misses(ValueKind::Postcode, "DE1 1AA", "DE11AAX");
        misses(ValueKind::Postcode, "DE1 1AA", "XDE11AA");
    }

    #[test]
    fn outward_code_only_as_a_whole_token() {
        finds_all(ValueKind::OutwardCode, "DE1", &["DE1", "de1", "De1", "DE 1"]);
        assert_eq!(found(ValueKind::OutwardCode, "DE1", "Derby (DE1)"), vec!["DE1"]);
        assert_eq!(found(ValueKind::OutwardCode, "DE1", "DE1 2ZZ"), vec!["DE1"]);
        misses(ValueKind::OutwardCode, "DE1", "DE12 and DE21 and ADE1 and DE 12 and DE1A");
        finds(ValueKind::OutwardCode, "W1", "W1");
        misses(ValueKind::OutwardCode, "W1", "W12 and AW1");
    }

    const ADDRESS: &str = "Flat 2, Rose House, 10 Example Road, Littleover, Derby";

    #[test]
    fn address_parts_that_locate_a_place() {
        finds_all(
            ValueKind::Address,
            ADDRESS,
            &[
                "Rose House",
                "rose house",
                "Flat 2, Rose House",
                "10 Example Road",
                "Example Road",
                "example road",
                "EXAMPLE RD",
                "10 Example Rd",
                "10, Example Road",
                "10 example-road",
                "ExampleRoad",
                "ExampleRd",
                "Littleover",
                "Littleover, Derby",
                "Flat 2, Rose House, 10 Example Road, Littleover, Derby",
                "Flat 2 Rose House 10 Example Road Littleover Derby",
            ],
        );
        let text = "She moved to 10 Example Rd. last week";
        assert_eq!(found(ValueKind::Address, ADDRESS, text), vec!["10 Example Rd"]);
    }

    #[test]
    fn address_near_misses_the_town_and_a_bare_flat_number() {
        misses(ValueKind::Address, ADDRESS, "Derby City Council, Derby");
        misses(ValueKind::Address, ADDRESS, "Flat 2 is empty");
        misses(ValueKind::Address, ADDRESS, "the road to the house at number 10");
        misses(ValueKind::Address, ADDRESS, "Example Avenue");
    }

    #[test]
    fn street_types_and_their_abbreviations_both_ways() {
        for (long, aliases) in STREET_TYPES {
            for alias in *aliases {
                let long_value = format!("12 Oak {long}, Derby");
                let short_value = format!("12 Oak {alias}, Derby");
                finds(ValueKind::Address, &long_value, &format!("Oak {alias}"));
                finds(ValueKind::Address, &long_value, &format!("12 Oak {}", alias.to_uppercase()));
                finds(ValueKind::Address, &short_value, &format!("Oak {long}"));
                finds(ValueKind::Address, &short_value, &format!("12 Oak {alias}"));
            }
        }
        for kept in ["Way", "Walk", "Row", "Hill", "Mews"] {
            finds(ValueKind::Address, &format!("3 Elm {kept}, Derby"), &format!("Elm {kept}"));
        }
    }

    #[test]
    fn postcode_inside_an_address() {
        let value = "12 Example Close, Derby DE1 1AA";
        let m = Matcher::new(&[pv(ValueKind::Address, value)]);
        let text = "Lives at DE11AA near DE1 and works in Derby";
        let hits = m.find(text);
        let kinds: Vec<ValueKind> = hits.iter().map(|h| h.kind).collect();
        // The full postcode only: whether its district is withheld is the firewall's call.
        assert_eq!(kinds, vec![ValueKind::Postcode]);
        assert_eq!(outward_codes_in_address(value), vec!["de1".to_string()]);
        assert_eq!(outward_codes_in_address("Flat 2, 10 Example Road, Derby"), Vec::<String>::new());
        finds(ValueKind::Address, value, "Example Cl");
        misses(ValueKind::Address, value, "Derby");
        // A one-part address is matched whole and by its street.
        let one = "10 Example Road Littleover Derby";
        finds(ValueKind::Address, one, "10 Example Rd");
        finds(ValueKind::Address, one, "Example Road");
        misses(ValueKind::Address, one, "Littleover Derby");
        // A county or country after the town leaves the town a town.
        let county = "Rose House, Littleover, Derby, Derbyshire, DE1 1AA, United Kingdom";
        finds(ValueKind::Address, county, "Littleover");
        misses(ValueKind::Address, county, "Derby, Derbyshire, United Kingdom");
    }

    #[test]
    fn code_words_plural_possessive_split_and_folded() {
        finds_all(
            ValueKind::CodeWord,
            "bluebell",
            &[
                "bluebell",
                "Bluebell",
                "BLUEBELL",
                "bluebells",
                "bluebell's",
                "BLUEBELL\u{2019}S",
                "Bluebell\u{2019}s",
                "blue bell",
                "Blue-Bell",
                "blue_bell",
                "blue\u{200B}bell",
                "b l u e b e l l",
                "\u{FF42}\u{FF4C}\u{FF55}\u{FF45}\u{FF42}\u{FF45}\u{FF4C}\u{FF4C}",
                "Bl\u{00FC}ebell",
            ],
        );
        finds(ValueKind::CodeWord, "Blue Bell", "BLUEBELL");
        finds(ValueKind::CodeWord, "ash", "ashes");
        finds(ValueKind::CodeWord, "ash", "Ash's");
        finds(ValueKind::CodeWord, "daisy", "daisies");
        finds(ValueKind::CodeWord, "ox", "OX");
        // Look-alike letters of other scripts: Greek capitals, Cyrillic small letters.
        finds(ValueKind::CodeWord, "bluebell", "\u{0392}LU\u{0395}\u{0392}\u{0395}LL");
        finds(ValueKind::Address, ADDRESS, "\u{0415}\u{0445}\u{0430}mple R\u{043E}ad");
        finds(
            ValueKind::Name,
            "\u{0410}\u{043D}\u{043D}\u{0430} Example",
            "\u{0410}\u{041D}\u{041D}\u{0410} EXAMPLE",
        );
        // Split after a street abbreviation ("pl" is not read as "place" in a text); a
        // trailing combining mark goes with the word.
        finds(ValueKind::CodeWord, "plum", "Pl-um");
        finds(ValueKind::CodeWord, "stella", "St ella");
        finds(ValueKind::CodeWord, "aaaa", "aaaa\u{0301}");
        misses(ValueKind::CodeWord, "ash", "washing the ashtray, a cash sale");
        misses(ValueKind::CodeWord, "bluebell", "blue belle, bluebelt");
    }

    #[test]
    fn email_addresses_written_out() {
        let v = "ada@example.org";
        for form in [
            "ada@example.org",
            "ADA@EXAMPLE.ORG",
            "ada at example dot org",
            "ada [at] example [dot] org",
            "ada (at) example (dot) org",
            "ada(at)example(dot)org",
            "ada @ example . org",
            "ada AT example DOT org",
            "ada\u{FF20}example\u{FF0E}org",
            "ada@example.org.",
        ] {
            let want = form.trim_end_matches('.');
            let text = format!("Seen at {form} on Tuesday.");
            assert_eq!(found(ValueKind::Email, v, &text), vec![want.to_string()], "form {form:?}");
        }
        misses(ValueKind::Email, v, "ada@example.com, bob@example.org");
    }

    #[test]
    fn names_and_name_parts() {
        finds_all(
            ValueKind::Name,
            "Lee Example",
            &[
                "Lee Example",
                "Lee  Example",
                "lee-example",
                "L\u{00C9}E EXAMPLE",
                "Le\u{0301}e Example",
                "Lee\nExample",
            ],
        );
        finds(ValueKind::Name, "Zo\u{00EB} M\u{00FC}ller", "zoe muller");
        finds(ValueKind::Name, "S\u{00F8}ren Stra\u{00DF}e", "Soren Strasse");
        finds(ValueKind::Name, "Sean O'Brien", "SEAN OBRIEN");
        finds(ValueKind::Name, "\u{674E}\u{660E}", "\u{674E}\u{660E}");
        let text = "\u{6211}\u{8BA4}\u{8BC6}\u{674E}\u{660E}\u{5148}\u{751F}";
        assert_eq!(found(ValueKind::Name, "\u{674E}\u{660E}", text), vec!["\u{674E}\u{660E}"]);
        misses(ValueKind::Name, "Lee Example", "Leo Example");
        finds(ValueKind::Name, "Lee Example", "EXAMPLE, Lee");
        finds(ValueKind::Name, "Ada Mary Example", "Example, Ada Mary");
        finds(ValueKind::NamePart, "Lee", "Lee");
        finds(ValueKind::NamePart, "Lee", "LEE");
        assert_eq!(found(ValueKind::NamePart, "Lee", "Lee's bag"), vec!["Lee's"]);
        misses(ValueKind::NamePart, "Lee", "Leeds, sleep, fleece");
    }

    #[test]
    fn special_category_values_and_references() {
        finds(ValueKind::Health, "epilepsy", "Epilepsy");
        finds(ValueKind::Health, "panic attack", "panic attacks");
        finds(ValueKind::Immigration, "No recourse to public funds", "no-recourse-to-public-funds");
        finds(ValueKind::Immigration, "No recourse to public funds", "NO RECOURSE TO PUBLIC FUNDS");
        finds(ValueKind::Religion, "Jehovah's Witness", "Jehovahs Witness");
        finds(ValueKind::Reference, "CR/12345/26", "CR 12345 26");
        finds(ValueKind::School, "Example Primary School", "example primary school");
        misses(ValueKind::Health, "epilepsy", "epileptic");
    }

    #[test]
    fn too_short_and_generic_values_are_skipped() {
        for (kind, v) in [
            (ValueKind::Health, "none"),
            (ValueKind::Health, "None known"),
            (ValueKind::Immigration, "N/A"),
            (ValueKind::Religion, "Not known"),
            (ValueKind::Sexuality, "prefer not to say"),
            (ValueKind::Ethnicity, "other"),
            (ValueKind::Name, "Al"),
            (ValueKind::CodeWord, "a"),
            (ValueKind::CodeWord, "no"),
            (ValueKind::Postcode, "DE1"),
            (ValueKind::Text, "  -- "),
            (ValueKind::Email, "at@dot"),
        ] {
            assert!(Matcher::new(&[pv(kind, v)]).is_empty(), "{kind:?} {v:?} should be skipped");
        }
        assert!(!Matcher::new(&[pv(ValueKind::CodeWord, "ox")]).is_empty());
        let m = Matcher::new(&[
            pv(ValueKind::Name, "Lee Example"),
            pv(ValueKind::Health, "n/a"),
            pv(ValueKind::Phone, "+44"),
        ]);
        assert_eq!(m.unmatched(), &[1, 2]);
    }

    #[test]
    fn folded_tokens_are_what_is_compared() {
        assert_eq!(
            fold_tokens("L\u{00C9}E  Ex\u{200B}ample, 10 Oak Rd."),
            vec!["lee", "example", "10", "oak", "rd"]
        );
        assert_eq!(fold_tokens("\u{0660}\u{0667} \u{FF24}\u{FF25}\u{FF11}"), vec!["07", "de1"]);
    }

    #[test]
    fn long_values_match_whole_and_in_chunks() {
        let long =
            "She stays at the blue door behind the chapel on weekdays until the school bus comes at four";
        let m = Matcher::new(&[pv(ValueKind::Text, long)]);
        let text = format!("Note: {}. End.", long.to_uppercase());
        let masked = m.mask(&text);
        assert_eq!(masked.text, "Note: [detail withheld]. End.");
    }

    #[test]
    fn masks_name_their_kind_and_never_match_again() {
        let values = [
            pv(ValueKind::Phone, PHONE),
            pv(ValueKind::CodeWord, "bluebell"),
            pv(ValueKind::Address, ADDRESS),
        ];
        let m = Matcher::new(&values);
        let text = "Ring 07700 900123, say bluebells, at 10 Example Rd, Littleover.";
        let masked = m.mask(text);
        assert_eq!(
            masked.text,
            "Ring [phone number withheld], say [code word withheld], at [address withheld]."
        );
        assert_eq!(masked.hits.iter().map(|h| h.protected).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert!(m.find(&masked.text).is_empty());
    }

    #[test]
    fn a_value_that_is_a_mask_word_gets_a_generic_mask() {
        let m = Matcher::new(&[pv(ValueKind::CodeWord, "phone"), pv(ValueKind::Phone, PHONE)]);
        let masked = m.mask("phone 07700 900123");
        assert_eq!(masked.text, "[code word withheld] [withheld]");
        assert!(m.find(&masked.text).is_empty());
        let m = Matcher::new(&[pv(ValueKind::CodeWord, "withheld"), pv(ValueKind::Name, "Lee Example")]);
        let masked = m.mask("withheld Lee Example");
        assert_eq!(masked.text, "[redacted] [redacted]");
        // Every generic word protected: a made-up word that no value contains.
        let mut values: Vec<Protected> = GENERIC_WORDS.iter().map(|w| pv(ValueKind::CodeWord, w)).collect();
        values.push(pv(ValueKind::Text, "q x z j qq qx"));
        let m = Matcher::new(&values);
        let masked = m.mask("withheld redacted removed omitted hidden masked");
        assert!(m.find(&masked.text).is_empty(), "{}", masked.text);
        // A mask between two halves of a value does not join them.
        let m = Matcher::new(&[pv(ValueKind::CodeWord, "bluebell"), pv(ValueKind::Name, "Lee Example")]);
        let masked = m.mask("blue Lee Example bell");
        assert_eq!(masked.text, "blue [name withheld] bell");
        assert!(m.find(&masked.text).is_empty());
    }

    #[test]
    fn one_character_folding_into_several_tokens_is_masked_whole() {
        let m = Matcher::new(&[pv(ValueKind::NamePart, "lee1"), pv(ValueKind::NamePart, "example")]);
        let text = "lee\u{00BD}example";
        let masked = m.mask(text);
        assert!(m.find(&masked.text).is_empty(), "{}", masked.text);
    }

    #[test]
    fn digit_table_entries_are_digits() {
        for &z in DIGIT_ZEROS {
            for d in 0..10 {
                let c = char::from_u32(z + d).unwrap();
                assert!(c.is_numeric(), "U+{:04X} is not numeric", z + d);
                assert_eq!(decimal_digit(c), char::from_digit(d, 10));
            }
        }
        assert_eq!(decimal_digit('a'), None);
        assert_eq!(decimal_digit('\u{0669}'), Some('9'));
        assert_eq!(decimal_digit('\u{066A}'), None);
    }

    #[test]
    fn debug_never_prints_a_value() {
        let p = pv(ValueKind::CodeWord, "bluebell");
        assert!(!format!("{p:?}").contains("bluebell"));
        let m = Matcher::new(&[p]);
        assert!(!format!("{m:?}").contains("bluebell"));
        assert!(!format!("{:?}", m.mask("bluebell and more")).contains("more"));
    }

    #[test]
    fn uk_postcode_shapes() {
        for ok in ["de11aa", "w1a0ax", "m11ae", "b338th", "cr26xh", "dn551pt", "ec1a1bb"] {
            assert!(uk_postcode(ok).is_some(), "{ok}");
        }
        for bad in ["de1", "11aaa", "derby", "de1aaa", "abc1def"] {
            assert!(uk_postcode(bad).is_none(), "{bad}");
        }
    }

    /// Fragments texts are built from: every value's written forms, noise, hostile Unicode.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("07700 900123".to_string()),
            Just("+44 (0)7700-900-123".to_string()),
            Just("0 7 7 0 0".to_string()),
            Just("900123".to_string()),
            Just("DE1 1AA".to_string()),
            Just("de1".to_string()),
            Just("10 Example Rd".to_string()),
            Just("Rose House".to_string()),
            Just("Littleover, Derby".to_string()),
            Just("blue-bell".to_string()),
            Just("bluebell\u{2019}s".to_string()),
            Just("ada [at] example (dot) org".to_string()),
            Just("Lee Example".to_string()),
            Just("withheld".to_string()),
            Just("[name withheld]".to_string()),
            Just("phone number".to_string()),
            Just("\u{00BD}".to_string()),
            Just("\u{200B}".to_string()),
            Just("\u{202E}".to_string()),
            Just("e\u{0301}".to_string()),
            Just("\u{674E}".to_string()),
            Just("\u{0667}\u{0667}".to_string()),
            "[ a-zA-Z0-9.,()+\\-]{0,12}",
            any::<String>().prop_map(|s| s.chars().take(6).collect()),
        ]
    }

    fn protected() -> impl Strategy<Value = Protected> {
        let kinds = prop::sample::select(ValueKind::ALL.to_vec());
        let values = prop_oneof![
            Just(PHONE.to_string()),
            Just("DE1 1AA".to_string()),
            Just("DE1".to_string()),
            Just(ADDRESS.to_string()),
            Just("bluebell".to_string()),
            Just("ada@example.org".to_string()),
            Just("Lee Example".to_string()),
            Just("withheld".to_string()),
            Just("name".to_string()),
            Just("phone".to_string()),
            "[a-z ]{2,10}",
            any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ];
        (kinds, values).prop_map(|(kind, value)| Protected { kind, source: "p".into(), value })
    }

    /// A word written as people (and hostile text) might: each letter maybe upper case,
    /// fullwidth or with a combining accent, and separators between some letters.
    fn written_word(word: &str, choices: &[u8]) -> String {
        let mut out = String::new();
        for (i, c) in word.chars().enumerate() {
            let k = choices.get(i).copied().unwrap_or(0);
            let c = if k & 1 == 1 { c.to_ascii_uppercase() } else { c };
            if k & 2 == 2 {
                out.push(char::from_u32(u32::from(c) - 0x21 + 0xFF01).unwrap());
            } else {
                out.push(c);
            }
            if k & 4 == 4 {
                out.push('\u{0301}');
            }
            if i + 1 < word.len() {
                out.push_str(["", "", " ", "-", "\u{200B}", "_", "\u{00AD}", "  "][usize::from(k >> 5)]);
            }
        }
        out
    }

    /// A UK mobile number written with any prefix, separators and digit scripts.
    fn written_phone(last3: u16, choices: &[u8]) -> String {
        let prefixes = ["0", "+44 ", "+44 (0)", "0044 ", "44", "(0"];
        let prefix = prefixes[usize::from(choices.first().copied().unwrap_or(0)) % prefixes.len()];
        let digits = format!("7700900{last3:03}");
        let mut out = prefix.to_string();
        for (i, d) in digits.chars().enumerate() {
            let k = choices.get(i + 1).copied().unwrap_or(0);
            let v = d.to_digit(10).unwrap();
            let zero = [0x30, 0x30, 0x660, 0x6F0, 0x966, 0xFF10][usize::from(k & 7) % 6];
            out.push(char::from_u32(zero + v).unwrap());
            out.push_str(
                ["", "", " ", "-", ".", "\u{2013}", "\u{00A0}", " - ", "/", ") "][usize::from(k >> 4) % 10],
            );
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn a_planted_value_is_found_however_it_is_written(
            word in "[a-z]{3,12}",
            choices in prop::collection::vec(any::<u8>(), 16),
            kind in prop::sample::select(vec![ValueKind::CodeWord, ValueKind::Name, ValueKind::Health, ValueKind::Text]),
            before in "[a-z ]{0,20}",
            after in "[a-z ]{0,20}",
        ) {
            prop_assume!(!STOPLIST.contains(&word.as_str()));
            let written = written_word(&word, &choices);
            let text = format!("{before} {written} {after}");
            let start = before.len() + 1;
            let end = start + written.len();
            let m = Matcher::new(&[pv(kind, &word)]);
            let hits = m.find(&text);
            prop_assert!(hits.iter().any(|h| h.start <= start && h.end >= end), "choices {:?}", choices);
        }

        #[test]
        fn a_planted_phone_number_is_found_however_it_is_written(
            last3 in 0u16..1000,
            choices in prop::collection::vec(any::<u8>(), 12),
            before in "[a-z ]{0,20}",
            after in "[a-z ]{0,20}",
        ) {
            let written = written_phone(last3, &choices);
            let text = format!("{before} {written} {after}");
            let m = Matcher::new(&[pv(ValueKind::Phone, &format!("+447700900{last3:03}"))]);
            let hits = m.find(&text);
            let start = before.len() + 1;
            let digits_end = start + written.trim_end_matches(|c: char| !c.is_numeric()).len();
            prop_assert!(hits.iter().any(|h| h.start <= start + 1 && h.end >= digits_end), "choices {:?}", choices);
            // Another number of the same range is not this one.
            let other = Matcher::new(&[pv(ValueKind::Phone, &format!("+447700900{:03}", (last3 + 1) % 1000))]);
            prop_assert!(other.find(&text).is_empty());
        }

        #[test]
        fn masked_text_has_no_hit_and_hits_are_well_formed(
            values in prop::collection::vec(protected(), 0..6),
            parts in prop::collection::vec(fragment(), 0..16),
        ) {
            let m = Matcher::new(&values);
            let text = parts.join(" ");
            let hits = m.find(&text);
            let mut last_end = 0;
            for h in &hits {
                prop_assert!(h.start < h.end && h.end <= text.len());
                prop_assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
                prop_assert!(h.start >= last_end);
                prop_assert!(h.protected < values.len());
                last_end = h.end;
            }
            let masked = m.mask(&text);
            prop_assert_eq!(&masked.hits, &hits);
            prop_assert!(m.find(&masked.text).is_empty(), "masked text still matches");
        }
    }
}
