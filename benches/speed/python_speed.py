#!/usr/bin/env python3
"""Speed of the Python package's recording calls, against the C++ recorder and Python's own sqlite3, in
one run on the same file system (issue 8's targets):

  (a) durable collect_device_measurements from Python, one row per call, against the C++ recorder's
      durable path (recorder_speed.cpp's loop, run in C++ from python_speed_hooks.cpp's library,
      loaded with ctypes)                                                                       target >= 0.8
  (b) the same Python calls against a plain loop with Python's sqlite3 module inserting the same rows,
      one transaction per row, same durability (WAL, synchronous=FULL, BEGIN IMMEDIATE)
  (c) the batch call, 1,000 rows per call from a NumPy array (a list of tuples where NumPy is not
      installed, as in a fresh venv), against the C++ batch path                                 target >= 0.5

The methods take turns in small chunks (100 durable rows, 10 batches), each on its own fresh file in one
folder, so the drift of a shared machine's fsync times hits them alike; each figure is the median of
--reps repetitions. Then benchstore-speed-recorder --reps 1 runs once as a cross-check of the C++ figures.

  PYTHONPATH=build/python python3 benches/speed/python_speed.py [--reps 5] [--dir DIR] [--program PATH|none]
      [--hooks build/benches/speed/libbenchstore_python_speed_hooks.so]

In a wheel's venv (docs/python-install.md): VENV/bin/python benches/speed/python_speed.py --program none
--hooks build/benches/speed/libbenchstore_python_speed_hooks.so
"""
import argparse
import ctypes
import datetime
import os
import pathlib
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:  # a fresh venv: the batch call takes a list of tuples
    np = None

import benchstore

DURABLE_ROWS = 3000   # as benchstore-speed-recorder
BATCH_ROWS = 200_000
BATCH_SIZE = 1000
DURABLE_CHUNK = 100
BATCH_CHUNK = 10 * BATCH_SIZE


