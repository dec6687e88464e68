-- Escalation and operations notices (issue 18).
--
-- An alert still open when its time to acknowledge has passed is sent to the next step of its
-- account's routing chain: one more delivery in the same outbox, with a deterministic id per
-- alert and step, so a rerun never adds a second one. The composer reads:
--   escalation_step     1 for the first step beyond the alert's own recipients, 2 the next;
--                       NULL for an ordinary delivery
--   escalated_from      JSON array of the addresses that were told and did not acknowledge
--   escalated_since     when they were told (the email says "since HH:MM")
ALTER TABLE alert_deliveries ADD COLUMN escalation_step INTEGER;
ALTER TABLE alert_deliveries ADD COLUMN escalated_from TEXT;
ALTER TABLE alert_deliveries ADD COLUMN escalated_since TIMESTAMPTZ;

-- What the platform team has been told is wrong: one row per kind of problem and subject,
-- open while resolved_at is NULL. A problem that clears and comes back opens again (a new
-- opened_at, so new notices).
--   kind       failed_run | data_quality_stop | coverage_gap | token_expiring
--   subject    what it is about: 'process', '<account>/<stream>', '<account>'
--   summary    one line, as the notice's subject says it
--   detail     JSON: the reason, what to do, the run or ingest concerned
CREATE TABLE IF NOT EXISTS operations_problems (
    kind                TEXT NOT NULL,
    subject             TEXT NOT NULL,
    summary             TEXT NOT NULL,
    detail              TEXT NOT NULL,
    opened_at           TIMESTAMPTZ NOT NULL,
    resolved_at         TIMESTAMPTZ,
    PRIMARY KEY (kind, subject)
);

-- The notices themselves: one when a problem opens, one when it clears, each sent once
-- through the same states as alert deliveries (pending -> sending -> uncertain -> sent; see
-- pipelines/usecases/notify.py). notice_id = sha256(kind | subject | opened_at | event).
CREATE TABLE IF NOT EXISTS operations_notices (
    notice_id           TEXT PRIMARY KEY,
    kind                TEXT NOT NULL,
    subject             TEXT NOT NULL,
    event               TEXT NOT NULL,          -- opened | resolved
    recipient           TEXT NOT NULL,
    title               TEXT NOT NULL,          -- the email's subject line
    body                TEXT NOT NULL,          -- the email's text, fixed when the notice is made
    status              TEXT NOT NULL,          -- pending | sending | uncertain | sent
    attempts            INTEGER NOT NULL,
    next_attempt_at     TIMESTAMPTZ,
    last_error          TEXT,
    message_id          TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    sent_at             TIMESTAMPTZ
)
