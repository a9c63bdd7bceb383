-- Casekeep schema, version 9: drafts for every form a worker fills in, each signed by its
-- author (src/drafts.rs). A draft is now signed with the session's signing key over the
-- vault id, user id, kind, client id, saved time and body, so that an insider who can write
-- this table cannot plant answers "for" another user: a draft whose signature does not
-- verify against the reading user's certified key is removed, not offered. The table is
-- made again (its kinds and key change); the unsigned drafts of version 8 are dropped.
-- An enquiry is recorded before anyone is looked up, so its draft has no client
-- (client_id NULL); every other kind has one. At most one per user, kind and client.
DROP TABLE drafts;
CREATE TABLE drafts (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('risk_checklist', 'note', 'consent', 'decline', 'share', 'marac', 'edit_client', 'enquiry')),
    client_id  INTEGER REFERENCES clients(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    key_id     INTEGER NOT NULL,
    signature  BLOB NOT NULL,
    CHECK ((kind = 'enquiry') = (client_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX drafts_one_per_form ON drafts(user_id, kind, ifnull(client_id, 0));
CREATE INDEX drafts_by_client ON drafts(client_id);
