-- Casekeep schema, version 8: a half-finished form (a risk checklist, a note) kept when
-- the app locks, so that the worker who wrote it is offered it back after unlocking
-- (src/drafts.rs). Record data, so only ever here, inside the encrypted database (never in
-- the page's storage or a file); one per user, kind and client; deleted when used or
-- discarded, after DRAFT_DAYS (a removed user's too), and with the client (a purge).
CREATE TABLE drafts (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('risk_checklist', 'note')),
    client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, client_id)
) STRICT;
CREATE INDEX drafts_by_client ON drafts(client_id);
