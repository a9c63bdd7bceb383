//! Reading people's input: bounded, strict JSON with errors that name a path, never a value.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// A client JSON file larger than this is refused before it is parsed.
pub const JSON_LIMIT: u64 = 1024 * 1024;

/// Marks messages written by Casekeep's own validators (safe to show as they are).
pub const OWN: &str = "casekeep: ";

/// Parses `bytes` into `T`, refusing unknown and duplicate keys, and turns any failure into
/// a sentence that names where the problem is and what was expected — never the value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let unknown_key = e.inner().to_string().starts_with("unknown field");
        let path = safe_path(e.path(), unknown_key);
        Error::Invalid(describe(&path, e.inner(), what))
    })?;
    Ok(value)
}

/// The path as `a.b[2].c`, with any key that is not a plain field name hidden, and (for an
/// unknown key) without the unknown key itself, which the message names separately.
fn safe_path(path: &serde_path_to_error::Path, drop_last: bool) -> String {
    use serde_path_to_error::Segment;
    let mut segs: Vec<&Segment> = path.iter().collect();
    if drop_last {
        segs.pop();
    }
    let mut out = String::new();
    for seg in segs {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(safe_key(key).unwrap_or("?"));
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

fn describe(path: &str, e: &serde_json::Error, what: &str) -> String {
    use serde_json::error::Category;
    let at = if path == "." || path.is_empty() {
        format!("the {what}")
    } else {
        format!("`{path}` in the {what}")
    };
    match e.classify() {
        Category::Io => format!("could not read the {what}"),
        Category::Syntax => {
            format!("the {what} is not valid JSON (line {}, column {})", e.line(), e.column())
        }
        Category::Eof => format!("the {what} ends before its JSON is complete"),
        Category::Data => {
            let msg = e.to_string();
            // serde_json appends " at line N column M"; drop it before matching.
            let msg = msg.split(" at line ").next().unwrap_or("");
            describe_data(&at, msg)
        }
    }
}

fn describe_data(at: &str, msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix(OWN) {
        return format!("{at} {rest}");
    }
    if let Some(name) = quoted(msg, "unknown field `") {
        return match safe_key(name) {
            Some(k) => format!("{at} has an unknown key `{k}` (Casekeep refuses keys it does not know)"),
            None => format!("{at} has an unknown key (Casekeep refuses keys it does not know)"),
        };
    }
    if let Some(name) = quoted(msg, "missing field `") {
        return format!("{at} is missing the required key `{}`", safe_key(name).unwrap_or("?"));
    }
    if let Some(name) = quoted(msg, "duplicate field `") {
        return format!("{at} has the key `{}` twice", safe_key(name).unwrap_or("?"));
    }
    let expected = msg
        .split_once(", expected ")
        .map(|(_, e)| plain_expected(e))
        .unwrap_or_else(|| "something else".into());
    if msg.starts_with("unknown variant") {
        let list = expected.strip_prefix("one of ").unwrap_or(&expected).replace(" or ", ", ");
        return format!("{at} must be one of {list}");
    }
    if msg.starts_with("invalid length") {
        return format!("{at} has the wrong number of items (expected {expected})");
    }
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        return format!("{at} has the wrong type of value (expected {expected})");
    }
    format!("{at} is not acceptable")
}

fn quoted<'a>(msg: &'a str, prefix: &str) -> Option<&'a str> {
    msg.strip_prefix(prefix)?.split('`').next()
}

pub(crate) fn safe_key(k: &str) -> Option<&str> {
    let ok = !k.is_empty()
        && k.len() <= 40
        && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(k)
}

fn plain_expected(e: &str) -> String {
    if e.starts_with("struct ") || e.starts_with("a map") {
        return "an object".into();
    }
    if let Some(list) = e.strip_prefix("one of ") {
        return format!("one of {list}");
    }
    if let Some(v) = e.strip_prefix("variant identifier") {
        return format!("a known value{v}");
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
