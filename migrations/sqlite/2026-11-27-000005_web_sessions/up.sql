-- Browser sessions. The cookie holds a random id; only its SHA-256 is stored, so a copy of the
-- database cannot be used to sign in. The account's security stamp is kept so that a password
-- change ends every session.
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    security_stamp TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
