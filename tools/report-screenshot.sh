#!/usr/bin/env bash
# Makes the screenshot of a real report in docs/report.md: runs the bundled benchmarks (as the quick start
# does) for two commits into a temporary store, writes its report with benchstore-report, and takes
# a screenshot of the whole page with headless Chromium (network off: every host name resolves to
# nothing), laid out 1280 pixels wide and scaled by 0.7 so the PNG stays small and fits a page.
#   tools/report-screenshot.sh [OUT.png]     (default docs/report.png)
# Needs a build (tools/build.sh) and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/report.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for commit in "1a2b3c4d5e6f Baseline" "7f8e9d0c1b2a Faster sort"; do
  build/apps/benchstore-run acme/widgets main "${commit%% *}" "${commit#* }" --db "$work/benchmarks.db" >/dev/null
done
build/tools/benchstore-report --db "$work/benchmarks.db" --out "$work/report.html"
browse() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$work/profile" --virtual-time-budget=20000 "$@" \
    "file://$work/report.html" 2>/dev/null
}
# The page records its own height once its charts are drawn.
height=$(browse --window-size=1280,1000 --dump-dom | grep -o 'data-page-height="[0-9]*"' | grep -o '[0-9]*')
mkdir -p "$(dirname "$out")"
browse --force-device-scale-factor=0.7 --window-size=1280,"$height" --screenshot="$(realpath -m "$out")"
echo "wrote $out (page height $height CSS pixels)"
