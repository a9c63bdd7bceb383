-- Unlock rebuilds users, roles and keys from the identity entries of the log alone
-- (identity.rs); this index finds them without reading the whole log.
CREATE INDEX log_by_event ON log_entries(event, seq);
