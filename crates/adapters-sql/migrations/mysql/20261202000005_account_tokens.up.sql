-- Single-use secrets e-mailed to an account's owner: activation and
-- password-reset links, pending logins and their e-mailed codes (second
-- factor of super admins). Only the SHA-256 (hex) of the secret is kept,
-- so a copy of the table opens nothing. `used_at` is set when the token is
-- used or revoked; a used token never works again. Instants are
-- microseconds since the Unix epoch (UTC).
CREATE TABLE account_tokens (
    token_hash CHAR(64) NOT NULL PRIMARY KEY,
    kind VARCHAR(32) NOT NULL,
    user_id CHAR(36) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT NULL,
    KEY idx_account_tokens_user (user_id, kind),
    CONSTRAINT fk_account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
