#!/usr/bin/env bash
# Install into a temporary prefix, then use it as a user outside the tree would:
# - a CMake project (consumer/) with find_package(benchstore 0.1 CONFIG REQUIRED), built and run;
# - the same program built with g++ and pkg-config alone, and run;
# - the installed benchstore-run, which finds the installed bundled modules by default.
#   install_test.sh BUILD_DIR CXX_COMPILER VERSION [COMPILER_LAUNCHER]
source "$(dirname "$0")/checks.sh"
build=${1:?build dir}
cxx=${2:?c++ compiler}
version=${3:?version}
launcher=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
prefix=$scratch/prefix

run_ok "cmake --install" cmake --install "$build" --prefix "$prefix" > /dev/null

# The recorder example, then what it wrote, read back by the installed benchstore-export.
check_example() {  # check_example WHAT PROGRAM
    local out export
    out=$(run_ok "$1" "$2" "$scratch/$1.db" "$scratch/$1-results")
    expect_contains "$out" "caught benchstore::InvalidArgument" "$1"
    expect_contains "$out" "benchstore $version (headers $version)" "$1"
    expect_contains "$out" "exported 4 files" "$1"
    local loaded
    loaded=$(ldd "$2" | awk '/libbenchstore/ {print $3}')
    [ "$(realpath "$loaded")" = "$(realpath "$prefix/lib/libbenchstore.so")" ] ||
        fail "$1 runs with $loaded, not the installed library"
    export=$(run_ok "installed benchstore-export" "$prefix/bin/benchstore-export" --db "$scratch/$1.db" --out "$scratch/$1-export")
    expect_contains "$export" "benchmarks_" "benchstore-export of $1's store"
    expect_contains "$export" "(1 row)" "benchstore-export of $1's store"
    expect_contains "$export" "(2 rows)" "benchstore-export of $1's store (device rows)"
}

# 1. CMake: find_package from the prefix, nothing else given (no include path, no C++ standard).
run_ok "consumer configure" cmake -S "$here/consumer" -B "$scratch/consumer" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$cxx" ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} \
    -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
run_ok "consumer build" cmake --build "$scratch/consumer" > /dev/null
check_example find_package "$scratch/consumer/recorder_example"

# A version outside 0.<minor>.x is refused.
cat > "$scratch/wrong_version.cmake" <<CMAKE
find_package(benchstore 1.0 CONFIG QUIET PATHS "$prefix" NO_DEFAULT_PATH)
if(benchstore_FOUND)
  message(FATAL_ERROR "benchstore 1.0 accepted, though $version is installed")
endif()
CMAKE
run_ok "find_package(benchstore 1.0)" cmake -P "$scratch/wrong_version.cmake" > /dev/null

# 2. pkg-config alone.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion benchstore)" = "$version" ] || fail "pkg-config --modversion: $(pkg-config --modversion benchstore)"
read -r -a flags <<< "$(pkg-config --cflags --libs benchstore)"
run_ok "g++ with pkg-config" $launcher "$cxx" -std=c++20 "$here/consumer/recorder_example.cpp" "${flags[@]}" \
    -Wl,-rpath,"$(pkg-config --variable=libdir benchstore)" -o "$scratch/pkg_config_example" > /dev/null
check_example pkg_config "$scratch/pkg_config_example"

# 3. The installed runner runs the installed modules, without being told where they are.
mkdir "$scratch/run"
cd "$scratch/run"
out=$(BENCHSTORE_SORT_N=1000 run_ok "installed benchstore-run" "$prefix/bin/benchstore-run" --only sort_benchmark \
      acme/widgets main abc123 "Fix things")
expect_contains "$out" "Discovered 1 benchmark(s): [sort_benchmark]" "installed benchstore-run"
expect_contains "$out" "1 completed, 0 failed" "installed benchstore-run"
# The build tree's modules exist here too: --help (line breaks and spaces removed) shows which it uses.
expect_contains "$("$prefix/bin/benchstore-run" --help | tr -d ' \n')" "(default:$prefix/lib/benchstore/benches)" \
    "installed benchstore-run's default --benches"
echo "ok: installed into $prefix; find_package and pkg-config consumers built and ran; installed runner found its modules"
