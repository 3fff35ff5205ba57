#!/usr/bin/env bash
# Installs what benchstore needs on Debian 12, all from Debian's own packages:
#   build:  g++ cmake, SQLiteCpp + SQLite, libpq, cxxopts, Howard Hinnant's date, Boost.Test
#   python: python3-dev, pybind11-dev (the benchstore Python package), python3-numpy (the bundled
#           Python benchmark module and the batch call)
#   tests:  PostgreSQL 15 server (started by the tests themselves), sqlite3 CLI, python3-pandas
#           (the export tests check the CSV files the way pandas users read them), python3-pytest,
#           python3-scipy (the statistics tests check p-values against SciPy's)
#   report: libjs-chart.js (Chart.js, embedded into benchstore-report's pages at build time); its
#           tests render pages in headless chromium and read its PNG screenshots with zlib
#   .deb:   dpkg-dev (dpkg-shlibdeps computes its Depends) and file, which cpack runs
#           (tools/package.sh and the packaging tests)
#   import: nlohmann-json3-dev (the one JSON library), libbenchmark-dev and python3-pytest-benchmark
#           (real result files for the import tests)
#   compare: libre2-dev (RE2: user-given patterns, --higher-is-better and --threshold REGEX=PCT, match
#           in linear time; std::regex backtracks and can run for hours)
#   wheel:  python3-venv, python3-pip, python3-setuptools, python3-wheel (pip install . offline through
#           setuptools, the wheel tests' venvs), python3-mypy (the typing test's mypy --strict)
# Runs apt-get through sudo when not root. Installs only what is missing. PostgreSQL is asked for by what
# the tools run, not by metapackage: a server (any version's bin/postgres under /usr/lib/postgresql) and
# psql; whichever version is installed will do. When installing something missing makes apt upgrade an
# installed package (a machine a point release behind), it says which and goes on;
# BENCHSTORE_REFUSE_UPGRADES=yes makes it stop there instead, changing nothing.
# Another apt holding the lock (unattended upgrades on a new machine) is waited for, up to
# LOCK_WAIT seconds (default 900).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libsqlitecpp-dev libsqlite3-dev sqlite3
  libpq-dev libcxxopts-dev libhowardhinnant-date-dev libboost-test-dev
  python3 python3-pandas python3-scipy time
  dpkg-dev file
  python3-dev pybind11-dev python3-numpy python3-pytest
  libjs-chart.js chromium zlib1g-dev
  nlohmann-json3-dev libre2-dev libbenchmark-dev python3-pytest-benchmark
  python3-venv python3-pip python3-setuptools python3-wheel python3-mypy
)
# The PostgreSQL tests run a server binary and psql, of whichever version is installed.
compgen -G '/usr/lib/postgresql/*/bin/postgres' > /dev/null || packages+=(postgresql)
command -v psql > /dev/null || packages+=(postgresql-client)
lock_wait=${LOCK_WAIT:-900}
lock_poll=${LOCK_POLL:-5}

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
export DEBIAN_FRONTEND=noninteractive

# DPkg::Lock::Timeout makes apt-get wait for dpkg's lock; the package lists' lock (apt-get update) is
# not covered by it on every apt, so any "Could not get lock" is waited out here too.
apt_get() {
  local waited=0 out rc
  while :; do
    rc=0
    out=$("${sudo[@]}" apt-get -o DPkg::Lock::Timeout="$lock_wait" "$@" 2>&1) || rc=$?
    if [ $rc -eq 0 ]; then
      printf '%s\n' "$out"
      return 0
    fi
    if grep -q 'Could not get lock' <<<"$out" && awk -v w="$waited" -v m="$lock_wait" 'BEGIN { exit !(w < m) }'; then
      [ "$waited" = 0 ] && echo "install-deps: another apt or dpkg holds the lock; waiting (up to $lock_wait s)" >&2
      sleep "$lock_poll"
      waited=$(awk -v w="$waited" -v p="$lock_poll" 'BEGIN { print w + p }')
      continue
    fi
    printf '%s\n' "$out" >&2
    return $rc
  done
}

echo "install-deps: installing ${missing[*]}"
apt_get update -q > /dev/null
# "Inst NAME [OLD VERSION] (NEW ...)": an installed package apt would upgrade on the way.
upgrades=$(apt_get install -s -q --no-install-recommends --no-upgrade "${missing[@]}" |
           awk '/^Inst [^ ]+ \[/ { printf "%s%s", sep, $2; sep = " " }')
if [ -n "$upgrades" ]; then
  if [ "${BENCHSTORE_REFUSE_UPGRADES:-no}" = yes ]; then
    echo "install-deps: error: installing ${missing[*]} would upgrade installed packages ($upgrades); nothing" \
         "was changed (BENCHSTORE_REFUSE_UPGRADES=yes). Upgrade those yourself first, or run without it" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]} also upgrades $upgrades (apt needs their newer versions)"
fi
apt_get install -y -q --no-install-recommends --no-upgrade "${missing[@]}"
