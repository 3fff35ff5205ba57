-- benchstore central schema, version 8: the rollup trigger tells sync's rows by their store id.
-- Version 7's trigger skipped sync's rows by a setting sync made in each transaction
-- (benchstore.rollup_by_sync), and that setting's lookup, once per inserted row, cost sync 0.3-0.4 s
-- of server CPU per million rows: about what the raw load of a million rows costs in 15%.
-- local_id is what marks sync's rows: the row's id in the store file that recorded it, which sync
-- always sends and which Hugging Face's recorder (the other writer of an adopted database) never
-- fills. So the trigger now fires for rows without one, a test of one column of the row just
-- written; a row with a local_id is its sender's to add to its minutes, as sync does
-- (lib/src/sync/device_minutes.hpp), in the transaction that inserts it.
-- In benchstore's own schema local_id is required, so only sync (and tools that act as it does)
-- writes there: a row inserted there by hand, or a minute changed by hand, is set right with
-- benchstore_device_minutes_rebuild (below). docs/central-maintenance.md, "Per-minute rollups".
DROP TRIGGER benchstore_device_minutes ON device_measurements;
CREATE TRIGGER benchstore_device_minutes AFTER INSERT ON device_measurements FOR EACH ROW
    WHEN (NEW.local_id IS NULL) EXECUTE FUNCTION benchstore_device_minutes_add_row();

-- Recomputes the minutes from from_time's minute up to to_time from the device rows, replacing
-- what the rollup held for them; returns the benchmark-minutes written. It first takes the lock
-- that every writer of the rollup (sync's upserts, the trigger) takes in its own transaction,
-- in a mode that waits for those under way and keeps new ones out until it commits: the rows it
-- aggregates are then all the committed rows of those minutes, and a writer that inserted rows
-- of them before it and adds them to their minutes after it finds the rebuilt minutes.
-- The caller's rights (not SECURITY DEFINER): it deletes rollup rows.
CREATE FUNCTION benchstore_device_minutes_rebuild(from_time timestamp without time zone,
                                                  to_time timestamp without time zone) RETURNS bigint
LANGUAGE plpgsql AS $f$
DECLARE
    low timestamp without time zone := date_trunc('minute', from_time);
    -- the first minute not rebuilt: to_time's own when it starts a minute, the next one otherwise
    high timestamp without time zone := date_trunc('minute', to_time) +
        CASE WHEN to_time > date_trunc('minute', to_time) THEN interval '1 minute' ELSE interval '0' END;
    written bigint;
BEGIN
    IF from_time IS NULL OR to_time IS NULL THEN
        RAISE EXCEPTION 'benchstore_device_minutes_rebuild: from_time and to_time must not be NULL';
    END IF;
    LOCK TABLE device_measurements_minutes IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM device_measurements_minutes WHERE minute >= low AND minute < high;
    EXECUTE format('CREATE TEMP VIEW benchstore_rebuilt_rows AS SELECT * FROM device_measurements '
                   'WHERE "time" >= %L AND "time" < %L', low, high);
    EXECUTE benchstore_device_minutes_merge('benchstore_rebuilt_rows');
    GET DIAGNOSTICS written = ROW_COUNT;
    DROP VIEW benchstore_rebuilt_rows;
    RETURN written;
END
$f$;
