// Test module: marks one of its benchmarks failed itself, leaves another running, and returns.
#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const std::string bad = ctx.metrics_recorder.initialise_benchmark({{"case", "bad"}});
    ctx.metrics_recorder.initialise_benchmark({{"case", "good"}});
    ctx.metrics_recorder.set_status(bad, benchstore::BenchmarkStatus::failed, "result out of range");
}
