-- An account's address is confirmed by a link sent to it. Accounts from before count as
-- confirmed: they were made when innolift did not ask.
ALTER TABLE accounts ADD COLUMN email_confirmed_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN email_confirm_token_hash TEXT;
ALTER TABLE accounts ADD COLUMN email_confirm_sent_at TIMESTAMP;
UPDATE accounts SET email_confirmed_at = created_at;
CREATE UNIQUE INDEX accounts_email_confirm_token ON accounts (email_confirm_token_hash);
