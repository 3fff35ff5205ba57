-- Version 2: sync reads the newest status change of each benchmark; index the log by benchmark.
CREATE INDEX benchmark_status_changes_benchmark ON benchmark_status_changes (benchmark_ref, id);
