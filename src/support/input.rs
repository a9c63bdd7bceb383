//! Reading people's input: bounded, strict JSON with errors that name a path, never a value.
//!
//! Messages are built from structured parts only, never from a library's formatted text
//! (which quotes the value it choked on, and which a value can imitate). The bytes are
//! first read into a plain tree ([`Node`]) — the only failures there are syntax, with a line
//! and column — then the wanted type is read from that tree by a deserializer whose error
//! type ([`Fail`]) records the kind of failure: the *kind* of value found (never the value),
//! the description of what was expected (written by the code, not the input), the static
//! list of known keys or values, or a message that Casekeep's own validators marked with
//! [`OWN`]. Anything else is "not acceptable".

use std::fmt;

use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, Deserializer, Expected, IntoDeserializer, Unexpected, Visitor};
use serde::Deserialize;

use crate::support::error::{Error, Result};

/// A client JSON file larger than this is refused before it is parsed.
pub const JSON_LIMIT: u64 = 1024 * 1024;

/// Marks messages written by Casekeep's own validators (safe to show as they are).
pub const OWN: &str = "casekeep: ";

/// Parses `bytes` into `T`, refusing unknown and duplicate keys, and turns any failure into
/// a sentence that names where the problem is and what was expected — never the value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    let tree: Node = serde_json::from_slice(bytes).map_err(|e| Error::Invalid(syntax(&e, what)))?;
    if let Some((path, key)) = tree.first_duplicate() {
        let key = safe_key(key).unwrap_or("?");
        return Err(Error::Invalid(format!("{} has the key `{key}` twice", place(&path, what))));
    }
    serde_path_to_error::deserialize(tree).map_err(|e| {
        let fail = e.inner();
        let mut segs: Vec<Seg<'_>> = e.path().iter().map(Seg::from_path).collect();
        // An unknown key is named (if it is a plain name) by the message, not the path.
        if let (Fail::UnknownField { name, .. }, Some(Seg::Key(last))) = (fail, segs.last()) {
            if last == name {
                segs.pop();
            }
        }
        Error::Invalid(fail.describe(&place(&render(&segs), what)))
    })
}

/// The sentence for JSON that could not be read at all: where, never what.
fn syntax(e: &serde_json::Error, what: &str) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => format!("could not read the {what}"),
        Category::Syntax => {
            format!("the {what} is not valid JSON (line {}, column {})", e.line(), e.column())
        }
        Category::Eof => format!("the {what} ends before its JSON is complete"),
        Category::Data => format!("the {what} is not acceptable"),
    }
}

fn place(path: &str, what: &str) -> String {
    if path.is_empty() {
        format!("the {what}")
    } else {
        format!("`{path}` in the {what}")
    }
}

/// A key the message may repeat: a plain lower-case field name. Anything else may be a
/// value typed in the wrong place and is shown as `?`.
pub(crate) fn safe_key(k: &str) -> Option<&str> {
    let ok = !k.is_empty()
        && k.len() <= 40
        && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(k)
}

// ---------------------------------------------------------------------------------------
// Paths

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
    Unknown,
}

impl<'a> Seg<'a> {
    fn from_path(seg: &'a serde_path_to_error::Segment) -> Seg<'a> {
        use serde_path_to_error::Segment;
        match seg {
            Segment::Seq { index } => Seg::Index(*index),
            Segment::Map { key } | Segment::Enum { variant: key } => Seg::Key(key),
            Segment::Unknown => Seg::Unknown,
        }
    }
}

/// The path as `a.b[2].c`, with any key that is not a plain field name shown as `?`.
fn render(segs: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(safe_key(k).unwrap_or("?"));
            }
            Seg::Unknown => out.push_str(".?"),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The tree

/// JSON as read, keys in order and duplicates kept (so that they can be refused).
#[derive(Clone)]
enum Node {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Input is personal data: never in debug output.
        f.write_str("Node(..)")
    }
}

