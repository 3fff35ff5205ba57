#!/usr/bin/python3
"""Reference values for tests/stats_test.cpp, computed by SciPy and numpy.

Writes one case per line to the file named by argv[1]:
  mwu P U1 N1 x... N2 y...      scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
  median M N v...               numpy.median(v)
  bh N p... adjusted...         Benjamini-Hochberg adjusted p-values (numpy, the textbook definition)
Numbers are written with repr(), which reads back to the same double.
Samples cover sizes 1 to 200 on both sides, with and without ties, so both the exact and the
asymptotic branches of method="auto" are exercised.
"""
import sys

import numpy as np
from scipy import stats

rng = np.random.default_rng(20251130)


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def sample(n, ties):
    if ties:
        # few distinct values: ties everywhere, at every size
        return rng.integers(0, max(2, n // 3), size=n).astype(float) * 0.25 + 10.0
    return rng.normal(100.0, 15.0, size=n)


def sizes():
    small = list(range(1, 13))
    for a in small:
        for b in small:
            yield a, b
    for a in (1, 2, 3, 5, 7, 8, 9):
        for b in (20, 50, 100, 150, 200):
            yield a, b
            yield b, a
    for _ in range(150):
        yield int(rng.integers(1, 201)), int(rng.integers(1, 201))
    yield 200, 200


def bh(p):
    p = np.asarray(p)
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def main():
    lines = []
    for n1, n2 in sizes():
        for ties in (False, True):
            x, y = sample(n1, ties), sample(n2, ties)
            if ties is False and rng.random() < 0.3:
                y = y * 1.1  # a shifted second sample: small p-values too
            res = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
            lines.append(f"mwu {float(res.pvalue)!r} {float(res.statistic)!r} {n1} {fmt(x)} {n2} {fmt(y)}")
    for n in (1, 2, 3, 4, 5, 10, 11, 200):
        v = rng.normal(50.0, 5.0, size=n)
        lines.append(f"median {float(np.median(v))!r} {n} {fmt(v)}")
    for m in (1, 2, 5, 20, 100):
        p = rng.random(m) ** 3
        lines.append(f"bh {m} {fmt(p)} {fmt(bh(p))}")
    with open(sys.argv[1], "w") as out:
        out.write("\n".join(lines) + "\n")


main()
