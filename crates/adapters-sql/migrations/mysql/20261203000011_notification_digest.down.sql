DROP INDEX idx_notifications_summary ON notifications;
ALTER TABLE notifications DROP COLUMN wait_mailing_summary;
