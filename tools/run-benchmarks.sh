#!/usr/bin/env bash
# Quick start, the main job: installs the dependencies, builds, runs every bundled benchmark module into
# benchmarks.db, then exports the four CSV files and the summary into benchmark_results/.
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

status=0
# "--" keeps a commit message that starts with "-" an argument, not an option.
"$root/build/apps/benchstore-run" --db benchmarks.db -- "$repository" "$branch" "$commit_id" "$commit_msg" || status=$?
"$root/build/tools/benchstore-export" --db benchmarks.db --out benchmark_results
exit $status
