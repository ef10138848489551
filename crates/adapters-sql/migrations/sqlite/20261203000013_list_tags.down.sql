ALTER TABLE signalements DROP COLUMN tags;
