-- The core loop: reference data, people, cases and their timeline, the job
-- outbox. Each entity keeps its full value as JSON in `data`; the columns
-- beside it are the ones queries filter, sort, join or constrain on.
-- Instants are microseconds since the Unix epoch (UTC) in BIGINT.

CREATE TABLE territories (
    code VARCHAR(3) NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    is_active BIGINT NOT NULL,
    data LONGTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE communes (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code_postal VARCHAR(5) NOT NULL,
    code_insee VARCHAR(5) NOT NULL,
    nom VARCHAR(100) NOT NULL,
    KEY idx_communes_postal (code_postal),
    KEY idx_communes_insee (code_insee)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE partners (
    id CHAR(36) NOT NULL PRIMARY KEY,
    territory VARCHAR(3) NOT NULL,
    nom VARCHAR(255) NOT NULL,
    is_archive BIGINT NOT NULL,
    -- The generic e-mail while the partner is not archived: unique per territory.
    email_key VARCHAR(255) NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_partners_email (territory, email_key),
    KEY idx_partners_territory (territory, is_archive),
    CONSTRAINT fk_partners_territory FOREIGN KEY (territory) REFERENCES territories (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
    id CHAR(36) NOT NULL PRIMARY KEY,
    email VARCHAR(180) NOT NULL,
    role VARCHAR(32) NOT NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_users_email (email),
    KEY idx_users_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_partners (
    user_id CHAR(36) NOT NULL,
    partner_id CHAR(36) NOT NULL,
    PRIMARY KEY (user_id, partner_id),
    KEY idx_user_partners_partner (partner_id),
    CONSTRAINT fk_user_partners_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_partners_partner FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE signalements (
    id CHAR(36) NOT NULL PRIMARY KEY,
    territory VARCHAR(3) NOT NULL,
    status VARCHAR(32) NOT NULL,
    reference VARCHAR(20) NOT NULL,
    -- Set for definitive references only (temporary ones may repeat).
    reference_year BIGINT NULL,
    reference_number BIGINT NULL,
    reference_injonction BIGINT NULL,
    code_suivi VARCHAR(100) NOT NULL,
    insee VARCHAR(10) NULL,
    created_at BIGINT NOT NULL,
    -- Lower-cased names and address for the back-office search.
    search_text VARCHAR(1000) NOT NULL,
    data LONGTEXT NOT NULL,
    qualifications LONGTEXT NOT NULL,
    UNIQUE KEY uq_signalements_code_suivi (code_suivi),
    UNIQUE KEY uq_signalements_reference (territory, reference_year, reference_number),
    UNIQUE KEY uq_signalements_injonction (reference_injonction),
    KEY idx_signalements_list (territory, status, created_at),
    KEY idx_signalements_created (created_at),
    KEY idx_signalements_reference (reference),
    KEY idx_signalements_insee (insee),
    CONSTRAINT fk_signalements_territory FOREIGN KEY (territory) REFERENCES territories (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE affectations (
    id CHAR(36) NOT NULL PRIMARY KEY,
    signalement_id CHAR(36) NOT NULL,
    partner_id CHAR(36) NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_affectations_partner (signalement_id, partner_id),
    KEY idx_affectations_partner_status (partner_id, status, signalement_id),
    CONSTRAINT fk_affectations_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE,
    CONSTRAINT fk_affectations_partner FOREIGN KEY (partner_id) REFERENCES partners (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE interventions (
    id CHAR(36) NOT NULL PRIMARY KEY,
    signalement_id CHAR(36) NOT NULL,
    status VARCHAR(16) NOT NULL,
    scheduled_at BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    KEY idx_interventions_signalement (signalement_id),
    KEY idx_interventions_status (status, scheduled_at),
    CONSTRAINT fk_interventions_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE suivis (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id CHAR(36) NOT NULL,
    signalement_id CHAR(36) NOT NULL,
    created_at BIGINT NOT NULL,
    waiting_notification BIGINT NOT NULL,
    is_deleted BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_suivis_id (id),
    KEY idx_suivis_signalement (signalement_id, created_at),
    KEY idx_suivis_waiting (waiting_notification, created_at),
    CONSTRAINT fk_suivis_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE subscriptions (
    user_id CHAR(36) NOT NULL,
    signalement_id CHAR(36) NOT NULL,
    PRIMARY KEY (user_id, signalement_id),
    KEY idx_subscriptions_signalement (signalement_id),
    CONSTRAINT fk_subscriptions_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notifications (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id CHAR(36) NOT NULL,
    user_id CHAR(36) NOT NULL,
    signalement_id CHAR(36) NULL,
    created_at BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_notifications_id (id),
    KEY idx_notifications_user (user_id, created_at),
    KEY idx_notifications_signalement (signalement_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE history_entries (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id CHAR(36) NOT NULL,
    signalement_id CHAR(36) NULL,
    created_at BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    UNIQUE KEY uq_history_id (id),
    KEY idx_history_signalement (signalement_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE files (
    id CHAR(36) NOT NULL PRIMARY KEY,
    signalement_id CHAR(36) NOT NULL,
    created_at BIGINT NOT NULL,
    data LONGTEXT NOT NULL,
    KEY idx_files_signalement (signalement_id, created_at),
    CONSTRAINT fk_files_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE auto_affectation_rules (
    id CHAR(36) NOT NULL PRIMARY KEY,
    territory VARCHAR(3) NOT NULL,
    status VARCHAR(16) NOT NULL,
    data LONGTEXT NOT NULL,
    KEY idx_rules_territory (territory, status),
    CONSTRAINT fk_rules_territory FOREIGN KEY (territory) REFERENCES territories (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE jobs (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id CHAR(36) NOT NULL,
    kind VARCHAR(64) NOT NULL,
    payload LONGTEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    lease_until BIGINT NULL,
    last_error TEXT NULL,
    idempotency_key VARCHAR(191) NULL,
    created_at BIGINT NOT NULL,
    UNIQUE KEY uq_jobs_id (id),
    UNIQUE KEY uq_jobs_idempotency (idempotency_key),
    KEY idx_jobs_due (status, run_at),
    KEY idx_jobs_lease (status, lease_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Numbering: one row per sequence (references per territory and year, the
-- injonction numbers), locked while a number is drawn.
CREATE TABLE counters (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
