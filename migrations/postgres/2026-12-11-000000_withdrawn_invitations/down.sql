DROP INDEX invitations_orgnr;
UPDATE invitations SET status = 'failed' WHERE status = 'withdrawn';
UPDATE outbox SET status = 'failed' WHERE status = 'withdrawn';
ALTER TABLE invitations DROP CONSTRAINT invitations_status_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'answered', 'unsubscribed'));
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sent', 'failed'));
