//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), kept here so that the
//! committed corpus is also replayed by an ordinary test (`tests/it/fuzz_corpus.rs`) in CI.
//! Each takes arbitrary bytes and must return — never panic, never hang — whatever it is
//! given. Not an API: nothing else calls these.
#![doc(hidden)]

use crate::record::{ClientPatch, ClientRecord, Date};

fn fixed_day() -> Date {
    Date::parse("2026-11-25").unwrap_or_else(Date::today)
}

/// `client add` / `client update` input: the strict reader, the shape check, validation.
pub fn client_json(data: &[u8]) {
    if let Ok(patch) = crate::casework::clients::parse_patch(data) {
        let mut rec = ClientRecord::default();
        if patch.apply(&mut rec, "fuzz", fixed_day()).is_ok() {
            let v = serde_json::to_value(&rec).unwrap_or_default();
            let _ = crate::record::catalogue::paths_with_values(&v);
        }
    }
}

/// A backup file's container format, up to where authentication needs the vault key.
pub fn backup_reader(data: &[u8]) {
    let _ = crate::vault::backup::parse_container(data);
}

/// A key-slot file: strict JSON, metadata, KDF limits, base64 parts.
pub fn key_slot(data: &[u8]) {
    let _ = crate::vault::slots::Slot::parse(data);
}

/// Every IPC command's argument decoding: the bytes as a command's JSON body, each value
/// decoded as each argument type the shell's commands declare (src-tauri/src/main.rs,
/// through `Arg<T>`: the same serde decoding) and checked as the commands check it; then
/// the JSON documents the shell hands on to the core: a client record or patch, a MARAC
/// referral (applied to a record that has an assessment), a settings patch.
pub fn ipc_args(data: &[u8]) {
    command_args(data);
    client_json(data);
    if let Ok(input) =
        crate::support::input::parse_json::<crate::casework::marac::MaracInput>(data, "MARAC JSON")
    {
        let mut rec = ClientRecord::default();
        let entry = r#"{"date": "2026-01-01", "answers": ["yes","yes","yes","yes","yes","yes","yes","yes","yes","yes",
            "yes","yes","yes","yes","no","no","no","no","no","no","no","no","no","not_known"]}"#;
        let seed = format!(r#"{{"full_name": "Fuzz Example", "risk": [{entry}]}}"#);
        if let Ok(p) = crate::support::input::parse_json::<ClientPatch>(seed.as_bytes(), "t") {
            let _ = p.apply(&mut rec, "fuzz", fixed_day());
        }
        let cfg = crate::record::risk::RiskConfig::default();
        let _ = crate::casework::marac::apply(&mut rec, input, "fuzz", &cfg, fixed_day());
    }
    let _ = crate::record::settings::Settings::default().merged(data);
}

/// The argument types of the shell's commands, decoded from each value of a JSON body (or
/// the body itself when it is not an object), and the checks the commands make on them.
fn command_args(data: &[u8]) {
    use crate::ipc::{ConsentArgs, FinishArgs, ShareArgs};
    use serde::Deserialize;
    use serde_json::Value;
    let Ok(body) = serde_json::from_slice::<Value>(data) else { return };
    // The body as each command's argument struct, decoded as the shell decodes it.
    let _ = crate::ipc::contract::decode_for_every_command(&body);
    let values: Vec<&Value> = match &body {
        Value::Object(m) => m.values().collect(),
        other => vec![other],
    };
    for v in values {
        let _ = i64::deserialize(v);
        let _ = u64::deserialize(v);
        let _ = usize::deserialize(v);
        let _ = bool::deserialize(v);
        let _ = Option::<i64>::deserialize(v);
        let _ = Option::<String>::deserialize(v);
        let _ = crate::log::identity::Role::deserialize(v);
        if let Ok(text) = String::deserialize(v) {
            let _ = text.parse::<crate::log::vocab::RecipientKind>();
            let _ = crate::RecoveryKey::parse(&text);
        }
        if let Ok(args) = ConsentArgs::deserialize(v) {
            let _ = args.into_input();
        }
        if let Ok(args) = ShareArgs::deserialize(v) {
            let _ = args.request();
            let _ = args.format();
        }
        if let Ok(args) = FinishArgs::deserialize(v) {
            let _ = args.checked();
        }
    }
}

/// The disclosure firewall's matcher: the input, split at NUL bytes, is up to eight
/// protected values (the first byte of each picks its kind) and then the text. Checks the
/// matcher's promises: hits in range, on character boundaries, sorted and not
/// overlapping, naming a given value; the masked text contains no hit of its own.
pub fn firewall_matcher(data: &[u8]) {
    use crate::support::matcher::{Matcher, Protected, ValueKind};
    let mut parts: Vec<&[u8]> = data.split(|b| *b == 0).collect();
    let text = String::from_utf8_lossy(parts.pop().unwrap_or_default());
    let values: Vec<Protected> = parts
        .iter()
        .take(8)
        .filter_map(|p| {
            let (&k, rest) = p.split_first()?;
            let kind = *ValueKind::ALL.get(usize::from(k) % ValueKind::ALL.len())?;
            Some(Protected { kind, source: "fuzz".into(), value: String::from_utf8_lossy(rest).into_owned() })
        })
        .collect();
    let m = Matcher::new(&values);
    let hits = m.find(&text);
    let mut last = 0;
    for h in &hits {
        assert!(h.start >= last && h.start < h.end && h.end <= text.len(), "hit out of order or range");
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end), "hit off a char boundary");
        assert!(h.protected < values.len(), "hit names no value");
        last = h.end;
    }
    let masked = m.mask(&text);
    assert!(masked.hits == hits, "mask found other hits than find");
    assert!(m.find(&masked.text).is_empty(), "the masked text matches again");
}
