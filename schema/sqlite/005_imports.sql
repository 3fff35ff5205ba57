-- Version 5: the import ledger. benchstore-import records each file it imported, by the SHA-256 of its
-- content, in the same transaction as the file's rows: importing the same bytes again finds the row
-- and adds nothing. Not replayed by sync (the rows it brought in are, as any other rows).
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
