-- Version 5: what benchstore-import brings in. First the import ledger: each file it imported, by
-- the SHA-256 of its content, in the same transaction as the file's rows: importing the same bytes
-- again finds the row and adds nothing. Not replayed by sync (the rows it brought in are, as any others).
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    content_sha256 TEXT    NOT NULL UNIQUE,  -- lower-case hex of the file's bytes
    format         TEXT    NOT NULL,         -- google-benchmark | pytest-benchmark | hf-benchmark-v2
    file_name      TEXT    NOT NULL,         -- the path as given to benchstore-import
    file_time      TEXT,                     -- UTC; the time the file itself states, NULL where it has none
    imported_at    TEXT    NOT NULL,         -- UTC
    run_id         TEXT    NOT NULL,         -- benchmarks.run_id of the benchmarks it created
    details        TEXT    NOT NULL DEFAULT '{}'  -- JSON object of strings: what the file says about the
                                             -- run beyond the host fingerprint (load average, versions)
);
-- Where an imported benchmark came from; NULL for benchmarks recorded here.
ALTER TABLE benchmarks ADD COLUMN import_ref INTEGER REFERENCES imports (id);

-- Merged stores (benchstore-import of another store). A merged row keeps its identity: the store that
-- first wrote it (origin: its source id, through origins) and its id there (origin_id). Rows written
-- here have both NULL. Sync sends each origin's rows under that origin's source id with origin_id as
-- their local id, so a row that reaches the server by two paths (its own store synced, and a merged
-- copy synced) is one row there. docs/import.md states the rule.
CREATE TABLE origins (
    id        INTEGER PRIMARY KEY,
    source_id TEXT    NOT NULL UNIQUE   -- store_info.source_id of the store that wrote the rows
);
ALTER TABLE benchmarks ADD COLUMN origin INTEGER REFERENCES origins (id);
ALTER TABLE benchmarks ADD COLUMN origin_id INTEGER;
ALTER TABLE benchmark_status_changes ADD COLUMN origin INTEGER REFERENCES origins (id);
ALTER TABLE benchmark_status_changes ADD COLUMN origin_id INTEGER;
ALTER TABLE device_measurements ADD COLUMN origin INTEGER REFERENCES origins (id);
ALTER TABLE device_measurements ADD COLUMN origin_id INTEGER;
ALTER TABLE model_measurements ADD COLUMN origin INTEGER REFERENCES origins (id);
ALTER TABLE model_measurements ADD COLUMN origin_id INTEGER;
-- Partial: rows written here (the recorder's) cost nothing more to insert.
CREATE INDEX benchmarks_origin ON benchmarks (origin, origin_id) WHERE origin IS NOT NULL;
CREATE INDEX benchmark_status_changes_origin ON benchmark_status_changes (origin, origin_id) WHERE origin IS NOT NULL;
CREATE INDEX device_measurements_origin ON device_measurements (origin, origin_id) WHERE origin IS NOT NULL;
CREATE INDEX model_measurements_origin ON model_measurements (origin, origin_id) WHERE origin IS NOT NULL;
