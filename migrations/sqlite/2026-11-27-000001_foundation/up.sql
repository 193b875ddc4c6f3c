-- Organisations, accounts, invitations to join an organisation, and cluster membership.
-- Ids are UUIDs as text; timestamps are UTC.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('buyer', 'supplier', 'cluster')),
    orgnr TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    website TEXT,
    contact_email TEXT,
    sector TEXT CHECK (sector IN ('state', 'county', 'municipality', 'other')),
    county TEXT,
    size TEXT CHECK (size IN ('micro', 'small', 'medium', 'large')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_kind_name ON organisations (kind, name);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'admin')),
    organisation_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
    security_stamp TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((role = 'admin') = (organisation_id IS NULL))
);
CREATE INDEX accounts_organisation ON accounts (organisation_id);

CREATE TABLE organisation_invites (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, email)
);
CREATE INDEX organisation_invites_email ON organisation_invites (email);

CREATE TABLE cluster_members (
    cluster_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (cluster_id, member_id)
);
CREATE INDEX cluster_members_member ON cluster_members (member_id);
