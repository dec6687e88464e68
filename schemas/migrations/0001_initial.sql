-- Records, dead letters, runs and consumed offsets: the first slice of the warehouse.

CREATE TABLE IF NOT EXISTS records (
    id                  TEXT PRIMARY KEY,
    platform            TEXT NOT NULL,
    kind                TEXT NOT NULL,
    account             TEXT NOT NULL,
    accounts            TEXT NOT NULL,          -- JSON array of account keys
    native_id           TEXT NOT NULL,
    parent_id           TEXT,
    conversation_id     TEXT,
    author_id           TEXT NOT NULL,
    author_is_official  BOOLEAN NOT NULL,
    text                TEXT NOT NULL,
    lang                TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    observed_at         TIMESTAMPTZ NOT NULL,
    url                 TEXT,
    deleted             BOOLEAN NOT NULL,
    schema_version      INTEGER NOT NULL,
    source_partition    INTEGER NOT NULL,
    source_offset       BIGINT NOT NULL,
    first_run_id        TEXT NOT NULL,
    last_run_id         TEXT NOT NULL
);

-- A dead letter is identified by its topic and the SHA-256 of its bytes: the same bytes
-- met again (a rerun, a replay into a new broker) are the same dead letter, kept once,
-- with where they were first seen.
CREATE TABLE IF NOT EXISTS dead_letters (
    topic               TEXT NOT NULL,
    kafka_partition     INTEGER NOT NULL,       -- first seen at
    kafka_offset        BIGINT NOT NULL,
    kafka_key           TEXT,
    reason              TEXT NOT NULL,
    detail              TEXT NOT NULL,
    value_sha256        TEXT NOT NULL,
    value_size          BIGINT NOT NULL,
    preview             TEXT NOT NULL,
    run_id              TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    dlq_status          TEXT,                   -- NULL: to copy to the dead-letter topic; published; source_gone
    dlq_updated_at      TIMESTAMPTZ,
    PRIMARY KEY (topic, value_sha256)
);

CREATE TABLE IF NOT EXISTS runs (
    run_id              TEXT PRIMARY KEY,
    command             TEXT NOT NULL,
    status              TEXT NOT NULL,          -- running | succeeded | failed | abandoned
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    records_read        BIGINT,
    records_stored      BIGINT,                 -- distinct records written (inserted + updated + unchanged)
    records_inserted    BIGINT,
    records_updated     BIGINT,
    records_unchanged   BIGINT,
    duplicates          BIGINT,                 -- same id more than once within the run
    dead_letters        BIGINT,
    ranges              TEXT,                   -- JSON: [{topic, partition, start, end}]
    versions            TEXT,                   -- JSON: component versions
    error               TEXT
);

CREATE TABLE IF NOT EXISTS offsets (
    consumer_group      TEXT NOT NULL,
    topic               TEXT NOT NULL,
    kafka_partition     INTEGER NOT NULL,
    next_offset         BIGINT NOT NULL,
    cluster_id          TEXT,                   -- offsets belong to one cluster; another means start over
    run_id              TEXT NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    kafka_committed     BOOLEAN NOT NULL,       -- copied to the Kafka consumer group yet?
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);
