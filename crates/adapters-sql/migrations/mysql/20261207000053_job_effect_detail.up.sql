-- What the outside system said of a job's effect: the mail provider's
-- message id of an e-mail sent, to trace one e-mail in Brevo's logs.
ALTER TABLE job_effects ADD COLUMN detail VARCHAR(255) NULL;
