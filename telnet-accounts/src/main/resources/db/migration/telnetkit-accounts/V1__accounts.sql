-- TelnetKit accounts, version 1. Portable SQL: runs unchanged on SQLite, H2 and PostgreSQL.
-- Times are epoch milliseconds (BIGINT) and flags SMALLINT 0/1, which every one of them stores alike.
CREATE TABLE telnetkit_accounts (
    name_key      VARCHAR(32)  NOT NULL PRIMARY KEY, -- the name in lower case: unique ignoring case
    name          VARCHAR(32)  NOT NULL,             -- the name as registered
    nickname      VARCHAR(64)  NOT NULL,
    nickname_key  VARCHAR(64)  NOT NULL,             -- the nickname in lower case: unique ignoring case
    password_hash VARCHAR(255) NOT NULL,             -- PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash
    role          VARCHAR(16)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    last_login_at BIGINT,
    locked        SMALLINT     NOT NULL DEFAULT 0,
    CONSTRAINT telnetkit_accounts_nickname_key UNIQUE (nickname_key),
    CONSTRAINT telnetkit_accounts_role CHECK (role IN ('USER', 'SYSOP')),
    CONSTRAINT telnetkit_accounts_locked CHECK (locked IN (0, 1))
);
