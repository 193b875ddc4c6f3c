-- Needs of buyers, capabilities of suppliers and clusters, the CPV vocabulary, and the queue that
-- carries every committed change to the search index. List-valued fields are JSON arrays of
-- validated codes, so a quoted code never occurs by accident inside another value.
CREATE TABLE needs (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    themes TEXT NOT NULL,
    cpv_codes TEXT NOT NULL,
    counties TEXT NOT NULL,
    national BOOLEAN NOT NULL,
    estimated_value_nok BIGINT,
    planned_tender_date DATE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    language TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX needs_organisation ON needs (organisation_id);
CREATE INDEX needs_status_updated ON needs (status, updated_at);

CREATE TABLE need_participants (
    need_id TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (need_id, organisation_id)
);
CREATE INDEX need_participants_organisation ON need_participants (organisation_id);

CREATE TABLE capabilities (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    themes TEXT NOT NULL,
    cpv_codes TEXT NOT NULL,
    counties TEXT NOT NULL,
    national BOOLEAN NOT NULL,
    maturity TEXT CHECK (maturity IN ('idea', 'prototype', 'piloted', 'on_market')),
    keywords TEXT NOT NULL,
    reference_list TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('nb', 'nn', 'en')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX capabilities_organisation ON capabilities (organisation_id);
CREATE INDEX capabilities_updated ON capabilities (updated_at);

CREATE TABLE cpv_vocabulary (
    code TEXT PRIMARY KEY NOT NULL,
    check_digit TEXT NOT NULL,
    label_en TEXT NOT NULL,
    label_nb TEXT NOT NULL
);

CREATE TABLE index_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    enqueued_at TIMESTAMP NOT NULL
);
CREATE INDEX index_queue_enqueued ON index_queue (enqueued_at);
