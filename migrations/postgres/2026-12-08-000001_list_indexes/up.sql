-- An index for every list's order and filter, so that a page is found by walking the index
-- rather than sorting the table: the orders end with the id, which the keyset cursors use too.
CREATE INDEX needs_updated_id ON needs (updated_at, id);
CREATE INDEX needs_deadline_id ON needs (planned_tender_date, id);
-- The open needs by deadline: the status first, since a list filtered by it would otherwise
-- take the status index and sort every open need.
CREATE INDEX needs_status_deadline_id ON needs (status, planned_tender_date, id);
CREATE INDEX needs_title_id ON needs (title, id);
CREATE INDEX needs_source ON needs (source);
CREATE INDEX capabilities_updated_id ON capabilities (updated_at, id);
CREATE INDEX capabilities_maturity ON capabilities (maturity);
CREATE INDEX processes_updated_id ON processes (updated_at, id);
CREATE INDEX processes_phase ON processes (phase);
