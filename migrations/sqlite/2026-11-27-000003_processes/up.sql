-- Joint processes with their needs, buyers and phase history; innovation lifts; cluster
-- proposals; solutions and their adoptions; and the audit record of every change.
CREATE TABLE processes (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    lead_organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    procedure_planned TEXT NOT NULL,
    procedure_used TEXT,
    phase TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX processes_lead ON processes (lead_organisation_id);

CREATE TABLE process_needs (
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    need_id TEXT NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    PRIMARY KEY (process_id, need_id)
);
CREATE INDEX process_needs_need ON process_needs (need_id);

CREATE TABLE process_buyers (
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('lead', 'invited', 'accepted', 'declined')),
    invited_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    invited_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    PRIMARY KEY (process_id, organisation_id)
);
CREATE INDEX process_buyers_organisation ON process_buyers (organisation_id);

CREATE TABLE process_phase_changes (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    from_phase TEXT,
    to_phase TEXT NOT NULL,
    note TEXT,
    reason TEXT,
    irregular BOOLEAN NOT NULL,
    account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX process_phase_changes_process ON process_phase_changes (process_id, created_at);

CREATE TABLE lifts (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE lift_processes (
    lift_id TEXT NOT NULL REFERENCES lifts (id) ON DELETE CASCADE,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lift_id, process_id)
);
CREATE INDEX lift_processes_process ON lift_processes (process_id);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    supplier_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    note TEXT,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined')),
    proposed_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    UNIQUE (process_id, cluster_id, supplier_id)
);

CREATE TABLE solutions (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    supplier_ids TEXT NOT NULL,
    benefits TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX solutions_process ON solutions (process_id);

CREATE TABLE solution_adoptions (
    solution_id TEXT NOT NULL REFERENCES solutions (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('adopted', 'planned')),
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (solution_id, organisation_id)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    process_id TEXT,
    action TEXT NOT NULL,
    account_id TEXT,
    organisation_id TEXT,
    before_value TEXT,
    after_value TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_process ON audit_log (process_id, created_at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, created_at);
