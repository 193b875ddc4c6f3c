-- An invitation still waiting in the outbox when its event is cancelled is withdrawn unsent:
-- both the invitation and its email take the status `withdrawn`.
ALTER TABLE invitations DROP CONSTRAINT invitations_status_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'answered', 'unsubscribed', 'withdrawn'));
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'withdrawn'));
-- A booking looks for the same supplier's meetings at other events by organisation number.
CREATE INDEX invitations_orgnr ON invitations (orgnr);
