#!/usr/bin/env bash
# The ABI surface of libbenchstore.so: its SONAME carries the version, and its dynamic symbol table
# lists the public API and nothing else (no benchstore::export_ / ::sync_ / ::compare_ / ::runner / ::monitor / ::store
# internals, no SQLiteCpp, no std instances made for internal types).
#   symbols_test.sh LIBRARY EXPECTED_SONAME
source "$(dirname "$0")/checks.sh"
lib=${1:?library}
soname=${2:?expected soname}

dynamic=$(readelf -d "$lib")
expect_contains "$dynamic" "Library soname: [$soname]" "SONAME of $lib"

symbols=$(nm -DC --defined-only "$lib" | cut -d' ' -f3-)
[ -n "$symbols" ] || fail "no exported symbols in $lib"
for api in 'benchstore::create_global_metrics_recorder(' 'benchstore::MetricsRecorder::initialise_benchmark(' \
           'benchstore::MetricsRecorder::collect_device_measurements(' 'benchstore::DeviceSampler::DeviceSampler(' \
           'benchstore::export_csv(' 'benchstore::sync(' 'benchstore::run_benchmarks(' 'benchstore::version()' \
           'benchstore::Logger::log(' 'typeinfo for benchstore::InvalidArgument' 'typeinfo for benchstore::ConnectionError'; do
    expect_contains "$symbols" "$api" "public API exported"
done
for internal in 'benchstore::export_::' 'benchstore::sync_::' 'benchstore::compare_::' 'benchstore::runner::' \
                'benchstore::monitor::' 'benchstore::store::' 'benchstore::import::' 'benchstore::report::' \
                'SQLite::' 'sqlite3_' 'PQ'; do
    expect_lacks "$symbols" "$internal" "internal symbol exported"
done
# Exit statuses belong to the executables (apps/cli), and the store's source id to its internals.
for gone in 'benchstore::compare_exit_status(' 'benchstore::read_source_id('; do
    expect_lacks "$symbols" "$gone" "symbol that left the public API exported"
done
# Everything exported belongs to the benchstore namespace.
others=$(printf '%s\n' "$symbols" | grep -Ev '^(benchstore::|typeinfo for benchstore::|typeinfo name for benchstore::|vtable for benchstore::)' || true)
[ -z "$others" ] || fail "exported symbols outside the benchstore namespace:
$others"
echo "ok: $(printf '%s\n' "$symbols" | wc -l) symbols, all public API; SONAME $soname"
