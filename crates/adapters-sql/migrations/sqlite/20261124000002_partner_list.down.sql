DROP INDEX idx_affectations_list;
DROP INDEX idx_affectations_list_status;
ALTER TABLE affectations DROP COLUMN signalement_listed;
ALTER TABLE affectations DROP COLUMN signalement_created_at;
