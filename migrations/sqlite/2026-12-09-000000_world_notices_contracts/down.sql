DROP TABLE radar_told;
DROP TABLE ocds_releases;
DROP TABLE contracts;
CREATE TABLE notice_buyers_old (
    notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    orgnr TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    PRIMARY KEY (notice_id, orgnr)
);
INSERT OR IGNORE INTO notice_buyers_old (notice_id, orgnr, name, organisation_id)
SELECT notice_id, orgnr, name, organisation_id FROM notice_buyers WHERE orgnr IS NOT NULL;
DROP TABLE notice_buyers;
ALTER TABLE notice_buyers_old RENAME TO notice_buyers;
CREATE INDEX notice_buyers_orgnr ON notice_buyers (orgnr);
