DROP INDEX needs_updated_id;
DROP INDEX needs_deadline_id;
DROP INDEX needs_title_id;
DROP INDEX needs_source;
DROP INDEX capabilities_updated_id;
DROP INDEX capabilities_maturity;
DROP INDEX processes_updated_id;
DROP INDEX processes_phase;
