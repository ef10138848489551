ALTER TABLE job_effects DROP COLUMN detail;
