-- benchstore central schema, version 6: device rows summarised per benchmark and minute.
-- A dashboard panel over a day or a week, drawn at a minute or coarser, needs per interval only the
-- count, sum, smallest and largest value of each column; reading them from a table that holds one
-- row per benchmark and minute reads ~400 times fewer rows than the raw rows (a benchmark sampling
-- every 100 ms writes 600 a minute). It is also what is kept of device rows once retention has
-- dropped them (benchstore-central retention keeps it unless told otherwise).
--
-- Exact, not approximate: a statement trigger adds the rows every INSERT or COPY into
-- device_measurements actually inserted (its transition table: rows that ON CONFLICT DO NOTHING
-- skipped are not in it) to their minutes, in the same transaction, so the rollup commits or rolls
-- back with them, whoever writes them (sync's COPY and its staging INSERT, Hugging Face's recorder
-- in an adopted database). Sums add and smallest/largest combine, so merging a later batch into a
-- minute gives what aggregating all of its rows at once gives. The column counts are those of the
-- non-NULL values, as avg() counts them: avg = x_sum / x_count (NULL when x_count is 0).
-- Rows without a benchmark_id (possible only in an adopted Hugging Face table) belong to no
-- benchmark, so no dashboard panel shows them, and they are not summarised.
-- lib/src/central/partitioned_copy.cpp carries the trigger over when a conversion to partitions
-- swaps the table (rows copied into the new table are not counted twice); the trigger fires for the
-- partitioned parent only, so partition upkeep moving rows between partitions does not count them.
-- docs/central-maintenance.md, "Per-minute rollups".
DO $migration$
DECLARE
    -- The rollup's benchmark_id has the device rows' type: uuid, or Hugging Face's VARCHAR(36).
    id_type text := (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                     WHERE attrelid = 'device_measurements'::regclass AND attname = 'benchmark_id');
    reader record;
