ALTER TABLE cluster_members DROP COLUMN answered_at;
ALTER TABLE cluster_members DROP COLUMN status;
DROP INDEX organisations_approval;
ALTER TABLE organisations DROP COLUMN form_code;
ALTER TABLE organisations DROP COLUMN ended;
ALTER TABLE organisations DROP COLUMN approved_by;
ALTER TABLE organisations DROP COLUMN approval;
ALTER TABLE organisations DROP COLUMN verified_at;
DROP TABLE registry_entities;
