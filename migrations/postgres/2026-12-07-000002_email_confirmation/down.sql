DROP INDEX accounts_email_confirm_token;
ALTER TABLE accounts DROP COLUMN email_confirm_sent_at;
ALTER TABLE accounts DROP COLUMN email_confirm_token_hash;
ALTER TABLE accounts DROP COLUMN email_confirmed_at;
