-- The core loop: reference data, people, cases and their timeline, the job
-- outbox. Each entity keeps its full value as JSON in `data`; the columns
-- beside it are the ones queries filter, sort, join or constrain on.
-- Instants are microseconds since the Unix epoch (UTC) in INTEGER.

CREATE TABLE territories (
    code TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE communes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    code_postal TEXT NOT NULL,
    code_insee TEXT NOT NULL,
    nom TEXT NOT NULL
);
CREATE INDEX idx_communes_postal ON communes (code_postal);
CREATE INDEX idx_communes_insee ON communes (code_insee);

CREATE TABLE partners (
    id TEXT NOT NULL PRIMARY KEY,
    territory TEXT NOT NULL,
    nom TEXT NOT NULL,
    is_archive INTEGER NOT NULL,
    -- The generic e-mail while the partner is not archived: unique per territory.
    email_key TEXT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_partners_territory FOREIGN KEY (territory) REFERENCES territories (code)
);
CREATE UNIQUE INDEX uq_partners_email ON partners (territory, email_key);
CREATE INDEX idx_partners_territory ON partners (territory, is_archive);

CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_users_email ON users (email);
CREATE INDEX idx_users_role ON users (role);

CREATE TABLE user_partners (
    user_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    PRIMARY KEY (user_id, partner_id),
    CONSTRAINT fk_user_partners_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_partners_partner FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE CASCADE
);
CREATE INDEX idx_user_partners_partner ON user_partners (partner_id);

CREATE TABLE signalements (
    id TEXT NOT NULL PRIMARY KEY,
    territory TEXT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT NOT NULL,
    -- Set for definitive references only (temporary ones may repeat).
    reference_year INTEGER NULL,
    reference_number INTEGER NULL,
    reference_injonction INTEGER NULL,
    code_suivi TEXT NOT NULL,
    insee TEXT NULL,
    created_at INTEGER NOT NULL,
    -- Lower-cased names and address for the back-office search.
    search_text TEXT NOT NULL,
    data TEXT NOT NULL,
    qualifications TEXT NOT NULL,
    CONSTRAINT fk_signalements_territory FOREIGN KEY (territory) REFERENCES territories (code)
);
CREATE UNIQUE INDEX uq_signalements_code_suivi ON signalements (code_suivi);
CREATE UNIQUE INDEX uq_signalements_reference ON signalements (territory, reference_year, reference_number);
CREATE UNIQUE INDEX uq_signalements_injonction ON signalements (reference_injonction);
CREATE INDEX idx_signalements_list ON signalements (territory, status, created_at);
CREATE INDEX idx_signalements_created ON signalements (created_at);
CREATE INDEX idx_signalements_reference ON signalements (reference);
CREATE INDEX idx_signalements_insee ON signalements (insee);

CREATE TABLE affectations (
    id TEXT NOT NULL PRIMARY KEY,
    signalement_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_affectations_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE,
    CONSTRAINT fk_affectations_partner FOREIGN KEY (partner_id) REFERENCES partners (id)
);
CREATE UNIQUE INDEX uq_affectations_partner ON affectations (signalement_id, partner_id);
CREATE INDEX idx_affectations_partner_status ON affectations (partner_id, status, signalement_id);

CREATE TABLE interventions (
    id TEXT NOT NULL PRIMARY KEY,
    signalement_id TEXT NOT NULL,
    status TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_interventions_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
);
CREATE INDEX idx_interventions_signalement ON interventions (signalement_id);
CREATE INDEX idx_interventions_status ON interventions (status, scheduled_at);

CREATE TABLE suivis (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    signalement_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    waiting_notification INTEGER NOT NULL,
    is_deleted INTEGER NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_suivis_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_suivis_id ON suivis (id);
CREATE INDEX idx_suivis_signalement ON suivis (signalement_id, created_at);
CREATE INDEX idx_suivis_waiting ON suivis (waiting_notification, created_at);

CREATE TABLE subscriptions (
    user_id TEXT NOT NULL,
    signalement_id TEXT NOT NULL,
    PRIMARY KEY (user_id, signalement_id),
    CONSTRAINT fk_subscriptions_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
);
CREATE INDEX idx_subscriptions_signalement ON subscriptions (signalement_id);

CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    signalement_id TEXT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_notifications_id ON notifications (id);
CREATE INDEX idx_notifications_user ON notifications (user_id, created_at);
CREATE INDEX idx_notifications_signalement ON notifications (signalement_id);

CREATE TABLE history_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    signalement_id TEXT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_history_id ON history_entries (id);
CREATE INDEX idx_history_signalement ON history_entries (signalement_id, created_at);

CREATE TABLE files (
    id TEXT NOT NULL PRIMARY KEY,
    signalement_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_files_signalement FOREIGN KEY (signalement_id) REFERENCES signalements (id) ON DELETE CASCADE
);
CREATE INDEX idx_files_signalement ON files (signalement_id, created_at);

CREATE TABLE auto_affectation_rules (
    id TEXT NOT NULL PRIMARY KEY,
    territory TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    CONSTRAINT fk_rules_territory FOREIGN KEY (territory) REFERENCES territories (code)
);
CREATE INDEX idx_rules_territory ON auto_affectation_rules (territory, status);

CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    lease_until INTEGER NULL,
    last_error TEXT NULL,
    idempotency_key TEXT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_jobs_id ON jobs (id);
CREATE UNIQUE INDEX uq_jobs_idempotency ON jobs (idempotency_key);
CREATE INDEX idx_jobs_due ON jobs (status, run_at);
CREATE INDEX idx_jobs_lease ON jobs (status, lease_until);

-- Numbering: one row per sequence (references per territory and year, the
-- injonction numbers), locked while a number is drawn.
CREATE TABLE counters (
    name TEXT NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
);
