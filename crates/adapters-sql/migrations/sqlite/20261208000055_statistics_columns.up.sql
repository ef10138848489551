-- The statistics page and the dashboard's cards read columns written with
-- each case (`list_columns.rs`), not each case's JSON: at a million cases
-- the json_extracts of a territory's 50,000 cases and their affectations
-- took seconds per page (docs/performance.md, issue 12). Dates are
-- microseconds since the epoch, like created_at; `precisions` is
-- `|slug|slug|`; `partners_closed` is the « fermé par tous les
-- partenaires » card (a closed affectation, none waiting or accepted).
ALTER TABLE signalements ADD COLUMN validated_at INTEGER NULL;
ALTER TABLE signalements ADD COLUMN closed_at INTEGER NULL;
ALTER TABLE signalements ADD COLUMN first_accepted_at INTEGER NULL;
ALTER TABLE signalements ADD COLUMN precisions TEXT NULL;
ALTER TABLE signalements ADD COLUMN partners_closed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_signalements_stats ON signalements (territory, status, created_at, validated_at, closed_at, first_accepted_at);
CREATE INDEX idx_signalements_cards ON signalements (territory, status, abandon_requested, partners_closed, last_suivi_at, created_at);

-- Cases written before: the same values, once, in SQL (to the second; the
-- next write of a case stores the exact instant).
UPDATE signalements SET
    validated_at = CAST(strftime('%s', json_extract(data, '$.validated_at')) AS INTEGER) * 1000000,
    closed_at = CAST(strftime('%s', json_extract(data, '$.closed_at')) AS INTEGER) * 1000000,
    first_accepted_at = (
        SELECT min(CAST(strftime('%s', json_extract(a.data, '$.answered_at')) AS INTEGER) * 1000000)
        FROM affectations a
        WHERE a.signalement_id = signalements.id AND a.status IN ('EN_COURS', 'FERME')),
    precisions = coalesce(
        (SELECT '|' || group_concat(p.value, '|') || '|'
         FROM json_each(signalements.data, '$.desordre_precisions') p),
        ''),
    partners_closed = CASE WHEN
        EXISTS (SELECT 1 FROM affectations c WHERE c.signalement_id = signalements.id AND c.status = 'FERME')
        AND NOT EXISTS (SELECT 1 FROM affectations o WHERE o.signalement_id = signalements.id AND o.status IN ('NOUVEAU', 'EN_COURS'))
        THEN 1 ELSE 0 END;
