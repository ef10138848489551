-- The statistics page and the dashboard's cards read columns written with
-- each case (`list_columns.rs`), not each case's JSON: at a million cases
-- the JSON_EXTRACTs of a territory's 50,000 cases and their affectations
-- took seconds per page (docs/performance.md, issue 12). Dates are
-- microseconds since the epoch, like created_at; `precisions` is
-- `|slug|slug|`; `partners_closed` is the « fermé par tous les
-- partenaires » card (a closed affectation, none waiting or accepted).
ALTER TABLE signalements
    ADD COLUMN validated_at BIGINT NULL,
    ADD COLUMN closed_at BIGINT NULL,
    ADD COLUMN first_accepted_at BIGINT NULL,
    ADD COLUMN precisions TEXT NULL,
    ADD COLUMN partners_closed BIGINT NOT NULL DEFAULT 0,
    ADD KEY idx_signalements_stats (territory, status, created_at, validated_at, closed_at, first_accepted_at),
    ADD KEY idx_signalements_cards (territory, status, abandon_requested, partners_closed, last_suivi_at, created_at);

-- Cases written before: the same values, once, in SQL (to the second; the
-- next write of a case stores the exact instant).
UPDATE signalements s SET
    s.validated_at = CASE WHEN JSON_TYPE(JSON_EXTRACT(s.data, '$.validated_at')) = 'STRING'
        THEN TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(s.data, '$.validated_at')), 19), 'T', ' ') AS DATETIME)) * 1000000
        ELSE NULL END,
    s.closed_at = CASE WHEN JSON_TYPE(JSON_EXTRACT(s.data, '$.closed_at')) = 'STRING'
        THEN TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(s.data, '$.closed_at')), 19), 'T', ' ') AS DATETIME)) * 1000000
        ELSE NULL END,
    s.first_accepted_at = (
        SELECT MIN(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(a.data, '$.answered_at')), 19), 'T', ' ') AS DATETIME)) * 1000000)
        FROM affectations a
        WHERE a.signalement_id = s.id AND a.status IN ('EN_COURS', 'FERME')
          AND JSON_TYPE(JSON_EXTRACT(a.data, '$.answered_at')) = 'STRING'),
    s.precisions = CASE WHEN JSON_LENGTH(JSON_EXTRACT(s.data, '$.desordre_precisions')) > 0
        THEN CONCAT('|', REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
            JSON_EXTRACT(s.data, '$.desordre_precisions'), '[', ''), ']', ''), '"', ''), ' ', ''), ',', '|'), '|')
        ELSE '' END,
    s.partners_closed = CASE WHEN
        EXISTS (SELECT 1 FROM affectations c WHERE c.signalement_id = s.id AND c.status = 'FERME')
        AND NOT EXISTS (SELECT 1 FROM affectations o WHERE o.signalement_id = s.id AND o.status IN ('NOUVEAU', 'EN_COURS'))
        THEN 1 ELSE 0 END;
