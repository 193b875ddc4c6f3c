-- Sign-in with an OpenID Connect provider (ID-porten or another).
--
-- A sign-in in flight: its state (hashed; the browser holds it in a cookie too), the nonce and
-- the PKCE verifier, until the browser comes back. Used once, and swept when old.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT,
    created_at TIMESTAMP NOT NULL
);

-- A person at a provider, by the provider's stable subject, so that a changed email keeps the
-- account. account_id is empty until the person has registered; pending_token_hash then ties
-- the registration form to this identity.
CREATE TABLE oidc_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT,
    email_verified BOOLEAN NOT NULL,
    name TEXT,
    pending_token_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    last_sign_in_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_account ON oidc_identities (account_id);
CREATE UNIQUE INDEX oidc_identities_pending ON oidc_identities (pending_token_hash);
