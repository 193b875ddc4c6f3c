DROP INDEX notices_imported;
DROP INDEX organisations_updated;
DROP INDEX need_participants_created;
DROP INDEX ocds_releases_object;
