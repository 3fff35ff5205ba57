#!/usr/bin/env bash
# GPU check for benchstore's device sampler, for a machine with an NVIDIA GPU.
#
#   tools/gpu_check.sh [BUILD_DIR]
#
# 1. Compiles a tiny probe from lib/src/monitor/nvml_sampler.cpp alone (needs only g++ and the
#    driver's libnvidia-ml.so.1; no CMake, SQLite or other Debian packages) and prints, five times
#    at 0.5 s intervals, the gpu_util / gpu_mem_megabytes that benchstore reads through NVML next to
#    `nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv`.
# 2. If a build folder is usable (BUILD_DIR with apps/benchstore-run and benches/mock_benchmark.so,
#    or one this script can build with cmake when the dependencies are installed), runs the real
#    DeviceSampler path: benchstore-run with mock_benchmark into a temporary SQLite file, with
#    nvidia-smi sampled alongside, and prints the recorded device rows.
# Exit status: 0 when NVML was read and step 2 ran or was skipped for missing dependencies;
# 1 when NVML could not be read although nvidia-smi sees a GPU, or a step failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-}"
work="$(mktemp -d /tmp/benchstore-gpu-check-XXXXXX)"
trap 'rm -rf "$work"' EXIT
status=0

echo "== nvidia-smi"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=index,name,driver_version,utilization.gpu,memory.used,memory.total --format=csv || status=1
  have_smi=1
else
  echo "nvidia-smi not found"
  have_smi=0
fi

echo "== step 1: NVML through benchstore's reader"
cat > "$work/probe.cpp" <<'CPP'
#include <cstdio>
#include <cstdlib>
#include <thread>
#include "benchstore/device_sampler.hpp"
int main()
{
    auto gpu = benchstore::open_nvml_gpu_reader(0);
    if (!gpu) { std::puts("benchstore: no NVML GPU 0 (libnvidia-ml.so.1 missing, no driver, or no device): GPU values would be NULL"); return 2; }
    std::printf("benchstore: GPU 0 is \"%s\"\n", gpu->name().c_str());
    for (int i = 0; i < 5; ++i) {
        auto r = gpu->read();
        if (r && r->util) std::printf("benchstore: gpu_util=%g", *r->util); else std::printf("benchstore: gpu_util=NULL");
        if (r && r->mem_megabytes) std::printf(" gpu_mem_megabytes=%.1f\n", *r->mem_megabytes); else std::printf(" gpu_mem_megabytes=NULL\n");
        std::fflush(stdout);
        if (std::system("nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader -i 0 2>/dev/null | sed 's/^/nvidia-smi: /'") != 0) std::puts("nvidia-smi: (failed)");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}
CPP
if g++ -std=c++20 -O1 -I"$root/lib/include" -I"$root/lib/src" "$work/probe.cpp" "$root/lib/src/monitor/nvml_sampler.cpp" \
     -o "$work/probe" -ldl -pthread; then
  "$work/probe"
  probe_status=$?
  if [ $probe_status -ne 0 ] && [ $have_smi = 1 ]; then
    echo "FAIL: nvidia-smi sees a GPU but benchstore could not read it through NVML"
    status=1
  fi
else
  echo "FAIL: could not compile the probe"
  status=1
fi

echo "== step 2: DeviceSampler -> MetricsRecorder -> SQLite (mock_benchmark)"
usable() { [ -x "$1/apps/benchstore-run" ] && [ -f "$1/benches/mock_benchmark.so" ]; }
if [ -z "$build_dir" ] && command -v cmake >/dev/null; then
  build_dir="$work/build"
  if ! { cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$work/cmake.log" 2>&1 &&
         cmake --build "$build_dir" -j "$(nproc)" --target benchstore-run >>"$work/cmake.log" 2>&1; }; then
    echo "skipped: cannot build here (missing Debian packages?); last lines of the build log:"
    tail -5 "$work/cmake.log"
    build_dir=""
  fi
fi
if [ -n "$build_dir" ] && usable "$build_dir"; then
  if ldd "$build_dir/apps/benchstore-run" | grep -q "not found"; then
    echo "skipped: $build_dir/apps/benchstore-run lacks shared libraries here:"
    ldd "$build_dir/apps/benchstore-run" | grep "not found"
  else
    if [ $have_smi = 1 ]; then
      nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader -i 0 -lms 500 >"$work/smi.csv" 2>&1 &
      smi_pid=$!
    fi
    BENCHSTORE_MOCK_SECONDS=2 "$build_dir/apps/benchstore-run" gpu/check main gpucheck "GPU check" \
      --db "$work/gpu.db" --benches "$build_dir/benches" --only mock_benchmark --timeout 60 || status=1
    [ $have_smi = 1 ] && kill "$smi_pid" 2>/dev/null
    query="SELECT d.time, round(d.cpu_util,1), round(d.mem_megabytes,1), coalesce(d.gpu_util,'NULL'), coalesce(round(d.gpu_mem_megabytes,1),'NULL')
           FROM device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref ORDER BY d.id"
    echo "recorded rows: time (UTC) | cpu_util | mem_megabytes | gpu_util | gpu_mem_megabytes"
    if command -v sqlite3 >/dev/null; then
      sqlite3 "$work/gpu.db" "$query"
    elif command -v python3 >/dev/null; then
      python3 -c 'import sqlite3,sys; [print(*r, sep=" | ") for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$work/gpu.db" "$query"
    else
      echo "(no sqlite3 or python3 here to print the rows; $(stat -c %s "$work/gpu.db") bytes recorded)"
    fi
    if [ $have_smi = 1 ]; then
      echo "nvidia-smi during the run (local time | utilization.gpu | memory.used):"
      cat "$work/smi.csv"
    fi
  fi
else
  echo "skipped: no usable build folder (pass one built with this checkout: tools/gpu_check.sh build)"
fi
exit $status
