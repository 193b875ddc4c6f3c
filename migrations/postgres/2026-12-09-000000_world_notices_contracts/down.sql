DROP TABLE ocds_releases;
DROP TABLE contracts;
DELETE FROM notice_buyers WHERE orgnr IS NULL;
ALTER TABLE notice_buyers DROP CONSTRAINT notice_buyers_pkey;
ALTER TABLE notice_buyers DROP COLUMN position;
ALTER TABLE notice_buyers DROP COLUMN identifier;
ALTER TABLE notice_buyers DROP COLUMN scheme;
ALTER TABLE notice_buyers ALTER COLUMN orgnr SET NOT NULL;
ALTER TABLE notice_buyers ADD PRIMARY KEY (notice_id, orgnr);
