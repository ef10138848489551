DROP TABLE saved_searches;
DROP INDEX idx_signalements_commune ON signalements;
DROP INDEX idx_signalements_code_postal ON signalements;
ALTER TABLE signalements
    DROP COLUMN code_postal,
    DROP COLUMN commune,
    DROP COLUMN occupant,
    DROP COLUMN score_centi,
    DROP COLUMN procedures,
    DROP COLUMN last_suivi_at,
    DROP COLUMN abandon_requested;
