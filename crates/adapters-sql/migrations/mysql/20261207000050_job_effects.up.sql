-- Effects of jobs already done (an e-mail sent), so that a job run again
-- after its worker died does not repeat them.
CREATE TABLE job_effects (
    effect_key VARCHAR(191) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (effect_key),
    KEY idx_job_effects_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
