// Test module: creates a benchmark, then throws.
#include <stdexcept>

#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    ctx.metrics_recorder.initialise_benchmark({{"test", "throw"}});
    throw std::runtime_error("boom from throw_module");
}
