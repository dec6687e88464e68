-- Typed JSON (issue 17): the columns that hold JSON documents are JSON on DuckDB and jsonb on
-- PostgreSQL from here on (schemas/tables.py marks them), every existing row converted in
-- place by 0013_typed_json.<back end>.before.sql, which runs first in the same transaction.
-- Two stay text: the connectors' cursor_state (a connector compares its cursor as it wrote
-- it, and jsonb would rewrite it) and dq_results.observed_value (JSON or plain text).
--
-- This file, the same on both back ends, re-creates the views over those columns
-- (PostgreSQL dropped them first; DuckDB replaces them) with the same names, columns and
-- rows as 0011's, now reading the columns without CAST(... AS JSON):
--   - an array is walked while `(document -> position) IS NOT NULL` (PostgreSQL's
--     json_array_length takes json, not jsonb; every element here is a string or object);
--   - alert_lifecycle's categories and clauses stay text, as in 0011: an alert raised before
--     0010 has none and gets a one-element array made from text, and the one JSON type name
--     both back ends know, JSON, is PostgreSQL's json, which cannot be grouped or compared.

CREATE OR REPLACE VIEW account_activity_daily AS
WITH involved AS (
    SELECT r.accounts ->> p.position AS account, r.platform, r.kind,
           r.author_id, r.author_is_official, r.scored, r.deleted, r.created_at
    FROM records r
    CROSS JOIN generate_series(0, 63) AS p (position)
    WHERE (r.accounts ->> p.position) IS NOT NULL
    UNION ALL
    SELECT r.account, r.platform, r.kind, r.author_id, r.author_is_official, r.scored,
           r.deleted, r.created_at
    FROM records r
    WHERE (r.accounts ->> 0) IS NULL
)
SELECT
    i.account,
    a.handle,
    i.platform,
    CAST(i.created_at AT TIME ZONE 'UTC' AS DATE) AS day,
    count(*) AS records,
    count(*) FILTER (WHERE i.kind = 'post') AS posts,
    count(*) FILTER (WHERE i.kind = 'reply') AS replies,
    count(*) FILTER (WHERE i.kind = 'comment') AS comments,
    count(*) FILTER (WHERE i.kind = 'mention') AS mentions,
    count(DISTINCT i.author_id) FILTER (WHERE NOT i.author_is_official) AS authors,
    count(*) FILTER (WHERE i.scored = FALSE) AS unscored,
    count(*) FILTER (WHERE i.deleted) AS deleted
FROM involved i
LEFT JOIN accounts a ON a.account = i.account
GROUP BY i.account, a.handle, i.platform, CAST(i.created_at AT TIME ZONE 'UTC' AS DATE);

CREATE OR REPLACE VIEW detection_scores AS
SELECT
    d.detection_id,
    d.record_id,
    d.account,
    d.category,
    d.policy_clause,
    d.score,
    CAST(d.evidence ->> 'threshold' AS DOUBLE PRECISION) AS threshold,
    COALESCE(d.evidence ->> 'lang', r.text_lang) AS text_lang,
    d.detector,
    d.detector_version,
    r.created_at AS posted_at,
    d.created_at AS detected_at,
    d.superseded_at IS NULL AS is_current
FROM detections d
LEFT JOIN records r ON r.id = d.record_id;

CREATE OR REPLACE VIEW detections_weekly AS
SELECT
    CAST(date_trunc('week', COALESCE(s.posted_at, s.detected_at) AT TIME ZONE 'UTC') AS DATE)
        AS week,
    s.account,
    s.category,
    s.policy_clause,
    count(*) AS detections,
    count(DISTINCT s.record_id) AS records,
    avg(s.score) AS mean_score,
    max(s.score) AS max_score
FROM detection_scores s
WHERE s.is_current
GROUP BY
    CAST(date_trunc('week', COALESCE(s.posted_at, s.detected_at) AT TIME ZONE 'UTC') AS DATE),
    s.account, s.category, s.policy_clause;

CREATE OR REPLACE VIEW alert_findings AS
WITH findings AS (
    SELECT a.alert_id, a.evidence -> 'findings' -> p.position AS finding
    FROM alerts a
    CROSS JOIN generate_series(0, 63) AS p (position)
    WHERE (a.evidence -> 'findings' -> p.position) IS NOT NULL
)
SELECT
    a.alert_id,
    a.record_id,
    a.account,
    COALESCE(f.finding ->> 'rule_id', a.rule_id) AS rule_id,
    COALESCE(f.finding ->> 'category', a.category) AS category,
    COALESCE(f.finding ->> 'clause', a.policy_clause) AS policy_clause,
    COALESCE(f.finding ->> 'severity', a.severity) AS severity,
    COALESCE(CAST(f.finding ->> 'score' AS DOUBLE PRECISION), a.score) AS score,
    CAST(COALESCE(f.finding, a.evidence) -> 'detection' ->> 'threshold' AS DOUBLE PRECISION)
        AS threshold,
    a.severity AS alert_severity,
    a.status,
    r.created_at AS posted_at,
    a.created_at AS raised_at,
    a.superseded_at IS NULL AS is_current
FROM alerts a
LEFT JOIN findings f ON f.alert_id = a.alert_id
LEFT JOIN records r ON r.id = a.record_id;

