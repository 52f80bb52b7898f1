-- +goose Up
-- Work lists at a province's scale (docs/benchmarks.md, "Dossiers"): at a
-- million dossiers, the lists that span every unit (a system administrator,
-- a province-wide leader) sorted every open dossier, and for some lists of
-- a single unit SQLite, which egov runs without planner statistics, took
-- an index that holds nearly every row. These partial indexes hold just the
-- dossiers a list can show, in the order lists are read (by ID).

-- Open work in ID order, with what the lists test, so that they stop
-- after their first page, and the desk's counts stop at 100, without
-- reading the table.
CREATE INDEX dossiers_open ON dossiers(id, step_role, step_warn_at, step_due_at, due_at, returned, assignee_id)
    WHERE status IN ('processing', 'result');
-- Sent back from a later step: few at any time.
CREATE INDEX dossiers_open_returned ON dossiers(id) WHERE returned = TRUE AND status IN ('processing', 'result');
-- Online dossiers waiting for the desk.
CREATE INDEX dossiers_submitted ON dossiers(id) WHERE status = 'submitted';
-- The late list's index, of open dossiers only: the one on
-- (status, due_at) looked to SQLite like the best way to find any open
-- dossier, and every list filtered by status then sorted them all. It
-- carries the lists' columns too, as SQLite also takes it to count them.
DROP INDEX dossiers_due;
CREATE INDEX dossiers_open_due ON dossiers(due_at, step_role, step_warn_at, step_due_at, returned, assignee_id)
    WHERE status IN ('processing', 'result');
-- Assigned work only: nearly every dossier has no assignee, and an index
-- holding them all drew SQLite to "nobody assigned" (the leaders' list to
-- assign) instead of the unit's work index.
DROP INDEX dossiers_assignee;
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status) WHERE assignee_id IS NOT NULL;

-- +goose Down
DROP INDEX dossiers_assignee;
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status);
DROP INDEX dossiers_open_due;
CREATE INDEX dossiers_due ON dossiers(status, due_at);
DROP INDEX dossiers_submitted;
DROP INDEX dossiers_open_returned;
DROP INDEX dossiers_open;
