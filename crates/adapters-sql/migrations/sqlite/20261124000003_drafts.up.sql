-- Drafts of the public signalement form, saved at every step and resumed
-- from an e-mailed link. `answers` is the JSON object of what was typed
-- (each question's key to its values). Instants are microseconds since the
-- Unix epoch (UTC).
CREATE TABLE drafts (
    id TEXT NOT NULL PRIMARY KEY,
    status TEXT NOT NULL,
    email TEXT NULL,
    signalement_id TEXT NULL,
    current_step TEXT NOT NULL,
    answers TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT fk_drafts_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE SET NULL
);
CREATE INDEX idx_drafts_email ON drafts (email);
