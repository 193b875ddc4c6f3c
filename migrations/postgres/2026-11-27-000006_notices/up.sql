-- Notices imported from the national notice database (eForms XML). One row per notice id, the
-- newest version kept. Lists are JSON arrays as text, like the rest of the schema.
CREATE TABLE notices (
    id TEXT PRIMARY KEY NOT NULL,
    version TEXT NOT NULL,
    notice_type TEXT NOT NULL,
    subtype TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('planning', 'consultation', 'competition', 'result', 'other')),
    publication_date DATE NOT NULL,
    title TEXT NOT NULL,
    titles TEXT NOT NULL,
    descriptions TEXT NOT NULL,
    cpv_codes TEXT NOT NULL,
    nuts TEXT NOT NULL,
    counties TEXT NOT NULL,
    procedure_code TEXT,
    innovative_acquisition TEXT NOT NULL,
    refs TEXT NOT NULL,
    consultation_deadline TIMESTAMP,
    early_dialogue BOOLEAN NOT NULL,
    procurement_of_innovation BOOLEAN NOT NULL,
    need_id TEXT REFERENCES needs (id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX notices_kind_date ON notices (kind, publication_date);
CREATE INDEX notices_need ON notices (need_id);

CREATE TABLE notice_buyers (
    notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    orgnr TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    PRIMARY KEY (notice_id, orgnr)
);
CREATE INDEX notice_buyers_orgnr ON notice_buyers (orgnr);

-- A supplier's daily digest of new matching notices: on unless turned off, above its threshold.
CREATE TABLE digest_settings (
    organisation_id TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- What each digest already told, so a notice is sent once.
CREATE TABLE digest_sent (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    need_id TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, need_id)
);
