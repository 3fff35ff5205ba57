-- benchstore local store, version 1. SQLite is the source of truth; every table that sync replays
-- has an INTEGER PRIMARY KEY AUTOINCREMENT id, so row ids are never reused and can serve as a
-- per-file high-water mark.

-- One row per store file: who this file is. source_id is a random UUID made when the file is
-- created; sync keys its bookkeeping on it.
CREATE TABLE store_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE benchmarks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- local row id, never reused
    benchmark_id   TEXT    NOT NULL UNIQUE,            -- UUID v7, lower-case text form
    repository     TEXT    NOT NULL,
    branch         TEXT    NOT NULL,
    commit_id      TEXT    NOT NULL,
    commit_message TEXT    NOT NULL,                   -- at most 70 characters (UTF-8 aware)
    metadata       TEXT    NOT NULL DEFAULT '{}',      -- compact JSON object, string values
    created_at     TEXT    NOT NULL,                   -- UTC, 2025-07-29T20:08:07.875408
    host           TEXT    NOT NULL,                   -- machine that ran it
    run_id         TEXT,                               -- groups one benchstore-run invocation
    module         TEXT,                               -- benchmark module that created it
    status         TEXT    NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'completed', 'failed')),
    status_reason  TEXT,                               -- why it failed
    finished_at    TEXT                                -- UTC, set with completed/failed
);
CREATE INDEX benchmarks_run ON benchmarks (run_id);

-- Append-only log of status changes (running -> completed/failed). The benchmarks row holds the
-- current status; this log lets sync replay changes made after a benchmark was first sent.
CREATE TABLE benchmark_status_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    benchmark_ref INTEGER NOT NULL REFERENCES benchmarks (id),
    status        TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    status_reason TEXT,
    time          TEXT    NOT NULL
);

-- Identity across machines: (benchmarks.benchmark_id, id). GPU columns are NULL without a GPU.
CREATE TABLE device_measurements (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    benchmark_ref     INTEGER NOT NULL REFERENCES benchmarks (id),
    cpu_util          REAL,
    mem_megabytes     REAL,
    gpu_util          REAL,
    gpu_mem_megabytes REAL,
    time              TEXT    NOT NULL
);
CREATE INDEX device_measurements_benchmark ON device_measurements (benchmark_ref, id);

-- measurements is a JSON object of name -> number (never NaN or infinite), in recorded order.
CREATE TABLE model_measurements (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    benchmark_ref INTEGER NOT NULL REFERENCES benchmarks (id),
    measurements  TEXT    NOT NULL,
    time          TEXT    NOT NULL
);
CREATE INDEX model_measurements_benchmark ON model_measurements (benchmark_ref, id);
