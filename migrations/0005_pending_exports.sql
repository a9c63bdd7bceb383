-- Casekeep schema, version 5: an export's disclosure record is committed before its file
-- is written (never a file without a record); until the file is known to be complete, a
-- row here says where it goes, what it must hash to, and (once created) which file it is,
-- so that the next unlock can tell a completed export from one a crash cut short
-- (src/export/deliver.rs). The path stays inside the encrypted database, never in the log.
CREATE TABLE pending_exports (
    decision  INTEGER PRIMARY KEY,
    path      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    dev       INTEGER,
    ino       INTEGER
) STRICT;
