-- +goose Up
-- Days off and working days declared by the government each year: they
-- override the computed public holidays.
CREATE TABLE calendar_declarations (
    day        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    holiday    TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    updated_by INTEGER,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE calendar_declarations;
