-- Drafts of the public signalement form, saved at every step and resumed
-- from an e-mailed link. `answers` is the JSON object of what was typed
-- (each question's key to its values). Instants are microseconds since the
-- Unix epoch (UTC).
CREATE TABLE drafts (
    id CHAR(36) NOT NULL PRIMARY KEY,
    status VARCHAR(16) NOT NULL,
    email VARCHAR(255) NULL,
    signalement_id CHAR(36) NULL,
    current_step TEXT NOT NULL,
    answers LONGTEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    KEY idx_drafts_email (email),
    CONSTRAINT fk_drafts_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
