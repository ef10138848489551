ALTER TABLE signalements
    DROP KEY idx_signalements_cards,
    DROP KEY idx_signalements_stats,
    DROP COLUMN partners_closed,
    DROP COLUMN precisions,
    DROP COLUMN first_accepted_at,
    DROP COLUMN closed_at,
    DROP COLUMN validated_at;
