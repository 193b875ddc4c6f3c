-- Enhetsregisteret, the national register of legal entities, as far as innolift needs it: the
-- fields it verifies organisations with, and the entity as kept (data, JSON) so that the
-- register's change lists (JSON Patch) apply to it. The register is reference data loaded by
-- `innolift registry import`; organisations copy what they need from it.
CREATE TABLE registry_entities (
    orgnr TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    form_code TEXT,
    form_name TEXT,
    sector_code TEXT,
    industry_code TEXT,
    municipality TEXT,
    employees INTEGER,
    bankrupt BOOLEAN NOT NULL,
    winding_up BOOLEAN NOT NULL,
    deleted_on TEXT,
    -- The newest change (oppdateringsid) applied, so that a change list read twice changes nothing.
    last_update_id BIGINT NOT NULL,
    data TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- What the register says of an organisation, and whether staff let a buyer act.
-- verified_at: when name, county, sector and size were last taken from the register.
-- approval: a buyer that the register does not show to be public waits as 'pending' until staff
-- approve it; organisations registered before this change keep acting as they did.
-- ended: 'bankrupt', 'winding_up' or 'deleted' when the register says so.
ALTER TABLE organisations ADD COLUMN verified_at TIMESTAMP;
ALTER TABLE organisations ADD COLUMN approval TEXT NOT NULL DEFAULT 'approved' CHECK (approval IN ('approved', 'pending'));
ALTER TABLE organisations ADD COLUMN approved_by TEXT;
ALTER TABLE organisations ADD COLUMN ended TEXT CHECK (ended IN ('bankrupt', 'winding_up', 'deleted'));
ALTER TABLE organisations ADD COLUMN form_code TEXT;
CREATE INDEX organisations_approval ON organisations (approval);

-- A cluster's request to add a member waits for the member's owner; existing members stay.
ALTER TABLE cluster_members ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('pending', 'accepted'));
ALTER TABLE cluster_members ADD COLUMN answered_at TIMESTAMP;
