DROP INDEX idx_signalements_feedback;
ALTER TABLE signalements DROP COLUMN feedback_due_at;
