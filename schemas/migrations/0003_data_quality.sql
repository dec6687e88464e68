-- Results of every expectation checked on every batch, and of the volume checks.

CREATE TABLE IF NOT EXISTS dq_results (
    run_id              TEXT NOT NULL,
    position            INTEGER NOT NULL,       -- order within the run
    suite               TEXT NOT NULL,
    expectation         TEXT NOT NULL,
    column_name         TEXT,
    severity            TEXT NOT NULL,          -- critical | warning
    success             BOOLEAN NOT NULL,
    observed_value      TEXT,                   -- aggregates only, never offending values
    unexpected_count    BIGINT,
    explains            TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, position)
)
