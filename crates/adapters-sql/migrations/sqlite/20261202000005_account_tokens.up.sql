-- Single-use secrets e-mailed to an account's owner: activation and
-- password-reset links, pending logins and their e-mailed codes (second
-- factor of super admins). Only the SHA-256 (hex) of the secret is kept,
-- so a copy of the table opens nothing. `used_at` is set when the token is
-- used or revoked; a used token never works again. Instants are
-- microseconds since the Unix epoch (UTC).
CREATE TABLE account_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER NULL,
    CONSTRAINT fk_account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX idx_account_tokens_user ON account_tokens (user_id, kind);