impl Node {
    /// The first object (depth first) that has a key twice: its path and the key.
    fn first_duplicate(&self) -> Option<(String, &str)> {
        fn walk<'a>(n: &'a Node, path: &mut Vec<Seg<'a>>) -> Option<(String, &'a str)> {
            match n {
                Node::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
                    path.push(Seg::Index(i));
                    let found = walk(item, path);
                    path.pop();
                    found
                }),
                Node::Map(entries) => {
                    let mut seen = std::collections::HashSet::new();
                    if let Some((k, _)) = entries.iter().find(|(k, _)| !seen.insert(k.as_str())) {
                        return Some((render(path), k.as_str()));
                    }
                    entries.iter().find_map(|(k, v)| {
                        path.push(Seg::Key(k));
                        let found = walk(v, path);
                        path.pop();
                        found
                    })
                }
                _ => None,
            }
        }
        walk(self, &mut Vec::new())
    }

    /// What kind of value this is (the payload is a placeholder, never the value).
    fn unexpected(&self) -> Unexpected<'static> {
        match self {
            Node::Null => Unexpected::Unit,
            Node::Bool(_) => Unexpected::Bool(false),
            Node::I64(_) | Node::U64(_) | Node::F64(_) => Unexpected::Float(0.0),
            Node::Str(_) => Unexpected::Str(""),
            Node::Seq(_) => Unexpected::Seq,
            Node::Map(_) => Unexpected::Map,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Node, E> {
        Ok(Node::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Node, E> {
        Ok(Node::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Node, E> {
        Ok(Node::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> std::result::Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = a.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = a.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> IntoDeserializer<'de, Fail> for Node {
    type Deserializer = Node;
    fn into_deserializer(self) -> Node {
        self
    }
}

impl<'de> Deserializer<'de> for Node {
    type Error = Fail;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Fail> {
        match self {
            Node::Null => v.visit_unit(),
            Node::Bool(b) => v.visit_bool(b),
            Node::I64(n) => v.visit_i64(n),
            Node::U64(n) => v.visit_u64(n),
            Node::F64(n) => v.visit_f64(n),
            Node::Str(s) => v.visit_string(s),
            Node::Seq(items) => {
                let mut access = SeqDeserializer::new(items.into_iter());
                let out = v.visit_seq(&mut access)?;
                access.end()?;
                Ok(out)
            }
            Node::Map(entries) => {
                let mut access = MapDeserializer::new(entries.into_iter());
                let out = v.visit_map(&mut access)?;
                access.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, Fail> {
        match self {
            Node::Null => v.visit_none(),
            other => v.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> std::result::Result<V::Value, Fail> {
        v.visit_newtype_struct(self)
    }

    /// A record or item must say which field is which: an object, never a list by position.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, Fail> {
        match self {
            Node::Map(_) => self.deserialize_any(v),
            other => Err(de::Error::invalid_type(other.unexpected(), &v)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, Fail> {
        match self {
            Node::Str(s) => v.visit_enum(s.into_deserializer()),
            Node::Map(entries) if entries.len() == 1 => {
                v.visit_enum(MapAccessDeserializer::new(MapDeserializer::new(entries.into_iter())))
            }
            other => Err(de::Error::invalid_type(other.unexpected(), &v)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

// ---------------------------------------------------------------------------------------
// Failures, as structured parts

/// Why reading the tree into the wanted type failed. Holds no input value: the kind of
/// value found is a fixed word, what was expected is the code's own description, lists
/// are the code's static lists, and an unknown key is kept only to be compared with the
/// path (shown only if it is a plain field name).
pub(crate) enum Fail {
    WrongType { found: &'static str, expected: String },
    BadValue { expected: String },
    Length { expected: String },
    UnknownVariant { expected: &'static [&'static str] },
    UnknownField { name: String },
    Missing(&'static str),
    Duplicate(&'static str),
    Own(String),
    Other,
}

impl Fail {
    fn describe(&self, at: &str) -> String {
        match self {
            Fail::WrongType { found, expected } => {
                format!("{at} has the wrong type of value (expected {expected}, found {found})")
            }
            Fail::BadValue { expected } => format!("{at} is not acceptable (expected {expected})"),
            Fail::Length { expected } => format!("{at} has the wrong number of items (expected {expected})"),
            Fail::UnknownVariant { expected } => format!("{at} must be one of {}", list(expected)),
            Fail::UnknownField { name } => match safe_key(name) {
                Some(k) => format!("{at} has an unknown key `{k}` (Casekeep refuses keys it does not know)"),
                None => format!("{at} has an unknown key (Casekeep refuses keys it does not know)"),
            },
            Fail::Missing(name) => format!("{at} is missing the required key `{name}`"),
            Fail::Duplicate(name) => format!("{at} has the key `{name}` twice"),
            Fail::Own(rest) => format!("{at} {rest}"),
            Fail::Other => format!("{at} is not acceptable"),
        }
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        return "no value (nothing is accepted here)".into();
    }
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// The kind of value found, without its payload.
fn kind(u: &Unexpected<'_>) -> &'static str {
    match u {
        Unexpected::Bool(_) => "true or false",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a list",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// What was expected, in plain words. The description is the code's own (a visitor's
/// `expecting`), never the input; it is still bounded.
fn expected(e: &dyn Expected) -> String {
    let text = e.to_string();
    let plain = match text.as_str() {
        t if t.starts_with("struct ") || t.starts_with("a map") || t == "map" => "an object",
        "variant identifier" => "a known value",
        "field identifier" => "a known key",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            "a whole number in range"
        }
        "f32" | "f64" => "a number",
        t => return t.chars().take(120).collect(),
    };
    plain.to_string()
}

impl de::Error for Fail {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        match msg.to_string().strip_prefix(OWN) {
            Some(rest) => Fail::Own(rest.to_string()),
            None => Fail::Other,
        }
    }
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Fail::WrongType { found: kind(&unexp), expected: expected(exp) }
    }
    fn invalid_value(_unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Fail::BadValue { expected: expected(exp) }
    }
    fn invalid_length(_len: usize, exp: &dyn Expected) -> Self {
        Fail::Length { expected: expected(exp) }
    }
    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Fail::UnknownVariant { expected }
    }
    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        Fail::UnknownField { name: field.to_string() }
    }
    fn missing_field(field: &'static str) -> Self {
        Fail::Missing(field)
    }
    fn duplicate_field(field: &'static str) -> Self {
        Fail::Duplicate(field)
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("the input"))
    }
}

impl fmt::Debug for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The unknown key may be a value typed in the wrong place: Display filters it.
        write!(f, "Fail({self})")
    }
}

impl std::error::Error for Fail {}

/// Whether a text may run over several lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Lines {
    /// One line: no control character at all.
    One,
    /// Several lines: line breaks (`\n`) only, no other control character (consent, share
    /// and settings words, reasons).
    Breaks,
    /// Several lines as the record's long fields take them: line breaks, tabs and carriage
    /// returns, no other control character.
    Many,
}

/// The one check of typed text, for every field of every front end (the record's fields,
/// a share's words, a reason, a note): trimmed, empty as none, at most `max` characters, no
/// control characters but the line breaks (and, in the record's long fields, tabs) that
/// `lines` allows. The message names the field (`field`, as the record or the command
/// names it, never a CLI flag) and never the value: "`justification` is too long (4,100 characters; the limit is 4000)".
pub(crate) fn text(field: &str, v: Option<&str>, max: usize, lines: Lines) -> Result<Option<String>> {
    let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let n = t.chars().count();
    if n > max {
        return Err(Error::invalid(format!("`{field}` is too long ({n} characters; the limit is {max})")));
    }
    let allowed = |c: char| match lines {
        Lines::One => false,
        Lines::Breaks => c == '\n',
        Lines::Many => matches!(c, '\n' | '\t' | '\r'),
    };
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Error::invalid(format!("`{field}` contains control characters")));
    }
    Ok(Some(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_text_check_with_three_line_rules() {
        let t = |v: &str, lines| text("note", Some(v), 10, lines).map_err(|e| e.to_string());
        assert_eq!(t("  a\nb ", Lines::Breaks), Ok(Some("a\nb".into())));
        assert_eq!(t("a\tb", Lines::Many), Ok(Some("a\tb".into())));
        assert!(t("a\tb", Lines::Breaks).is_err_and(|e| e == "`note` contains control characters"));
        assert!(t("a\nb", Lines::One).is_err());
        assert!(
            t(&"x".repeat(11), Lines::Many).is_err_and(|e| e.contains("(11 characters; the limit is 10)"))
        );
        assert_eq!(t("   ", Lines::One), Ok(None));
    }
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        flag: Option<bool>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Phone,
        Email,
    }

    fn err(json: &str) -> String {
        match parse_json::<T>(json.as_bytes(), "client JSON") {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn messages_name_the_place_but_never_the_value() {
        let secret = "Zanzibar Secretname";
        let cases = [
            format!(r#"{{"name": "x", "flag": "{secret}"}}"#),
            format!(r#"{{"name": "x", "kind": "{secret}"}}"#),
            format!(r#"{{"name": "x", "{secret}": 1}}"#),
            format!(r#"{{"name": 5, "x": "{secret}"}}"#),
            format!(r#"{{"name": "{secret}", "name": "{secret}"}}"#),
            format!(r#"{{"name": "{secret}""#),
            format!(r#"["{secret}"]"#),
        ];
        for c in &cases {
            let m = err(c);
            assert!(!m.is_empty(), "accepted {c}");
            assert!(!m.contains("Zanzibar"), "leaked value in: {m}");
        }
        assert!(err(r#"{"name": "x", "flag": "yes"}"#).contains("`flag`"));
        assert!(err(r#"{"name": "x", "colour": 1}"#).contains("the client JSON has an unknown key `colour`"));
        assert!(err(r#"{"name": "x", "kind": "fax"}"#).contains("must be one of"));
        assert!(err(r#"{"flag": true}"#).contains("missing the required key `name`"));
        assert!(err(r#"{"name": "a", "name": "b"}"#).contains("twice"));
    }

    /// Values that imitate serde's own wording, quote characters, direction and zero-width
    /// marks, and a 100 kB string: in every place a value can fail, the message holds no
    /// part of it (each value carries the sentinel `QZXV`, which no message uses).
    pub(crate) const HOSTILE: [&str; 10] = [
        "a, expected QZXV",
        "QZXV, expected a string at line 1 column 2",
        "QZXV at line 1 column 2, expected ",
        "unknown field `QZXV`, expected `name`",
        "invalid type: string \"QZXV\", expected a boolean",
        "``QZXV``",
        "missing field `QZXV`",
        "\u{202e}QZXV\u{202c} \u{200b}QZXV\u{200d}",
        "casekeep: QZXV",
        "duplicate field `QZXV`",
    ];

    pub(crate) fn hostile_values() -> Vec<String> {
        let mut v: Vec<String> = HOSTILE.iter().map(|s| (*s).to_string()).collect();
        v.push(format!("{}QZXV{}", "a, expected ".repeat(4_000), " at line 9".repeat(4_000)));
        v
    }

    #[test]
    fn values_that_imitate_the_library_wording_never_reach_the_message() {
        for value in hostile_values() {
            let s = serde_json::to_string(&value).unwrap_or_default();
            let cases = [
                format!(r#"{{"name": "x", "flag": {s}}}"#),
                format!(r#"{{"name": "x", "kind": {s}}}"#),
                format!(r#"{{"name": "x", {s}: 1}}"#),
                format!(r#"{{"name": "x", "flag": true, {s}: 1, {s}: 2}}"#),
                format!(r#"{{"name": {s}, "name": {s}}}"#),
                format!(r#"{{"name": 5, "x": {s}}}"#),
                format!(r#"[{s}]"#),
                format!(r#"{{"name": {s}"#),
                format!(r#"{{"name": {s} {s}}}"#),
                format!("{{\"name\": \"{}\u{1}\"}}", value.replace(['"', '\\'], "")),
            ];
            for c in &cases {
                let m = err(c);
                assert!(!m.is_empty(), "a hostile case was accepted");
                assert!(
                    !m.contains("QZXV"),
                    "the message repeats the value: {}",
                    m.chars().take(300).collect::<String>()
                );
                assert!(m.len() < 400, "the message is long: {} bytes", m.len());
            }
        }
        // Own messages still pass through, and a plain unknown key is still named.
        assert!(err(r#"{"name": "x", "colour": "QZXV"}"#).contains("unknown key `colour`"));
    }
}
