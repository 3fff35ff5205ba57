// Test module for compare_test: times a sleep of 40 ms times $BENCHSTORE_TEST_SLOWDOWN (default 1),
// so a test can plant a slowdown in one commit and look for it with benchstore-compare.
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const char* factor_text = std::getenv("BENCHSTORE_TEST_SLOWDOWN");
    const double factor = factor_text ? std::atof(factor_text) : 1.0;
    const std::string id = ctx.metrics_recorder.initialise_benchmark({{"test", "timed"}});
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(40.0 * factor));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx.metrics_recorder.collect_model_measurements(id, {{"latency_secs", seconds},
                                                         {"throughput_items_per_sec", 1.0 / seconds}});
}
