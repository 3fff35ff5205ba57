-- benchstore central schema, version 7: sync adds its own device rows to their minutes.
-- Migration 6's statement trigger costs sync a second of server CPU per million rows, and more than
-- its merge: a trigger with a transition table makes the server keep a copy of every inserted row
-- for it, and (PostgreSQL 15) makes COPY into a partitioned table insert row by row, even when the
-- trigger's function returns at once. Sync holds every value it sends, so it aggregates its rows per
-- benchmark and minute itself and hands the server ~1 rollup row per 600 device rows
-- (benchstore_device_minutes_put below), in the transaction that inserts them.
--
-- Every other writer (Hugging Face's recorder in an adopted database, a hand INSERT or COPY) is
-- still summarised by the trigger, now a row-level AFTER trigger whose WHEN condition skips the
-- rows of a transaction that set benchstore.rollup_by_sync (sync does, with SET LOCAL, in each
-- transaction that inserts device rows). A row-level AFTER trigger captures no transition table and
-- leaves COPY's batched inserts alone; its WHEN condition is evaluated per row as the row is
-- inserted, and a false one queues nothing: sync's rows cost one setting lookup each. A writer
-- other than sync pays one upsert per row instead of one per statement (HF's recorder writes a few
-- rows at a time; a bulk loader may do as sync does).
-- A row trigger on the partitioned parent is cloned to every partition (and to each partition
-- attached later). Partition upkeep moves rows into a new partition before attaching it, and a
-- conversion copies rows into its twin before the swap carries the trigger over, so neither counts
-- a row twice. docs/central-maintenance.md, "Per-minute rollups".
DROP TRIGGER benchstore_device_minutes ON device_measurements;
DROP FUNCTION benchstore_device_minutes_add();

DO $migration$
DECLARE
    id_type text := (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                     WHERE attrelid = 'device_measurements_minutes'::regclass AND attname = 'benchmark_id');
    -- migration 6's merge, from its ON CONFLICT clause on: the one way minutes combine.
    merge_clause text := substring(benchstore_device_minutes_merge('x') FROM '(ON CONFLICT .*)$');
BEGIN
    -- Another writer's row, added to its minute as migration 6's merge adds a statement's rows.
    EXECUTE format($f$
        CREATE FUNCTION benchstore_device_minutes_add_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
        SET search_path FROM CURRENT AS $b$
        BEGIN
            WITH benchstore_new_row AS (SELECT NEW.benchmark_id AS benchmark_id, NEW."time" AS "time",
                                               NEW.cpu_util AS cpu_util, NEW.mem_megabytes AS mem_megabytes,
                                               NEW.gpu_util AS gpu_util, NEW.gpu_mem_megabytes AS gpu_mem_megabytes)
            %s;
            RETURN NULL;
        END
        $b$$f$, benchstore_device_minutes_merge('benchstore_new_row'));

    -- Sync's rows, aggregated per benchmark and minute: one array element per minute; minutes are
    -- counted from 2000-01-01 00:00 (PostgreSQL's epoch: what sync's binary timestamps count from).
    -- SECURITY DEFINER as the trigger is (a sync role that may only insert device rows), and only
    -- for a session whose role may insert device rows.
    EXECUTE format($f$
        CREATE FUNCTION benchstore_device_minutes_put(
            text[], bigint[], integer[],
            integer[], double precision[], double precision[], double precision[],
            integer[], double precision[], double precision[], double precision[],
            integer[], double precision[], double precision[], double precision[],
            integer[], double precision[], double precision[], double precision[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $b$
        BEGIN
            IF NOT has_table_privilege(session_user, 'device_measurements', 'INSERT') THEN
                RAISE EXCEPTION 'permission denied: %% may not insert device_measurements', session_user
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            INSERT INTO device_measurements_minutes AS m (benchmark_id, minute, samples,
                cpu_util_count, cpu_util_sum, cpu_util_min, cpu_util_max,
                mem_megabytes_count, mem_megabytes_sum, mem_megabytes_min, mem_megabytes_max,
                gpu_util_count, gpu_util_sum, gpu_util_min, gpu_util_max,
                gpu_mem_megabytes_count, gpu_mem_megabytes_sum, gpu_mem_megabytes_min, gpu_mem_megabytes_max)
            SELECT lower(b)::%s, timestamp '2000-01-01' + make_interval(days => ((u - (u %% 1440 + 1440) %% 1440) / 1440)::int,
                                                               mins => ((u %% 1440 + 1440) %% 1440)::int),
                   s, c1, s1, l1, h1, c2, s2, l2, h2, c3, s3, l3, h3, c4, s4, l4, h4
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                 AS g(b, u, s, c1, s1, l1, h1, c2, s2, l2, h2, c3, s3, l3, h3, c4, s4, l4, h4)
            ORDER BY 1, 2
            %s;
        END
        $b$$f$, id_type, merge_clause);
END
$migration$;

CREATE TRIGGER benchstore_device_minutes AFTER INSERT ON device_measurements FOR EACH ROW
    WHEN (current_setting('benchstore.rollup_by_sync', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION benchstore_device_minutes_add_row();
