# A real pytest-benchmark session for import_test. BENCHSTORE_TEST_SLOWDOWN (default 1) multiplies the
# work of every round: the planted slowdown. The test runs it with --benchmark-timer=time.process_time,
# so a busy test machine does not move the times; pedantic mode fixes the number of rounds.
import os

import pytest

SLOWDOWN = float(os.environ.get("BENCHSTORE_TEST_SLOWDOWN", "1"))


def work(n):
    total = 0
    for i in range(int(n * SLOWDOWN)):
        total += i * i
    return total


@pytest.mark.parametrize("size", [1, 2])
def test_work(benchmark, size):
    benchmark.group = "loops"
    benchmark.extra_info["kind"] = "sum of squares"
    benchmark.pedantic(work, args=(20000 * size,), rounds=12, iterations=1)
