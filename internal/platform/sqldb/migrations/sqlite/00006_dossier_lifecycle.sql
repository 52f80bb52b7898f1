-- +goose Up
-- The dossier lifecycle (ONE-STOP.md): who acts at the current step and
-- until when, the clock's state (so any due instant can be explained), the
-- counters the service-quality index reads, and the tables around a
-- dossier: inter-agency branches, files, payments, drafts, notifications.
-- The applicant's identifiers as given at submission (online from the
-- profile, at the desk from the papers): they unlock public tracking.
ALTER TABLE dossiers ADD COLUMN applicant_pid TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN applicant_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN decider_id INTEGER REFERENCES agencies(id);
ALTER TABLE dossiers ADD COLUMN step_unit_id INTEGER REFERENCES agencies(id);
ALTER TABLE dossiers ADD COLUMN step_role TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN step_started_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN step_due_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN step_warn_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN step_late BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE dossiers ADD COLUMN assignee_id INTEGER REFERENCES users(id);
ALTER TABLE dossiers ADD COLUMN returned BOOLEAN NOT NULL DEFAULT FALSE;
-- clock: not_started | running | paused | finished
ALTER TABLE dossiers ADD COLUMN clock TEXT NOT NULL DEFAULT 'not_started';
ALTER TABLE dossiers ADD COLUMN clock_started_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN paused_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN paused_step TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN applicant_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN due_why TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE dossiers ADD COLUMN supplements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN results INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN finished_at TIMESTAMP;
-- outcome: early | on_time | late, set when the dossier finishes
ALTER TABLE dossiers ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN fees_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN fees_paid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN rating INTEGER;
ALTER TABLE dossiers ADD COLUMN rating_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN rating_changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX dossiers_work ON dossiers(step_unit_id, step_role, status, id);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status);
CREATE INDEX dossiers_due ON dossiers(status, due_at);
CREATE INDEX dossiers_unit_status ON dossiers(receiving_unit_id, status, id);

-- Hand-overs: from which unit to which, the step's due instant at the
-- time and whether it finished early, on time or late (the processing
-- control sheet is read from here); data holds the action's details
-- (deficiencies, reasons, new due instant, explanation).
ALTER TABLE dossier_events ADD COLUMN to_step TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_events ADD COLUMN from_unit_id INTEGER;
ALTER TABLE dossier_events ADD COLUMN step_due_at TIMESTAMP;
ALTER TABLE dossier_events ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE dossier_events ADD COLUMN data TEXT NOT NULL DEFAULT '{}';

-- Inter-agency (liên thông): one row per agency taking part, in parallel.
CREATE TABLE dossier_branches (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    step       TEXT NOT NULL,
    agency_id  INTEGER NOT NULL REFERENCES agencies(id),
    lead       BOOLEAN NOT NULL DEFAULT FALSE,
    task       TEXT NOT NULL,
    status     TEXT NOT NULL, -- pending | done
    sent_at    TIMESTAMP NOT NULL,
    due_at     TIMESTAMP NOT NULL,
    done_at    TIMESTAMP,
    outcome    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    actor_id   INTEGER,
    UNIQUE (dossier_id, step, agency_id)
);
CREATE INDEX dossier_branches_agency ON dossier_branches(agency_id, status, dossier_id);

-- Files of a dossier: the application's attachments, supplements, results.
CREATE TABLE dossier_files (
    id           INTEGER PRIMARY KEY,
    dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
    purpose      TEXT NOT NULL, -- application | supplement | result
    document     TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    pages        INTEGER NOT NULL DEFAULT 0,
    result_code  TEXT UNIQUE,
    uploaded_at  TIMESTAMP NOT NULL,
    uploaded_by  INTEGER
);
CREATE INDEX dossier_files_dossier ON dossier_files(dossier_id, id);

-- Payments recorded by the desk (cash or transfer); online payment later.
CREATE TABLE dossier_payments (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    amount      INTEGER NOT NULL,
    method      TEXT NOT NULL, -- cash | transfer
    reference   TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    recorded_by INTEGER
);
CREATE INDEX dossier_payments_dossier ON dossier_payments(dossier_id);

-- Drafts of online applications, saved and resumed by the applicant.
CREATE TABLE dossier_drafts (
    id             INTEGER PRIMARY KEY,
    applicant_id   INTEGER NOT NULL REFERENCES users(id),
    procedure_code TEXT NOT NULL,
    unit_id        INTEGER,
    data           TEXT NOT NULL,
    files          TEXT NOT NULL DEFAULT '[]',
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX dossier_drafts_applicant ON dossier_drafts(applicant_id, updated_at);

-- In-portal notifications.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    dossier_id INTEGER REFERENCES dossiers(id),
    at         TIMESTAMP NOT NULL,
    kind       TEXT NOT NULL,
    vi         TEXT NOT NULL,
    en         TEXT NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE dossier_drafts;
DROP TABLE dossier_payments;
DROP TABLE dossier_files;
DROP TABLE dossier_branches;
DROP INDEX dossiers_work;
DROP INDEX dossiers_assignee;
DROP INDEX dossiers_due;
DROP INDEX dossiers_unit_status;
ALTER TABLE dossier_events DROP COLUMN data;
ALTER TABLE dossier_events DROP COLUMN outcome;
ALTER TABLE dossier_events DROP COLUMN step_due_at;
ALTER TABLE dossier_events DROP COLUMN from_unit_id;
ALTER TABLE dossier_events DROP COLUMN to_step;
-- SQLite cannot drop columns that reference other tables: going down past
-- this migration on SQLite needs a restore from backup.