CREATE OR REPLACE VIEW alerts_weekly AS
SELECT
    CAST(date_trunc('week', COALESCE(f.posted_at, f.raised_at) AT TIME ZONE 'UTC') AS DATE)
        AS week,
    f.account,
    f.category,
    f.policy_clause,
    f.severity,
    count(DISTINCT f.alert_id) AS alerts,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status IN ('open', 'acknowledged')) AS open,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'confirmed') AS confirmed,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'false_positive') AS false_positive,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'duplicate') AS duplicate
FROM alert_findings f
WHERE f.is_current
GROUP BY
    CAST(date_trunc('week', COALESCE(f.posted_at, f.raised_at) AT TIME ZONE 'UTC') AS DATE),
    f.account, f.category, f.policy_clause, f.severity;

CREATE OR REPLACE VIEW alert_lifecycle AS
SELECT
    a.alert_id,
    a.record_id,
    a.account,
    c.handle,
    r.kind,
    a.rule_id,
    a.category,
    COALESCE(CAST(a.categories AS TEXT), '["' || a.category || '"]') AS categories,
    a.policy_clause,
    COALESCE(CAST(a.policy_clauses AS TEXT), '["' || a.policy_clause || '"]') AS policy_clauses,
    a.severity,
    a.status,
    a.score,
    CAST(a.evidence -> 'detection' ->> 'threshold' AS DOUBLE PRECISION) AS threshold,
    a.conversation_id,
    r.created_at AS posted_at,
    a.created_at AS raised_at,
    a.acknowledged_at,
    a.resolved_at,
    CAST(EXTRACT(EPOCH FROM a.created_at) - EXTRACT(EPOCH FROM r.created_at)
        AS DOUBLE PRECISION) / 60 AS minutes_to_raise,
    CAST(EXTRACT(EPOCH FROM a.acknowledged_at) - EXTRACT(EPOCH FROM a.created_at)
        AS DOUBLE PRECISION) / 60 AS minutes_to_acknowledge,
    CAST(EXTRACT(EPOCH FROM a.resolved_at) - EXTRACT(EPOCH FROM a.created_at)
        AS DOUBLE PRECISION) / 60 AS minutes_to_resolve,
    a.superseded_at IS NULL AS is_current,
    a.record_deleted_at IS NOT NULL AS record_deleted
FROM alerts a
LEFT JOIN records r ON r.id = a.record_id
LEFT JOIN accounts c ON c.account = a.account;

CREATE OR REPLACE VIEW alert_response AS
SELECT
    l.account,
    l.severity,
    count(*) AS alerts,
    count(l.acknowledged_at) AS acknowledged,
    count(*) FILTER (WHERE l.status IN ('confirmed', 'false_positive', 'duplicate')) AS resolved,
    count(*) FILTER (WHERE l.status IN ('open', 'acknowledged')) AS open,
    count(*) FILTER (WHERE l.status = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE l.status = 'false_positive') AS false_positive,
    count(*) FILTER (WHERE l.status = 'duplicate') AS duplicate,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY l.minutes_to_acknowledge)
        AS median_minutes_to_acknowledge,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY l.minutes_to_resolve)
        AS median_minutes_to_resolve,
    CAST(count(*) FILTER (WHERE l.status = 'confirmed') AS DOUBLE PRECISION)
        / NULLIF(count(*) FILTER (WHERE l.status IN ('confirmed', 'false_positive', 'duplicate')), 0) AS confirmed_share,
    CAST(count(*) FILTER (WHERE l.status = 'false_positive') AS DOUBLE PRECISION)
        / NULLIF(count(*) FILTER (WHERE l.status IN ('confirmed', 'false_positive', 'duplicate')), 0) AS false_positive_share,
    CAST(count(*) FILTER (WHERE l.status = 'duplicate') AS DOUBLE PRECISION)
        / NULLIF(count(*) FILTER (WHERE l.status IN ('confirmed', 'false_positive', 'duplicate')), 0) AS duplicate_share
FROM alert_lifecycle l
WHERE l.is_current
GROUP BY l.account, l.severity;

CREATE OR REPLACE VIEW rule_precision AS
SELECT
    f.rule_id,
    count(DISTINCT f.alert_id) AS alerts,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status IN ('confirmed', 'false_positive'))
        AS reviewed,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status IN ('open', 'acknowledged')) AS open,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'confirmed') AS confirmed,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'false_positive') AS false_positive,
    count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'duplicate') AS duplicate,
    CAST(count(DISTINCT f.alert_id) FILTER (WHERE f.status = 'confirmed') AS DOUBLE PRECISION)
        / NULLIF(count(DISTINCT f.alert_id)
            FILTER (WHERE f.status IN ('confirmed', 'false_positive')), 0) AS precision
FROM alert_findings f
WHERE f.is_current
GROUP BY f.rule_id;

CREATE OR REPLACE VIEW top_threads AS
SELECT
    COALESCE(l.conversation_id, l.record_id) AS conversation_id,
    l.account,
    l.handle,
    count(*) AS alerts,
    count(*) FILTER (WHERE l.status IN ('open', 'acknowledged')) AS open_alerts,
    CASE max(CASE l.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2
                             ELSE 1 END)
        WHEN 4 THEN 'critical' WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low'
    END AS highest_severity,
    count(*) FILTER (WHERE l.severity = 'critical') AS critical,
    count(*) FILTER (WHERE l.severity = 'high') AS high,
    min(l.posted_at) AS first_posted_at,
    max(l.posted_at) AS last_posted_at
FROM alert_lifecycle l
WHERE l.is_current
GROUP BY COALESCE(l.conversation_id, l.record_id), l.account, l.handle;;