def remove_store(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass


def fresh_recorder(path, what):
    remove_store(path)
    rec = benchstore.create_global_metrics_recorder("acme/widgets", "main", "abc123", "speed", db_path=path)
    return rec, rec.initialise_benchmark({"bench": what})


def fresh_sqlite3(path):
    """Python's own sqlite3 on the table shape of benchstore's store, with the same settings."""
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
    return con


def python_durable(rec, bid, first, rows):
    collect = rec.collect_device_measurements
    start = time.perf_counter()
    for i in range(first, first + rows):
        collect(bid, 12.5 + i, 2048.0)
    return time.perf_counter() - start


def sqlite3_durable(con, first, rows):
    """A row and its UTC timestamp text per transaction."""
    sql = ("INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes,"
           " time) VALUES (1, ?, ?, ?, ?, ?)")
    utc = datetime.timezone.utc
    start = time.perf_counter()
    for i in range(first, first + rows):
        con.execute("BEGIN IMMEDIATE")
        stamp = datetime.datetime.now(utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
        con.execute(sql, (12.5 + i, 2048.0, None, None, stamp))
        con.execute("COMMIT")
    return time.perf_counter() - start


def python_batch(rec, bid, first, rows):
    if np is not None:
        base = np.column_stack([12.5 + np.arange(BATCH_SIZE, dtype=np.float64), np.full(BATCH_SIZE, 2048.0)])
    start = time.perf_counter()
    for i in range(first, first + rows, BATCH_SIZE):
        if np is not None:
            samples = base.copy()
            samples[:, 0] += i  # a new array per call, as a sampler handing over its buffer
        else:
            samples = [(12.5 + i + k, 2048.0) for k in range(BATCH_SIZE)]
        rec.collect_device_measurements_batch(bid, samples)
    return time.perf_counter() - start


class CppRecorder:
    """The C++ recorder's loops (python_speed_hooks.cpp) on a store of their own."""

    def __init__(self, hooks, path):
        remove_store(path)
        self.hooks = hooks
        self.handle = hooks.speed_open(os.fsencode(path))
        if not self.handle:
            raise SystemExit(f"the C++ hooks could not open {path}")

    def durable(self, first, rows):
        return self.checked(self.hooks.speed_durable_loop(self.handle, first, rows))

    def batch(self, first, rows):
        return self.checked(self.hooks.speed_batch_loop(self.handle, first, rows, BATCH_SIZE))

    @staticmethod
    def checked(seconds):
        if seconds < 0:
            raise SystemExit("the C++ loop failed (see the line above)")
        return seconds

    def close(self):
        self.hooks.speed_close(self.handle)


def load_hooks(path):
    hooks = ctypes.CDLL(str(path))
    hooks.speed_open.restype = ctypes.c_void_p
    hooks.speed_open.argtypes = [ctypes.c_char_p]
    hooks.speed_close.argtypes = [ctypes.c_void_p]
    hooks.speed_durable_loop.restype = ctypes.c_double
    hooks.speed_durable_loop.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    hooks.speed_batch_loop.restype = ctypes.c_double
    hooks.speed_batch_loop.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    return hooks


def take_turns(methods, total, chunk):
    """Runs each method on chunk after chunk of rows, rotating who goes first; returns rows/s each."""
    seconds = [0.0] * len(methods)
    for turn, first in enumerate(range(0, total, chunk)):
        for k in range(len(methods)):
            index = (turn + k) % len(methods)
            seconds[index] += methods[index](first, min(chunk, total - first))
    return [total / s for s in seconds]


def durable_rep(folder, hooks):
    py_rec, py_id = fresh_recorder(folder / "python.db", "durable")
    cpp_rec = CppRecorder(hooks, folder / "cpp.db")
    con = fresh_sqlite3(folder / "sqlite3.db")
    rates = take_turns([lambda f, n: python_durable(py_rec, py_id, f, n), cpp_rec.durable,
                        lambda f, n: sqlite3_durable(con, f, n)], DURABLE_ROWS, DURABLE_CHUNK)
    py_rec.close()
    cpp_rec.close()
    con.close()
    return rates


def batch_rep(folder, hooks):
    py_rec, py_id = fresh_recorder(folder / "python.db", "batched")
    cpp_rec = CppRecorder(hooks, folder / "cpp.db")
    rates = take_turns([lambda f, n: python_batch(py_rec, py_id, f, n), cpp_rec.batch], BATCH_ROWS, BATCH_CHUNK)
    py_rec.close()
    cpp_rec.close()
    return rates


def program_figures(program, folder):
    """One repetition of benchstore-speed-recorder: its durable (a) and batch (b) recorder rates."""
    out = subprocess.run([str(program), "--reps", "1", "--dir", str(folder)], check=True, capture_output=True,
                         text=True).stdout
    durable = re.search(r"^\(a\).*?recorder\s+(\d+) rows/s", out, re.M)
    batch = re.search(r"^\(b\).*?recorder\s+(\d+) rows/s", out, re.M)
    if not durable or not batch:
        raise SystemExit(f"cannot read the C++ figures from {program}:\n{out}")
    return float(durable.group(1)), float(batch.group(1))


def main():
    build_speed = pathlib.Path(benchstore.__file__).resolve().parents[2] / "benches/speed"
    default_program = build_speed / "benchstore-speed-recorder"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--dir", default="", help="folder for the store files (default: a new one in /tmp)")
    p.add_argument("--program", default=str(default_program),
                   help="benchstore-speed-recorder, run once as a cross-check ('none' to skip)")
    p.add_argument("--hooks", default=str(build_speed / "libbenchstore_python_speed_hooks.so"),
                   help="the C++ loops' library (benches/speed/python_speed_hooks.cpp, built with the speed programs)")
    args = p.parse_args()
    hooks = load_hooks(args.hooks)
    folder = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="benchstore-python-speed-"))
    folder.mkdir(parents=True, exist_ok=True)

    durable = [durable_rep(folder, hooks) for _ in range(args.reps)]
    batch = [batch_rep(folder, hooks) for _ in range(args.reps)]
    program = None if args.program == "none" else program_figures(args.program, folder)
    for name in ("python.db", "cpp.db", "sqlite3.db"):
        remove_store(folder / name)
    if not args.dir:
        shutil.rmtree(folder, ignore_errors=True)

    def med(reps, k):
        return statistics.median(r[k] for r in reps)

    # Ratios are medians of the per-repetition ratios: each repetition's methods met the same disk.
    def ratio(reps, a, b):
        return statistics.median(r[a] / r[b] for r in reps)

    print(f"benchstore {benchstore.__version__} Python package speed, Python {sys.version.split()[0]} "
          f"({sys.executable}), {'NumPy array' if np is not None else 'list of tuples (no NumPy)'} batches, "
          f"{args.reps} repetitions, medians, files in {folder}")
    print(f"(a) durable, 1 row per call : Python {med(durable, 0):9.0f} rows/s   C++ recorder {med(durable, 1):9.0f} rows/s"
          f"   ratio {ratio(durable, 0, 1):.2f} (target >= 0.80)")
    print(f"(b) durable, 1 row per call : Python {med(durable, 0):9.0f} rows/s   Python sqlite3 loop "
          f"{med(durable, 2):9.0f} rows/s   ratio {ratio(durable, 0, 2):.2f}")
    print(f"(c) batch, 1,000 rows/call  : Python {med(batch, 0):9.0f} rows/s   C++ batch {med(batch, 1):9.0f} rows/s"
          f"   ratio {ratio(batch, 0, 1):.2f} (target >= 0.50)")
    if program:
        print(f"cross-check, {pathlib.Path(args.program).name} --reps 1 afterwards: durable {program[0]:.0f} rows/s, "
              f"batch {program[1]:.0f} rows/s")


if __name__ == "__main__":
    main()
