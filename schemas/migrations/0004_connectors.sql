-- Connector cursors (where each account's fetch resumes) and coverage (what each ingest fetched).

CREATE TABLE IF NOT EXISTS connector_cursors (
    connector           TEXT NOT NULL,
    account             TEXT NOT NULL,
    cursor_state        TEXT NOT NULL,          -- the connector's own JSON; no personal data
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connector, account)
);

CREATE TABLE IF NOT EXISTS coverage (
    ingest_id           TEXT NOT NULL,
    connector           TEXT NOT NULL,
    account             TEXT NOT NULL,
    stream              TEXT NOT NULL,          -- posts | mentions | replies | comments | deletions | files
    status              TEXT NOT NULL,          -- complete | partial | not_covered
    fetched             BIGINT NOT NULL,
    newest_item_at      TIMESTAMPTZ,
    reason              TEXT,                   -- why not complete: token, quota, permissions, errors
    checked_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ingest_id, connector, account, stream)
);

-- A tick (`socmon run`) links its process run to the ingest before it and its coverage gaps.
ALTER TABLE runs ADD COLUMN ingest_id TEXT;
ALTER TABLE runs ADD COLUMN coverage_gaps TEXT                      -- JSON ["account/stream: status — reason"]
