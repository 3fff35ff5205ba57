#!/usr/bin/env bash
# Quick start, the tests: installs the dependencies, builds, and runs every test through ctest.
#   tools/test.sh [CTEST_ARGS...]     e.g. -L unit (the fast subset), -R store_test
# The PostgreSQL tests start their own throwaway server (as the postgres user when run as root).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
"$root/tools/build.sh" -DBENCHSTORE_BUILD_TESTS=ON -DBENCHSTORE_BUILD_BENCHES=ON
cd "$root/build"
# Several jobs at once (BENCHSTORE_TEST_JOBS, default 4): the unit tests are mostly waiting on fsync and
# child processes, so they overlap well even on 2 cores; the tests that start a server, a browser or an
# install run alone (RUN_SERIAL, tests/CMakeLists.txt). Arguments go to ctest after these, so -j1 wins.
ctest --output-on-failure --timeout 900 -j "${BENCHSTORE_TEST_JOBS:-4}" "$@"
