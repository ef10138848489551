-- Effects of jobs already done (an e-mail sent), so that a job run again
-- after its worker died does not repeat them.
CREATE TABLE job_effects (
    effect_key TEXT NOT NULL PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE INDEX idx_job_effects_created ON job_effects (created_at);
