DROP INDEX idx_drafts_email;
DROP TABLE drafts;
