-- Back-office accounts: the password hash of each account (argon2id PHC
-- string) and the staff sessions. A session is stored by the SHA-256 (hex)
-- of its random token: the cookie's value never appears in the database.
-- Instants are microseconds since the Unix epoch (UTC).
CREATE TABLE user_credentials (
    user_id TEXT NOT NULL PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT fk_user_credentials_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    id_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX idx_sessions_user ON sessions (user_id);
