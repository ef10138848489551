DROP TABLE email_delivery_events;
DROP TABLE email_delivery_issues;
