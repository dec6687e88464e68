-- PostgreSQL only (applied with 0011_analytics.sql): B-tree indexes for the views' usual
-- filters and joins. DuckDB gets none: its zone maps already skip row groups outside a time
-- range (an index made the weekly query slower there, 7.6 ms against 4.9 ms on 2 million
-- records), and DuckDB refuses ALTER TABLE on a table that has an index, which would block
-- later migrations.
CREATE INDEX IF NOT EXISTS records_created_at ON records (created_at);
CREATE INDEX IF NOT EXISTS records_account_created_at ON records (account, created_at);
CREATE INDEX IF NOT EXISTS detections_record_id ON detections (record_id);
CREATE INDEX IF NOT EXISTS alerts_record_id ON alerts (record_id);
CREATE INDEX IF NOT EXISTS alerts_created_at ON alerts (created_at);
CREATE INDEX IF NOT EXISTS alerts_conversation_id ON alerts (conversation_id);
CREATE INDEX IF NOT EXISTS coverage_checked_at ON coverage (checked_at)
