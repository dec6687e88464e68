-- Privacy: entity offsets of redacted text, detections, durable erasures, the audit log,
-- and the run counts the privacy filter adds.

ALTER TABLE records ADD COLUMN pii_entities TEXT DEFAULT '[]';      -- JSON [{type, start, end}]

ALTER TABLE runs ADD COLUMN out_of_scope BIGINT;
ALTER TABLE runs ADD COLUMN records_suppressed BIGINT;             -- erased earlier, not stored again
ALTER TABLE runs ADD COLUMN entity_counts TEXT;                    -- JSON {type: count}

CREATE TABLE IF NOT EXISTS detections (
    detection_id        TEXT PRIMARY KEY,       -- sha256(record id | detector | category)
    record_id           TEXT NOT NULL,
    account             TEXT NOT NULL,
    category            TEXT NOT NULL,
    policy_clause       TEXT NOT NULL,
    score               DOUBLE PRECISION NOT NULL,
    evidence            TEXT NOT NULL,          -- JSON without personal data
    detector            TEXT NOT NULL,
    detector_version    TEXT NOT NULL,
    run_id              TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

-- What was erased on request stays erased: a later re-read of the same message is suppressed.
CREATE TABLE IF NOT EXISTS erasures (
    subject_kind        TEXT NOT NULL,          -- record | author
    subject             TEXT NOT NULL,          -- record id or author pseudonym
    erased_at           TIMESTAMPTZ NOT NULL,
    reason              TEXT,
    PRIMARY KEY (subject_kind, subject)
);

CREATE TABLE IF NOT EXISTS audit_log (
    audit_id            TEXT PRIMARY KEY,
    created_at          TIMESTAMPTZ NOT NULL,
    command             TEXT NOT NULL,
    run_id              TEXT,
    accounts            TEXT NOT NULL,          -- JSON: account keys monitored
    counts              TEXT NOT NULL,          -- JSON
    entity_counts       TEXT NOT NULL,          -- JSON {type: count}
    versions            TEXT NOT NULL,          -- JSON
    config_digest       TEXT NOT NULL,
    operator            TEXT NOT NULL
)
