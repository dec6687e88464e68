-- Edits (issue 14): when a newer version of a record no longer raises a detection or an
-- alert, the row is kept as history and stamped instead of deleted:
--   superseded_at       when the commit that stored the newer version found it no longer fires
--   superseded_by_run   that commit's run
-- An open alert becomes status 'superseded' and its deliveries not yet handed to the mail
-- server ('pending', 'sending') become 'cancelled', which the notifier never sends; an alert
-- a reviewer has given a verdict keeps its status, the stamp records that the post changed.
-- A detection or alert raised again by a later version is a new row (see
-- pipelines/warehouse/edits.py); a still-firing one keeps its row unchanged.

ALTER TABLE detections ADD COLUMN superseded_at TIMESTAMPTZ;
ALTER TABLE detections ADD COLUMN superseded_by_run TEXT;
ALTER TABLE alerts ADD COLUMN superseded_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN superseded_by_run TEXT
