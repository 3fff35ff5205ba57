#!/usr/bin/env bash
# Quick start, the tests: installs the dependencies, builds, and runs every test through ctest.
# The PostgreSQL tests start their own throwaway server (as the postgres user when run as root).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
"$root/tools/build.sh" -DBENCHSTORE_BUILD_TESTS=ON -DBENCHSTORE_BUILD_BENCHES=ON
cd "$root/build"
ctest --output-on-failure --timeout 900 "$@"
