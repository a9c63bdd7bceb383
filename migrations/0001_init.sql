-- Casekeep schema, version 1. Applied in one transaction; PRAGMA user_version records it.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('manager', 'caseworker')),
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id)
) STRICT;

-- Every signing key a user has held; retired keys stay so old entries still verify.
CREATE TABLE user_keys (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    created_at  TEXT NOT NULL,
    retired_at  TEXT
) STRICT;
CREATE INDEX user_keys_by_user ON user_keys(user_id);

-- A client's record is one validated JSON document in the catalogue's shape; the columns
-- beside it are derived on every save for listing and sorting.
CREATE TABLE clients (
    id              INTEGER PRIMARY KEY,
    case_reference  TEXT NOT NULL UNIQUE,
    record          TEXT NOT NULL,
    risk_level      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES users(id)
) STRICT;

-- Full-text index of what a caseworker searches by (names and case reference).
CREATE VIRTUAL TABLE client_search USING fts5(
    full_name, preferred_name, case_reference,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The log: consents, decisions and audit events, one hash chain.
CREATE TABLE log_entries (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('audit', 'consent', 'decision')),
    event      TEXT NOT NULL,
    actor_id   INTEGER,
    client_id  INTEGER,
    body       TEXT NOT NULL,
    key_id     INTEGER NOT NULL,
    signature  BLOB NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
) STRICT;
CREATE INDEX log_by_client ON log_entries(client_id, kind);

CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log entries are append-only: they cannot be changed');
END;

CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log entries are append-only: they cannot be deleted');
END;
