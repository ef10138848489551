-- The scheduled jobs (§7 of the domain) look for accounts by status,
-- creation and last login: copies of those values of `data` become
-- columns, written with it. Beside them, two columns the jobs own (never
-- in `data`, so that writing the account never resets them): when the
-- account was last reminded to activate itself, and when it is to be
-- archived for inactivity. The other indexes bound the purges.
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_at INTEGER NULL;
ALTER TABLE users ADD COLUMN activation_reminded_at INTEGER NULL;
ALTER TABLE users ADD COLUMN archiving_scheduled_at INTEGER NULL;

-- Accounts written before: to the second, enough for day-long delays.
UPDATE users SET
    status = coalesce(json_extract(data, '$.status'), ''),
    created_at = coalesce(
        CAST(strftime('%s', json_extract(data, '$.created_at')) AS INTEGER) * 1000000, 0),
    last_login_at =
        CAST(strftime('%s', json_extract(data, '$.last_login_at')) AS INTEGER) * 1000000;

CREATE INDEX idx_users_lifecycle ON users (status, created_at);
CREATE INDEX idx_users_archiving ON users (archiving_scheduled_at);
CREATE INDEX idx_drafts_stale ON drafts (status, updated_at);
CREATE INDEX idx_notifications_created ON notifications (created_at);
CREATE INDEX idx_sessions_expires ON sessions (expires_at);
