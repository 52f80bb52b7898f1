-- +goose Up
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Agencies and their units form one tree. The surrogate id is the identity;
-- the official code is an attribute that changes with reorganisations.
CREATE TABLE agencies (
    id                INTEGER PRIMARY KEY,
    parent_id         INTEGER REFERENCES agencies(id),
    kind              TEXT NOT NULL,
    code              TEXT UNIQUE,
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL DEFAULT '',
    admin_unit_code   TEXT,
    receives_dossiers BOOLEAN NOT NULL DEFAULT FALSE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    merged_into_id    INTEGER REFERENCES agencies(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

-- Every code an agency has held, for documents and dossiers issued under it.
CREATE TABLE agency_codes (
    agency_id  INTEGER NOT NULL REFERENCES agencies(id),
    code       TEXT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to   TIMESTAMP,
    PRIMARY KEY (agency_id, code, valid_from)
);
CREATE INDEX agency_codes_code ON agency_codes(code);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    full_name        TEXT NOT NULL,
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    personal_id      TEXT UNIQUE,
    enterprise_code  TEXT,
    birth_date       TEXT NOT NULL DEFAULT '',
    password_hash    TEXT NOT NULL DEFAULT '',
    totp_secret      TEXT NOT NULL DEFAULT '',
    totp_enabled_at  TIMESTAMP,
    totp_last_step   INTEGER NOT NULL DEFAULT 0,
    demo             BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at      TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies(id)
);
CREATE UNIQUE INDEX user_roles_unique ON user_roles(user_id, role, COALESCE(agency_id, 0));
CREATE INDEX user_roles_agency ON user_roles(agency_id);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions, for browser cookies and API bearer tokens alike.
-- Only a hash of the token is stored.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    stage        TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed-login counters, shared by every replica.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

-- +goose Down
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE agency_codes;
DROP TABLE agencies;
DROP TABLE meta;
