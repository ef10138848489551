-- Every back-office page shows the user's unread notifications: counted
-- from an indexed column instead of a LIKE over each notification's JSON
-- (issue 12). The column is the truth of the flag, as
-- `wait_mailing_summary` is since migration 11: "mark all seen" writes it
-- alone, and reads override the copy inside `data`.
ALTER TABLE notifications ADD COLUMN is_seen BIGINT NOT NULL DEFAULT 0;

-- MariaDB reads a JSON true as '1', MySQL as 'true'.
UPDATE notifications SET is_seen = 1
WHERE JSON_VALUE(data, '$.is_seen') IN ('true', '1');

CREATE INDEX idx_notifications_unseen ON notifications (user_id, is_seen);
