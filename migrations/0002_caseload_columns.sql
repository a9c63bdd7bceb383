-- Casekeep schema, version 2: the caseload list reads columns derived on every save, so
-- listing 10,000 clients decodes no client record. `full_name` and the earliest review
-- date of a usable safe contact (`YYYY-MM-DD`, so text order is date order) join the
-- existing `case_reference` and `risk_level`; initials are computed from `full_name`.
ALTER TABLE clients ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN safe_contact_review_due TEXT;

UPDATE clients SET
    full_name = coalesce(json_extract(record, '$.full_name'), ''),
    safe_contact_review_due = (
        SELECT min(json_extract(c.value, '$.review_due'))
          FROM json_each(clients.record, '$.contacts') AS c
         WHERE NOT coalesce(json_extract(c.value, '$.do_not_use'), 0)
    );

-- Covers the caseload list, so it reads a narrow index rather than every record's pages.
CREATE INDEX clients_caseload
    ON clients(id, case_reference, full_name, risk_level, safe_contact_review_due, updated_at);
