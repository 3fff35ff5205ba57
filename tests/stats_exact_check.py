#!/usr/bin/python3
"""The export's summary statistics against exact rational arithmetic, and pandas against the same.

usage: stats_exact_check.py STORE.db SUMMARY.csv [--report]

For every benchmark and device column of the summary file, computes from the store (Python's sqlite3
module) the exact mean and sample standard deviation in rational arithmetic (integers over a common
power of two; the std's square root to 1100 fraction bits, then rounded once), and compares the exported figures with
them. The guarantee docs/export.md states, and what this checks:
  - mean: the exact mean rounded to a double, within one unit in the last place;
  - std:  within a relative 1e-14 of the exact sample standard deviation (n-1);
  - max:  exactly the largest value.
With --report it also prints pandas' worst relative error on the same data (pandas' groupby std is a
one-pass update that loses digits on ill-conditioned data), for docs/export.md's claim.
Exits 0 when every figure is within its bound, 1 with one line per miss otherwise.
"""
import csv
import math
import sqlite3
import sys
from fractions import Fraction

COLS = ["cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"]
STD_REL = 1e-14


def exact_sqrt(q):
    """sqrt of a non-negative Fraction, correctly rounded to a double (via a 2*1100-bit integer root)."""
    if q == 0:
        return 0.0
    shift = 1100
    root = math.isqrt(q.numerator * (1 << (2 * shift)) // q.denominator)
    return float(Fraction(root, 1 << shift))


def exact_stats(values):
    """Exact mean and sample std of doubles. Every double is an integer over a power of two, so with
    one common power 2^E the sums are integers: sum((x - mean)^2) = (n*sum(X^2) - sum(X)^2) / (n*4^E)."""
    fractions = [Fraction(v) for v in values]
    e = max(f.denominator for f in fractions).bit_length() - 1
    ints = [f.numerator * ((1 << e) // f.denominator) for f in fractions]
    n, s1, s2 = len(ints), sum(ints), sum(i * i for i in ints)
    mean = float(Fraction(s1, n << e))
    std = exact_sqrt(Fraction(n * s2 - s1 * s1, n * (n - 1) << (2 * e))) if n > 1 else None
    return mean, std, max(values)


def ulps_apart(a, b):
    if a == b:
        return 0
    return abs(a - b) / math.ulp(max(abs(a), abs(b)))


def main():
    db_path, summary_path = sys.argv[1], sys.argv[2]
    report = "--report" in sys.argv[3:]
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    with open(summary_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    errors, checked, seen = [], 0, set()
    worst_pandas = 0.0
    for row in rows:
        bid = row["benchmark_id"]
        if bid in seen:
            continue
        seen.add(bid)
        for col in COLS:
            values = [v for (v,) in db.execute(
                f"SELECT d.{col} FROM device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref "
                f"WHERE b.benchmark_id = ? AND d.{col} IS NOT NULL ORDER BY d.id", (bid,))]
            if not values:
                continue
            mean, std, mx = exact_stats(values)
            got_mean, got_max = float(row[f"{col}_mean"]), float(row[f"{col}_max"])
            if ulps_apart(got_mean, mean) > 1:
                errors.append(f"{bid} {col}_mean {got_mean!r} is {ulps_apart(got_mean, mean)} ulp from exact {mean!r}")
            if got_max != mx:
                errors.append(f"{bid} {col}_max {got_max!r} != {mx!r}")
            if std is not None:
                got_std = float(row[f"{col}_std"])
                rel = abs(got_std - std) / std if std else abs(got_std)
                if rel > STD_REL:
                    errors.append(f"{bid} {col}_std {got_std!r} off exact {std!r} by relative {rel:.3g}")
                if report:
                    import pandas as pd
                    p = pd.DataFrame({"g": [0] * len(values), "x": values}).groupby("g")["x"].std().iloc[0]
                    worst_pandas = max(worst_pandas, abs(p - std) / std if std else abs(p))
            checked += 1
    if report:
        print(f"checked {checked} columns; pandas groupby std worst relative error {worst_pandas:.3g}")
    for e in errors:
        print(e)
    return 1 if errors or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
