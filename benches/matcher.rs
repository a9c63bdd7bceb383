//! The disclosure firewall's matcher on a long text: 100 kB of prose (with protected
//! values planted in their written forms) against 50 protected values. See
//! docs/BENCHMARKS.md, "Firewall matcher".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use casekeep::support::matcher::{Matcher, Protected, ValueKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn values() -> Vec<Protected> {
    let mut v = Vec::new();
    let mut push = |kind, value: String| v.push(Protected { kind, source: "bench".into(), value });
    for i in 0..10 {
        push(ValueKind::Phone, format!("+4477009001{i:02}"));
        push(ValueKind::Name, format!("Lee Example{i}"));
        push(ValueKind::CodeWord, format!("bluebell{i}"));
        push(
            ValueKind::Address,
            format!("Flat {i}, Rose House, {i}0 Example Road, Littleover, Derby DE{i} 1AA"),
        );
        push(ValueKind::Health, format!("condition number {i}"));
    }
    v
}

/// About 100 kB of one line: ordinary words, numbers, and the values' written forms.
fn text() -> String {
    let pieces = [
        "the worker met her at the office and they talked about the week",
        "call 07700 900150 or +44 (0)7700-900-199 after 3pm",
        "she mentioned blue bells and the example rd near the park",
        "ada at example dot org wrote on 12/03/2026 about ref CR 12345 26",
        "Lee  Example3 said Rose House was quiet; DE3 1AA is the postcode",
        "\u{0660}\u{0667}\u{0667}\u{0660}\u{0660} and Z\u{00F6}e M\u{00FC}ller \u{200B}visited",
    ];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 100_000 {
        s.push_str(pieces[i % pieces.len()]);
        s.push(' ');
        i += 1;
    }
    s
}

fn matcher(c: &mut Criterion) {
    let values = values();
    let text = text();
    let m = Matcher::new(&values);
    let mut group = c.benchmark_group("firewall_matcher");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("new_50_values", |b| b.iter(|| Matcher::new(&values)));
    group.bench_function("find_100kB_50_values", |b| b.iter(|| m.find(&text)));
    group.bench_function("mask_100kB_50_values", |b| b.iter(|| m.mask(&text)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    targets = matcher
}
criterion_main!(benches);
