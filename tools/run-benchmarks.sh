#!/usr/bin/env bash
# Quick start, the main job: installs the dependencies, builds, runs every bundled benchmark module into
# benchmarks.db, and exports this run's benchmarks (not the whole store) as the four CSV files into
# benchmark_results/, so the files match the counts the run prints.
#
#   tools/run-benchmarks.sh [REPOSITORY BRANCH COMMIT_ID COMMIT_MSG]
#
# Without arguments it describes this checkout (git remote/branch/commit), like a CI job would.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
# Only what this job runs: the library, the three programs and the bundled modules (no tests, no
# speed programs).
"$root/tools/build.sh" -DBENCHSTORE_BUILD_TESTS=OFF -DBENCHSTORE_BUILD_BENCHES=OFF

if [ $# -ge 4 ]; then
  repository=$1 branch=$2 commit_id=$3 commit_msg=$4
else
  repository=benchstore
  branch=$(git -C "$root" rev-parse --abbrev-ref HEAD 2>/dev/null || echo main)
  commit_id=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
  commit_msg=$(git -C "$root" log -1 --format=%s 2>/dev/null || echo "local build")
fi

# "--" keeps a commit message that starts with "-" an argument, not an option. --csv exports this run.
exec "$root/build/apps/benchstore-run" --db benchmarks.db --csv --csv-output-dir benchmark_results \
    -- "$repository" "$branch" "$commit_id" "$commit_msg"
