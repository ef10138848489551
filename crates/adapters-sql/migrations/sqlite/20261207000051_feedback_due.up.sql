-- The request for news (§7.2 ask-feedback-usager) reads exactly the cases
-- that are due, most overdue first: the date of each case's next request
-- (`histologe_core::feedback::next_request`, NULL when the case is not to
-- be asked) is a column written with the case, like the list's columns.
ALTER TABLE signalements ADD COLUMN feedback_due_at INTEGER NULL;
CREATE INDEX idx_signalements_feedback ON signalements (feedback_due_at);

-- Cases written before: the same rule, once, in SQL. The wait is counted
-- from the UTC day of the last request (or of the last public suivi, else
-- the validation, else the creation), two hours early: never later than
-- the rule's Paris midnight, at most a day early. The task checks the rule
-- again under the case's lock, and the next write of the case stores the
-- exact date.
CREATE TEMP TABLE feedback_backfill AS
SELECT s.id AS id, coalesce(
    (SELECT max(x.created_at) FROM suivis x
     WHERE x.signalement_id = s.id AND x.is_deleted = 0
       AND json_extract(x.data, '$.is_visible_for_usager') = 1),
    CAST(strftime('%s', json_extract(s.data, '$.validated_at')) AS INTEGER) * 1000000,
    s.created_at) AS since
FROM signalements s
WHERE s.status = 'ACTIVE' AND s.abandon_requested = 0
  AND json_extract(s.data, '$.is_imported') = 0
  AND json_extract(s.data, '$.logement.is_logement_vacant') = 0;

UPDATE signalements SET feedback_due_at = (
    SELECT (coalesce(max(x.created_at), b.since) / 86400000000) * 86400000000
        + (CASE WHEN count(x.id) = 0 THEN 45 WHEN count(x.id) <= 2 THEN 30 ELSE 90 END)
          * 86400000000
        - 7200000000
    FROM feedback_backfill b
    LEFT JOIN suivis x ON x.signalement_id = b.id AND x.created_at >= b.since
        AND json_extract(x.data, '$.category') = 'ASK_FEEDBACK_SENT'
    WHERE b.id = signalements.id
    GROUP BY b.id, b.since
)
WHERE id IN (SELECT id FROM feedback_backfill);

DROP TABLE feedback_backfill;
