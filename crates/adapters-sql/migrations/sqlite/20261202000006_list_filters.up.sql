-- The back-office list's filters and orders (features.md §2.4) read
-- columns of the case, computed by `histologe_ports::list_keys` on every
-- write: postal code, folded commune and occupant name, score in
-- hundredths, suspected qualifications as `|A|B|`, last suivi and the
-- usager's request to stop.
ALTER TABLE signalements ADD COLUMN code_postal TEXT NOT NULL DEFAULT '';
ALTER TABLE signalements ADD COLUMN commune TEXT NOT NULL DEFAULT '';
ALTER TABLE signalements ADD COLUMN occupant TEXT NOT NULL DEFAULT '';
ALTER TABLE signalements ADD COLUMN score_centi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signalements ADD COLUMN procedures TEXT NOT NULL DEFAULT '';
ALTER TABLE signalements ADD COLUMN last_suivi_at INTEGER NULL;
ALTER TABLE signalements ADD COLUMN abandon_requested INTEGER NOT NULL DEFAULT 0;

-- Rows written before: what SQL can compute (lower case, without the
-- accent folding the application applies on the next write of the case;
-- suspected qualifications arrive with that write too).
UPDATE signalements SET
    code_postal = substr(COALESCE(json_extract(data, '$.adresse.code_postal'), ''), 1, 5),
    commune = substr(lower(trim(COALESCE(json_extract(data, '$.adresse.ville'), ''))), 1, 100),
    occupant = substr(lower(trim(COALESCE(json_extract(data, '$.occupant.nom'), '') || ' ' ||
                                 COALESCE(json_extract(data, '$.occupant.prenom'), ''))), 1, 255),
    score_centi = CAST(round(COALESCE(json_extract(data, '$.score'), 0) * 100) AS INTEGER),
    last_suivi_at = (SELECT MAX(su.created_at) FROM suivis su WHERE su.signalement_id = signalements.id),
    abandon_requested = CASE WHEN json_extract(data, '$.is_usager_abandon_procedure') THEN 1 ELSE 0 END;

CREATE INDEX idx_signalements_code_postal ON signalements (code_postal);
CREATE INDEX idx_signalements_commune ON signalements (commune);

-- Saved searches of the list: a name and the list's query string, each
-- user's own.
CREATE TABLE saved_searches (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT fk_saved_searches_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX idx_saved_searches_user ON saved_searches (user_id, name);
