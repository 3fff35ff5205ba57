#!/usr/bin/env python3
"""Speed of the Python package's recording calls, against the C++ recorder and Python's own sqlite3, in
one run on the same file system (issue 8's targets):

  (a) durable collect_device_measurements from Python, one row per call, against the C++ recorder's
      durable path (benchstore-speed-recorder --reps 1, run between the Python repetitions)   target >= 0.8
  (b) the same Python calls against a plain loop with Python's sqlite3 module inserting the same rows,
      one transaction per row, same durability (WAL, synchronous=FULL, BEGIN IMMEDIATE)
  (c) the batch call, 1,000 rows per call from a NumPy array, against the C++ batch path          target >= 0.5

Each figure is the median of --reps repetitions on fresh files in --dir.

  PYTHONPATH=build/python python3 benches/speed/python_speed.py [--reps 5] [--dir DIR] [--cpp PROGRAM]
"""
import argparse
import datetime
import os
import pathlib
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

import numpy as np

import benchstore

DURABLE_ROWS = 3000   # as benchstore-speed-recorder
BATCH_ROWS = 200_000
BATCH_SIZE = 1000


def remove_store(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass


def fresh_recorder(path):
    remove_store(path)
    return benchstore.create_global_metrics_recorder("acme/widgets", "main", "abc123", "speed", db_path=path)


def python_durable(path):
    with fresh_recorder(path) as rec:
        bid = rec.initialise_benchmark({"bench": "durable"})
        collect = rec.collect_device_measurements
        start = time.perf_counter()
        for i in range(DURABLE_ROWS):
            collect(bid, 12.5 + i, 2048.0)
        return DURABLE_ROWS / (time.perf_counter() - start)


def python_batch(path):
    with fresh_recorder(path) as rec:
        bid = rec.initialise_benchmark({"bench": "batched"})
        base = np.column_stack([12.5 + np.arange(BATCH_SIZE, dtype=np.float64), np.full(BATCH_SIZE, 2048.0)])
        start = time.perf_counter()
        for first in range(0, BATCH_ROWS, BATCH_SIZE):
            samples = base.copy()
            samples[:, 0] += first  # a new array per call, as a sampler handing over its buffer
            rec.collect_device_measurements_batch(bid, samples)
        return BATCH_ROWS / (time.perf_counter() - start)


def sqlite3_loop(path):
    """Python's own sqlite3: the table shape of benchstore's store, the same settings, a row and its
    UTC timestamp text per transaction."""
    remove_store(path)
    con = sqlite3.connect(path, isolation_level=None, timeout=10)
    con.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        "CREATE TABLE benchmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, benchmark_id TEXT UNIQUE);"
        "CREATE TABLE device_measurements (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " benchmark_ref INTEGER NOT NULL REFERENCES benchmarks (id), cpu_util REAL, mem_megabytes REAL,"
        " gpu_util REAL, gpu_mem_megabytes REAL, time TEXT NOT NULL);"
        "CREATE INDEX device_measurements_benchmark ON device_measurements (benchmark_ref, id);"
        "INSERT INTO benchmarks (benchmark_id) VALUES ('x');")
    sql = ("INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes,"
           " time) VALUES (1, ?, ?, ?, ?, ?)")
    utc = datetime.timezone.utc
    start = time.perf_counter()
    for i in range(DURABLE_ROWS):
        con.execute("BEGIN IMMEDIATE")
        stamp = datetime.datetime.now(utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
        con.execute(sql, (12.5 + i, 2048.0, None, None, stamp))
        con.execute("COMMIT")
    rate = DURABLE_ROWS / (time.perf_counter() - start)
    con.close()
    return rate


def cpp_recorder(program, folder):
    """One repetition of benchstore-speed-recorder: its durable (a) and batch (b) recorder rates."""
    out = subprocess.run([str(program), "--reps", "1", "--dir", str(folder)], check=True, capture_output=True,
                         text=True).stdout
    durable = re.search(r"^\(a\).*?recorder\s+(\d+) rows/s", out, re.M)
    batch = re.search(r"^\(b\).*?recorder\s+(\d+) rows/s", out, re.M)
    if not durable or not batch:
        raise SystemExit(f"cannot read the C++ figures from {program}:\n{out}")
    return float(durable.group(1)), float(batch.group(1))


def main():
    default_cpp = pathlib.Path(benchstore.__file__).resolve().parents[2] / "benches/speed/benchstore-speed-recorder"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--dir", default="", help="folder for the store files (default: a new one in /tmp)")
    p.add_argument("--cpp", default=str(default_cpp), help="the C++ recorder benchmark program")
    args = p.parse_args()
    folder = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="benchstore-python-speed-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "python_speed.db"

    py_durable, py_sqlite, py_batch, cpp_durable, cpp_batch = [], [], [], [], []
    for _ in range(args.reps):  # interleaved, so drift on a shared machine hits every method alike
        py_durable.append(python_durable(path))
        d, b = cpp_recorder(args.cpp, folder)
        cpp_durable.append(d)
        cpp_batch.append(b)
        py_sqlite.append(sqlite3_loop(path))
        py_batch.append(python_batch(path))
    remove_store(path)
    if not args.dir:
        shutil.rmtree(folder, ignore_errors=True)

    m = statistics.median
    print(f"benchstore Python package speed, {args.reps} repetitions, medians, files in {folder}")
    print(f"(a) durable, 1 row per call : Python {m(py_durable):9.0f} rows/s   C++ recorder {m(cpp_durable):9.0f} rows/s"
          f"   ratio {m(py_durable) / m(cpp_durable):.2f} (target >= 0.80)")
    print(f"(b) durable, 1 row per call : Python {m(py_durable):9.0f} rows/s   Python sqlite3 loop {m(py_sqlite):9.0f} rows/s"
          f"   ratio {m(py_durable) / m(py_sqlite):.2f}")
    print(f"(c) batch, 1,000 rows/call  : Python {m(py_batch):9.0f} rows/s   C++ batch {m(cpp_batch):9.0f} rows/s"
          f"   ratio {m(py_batch) / m(cpp_batch):.2f} (target >= 0.50)")


if __name__ == "__main__":
    main()
