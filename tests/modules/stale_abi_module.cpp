// Test module: claims a module interface version this runner does not have.
#include <benchstore/benchmark_module.hpp>

extern "C" __attribute__((visibility("default"))) const int benchstore_module_abi_version = 999;
extern "C" __attribute__((visibility("default"))) void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    ctx.metrics_recorder.initialise_benchmark({{"test", "stale"}});
}
