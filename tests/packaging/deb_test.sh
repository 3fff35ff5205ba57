#!/usr/bin/env bash
# The Debian package: cpack builds benchstore_<version>_amd64.deb; its control data names only runtime
# packages in Depends (computed by dpkg-shlibdeps); it holds the programs, the library with its SONAME,
# headers, CMake and pkg-config files and the bundled modules; and the programs, unpacked with
# dpkg-deb -x into a scratch root, run from there: --version, a benchmark run with the packaged
# modules, an export, and a sync into a throwaway PostgreSQL.
#   deb_test.sh BUILD_DIR SOURCE_DIR VERSION SONAME
source "$(dirname "$0")/checks.sh"
build=${1:?build dir}
source_dir=${2:?source dir}
version=${3:?version}
soname=${4:?soname}

(cd "$build" && run_ok cpack cpack -G DEB -B "$scratch/package") > /dev/null
deb=$scratch/package/benchstore_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb; cpack wrote: $(ls "$scratch/package")"

info=$(dpkg-deb --info "$deb")
expect_contains "$info" "Package: benchstore" "control"
expect_contains "$info" "Version: $version" "control"
expect_contains "$info" "Architecture: amd64" "control"
depends=$(dpkg-deb --field "$deb" Depends)
for runtime in libc6 libstdc++6 libsqlite3-0 libpq5; do
    expect_contains "$depends" "$runtime (>=" "Depends"
done
for name in $(printf '%s\n' "$depends" | tr ',|' '\n\n' | awk '{print $1}'); do
    case "$name" in
    *-dev | g++* | gcc | gcc-[0-9]* | cpp* | cmake* | make | libsqlitecpp* | libboost*)
        fail "Depends names $name, a build-time package: $depends" ;;
    esac
done

contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/benchstore-run ./usr/bin/benchstore-export ./usr/bin/benchstore-sync \
            ./usr/bin/benchstore-compare ./usr/bin/benchstore-report \
            "./usr/lib/libbenchstore.so.$version" "./usr/lib/$soname -> libbenchstore.so.$version" \
            "./usr/lib/libbenchstore.so -> $soname" \
            ./usr/include/benchstore/metrics_recorder.hpp ./usr/include/benchstore/version.hpp \
            ./usr/lib/cmake/benchstore/benchstoreConfig.cmake ./usr/lib/cmake/benchstore/benchstoreConfigVersion.cmake \
            ./usr/lib/cmake/benchstore/benchstoreTargets.cmake ./usr/lib/pkgconfig/benchstore.pc \
            ./usr/lib/benchstore/benches/mock_benchmark.so ./usr/lib/benchstore/benches/matmul_benchmark.so \
            ./usr/lib/benchstore/benches/sort_benchmark.so ./usr/share/benchstore/grafana-dashboard.json; do
    expect_contains "$contents" "$path" "package contents"
done

# Built with the Python package: it, and the bundled Python module beside the C++ ones, are in the
# package, and the interpreter it was built for is recommended.
if grep -q '^BENCHSTORE_BUILD_PYTHON:BOOL=ON' "$build/CMakeCache.txt"; then
    expect_contains "$contents" "/dist-packages/benchstore/__init__.py" "package contents"
    expect_contains "$contents" "/dist-packages/benchstore/_core.cpython-" "package contents"
    expect_contains "$contents" "./usr/lib/benchstore/benches/numpy_benchmark.py" "package contents"
    expect_contains "$(dpkg-deb --field "$deb" Recommends)" "python3 (>= 3." "Recommends"
fi

root=$scratch/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin
for program in benchstore-run benchstore-export benchstore-sync benchstore-compare benchstore-report; do
    [ "$(run_ok "$program --version" "$bin/$program" --version)" = "$program $version" ] ||
        fail "$program --version: $("$bin/$program" --version)"
    loaded=$(ldd "$bin/$program" | awk '/libbenchstore/ {print $3}')
    [ "$(realpath "$loaded")" = "$(realpath "$root/usr/lib/$soname")" ] ||
        fail "unpacked $program runs with $loaded, not the packaged library"
done

mkdir "$scratch/work"
cd "$scratch/work"
# The build tree's modules exist here too: --help shows the runner defaults to the packaged ones.
expect_contains "$("$bin/benchstore-run" --help | tr -d ' \n')" "(default:$root/usr/lib/benchstore/benches)" \
    "unpacked benchstore-run's default --benches"
