-- benchstore central schema, version 2: indexes for the dashboard's time-range panels.
-- Grafana panels filter device and model rows by a time range ($__timeFilter(time)); without an
-- index on time each one scans the whole table. Rows arrive roughly in time order (append-only,
-- a backlog at most a few days old), so a BRIN index fits: a few pages for millions of rows, next
-- to no cost per inserted row, and a one-day range reads only the block ranges of that day.
-- The joins on benchmark_id use the (benchmark_id, local_id) key (in an adopted Hugging Face
-- database: that unique index, besides their own benchmark_id index).
-- benches/speed/dashboard_speed.cpp measures the dashboard's queries before and after.
CREATE INDEX device_measurements_time_brin ON device_measurements USING brin (time);
CREATE INDEX model_measurements_time_brin ON model_measurements USING brin (time);
