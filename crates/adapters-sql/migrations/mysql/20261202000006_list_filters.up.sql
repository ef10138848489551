-- The back-office list's filters and orders (features.md §2.4) read
-- columns of the case, computed by `histologe_ports::list_keys` on every
-- write: postal code, folded commune and occupant name (binary collation:
-- they are folded already, and sort as the memory store sorts them),
-- score in hundredths, suspected qualifications as `|A|B|`, last suivi and
-- the usager's request to stop.
ALTER TABLE signalements
    ADD COLUMN code_postal VARCHAR(5) NOT NULL DEFAULT '',
    ADD COLUMN commune VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    ADD COLUMN occupant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    ADD COLUMN score_centi BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN procedures VARCHAR(500) NOT NULL DEFAULT '',
    ADD COLUMN last_suivi_at BIGINT NULL,
    ADD COLUMN abandon_requested BIGINT NOT NULL DEFAULT 0;

-- Rows written before: what SQL can compute (lower case, without the
-- accent folding the application applies on the next write of the case;
-- suspected qualifications arrive with that write too).
UPDATE signalements SET
    code_postal = LEFT(COALESCE(JSON_VALUE(data, '$.adresse.code_postal'), ''), 5),
    commune = LEFT(LOWER(TRIM(COALESCE(JSON_VALUE(data, '$.adresse.ville'), ''))), 100),
    occupant = LEFT(LOWER(TRIM(CONCAT(COALESCE(JSON_VALUE(data, '$.occupant.nom'), ''), ' ',
                                      COALESCE(JSON_VALUE(data, '$.occupant.prenom'), '')))), 255),
    score_centi = ROUND(COALESCE(JSON_VALUE(data, '$.score'), 0) * 100),
    last_suivi_at = (SELECT MAX(su.created_at) FROM suivis su WHERE su.signalement_id = signalements.id),
    -- MariaDB reads a JSON true as '1', MySQL as 'true'.
    abandon_requested = CASE WHEN JSON_VALUE(data, '$.is_usager_abandon_procedure') IN ('true', '1') THEN 1 ELSE 0 END;

CREATE INDEX idx_signalements_code_postal ON signalements (code_postal);
CREATE INDEX idx_signalements_commune ON signalements (commune);

-- Saved searches of the list: a name and the list's query string, each
-- user's own.
CREATE TABLE saved_searches (
    id CHAR(36) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    -- Binary: sorted by name as the memory store and SQLite sort.
    name VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    query VARCHAR(2000) NOT NULL,
    created_at BIGINT NOT NULL,
    KEY idx_saved_searches_user (user_id, name),
    CONSTRAINT fk_saved_searches_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
