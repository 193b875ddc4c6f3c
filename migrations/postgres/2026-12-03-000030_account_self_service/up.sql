-- Forgotten-password links. The link carries 256 random bits; only their SHA-256 is stored, so a
-- copy of the database cannot be used to reset anyone's password. A link works once (used_at)
-- and until expires_at.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_account ON password_resets (account_id, created_at);

-- An invitation to join an organisation now carries a link (its token stored hashed) and
-- expires. Invitations made before this have neither and keep working by email.
ALTER TABLE organisation_invites ADD COLUMN token_hash TEXT;
ALTER TABLE organisation_invites ADD COLUMN expires_at TIMESTAMP;
CREATE UNIQUE INDEX organisation_invites_token ON organisation_invites (token_hash);

-- A user removed from their organisation by its owner. The account stays (what it did keeps its
-- author), but it no longer signs in, its sessions and tokens count as none, and the
-- organisation no longer lists it. A column rather than a cleared organisation_id, since an
-- account other than an administrator's always has an organisation.
ALTER TABLE accounts ADD COLUMN removed_at TIMESTAMP;
