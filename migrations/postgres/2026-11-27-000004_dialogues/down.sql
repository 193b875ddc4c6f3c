DROP TABLE unsubscribes;
DROP TABLE outbox;
DROP TABLE invitations;
DROP TABLE dialogues;
