ALTER TABLE drafts
    DROP FOREIGN KEY fk_drafts_owner,
    DROP KEY idx_drafts_owner,
    DROP COLUMN created_by;
