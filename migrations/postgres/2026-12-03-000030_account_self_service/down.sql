ALTER TABLE accounts DROP COLUMN removed_at;
DROP INDEX organisation_invites_token;
ALTER TABLE organisation_invites DROP COLUMN expires_at;
ALTER TABLE organisation_invites DROP COLUMN token_hash;
DROP TABLE password_resets;
