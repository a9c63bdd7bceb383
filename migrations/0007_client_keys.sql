-- Casekeep schema, version 7: one random key per client for the staff free text of the
-- log entries about them (reasons, justifications, advice, recipient names, the words of
-- an "other" purpose), which the log holds only sealed under it (src/log/shred.rs). A
-- purge deletes the client's key with the case: the sealed text can no longer be read,
-- while the signed entries, and so the chain, stay as they were. A key id is never
-- reused (AUTOINCREMENT), so a sealed field names the one key that opens it.
CREATE TABLE client_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   INTEGER NOT NULL UNIQUE REFERENCES clients(id),
    key         BLOB NOT NULL CHECK (length(key) = 32),
    created_at  TEXT NOT NULL
) STRICT;
