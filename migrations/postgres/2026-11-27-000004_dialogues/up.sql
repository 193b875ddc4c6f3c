-- Market-dialogue events, invitations to them, the durable email outbox, and addresses that
-- asked for no more invitations.
CREATE TABLE dialogues (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('conference', 'one_to_one_meetings', 'written_input')),
    title TEXT NOT NULL,
    agenda TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    place TEXT,
    online_url TEXT,
    response_deadline TIMESTAMP NOT NULL,
    capacity BIGINT,
    language TEXT NOT NULL CHECK (language IN ('nb', 'en')),
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX dialogues_process ON dialogues (process_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    -- Null for suppliers that registered on the event page without being in innolift.
    supplier_id TEXT REFERENCES organisations (id) ON DELETE CASCADE,
    orgnr TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('invited', 'registered')),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'answered', 'unsubscribed')),
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

CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    asked_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX questions_dialogue ON questions (dialogue_id, asked_at);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    invitation_id TEXT REFERENCES invitations (id) ON DELETE SET NULL,
    dialogue_id TEXT REFERENCES dialogues (id) ON DELETE SET NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_dialogue ON outbox (dialogue_id, created_at);

CREATE TABLE unsubscribes (
    email TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL
);
