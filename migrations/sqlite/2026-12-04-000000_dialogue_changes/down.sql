ALTER TABLE dialogues DROP COLUMN cancel_reason;
ALTER TABLE dialogues DROP COLUMN cancelled_at;
ALTER TABLE dialogues DROP COLUMN sequence;
