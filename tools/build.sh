#!/usr/bin/env bash
# Configures and builds benchstore into build/ (Release, 2 parallel jobs by default: JOBS=N to change).
#   tools/build.sh [CMAKE_OPTION...]    e.g. -DBENCHSTORE_BUILD_TESTS=OFF (README, "Build options")
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "${JOBS:-2}"
