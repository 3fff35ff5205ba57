#!/usr/bin/python3
"""Independent check of a benchstore export, with pandas (Debian's python3-pandas).

usage: export_check.py STORE.db BENCHMARKS.csv DEVICE.csv MODEL.csv SUMMARY.csv

1. The raw files against the store itself (read with Python's sqlite3 module): every text field
   equal after pandas' read_csv (RFC 4180 quoting round trip), every number equal as a double.
2. The summary against what pandas computes from the raw files, as the seed's _create_summary
   does (merge benchmarks with model rows, groupby device aggregates mean/max/std/count), without
   the seed's round(3): same columns in the same order, same rows, numbers equal to a relative 1e-12.
3. The columns benchstore adds: status and status_reason last in the benchmarks and summary files
   (equal to the store's), and metric headers unique by the documented rule (metric_header below,
   written independently of the C++ code): pandas reads every column under the header it was written with.
Exits 0 when everything matches, 1 with one line per mismatch otherwise.
"""
import json
import math
import sqlite3
import sys

import pandas as pd

BENCH_COLS = ["benchmark_id", "repository", "branch", "commit_id", "commit_message", "metadata", "created_at"]
# The benchmarks file carries the host after the seed's columns (the summary does not).
HOST_COLS = ["host", "host_info"]
DEVICE_COLS = ["cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"]
STAT_COLS = []
for _c in DEVICE_COLS:
    STAT_COLS += [f"{_c}_mean", f"{_c}_max", f"{_c}_std"]
    if _c == "cpu_util":
        STAT_COLS.append("device_measurement_count")
STATUS_COLS = ["status", "status_reason"]
REL = 1e-12
FIXED = set(BENCH_COLS + STATUS_COLS + STAT_COLS + ["time"])

errors = []


def fail(msg):
    errors.append(msg)


def same_number(a, b, rel=0.0):
    a_nan = a is None or (isinstance(a, float) and math.isnan(a))
    b_nan = b is None or (isinstance(b, float) and math.isnan(b))
    if a_nan or b_nan:
        return a_nan and b_nan
    a, b = float(a), float(b)
    if a == b:
        return True
    return abs(a - b) <= rel * max(abs(a), abs(b))


def metric_headers(names):
    """export.hpp's rule: the name, unless it is a fixed column or an earlier header; then 'model.'
    before it until it is neither."""
    taken, headers = set(FIXED), []
    for name in names:
        header = name
        while header in taken:
            header = "model." + header
        taken.add(header)
        headers.append(header)
    return headers


