DROP INDEX outbox_about;
ALTER TABLE outbox DROP COLUMN about_id;
DROP TABLE publications;
DROP TABLE document_comments;
DROP TABLE document_versions;
DROP TABLE document_chunks;
DROP TABLE document_blobs;
DROP TABLE documents;
