-- The review lifecycle (issue 15): one alert per record, acknowledged and resolved by named
-- reviewers, with a history of every view and action.
--   categories, policy_clauses   JSON arrays of every category and clause that fired on the
--                                record (category and policy_clause keep the most severe one)
--   acknowledged_at/_by          first acknowledgement (someone is on it): pending digests
--                                and escalations stop
--   resolved_at/_by              the latest verdict (status confirmed | false_positive |
--                                duplicate); a verdict also stops pending deliveries
--   action_taken                 what was done about the content (see ACTIONS_TAKEN)
--   assigned_to                  the colleague the alert was handed to
--   duplicate_of                 the alert this one repeats, when resolved as a duplicate
--   record_deleted_at            the author deleted the post; an unresolved high or critical
--                                alert keeps its redacted evidence until it is resolved
-- Reviewers are email addresses (from a signed link, or the SSO header), never Unix users.

ALTER TABLE alerts ADD COLUMN categories TEXT;
ALTER TABLE alerts ADD COLUMN policy_clauses TEXT;
ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT;
ALTER TABLE alerts ADD COLUMN resolved_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
ALTER TABLE alerts ADD COLUMN action_taken TEXT;
ALTER TABLE alerts ADD COLUMN assigned_to TEXT;
ALTER TABLE alerts ADD COLUMN duplicate_of TEXT;
ALTER TABLE alerts ADD COLUMN record_deleted_at TIMESTAMPTZ;

CREATE TABLE IF NOT EXISTS alert_events (
    event_id            TEXT PRIMARY KEY,       -- write time (ns) then a random suffix: sorts in write order
    alert_id            TEXT NOT NULL,
    event               TEXT NOT NULL,          -- viewed, acknowledged, confirmed, false_positive, duplicate, assigned, escalated, action_taken, noted, reopened
    actor               TEXT NOT NULL,          -- the reviewer's email address
    detail              TEXT,                   -- JSON: assignee, action taken, note, escalated to
    created_at          TIMESTAMPTZ NOT NULL
)
