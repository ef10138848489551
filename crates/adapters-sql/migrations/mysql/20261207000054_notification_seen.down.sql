-- The flag goes back into `data`, which was its only place before.
UPDATE notifications SET data = JSON_SET(data, '$.is_seen', true) WHERE is_seen = 1;
DROP INDEX idx_notifications_unseen ON notifications;
ALTER TABLE notifications DROP COLUMN is_seen;