def read_text(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def read_numbers(path):
    return pd.read_csv(path, float_precision="round_trip", dtype={"benchmark_id": str, "time": str})


def check_raw(db, bench_csv, device_csv, model_csv):
    bench = read_text(bench_csv)
    if list(bench.columns) != BENCH_COLS + HOST_COLS + STATUS_COLS:
        fail(f"benchmarks columns {list(bench.columns)}")
    ids = list(bench["benchmark_id"])
    has_host_info = any(r[1] == "host_info" for r in db.execute("PRAGMA table_info(benchmarks)"))
    stored_cols = BENCH_COLS + ["host", "coalesce(host_info, '')" if has_host_info else "''", "status",
                               "coalesce(status_reason, '')"]
    for _, row in bench.iterrows():
        stored = db.execute(f"SELECT {', '.join(stored_cols)} FROM benchmarks WHERE benchmark_id = ?",
                            (row["benchmark_id"],)).fetchone()
        if stored is None:
            fail(f"benchmark {row['benchmark_id']} not in store")
            continue
        for col, value in zip(BENCH_COLS + HOST_COLS + STATUS_COLS, stored):
            if row[col] != value:
                fail(f"benchmarks {row['benchmark_id']} {col}: csv {row[col]!r} != store {value!r}")
    marks = ",".join("?" * len(ids))
    device = read_numbers(device_csv)
    if list(device.columns) != ["benchmark_id"] + DEVICE_COLS + ["time"]:
        fail(f"device columns {list(device.columns)}")
    stored = db.execute(f"SELECT b.benchmark_id, d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time "
                        f"FROM device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref "
                        f"WHERE b.benchmark_id IN ({marks}) ORDER BY d.id", ids).fetchall()
    if len(stored) != len(device):
        fail(f"device rows: csv {len(device)} != store {len(stored)}")
    else:
        for i, (row, st) in enumerate(zip(device.itertuples(index=False), stored)):
            if row[0] != st[0] or row[5] != st[5]:
                fail(f"device row {i}: id/time {row[0]},{row[5]} != {st[0]},{st[5]}")
            for k in range(1, 5):
                if not same_number(row[k], st[k]):
                    fail(f"device row {i} {DEVICE_COLS[k - 1]}: csv {row[k]!r} != store {st[k]!r}")
    model = read_numbers(model_csv)
    stored = db.execute(f"SELECT b.benchmark_id, m.time, m.measurements FROM model_measurements m "
                        f"JOIN benchmarks b ON b.id = m.benchmark_ref WHERE b.benchmark_id IN ({marks}) "
                        f"ORDER BY m.id", ids).fetchall()
    names = []
    for _, _, text in stored:
        for name in json.loads(text):
            if name not in names:
                names.append(name)
    headers = metric_headers(names)
    if list(model.columns) != ["benchmark_id", "time"] + headers:
        fail(f"model columns {list(model.columns)} != {['benchmark_id', 'time'] + headers}")
    elif len(stored) != len(model):
        fail(f"model rows: csv {len(model)} != store {len(stored)}")
    else:
        for i, (st, (_, row)) in enumerate(zip(stored, model.iterrows())):
            values = json.loads(st[2])
            if row["benchmark_id"] != st[0] or row["time"] != st[1]:
                fail(f"model row {i}: id/time differ")
            for name, header in zip(names, headers):
                if not same_number(row[header], values.get(name)):
                    fail(f"model row {i} {name!r}: csv {row[header]!r} != store {values.get(name)!r}")
    return headers


def recompute_summary(bench_csv, device_csv, model_csv):
    """The seed's _create_summary, without round(3); count 0 where a benchmark has no device rows."""
    summary = read_text(bench_csv).drop(columns=HOST_COLS)
    model = read_numbers(model_csv)
    summary = summary.merge(model.drop(columns=["time"]), on="benchmark_id", how="left")
    device = read_numbers(device_csv)
    if len(device) > 0:
        agg = device.groupby("benchmark_id").agg({
            "cpu_util": ["mean", "max", "std", "count"],
            "mem_megabytes": ["mean", "max", "std"],
            "gpu_util": ["mean", "max", "std"],
            "gpu_mem_megabytes": ["mean", "max", "std"],
        })
        agg.columns = [f"{a}_{b}" for a, b in agg.columns]
        agg = agg.reset_index().rename(columns={"cpu_util_count": "device_measurement_count"})
        summary = summary.merge(agg, on="benchmark_id", how="left")
    else:
        for col in STAT_COLS:
            summary[col] = float("nan")
    summary["device_measurement_count"] = summary["device_measurement_count"].fillna(0)
    return summary


def check_summary(bench_csv, device_csv, model_csv, summary_csv, names):
    expected = recompute_summary(bench_csv, device_csv, model_csv)
    text = read_text(summary_csv)
    got = read_numbers(summary_csv)
    want_cols = BENCH_COLS + names + STAT_COLS + STATUS_COLS
    if list(got.columns) != want_cols:
        fail(f"summary columns {list(got.columns)} != {want_cols}")
        return 0
    # The seed's merge puts the benchmarks file's trailing status columns right after its own
    # columns; benchstore writes them last, after the statistics.
    if sorted(expected.columns) == sorted(want_cols):
        expected = expected[want_cols]
    if list(expected.columns) != want_cols:
        fail(f"pandas summary columns {list(expected.columns)} != {want_cols}")
        return 0
    if len(got) != len(expected):
        fail(f"summary rows: {len(got)} != pandas {len(expected)}")
        return 0
    compared = 0
    for i in range(len(got)):
        for col in BENCH_COLS + STATUS_COLS:
            if text[col][i] != expected[col][i]:
                fail(f"summary row {i} {col}: {text[col][i]!r} != {expected[col][i]!r}")
        for col in names + STAT_COLS:
            compared += 1
            if not same_number(got[col][i], expected[col][i], REL):
                fail(f"summary row {i} {col}: {got[col][i]!r} != pandas {expected[col][i]!r}")
    return compared


def main(argv):
    if len(argv) != 6:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    db_path, bench_csv, device_csv, model_csv, summary_csv = argv[1:]
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    names = check_raw(db, bench_csv, device_csv, model_csv)
    compared = check_summary(bench_csv, device_csv, model_csv, summary_csv, names)
    for e in errors[:50]:
        print(e)
    if errors:
        print(f"FAILED: {len(errors)} mismatches")
        return 1
    print(f"ok: {compared} summary values equal pandas to {REL}; raw files equal the store")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
