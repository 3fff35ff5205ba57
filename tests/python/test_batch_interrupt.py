"""Ctrl-C during a large batch call: the call raises KeyboardInterrupt and stores nothing, as the docs
promise for every call that raised (so code that retries on an exception stores the rows once)."""
import os
import signal
import subprocess
import sys
import time

from conftest import count, python_env

ROWS = 600_000
# The batch is one transaction: SQLite spills its pages into the write-ahead log long before the commit
# (its page cache holds 2 MB; 600,000 rows fill about 25 MB). A log this large therefore means the call is
# writing its rows, not yet committed: the condition the test waits for before sending Ctrl-C.
WAL_BYTES_DURING_THE_CALL = 4 * 1024 * 1024

CHILD = f"""
import sys
import benchstore
rec = benchstore.MetricsRecorder(sys.argv[1], None, "acme/widgets", "main", "abc123", "Fix things")
bid = rec.initialise_benchmark({{"big": "batch"}})
samples = [(float(i), 2048.0) for i in range({ROWS})]
try:
    rec.collect_device_measurements_batch(bid, samples)
except KeyboardInterrupt:
    sys.exit(7)
print("returned", flush=True)
"""


def wal_size(store):
    try:
        return os.path.getsize(str(store) + "-wal")
    except FileNotFoundError:
        return 0


def test_ctrl_c_during_a_large_batch_stores_nothing(tmp_path):
    store = tmp_path / "s.db"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(store)], env=python_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while wal_size(store) < WAL_BYTES_DURING_THE_CALL:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the batch call never started writing"
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 7 and out == "", (proc.returncode, out, err)
    assert count(store, "benchmarks") == 1
    assert count(store, "device_measurements") == 0
