-- PostgreSQL, before 0013_typed_json.sql: the JSON columns become jsonb (parsed and checked
-- once when written; read with -> and ->> without a cast). Every existing row is converted in
-- place; one ALTER TABLE per table, so each table is rewritten once.
--
-- PostgreSQL will not change the type of a column a view reads, so the views over these
-- columns are dropped first (those that read a dropped view before it; no CASCADE, so an
-- analyst's own view over them stops the migration with its name instead of vanishing) and
-- 0013_typed_json.sql creates them again. Privileges on the new views come from ALTER
-- DEFAULT PRIVILEGES (see the README's read-only role).
DROP VIEW IF EXISTS detections_weekly;
DROP VIEW IF EXISTS detection_scores;
DROP VIEW IF EXISTS alerts_weekly;
DROP VIEW IF EXISTS rule_precision;
DROP VIEW IF EXISTS alert_findings;
DROP VIEW IF EXISTS alert_response;
DROP VIEW IF EXISTS top_threads;
DROP VIEW IF EXISTS alert_lifecycle;
DROP VIEW IF EXISTS account_activity_daily;

-- A text default cannot be cast with the column: dropped, and set again as jsonb.
ALTER TABLE records
    ALTER COLUMN pii_entities DROP DEFAULT,
    ALTER COLUMN accounts TYPE jsonb USING CAST(accounts AS jsonb),
    ALTER COLUMN pii_entities TYPE jsonb USING CAST(pii_entities AS jsonb),
    ALTER COLUMN pii_entities SET DEFAULT '[]';
ALTER TABLE detections
    ALTER COLUMN evidence TYPE jsonb USING CAST(evidence AS jsonb);
ALTER TABLE runs
    ALTER COLUMN ranges TYPE jsonb USING CAST(ranges AS jsonb),
    ALTER COLUMN versions TYPE jsonb USING CAST(versions AS jsonb),
    ALTER COLUMN entity_counts TYPE jsonb USING CAST(entity_counts AS jsonb),
    ALTER COLUMN coverage_gaps TYPE jsonb USING CAST(coverage_gaps AS jsonb);
ALTER TABLE audit_log
    ALTER COLUMN accounts TYPE jsonb USING CAST(accounts AS jsonb),
    ALTER COLUMN counts TYPE jsonb USING CAST(counts AS jsonb),
    ALTER COLUMN entity_counts TYPE jsonb USING CAST(entity_counts AS jsonb),
    ALTER COLUMN versions TYPE jsonb USING CAST(versions AS jsonb);
ALTER TABLE cursor_checkpoints
    ALTER COLUMN positions TYPE jsonb USING CAST(positions AS jsonb);
ALTER TABLE alerts
    ALTER COLUMN evidence TYPE jsonb USING CAST(evidence AS jsonb),
    ALTER COLUMN recipients TYPE jsonb USING CAST(recipients AS jsonb),
    ALTER COLUMN categories TYPE jsonb USING CAST(categories AS jsonb),
    ALTER COLUMN policy_clauses TYPE jsonb USING CAST(policy_clauses AS jsonb);
ALTER TABLE alert_deliveries
    ALTER COLUMN escalated_from TYPE jsonb USING CAST(escalated_from AS jsonb);
ALTER TABLE alert_events
    ALTER COLUMN detail TYPE jsonb USING CAST(detail AS jsonb);
ALTER TABLE operations_problems
    ALTER COLUMN detail TYPE jsonb USING CAST(detail AS jsonb)
