-- Casekeep schema, version 9: every stored version of a client's record is anchored in a
-- signed log entry whose body carries `record_digest` (src/record_anchor.rs). Every read
-- of a record looks up the latest such entry about its client; this partial index finds it
-- in one step (the expression must match the one the queries use, character for character).
CREATE INDEX log_record_anchors ON log_entries(client_id, seq)
    WHERE instr(body, '"record_digest":') > 0;
