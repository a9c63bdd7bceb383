-- Casekeep schema, version 4: the work queue (every caseload screen) reads the consent
-- entries and the share and approval decisions of the whole log. Without an index on the
-- kind, each read scanned every log entry: ≈ 2.6 s at 10,000 clients (1.1 M entries) in
-- an encrypted vault, where every page is decrypted (docs/BENCHMARKS.md).
CREATE INDEX log_by_kind ON log_entries(kind, event);
