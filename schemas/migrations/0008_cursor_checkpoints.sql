-- Cursors follow the warehouse: a connector's cursor is stored as a checkpoint with the
-- Kafka positions its messages reached; it becomes the connector's cursor (connector_cursors)
-- only when the warehouse has committed the records up to those positions, in the commit
-- transaction. A broker that lost its messages (a new, emptied or other cluster) makes the
-- checkpoints void, and the connectors fetch again from their committed cursor.

CREATE TABLE IF NOT EXISTS cursor_checkpoints (
    connector           TEXT NOT NULL,
    account             TEXT NOT NULL,
    sequence            BIGINT NOT NULL,        -- order of the checkpoints of one connector and account
    cursor_state        TEXT NOT NULL,          -- the connector's own JSON; no personal data
    topic               TEXT NOT NULL,
    cluster_id          TEXT,                   -- the broker that holds the messages
    positions           TEXT NOT NULL,          -- JSON {partition: offset after the last message}
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connector, account, sequence)
)
