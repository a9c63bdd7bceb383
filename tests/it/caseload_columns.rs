//! Migration 0002 fills the caseload columns of existing clients from their records, and
//! the list reads them (synthetic data only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use rusqlite::Connection;

#[test]
fn migration_0002_backfills_name_and_earliest_usable_review_date() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../../migrations/0001_init.sql")).unwrap();
    conn.execute("INSERT INTO users (name, role, created_at) VALUES ('ann', 'manager', 'now')", []).unwrap();
    let record = serde_json::json!({
        "case_reference": "CK-0001", "full_name": "Ada Example",
        "contacts": [
            {"channel": "phone", "value": "+447700900001", "review_due": "2026-12-01"},
            {"channel": "phone", "value": "+447700900002", "do_not_use": true, "review_due": "2026-01-01"},
            {"channel": "sms", "value": "+447700900003", "review_due": "2026-11-20"}
        ]
    });
    conn.execute(
        "INSERT INTO clients (case_reference, record, created_at, updated_at, created_by) VALUES ('CK-0001', ?1, 'x', 'x', 1)",
        [record.to_string()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO clients (case_reference, record, created_at, updated_at, created_by) VALUES ('CK-0002', ?1, 'x', 'x', 1)",
        [serde_json::json!({"case_reference": "CK-0002", "full_name": "Bea Sample", "contacts": []}).to_string()],
    )
    .unwrap();
    conn.execute_batch(include_str!("../../migrations/0002_caseload_columns.sql")).unwrap();
    let rows: Vec<(String, Option<String>)> = conn
        .prepare("SELECT full_name, safe_contact_review_due FROM clients ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![("Ada Example".to_string(), Some("2026-11-20".to_string())), ("Bea Sample".to_string(), None)]
    );
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id, case_reference, full_name, risk_level, safe_contact_review_due, updated_at FROM clients ORDER BY id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX clients_caseload"), "{plan}");
}
