// matmul_benchmark: a real CPU workload. Multiplies two n x n double matrices (cache-friendly i-k-j
// loop, one thread) twice and records the setup time, both passes and the throughput, with the
// device sampler running. BENCHSTORE_MATMUL_N sets n (default 1024).
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <benchstore/benchmark_module.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void multiply(const std::vector<double>& a, const std::vector<double>& b, std::vector<double>& c, std::size_t n)
{
    std::fill(c.begin(), c.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k) {
            const double aik = a[i * n + k];
            const double* brow = &b[k * n];
            double* crow = &c[i * n];
            for (std::size_t j = 0; j < n; ++j) crow[j] += aik * brow[j];
        }
}

} // namespace

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const char* n_text = std::getenv("BENCHSTORE_MATMUL_N");
    const std::size_t n = n_text && std::atoi(n_text) > 0 ? static_cast<std::size_t>(std::atoi(n_text)) : 1024;
    const std::string id = ctx.metrics_recorder.initialise_benchmark(
        {{"workload", "matmul"}, {"n", std::to_string(n)}, {"dtype", "float64"}, {"threads", "1"}});
    benchstore::DeviceSampler sampler(ctx.metrics_recorder, id);

    auto start = Clock::now();
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<double> a(n * n), b(n * n), c(n * n);
    for (auto& x : a) x = dist(rng);
    for (auto& x : b) x = dist(rng);
    const double setup = seconds_since(start);

    start = Clock::now();
    multiply(a, b, c, n);
    const double first = seconds_since(start);
    start = Clock::now();
    multiply(a, b, c, n);
    const double second = seconds_since(start);

    sampler.stop();
    const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    ctx.metrics_recorder.collect_model_measurements(id, {{"setup_time_secs", setup},
                                                         {"first_pass_time_secs", first},
                                                         {"second_pass_time_secs", second},
                                                         {"throughput_gflops", flops / second / 1e9}});
    ctx.logger.info("matmul_benchmark: n=" + std::to_string(n) + ", second pass " + std::to_string(second) +
                    " s, " + std::to_string(flops / second / 1e9) + " GFLOP/s, c[0]=" + std::to_string(c[0]));
}
