DROP INDEX idx_signalements_cards;
DROP INDEX idx_signalements_stats;
ALTER TABLE signalements DROP COLUMN partners_closed;
ALTER TABLE signalements DROP COLUMN precisions;
ALTER TABLE signalements DROP COLUMN first_accepted_at;
ALTER TABLE signalements DROP COLUMN closed_at;
ALTER TABLE signalements DROP COLUMN validated_at;
