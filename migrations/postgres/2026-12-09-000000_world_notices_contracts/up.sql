-- Buyers of notices from anywhere: each keeps its identifier as given with its scheme, and a
-- buyer without any identifier is kept by name. `orgnr` is set only for a Norwegian
-- organisation number, which is what links a buyer to an organisation.
ALTER TABLE notice_buyers ADD COLUMN position BIGINT;
ALTER TABLE notice_buyers ADD COLUMN identifier TEXT;
ALTER TABLE notice_buyers ADD COLUMN scheme TEXT;
UPDATE notice_buyers b SET identifier = b.orgnr, position = r.n
FROM (SELECT notice_id, orgnr, ROW_NUMBER() OVER (PARTITION BY notice_id ORDER BY orgnr) - 1 AS n FROM notice_buyers) r
WHERE r.notice_id = b.notice_id AND r.orgnr = b.orgnr;
ALTER TABLE notice_buyers DROP CONSTRAINT notice_buyers_pkey;
ALTER TABLE notice_buyers ALTER COLUMN position SET NOT NULL;
ALTER TABLE notice_buyers ALTER COLUMN orgnr DROP NOT NULL;
ALTER TABLE notice_buyers ADD PRIMARY KEY (notice_id, position);

-- Running contracts: registered by buyers, or read from award notices. A registered contract is
-- private to its buyer and programme staff unless shared; one from a notice is public already.
CREATE TABLE contracts (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
    buyer_name TEXT NOT NULL,
    buyer_identifier TEXT,
    title TEXT NOT NULL,
    cpv_codes TEXT NOT NULL,
    counties TEXT NOT NULL,
    starts_at DATE,
    ends_at DATE NOT NULL,
    renewal_options DATE,
    value_nok BIGINT,
    shared BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    notice_id TEXT REFERENCES notices (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contracts_ends_at ON contracts (ends_at, id);
CREATE INDEX contracts_organisation ON contracts (organisation_id, ends_at);
CREATE UNIQUE INDEX contracts_notice ON contracts (notice_id, buyer_name, title);

-- OCDS releases as published: one per change seen to a published need, joint process or
-- dialogue event, kept as written, so that what went out can be shown again unchanged.
CREATE TABLE ocds_releases (
    id TEXT PRIMARY KEY NOT NULL,
    ocid TEXT NOT NULL,
    seq BIGINT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (ocid, seq)
);
CREATE INDEX ocds_releases_published ON ocds_releases (published_at, id);

-- Radar groups each buyer was told of by the weekly email, so a group is told once.
CREATE TABLE radar_told (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL,
    told_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, group_id)
);
