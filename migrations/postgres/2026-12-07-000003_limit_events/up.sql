-- Attempts counted against the limits (sign-in, password reset, registration of interest), in
-- the database so that every node of a deployment counts the same attempts.
CREATE TABLE limit_events (
    id TEXT PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX limit_events_key_at ON limit_events (key, at);
CREATE INDEX limit_events_at ON limit_events (at);
