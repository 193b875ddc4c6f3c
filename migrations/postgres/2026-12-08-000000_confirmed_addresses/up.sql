-- Addresses that opened a confirmation link sent after a registration of interest.
CREATE TABLE confirmed_addresses (
    email TEXT PRIMARY KEY NOT NULL,
    confirmed_at TIMESTAMP NOT NULL
);
-- Registrations of interest whose typed address has not been confirmed yet. Nothing but the one
-- request to confirm goes to such an address; the invitation is made when the link is opened.
CREATE TABLE interest_requests (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    orgnr TEXT NOT NULL,
    supplier_id TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (dialogue_id, orgnr)
);
CREATE INDEX interest_requests_email ON interest_requests (email, created_at);
