ALTER TABLE signalements
    DROP KEY idx_signalements_feedback,
    DROP COLUMN feedback_due_at;