out=$(BENCHSTORE_SORT_N=1000 run_ok "unpacked benchstore-run" "$bin/benchstore-run" --only sort_benchmark \
      acme/widgets main abc123 "Fix things")
expect_contains "$out" "1 completed, 0 failed" "unpacked benchstore-run"
out=$(run_ok "unpacked benchstore-export" "$bin/benchstore-export" --db benchmarks.db --out results)
expect_contains "$out" "(1 row)" "unpacked benchstore-export"

chmod 755 "$scratch"  # the throwaway server runs as the postgres user when this runs as root
conninfo=$("$source_dir/tools/pg-test-server.sh" start "$scratch/pg")
cleanups+=("'$source_dir/tools/pg-test-server.sh' stop '$scratch/pg'")
out=$(run_ok "unpacked benchstore-sync" "$bin/benchstore-sync" --db benchmarks.db --dsn "$conninfo dbname=postgres")
on_server=$(psql "$conninfo dbname=postgres" -Atc "SELECT count(*) FROM benchmarks WHERE repository = 'acme/widgets'")
[ "$on_server" = 1 ] || fail "after the sync the server holds $on_server benchmarks, not 1:
$out"

# As a new user would: apt install the package, run every bundled module (the Python one too, which
# imports the packaged benchstore), apt remove it, and find nothing of it left on the disk (no
# __pycache__ beside the packaged Python files). This changes the machine, so it runs only as root, only
# where benchstore is not installed already (a user's own install is left alone), and one test at a time.
system_install_check() {
    if [ "$(id -u)" != 0 ]; then
        echo "skipped: the install-run-remove check needs root (apt install)"
        return
    fi
    if dpkg-query -W -f '${Status}' benchstore 2>/dev/null | grep -q "ok installed"; then
        echo "skipped: the install-run-remove check: benchstore is installed on this machine already"
        return
    fi
    local apt=(apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends)
    run_ok "apt-get install $deb" "${apt[@]}" install "$deb" > /dev/null
    cleanups+=("${apt[*]} purge benchstore > /dev/null 2>&1")
    local files
    files=$(dpkg -L benchstore)
    mkdir "$scratch/installed"
    # A new user's shell writes byte-code (the test runners here may have turned it off).
    local as_user=(env -u PYTHONDONTWRITEBYTECODE)
    out=$(cd "$scratch/installed" &&
          BENCHSTORE_SORT_N=1000 BENCHSTORE_MATMUL_N=16 BENCHSTORE_MOCK_SECONDS=0.2 BENCHSTORE_NUMPY_N=16 \
          BENCHSTORE_NUMPY_PASSES=2 run_ok "installed benchstore-run" \
          "${as_user[@]}" /usr/bin/benchstore-run acme/widgets main abc123 "Fix things")
    local modules
    modules=$(ls /usr/lib/benchstore/benches | grep -cE '\.(so|py)$')
    expect_contains "$out" "$modules completed, 0 failed" "installed benchstore-run, every bundled module"
    if grep -q '^BENCHSTORE_BUILD_PYTHON:BOOL=ON' "$build/CMakeCache.txt"; then
        expect_contains "$out" "numpy_benchmark" "installed benchstore-run"
        (cd "$scratch/installed" && run_ok "import benchstore" "${as_user[@]}" /usr/bin/python3 -c "import benchstore") > /dev/null
    fi
    run_ok "apt-get remove benchstore" "${apt[@]}" remove benchstore > /dev/null
    local left=()
    while IFS= read -r path; do
        case "$path" in /usr/lib/benchstore/* | */dist-packages/benchstore/* | */dist-packages/benchstore)
            [ -e "$path" ] && left+=("$path") ;;
        esac
    done <<< "$files"
    [ -e /usr/lib/benchstore ] && left+=("/usr/lib/benchstore: $(find /usr/lib/benchstore | head -5)")
    [ ${#left[@]} -eq 0 ] || fail "after apt remove, still on the disk: ${left[*]}"
    dpkg --purge benchstore > /dev/null  # dpkg's record of the removed package, which remove keeps
    echo "ok: installed with apt, every bundled module ran, removed with apt, nothing left"
}
exec 9> /tmp/benchstore-deb-system-check.lock
flock 9
system_install_check
flock -u 9

echo "ok: $(basename "$deb"), Depends: $depends; unpacked programs ran, exported and synced"
