-- Case lifecycle for retention: when a case closed, until when it must be kept, and
-- whether a legal hold stops it being purged. One row per client that has been closed or
-- held; a client with no row is open.
CREATE TABLE case_status (
    client_id     INTEGER PRIMARY KEY REFERENCES clients(id),
    closed_on     TEXT,
    retain_until  TEXT,
    legal_hold    INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
    hold_reason   TEXT,
    CHECK ((closed_on IS NULL) = (retain_until IS NULL))
) STRICT;
CREATE INDEX case_status_due ON case_status(retain_until) WHERE legal_hold = 0;
