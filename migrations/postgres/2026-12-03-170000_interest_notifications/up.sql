-- Suppliers' and clusters' interest in an open need: one row per organisation and need, which
-- only the need's buyers see.
CREATE TABLE need_interests (
    need_id TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (need_id, organisation_id)
);
CREATE INDEX need_interests_organisation ON need_interests (organisation_id);

-- What happened that an account should know of. `title` and `actor` are kept as they were when
-- it happened, so the list reads the same after a rename; `link` is the object's page.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    title TEXT NOT NULL,
    actor TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP
);
CREATE INDEX notifications_account ON notifications (account_id, created_at);
CREATE INDEX notifications_subject ON notifications (account_id, kind, subject_id, emailed_at);

-- Email per kind of notification, per account: on unless a row turns it off.
CREATE TABLE notification_settings (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    email BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, kind)
);
