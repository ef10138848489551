-- The scheduled jobs (§7 of the domain) look for accounts by status,
-- creation and last login: copies of those values of `data` become
-- columns, written with it. Beside them, two columns the jobs own (never
-- in `data`, so that writing the account never resets them): when the
-- account was last reminded to activate itself, and when it is to be
-- archived for inactivity. The other indexes bound the purges.
ALTER TABLE users
    ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT '',
    ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN last_login_at BIGINT NULL,
    ADD COLUMN activation_reminded_at BIGINT NULL,
    ADD COLUMN archiving_scheduled_at BIGINT NULL;

-- Accounts written before: to the second, enough for day-long delays.
UPDATE users SET
    status = COALESCE(JSON_UNQUOTE(JSON_EXTRACT(data, '$.status')), ''),
    created_at = CASE WHEN JSON_TYPE(JSON_EXTRACT(data, '$.created_at')) = 'STRING'
        THEN TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(data, '$.created_at')), 19), 'T', ' ') AS DATETIME)) * 1000000
        ELSE 0 END,
    last_login_at = CASE WHEN JSON_TYPE(JSON_EXTRACT(data, '$.last_login_at')) = 'STRING'
        THEN TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(data, '$.last_login_at')), 19), 'T', ' ') AS DATETIME)) * 1000000
        ELSE NULL END;

ALTER TABLE users
    ADD KEY idx_users_lifecycle (status, created_at),
    ADD KEY idx_users_archiving (archiving_scheduled_at);
ALTER TABLE drafts ADD KEY idx_drafts_stale (status, updated_at);
ALTER TABLE notifications ADD KEY idx_notifications_created (created_at);
ALTER TABLE sessions ADD KEY idx_sessions_expires (expires_at);
