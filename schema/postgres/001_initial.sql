-- benchstore central schema, version 1 (PostgreSQL 15). Applied by benchstore-sync inside one
-- transaction; the version lives in benchstore_schema_version.
-- Table and column names follow Hugging Face's benchmark/init_db.sql, so their Grafana dashboard
-- queries run unchanged. Timestamps are `timestamp without time zone` holding the UTC time the row
-- was recorded on the benchmark machine (sync always sends them; the defaults are never used by it).

CREATE TABLE benchmarks (
    benchmark_id   uuid PRIMARY KEY,                   -- UUID v7 from the benchmark machine
    repository     text NOT NULL,
    branch         text NOT NULL,
    commit_id      text NOT NULL,
    commit_message text NOT NULL,
    metadata       jsonb NOT NULL DEFAULT '{}',
    gpu_name       text GENERATED ALWAYS AS (metadata ->> 'gpu_name') STORED,
    created_at     timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC'),
    -- benchstore additions
    host           text,
    run_id         text,
    module         text,
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
    status_reason  text,
    finished_at    timestamp without time zone,
    status_seq     bigint NOT NULL DEFAULT 0,          -- local id of the last status change applied
    source_id      uuid,                               -- store file that sent it
    local_id       bigint,                             -- benchmarks.id in that file
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benchmarks_branch ON benchmarks (branch);

-- Measurement rows are identified by (benchmark_id, local_id): the benchmark's UUID plus the row's
-- never-reused id in the store file that recorded it. That key is the primary key (the one index
-- a load has to maintain); measurement_id keeps HF's name and grows in load order, which is time
-- order within a benchmark. There is no foreign key to benchmarks (HF declares one): its per-row
-- check costs about 40% of the load, and sync always commits a benchmark before its measurements.
CREATE TABLE device_measurements (
    measurement_id    bigserial NOT NULL,
    benchmark_id      uuid NOT NULL,
    cpu_util          double precision,
    mem_megabytes     double precision,
    gpu_util          double precision,
    gpu_mem_megabytes double precision,
    time              timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC'),
    local_id          bigint NOT NULL,                -- device_measurements.id in the store file
    PRIMARY KEY (benchmark_id, local_id)
);

CREATE TABLE model_measurements (
    measurement_id bigserial NOT NULL,
    benchmark_id   uuid NOT NULL,
    measurements   jsonb NOT NULL,
    time           timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC'),
    local_id       bigint NOT NULL,                   -- model_measurements.id in the store file
    PRIMARY KEY (benchmark_id, local_id)
);

-- What each store file has sent: the high-water mark of local ids per table, updated in the same
-- transaction as the rows, and a fingerprint of the row at that id (a copied file that wrote
-- different rows under the same ids no longer matches it).
CREATE TABLE sync_state (
    source_id       uuid   NOT NULL,
    table_name      text   NOT NULL,
    high_water_mark bigint NOT NULL DEFAULT 0,
    fingerprint     bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, table_name)
);

-- Rows the server refused (invalid UTF-8, malformed JSON, ...): recorded once, then skipped.
CREATE TABLE sync_rejects (
    source_id    uuid   NOT NULL,
    table_name   text   NOT NULL,
    local_id     bigint NOT NULL,
    benchmark_id text,
    error        text   NOT NULL,
    rejected_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, table_name, local_id)
);
