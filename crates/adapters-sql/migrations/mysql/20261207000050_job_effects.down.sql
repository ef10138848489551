DROP TABLE job_effects;
