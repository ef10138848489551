DROP INDEX idx_sessions_user;
DROP TABLE sessions;
DROP TABLE user_credentials;
