DROP TABLE unsubscribes;
DROP TABLE outbox;
DROP TABLE questions;
DROP TABLE invitations;
DROP TABLE dialogues;
