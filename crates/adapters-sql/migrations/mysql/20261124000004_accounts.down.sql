DROP TABLE sessions;
DROP TABLE user_credentials;
