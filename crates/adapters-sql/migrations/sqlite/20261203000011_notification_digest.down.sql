DROP INDEX idx_notifications_summary;
ALTER TABLE notifications DROP COLUMN wait_mailing_summary;
