-- Events that change: `sequence` is the calendar files' SEQUENCE, raised with every update sent
-- to the invitees, so calendar programs replace the entry they hold; a cancelled event keeps
-- its row, with when and why, so the record of what was sent stays whole.
ALTER TABLE dialogues ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dialogues ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE dialogues ADD COLUMN cancel_reason TEXT;
