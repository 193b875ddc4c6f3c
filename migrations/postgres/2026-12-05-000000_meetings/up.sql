-- One-to-one meetings at a dialogue event, booked fairly.
--
-- `booking_offers` holds an event's booking rules. For a lottery, `seed_sha256` is published
-- with the offer before anyone books, and `seed` itself only after the allocation, so nobody
-- (the buyers included) can choose a seed that favours a supplier.
CREATE TABLE booking_offers (
    dialogue_id TEXT PRIMARY KEY NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    allocation TEXT NOT NULL CHECK (allocation IN ('first_come', 'lottery')),
    opens_at TIMESTAMP NOT NULL,
    deadline TIMESTAMP NOT NULL,
    meetings_per_supplier BIGINT NOT NULL,
    seed TEXT NOT NULL,
    seed_sha256 TEXT NOT NULL,
    allocated_at TIMESTAMP,
    -- The allocation as it ran (JSON): seed, slots, every ranking and the result, kept as
    -- written so later moves and cancellations do not change what the lottery gave.
    record TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A slot at one table. A deleted slot keeps its row, so a booking on it gets a clear answer
-- and the record of the allocation stays whole.
CREATE TABLE slots (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    table_no BIGINT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX slots_dialogue ON slots (dialogue_id, starts_at);

-- A meeting of one invitation in one slot. The partial unique index is what makes a slot
-- impossible to book twice, whatever the number of nodes and concurrent requests.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY NOT NULL,
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    slot_id TEXT NOT NULL REFERENCES slots (id),
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    -- How it came: `booked` (first come) or `allocated` (lottery).
    source TEXT NOT NULL CHECK (source IN ('booked', 'allocated')),
    -- The buyers' notes: confidential to the process's buyers.
    notes TEXT,
    sequence BIGINT NOT NULL DEFAULT 0,
    cancelled_by TEXT CHECK (cancelled_by IN ('buyer', 'supplier')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX meetings_one_per_slot ON meetings (slot_id) WHERE status = 'booked';
CREATE INDEX meetings_dialogue ON meetings (dialogue_id);
CREATE INDEX meetings_invitation ON meetings (invitation_id);

-- A supplier's ranking of the slots it can take, for a lottery; rank 1 is its first choice.
CREATE TABLE slot_preferences (
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    slot_id TEXT NOT NULL REFERENCES slots (id),
    dialogue_id TEXT NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    rank BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (invitation_id, slot_id)
);
CREATE INDEX slot_preferences_dialogue ON slot_preferences (dialogue_id);