BEGIN
    EXECUTE format($t$
        CREATE TABLE device_measurements_minutes (
            benchmark_id            %s NOT NULL,
            minute                  timestamp without time zone NOT NULL,  -- date_trunc('minute', time)
            samples                 integer NOT NULL,                      -- device rows
            cpu_util_count          integer NOT NULL,                      -- of them with a cpu_util
            cpu_util_sum            double precision,                      -- NULL when the count is 0
            cpu_util_min            double precision,
            cpu_util_max            double precision,
            mem_megabytes_count     integer NOT NULL,
            mem_megabytes_sum       double precision,
            mem_megabytes_min       double precision,
            mem_megabytes_max       double precision,
            gpu_util_count          integer NOT NULL,
            gpu_util_sum            double precision,
            gpu_util_min            double precision,
            gpu_util_max            double precision,
            gpu_mem_megabytes_count integer NOT NULL,
            gpu_mem_megabytes_sum   double precision,
            gpu_mem_megabytes_min   double precision,
            gpu_mem_megabytes_max   double precision,
            PRIMARY KEY (benchmark_id, minute))$t$, id_type);
    -- Whoever may read the device rows (the dashboard's role) may read their rollup.
    FOR reader IN SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
                                  AS grantee
                  FROM pg_class c, aclexplode(c.relacl) a
                  WHERE c.oid = 'device_measurements'::regclass AND a.privilege_type = 'SELECT'
                    AND a.grantee <> c.relowner LOOP
        EXECUTE 'GRANT SELECT ON device_measurements_minutes TO ' || reader.grantee;
    END LOOP;
END
$migration$;

-- The time-range panels: a week is ~50,000 rollup rows at 274,000 device rows a day.
CREATE INDEX device_measurements_minutes_minute ON device_measurements_minutes (minute);

-- The one statement that adds device rows to their minutes, reading them from source: the
-- trigger's transition table, or the whole table once (below). Groups go in key order, so two
-- transactions adding to the same minutes lock them in the same order.
CREATE FUNCTION benchstore_device_minutes_merge(source text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
SELECT format($q$
    INSERT INTO device_measurements_minutes AS m (benchmark_id, minute, samples,
        cpu_util_count, cpu_util_sum, cpu_util_min, cpu_util_max,
        mem_megabytes_count, mem_megabytes_sum, mem_megabytes_min, mem_megabytes_max,
        gpu_util_count, gpu_util_sum, gpu_util_min, gpu_util_max,
        gpu_mem_megabytes_count, gpu_mem_megabytes_sum, gpu_mem_megabytes_min, gpu_mem_megabytes_max)
    SELECT benchmark_id, date_trunc('minute', "time"), count(*),
        count(cpu_util), sum(cpu_util), min(cpu_util), max(cpu_util),
        count(mem_megabytes), sum(mem_megabytes), min(mem_megabytes), max(mem_megabytes),
        count(gpu_util), sum(gpu_util), min(gpu_util), max(gpu_util),
        count(gpu_mem_megabytes), sum(gpu_mem_megabytes), min(gpu_mem_megabytes), max(gpu_mem_megabytes)
    FROM %I WHERE benchmark_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (benchmark_id, minute) DO UPDATE SET
        samples = m.samples + EXCLUDED.samples,
        cpu_util_count = m.cpu_util_count + EXCLUDED.cpu_util_count,
        cpu_util_sum = coalesce(m.cpu_util_sum + EXCLUDED.cpu_util_sum, m.cpu_util_sum, EXCLUDED.cpu_util_sum),
        cpu_util_min = least(m.cpu_util_min, EXCLUDED.cpu_util_min),
        cpu_util_max = greatest(m.cpu_util_max, EXCLUDED.cpu_util_max),
        mem_megabytes_count = m.mem_megabytes_count + EXCLUDED.mem_megabytes_count,
        mem_megabytes_sum = coalesce(m.mem_megabytes_sum + EXCLUDED.mem_megabytes_sum, m.mem_megabytes_sum,
                                     EXCLUDED.mem_megabytes_sum),
        mem_megabytes_min = least(m.mem_megabytes_min, EXCLUDED.mem_megabytes_min),
        mem_megabytes_max = greatest(m.mem_megabytes_max, EXCLUDED.mem_megabytes_max),
        gpu_util_count = m.gpu_util_count + EXCLUDED.gpu_util_count,
        gpu_util_sum = coalesce(m.gpu_util_sum + EXCLUDED.gpu_util_sum, m.gpu_util_sum, EXCLUDED.gpu_util_sum),
        gpu_util_min = least(m.gpu_util_min, EXCLUDED.gpu_util_min),
        gpu_util_max = greatest(m.gpu_util_max, EXCLUDED.gpu_util_max),
        gpu_mem_megabytes_count = m.gpu_mem_megabytes_count + EXCLUDED.gpu_mem_megabytes_count,
        gpu_mem_megabytes_sum = coalesce(m.gpu_mem_megabytes_sum + EXCLUDED.gpu_mem_megabytes_sum,
                                         m.gpu_mem_megabytes_sum, EXCLUDED.gpu_mem_megabytes_sum),
        gpu_mem_megabytes_min = least(m.gpu_mem_megabytes_min, EXCLUDED.gpu_mem_megabytes_min),
        gpu_mem_megabytes_max = greatest(m.gpu_mem_megabytes_max, EXCLUDED.gpu_mem_megabytes_max)$q$, source)
$f$;

-- SECURITY DEFINER: a role that may only insert device rows (Hugging Face's recorder, a sync role
-- that does not own the tables) still has them summarised.
CREATE FUNCTION benchstore_device_minutes_add() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $f$
BEGIN
    EXECUTE benchstore_device_minutes_merge('benchstore_new_rows');
    RETURN NULL;
END
$f$;

-- The trigger first: it takes the lock that keeps other writers out until this migration commits,
-- so the rows summarised below are all the rows there are, and every later row goes by the trigger.
CREATE TRIGGER benchstore_device_minutes AFTER INSERT ON device_measurements
    REFERENCING NEW TABLE AS benchstore_new_rows FOR EACH STATEMENT EXECUTE FUNCTION benchstore_device_minutes_add();
DO $backfill$ BEGIN EXECUTE benchstore_device_minutes_merge('device_measurements'); END $backfill$;
