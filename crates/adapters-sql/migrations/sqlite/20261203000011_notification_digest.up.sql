-- The daily digest (docs/decisions/0026-daily-digest.md) looks for the
-- notifications waiting for it across all users once a day, then per
-- user: the flag becomes a column of its own, indexed, and the truth of
-- it (the copy inside `data` is overridden on read, so that clearing the
-- flag never rewrites `data` under a concurrent "mark all seen").
ALTER TABLE notifications ADD COLUMN wait_mailing_summary INTEGER NOT NULL DEFAULT 0;

UPDATE notifications SET wait_mailing_summary = 1
WHERE json_extract(data, '$.wait_mailing_summary');

CREATE INDEX idx_notifications_summary ON notifications (wait_mailing_summary, user_id);
