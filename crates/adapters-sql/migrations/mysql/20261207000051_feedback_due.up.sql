-- The request for news (§7.2 ask-feedback-usager) reads exactly the cases
-- that are due, most overdue first: the date of each case's next request
-- (`histologe_core::feedback::next_request`, NULL when the case is not to
-- be asked) is a column written with the case, like the list's columns.
ALTER TABLE signalements
    ADD COLUMN feedback_due_at BIGINT NULL,
    ADD KEY idx_signalements_feedback (feedback_due_at);

-- Cases written before: the same rule, once, in SQL. The wait is counted
-- from the UTC day of the last request (or of the last public suivi, else
-- the validation, else the creation), two hours early: never later than
-- the rule's Paris midnight, at most a day early. The task checks the rule
-- again under the case's lock, and the next write of the case stores the
-- exact date.
CREATE TEMPORARY TABLE feedback_backfill (
    id CHAR(36) NOT NULL PRIMARY KEY,
    since BIGINT NOT NULL
);
INSERT INTO feedback_backfill (id, since)
SELECT s.id, COALESCE(
    (SELECT MAX(x.created_at) FROM suivis x
     WHERE x.signalement_id = s.id AND x.is_deleted = 0
       AND JSON_UNQUOTE(JSON_EXTRACT(x.data, '$.is_visible_for_usager')) = 'true'),
    CASE WHEN JSON_TYPE(JSON_EXTRACT(s.data, '$.validated_at')) = 'STRING'
        THEN TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', CAST(REPLACE(
            LEFT(JSON_UNQUOTE(JSON_EXTRACT(s.data, '$.validated_at')), 19), 'T', ' ') AS DATETIME)) * 1000000
        ELSE NULL END,
    s.created_at)
FROM signalements s
WHERE s.status = 'ACTIVE' AND s.abandon_requested = 0
  AND JSON_UNQUOTE(JSON_EXTRACT(s.data, '$.is_imported')) = 'false'
  AND JSON_UNQUOTE(JSON_EXTRACT(s.data, '$.logement.is_logement_vacant')) = 'false';

UPDATE signalements s JOIN (
    SELECT b.id, b.since, COUNT(x.id) AS n, MAX(x.created_at) AS last_at
    FROM feedback_backfill b
    LEFT JOIN suivis x ON x.signalement_id = b.id AND x.created_at >= b.since
        AND JSON_UNQUOTE(JSON_EXTRACT(x.data, '$.category')) = 'ASK_FEEDBACK_SENT'
    GROUP BY b.id, b.since
) f ON f.id = s.id
SET s.feedback_due_at = (COALESCE(f.last_at, f.since) DIV 86400000000) * 86400000000
    + (CASE WHEN f.n = 0 THEN 45 WHEN f.n <= 2 THEN 30 ELSE 90 END) * 86400000000
    - 7200000000;

DROP TEMPORARY TABLE feedback_backfill;
