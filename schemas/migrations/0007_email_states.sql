-- Exactly-once alert email (issue 12): an email's deliveries go
--   pending -> sending (Message-ID fixed; the server has not been given the final dot)
--           -> uncertain (written just before the final dot: the server may accept it)
--           -> sent (the server's 250 to the dot, recorded at once).
-- A restart resends 'sending' emails with the same Message-ID and holds 'uncertain' ones
-- for an operator (`socmon alerts uncertain`, `socmon alerts settle`).
-- sending_at: when the delivery's email entered 'sending' (how long an email has been held).
ALTER TABLE alert_deliveries ADD COLUMN sending_at TIMESTAMPTZ
