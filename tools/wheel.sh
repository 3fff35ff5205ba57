#!/usr/bin/env bash
# Builds benchstore's wheel for one interpreter, offline, with the project's own CMake:
#   tools/wheel.sh [PYTHON]            benchstore-VERSION-cpXY-cpXY-linux_x86_64.whl into $WHEEL_DIR (default dist/)
#   tools/wheel.sh --sdist [PYTHON]    benchstore-VERSION.tar.gz, what a build needs and nothing else
# PYTHON defaults to Debian's python3; a pyenv or conda interpreter works as well (it needs its own
# headers, which those installs have, and Debian's pybind11-dev). The work is tools/wheel_build.py's.
# Environment: WHEEL_DIR (output), WHEEL_BUILD_DIR (CMake build folders, default build-wheel-cpXY here),
# BENCHSTORE_WHEEL_LIBRARY (a build's lib/libbenchstore_internal.a to link instead of compiling the library).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sdist=()
if [ "${1:-}" = --sdist ]; then sdist=(--sdist); shift; fi
python=${1:-/usr/bin/python3}  # Debian's, not whichever python3 comes first on PATH
if ! command -v "$python" > /dev/null; then
    echo "wheel.sh: error: no interpreter '$python'" >&2
    exit 2
fi
exec "$python" "$root/tools/wheel_build.py" --out "${WHEEL_DIR:-$root/dist}" "${sdist[@]}"
