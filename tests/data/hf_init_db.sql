-- Hugging Face's benchmark/init_db.sql (transformers, newest published shape: repository, metadata
-- jsonb, measurements jsonb, their indexes), with benchmark_id of the type their recorder actually
-- writes (str(uuid.uuid4())) instead of the SERIAL the file declares. The adoption tests and
-- benchstore-speed-sync --hf-schema create it verbatim (tests vary the id type and add the older
-- shape's gpu_name column by replacing text).
CREATE TABLE IF NOT EXISTS benchmarks (
  benchmark_id VARCHAR(36) PRIMARY KEY,
  repository VARCHAR(255),
  branch VARCHAR(255),
  commit_id VARCHAR(72),
  commit_message VARCHAR(70),
  metadata jsonb,
  created_at timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC')
);

CREATE INDEX IF NOT EXISTS benchmarks_benchmark_id_idx ON benchmarks (benchmark_id);

CREATE INDEX IF NOT EXISTS benchmarks_branch_idx ON benchmarks (branch);

CREATE TABLE IF NOT EXISTS device_measurements (
  measurement_id SERIAL PRIMARY KEY,
  benchmark_id VARCHAR(36) REFERENCES benchmarks (benchmark_id),
  cpu_util double precision,
  mem_megabytes double precision,
  gpu_util double precision,
  gpu_mem_megabytes double precision,
  time timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC')
);

CREATE INDEX IF NOT EXISTS device_measurements_branch_idx ON device_measurements (benchmark_id);

CREATE TABLE IF NOT EXISTS model_measurements (
  measurement_id SERIAL PRIMARY KEY,
  benchmark_id VARCHAR(36) REFERENCES benchmarks (benchmark_id),
  measurements jsonb,
  time timestamp without time zone NOT NULL DEFAULT (current_timestamp AT TIME ZONE 'UTC')
);

CREATE INDEX IF NOT EXISTS model_measurements_branch_idx ON model_measurements (benchmark_id);
