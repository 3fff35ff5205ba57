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
echo "ok: $(basename "$deb"), Depends: $depends; unpacked programs ran, exported and synced"
