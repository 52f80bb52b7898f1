-- +goose Up
-- Work lists at a province's scale (docs/benchmarks.md, "Dossiers"): at a
-- million dossiers, the lists that span every unit (a system administrator,
-- a province-wide leader) read every open dossier when what they look for
-- is rare, because the only index in their order is the primary key, and
-- the late list sorted every overdue dossier. These partial indexes hold
-- just the dossiers such a list can show. (No index of
-- all open dossiers in ID order: PostgreSQL would then walk it for a
-- single unit's list too, fetching each row to test the unit.)

-- Due soon: open dossiers whose step is not due yet.
CREATE INDEX dossiers_open_step_due ON dossiers(step_due_at) WHERE status IN ('processing', 'result');
-- Sent back from a later step: few at any time.
CREATE INDEX dossiers_open_returned ON dossiers(id) WHERE returned = TRUE AND status IN ('processing', 'result');
-- Online dossiers waiting for the desk.
CREATE INDEX dossiers_submitted ON dossiers(id) WHERE status = 'submitted';
-- The late list, most overdue first, read in its order instead of sorting
-- every overdue dossier; it replaces (status, due_at).
DROP INDEX dossiers_due;
CREATE INDEX dossiers_open_due ON dossiers(due_at, id) WHERE status IN ('processing', 'result');

-- +goose Down
DROP INDEX dossiers_open_due;
CREATE INDEX dossiers_due ON dossiers(status, due_at);
DROP INDEX dossiers_submitted;
DROP INDEX dossiers_open_returned;
DROP INDEX dossiers_open_step_due;
