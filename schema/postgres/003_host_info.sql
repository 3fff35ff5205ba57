-- benchstore central schema: the host fingerprint each benchmark carries from its store (SQLite
-- store version 3): cpu_model, logical_cores, memory_mib, kernel, os, gpu_name, gpu_driver as a JSON
-- object of strings; NULL for benchmarks recorded before it existed.
ALTER TABLE benchmarks ADD COLUMN IF NOT EXISTS host_info jsonb;
