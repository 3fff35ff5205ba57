-- Runs: one row per benchstore-run invocation, written when it starts. A runner killed outright
-- (kill -9, power loss) leaves its benchmarks `running` with nobody to settle them; the next runner on
-- the same host finds such a run's runner gone (another boot, no such pid, or a pid reused by a process
-- that started at another time) and marks them failed ("runner died"). Not replayed by sync.
CREATE TABLE runs (
    run_id     TEXT    PRIMARY KEY,  -- benchmarks.run_id
    host       TEXT    NOT NULL,     -- host name, as in benchmarks.host
    boot_id    TEXT    NOT NULL,     -- /proc/sys/kernel/random/boot_id when it ran
    pid        INTEGER NOT NULL,     -- the runner's process id
    pid_start  INTEGER NOT NULL,     -- its start time, clock ticks after boot (/proc/PID/stat field 22)
    started_at TEXT    NOT NULL      -- UTC
) WITHOUT ROWID;
