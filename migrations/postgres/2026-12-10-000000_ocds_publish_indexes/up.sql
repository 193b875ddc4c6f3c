-- Publishing open data compares a need with its own last release, and looks for what changed
-- since its last round by these times.
CREATE INDEX ocds_releases_object ON ocds_releases (object_kind, object_id, seq);
CREATE INDEX need_participants_created ON need_participants (created_at);
CREATE INDEX organisations_updated ON organisations (updated_at);
CREATE INDEX notices_imported ON notices (imported_at);
