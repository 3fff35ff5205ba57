#!/usr/bin/env bash
# Installs what benchstore needs on Debian 12, all from Debian's own packages:
#   build:  g++ cmake, SQLiteCpp + SQLite, libpq, cxxopts, Howard Hinnant's date, Boost.Test
#           libjs-chart.js (Chart.js, embedded into benchstore-report's pages at build time)
#   tests:  PostgreSQL 15 server (started by the tests themselves), sqlite3 CLI, python3-pandas
#           (the export tests check the CSV files the way pandas users read them), python3-scipy
#           (the statistics tests check p-values against SciPy's), chromium and zlib (the report
#           tests render pages in headless Chromium and read its PNG screenshots)
# Runs apt-get through sudo when not root. Safe to run again: apt-get skips what is installed.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libsqlitecpp-dev libsqlite3-dev sqlite3
  libpq-dev libcxxopts-dev libhowardhinnant-date-dev libboost-test-dev
  postgresql postgresql-client python3 python3-pandas python3-scipy time
  libjs-chart.js chromium zlib1g-dev
)

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
