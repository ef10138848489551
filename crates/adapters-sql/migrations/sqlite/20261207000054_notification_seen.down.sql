-- The flag goes back into `data`, which was its only place before.
UPDATE notifications SET data = json_set(data, '$.is_seen', json('true')) WHERE is_seen = 1;
DROP INDEX idx_notifications_unseen;
ALTER TABLE notifications DROP COLUMN is_seen;
