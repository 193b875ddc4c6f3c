DROP TABLE cluster_members;
DROP TABLE organisation_invites;
DROP TABLE accounts;
DROP TABLE organisations;
