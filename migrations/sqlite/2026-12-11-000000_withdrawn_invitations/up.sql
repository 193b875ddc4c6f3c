-- An invitation still waiting in the outbox when its event is cancelled is withdrawn unsent:
-- both the invitation and its email take the status `withdrawn`. SQLite cannot change a CHECK
-- constraint in place, so both tables are rebuilt as its documentation describes (foreign keys
-- off, copy, drop, rename, indexes again), with every column they have gained since.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE invitations_new (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    -- Null for suppliers that registered on the event page without being in innolift.
    supplier_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
    orgnr TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('invited', 'registered')),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'answered', 'unsubscribed', 'withdrawn')),
    failure TEXT,
    answer TEXT CHECK (answer IN ('attending', 'interested_cannot_attend', 'not_relevant')),
    attendees BIGINT,
    comment TEXT,
    answered_at TIMESTAMP,
    reminder_sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (dialogue_id, orgnr)
);
INSERT INTO invitations_new (id, dialogue_id, supplier_id, orgnr, source, email, token_hash,
    status, failure, answer, attendees, comment, answered_at, reminder_sent_at, created_at,
    updated_at)
SELECT id, dialogue_id, supplier_id, orgnr, source, email, token_hash, status, failure, answer,
    attendees, comment, answered_at, reminder_sent_at, created_at, updated_at
FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
-- A booking looks for the same supplier's meetings at other events by organisation number.
CREATE INDEX invitations_orgnr ON invitations (orgnr);

CREATE TABLE outbox_new (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    invitation_id TEXT REFERENCES invitations (id) ON DELETE SET NULL,
    dialogue_id TEXT REFERENCES dialogues (id) ON DELETE SET NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'withdrawn')),
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    about_id TEXT
);
INSERT INTO outbox_new (id, kind, invitation_id, dialogue_id, recipient, subject, message_id,
    body, sha256, status, attempts, next_attempt_at, claimed_until, last_error, sent_at,
    created_at, about_id)
SELECT id, kind, invitation_id, dialogue_id, recipient, subject, message_id, body, sha256,
    status, attempts, next_attempt_at, claimed_until, last_error, sent_at, created_at, about_id
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_dialogue ON outbox (dialogue_id, created_at);
CREATE INDEX outbox_about ON outbox (about_id);

COMMIT;
PRAGMA foreign_keys = ON;
