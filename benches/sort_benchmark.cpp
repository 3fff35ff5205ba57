// sort_benchmark: a real CPU workload. Sorts n random 64-bit integers with std::sort twice (each
// time a fresh copy of the same input) and records the setup time, both passes and the throughput,
// with the device sampler running. BENCHSTORE_SORT_N sets n (default 10,000,000).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <benchstore/benchmark_module.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double timed_sort(const std::vector<std::uint64_t>& input, std::vector<std::uint64_t>& work)
{
    work = input;  // the copy is outside the timed region
    const auto start = Clock::now();
    std::sort(work.begin(), work.end());
    return seconds_since(start);
}

} // namespace

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const char* n_text = std::getenv("BENCHSTORE_SORT_N");
    const std::size_t n = n_text && std::atol(n_text) > 0 ? static_cast<std::size_t>(std::atol(n_text)) : 10'000'000;
    const std::string id = ctx.metrics_recorder.initialise_benchmark(
        {{"workload", "sort"}, {"n", std::to_string(n)}, {"dtype", "uint64"}, {"algorithm", "std::sort"}});
    benchstore::DeviceSampler sampler(ctx.metrics_recorder, id);

    const auto start = Clock::now();
    std::mt19937_64 rng(11);
    std::vector<std::uint64_t> input(n);
    for (auto& x : input) x = rng();
    std::vector<std::uint64_t> work;
    work.reserve(n);
    const double setup = seconds_since(start);

    const double first = timed_sort(input, work);
    const double second = timed_sort(input, work);
    if (!std::is_sorted(work.begin(), work.end())) throw std::runtime_error("sort_benchmark: output not sorted");

    sampler.stop();
    ctx.metrics_recorder.collect_model_measurements(id, {{"setup_time_secs", setup},
                                                         {"first_pass_time_secs", first},
                                                         {"second_pass_time_secs", second},
                                                         {"throughput_melements_per_sec", static_cast<double>(n) / second / 1e6}});
    ctx.logger.info("sort_benchmark: n=" + std::to_string(n) + ", second pass " + std::to_string(second) + " s");
}
