-- Alerts (one per record and rule), their email deliveries (the outbox) and reviewers' verdicts.

CREATE TABLE IF NOT EXISTS alerts (
    alert_id            TEXT PRIMARY KEY,       -- sha256(record id | rule id)
    record_id           TEXT NOT NULL,
    account             TEXT NOT NULL,
    rule_id             TEXT NOT NULL,
    rule_version        TEXT NOT NULL,
    category            TEXT NOT NULL,          -- offensive, hate, threat, misleading, personal_data, confidential, policy
    policy_clause       TEXT NOT NULL,
    severity            TEXT NOT NULL,          -- low | medium | high | critical
    score               DOUBLE PRECISION NOT NULL,
    evidence            TEXT NOT NULL,          -- JSON: masked redacted excerpt, context, rule, detection with versions and threshold
    recommended_action  TEXT NOT NULL,
    recipients          TEXT NOT NULL,          -- JSON array of addresses
    conversation_id     TEXT,
    url                 TEXT,
    status              TEXT NOT NULL DEFAULT 'open',   -- open | confirmed | false_positive | duplicate
    published           BOOLEAN NOT NULL DEFAULT FALSE, -- copied to socmon.alerts.v1
    run_id              TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_deliveries (
    delivery_id         TEXT PRIMARY KEY,       -- sha256(alert id | recipient)
    alert_id            TEXT NOT NULL,
    recipient           TEXT NOT NULL,
    mode                TEXT NOT NULL,          -- immediate | digest
    due_at              TIMESTAMPTZ NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending', -- pending | sent
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ,
    last_error          TEXT,
    message_id          TEXT,
    sent_at             TIMESTAMPTZ,
    run_id              TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_feedback (
    alert_id            TEXT NOT NULL,
    verdict             TEXT NOT NULL,          -- confirmed | false_positive | duplicate
    note                TEXT,
    reviewer            TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, created_at)
);

ALTER TABLE runs ADD COLUMN alerts_raised BIGINT
