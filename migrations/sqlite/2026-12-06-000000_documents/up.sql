-- Documents in joint processes, their versions and bytes, comments in a consultation, and the
-- summaries the buyers publish.
--
-- The bytes live in the database, in chunks of at most 1 MiB, so every node serves them and no
-- upload or download holds a whole file in memory. A blob is written chunk by chunk while the
-- upload arrives and only becomes a version when the upload is complete and accepted; blobs that
-- never become one are swept.
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    dialogue_id TEXT REFERENCES dialogues (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('buyers', 'invitees', 'public')),
    comments_until TIMESTAMP,
    current_version BIGINT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- A deleted document is hidden; its versions keep their hashes, and the bytes are dropped.
    deleted_at TIMESTAMP
);
CREATE INDEX documents_process ON documents (process_id);
CREATE INDEX documents_dialogue ON documents (dialogue_id);

CREATE TABLE document_blobs (
    id TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    complete BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE document_chunks (
    blob_id TEXT NOT NULL REFERENCES document_blobs (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

CREATE TABLE document_versions (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    -- Null once the document is deleted and its bytes dropped.
    blob_id TEXT REFERENCES document_blobs (id) ON DELETE SET NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (document_id, version)
);

-- A comment of one invitee on one version of a draft: confidential to the process's buyers.
CREATE TABLE document_comments (
    id TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX document_comments_document ON document_comments (document_id);

-- What the buyers publish to every invitee: the response to a consultation (one per document)
-- and the minutes of an event (one per event), each with the SHA-256 of its text.
CREATE TABLE publications (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    document_id TEXT REFERENCES documents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('consultation_summary', 'minutes')),
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    published_by TEXT,
    published_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX publications_one_summary ON publications (document_id) WHERE kind = 'consultation_summary';
CREATE UNIQUE INDEX publications_one_minutes ON publications (dialogue_id) WHERE kind = 'minutes';

-- What an email is about (a document version or a publication), so the event's record can say
-- who was told of each.
ALTER TABLE outbox ADD COLUMN about_id TEXT;
CREATE INDEX outbox_about ON outbox (about_id);
