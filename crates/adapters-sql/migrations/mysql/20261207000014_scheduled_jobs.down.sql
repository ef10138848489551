ALTER TABLE sessions DROP KEY idx_sessions_expires;
ALTER TABLE notifications DROP KEY idx_notifications_created;
ALTER TABLE drafts DROP KEY idx_drafts_stale;
ALTER TABLE users
    DROP KEY idx_users_archiving,
    DROP KEY idx_users_lifecycle,
    DROP COLUMN archiving_scheduled_at,
    DROP COLUMN activation_reminded_at,
    DROP COLUMN last_login_at,
    DROP COLUMN created_at,
    DROP COLUMN status;
