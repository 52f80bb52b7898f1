-- +goose Up
-- Dossiers (hồ sơ). A dossier keeps the catalogue versions it started
-- with; its code is <receiving unit code>-YYMMDD-NNNN, the sequence per
-- unit per day (dossier_sequences), unique under concurrent submissions.
CREATE TABLE dossier_sequences (
    unit_id INTEGER NOT NULL,
    day     TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day)
);

CREATE TABLE dossiers (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    procedure_code    TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    workflow_key      TEXT NOT NULL,
    workflow_version  INTEGER NOT NULL,
    form_key          TEXT NOT NULL,
    form_version      INTEGER NOT NULL,
    receiving_unit_id INTEGER NOT NULL REFERENCES agencies(id),
    applicant_id      INTEGER REFERENCES users(id),
    applicant_name    TEXT NOT NULL,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    step              TEXT NOT NULL,
    data              TEXT NOT NULL,
    submitted_at      TIMESTAMP NOT NULL,
    received_at       TIMESTAMP,
    due_at            TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX dossiers_applicant ON dossiers(applicant_id, submitted_at);
CREATE INDEX dossiers_queue ON dossiers(receiving_unit_id, status, submitted_at);

-- The dossier's history: every action, by whom, where, when, why.
CREATE TABLE dossier_events (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    at         TIMESTAMP NOT NULL,
    action     TEXT NOT NULL,
    step       TEXT NOT NULL,
    actor_id   INTEGER,
    actor      TEXT NOT NULL,
    unit_id    INTEGER,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);

-- +goose Down
DROP TABLE dossier_events;
DROP TABLE dossiers;
DROP TABLE dossier_sequences;
