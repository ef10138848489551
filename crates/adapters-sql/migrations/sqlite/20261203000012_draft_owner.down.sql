DROP INDEX idx_drafts_owner;
ALTER TABLE drafts DROP COLUMN created_by;
