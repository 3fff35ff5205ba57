// Test module: creates a benchmark, samples devices for a moment, then aborts.
#include <cstdlib>
#include <thread>

#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const std::string id = ctx.metrics_recorder.initialise_benchmark({{"test", "abort"}});
    benchstore::SamplerOptions options;
    options.interval = std::chrono::milliseconds(20);
    benchstore::DeviceSampler sampler(ctx.metrics_recorder, id, options);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::abort();
}
