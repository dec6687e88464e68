-- DuckDB, before 0013_typed_json.sql: the JSON columns become JSON (checked when written,
-- kept as the text written). Every existing row is converted in place. DuckDB takes one
-- ALTER per statement, and allows it on these tables because they have no index but their
-- primary key (0011 explains why DuckDB gets none); its views are bound when queried, so
-- they need not be dropped first (0013_typed_json.sql replaces them).
ALTER TABLE records ALTER COLUMN accounts TYPE JSON;
ALTER TABLE records ALTER COLUMN pii_entities TYPE JSON;
ALTER TABLE detections ALTER COLUMN evidence TYPE JSON;
ALTER TABLE runs ALTER COLUMN ranges TYPE JSON;
ALTER TABLE runs ALTER COLUMN versions TYPE JSON;
ALTER TABLE runs ALTER COLUMN entity_counts TYPE JSON;
ALTER TABLE runs ALTER COLUMN coverage_gaps TYPE JSON;
ALTER TABLE audit_log ALTER COLUMN accounts TYPE JSON;
ALTER TABLE audit_log ALTER COLUMN counts TYPE JSON;
ALTER TABLE audit_log ALTER COLUMN entity_counts TYPE JSON;
ALTER TABLE audit_log ALTER COLUMN versions TYPE JSON;
ALTER TABLE cursor_checkpoints ALTER COLUMN positions TYPE JSON;
ALTER TABLE alerts ALTER COLUMN evidence TYPE JSON;
ALTER TABLE alerts ALTER COLUMN recipients TYPE JSON;
ALTER TABLE alerts ALTER COLUMN categories TYPE JSON;
ALTER TABLE alerts ALTER COLUMN policy_clauses TYPE JSON;
ALTER TABLE alert_deliveries ALTER COLUMN escalated_from TYPE JSON;
ALTER TABLE alert_events ALTER COLUMN detail TYPE JSON;
ALTER TABLE operations_problems ALTER COLUMN detail TYPE JSON
